"""``inclusim explain POLICY``: why a way of working beats ordinary case work, split into its parts.

A policy is built from named parts, each of which can be switched off alone (``PARTS`` of its
settings class, in its module under ``scenarios/policies/``; ``policy.without=[...]`` in any run):
hybrid's job-specialist team, its close follow-up by ordinary advisers, the practices of that
follow-up, the rule that refers users to the team. With every part off a policy is the saksbehandler
office, table for table, on the same staff (``tests/test_explain.py``). This command sweeps the
policy with every subset of its parts switched off (2^k settings) over the same seeds, as any sweep
runs (``inclusim.launch``: run folders, resumable, on this machine or a SLURM cluster), and splits each
outcome's contrast into a share per part (``analysis.shapley``).

    inclusim explain hybrid [--seeds 10] [--out DIR] [key=value ...]

The sweep goes to ``output_root/explain_POLICY`` (``name=`` to choose); the split to its ``explain/``
folder (or ``--out``): ``explain.csv`` (every outcome and share with its interval over the seeds, each
part alone and last), and a waterfall chart per outcome. The table is printed too.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis.derived_kpis import with_derived_kpis
from analysis.shapley import parts_sweep, split_parts_sweep, subsets
from domain.params import ConfigError

#: What the split is shown for: (KPI, scale to the unit shown, unit).
OUTCOMES = (("ever_employed_share", 100.0, "points"), ("employed_share_w156", 100.0, "points"),
            ("ever_employed_share_small", 100.0, "points"), ("ever_employed_share_large", 100.0, "points"),
            ("ordinary_job_by_end_share", 100.0, "points"), ("people_in_work_end", 1.0, "people"),
            ("dropout_share", 100.0, "points"), ("adviser_weeks_over_budget_share", 100.0, "points"),
            ("nav_cost_nok", 1.0, "NOK"))
#: Most parts a split runs (2^k settings each).
MAX_PARTS = 6
#: What the policy with every part off is: the office of ordinary case work, on the same staff.
BASELINE = "saksbehandler"


def parts_of(policy: str) -> list[str]:
    """The named parts of ``policy`` (``PARTS`` of its settings class)."""
    from scenarios.policies import registered_policies

    known = registered_policies()
    if policy not in known:
        raise ConfigError(f"POLICY = {policy!r}: allowed values are {', '.join(sorted(known))}")
    parts = list(known[policy].settings_class.PARTS)
    if not parts:
        raise ConfigError(f"POLICY = {policy!r}: the policy has no parts to split a contrast into "
                          f"(scenarios/policies/{policy}.py); policies with parts: "
                          f"{', '.join(sorted(n for n, p in known.items() if p.settings_class.PARTS))}")
    if len(parts) > MAX_PARTS:
        raise ConfigError(f"{policy}: {len(parts)} parts make {2 ** len(parts)} settings; at most {MAX_PARTS}")
    return parts


def sweep_arguments(policy: str, seeds: int, overrides: list[str]) -> list[str]:
    """The sweep of ``policy`` with every subset of its parts off, seeds 1 to ``seeds``, ``overrides`` on
    every run (named ``explain_POLICY`` unless the overrides name it)."""
    parts = parts_of(policy)
    offs = ",".join("[" + ",".join(p for p in parts if p not in on) + "]" for on in subsets(parts))
    name = [] if any(o.split("=", 1)[0] == "name" for o in overrides) else [f"name=explain_{policy}"]
    return ["-m", f"policy={policy}", f"policy.without={offs}", f"seed=range(1,{seeds + 1})", *name, *overrides]


def split_runs(runs: pd.DataFrame, policy: str) -> pd.DataFrame:
    """The split of each outcome in a collected sweep of ``policy``'s parts: one row per outcome and
    share, the policy with every part off (saksbehandler's office) as the level it starts from."""
    parts = parts_of(policy)
    runs = with_derived_kpis(runs[runs["policy"].astype(str) == policy])
    found = parts_sweep(runs)
    if found is None or found[1] != parts:
        raise ConfigError(f"the sweep does not hold every subset of {policy}'s parts ({', '.join(parts)})")
    try:
        return split_parts_sweep(runs, [name for name, _scale, _unit in OUTCOMES])
    except ValueError as exc:
        raise ConfigError(f"{policy}: {exc}") from None


def shown(split: pd.DataFrame) -> list[tuple[str, float, str]]:
    """The :data:`OUTCOMES` the split has."""
    return [o for o in OUTCOMES if o[0] in set(split["outcome"])]


def _number(value: float, scale: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    scaled = value * scale
    return f"{scaled:+,.0f}".replace(",", " ") if abs(scaled) >= 1000 else f"{scaled:+.1f}"


def table_text(split: pd.DataFrame, policy: str) -> str:
    """The split as a terminal table: per outcome, each share with its interval, alone and last."""
    from analysis.i18n import tr

    lines = ["inclusim explain: " + tr("{policy} against its office with every part off ({baseline}), each share with "
                                       "its 90 % interval over the seeds [alone: the part with the others off; last: "
                                       "with the others on]", policy=policy, baseline=BASELINE)]
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


def write(split: pd.DataFrame, out: Path, policy: str) -> list[Path]:
    """explain.csv and a waterfall chart per outcome in ``out``."""
    from analysis.charts.style import save_figure
    from analysis.charts.waterfall_chart import contrast_waterfall

    out.mkdir(parents=True, exist_ok=True)
    written = [out / "explain.csv"]
    split.to_csv(written[0], index=False)
    for name, scale, unit in shown(split):
        part = split[split["outcome"] == name]
        fig = contrast_waterfall(part, float(part["baseline_level"].iloc[0]), policy, BASELINE, name, scale, unit)
        written.append(save_figure(fig, out / f"waterfall_{name}")[0])
    return written


def main(policy: str, seeds: int, out: Path | None, overrides: list[str]) -> None:
    """Sweep the parts of ``policy`` (``inclusim.launch``), then split, print and write the contrasts."""
    from inclusim.launch import run_or_sweep

    if seeds < 2:
        raise ConfigError(f"--seeds = {seeds}: at least 2 (an interval needs two seeds)")
    from analysis.i18n import language

    sweep_dir = run_or_sweep(sweep_arguments(policy, seeds, list(overrides)))[-1]
    split = split_runs(pd.read_parquet(sweep_dir / "runs.parquet"), policy)
    lang = next((o.split("=", 1)[1] for o in overrides if o.split("=", 1)[0] == "lang"), "en")   # checked by the sweep
    with language(lang):       # the table's heading and the charts in the language asked for (lang=nb)
        print("\n" + table_text(split, policy))
        for path in write(split, out or sweep_dir / "explain", policy):
            print(f"wrote {path}")
