"""Compare the speed of two commits by turns, in the same hour.

Wall-clock figures on a shared machine move by 5-25 % from one hour to the next, more than most
changes are worth, so a benchmark of one commit now and another later says little. This runs both
commits in each round, one after the other, and reports every round:

    .venv/bin/python scripts/compare_commits.py OLD [NEW] [--job runs|sweep] [--rounds N]

* ``OLD``, ``NEW``: git revisions; ``NEW`` defaults to the working tree as it is.
* ``--job runs`` (default): 16 runs of the default office (the four policies x 4 seeds) in one
  process; a round's figure is their total wall time.
* ``--job sweep``: the 80-run policy comparison with its report
  (``inclusim -m +experiment=policy_compare``), from an empty folder; a round's figure is its wall time.

A revision is checked out into a temporary git worktree (removed at the end) and run from there with
this checkout's environment; its compiled rules are compiled in a first, untimed run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What ``--job runs`` times in the tree it is run from (prints the seconds).
RUNS = """
import time
import scenarios.policies
from domain.config import from_dict
from sim.tables import run_model
started = time.perf_counter()
for policy in ("saksbehandler", "hybrid", "jobbspesialist", "brobygger"):
    for seed in range(1, {seeds} + 1):
        run_model(from_dict({{"policy": {{"name": policy}}, "seed": seed}}))
print(time.perf_counter() - started)
"""

SWEEP = """
import sys
from inclusim.cli import main
sys.argv = ["inclusim", "-m", "+experiment=policy_compare", "output_root={out}"]
main()
"""


def run_in(tree: Path, code: str) -> float:
    """Run ``code`` with ``tree`` as the project; the seconds it printed last, or its wall time."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"compare_commits: the run in {tree} failed:\n{done.stderr[-2000:]}")
    lines = done.stdout.strip().splitlines()
    try:
        return float(lines[-1])
    except (IndexError, ValueError):
        return wall


def checkout(revision: str, into: Path) -> Path:
    """``revision`` as a worktree in ``into``."""
    tree = into / revision.replace("/", "_")
    done = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(tree), revision],
                          capture_output=True, text=True)
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["git worktree failed"])[-1]
        sys.exit(f"compare_commits: cannot check out {revision!r}: {why}")
    return tree


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="the revision to compare against")
    parser.add_argument("new", nargs="?", help="the other revision (default: the working tree)")
    parser.add_argument("--job", choices=("runs", "sweep"), default="runs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=4, help="seeds per policy for --job runs")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.seeds < 1:
        parser.error("--rounds and --seeds must be at least 1")
    if args.new == args.old:
        parser.error(f"OLD and NEW are the same revision ({args.old})")
    with tempfile.TemporaryDirectory(prefix="inclusim-compare-") as scratch:
        scratch = Path(scratch)
        trees: dict[str, Path] = {}
        try:
            trees[args.old] = checkout(args.old, scratch)
            new_label = args.new or "working tree"
            trees[new_label] = checkout(args.new, scratch) if args.new else ROOT
            code = RUNS.format(seeds=args.seeds)
            for tree in trees.values():       # compiles the rules of a fresh checkout; not timed
                run_in(tree, RUNS.format(seeds=1))
            times: dict[str, list[float]] = {label: [] for label in trees}
            for round_number in range(1, args.rounds + 1):
                for label, tree in trees.items():
                    if args.job == "sweep":
                        code = SWEEP.format(out=scratch / f"out-{round_number}-{len(times[label])}-{tree.name}")
                    times[label].append(run_in(tree, code))
                print(f"round {round_number}: " + "  ".join(f"{label} {times[label][-1]:.2f} s" for label in trees),
                      flush=True)
        finally:
            for label, tree in trees.items():
                if tree != ROOT:
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                                   capture_output=True)
    old, new = times[args.old], times[new_label]
    what = "16 default-office runs" if args.job == "runs" and args.seeds == 4 else (
        f"{4 * args.seeds} default-office runs" if args.job == "runs" else "the 80-run comparison")
    print(f"\n{what}, {args.rounds} round{'s' if args.rounds > 1 else ''} by turns:")
    for label, values in ((args.old, old), (new_label, new)):
        print(f"  {label:>14}: fastest {min(values):.2f} s, median {statistics.median(values):.2f} s")
    print(f"  {new_label} / {args.old}: {min(new) / min(old):.3f} (fastest), "
          f"{statistics.median(new) / statistics.median(old):.3f} (median)")


if __name__ == "__main__":
    main()
