"""Key performance indicators of one run, from the users' histories and the time ledger.

Every KPI is in the catalogue ``domain.schema.KPIS`` with its unit and plain name; a test checks
that this module computes exactly the catalogue's run KPIs. Definitions (also in the README):

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
  ever-employed user; plus office totals including ordinary casework;
* ``subsidy_cost_per_employment``: mentor subsidy + wage subsidy (NOK) / users ever employed.
"""

from __future__ import annotations

import math

import numpy as np

from agents.caseload import JOB, LEFT
from domain.schema import (CHECKPOINT_WEEKS, ORDINARY_JOB_WEEKS, RETENTION_WEEKS, SUBGROUPS, WITHIN_START_WEEKS,
                           adviser_hours_kpi, adviser_pressure_kpi, employed_share_kpi, fte_used_kpi,
                           hours_per_candidate_kpi, hours_per_employment_kpi, ordinary_job_kpi, over_budget_kpi,
                           positions_kpi)
from domain.states import State
from domain.survival import kaplan_meier
from domain.terms import ACTIVITIES, NEED_LEVELS, ROLE_INDEX, ROLES, MentorActivity, Role
from sim.tally import Tally, close_episode_outcome


def km_median(durations: np.ndarray, observed: np.ndarray) -> float:
    """Kaplan-Meier median of right-censored durations (NaN if the survival curve stays above 0.5)."""
    if len(durations) == 0 or not np.any(observed):
        return math.nan
    return kaplan_meier(durations, observed).median()


def _share(values) -> float:
    values = list(values)
    return float(np.mean(values)) if values else math.nan


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else math.nan


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else math.nan


def compute_kpis(outcome) -> dict:
    """Every KPI of a finished run (a ``sim.outcome.RunOutcome``)."""
    cfg = outcome.cfg
    horizon = cfg.horizon_weeks
    cands = outcome.users
    counters = outcome.counters
    n = len(cands)
    kpis: dict = {"n_candidates": n}
    ever = [c.first_job_week is not None for c in cands]
    kpis["ever_employed_share"] = _share(ever)
    kpis["n_ever_employed"] = int(sum(ever))
    for w in CHECKPOINT_WEEKS:
        kpis[employed_share_kpi(w)] = (_share(c.employed_at(w) for c in cands if c.entry_week <= w)
                                     if w <= horizon else math.nan)
    dur = np.array([(c.first_job_week if c.first_job_week is not None else horizon) - c.entry_week for c in cands],
                   float)
    obs = np.array(ever, bool)
    kpis["median_weeks_to_first_job"] = km_median(dur, obs)
    kpis["median_weeks_to_first_job_if_employed"] = float(np.median(dur[obs])) if obs.any() else math.nan
    # from programme start (first week in a workplace pathway), comparable with trial figures (EVID T1, T2)
    started = [c for c in cands if c.start_week is not None]
    after = [c.first_job_week - c.start_week for c in started
             if c.first_job_week is not None and c.first_job_week >= c.start_week]
    kpis["median_weeks_start_to_first_job"] = float(np.median(after)) if after else math.nan
    for w in WITHIN_START_WEEKS:
        group = [c for c in started if c.start_week <= horizon - w]
        kpis[f"employed_within_{w}w_of_start_share"] = _share(
            c.first_job_week is not None and c.start_week <= c.first_job_week <= c.start_week + w for c in group)
    kpis["started_share"] = _share(c.start_week is not None for c in cands)
    for w in RETENTION_WEEKS:
        firsts = [c.job_spells[0] for c in cands if c.job_spells and c.job_spells[0].start <= horizon - w]
        kpis[f"retention_{w}"] = _share((s.end is None or s.end - s.start >= w) for s in firsts)
    final = [c.state for c in cands]
    kpis["dropout_share"] = _share(c.n_dropouts > 0 for c in cands)
    kpis["not_successful_share"] = _share(c.n_not_successful > 0 for c in cands)
    kpis["job_lost_share"] = _share(c.n_job_lost > 0 for c in cands)
    kpis["apprentice_share"] = _share(s == State.APPRENTICE for s in final)
    kpis["education_share"] = _share(s == State.EDUCATION for s in final)
    kpis["lockin_share"] = _share(c.lockin_week is not None for c in cands)
    kpis["subsidised_share_end"] = _share(c.subsidised_at(horizon) for c in cands)
    kpis["exited_share"] = _share(s == State.EXITED for s in final)
    kpis["in_work_end_share"] = _share(c.employed_at(horizon) for c in cands)
    kpis["placed_share"] = _share(c.n_placements > 0 for c in cands)
    kpis["transferred_to_js_share"] = _share(c.n_transfers > 0 for c in cands)
    kpis["js_wait_weeks_mean"] = _share(c.wait_weeks for c in cands if c.n_transfers > 0)

    # subgroups: need level at entry, close follow-up, job specialist
    for level in NEED_LEVELS:
        group = [c for c in cands if c.need_level0 == level]
        kpis[f"n_{level}"] = len(group)
        kpis[f"ever_employed_share_{level}"] = _share(c.first_job_week is not None for c in group)
        kpis[f"employed_share_end_{level}"] = _share(c.employed_at(horizon) for c in group)
        kpis[f"dropout_share_{level}"] = _share(c.n_dropouts > 0 for c in group)
        kpis[f"adviser_hours_per_candidate_{level}"] = _share(sum(c.hours) for c in group)
    for tag, attr, _name in SUBGROUPS:
        group = [c for c in cands if getattr(c, attr)]
        kpis[f"n_{tag}_cases"] = len(group)
        if tag == "close":   # a job counts for close follow-up only if it started in the close episode
            kpis[f"{tag}_employed_share"] = _share(c.job_in_close_episode for c in group)
        else:
            kpis[f"{tag}_employed_share"] = _share(c.first_job_week is not None for c in group)
        kpis[f"{tag}_apprentice_share"] = _share(c.state == State.APPRENTICE for c in group)
        kpis[f"{tag}_education_share"] = _share(c.state == State.EDUCATION for c in group)
        kpis[f"{tag}_dropout_share"] = _share(c.n_dropouts > 0 for c in group)
        kpis[f"{tag}_hours_per_case"] = _share(sum(c.hours) for c in group)

    # close cases with at least a year to finish (comparable with the pilots' reported outcomes)
    early = [c for c in cands if c.first_close_week is not None and c.first_close_week <= horizon - 52]
    kpis["n_close_cases_1y"] = len(early)
    kpis["close_employed_share_1y"] = _share(c.job_in_close_episode for c in early)
    moved_on = [c for c in early if c.transferred_from_close]
    kpis["close_transferred_share_1y"] = _share(c.transferred_from_close for c in early)
    kpis["close_transferred_employed_share_1y"] = _share(c.first_job_week is not None for c in moved_on)
    kpis["close_apprentice_share_1y"] = _share(c.state == State.APPRENTICE for c in early)
    kpis["close_education_share_1y"] = _share(c.state == State.EDUCATION for c in early)

    episodes = counters[Tally.CLOSE_EPISODES]
    kpis["close_episodes"] = int(episodes)
    kpis["close_episode_success_share"] = _ratio(counters[Tally.CLOSE_EPISODES_SUCCESS], episodes)
    kpis["close_episode_dropout_share"] = _ratio(counters[close_episode_outcome(State.DROPOUT)], episodes)

    # adviser time
    ledger = outcome.ledger
    hours = ledger.hours[1:horizon + 1]
    unmet = ledger.unmet[1:horizon + 1]
    cand_hours = np.array([c.hours for c in cands], dtype=float).sum(axis=0) if cands else np.zeros(len(ACTIVITIES))
    n_employed = kpis["n_ever_employed"]
    for activity in ACTIVITIES:
        kpis[hours_per_candidate_kpi(activity)] = _ratio(cand_hours[activity], n)
        kpis[hours_per_employment_kpi(activity)] = _ratio(cand_hours[activity], n_employed)
        kpis[f"office_hours_{activity.key}"] = float(hours[:, :, activity].sum())
        kpis[f"unmet_hours_{activity.key}"] = float(unmet[:, :, activity].sum())
    kpis["hours_per_candidate"] = _ratio(cand_hours.sum(), n)
    kpis["hours_per_employment"] = _ratio(cand_hours.sum(), n_employed)
    kpis["office_hours_total"] = float(hours.sum())
    kpis["unmet_hours_total"] = float(unmet.sum())
    weeks = ledger.adviser_weeks[1:horizon + 1]
    over = ledger.adviser_weeks_over[1:horizon + 1]
    kpis["adviser_weeks_over_budget_share"] = _ratio(over.sum(), weeks.sum())
    hours_week = cfg.office.adviser_hours_week
    for r, role in enumerate(ROLES):
        kpis[over_budget_kpi(role)] = _ratio(over[:, r].sum(), weeks[:, r].sum())
        used = _ratio(hours[:, r, :].sum(), weeks[:, r].sum() * hours_week)
        kpis[fte_used_kpi(role)] = min(1.0, used) if used == used else used   # the sums round just above 1
        kpis[adviser_hours_kpi(role)] = float(hours[:, r, :].sum())
        kpis[adviser_pressure_kpi(role)] = _ratio(ledger.pressure_sum[1:horizon + 1, r].sum(), weeks[:, r].sum())
    kpis["adviser_weeks_js_like_share"] = _ratio(ledger.adviser_weeks_js_like[1:horizon + 1].sum(),
                                              weeks[:, ROLE_INDEX[Role.HYBRID]].sum())
    kpis["hybrid_case_weeks_drifted_share"] = _ratio(counters[Tally.CLOSE_CASE_WEEKS_DRIFTED], counters[Tally.CLOSE_CASE_WEEKS])
    done, postponed = counters[Tally.REVIEWS_DONE], counters[Tally.REVIEWS_POSTPONED]
    kpis["reviews_postponed_share"] = _ratio(postponed, done + postponed)

    # mentors and subsidies
    mentor_hours = ledger.mentor_hours[1:horizon + 1]
    kpis["mentor_hours_support"] = float(mentor_hours[:, MentorActivity.SUPPORT].sum())
    kpis["mentor_hours_network"] = float(mentor_hours[:, MentorActivity.NETWORK].sum())
    subsidised = float(ledger.mentor_subsidised_hours[1:horizon + 1].sum())
    kpis["mentor_hours_subsidised"] = subsidised
    kpis["mentor_hours_per_employment"] = _ratio(mentor_hours.sum(), n_employed)
    kpis["mentors_total"] = outcome.mentors_total
    kpis["mentor_registry_size"] = outcome.mentor_registry_size
    kpis["mentor_burnouts"] = int(counters[Tally.MENTOR_BURNOUTS])
    kpis["mentor_departures"] = int(counters[Tally.MENTOR_DEPARTURES])
    kpis["mentor_calls"] = int(counters[Tally.MENTOR_CALLS])
    kpis["mentor_calls_answered_share"] = _ratio(counters[Tally.MENTOR_CALLS_ANSWERED], counters[Tally.MENTOR_CALLS])
    kpis["ia_adviser_hours"] = float(ledger.ia_hours[1:horizon + 1].sum())
    kpis["network_sessions"] = int(counters[Tally.NETWORK_SESSIONS])
    prices = cfg.cost
    mentor_cost = subsidised * prices.mentor_subsidy_nok_per_hour
    wage_cost = 0.0
    for c in cands:
        for spell in c.job_spells:
            stop = horizon if spell.end is None else min(spell.end, horizon)
            weeks_paid = max(0, stop - spell.start)
            subsidised = weeks_paid if spell.permanent_subsidy else min(spell.wage_subsidy_weeks, weeks_paid)
            wage_cost += subsidised * prices.wage_nok_per_week_fte * spell.fte * prices.wage_subsidy_rate
    kpis["mentor_subsidy_nok"] = mentor_cost
    kpis["wage_subsidy_nok"] = wage_cost
    kpis["subsidy_cost_per_employment"] = _ratio(mentor_cost + wage_cost, n_employed)
    # the positions: adviser-weeks by role over the run, a position-year priced by its role
    position_cost = 0.0
    for r, role in enumerate(ROLES):
        kpis[positions_kpi(role)] = float(weeks[:, r].sum()) / horizon
        position_cost += float(weeks[:, r].sum()) / 52 * prices.position_nok_per_year(role)
    kpis["position_cost_nok"] = position_cost
    kpis["nav_cost_nok"] = position_cost + mentor_cost + wage_cost

    # search and staff
    kpis["employer_contacts"] = int(counters[Tally.EMPLOYER_CONTACTS])
    kpis["employer_refusals"] = int(counters[Tally.EMPLOYER_REFUSALS])
    kpis["refusal_rate"] = _ratio(kpis["employer_refusals"], kpis["employer_contacts"])
    kpis["adviser_turnovers"] = int(counters[Tally.ADVISER_TURNOVERS])
    kpis["arrivals_above_caseload_cap"] = int(counters[Tally.ARRIVALS_ABOVE_CAP])
    kpis["firms_used"] = outcome.firms_used
    kpis.update(ordinary_kpis(outcome.ordinary, horizon))
    return kpis


def ordinary_kpis(users, horizon: int) -> dict:
    """The KPIs of the users outside the target group (``agents.caseload.OrdinaryRecords``). Shares are of
    the users on the caseloads at the start (the same people under every policy); the rates of every
    user-week on a caseload."""
    first = users.first
    job = users.state == JOB
    out: dict = {"ordinary_n_users": int(len(first)), "ordinary_n_start": int(first.sum())}
    start_job, start_end = job[first], users.end_week[first]
    for w in ORDINARY_JOB_WEEKS:
        out[ordinary_job_kpi(w)] = _mean(start_job & (start_end <= w)) if w <= horizon else math.nan
    out["ordinary_job_by_end_share"] = _mean(start_job)
    out["ordinary_left_without_job_share"] = _mean(users.state[first] == LEFT)
    ended = np.where(start_end >= 0, start_end, horizon).astype(float)
    out["ordinary_median_weeks_to_job"] = km_median(ended, start_job)
    user_weeks = float(np.sum(np.where(users.end_week >= 0, users.end_week, horizon) - users.entry_week))
    out["ordinary_weeks_without_plan_share"] = _ratio(float(users.weeks_without_plan.sum()), user_weeks)
    out["ordinary_reviews_missed_per_user_year"] = _ratio(float(users.reviews_missed.sum()), user_weeks / 52.0)
    return out
