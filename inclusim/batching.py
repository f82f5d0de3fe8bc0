"""Replications in batches: one Hydra job runs several seeds of the same configuration.

A sweep over ``seed`` makes one run per seed, and Hydra pays for each of its jobs (composing the
config, pickling it to a worker, writing the job's folder) about as much as a run of the default
office costs. The inclusim sweeper (``hydra_plugins/inclusim_sweeper``) therefore gives a job the
seeds of one configuration, as ``seeds=[...]`` where the job would have had ``seed=N``; the task
runs them one by one, each into its own run folder with the config hash, overrides and tables it
would have had as a job of its own. Completion, resume and failures stay per run.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Sequence

SEED_KEY = "seed"
BATCH_KEY = "seeds"


def _key(override: str) -> str:
    return override.split("=", 1)[0].lstrip("+~")


def sweep_jobs(lines: Sequence[str], config_loader=None) -> list[list[str]]:
    """The jobs of a sweep: one override list per job, the cartesian product of the swept values
    (``a=1,2 b=x,y`` -> four jobs), in the order Hydra's basic sweeper gives them. ``lines`` are
    ``key=value`` overrides; a key given twice keeps its first place and its last value. Raises
    Hydra's own ``HydraException`` for a line it cannot parse, or a sweep that is not a list or
    range (an interval)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    choices: dict[str, list[str]] = {}
    for override in OverridesParser.create(config_loader=config_loader).parse_overrides(list(lines)):
        key = override.get_key_element()
        if not override.is_sweep_override():
            choices[key] = [f"{key}={override.get_value_element_as_str()}"]
        elif override.is_discrete_sweep():
            choices[key] = [f"{key}={value}" for value in override.sweep_string_iterator()]
        else:
            raise HydraException(f"{override.input_line}: a sweep over an interval cannot be run as a list of "
                                 "runs; give the values, e.g. 'x=0.1,0.2,0.3', or a range, 'seed=range(1,11)'")
    return [list(job) for job in itertools.product(*choices.values())]


def workers_of(launcher_n_jobs: int | None) -> int | None:
    """How many jobs run at once on this machine (None: a cluster launcher, no batching)."""
    if launcher_n_jobs is None:
        return None
    if launcher_n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + launcher_n_jobs)
    return max(1, launcher_n_jobs)


def group_replications(jobs: Sequence[Sequence[str]], workers: int | None, per_job: int = 0) -> list[list[str]]:
    """The jobs of a sweep with the seeds of each configuration gathered into batches.

    ``jobs``: one override list per run, as Hydra's basic sweeper makes them. Jobs that differ only
    in ``seed=`` form a group; each group is cut into batches of ``per_job`` seeds, or, with
    ``per_job`` 0, into enough batches for about four jobs per worker over the whole sweep. A batch
    keeps the position of the seed override: ``seed=3`` becomes ``seeds=[3,4,5]``. Jobs without a
    seed override, and every job when ``workers`` is None and ``per_job`` is 0, stay as they are.
    """
    if per_job == 1 or (workers is None and per_job == 0):
        return [list(job) for job in jobs]
    groups: dict[tuple[str, ...], tuple[int, list[str]]] = {}
    order: list[tuple[str, ...]] = []
    single: list[list[str]] = []
    for job in jobs:
        positions = [i for i, o in enumerate(job) if _key(o) == SEED_KEY]
        if len(positions) != 1:
            single.append(list(job))
            continue
        at = positions[0]
        key = tuple(job[:at]) + ("\0",) + tuple(job[at + 1:])
        if key not in groups:
            groups[key] = (at, [])
            order.append(key)
        groups[key][1].append(job[at].split("=", 1)[1])
    if not groups:
        return [list(job) for job in jobs]
    if per_job == 0:
        target = 4 * (workers or 1)
        batches_per_group = max(1, math.ceil(target / len(groups)))
    out: list[list[str]] = []
    for key in order:
        at, seeds = groups[key]
        size = per_job or max(1, math.ceil(len(seeds) / batches_per_group))
        prefix, suffix = list(key[:at]), list(key[at + 1:])
        for start in range(0, len(seeds), size):
            batch = seeds[start:start + size]
            seed_override = f"{SEED_KEY}={batch[0]}" if len(batch) == 1 else f"{BATCH_KEY}=[{','.join(batch)}]"
            out.append(prefix + [seed_override] + suffix)
    return out + single


def runs_of_job(overrides: Sequence[str], seeds: Sequence[int] | None) -> list[tuple[int | None, list[str]]]:
    """(seed, the overrides of that run) for each run a job makes: one per seed of a batch, with
    ``seeds=[...]`` replaced by ``seed=N`` in its place; a job without a batch is one run (seed None)."""
    if not seeds:
        return [(None, list(overrides))]
    runs = []
    for seed in seeds:
        runs.append((int(seed), [f"{SEED_KEY}={seed}" if _key(o) == BATCH_KEY else o for o in overrides]))
    return runs


__all__ = ["BATCH_KEY", "SEED_KEY", "group_replications", "runs_of_job", "sweep_jobs", "workers_of"]
