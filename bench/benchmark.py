"""Speed benchmark: inclusim against two reference loops on the same machine.

References (measured here, not quoted):
  * plain Mesa: trivial agents stepped with ``AgentSet.shuffle_do`` -> agent-steps per second;
  * plain numpy: a vectorised weekly hazard loop over users with no agents -> user-weeks per second.

inclusim is measured as *caseload user-weeks per second*: every user on every caseload (the
target group as agents, the rest as counts) times the weeks simulated, divided by wall time
(model set-up included). It also reports the target-group user-weeks and the pathway-weeks that
were actually stepped. Timing is wall-clock and varies with machine load: this is a benchmark
to run by hand (`make bench`), not a test.

    python bench/benchmark.py [--quick]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import mesa
import numpy as np

from domain.config import Config
from domain.params import merge
from sim.model import InclusionModel


class TrivialAgent(mesa.Agent):
    def step(self):
        self.x = 1


class TrivialModel(mesa.Model):
    def __init__(self, n):
        super().__init__(rng=1)
        TrivialAgent.create_agents(self, n)

    def step(self):
        self.agents.shuffle_do("step")


def mesa_reference(n_agents=10_000, weeks=156) -> float:
    m = TrivialModel(n_agents)
    t0 = time.perf_counter()
    for _ in range(weeks):
        m.step()
    return n_agents * weeks / (time.perf_counter() - t0)


def numpy_reference(n_users=100_000, weeks=156) -> float:
    rng = np.random.default_rng(1)
    state = np.zeros(n_users, dtype=np.int8)
    hazard = rng.uniform(0.001, 0.01, n_users)
    t0 = time.perf_counter()
    for _ in range(weeks):
        u = rng.random(n_users)
        state = np.where((state == 0) & (u < hazard), 1, state)
    return n_users * weeks / (time.perf_counter() - t0)


def inclusim_run(over: dict, repeats: int) -> dict:
    walls, stepped, target = [], 0, 0
    for seed in range(1, repeats + 1):
        cfg = merge(Config(), {**over, "seed": seed})
        t0 = time.perf_counter()
        m = InclusionModel(cfg)
        m.run()
        walls.append(time.perf_counter() - t0)
        stepped = m.stepped_candidate_weeks
        target = sum(min(cfg.horizon_weeks, cfg.horizon_weeks - c.entry_week) for c in m.candidates)
    cfg = merge(Config(), over)
    caseload_weeks = cfg.office.n_advisers * cfg.office.caseload_ordinary * cfg.horizon_weeks
    wall = statistics.median(walls)
    return {"wall_s": wall, "caseload_user_weeks_per_s": caseload_weeks / wall,
            "target_user_weeks_per_s": target / wall, "stepped_pathway_weeks": stepped,
            "stepped_share_of_target_weeks": stepped / target}


SCENARIOS = {
    "default office (12 advisers x 70 users), hybrid": {"policy": {"name": "hybrid"}},
    "default office, saksbehandler": {"policy": {"name": "saksbehandler"}},
    "default office, jobbspesialist": {"policy": {"name": "jobbspesialist"}},
    "large office (100 advisers x 100 users, 20 JS), brobygger": {
        "policy": {"name": "brobygger"},
        "office": {"n_advisers": 100, "caseload_ordinary": 100, "n_job_specialists": 20},
        "labour_market": {"n_firms": 2000}, "population": {"inflow_per_week": 6.0}},
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args()
    repeats = 2 if args.quick else 5
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"mesa {mesa.__version__}")
    print(f"reference, plain Mesa trivial agents:   {mesa_reference() / 1e6:6.2f} M agent-steps/s")
    print(f"reference, numpy vectorised hazards:    {numpy_reference() / 1e6:6.2f} M user-weeks/s")
    for name, over in SCENARIOS.items():
        r = inclusim_run(over, repeats)
        print(f"inclusim, {name}:")
        print(f"    wall {r['wall_s']:.3f} s per 156-week run (median of {repeats}), "
              f"{r['caseload_user_weeks_per_s'] / 1e6:.2f} M caseload user-weeks/s, "
              f"{r['target_user_weeks_per_s'] / 1e6:.2f} M target-group user-weeks/s, "
              f"stepped {100 * r['stepped_share_of_target_weeks']:.0f} % of target-group weeks")


if __name__ == "__main__":
    main()
