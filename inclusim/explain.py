"""``inclusim explain POLICY``: why a way of working beats another, split into the parts that make it.

A policy is built from named parts, each of which can be switched off alone (``Policy.parts`` in its
module under ``scenarios/policies/``): hybrid's job-specialist team, its close follow-up by ordinary
advisers, the practices of that follow-up, the rule that refers users to the team. This runs the
policy with every subset of its parts switched on (2^k configurations) and the baseline policy, on
the same seeds and the same office (the same positions: a part that is off gives its positions to
the ordinary advisers), and splits the contrast into a share per part (``analysis.shapley``).

    inclusim explain hybrid [--against saksbehandler] [--seeds 10] [--out DIR] [key=value ...]

Writes ``DIR/explain.csv`` (every outcome and share, with intervals over the seeds, and each part
alone and last), ``DIR/runs.csv`` (one row per configuration and seed) and a waterfall chart per
outcome (``DIR/waterfall_<outcome>.png``), and prints the table.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.derived_kpis import with_derived_kpis
from analysis.shapley import subsets, split_contrast
from domain.config import Config
from domain.params import ConfigError, merge
from infra.executor import map_in_processes

#: What the split is shown for: (KPI, scale to the unit shown, unit).
OUTCOMES = (("ever_employed_share", 100.0, "points"), ("employed_share_w156", 100.0, "points"),
            ("people_in_work_end", 1.0, "people"), ("dropout_share", 100.0, "points"),
            ("adviser_weeks_over_budget_share", 100.0, "points"), ("nav_cost_nok", 1.0, "NOK"))
#: Most parts a split runs (2^k configurations each).
MAX_PARTS = 6


def parts_of(policy: str) -> dict[str, dict]:
    """The named parts of ``policy`` and, for each, the settings that switch it off (``PARTS`` of its
    settings class, in its module under ``scenarios/policies/``)."""
    from scenarios.policies import registered_policies

    known = registered_policies()
    if policy not in known:
        raise ConfigError(f"POLICY = {policy!r}: allowed values are {', '.join(sorted(known))}")
    return dict(known[policy].settings_class.PARTS)


def arm_configs(base: Config, policy: str, against: str, seeds: int) -> list[tuple[frozenset | None, int, Config]]:
    """(the parts on, or None for the baseline policy; seed; config) of every run of the split."""
    parts = list(parts_of(policy))
    if len(parts) > MAX_PARTS:
        raise ConfigError(f"{policy}: {len(parts)} parts make {2 ** len(parts)} configurations; at most {MAX_PARTS}")
    arms = []
    for on in subsets(parts):
        cfg = merge(base, {"policy": {"name": policy, "without": [p for p in parts if p not in on]}})
        arms += [(on, seed, merge(cfg, {"seed": seed})) for seed in range(1, seeds + 1)]
    baseline = merge(base, {"policy": {"name": against}})
    arms += [(None, seed, merge(baseline, {"seed": seed})) for seed in range(1, seeds + 1)]
    return arms


def shown(table: pd.DataFrame) -> list[tuple[str, float, str]]:
    """The :data:`OUTCOMES` a table has values of: a run shorter than 156 weeks has no week-156 figure."""
    if "outcome" in table:
        return [o for o in OUTCOMES if o[0] in set(table.loc[table["mean"].notna(), "outcome"])]
    return [o for o in OUTCOMES if table[o[0]].notna().any()]


def _outcomes(cfg: Config) -> dict[str, float]:
    from sim.tables import run_model

    runs = with_derived_kpis(run_model(cfg).runs)
    row = runs.iloc[0]
    return {name: float(row[name]) for name, _scale, _unit in OUTCOMES}


def measure(base: Config, policy: str, against: str = "saksbehandler", seeds: int = 10,
            workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the split: one row per outcome and share; the runs: one row per configuration and seed)."""
    if policy == against:
        raise ConfigError(f"--against = {against!r}: give another policy than the one explained")
    parts = list(parts_of(policy))
    if not parts:
        raise ConfigError(f"{policy}: the policy has no parts to split a contrast into (scenarios/policies/{policy}.py)")
    arms = arm_configs(base, policy, against, seeds)
    results = map_in_processes(_outcomes, [cfg for *_, cfg in arms], workers or os.cpu_count() or 1)
    runs = pd.DataFrame([{"parts_on": "baseline" if on is None else " + ".join(p for p in parts if p in on) or "none",
                          "seed": seed, **values} for (on, seed, _cfg), values in zip(arms, results, strict=True)])
    by_arm = {}
    for (on, seed, _cfg), values in zip(arms, results, strict=True):
        by_arm.setdefault(on, {})[seed] = values
    seed_list = list(range(1, seeds + 1))
    rows = []
    for name, _scale, _unit in shown(runs):
        values = {on: np.array([by_arm[on][s][name] for s in seed_list]) for on in by_arm if on is not None}
        baseline = np.array([by_arm[None][s][name] for s in seed_list])
        split = split_contrast(values, baseline, parts)
        split.insert(0, "outcome", name)
        split["baseline_level"] = float(np.mean(baseline))
        rows.append(split)
    return pd.concat(rows, ignore_index=True), runs


def _number(value: float, scale: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    scaled = value * scale
    return f"{scaled:+,.0f}".replace(",", " ") if abs(scaled) >= 1000 else f"{scaled:+.1f}"


def table_text(split: pd.DataFrame, policy: str, against: str) -> str:
    """The split as a terminal table: per outcome, each share with its interval, alone and last."""
    lines = [f"inclusim explain: {policy} against {against}, each share with its 90 % interval over the seeds "
             "[alone: the part with the others off; last: with the others on]"]
    for name, scale, unit in shown(split):
        part = split[split["outcome"] == name]
        lines.append(f"\n{name} ({unit})")
        width = max(len(s) for s in part["share"])
        for row in part.itertuples():
            text = f"  {row.share:<{width}}  {_number(row.mean, scale)} ({_number(row.low, scale)} to {_number(row.high, scale)})"
            if math.isfinite(row.alone):
                text += f"  [alone {_number(row.alone, scale)}, last {_number(row.last, scale)}]"
            lines.append(text)
    return "\n".join(lines)


def write(split: pd.DataFrame, runs: pd.DataFrame, out: Path, policy: str, against: str) -> list[Path]:
    """explain.csv, runs.csv and a waterfall chart per outcome in ``out``."""
    from analysis.charts.style import save_figure
    from analysis.charts.waterfall_chart import contrast_waterfall

    out.mkdir(parents=True, exist_ok=True)
    written = [out / "explain.csv", out / "runs.csv"]
    split.to_csv(written[0], index=False)
    runs.to_csv(written[1], index=False)
    for name, scale, unit in shown(split):
        part = split[split["outcome"] == name]
        fig = contrast_waterfall(part, float(part["baseline_level"].iloc[0]), policy, against, name, scale, unit)
        written.append(save_figure(fig, out / f"waterfall_{name}")[0])
    return written


def main(policy: str, against: str, seeds: int, out: Path | None, overrides: list[str], workers: int | None = None) -> None:
    from inclusim.compose import compose_config

    if seeds < 2:
        raise ConfigError(f"--seeds = {seeds}: at least 2 (an interval needs two seeds)")
    base = compose_config(list(overrides))
    split, runs = measure(base, policy, against, seeds, workers)
    print(table_text(split, policy, against))
    folder = out or Path("outputs") / "explain" / f"{policy}_vs_{against}"
    for path in write(split, runs, folder, policy, against):
        print(f"wrote {path}")
