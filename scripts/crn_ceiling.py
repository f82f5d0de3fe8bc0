"""How far common random numbers can pair runs: each policy against itself with its own draws.

Runs each policy twice per seed on the default office: once as usual and once with the follow-up's
own draws made independent (the user's process, weekly and employer-search streams and the mentor
stream get other keys), while everything common random numbers share between policies stays the
same: the users, their life shocks and thresholds, arrivals, firms, positions and the users outside
the target group. The per-seed correlation of a KPI between the two runs is then what sharing
those things alone gives a policy with itself: two *different* policies, whose follow-up makes
different decisions in different weeks, cannot be expected to pair much better.

    .venv/bin/python scripts/crn_ceiling.py [--seeds 160] [--workers 2] [--out outputs/crn/ceiling_runs.parquet]
    .venv/bin/python scripts/crn_ceiling.py --from outputs/crn/ceiling_runs.parquet
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "scripts"))
from analysis.pairing import PAIRING_KPIS, PAIRING_TARGET  # noqa: E402
from crn_pairing import runs_table  # noqa: E402
from infra.executor import map_in_processes  # noqa: E402

POLICIES = ("saksbehandler", "hybrid", "jobbspesialist", "brobygger")
#: Mixed into the keys of the follow-up's own streams for the second run of a pair.
OTHER_DRAWS = 7


def _run(job: tuple[str, int, int]) -> dict:
    import domain.rng as rng
    from domain.config import from_dict
    from sim.tables import run_model

    policy, seed, salt = job

    class OtherDraws(rng.Streams):
        """The run's streams, with the follow-up's own ones (process, weekly, search, mentors) keyed apart."""

        def __init__(self, seed, region=0):
            super().__init__(seed, region)
            if salt:
                def apart(key: int) -> int:
                    return rng._mix_int((key + salt * rng._GOLDEN) & rng._MASK)
                keys = self._purpose_keys
                self._purpose_keys = [keys[rng.LIFE], apart(keys[rng.PROCESS]), apart(keys[rng.WEEKLY]),
                                      keys[rng.ORDINARY]]
                self._search = apart(self._search)
                self._mentors = apart(self._mentors)

    import sim.model
    sim.model.Streams = OtherDraws
    row = run_model(from_dict({"policy": {"name": policy}, "seed": seed})).run_row
    row["other_draws"] = bool(salt)
    return row


def sample(seeds: int, workers: int) -> pd.DataFrame:
    jobs = [(policy, seed, salt) for policy in POLICIES for seed in range(1, seeds + 1) for salt in (0, OTHER_DRAWS)]
    return pd.DataFrame(map_in_processes(_run, jobs, workers))


def ceiling_table(runs: pd.DataFrame, kpis=PAIRING_KPIS) -> pd.DataFrame:
    """Per policy (rows) and KPI (columns): the per-seed correlation of a policy with itself, its own draws apart."""
    table = {}
    for policy, group in runs.groupby("policy", sort=False):
        same = group[~group["other_draws"]].set_index("seed")
        other = group[group["other_draws"]].set_index("seed").reindex(same.index)
        table[policy] = {kpi: float(np.corrcoef(same[kpi], other[kpi])[0, 1]) for kpi in kpis}
    return pd.DataFrame(table).T


def main(argv=None) -> int:
    runs = runs_table(argv, __doc__.splitlines()[0], sample, seeds=160, out="ceiling_runs.parquet")
    table = ceiling_table(runs)
    with pd.option_context("display.width", 250, "display.max_columns", 20, "display.float_format", "{:.2f}".format):
        print(table.rename(columns=lambda k: k.replace("_share", "").replace("employed", "emp")))
    print(f"\n{int((table < PAIRING_TARGET).sum().sum())} of {table.size} policy x KPI below {PAIRING_TARGET} "
          "with the policy against itself")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
