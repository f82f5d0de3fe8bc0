"""Measure how well runs pair across policies by seed (common random numbers, issue 25).

Runs the four policies on the default office for seeds 1..N in this process (or ``--workers``
processes), keeps the runs table and prints, per policy pair and headline KPI, the Pearson
correlation across seeds of the per-seed KPI values (``analysis.pairing``):

    .venv/bin/python scripts/crn_pairing.py [--seeds 40] [--workers 2] [--out outputs/crn/runs.parquet]
    .venv/bin/python scripts/crn_pairing.py --from outputs/crn/runs.parquet    # the table only

The same table comes from a sweep's collected runs:
``inclusim -m policy=saksbehandler,hybrid,jobbspesialist,brobygger 'seed=range(1,41)' name=crn``,
then ``--from outputs/crn/runs.parquet``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.pairing import PAIRING_KPIS, PAIRING_TARGET, correlation_table, paired_correlations  # noqa: E402
from infra.executor import map_in_processes  # noqa: E402

POLICIES = ("saksbehandler", "hybrid", "jobbspesialist", "brobygger")


def _run(job: tuple[str, int]) -> dict:
    from domain.config import from_dict
    from sim.tables import run_model

    policy, seed = job
    return run_model(from_dict({"policy": {"name": policy}, "seed": seed})).run_row


def sample(seeds: int, workers: int) -> pd.DataFrame:
    jobs = [(policy, seed) for policy in POLICIES for seed in range(1, seeds + 1)]
    return pd.DataFrame(map_in_processes(_run, jobs, workers))


def runs_table(argv, description: str, sample_runs, seeds: int, out: str) -> pd.DataFrame:
    """The runs table of a pairing script: ``--from`` a table already written, else ``sample_runs(seeds,
    workers)`` run now and written to ``--out`` (``outputs/crn/<out>`` by default)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seeds", type=int, default=seeds)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "crn" / out)
    parser.add_argument("--from", dest="source", type=Path, default=None, help="a runs table to read instead of running")
    args = parser.parse_args(argv)
    if args.source is not None:
        return pd.read_parquet(args.source)
    runs = sample_runs(args.seeds, args.workers)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    runs.to_parquet(args.out)
    print(f"runs table: {args.out}")
    return runs


def main(argv=None) -> int:
    runs = runs_table(argv, __doc__.splitlines()[0], sample, seeds=40, out="runs.parquet")
    pairs = paired_correlations(runs, PAIRING_KPIS)
    table = correlation_table(pairs)
    with pd.option_context("display.width", 250, "display.max_columns", 20, "display.float_format", "{:.2f}".format):
        print(table.rename(columns=lambda k: k.replace("_share", "").replace("employed", "emp")))
    low = pairs[pairs["correlation"] < PAIRING_TARGET]
    print(f"\n{len(low)} of {len(pairs)} pair x KPI below {PAIRING_TARGET}; lowest {pairs['correlation'].min():.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
