"""Speed benchmark: inclusim beside plain Mesa and plain numpy, measured in the same run.

References (measured here, never quoted):

* plain Mesa: 10,000 trivial agents stepped with ``AgentSet.shuffle_do`` for 156 steps -> agent-steps/s;
* plain numpy: one vectorised weekly hazard over 100,000 users with no agents -> user-weeks/s.

inclusim cases: the default office under each policy, a county-sized office (50,000 users on
caseloads: 60 offices) and a scaling series (1, 12, 60 and 250 offices: 840 to 210,000 users on
caseloads, the last being ``+scenario=national``), and the national world again with its regions
in two processes (``workers=2``: its "x Mesa" compares two cores with one). Each case runs in a fresh
process, one after the other, so its peak memory is its own; the wall time per 156-week run
(model set-up and tables included) is given as median, min and max over repeats. Throughput is in
*target-group user-weeks per second* (the agents: users with complex needs who can follow a
workplace pathway, every week they are in the office) and *caseload user-weeks per second* (every
user on every caseload, the target group being a quarter by default); the ratio compares the first
with the plain-Mesa reference. Timing varies with machine load: run it by hand, it is not a test.

    inclusim bench [--repeats N] [--quick] [--out DIR]      (writes DIR/bench.csv and DIR/scaling.png)
"""

from __future__ import annotations

import platform
import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.charts.style import new_figure, save_figure, styled
from infra.executor import process_pool

DEFAULT_USERS = 12 * 70      # the default office: 12 advisers x 70 users


@dataclass(frozen=True)
class Case:
    name: str
    overrides: dict
    users: int               # users on caseloads (target group and the rest)
    scaling: bool = False    # part of the scaling series
    full_only: bool = False  # left out of --quick


def office_of(users: int, policy: str, caseload: int = 250) -> dict:
    """One office (one pool of advisers) with ``users`` on caseloads of ``caseload``, and inflow, firms
    and job specialists in the default office's proportions."""
    advisers = max(1, round(users / caseload))
    scale = users / DEFAULT_USERS
    return {"policy": {"name": policy},
            "office": {"n_advisers": advisers, "caseload_ordinary": caseload, "caseload_cap": max(110, caseload + 40),
                       "n_job_specialists": max(1, round(3 * scale))},
            "labour_market": {"n_firms": max(200, round(200 * scale))},
            "population": {"inflow_per_week": 0.8 * scale}}


def world_of(n_offices: int, policy: str, per_region: int = 12) -> dict:
    """``n_offices`` default offices (840 users each), ``per_region`` of them sharing a labour market of
    200 firms per office (as ``+scenario=county`` and ``+scenario=national``)."""
    per_region = min(per_region, n_offices)
    return {"policy": {"name": policy}, "world": {"n_offices": n_offices, "offices_per_region": per_region},
            "labour_market": {"n_firms": 200 * per_region}}


CASES = (
    Case("default office, saksbehandler", {"policy": {"name": "saksbehandler"}}, DEFAULT_USERS),
    Case("default office, hybrid", {"policy": {"name": "hybrid"}}, DEFAULT_USERS),
    Case("default office, jobbspesialist", {"policy": {"name": "jobbspesialist"}}, DEFAULT_USERS),
    Case("default office, brobygger", {"policy": {"name": "brobygger"}}, DEFAULT_USERS, scaling=True),
    Case("12 offices (10k users), brobygger", world_of(12, "brobygger"), 12 * DEFAULT_USERS, scaling=True),
    Case("county: 60 offices (50k users), brobygger", world_of(60, "brobygger"), 60 * DEFAULT_USERS, scaling=True),
    Case("national: 250 offices (210k users), brobygger", world_of(250, "brobygger"), 250 * DEFAULT_USERS,
         scaling=True, full_only=True),
    # the same world with its regions in two processes (``workers``): wall time on two cores, and the
    # peak memory of the process that reads the regions' outcomes (each region process has its own)
    Case("national, regions in 2 processes", {**world_of(250, "brobygger"), "workers": 2}, 250 * DEFAULT_USERS,
         full_only=True),
)


@dataclass(frozen=True)
class Target:
    """A speed target of issue 25: ``measure`` of the case called ``case`` at most (``kind`` "at most")
    or at least ("at least") ``bound``; "x Mesa" targets are caseload user-weeks/s over plain Mesa's
    agent-steps/s."""
    case: str
    measure: str          # "wall_median_s", "peak_memory_mb" or "caseload_x_mesa"
    kind: str             # "at most" or "at least"
    bound: float
    unit: str


#: The targets ``inclusim bench`` checks (issue 25; ``make run`` is timed by hand).
TARGETS = (
    Target("default office, saksbehandler", "wall_median_s", "at most", 0.05, "s"),
    Target("county: 60 offices (50k users), brobygger", "wall_median_s", "at most", 3.0, "s"),
    Target("county: 60 offices (50k users), brobygger", "caseload_x_mesa", "at least", 2.0, "x plain Mesa"),
    Target("national: 250 offices (210k users), brobygger", "wall_median_s", "at most", 20.0, "s"),
    Target("national: 250 offices (210k users), brobygger", "peak_memory_mb", "at most", 4096.0, "MB"),
    Target("national: 250 offices (210k users), brobygger", "caseload_x_mesa", "at least", 2.0, "x plain Mesa"),
)


def against_targets(rows: list[dict], targets=TARGETS) -> list[dict]:
    """Each target whose case was measured: the figure, the bound, met or not, and the factor by which
    it is missed (1 when met)."""
    by_case = {r["case"]: r for r in rows}
    checked = []
    for target in targets:
        row = by_case.get(target.case)
        if row is None:
            continue
        value = row[target.measure]
        met = value <= target.bound if target.kind == "at most" else value >= target.bound
        factor = value / target.bound if target.kind == "at most" else target.bound / max(value, 1e-12)
        checked.append({"case": target.case, "measure": target.measure, "target": f"{target.kind} "
                        f"{target.bound:g} {target.unit}", "value": value, "met": met, "missed_by": 1.0 if met else factor})
    return checked


# --- references ---------------------------------------------------------------------------------

def mesa_reference(n_agents: int = 10_000, weeks: int = 156) -> float:
    import mesa

    class TrivialAgent(mesa.Agent):
        def step(self):
            self.x = 1

    class TrivialModel(mesa.Model):
        def __init__(self, n):
            super().__init__(rng=1)
            TrivialAgent.create_agents(self, n)

        def step(self):
            self.agents.shuffle_do("step")

    model = TrivialModel(n_agents)
    t0 = time.perf_counter()
    for _ in range(weeks):
        model.step()
    return n_agents * weeks / (time.perf_counter() - t0)


def numpy_reference(n_users: int = 100_000, weeks: int = 156) -> float:
    rng = np.random.default_rng(1)
    state = np.zeros(n_users, dtype=np.int8)
    hazard = rng.uniform(0.001, 0.01, n_users)
    t0 = time.perf_counter()
    for _ in range(weeks):
        state = np.where((state == 0) & (rng.random(n_users) < hazard), 1, state)
    return n_users * weeks / (time.perf_counter() - t0)


# --- one case, in its own process -----------------------------------------------------------------

def _measure_case(overrides: dict, repeats: int) -> dict:
    from domain.config import from_dict
    from sim.tables import run_model

    walls, target_weeks, stepped = [], 0, 0
    for seed in range(1, repeats + 1):
        model = {k: v for k, v in overrides.items() if k != "workers"}     # how it runs, not the model
        cfg = from_dict({**model, "seed": seed})
        t0 = time.perf_counter()
        result = run_model(cfg, overrides.get("workers", 1))
        walls.append(time.perf_counter() - t0)
        cands = result.candidates
        horizon = cfg.horizon_weeks
        target_weeks = int((horizon - cands["entry_week"].clip(lower=0)).sum())
        stepped = int(result.meta["stepped_candidate_weeks"])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"walls": walls, "target_user_weeks": target_weeks, "stepped_weeks": stepped, "peak_mb": peak_mb,
            "horizon": cfg.horizon_weeks}


def measure(cases=CASES, repeats: int = 5, quick: bool = False, on_reference=None,
            on_case=None) -> tuple[dict, list[dict]]:
    """(references, one row per case); ``on_reference(references)`` and ``on_case(row)`` are called as
    soon as each is measured (to print progress)."""
    import scenarios.policies  # noqa: F401 - the policies must be registered to read a config
    from domain.config import from_dict

    chosen = [case for case in cases if not (quick and case.full_only)]
    for case in chosen:      # every case is a valid configuration before anything is measured
        from_dict(case.overrides)
    references = {"mesa_agent_steps_per_s": mesa_reference(), "numpy_user_weeks_per_s": numpy_reference()}
    if on_reference is not None:
        on_reference(references)
    rows = []
    for case in chosen:
        n = max(1, repeats if case.users <= 10_000 else min(repeats, 3 if case.users <= 50_000 else 1))
        pool = process_pool(1, own=True)     # a fresh process per case: its peak memory is the case's own
        try:
            got = pool.submit(_measure_case, case.overrides, n).result()
        finally:
            pool.shutdown(wait=True, kill_workers=True)
        median = statistics.median(got["walls"])
        target_rate = got["target_user_weeks"] / median
        rows.append({"case": case.name, "users": case.users, "scaling": case.scaling, "repeats": n,
                     "wall_median_s": median, "wall_min_s": min(got["walls"]), "wall_max_s": max(got["walls"]),
                     "target_user_weeks_per_s": target_rate,
                     "caseload_user_weeks_per_s": case.users * got["horizon"] / median,
                     "stepped_share": got["stepped_weeks"] / got["target_user_weeks"] if got["target_user_weeks"] else 0,
                     "ratio_to_mesa": target_rate / references["mesa_agent_steps_per_s"],
                     "caseload_x_mesa": case.users * got["horizon"] / median / references["mesa_agent_steps_per_s"],
                     "peak_memory_mb": got["peak_mb"]})
        if on_case is not None:
            on_case(rows[-1])
    return references, rows


@styled
def scaling_chart(rows: list[dict], path: Path) -> None:
    """Wall time per run against users on caseloads (log-log), with the line of linear growth."""
    series = sorted((r for r in rows if r["scaling"]), key=lambda r: r["users"])
    if not series:
        return
    users = np.array([r["users"] for r in series], float)
    wall = np.array([r["wall_median_s"] for r in series], float)
    fig = new_figure(6.4, 4.2)
    ax = fig.add_subplot()
    ax.loglog(users, wall, "o-", label="inclusim, brobygger: median wall per 156-week run")
    ax.loglog(users, wall[0] * users / users[0], "--", color="grey", label="linear growth from the smallest")
    ax.set_xlabel("users on caseloads")
    ax.set_ylabel("wall time per run (s)")
    ax.set_title("Cost against the number of users")
    ax.legend(frameon=False, fontsize=8)
    save_figure(fig, path)


def main(repeats: int = 5, quick: bool = False, out: Path | None = None) -> int:
    import csv

    import mesa

    out = Path(out or "outputs/bench")
    out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, {_cores()} cores, python {platform.python_version()}, mesa {mesa.__version__}")
    header = (f"{'case':<52} {'wall median (min-max)':>24} {'target M uw/s':>13} {'x Mesa':>7} "
              f"{'caseload M uw/s':>15} {'x Mesa':>7} {'peak MB':>8}")

    def show_references(references: dict) -> None:
        print(f"reference, plain Mesa trivial agents:  {references['mesa_agent_steps_per_s'] / 1e6:7.2f} M agent-steps/s")
        print(f"reference, plain numpy hazards:        {references['numpy_user_weeks_per_s'] / 1e6:7.2f} M user-weeks/s")
        print(header, flush=True)

    def show_case(r: dict) -> None:
        span = f"{r['wall_median_s']:.3f} ({r['wall_min_s']:.3f}-{r['wall_max_s']:.3f}) s"
        print(f"{r['case']:<52} {span:>24} {r['target_user_weeks_per_s'] / 1e6:13.3f} {r['ratio_to_mesa']:7.2f} "
              f"{r['caseload_user_weeks_per_s'] / 1e6:15.2f} {r['caseload_x_mesa']:7.2f} {r['peak_memory_mb']:8.0f}",
              flush=True)

    references, rows = measure(repeats=2 if quick else repeats, quick=quick, on_reference=show_references,
                               on_case=show_case)
    with open(out / "bench.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["case", *[k for k in rows[0] if k != "case"], *references])
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, **references})
    scaling_chart(rows, out / "scaling.png")
    checked = against_targets(rows)
    if checked:
        print("against the targets of issue 25:")
    for t in checked:
        verdict = "met" if t["met"] else f"missed by {t['missed_by']:.1f}x"
        print(f"  {t['case']:<50} {t['measure']:<16} {t['value']:10.3f}   target {t['target']:<24} {verdict}")
    print(f"wrote {out / 'bench.csv'} and {out / 'scaling.png'} (.svg)")
    return 0


def _cores() -> int:
    import os

    return os.cpu_count() or 1


__all__ = ["CASES", "TARGETS", "Case", "Target", "against_targets", "main", "measure", "mesa_reference", "numpy_reference", "office_of", "world_of"]
