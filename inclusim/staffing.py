"""Staff mix for a budget: which mix of ordinary, hybrid and job-specialist positions serves an office best.

``inclusim staffing budget_fte=15 office=examples/urban_office.yaml`` (``docs/staffing.md``). The office
serves a fixed number of users (its advisers' caseloads); a mix of ``budget_fte`` positions divides
them among its ordinary and hybrid advisers, so the caseload follows from the mix (more job specialists,
larger caseloads). :func:`mix_settings` turns a mix into config settings; :func:`search` runs every mix
of the space (the grid) or the mixes Optuna proposes, each over the same seeds as today's staff
(paired, common random numbers), and returns a :class:`StaffingResult`: one row per mix with users in
work at 1 and 3 years, adviser hours and NAV cost (positions, mentor grants, wage subsidies), the cost
per extra person in work against today's staff, 90 % intervals and a Pareto flag. Writing the table
and the chart: ``inclusim.staffing_output``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.i18n import tr
from analysis.stats import mean_cis, ratio_ci
from analysis.uncertainty import QUANTILES
from domain.config import Config, resolve, validate
from domain.params import ConfigError, check_leaf, dotted_field, merge, overrides
from domain.paths import CONF_DIR
from domain.terms import Role
from scenarios.office_file import per_adviser, policy_for
from scenarios.policies import registered_policies
from scenarios.office_agents import n_hybrid_advisers, n_ordinary_advisers, target_users_per_adviser
from sim.tables import run_model

STAFFING_FILE = CONF_DIR / "staffing.yaml"
SEARCHES = ("auto", "grid", "optuna")
#: How a mix with both hybrid advisers and job specialists works ("auto": as today's office, if it has both).
MIXED_POLICIES = ("auto", "brobygger", "hybrid")


@dataclass(frozen=True, order=True)
class Mix:
    """Positions by role; ``slots``: close-follow-up places per hybrid adviser (0 without hybrid advisers)."""

    ordinary: int
    hybrid: int
    specialists: int
    slots: int = 0

    @property
    def positions(self) -> int:
        return self.ordinary + self.hybrid + self.specialists

    @property
    def advisers(self) -> int:
        """Advisers with a caseload (ordinary and hybrid)."""
        return self.ordinary + self.hybrid

    def counts(self) -> dict[Role, int]:
        return {Role.SAKSBEHANDLER: self.ordinary, Role.HYBRID: self.hybrid, Role.JOBBSPESIALIST: self.specialists}

    @property
    def label(self) -> str:
        parts = [f"{self.ordinary} SB"]
        if self.hybrid:
            parts.append(f"{self.hybrid} HY x{self.slots}")
        if self.specialists:
            parts.append(f"{self.specialists} JS")
        return " + ".join(parts)


@dataclass(frozen=True)
class Plan:
    """How the search runs and what positions cost (``conf/staffing.yaml``; the command line may change it)."""

    #: NOK a position-year, by role: the office's own prices (``cost.*_position_nok_per_year``), set by :func:`search`
    position_cost: dict[str, float] = field(default_factory=lambda: Config().cost.position_prices())
    seeds: int = 5
    slots: tuple[int, ...] = (2, 3, 4, 5)
    grid_max_mixes: int = 120
    mixes: int = 60
    batch: int = 8
    sampler_seed: int = 1
    mixed_policy: str = "auto"

    def with_changes(self, **changes) -> Plan:
        return Plan(**{**self.__dict__, **changes})


def load_plan(path: Path = STAFFING_FILE) -> Plan:
    data = yaml.safe_load(Path(path).read_text()) or {}
    search = dict(data.get("search") or {})
    if "slots" in search:
        search["slots"] = tuple(search["slots"])
    return Plan(**search)


@dataclass
class StaffingResult:
    """One row per mix run (today's staff first, then by users in work at the end, most first)."""

    table: pd.DataFrame
    budget_fte: int
    today: Mix
    seeds: list[int]
    horizon_weeks: int
    search: str                      # "grid" or "optuna"
    space_size: int                  # mixes in the search space
    mixed_policy: str = "brobygger"  # the policy of mixes with hybrid advisers and job specialists
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def best(self) -> pd.Series:
        """The row of the best mix: most users in work at the end of the run, then the lower NAV cost."""
        return best_row(self.table)


# -- mixes and their settings ------------------------------------------------------------------
def office_users(cfg: Config) -> tuple[int, int]:
    """(users on the ordinary caseloads, target-group users among them at the start) of ``cfg``'s office."""
    office = cfg.office
    each = target_users_per_adviser(office.caseload_ordinary, office.target_share)
    return office.n_advisers * office.caseload_ordinary, each * office.n_advisers


def today_mix(cfg: Config) -> Mix:
    """The staff ``cfg``'s office works with under its policy (idle positions not counted)."""
    policy = registered_policies()[cfg.policy.name]
    uses_js, uses_close = policy.specialist_mode is not None, policy.close_mode is not None
    ordinary = n_ordinary_advisers(cfg.office, uses_js)
    hybrid = n_hybrid_advisers(cfg.office, uses_close)
    return Mix(ordinary - hybrid, hybrid, cfg.office.n_job_specialists if uses_js else 0,
               cfg.office.hybrid_slots if hybrid else 0)


def caseload_range(base: Config) -> tuple[int, int]:
    """The caseloads a mix may give its advisers: from the schema's lowest (``office.caseload_ordinary``)
    to the office's caseload cap (``office.caseload_cap``, new users go to advisers below it [001:746])."""
    meta = dotted_field(base, "office.caseload_ordinary").metadata
    return meta["lo"], min(meta["hi"], base.office.caseload_cap)


def mix_caseload(mix: Mix, users: int) -> int:
    return per_adviser(users, mix.advisers)


def shared_users(users: float, target: float, advisers: int) -> dict[str, object]:
    """The office settings that share ``users`` (``target`` of them in the target group) evenly among
    ``advisers``: the caseload, and the target share that keeps the target-group users (to the nearest
    whole number per adviser). The staffing search and the dashboard's staff levers both use it."""
    caseload = per_adviser(users, advisers)
    each = per_adviser(target, advisers)
    return {"office.n_advisers": advisers, "office.caseload_ordinary": caseload,
            "office.target_share": min(1.0, each / caseload)}


def mix_settings(mix: Mix, base: Config, mixed_policy: str = "brobygger") -> dict[str, object]:
    """``{dotted key: value}`` that staff ``base``'s office with ``mix``: the office's users divided
    among the mix's advisers (the caseload), the target-group users kept (to the nearest whole number
    per adviser), the policy the mix's roles describe (``scenarios.office_file.policy_for``)."""
    users, target = office_users(base)
    return {
        **shared_users(users, target, mix.advisers),
        "office.n_job_specialists": mix.specialists,
        "office.fte_neutral": False,
        "office.hybrid_volunteer_share": mix.hybrid / mix.advisers,
        "office.hybrid_slots": mix.slots if mix.hybrid else base.office.hybrid_slots,
        "policy.name": policy_for(mix.hybrid > 0, mix.specialists > 0, mixed_policy),
    }


def mix_space(budget: int, base: Config, slots=(2, 3, 4, 5)) -> list[Mix]:
    """Every mix of ``budget`` positions with at least one adviser and a caseload in :func:`caseload_range`."""
    users, _ = office_users(base)
    lo, hi = caseload_range(base)
    out = []
    for specialists in range(min(budget, position_limits(base)[1] + 1)):
        advisers = budget - specialists
        if not (lo <= per_adviser(users, advisers) <= hi and advisers <= position_limits(base)[0]):
            continue
        out.append(Mix(advisers, 0, specialists))
        out += [Mix(advisers - h, h, specialists, s) for h in range(1, advisers + 1) for s in slots]
    return out


def position_limits(base: Config) -> tuple[int, int]:
    """(most advisers with a caseload, most job specialists) an office may have: the schema's ranges of
    ``office.n_advisers`` and ``office.n_job_specialists``."""
    return (dotted_field(base, "office.n_advisers").metadata["hi"],
            dotted_field(base, "office.n_job_specialists").metadata["hi"])


def check_budget(budget, base: Config) -> None:
    """Refuse a budget with no mix in :func:`mix_space`: too few positions for the office's users, or
    more than the most advisers its users can keep busy and the most job specialists together."""
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise ConfigError(f"budget_fte = {budget!r}: must be a whole number of positions, at least 1")
    users, _ = office_users(base)
    lo, hi = caseload_range(base)
    most_advisers, most_specialists = position_limits(base)
    if not any(lo <= per_adviser(users, a) <= hi for a in range(1, min(budget, most_advisers) + 1)):
        need = math.ceil(users / (hi + 0.5))
        raise ConfigError(f"budget_fte = {budget}: too few positions for the office's {users} users on caseloads of at most "
                          f"{hi} (office.caseload_cap); it needs at least {need} advisers with a caseload")
    busy = [a for a in range(1, most_advisers + 1) if lo <= per_adviser(users, a) <= hi]
    if budget > busy[-1] + most_specialists:
        raise ConfigError(f"budget_fte = {budget}: allowed are at most {busy[-1] + most_specialists} positions for this "
                          f"office: {busy[-1]} advisers keep its {users} users on caseloads of at least {lo}, and an "
                          f"office has at most {most_specialists} job specialists (office.n_job_specialists)")


# -- running mixes -----------------------------------------------------------------------------
#: What each run gives (per seed): counts, rates, NOK, hours.
MEASURES = ("users", "entered_1y", "entered_3y", "rate_1y", "rate_3y", "rate_end", "grants", "pathway_hours",
            "unmet_hours", "over_budget")


def measure(cfg: Config) -> dict[str, float]:
    """One run's measures (a worker's task)."""
    res = run_model(cfg)
    row, users = res.runs.iloc[0], res.candidates
    entry = users["entry_week"].to_numpy()
    return {"users": float(len(users)), "entered_1y": float((entry <= 52).sum()), "entered_3y": float((entry <= 156).sum()),
            "rate_1y": float(row["employed_share_w52"]), "rate_3y": float(row["employed_share_w156"]),
            "rate_end": float(row["in_work_end_share"]),
            "grants": float(row["mentor_subsidy_nok"] + row["wage_subsidy_nok"]),
            "pathway_hours": float(users["adviser_hours"].sum()), "unmet_hours": float(row["unmet_hours_total"]),
            "over_budget": float(row["adviser_weeks_over_budget_share"])}


def run_configs(cfgs: list[Config], workers: int) -> list[dict[str, float]]:
    """:func:`measure` of every config, in order, on ``workers`` processes."""
    from infra.executor import map_in_processes

    return map_in_processes(measure, cfgs, workers)


class Runner:
    """Runs mixes on the base config over the seeds, once each (a mix asked for again is not rerun)."""

    def __init__(self, base: Config, seeds: list[int], workers: int, mixed_policy: str, ensemble_set: dict | None = None):
        self.base, self.seeds, self.workers, self.mixed_policy = base, list(seeds), workers, mixed_policy
        self.set_values = ensemble_set or {}
        self.results: dict[Mix | None, list[dict[str, float]]] = {}   # None: today's staff, the base as it is

    def config(self, mix: Mix | None, seed: int) -> Config:
        cfg = self.base if mix is None else merge(self.base, overrides(mix_settings(mix, self.base, self.mixed_policy)))
        cfg = merge(cfg, overrides({**self.set_values, "seed": seed, "record_events": False}))
        return validate(resolve(cfg))

    def run(self, mixes) -> None:
        todo = [m for m in dict.fromkeys(mixes) if m not in self.results]
        runs = run_configs([self.config(m, s) for m in todo for s in self.seeds], self.workers)
        k = len(self.seeds)
        for i, mix in enumerate(todo):
            self.results[mix] = runs[i * k:(i + 1) * k]


# -- the table -----------------------------------------------------------------------------------
#: Outcomes of a mix, per seed, put on today's users (see :func:`per_seed`).
OUTCOMES = ("in_work_1y", "in_work_3y", "in_work_end", "nav_cost", "grants", "pathway_hours", "unmet_hours",
            "over_budget")


def position_cost(mix: Mix, plan: Plan, horizon_weeks: int) -> float:
    return sum(n * plan.position_cost[str(role)] for role, n in mix.counts().items()) * horizon_weeks / 52


def per_seed(run: dict, today: dict, cost: float) -> dict[str, float]:
    """A run's outcomes on today's users of the same seed: employment rates times today's users who had
    arrived by then, grants and hours per user times today's users (so a mix is not credited with the
    few users that rounding a caseload adds or takes away)."""
    scale = today["users"] / run["users"] if run["users"] else math.nan
    grants = run["grants"] * scale
    return {"in_work_1y": run["rate_1y"] * today["entered_1y"], "in_work_3y": run["rate_3y"] * today["entered_3y"],
            "in_work_end": run["rate_end"] * today["users"], "nav_cost": cost + grants, "grants": grants,
            "pathway_hours": run["pathway_hours"] * scale, "unmet_hours": run["unmet_hours"],
            "over_budget": run["over_budget"]}


def outcome_frame(runner: Runner, plan: Plan, today: Mix) -> dict[Mix | None, pd.DataFrame]:
    """Per mix, one row per seed of :data:`OUTCOMES` (today's staff under the key None)."""
    horizon = runner.base.horizon_weeks
    base_runs = runner.results[None]
    out = {}
    for mix, runs in runner.results.items():
        cost = position_cost(today if mix is None else mix, plan, horizon)
        out[mix] = pd.DataFrame([per_seed(r, t, cost) for r, t in zip(runs, base_runs, strict=True)])
    return out


def build_table(runner: Runner, plan: Plan, today: Mix) -> pd.DataFrame:
    """One row per mix: means and 90 % intervals over the seeds, the paired differences from today's
    staff, the cost per extra person in work (Fieller's interval) and the Pareto flag."""
    frames = outcome_frame(runner, plan, today)
    now = frames[None]
    rows, samples = [], []
    keys = list(frames)
    for mix in keys:
        f = frames[mix]
        samples += [f[o].to_numpy() for o in OUTCOMES]
        samples += [(f["in_work_end"] - now["in_work_end"]).to_numpy(), (f["nav_cost"] - now["nav_cost"]).to_numpy()]
    estimates = iter(mean_cis(samples))
    for mix in keys:
        m = today if mix is None else mix
        f = frames[mix]
        row = {"mix": "today: " + m.label if mix is None else m.label, "today": mix is None,
               "ordinary": m.ordinary, "hybrid": m.hybrid, "slots": m.slots, "specialists": m.specialists,
               "positions": m.positions,
               "policy": runner.base.policy.name if mix is None else policy_for(m.hybrid > 0, m.specialists > 0,
                                                                                  runner.mixed_policy),
               "caseload": mix_caseload(m, office_users(runner.base)[0])}   # today's too: the users its advisers share
        for name in (*OUTCOMES, "extra_in_work", "extra_cost"):
            est = next(estimates)
            row.update({name: est.mean, f"{name}_low": est.low, f"{name}_high": est.high})
        ratio = ratio_ci(f["nav_cost"] - now["nav_cost"], f["in_work_end"] - now["in_work_end"])
        gain = row["extra_in_work"] > GAIN_TOLERANCE
        row.update({"cost_per_extra": ratio.mean if gain else math.nan,
                    "cost_per_extra_low": ratio.low if gain else math.nan,
                    "cost_per_extra_high": ratio.high if gain else math.nan})
        rows.append(row)
    table = pd.DataFrame(rows)
    table["n_seeds"] = len(runner.seeds)
    table["pareto"] = pareto_flags(table)
    order = table["today"].map(lambda t: 0 if t else 1)
    return (table.assign(_o=order).sort_values(["_o", "in_work_end", "nav_cost", "mix"], ascending=[True, False, True, True],
                                               kind="stable").drop(columns="_o").reset_index(drop=True))


#: Fewer extra users in work than this is no gain (rounding of per-seed rates that are equal).
GAIN_TOLERANCE = 1e-6

#: Pareto objectives: (column, True if more is better). Overload is one: a mix whose advisers are over their
#: hours more often is not as good, whatever it costs.
PARETO = (("in_work_1y", True), ("in_work_end", True), ("nav_cost", False), ("over_budget", False))


def pareto_flags(table: pd.DataFrame, objectives=PARETO) -> pd.Series:
    """True for a row no other row dominates (at least as good in every objective with a value, better
    in one), on the means; objectives that are NaN in every row are left out."""
    used = [(c, more) for c, more in objectives if c in table and table[c].notna().any()]
    values = np.column_stack([table[c].to_numpy(float) * (1 if more else -1) for c, more in used])
    values = np.where(np.isnan(values), -np.inf, values)
    flags = []
    for i in range(len(values)):
        at_least = np.all(values >= values[i], axis=1)
        better = np.any(values > values[i], axis=1)
        flags.append(not np.any(at_least & better))
    return pd.Series(flags, index=table.index, name="pareto")


def best_row(table: pd.DataFrame) -> pd.Series:
    """The mix with most users in work at the end of the run (ties: lower NAV cost, then the label)."""
    ranked = table.sort_values(["in_work_end", "nav_cost", "mix"], ascending=[False, True, True], kind="stable")
    return ranked.iloc[0]


# -- the search ----------------------------------------------------------------------------------
def _objective(runner: Runner, mix: Mix) -> tuple[float, float]:
    """What Optuna weighs: users in work at the end (more is better) and the share of adviser-weeks over
    the weekly hours (less is better), means over the seeds."""
    today, runs = runner.results[None], runner.results[mix]
    return (float(np.mean([r["rate_end"] * t["users"] for r, t in zip(runs, today, strict=True)])),
            float(np.mean([r["over_budget"] for r in runs])))


def _grid(runner: Runner, space: list[Mix], progress) -> None:
    chunk = max(1, 4 * max(1, runner.workers))
    for start in range(0, len(space), chunk):
        runner.run(space[start:start + chunk])
        progress(tr("{done}/{total} mixes", done=min(start + chunk, len(space)), total=len(space)))


def _optuna(runner: Runner, space: list[Mix], plan: Plan, budget: int, progress) -> None:
    """Optuna's TPE proposes mixes in batches of ``plan.batch``; each new one runs over every seed.
    Stops after ``plan.mixes`` different mixes, or when 20 batches in a row bring none."""
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    feasible = set(space)
    target = min(plan.mixes, len(space))
    sampler = optuna.samplers.TPESampler(seed=plan.sampler_seed, n_startup_trials=min(10, target))
    study = optuna.create_study(directions=["maximize", "minimize"], sampler=sampler)
    done: dict[Mix, tuple[float, float]] = {}
    idle = 0
    most_specialists = position_limits(runner.base)[1]
    while len(done) < target and idle < 20:
        trials = [study.ask() for _ in range(plan.batch)]
        proposed = [_proposed(t, budget, plan.slots, most_specialists) for t in trials]
        new = [m for m in dict.fromkeys(proposed) if m in feasible and m not in done][:target - len(done)]
        runner.run(new)
        done.update({m: _objective(runner, m) for m in new})
        for trial, mix in zip(trials, proposed, strict=True):
            if mix in done:
                study.tell(trial, list(done[mix]))
            else:
                study.tell(trial, state=TrialState.PRUNED)   # not a mix the budget allows
        idle = 0 if new else idle + 1
        if new:
            progress(tr("{done}/{total} mixes", done=len(done), total=target))


def _proposed(trial, budget: int, slots, most_specialists: int) -> Mix:
    specialists = trial.suggest_int("specialists", 0, min(budget - 1, most_specialists))
    hybrid = trial.suggest_int("hybrid", 0, budget)
    slot = trial.suggest_categorical("slots", list(slots))
    return Mix(budget - specialists - hybrid, hybrid, specialists, slot if hybrid else 0)


def search(base: Config | dict, budget_fte: int | None = None, seeds: int | list[int] | None = None, workers: int = 1,
           how: str = "auto", plan: Plan | None = None, progress: Callable[[str], None] | None = None) -> StaffingResult:
    """Search the staff mixes of ``budget_fte`` positions (default: today's) for ``base``'s office.

    ``base``: a Config, or ``{dotted key: value}`` on the defaults. ``seeds``: how many (1..N) or which.
    ``how``: "grid" (every mix), "optuna", or "auto" (the grid up to ``plan.grid_max_mixes`` mixes).
    Same inputs give the same table, whatever ``workers``.
    """
    started = time.perf_counter()
    cfg = validate(resolve(base if isinstance(base, Config) else merge(Config(), overrides(base))))
    plan = (plan or load_plan()).with_changes(position_cost=cfg.cost.position_prices())
    today = today_mix(cfg)
    budget = today.positions if budget_fte is None else budget_fte
    check_budget(budget, cfg)
    if how not in SEARCHES:
        raise ConfigError(f"search = {how!r}: allowed values are {', '.join(SEARCHES)}")
    if plan.mixed_policy not in MIXED_POLICIES:
        raise ConfigError(f"mixed_policy = {plan.mixed_policy!r}: allowed values are {', '.join(MIXED_POLICIES)}")
    mixed = plan.mixed_policy
    if mixed == "auto":   # today's way of working where it has both roles, else brobygger [001:694]
        mixed = cfg.policy.name if cfg.policy.name in MIXED_POLICIES else "brobygger"
    slots_field = dotted_field(cfg, "office.hybrid_slots")
    for slot in plan.slots:
        check_leaf("slots", slot, slots_field)
        if slot < 1:
            raise ConfigError(f"slots = {slot}: a hybrid adviser has at least 1 close-follow-up place")
    seed_list = list(range(1, (plan.seeds if seeds is None else seeds) + 1)) if not isinstance(seeds, list) else seeds
    if not seed_list:
        raise ConfigError("seeds: at least one seed")
    space = mix_space(budget, cfg, plan.slots)
    used = "grid" if how == "grid" or (how == "auto" and len(space) <= plan.grid_max_mixes) else "optuna"
    runner = Runner(cfg, seed_list, workers, mixed)
    say = progress or (lambda _text: None)
    runner.run([None])
    if used == "grid":
        _grid(runner, space, say)
    else:
        _optuna(runner, space, plan, budget, say)
    if len(runner.results) < 2:     # today's staff only: nothing was searched
        raise ConfigError(f"budget_fte = {budget}: Optuna proposed none of the {len(space)} mixes this budget allows "
                          f"(they are few among the mixes it tries); give search=grid to run every one, or a budget "
                          f"nearer today's {today.positions} positions")
    table = build_table(runner, plan, today)
    return StaffingResult(table=table, budget_fte=budget, today=today, seeds=seed_list, horizon_weeks=cfg.horizon_weeks,
                          search=used, space_size=len(space), mixed_policy=mixed, seconds=time.perf_counter() - started)


def add_ensemble_interval(result: StaffingResult, base: Config, ensemble: list[dict], workers: int = 1,
                          plan: Plan | None = None, top: int = 8) -> None:
    """Run today's staff and the ``top`` Pareto mixes with most users in work at the end under every further
    parameter set of the calibrated ensemble (``inclusim.study.load_ensemble``; the first set is the defaults)
    with the same seeds, and add each outcome's 5-95 % range over the sets' means (``<outcome>_sets_low`` /
    ``_sets_high``; NaN for the other mixes)."""
    plan = plan or load_plan()
    table = result.table
    picked = table["today"] | table.index.isin(table[table["pareto"] & ~table["today"]].head(top).index)
    chosen = [None if row["today"] else Mix(*(int(row[k]) for k in ("ordinary", "hybrid", "specialists", "slots")))
              for _, row in table[picked].iterrows()]
    per_set = [build_table(_runner_for(result, base, values, k, workers, plan, chosen), plan, result.today)
               for k, values in enumerate(ensemble[1:], start=1)]
    columns = ("in_work_1y", "in_work_end", "nav_cost", "extra_in_work", "cost_per_extra")
    for name in columns:
        low, high = [], []
        for i, row in table.iterrows():
            values = [row[name]] + [t.loc[t["mix"] == row["mix"], name].iloc[0] for t in per_set
                                    if (t["mix"] == row["mix"]).any()]
            finite = np.asarray([v for v in values if np.isfinite(v)], dtype=float)
            ok = picked[i]
            bounds = np.quantile(finite, QUANTILES) if ok and finite.size > 1 else (math.nan, math.nan)
            low.append(float(bounds[0]))
            high.append(float(bounds[1]))
        table[f"{name}_sets_low"], table[f"{name}_sets_high"] = low, high
    table["n_sets"] = len(ensemble)


def _runner_for(result, base, values, k, workers, plan, chosen) -> Runner:
    runner = Runner(base, result.seeds, workers, result.mixed_policy, ensemble_set={**values, "parameter_set": k})
    runner.run(chosen)
    return runner


__all__ = ["Mix", "Plan", "StaffingResult", "add_ensemble_interval", "best_row", "build_table", "load_plan",
           "mix_settings", "mix_space", "pareto_flags", "search", "today_mix"]
