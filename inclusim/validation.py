"""Validation: the model against the targets file (``conf/targets.yaml``).

Each target the model can measure has a :class:`Measure` here: the setting(s) it is run in and how
its figure is computed from the run tables of one seed. The range, the source and whether the
target is used in calibration live in the targets file alone. The table gives, for every target,
the model's mean over replications with a 90 % interval and whether it meets the target; targets
the model cannot measure yet are listed with what it would need. Where the targets file names only
a proxy (the nearest existing KPI), the row says so. Nothing here changes a parameter: it measures.

    inclusim validate [--seeds N] [--out FILE.csv]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.spells import employed_at, employment_spells, weeks_employed
from analysis.stats import mean_ci
from analysis.uncertainty import QUANTILES
from domain.config import Config
from domain.params import merge, overrides
from inclusim.compose import compose_config
from inclusim.targets import Target, load_targets
from sim.tables import run_model

PILOT = {"office": {"leader_support": 0.9, "caseload_ordinary": 60, "n_advisers": 10, "hybrid_volunteer_share": 0.5},
         "learning": {"adviser_competence0": 0.4},
         # the pilots' 49 users were all followed by hybrid advisers and mentors; none was handed to a
         # job-specialist team (001:398-407), so the pilot setting does not escalate
         "policy": {"name": "hybrid", "max_age": 29, "escalate_to_js": False}}

Tables = dict   # one seed's run tables: runs, weekly, events, candidates


@dataclass(frozen=True)
class Measure:
    """How one target's figure is measured: in ``setting`` (or, for a contrast, as ``combine`` of the
    figures in ``setting`` and ``baseline``), by ``figure`` from one seed's tables."""

    setting: str
    figure: Callable[[Tables], float]
    baseline: str | None = None                 # a contrast: the second setting
    combine: str = "ratio"                      # ratio or difference of setting over baseline
    label: str = ""                             # which of several KPIs (e.g. "medium need")
    proxy: str = ""                             # the proxy used, when the target's own measure is missing
    contrast: Callable[[Tables, Tables], float] | None = None   # a contrast not a ratio or difference of figures


def _runs_kpi(kpi: str) -> Callable[[Tables], float]:
    return lambda t: float(t["runs"].iloc[0][kpi])


def _users(t: Tables, needs=("medium", "large"), under_30: bool = False, window: int = 0) -> pd.DataFrame:
    """The users of these need levels (at entry), by candidate_id, who entered at least ``window``
    weeks before the end of the run; ``entry`` is the entry week (0 for users there at the start)."""
    users = t["candidates"]
    horizon = _horizon(t)
    entry = users["entry_week"].clip(lower=0)
    chosen = users["need_level"].isin(needs) & (entry <= horizon - window)
    if under_30:
        chosen &= users["age"] < 30
    out = users.loc[chosen, ["candidate_id", "first_job_week"]].assign(entry=entry[chosen].astype("int64"))
    return out.set_index("candidate_id")


def _horizon(t: Tables) -> int:
    return int(t["runs"].iloc[0]["cfg.horizon_weeks"])


def _spells(t: Tables) -> pd.DataFrame:
    if "_spells" not in t:
        t["_spells"] = employment_spells(t["events"], _horizon(t))
    return t["_spells"]


def _mean(values) -> float:
    values = np.asarray(values, dtype=float)
    return float(values.mean()) if values.size else float("nan")


def _employed_within(weeks: int, needs=("medium", "large"), under_30: bool = False) -> Callable[[Tables], float]:
    """Share first employed within ``weeks`` of entry, among users of these need levels (at entry) who
    entered at least ``weeks`` before the end of the run (the trials' clock starts at randomisation)."""
    def figure(t: Tables) -> float:
        users = _users(t, needs, under_30, window=weeks)
        # never hired: NaN, which is not within any number of weeks (a nullable NA would be skipped)
        first = users["first_job_week"].astype("float64").to_numpy()
        return _mean(first - users["entry"].to_numpy(dtype=float) <= weeks)
    return figure


def _weeks_employed_within(weeks: int) -> Callable[[Tables], float]:
    """Mean weeks in a job in the ``weeks`` after entry, medium- and large-need users (0 for those never hired)."""
    def figure(t: Tables) -> float:
        users = _users(t, window=weeks)
        return _mean(weeks_employed(_spells(t), users["entry"], weeks))
    return figure


def _year_after_first_job(t: Tables) -> float:
    """Mean share of the 52 weeks after the first hire spent in a job, medium- and large-need users hired
    at least 52 weeks before the end of the run."""
    users = _users(t)
    first = users["first_job_week"].astype("float64").dropna()
    first = first[first <= _horizon(t) - 52].astype("int64")
    return _mean(weeks_employed(_spells(t), first, 52) / 52)


def _employed_after_entry(weeks: int, under_30: bool = True) -> Callable[[Tables], float]:
    """Share in a job ``weeks`` after entry (a stock), users of every need level."""
    def figure(t: Tables) -> float:
        users = _users(t, ("small", "medium", "large"), under_30, window=weeks)
        return _mean(employed_at(_spells(t), users["entry"] + weeks))
    return figure


def _in_education_after_entry(weeks: int, under_30: bool = True) -> Callable[[Tables], float]:
    """Share in education ``weeks`` after entry (education ends the user's story in the model)."""
    def figure(t: Tables) -> float:
        users = _users(t, ("small", "medium", "large"), under_30, window=weeks)
        events = t["events"]
        started = events.loc[events["to_state"].astype(str) == "EDUCATION"].groupby("candidate_id")["week"].min()
        started = started.reindex(users.index)
        return _mean((started <= users["entry"] + weeks).to_numpy())
    return figure


def _stock_ratio(week: int) -> Callable[[Tables, Tables], float]:
    """Employed at ``week`` (medium and large need, entered by then): setting over baseline."""
    def share(t: Tables) -> float:
        users = _users(t, window=_horizon(t) - week)
        return _mean(employed_at(_spells(t), pd.Series(week, index=users.index)))
    def ratio(a: Tables, b: Tables) -> float:
        base = share(b)
        return share(a) / base if base > 0 else float("nan")   # undefined: the seed drops out
    return ratio


def _started_in_training(t: dict) -> float:
    ev = t["events"]
    starts = ev[ev["to_state"] == "TRAINING"]
    first = starts.groupby("candidate_id").head(1)
    return float((first["from_state"].isin(["STARTUP", "POOL"])).mean())


def _attached_over_13_weeks(t: dict) -> float:
    """Share of work-training spells (first placement per user) lasting more than 13 weeks."""
    ev = t["events"].sort_values(["candidate_id", "week"], kind="stable")
    spells: list[int] = []
    start: dict[int, int] = {}
    done: set[int] = set()
    for cid, week, frm, to in zip(ev["candidate_id"], ev["week"], ev["from_state"], ev["to_state"]):
        if cid in done:
            continue
        if to == "TRAINING" and frm != "EVALUATION" and cid not in start:
            start[cid] = week
        elif cid in start and frm in ("TRAINING", "EVALUATION") \
                and to not in ("TRAINING", "EVALUATION", "TRANSFER_JS"):
            spells.append(week - start[cid])
            done.add(cid)
    return float(np.mean([s > 13 for s in spells])) if spells else float("nan")


def _concurrent_close(t: dict) -> float:
    w = t["weekly"]
    return float(w.loc[w["week"] > 26, "close_cases"].mean())


def _median_weeks_to_first_job(needs=("medium", "large")) -> Callable[[Tables], float]:
    """Median weeks from entry to the first job among the hired users of these need levels (at entry)."""
    def figure(t: Tables) -> float:
        users = t["candidates"]
        chosen = users["need_level"].isin(needs) & users["first_job_week"].notna()
        if not chosen.any():
            return float("nan")
        waited = users.loc[chosen, "first_job_week"].astype("float64") - users.loc[chosen, "entry_week"].clip(lower=0)
        return float(np.median(waited.to_numpy(dtype=float)))
    return figure


SETTINGS: dict[str, dict | list[str]] = {
    "pilot": PILOT,
    "asker": ["+scenario=asker_pilot"],
    "namdal": ["+scenario=namdal_pilot"],
    "saksbehandler": {"policy": {"name": "saksbehandler"}},
    "hybrid": {"policy": {"name": "hybrid"}},
    "jobbspesialist": {"policy": {"name": "jobbspesialist"}},
    "saksbehandler_caseload_40": {"policy": {"name": "saksbehandler"}, "office": {"caseload_ordinary": 40}},
    "saksbehandler_caseload_100": {"policy": {"name": "saksbehandler"}, "office": {"caseload_ordinary": 100}},
    "saksbehandler_reviews_13": {"policy": {"name": "saksbehandler", "review_interval_weeks": 13}},
    "saksbehandler_reviews_26": {"policy": {"name": "saksbehandler", "review_interval_weeks": 26}},
    "rural_jobbspesialist": ["labour_market=rural", "office.region=rural", "policy=jobbspesialist"],
    "rural_saksbehandler": ["labour_market=rural", "office.region=rural", "policy=saksbehandler"],
    "jobbspesialist_3_contacts": ["policy=jobbspesialist", "policy.modes.jobbspesialist.employer_contacts_per_week=3"],
    "jobbspesialist_1_contact": ["policy=jobbspesialist", "policy.modes.jobbspesialist.employer_contacts_per_week=1"],
}

_MED_LARGE_78 = _employed_within(78)


def _each_need(target_id: str, setting: str, baseline: str, combine: str) -> dict[str, list[Measure]]:
    return {target_id: [Measure(setting, _runs_kpi(f"ever_employed_share_{need}"), baseline, combine,
                                label=f"{need} need") for need in ("medium", "large")]}


#: Target id -> how the model measures it (several measures: each must hold).
MEASURES: dict[str, list[Measure]] = {
    "pilot_close_employed": [Measure("pilot", _runs_kpi("close_employed_share_1y"))],
    "pilot_close_apprenticeship": [Measure("pilot", _runs_kpi("close_apprentice_share_1y"))],
    "pilot_close_education": [Measure("pilot", _runs_kpi("close_education_share_1y"))],
    "pilot_close_users": [Measure("pilot", _runs_kpi("n_close_cases"))],
    "pilot_training_first": [Measure("pilot", _started_in_training)],
    "pilot_attached_over_13w": [Measure("pilot", _attached_over_13_weeks)],
    "asker_concurrent_close_cases": [Measure("asker", _concurrent_close)],
    "namdal_concurrent_close_cases": [Measure("namdal", _concurrent_close)],
    "control_employed_78w": [Measure("saksbehandler", _MED_LARGE_78)],
    "js_sb_risk_ratio": [Measure("jobbspesialist", _MED_LARGE_78, "saksbehandler")],
    "js_sb_ratio_ceiling": [Measure("jobbspesialist", _MED_LARGE_78, "saksbehandler")],
    "hybrid_sb_ratio": [Measure("hybrid", _runs_kpi("ever_employed_share"), "saksbehandler")],
    **_each_need("nonsmi_js_sb_ratio", "jobbspesialist", "saksbehandler", "ratio"),
    **_each_need("js_advantage_every_need_level", "jobbspesialist", "saksbehandler", "difference"),
    **_each_need("rural_js_advantage", "rural_jobbspesialist", "rural_saksbehandler", "difference"),
    **_each_need("js_field_time_more_jobs", "jobbspesialist_3_contacts", "jobbspesialist_1_contact", "difference"),
    "sb_lower_caseload_more_jobs": [Measure("saksbehandler_caseload_40", _runs_kpi("ever_employed_share"),
                                            "saksbehandler_caseload_100", "difference")],
    "sb_fewer_reviews_fewer_jobs": [Measure("saksbehandler_reviews_13", _runs_kpi("ever_employed_share"),
                                            "saksbehandler_reviews_26", "difference")],
    "youth_intensified_followup_1y": [Measure("saksbehandler_caseload_40",
                                              _employed_within(52, ("small", "medium", "large"), under_30=True),
                                              "saksbehandler", "difference")],
    "js_more_weeks_worked": [Measure("jobbspesialist", _weeks_employed_within(78), "saksbehandler", "difference")],
    "js_weeks_worked_after_first_job": [Measure("jobbspesialist", _year_after_first_job)],
    "js_advantage_attenuates": [
        Measure("jobbspesialist", _mean, "saksbehandler", label="ratio at week 52 minus ratio at week 156",
                contrast=lambda a, b: _stock_ratio(52)(a, b) - _stock_ratio(156)(a, b)),
        Measure("jobbspesialist", _mean, "saksbehandler", label="ratio at week 156 minus 1",
                contrast=lambda a, b: _stock_ratio(156)(a, b) - 1.0)],
    "mentor_youth_job_1y": [Measure("hybrid", _employed_after_entry(52), "saksbehandler", "difference")],
    "mentor_youth_education_1y": [Measure("hybrid", _in_education_after_entry(52), "saksbehandler", "difference")],
    "js_first_job_earlier": [Measure("jobbspesialist", _median_weeks_to_first_job(), "saksbehandler", "difference")],
    "ips_employed_78w": [Measure("jobbspesialist", _runs_kpi("employed_within_78w_of_start_share"),
                                 proxy="employed_within_78w_of_start_share, all need levels")],
    "routine_ips_employed_52w": [Measure("jobbspesialist", _runs_kpi("employed_within_52w_of_start_share"),
                                         proxy="employed_within_52w_of_start_share, all need levels")],
    "js_median_weeks_start_to_job": [Measure("jobbspesialist", _runs_kpi("median_weeks_start_to_first_job"),
                                             proxy="median_weeks_start_to_first_job, all need levels")],
    "js_first_job_retention_52": [Measure("jobbspesialist", _runs_kpi("retention_52"),
                                          proxy="retention_52, all need levels")],
}


def _tables(setting: dict | list[str], seed: int, adjust: Callable[[Config], Config] | None = None) -> Tables:
    """One seed's run tables in ``setting``; ``adjust`` changes the composed config first (calibration)."""
    if isinstance(setting, list):
        cfg = compose_config([*setting, f"seed={seed}"])
    else:
        cfg = merge(Config(), {**setting, "seed": seed})
    res = run_model(adjust(cfg) if adjust is not None else cfg)
    return {"runs": res.runs, "events": res.events, "weekly": res.weekly, "candidates": res.candidates}


def _combine(value: float, baseline: float, how: str) -> float:
    """Ratio or difference of a setting's figure over its baseline's; a ratio over 0 is undefined (NaN)."""
    if how == "ratio":
        return value / baseline if baseline > 0 else float("nan")
    return value - baseline


def measure_keys(target_ids) -> list[tuple[str, str]]:
    """(target id, part) of every measure of these targets, in the order of MEASURES."""
    return [(tid, m.label) for tid in MEASURES if tid in set(target_ids) for m in MEASURES[tid]]


def settings_of(target_ids) -> list[str]:
    """The settings the measures of these targets run in."""
    chosen = set(target_ids)
    return sorted({name for tid in MEASURES if tid in chosen for m in MEASURES[tid]
                   for name in (m.setting, m.baseline) if name is not None})


def seed_figures(seed: int, target_ids, adjust: Callable[[Config], Config] | None = None) -> dict[tuple[str, str], float]:
    """The figure of every measure of these targets for one seed: {(target id, part): value}. Each
    setting runs once; ``adjust`` changes every setting's config (a calibration trial's parameters)."""
    cache: dict[str, Tables] = {}

    def tables(key: str) -> Tables:
        if key not in cache:
            cache[key] = _tables(SETTINGS[key], seed, adjust)
        return cache[key]

    out = {}
    for tid in MEASURES:
        if tid not in set(target_ids):
            continue
        for measure in MEASURES[tid]:
            if measure.contrast is not None:
                value = measure.contrast(tables(measure.setting), tables(measure.baseline))
            else:
                value = measure.figure(tables(measure.setting))
                if measure.baseline is not None:
                    other = measure.figure(tables(measure.baseline))
                    value = _combine(value, other, measure.combine)
            out[(tid, measure.label)] = float(value)
    return out


def _verdict(target: Target, mean: float, high: float) -> str:
    """meets / misses; a sign target whose mean is not above zero but whose interval reaches above it
    is "unclear" (too weak an effect for these replications to show its sign)."""
    if target.holds(mean):
        return "meets"
    if target.kind == "direction" and high == high and high > 0:
        return "unclear"
    return "misses"


@dataclass(frozen=True)
class SetValues:
    """Sets the settings of one parameter set ({path: value}) in a composed config (picklable)."""

    values: tuple[tuple[str, float], ...]

    def __call__(self, cfg: Config) -> Config:
        return merge(cfg, overrides(dict(self.values)))


def figures_job(job: tuple) -> dict:
    """``seed_figures(seed, target_ids, adjust)`` for one (seed, target_ids, adjust) job (a worker's task)."""
    seed, target_ids, adjust = job
    return seed_figures(seed, target_ids, adjust)


def run_jobs(jobs: list[tuple], workers: int = 1) -> list[dict]:
    """:func:`figures_job` of every job, in order, with ``workers`` processes."""
    if workers <= 1 or len(jobs) <= 1:
        return [figures_job(job) for job in jobs]
    from inclusim.interrupts import map_in_processes

    return map_in_processes(figures_job, jobs, workers)


def ensemble_spread(per_set: list[list[dict]]) -> dict[tuple[str, str], tuple[float, float, int]]:
    """{(target, part): (low, high, sets)}: the 5 % and 95 % quantiles of the parameter sets' mean
    figures (``per_set``: one list of per-seed figures for each set)."""
    means: dict[tuple[str, str], list[float]] = {}
    for figures in per_set:
        for key in (figures[0] if figures else {}):
            values = np.asarray([f[key] for f in figures], dtype=float)
            values = values[np.isfinite(values)]
            if values.size:
                means.setdefault(key, []).append(float(values.mean()))
    return {key: (*map(float, np.quantile(v, QUANTILES)), len(v)) for key, v in means.items()}


def validate(seeds: int = 10, targets: dict[str, Target] | None = None,
             figures: list[dict[tuple[str, str], float]] | None = None,
             spread: dict[tuple[str, str], tuple[float, float, int]] | None = None) -> pd.DataFrame:
    """One row per target (and per KPI where a target names several): the model's figure over
    ``seeds`` replications (seeds 1..N) against the target's range; targets without a measure are
    listed with what the model would need. ``figures`` (one :func:`seed_figures` result per seed)
    are used instead of running the model, when given; ``spread`` (:func:`ensemble_spread`) adds the
    interval over the calibrated ensemble's parameter sets."""
    targets = load_targets() if targets is None else targets
    unknown = sorted(set(MEASURES) - set(targets))
    if unknown:
        raise KeyError(f"measures for targets that are not in the targets file: {unknown}")
    if figures is None:
        figures = [seed_figures(seed, list(MEASURES)) for seed in range(1, seeds + 1)]
    rows = []
    for target in targets.values():
        base = {"target": target.id, "use": target.use, "kind": target.kind, "unit": target.unit,
                "source": target.source, "target_low": target.low, "target_high": target.high,
                "target_range": target.range_text}
        measures = MEASURES.get(target.id)
        if not measures:
            rows.append({**base, "measured": "no", "needs": target.needs, "verdict": "not measured"})
            continue
        for measure in measures:
            values = [one[(target.id, measure.label)] for one in figures if (target.id, measure.label) in one]
            m, lo, hi, n = mean_ci(values)
            set_low, set_high, sets = (spread or {}).get((target.id, measure.label), (np.nan, np.nan, 0))
            rows.append({**base, "part": measure.label, "measured": f"proxy: {measure.proxy}" if measure.proxy else "yes",
                         "model_mean": m, "model_low": lo, "model_high": hi, "replications": n,
                         "set_low": set_low, "set_high": set_high, "sets": sets,
                         "verdict": _verdict(target, m, hi)})
    return pd.DataFrame(rows)


def figures_per_set(seeds: int, ensemble: list[dict] | None = None, workers: int = 1) -> list[list[dict]]:
    """Every measure's figures for seeds 1..N: one list for the defaults, then one per further
    parameter set of ``ensemble`` (the first set is the defaults)."""
    ids = list(MEASURES)
    sets = [()] + [tuple(sorted(member.items())) for member in (ensemble or [])[1:]]
    jobs = [(seed, ids, SetValues(values) if values else None) for values in sets for seed in range(1, seeds + 1)]
    results = run_jobs(jobs, workers)
    return [results[i * seeds:(i + 1) * seeds] for i in range(len(sets))]


def print_table(table: pd.DataFrame) -> None:
    shown = table.assign(target=table["target"] + table["part"].fillna("").map(lambda p: f" ({p})" if p else ""))
    columns = ["target", "use", "target_range", "model_mean", "model_low", "model_high"]
    columns += ["set_low", "set_high"] if "sets" in table and (table["sets"].fillna(0) > 1).any() else []
    with pd.option_context("display.width", 220, "display.max_colwidth", 48, "display.max_rows", 200):
        print(shown[[*columns, "verdict"]].round(3).to_string(index=False, na_rep=""))
    measured = table[table["verdict"] != "not measured"]
    unclear = (measured["verdict"] == "unclear").sum()
    print(f"\n{(measured['verdict'] == 'meets').sum()} of {len(measured)} measured figures meet their target"
          f"{f' ({unclear} sign(s) unclear)' if unclear else ''}; "
          f"{table.loc[table['verdict'] == 'not measured', 'target'].nunique()} targets are not measured yet "
          f"(conf/targets.yaml says what each needs)")


def main(seeds: int = 10, out: Path | None = None, workers: int = 1) -> int:
    """Print (and write, as CSV or Markdown) the validation table of the default office."""
    table = validate(seeds, figures=figures_per_set(seeds, workers=workers)[0])
    print_table(table)
    if out is not None:
        if Path(out).suffix == ".md":
            Path(out).write_text(markdown(table))
        else:
            table.to_csv(out, index=False)
    return 0


def markdown(table: pd.DataFrame) -> str:
    """The validation table as Markdown (``docs/calibration.md``): one line per measured figure, then
    the targets not measured yet with what they need."""
    def number(v: float) -> str:
        return "n/a" if v != v else f"{v:.3g}"

    with_sets = "sets" in table and (table["sets"].fillna(0) > 1).any()
    lines = ["| target | use | source | target range | model (90 % interval over seeds) |"
             + (" over the parameter sets (90 %) |" if with_sets else "") + " measured | meets |",
             "|---|---|---|---|---|" + ("---|" if with_sets else "") + "---|---|"]
    measured = table[table["verdict"] != "not measured"]
    for _, row in measured.iterrows():
        part = f" ({row['part']})" if isinstance(row.get("part"), str) and row["part"] else ""
        interval = "" if row["model_low"] != row["model_low"] else \
            f" ({number(row['model_low'])} to {number(row['model_high'])})"
        meets = {"meets": "yes", "misses": "**no**"}.get(row["verdict"], row["verdict"])
        over_sets = (f" {number(row['set_low'])} to {number(row['set_high'])} |" if row["set_low"] == row["set_low"]
                     else " n/a |") if with_sets else ""
        lines.append(f"| `{row['target']}`{part} | {row['use']} | {row['source']} | {row['target_range']} | "
                     f"{number(row['model_mean'])}{interval} |{over_sets} {row['measured']} | {meets} |")
    rest = table[table["verdict"] == "not measured"]
    lines += ["", "Not measured yet (what the model would need):", ""]
    lines += [f"* `{row['target']}` ({row['use']}, {row['source']}): {row['needs']}" for _, row in rest.iterrows()]
    return "\n".join(lines) + "\n"
