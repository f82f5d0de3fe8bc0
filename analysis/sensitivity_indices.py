"""Sensitivity indices of a ``+experiment=sensitivity`` sweep (SALib), charts and the words per contrast.

The sweep ran every point of the Morris and Sobol designs of ``conf/sensitivity.yaml`` under the four
policies with the same seeds (``domain.sensitivity_design``). For each *target* (a headline outcome under a
policy, or a policy contrast paired within the point) this module rebuilds the design's points,
takes the mean over seeds at each point and computes:

* **Morris** (every group): ``mu_star``, the mean absolute elementary effect of moving a group over
  its whole range (in the target's units: for shares, points x 100), ``mu_star_conf`` (its 95 %
  bootstrap half-width) and ``sigma`` (spread of the effects: interactions or non-linearity);
* **Sobol** (the chosen groups): ``S1`` (share of the target's variance the group explains alone)
  and ``ST`` (alone and with the others), each with its 95 % half-width.

Every other setting stays at its value in the run; the factors are on the values the runs table holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.formatting import format_value, percent
from analysis.i18n import DEFAULT_LANGUAGE, current_language, tr
from analysis.labels import DEFAULT_BASELINE, kpi_label
from domain.schema import SHARE, config_column
from domain.sensitivity_design import load_plan, locate, points, problem

DESIGN = config_column("sensitivity_design")
POINT = config_column("sensitivity_point")
#: The outcome the contrasts are read in, and the policies contrasted with the baseline.
CONTRAST_KPI = "ever_employed_share"
CONTRASTS = ("hybrid", "jobbspesialist", "brobygger")
#: Headline outcomes analysed under each policy.
OUTCOMES = ("ever_employed_share", "dropout_share")


def is_sensitivity(runs: pd.DataFrame) -> bool:
    return DESIGN in runs and (runs[DESIGN].astype(str) != "none").any() and runs[POINT].nunique() > 1


def point_values(runs: pd.DataFrame, baseline: str = DEFAULT_BASELINE) -> pd.DataFrame:
    """One row per (design, point): the mean over seeds of each outcome under each policy
    (``<kpi>|<policy>``) and of each contrast with the baseline, paired by seed within the point
    (``<kpi>|<policy> - <baseline>``)."""
    plan = load_plan()
    design = str(runs[DESIGN].iloc[0])
    located = [locate(plan, design, int(p)) for p in runs[POINT]]
    frame = runs.assign(_design=[d for d, _ in located], _point=[p for _, p in located])
    columns: dict[str, pd.Series] = {}
    for outcome in OUTCOMES:
        by_policy = frame.pivot_table(index=["_design", "_point", "seed"], columns="policy", values=outcome,
                                      aggfunc="mean")
        for policy in by_policy.columns:
            columns[f"{outcome}|{policy}"] = by_policy[policy].groupby(level=[0, 1]).mean()
        if outcome == CONTRAST_KPI and baseline in by_policy:
            for policy in CONTRASTS:
                if policy in by_policy:
                    diff = (by_policy[policy] - by_policy[baseline]).groupby(level=[0, 1]).mean()
                    columns[f"{outcome}|{policy} - {baseline}"] = diff
    return pd.DataFrame(columns).rename_axis(["design", "point"]).reset_index()


def indices(runs: pd.DataFrame, baseline: str = DEFAULT_BASELINE) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(Morris table, Sobol table, notes): one row per target and group. A design whose points are not
    all in the runs is skipped with a note (SALib needs the whole design)."""
    from SALib.analyze import morris, sobol

    plan = load_plan()
    values = point_values(runs, baseline)
    targets = [c for c in values.columns if "|" in c]
    tables: dict[str, list[dict]] = {"morris": [], "sobol": []}
    notes = []
    for design in ("morris", "sobol"):
        grid = points(plan, design)
        part = values[values["design"] == design].set_index("point").reindex(range(len(grid)))
        if part.empty or part[targets].isna().all(axis=None):
            continue
        missing = int(part[targets].isna().any(axis=1).sum())
        if missing:
            notes.append(tr("The {design} design is missing {missing} of its {points} points: no {design} indices.",
                            design=design, missing=missing, points=len(grid)))
            continue
        spec = problem(plan, design)
        for target in targets:
            y = part[target].to_numpy(dtype=float)
            if design == "morris":
                res = morris.analyze(spec, grid, y, num_levels=plan.morris_levels, seed=plan.morris_seed)
                for i, group in enumerate(spec["names"]):
                    tables[design].append({"target": target, "group": group, "mu_star": float(res["mu_star"][i]),
                                           "mu_star_conf": float(res["mu_star_conf"][i]), "mu": float(res["mu"][i]),
                                           "sigma": float(res["sigma"][i])})
            elif np.std(y) > 0:   # a target that does not vary has no variance to share out
                res = sobol.analyze(spec, y, calc_second_order=False, seed=plan.sobol_seed)
                for i, group in enumerate(spec["names"]):
                    tables[design].append({"target": target, "group": group, "S1": float(res["S1"][i]),
                                           "S1_conf": float(res["S1_conf"][i]), "ST": float(res["ST"][i]),
                                           "ST_conf": float(res["ST_conf"][i])})
    return (pd.DataFrame(tables["morris"], columns=["target", "group", "mu_star", "mu_star_conf", "mu", "sigma"]),
            pd.DataFrame(tables["sobol"], columns=["target", "group", "S1", "S1_conf", "ST", "ST_conf"]), notes)


def group_name(group: str) -> str:
    """A group of assumptions of ``conf/sensitivity.yaml`` in plain words: 'mentor support' for
    ``mentor_support``, in the current language."""
    return tr(group.replace("_", " "))


def _group_ref(group: str) -> str:
    """A group named in the words per contrast: by its key in English ('own_jobs', as in
    conf/sensitivity.yaml), by its plain name and key in another language ('jobber brukerne finner selv [own_jobs]')."""
    return group if current_language() == DEFAULT_LANGUAGE else f"{group_name(group)} [{group}]"


def target_label(target: str) -> str:
    """'Ever employed, hybrid - saksbehandler' for 'ever_employed_share|hybrid - saksbehandler'."""
    name, rest = target.split("|", 1)
    return f"{kpi_label(name)}, {rest}"


def contrast_texts(values: pd.DataFrame, morris_table: pd.DataFrame, sobol_table: pd.DataFrame,
                   baseline: str = DEFAULT_BASELINE, top: int = 3) -> list[str]:
    """One paragraph per policy contrast: its size and sign over the screening's points, and the
    assumptions it rests on (largest Morris effects, Sobol total indices)."""
    texts = []
    for policy in CONTRASTS:
        target = f"{CONTRAST_KPI}|{policy} - {baseline}"
        if target not in values:
            continue
        diffs = values.loc[values["design"] == "morris", target].dropna().to_numpy(dtype=float)
        if diffs.size == 0:
            continue
        same = int((np.sign(diffs) == np.sign(np.median(diffs))).sum())
        text = tr("{target}: {median} points at the median point of the screening (from {low} to {high}); the sign is "
                  "the same at {same} of {points} points", target=target_label(target),
                  median=format_value(np.median(diffs), SHARE, sign=True),
                  low=format_value(diffs.min(), SHARE, sign=True), high=format_value(diffs.max(), SHARE, sign=True),
                  same=same, points=diffs.size)
        text += ("" if same == diffs.size else tr(", so it is not robust to these assumptions")) + "."
        ranked = morris_table[morris_table["target"] == target].sort_values("mu_star", ascending=False).head(top)
        if not ranked.empty:
            text += " " + tr("It rests most on {groups}.", groups=", ".join(
                tr("{group} (moving it over its range changes the contrast by {points} points on average)",
                   group=_group_ref(row.group), points=format_value(row.mu_star, SHARE)) for row in ranked.itertuples()))
        total = sobol_table[sobol_table["target"] == target].sort_values("ST", ascending=False)
        if not total.empty:
            lead = total.iloc[0]
            text += " " + tr("Of the groups in the Sobol design, {group} accounts for {total} of the contrast's variance "
                             "with its interactions ({alone} alone).", group=_group_ref(lead["group"]),
                             total=percent(lead["ST"], 0), alone=percent(lead["S1"], 0))
        texts.append(text)
    return texts


__all__ = ["CONTRASTS", "OUTCOMES", "contrast_texts", "group_name", "indices", "is_sensitivity", "point_values",
           "target_label"]
