"""Charts of a sensitivity sweep: the Morris ranked effects (10) and the Sobol indices (11), one panel
per policy contrast (``analysis.sensitivity_indices`` computes the numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.charts.style import new_figure, styled
from analysis.i18n import tr
from analysis.sensitivity_indices import group_name, target_label

#: Groups shown per panel of the ranked-effects chart.
TOP_GROUPS = 10


def _contrast_targets(table: pd.DataFrame) -> list[str]:
    return [t for t in dict.fromkeys(table["target"]) if " - " in t]


def _file_key(target: str) -> str:
    """'hybrid_vs_saksbehandler' for 'ever_employed_share|hybrid - saksbehandler' (a table's file name)."""
    return target.split("|", 1)[1].replace(" - ", "_vs_")


@styled
def morris_ranking(morris_table: pd.DataFrame) -> Figure:
    """Mean absolute elementary effect (mu*) of each group of assumptions on each policy contrast, in
    points, largest first, with its 95 % bootstrap half-width; sigma as a marker (interactions)."""
    targets = _contrast_targets(morris_table)
    fig = new_figure(4.8 * max(1, len(targets)), 4.8)
    axes = fig.subplots(1, max(1, len(targets)), squeeze=False)[0]
    for ax, target in zip(axes, targets, strict=False):
        part = morris_table[morris_table["target"] == target].sort_values("mu_star", ascending=False).head(TOP_GROUPS)
        part = part.iloc[::-1]
        y = np.arange(len(part))
        ax.barh(y, 100 * part["mu_star"], xerr=100 * part["mu_star_conf"], color="#4878a8", ecolor="#333333",
                capsize=2, label=tr("mu* (mean |effect|)"))
        ax.plot(100 * part["sigma"], y, "o", color="#d08030", ms=4, label=tr("sigma (interactions)"))
        ax.set_yticks(y, part["group"].map(group_name))
        ax.set_xlabel(tr("change in the contrast, points"))
        ax.set_title(target_label(target), fontsize=9)
        fig.inclusim_data[_file_key(target)] = part.iloc[::-1].reset_index(drop=True)
    axes[0].legend(loc="lower right", fontsize=7)
    fig.suptitle(tr("Which assumptions each policy contrast rests on (Morris screening, every group over its range)"))
    return fig


@styled
def sobol_indices(sobol_table: pd.DataFrame) -> Figure:
    """First-order (S1) and total (ST) Sobol indices of the chosen groups on each policy contrast,
    with 95 % half-widths."""
    targets = _contrast_targets(sobol_table)
    fig = new_figure(4.8 * max(1, len(targets)), 3.8)
    axes = fig.subplots(1, max(1, len(targets)), squeeze=False)[0]
    for ax, target in zip(axes, targets, strict=False):
        part = sobol_table[sobol_table["target"] == target].sort_values("ST", ascending=False)
        x = np.arange(len(part))
        ax.bar(x - 0.2, part["S1"], 0.4, yerr=part["S1_conf"], color="#4878a8", capsize=2, label=tr("S1 (alone)"))
        ax.bar(x + 0.2, part["ST"], 0.4, yerr=part["ST_conf"], color="#a0b8d0", capsize=2, label=tr("ST (with interactions)"))
        ax.set_xticks(x, part["group"].map(group_name), rotation=30, ha="right")
        ax.set_ylabel(tr("share of the contrast's variance"))
        ax.set_ylim(bottom=min(0.0, float(np.nanmin(part["S1"] - part["S1_conf"])) if len(part) else 0.0))
        ax.set_title(target_label(target), fontsize=9)
        fig.inclusim_data[_file_key(target)] = part.reset_index(drop=True)
    axes[0].legend(fontsize=7)
    fig.suptitle(tr("Sobol indices of the most influential groups"))
    return fig


__all__ = ["morris_ranking", "sobol_indices"]
