"""Key performance indicators of one run, computed from the candidates' histories and the time ledger.

Definitions (also in the README):

* cohort: every target-group user on a caseload during the run (the week-0 stock and arrivals);
* ``ever_employed_share``: share of the cohort hired into an ordinary job at least once;
* ``employed_share_wN``: share employed at simulation week N among users who had arrived by then;
* ``median_weeks_to_first_job``: Kaplan-Meier median from entry, censored at the horizon
  (NaN when fewer than half are ever employed); ``..._if_employed``: median among those employed;
* ``retention_26`` / ``retention_52``: share of first jobs still held 26 / 52 weeks after the
  start, among first jobs that began at least that long before the horizon;
* shares of dropout, firm-ended/ not extended, apprenticeship, education, lock-in: share of the
  cohort with at least one such event;
* hours: adviser hours booked to each activity on target-group pathways, per cohort member and per
  ever-employed user; plus office totals including ordinary admin;
* ``subsidy_cost_per_employment``: mentor subsidy + wage subsidy (NOK) / users ever employed.
"""

from __future__ import annotations

import math

import numpy as np

from sim.ledger import ACTIVITIES, ADVISER_ROLES
from sim.states import State

CHECK_WEEKS = (26, 52, 104, 156)


def km_median(durations: np.ndarray, observed: np.ndarray) -> float:
    """Kaplan-Meier median of durations with right censoring (NaN if the curve stays above 0.5)."""
    if len(durations) == 0:
        return math.nan
    order = np.argsort(durations, kind="stable")
    d = durations[order]
    e = observed[order]
    at_risk = len(d)
    surv = 1.0
    i = 0
    while i < len(d):
        t = d[i]
        j = i
        events = 0
        while j < len(d) and d[j] == t:
            events += int(e[j])
            j += 1
        if events:
            surv *= 1.0 - events / at_risk
            if surv <= 0.5:
                return float(t)
        at_risk -= j - i
        i = j
    return math.nan


def employed_at(cand, week: int) -> bool:
    for start, end, _ws, _fte in cand.job_spells:
        if start <= week and (end is None or end > week):
            return True
    return False


def _share(values) -> float:
    values = list(values)
    return float(np.mean(values)) if values else math.nan


def compute_kpis(model) -> dict:
    cfg = model.cfg
    H = cfg.horizon_weeks
    cands = model.candidates
    n = len(cands)
    k: dict = {"n_candidates": n}
    ever = [c.first_job_week is not None for c in cands]
    k["ever_employed_share"] = _share(ever)
    k["n_ever_employed"] = int(sum(ever))
    for w in CHECK_WEEKS:
        if w <= H:
            present = [c for c in cands if c.entry_week <= w]
            k[f"employed_share_w{w}"] = _share(employed_at(c, w) for c in present)
        else:
            k[f"employed_share_w{w}"] = math.nan
    dur = np.array([(c.first_job_week if c.first_job_week is not None else H) - c.entry_week for c in cands], float)
    obs = np.array(ever, bool)
    k["median_weeks_to_first_job"] = km_median(dur, obs)
    k["median_weeks_to_first_job_if_employed"] = float(np.median(dur[obs])) if obs.any() else math.nan
    # from programme start (first week in a workplace pathway), comparable with trial figures (EVID T1, T2)
    started = [c for c in cands if c.start_week is not None]
    after = [c.first_job_week - c.start_week for c in started
             if c.first_job_week is not None and c.first_job_week >= c.start_week]
    k["median_weeks_start_to_first_job"] = float(np.median(after)) if after else math.nan
    for w in (26, 52, 78):
        grp = [c for c in started if c.start_week <= H - w]
        k[f"employed_within_{w}w_of_start_share"] = _share(
            c.first_job_week is not None and c.start_week <= c.first_job_week <= c.start_week + w for c in grp)
    k["started_share"] = _share(c.start_week is not None for c in cands)
    for horizon in (26, 52):
        firsts = [c.job_spells[0] for c in cands if c.job_spells and c.job_spells[0][0] <= H - horizon]
        k[f"retention_{horizon}"] = _share((end is None or end - start >= horizon) for start, end, _, _ in firsts)
    final = [c.state for c in cands]
    k["dropout_share"] = _share(c.n_dropouts > 0 for c in cands)
    k["not_successful_share"] = _share(c.n_not_successful > 0 for c in cands)
    k["job_lost_share"] = _share(c.n_job_lost > 0 for c in cands)
    k["apprentice_share"] = _share(s == State.APPRENTICE for s in final)
    k["education_share"] = _share(s == State.EDUCATION for s in final)
    k["lockin_share"] = _share(s == State.LOCKIN for s in final)
    k["exited_share"] = _share(s == State.EXITED for s in final)
    k["in_work_end_share"] = _share(employed_at(c, H) for c in cands)
    k["placed_share"] = _share(c.n_placements > 0 for c in cands)
    k["transferred_to_js_share"] = _share(c.n_transfers > 0 for c in cands)
    waits = [c.wait_weeks for c in cands if c.n_transfers > 0]
    k["js_wait_weeks_mean"] = _share(waits)

    # subgroups: need level at entry, close follow-up, job specialist
    for lvl in ("small", "medium", "large"):
        grp = [c for c in cands if c.need_level0 == lvl]
        k[f"n_{lvl}"] = len(grp)
        k[f"ever_employed_share_{lvl}"] = _share(c.first_job_week is not None for c in grp)
        k[f"employed_share_end_{lvl}"] = _share(employed_at(c, H) for c in grp)
        k[f"dropout_share_{lvl}"] = _share(c.n_dropouts > 0 for c in grp)
        k[f"adviser_hours_per_candidate_{lvl}"] = _share(sum(c.hours) for c in grp)
    for tag, attr in (("close", "ever_close"), ("js", "ever_js")):
        grp = [c for c in cands if getattr(c, attr)]
        k[f"n_{tag}_cases"] = len(grp)
        k[f"{tag}_employed_share"] = _share(c.first_job_week is not None for c in grp)
        k[f"{tag}_apprentice_share"] = _share(c.state == State.APPRENTICE for c in grp)
        k[f"{tag}_education_share"] = _share(c.state == State.EDUCATION for c in grp)
        k[f"{tag}_dropout_share"] = _share(c.n_dropouts > 0 for c in grp)
        k[f"{tag}_hours_per_case"] = _share(sum(c.hours) for c in grp)

    # close cases with at least a year to finish (comparable with the pilots' reported outcomes)
    early = [c for c in cands if c.first_close_week is not None and c.first_close_week <= H - 52]
    k["n_close_cases_1y"] = len(early)
    k["close_employed_share_1y"] = _share(c.first_job_week is not None for c in early)
    k["close_apprentice_share_1y"] = _share(c.state == State.APPRENTICE for c in early)
    k["close_education_share_1y"] = _share(c.state == State.EDUCATION for c in early)

    ce = model.counters["close_episodes"]
    k["close_episodes"] = int(ce)
    k["close_episode_success_share"] = model.counters["close_episodes_success"] / ce if ce else math.nan
    k["close_episode_dropout_share"] = model.counters["close_episode_dropout"] / ce if ce else math.nan

    # adviser time
    hours = model.ledger.hours[1:H + 1]
    unmet = model.ledger.unmet[1:H + 1]
    cand_hours = np.array([c.hours for c in cands], dtype=float).sum(axis=0) if cands else np.zeros(len(ACTIVITIES))
    n_emp = max(k["n_ever_employed"], 0)
    for i, act in enumerate(ACTIVITIES):
        k[f"hours_per_candidate_{act}"] = float(cand_hours[i] / n) if n else math.nan
        k[f"hours_per_employment_{act}"] = float(cand_hours[i] / n_emp) if n_emp else math.nan
        k[f"office_hours_{act}"] = float(hours[:, :, i].sum())
        k[f"unmet_hours_{act}"] = float(unmet[:, :, i].sum())
    k["hours_per_candidate"] = float(cand_hours.sum() / n) if n else math.nan
    k["hours_per_employment"] = float(cand_hours.sum() / n_emp) if n_emp else math.nan
    k["office_hours_total"] = float(hours.sum())
    k["unmet_hours_total"] = float(unmet.sum())
    weeks = model.ledger.adviser_weeks[1:H + 1]
    over = model.ledger.adviser_weeks_over[1:H + 1]
    k["adviser_weeks_over_budget_share"] = float(over.sum() / weeks.sum()) if weeks.sum() else math.nan
    for r, role in enumerate(ADVISER_ROLES):
        k[f"adviser_weeks_over_budget_share_{role}"] = (float(over[:, r].sum() / weeks[:, r].sum())
                                                         if weeks[:, r].sum() else math.nan)
        k[f"adviser_hours_{role}"] = float(hours[:, r, :].sum())
        k[f"adviser_pressure_{role}"] = (float(model.ledger.pressure_sum[1:H + 1, r].sum() / weeks[:, r].sum())
                                         if weeks[:, r].sum() else math.nan)
    k["adviser_weeks_js_like_share"] = (float(model.ledger.adviser_weeks_js_like[1:H + 1].sum() / weeks[:, 1].sum())
                                        if weeks[:, 1].sum() else math.nan)
    hc = model.counters["hybrid_case_weeks"]
    k["hybrid_case_weeks_drifted_share"] = model.counters["hybrid_case_weeks_drifted"] / hc if hc else math.nan

    rd, rp = model.counters["reviews_done"], model.counters["reviews_postponed"]
    k["reviews_postponed_share"] = rp / (rd + rp) if rd + rp else math.nan

    # mentors and subsidies
    mh = model.ledger.mentor_hours[1:H + 1]
    k["mentor_hours_support"] = float(mh[:, 0].sum())
    k["mentor_hours_network"] = float(mh[:, 1].sum())
    sub_h = float(model.ledger.mentor_subsidised_hours[1:H + 1].sum())
    k["mentor_hours_subsidised"] = sub_h
    k["mentor_hours_per_employment"] = float(mh.sum() / n_emp) if n_emp else math.nan
    k["mentors_total"] = len(model.mentors)
    k["mentor_registry_size"] = len(model.registry)
    k["mentor_burnouts"] = int(model.counters["mentor_burnouts"])
    k["network_sessions"] = int(model.counters["network_sessions"])
    cc = cfg.cost
    mentor_cost = sub_h * cc.mentor_subsidy_nok_per_hour
    wage_cost = 0.0
    for c in cands:
        for start, end, ws_weeks, fte in c.job_spells:
            stop = H if end is None else min(end, H)
            wage_cost += min(ws_weeks, max(0, stop - start)) * cc.wage_nok_per_week_fte * fte * cc.wage_subsidy_rate
        if c.lockin_week is not None:
            wage_cost += (H - c.lockin_week) * cc.wage_nok_per_week_fte * c.max_fte * cc.wage_subsidy_rate
    k["mentor_subsidy_nok"] = mentor_cost
    k["wage_subsidy_nok"] = wage_cost
    k["subsidy_cost_per_employment"] = (mentor_cost + wage_cost) / n_emp if n_emp else math.nan

    # search and staff
    k["employer_contacts"] = int(model.counters["employer_contacts"])
    k["employer_refusals"] = int(model.counters["employer_refusals"])
    k["refusal_rate"] = (k["employer_refusals"] / k["employer_contacts"]) if k["employer_contacts"] else math.nan
    k["adviser_turnovers"] = int(model.counters["adviser_turnovers"])
    k["arrivals_above_caseload_cap"] = int(model.counters["arrivals_above_cap"])
    k["firms_used"] = sum(1 for f in model.firms if f.n_success + f.n_failure > 0)
    return k
