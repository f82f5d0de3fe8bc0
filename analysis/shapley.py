"""A contrast between two ways of working split into the parts that make it (Shapley values).

A policy is built from named parts that can be switched one at a time (``scenarios.policies``:
``Policy.parts``). With every subset of its parts switched on, and the rest off, a run gives each
outcome; the contrast against the baseline policy is then

    contrast = residual + sum of the parts' shares,

where the *residual* is the policy with every part off against the baseline (what the policy's other
rules do; near zero when the parts cover the policy), and each part's share is its Shapley value:
its gain when it is switched on, averaged over every order in which the parts could be switched on.
Where parts act alone the share is that gain; where they interact (a referral rule needs a team to
refer to) the interaction is shared between them, and the table also shows the part's gain alone
(the others off) and last (the others on), whose difference is the interaction.

Everything is computed seed by seed (the same seed gives the same users and firms under every
subset: common random numbers), so the shares add up to the contrast in every seed, and each share
has an interval over the seeds (``analysis.stats.mean_ci``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.stats import mean_ci

#: The name of the share the parts do not explain.
RESIDUAL = "rest of the policy"


def subsets(parts: Sequence[str]) -> list[frozenset[str]]:
    """Every subset of ``parts`` (the parts switched on), the empty one first and the full one last."""
    return [frozenset(c) for size in range(len(parts) + 1) for c in itertools.combinations(parts, size)]


def shapley_values(values: Mapping[frozenset[str], np.ndarray], parts: Sequence[str]) -> dict[str, np.ndarray]:
    """Each part's Shapley value, per seed: ``values[S]`` holds an outcome per seed with the parts in S
    on (every subset must be there). The values add up to ``values[all] - values[none]`` exactly."""
    k = len(parts)
    out = {}
    for part in parts:
        others = [p for p in parts if p != part]
        total = np.zeros_like(np.asarray(values[frozenset()], dtype=float))
        for size in range(k):
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for chosen in itertools.combinations(others, size):
                s = frozenset(chosen)
                total = total + weight * (np.asarray(values[s | {part}], dtype=float) - np.asarray(values[s], dtype=float))
        out[part] = total
    return out


def split_contrast(values: Mapping[frozenset[str], np.ndarray], baseline: np.ndarray | None, parts: Sequence[str],
                   level: float = 0.90) -> pd.DataFrame:
    """The contrast (every part on, against ``baseline``, per seed; against every part off when
    ``baseline`` is None) split into the residual (only with a baseline) and each part's share, with
    intervals over the seeds: one row per share (the residual, the parts as given, the total), with
    ``mean``, ``low``, ``high``, ``alone`` and ``last``."""
    none, full = frozenset(), frozenset(parts)
    shares = shapley_values(values, parts)
    rows = []

    def row(name, per_seed, alone=math.nan, last=math.nan):
        est = mean_ci(per_seed, level)
        rows.append({"share": name, "mean": est.mean, "low": est.low, "high": est.high, "n": est.n,
                     "alone": alone, "last": last})

    base = np.asarray(values[none] if baseline is None else baseline, dtype=float)
    if baseline is not None:
        row(RESIDUAL, np.asarray(values[none], dtype=float) - base)
    for part in parts:
        alone = float(np.mean(np.asarray(values[frozenset({part})], dtype=float) - np.asarray(values[none], dtype=float)))
        last = float(np.mean(np.asarray(values[full], dtype=float) - np.asarray(values[full - {part}], dtype=float)))
        row(part, shares[part], alone, last)
    row("total", np.asarray(values[full], dtype=float) - base)
    return pd.DataFrame(rows)





#: The runs table's column of the parts a run's policy had switched off (``policy.without``).
WITHOUT = "cfg.policy.without"


def _parts_off(value) -> tuple[str, ...]:
    """A ``policy.without`` cell (JSON text in the tables, or a list) as a tuple of part names."""
    import json

    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    return tuple(value if value is not None else ())


def parts_sweep(runs: pd.DataFrame) -> tuple[str, list[str]] | None:
    """(the policy, its parts in their order) when ``runs`` are a sweep of one policy over every subset
    of its parts switched off (``inclusim explain``), else None."""
    if WITHOUT not in runs or runs["policy"].astype(str).nunique() != 1:
        return None
    offs = runs[WITHOUT].map(_parts_off)
    parts = list(max(offs, key=len))
    if len(parts) < 1 or {frozenset(o) for o in offs} != {frozenset(parts) - s for s in subsets(parts)}:
        return None
    return str(runs["policy"].iloc[0]), parts


def split_parts_sweep(runs: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Each outcome of a parts sweep (:func:`parts_sweep`) split into a share per part, against the
    policy with every part off, over the seeds every subset has: one row per outcome and share, with
    the level every part off gives (``baseline_level``). Outcomes with no values are left out."""
    found = parts_sweep(runs)
    if found is None:
        raise ValueError("not a sweep of every subset of a policy's parts")
    _policy, parts = found
    on = runs[WITHOUT].map(lambda v: frozenset(p for p in parts if p not in _parts_off(v)))
    seeds = sorted(set.intersection(*(set(runs.loc[on == s, "seed"]) for s in subsets(parts))))
    if len(seeds) < 2:
        raise ValueError(f"the sweep holds {len(seeds)} seed(s) with every subset of the parts: at least 2")
    rows = []
    for name in outcomes:
        if name not in runs or runs[name].isna().all():
            continue
        by_seed = runs.assign(_on=on).groupby(["_on", "seed"])[name].mean()
        values = {s: np.array([by_seed.loc[(s, seed)] for seed in seeds], dtype=float) for s in subsets(parts)}
        split = split_contrast(values, None, parts)
        split.insert(0, "outcome", name)
        split["baseline_level"] = float(np.mean(values[frozenset()]))
        rows.append(split)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
__all__ = ["RESIDUAL", "WITHOUT", "parts_sweep", "shapley_values", "split_contrast", "split_parts_sweep", "subsets"]
