"""The waterfall chart of a split contrast (``analysis.shapley``): from the baseline policy's level,
each share in turn (the rest of the policy, then each part), to the policy's level; every bar with
its interval over the seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.charts.style import add_note, new_figure, styled, thousands_axis, wrap
from analysis.i18n import localise_number, tr
from analysis.labels import kpi_label

GAIN, LOSS, LEVEL_COLOUR = "#3a7d44", "#b5453a", "#5b6f8a"


def part_label(name: str) -> str:
    """A part's name as words: 'job_specialist_team' -> 'job specialist team' (translated)."""
    return tr(name.replace("_", " "))


def _signed(value: float) -> str:
    """'+2.6' ('+2,6' in bokmål), or '+4 626 373' from a thousand on."""
    return f"{value:+,.0f}".replace(",", " ") if abs(value) >= 1000 else localise_number(f"{value:+.1f}")


@styled
def contrast_waterfall(split: pd.DataFrame, baseline_level: float, policy: str, baseline: str, outcome: str,
                       scale: float = 100.0, unit: str = "points") -> Figure:
    """One outcome's contrast as a waterfall: the baseline's level, the shares (``split`` rows other
    than ``total``, each a floating bar with its interval), the policy's level. ``scale`` turns a share
    into points (100) or keeps kroner and counts (1)."""
    shares = split[split["share"] != "total"].reset_index(drop=True)
    total = split[split["share"] == "total"].iloc[0]
    labels = [baseline] + [part_label(name) for name in shares["share"]] + [policy]
    fig = new_figure(max(6.4, 1.25 * len(labels) + 1.5), 4.6)
    ax = fig.subplots()
    x = np.arange(len(labels))
    level = baseline_level * scale
    ax.bar(x[0], level, color=LEVEL_COLOUR, width=0.6)
    running = level
    for i, row in enumerate(shares.itertuples(), start=1):
        step = row.mean * scale
        ax.bar(x[i], step, bottom=running, color=GAIN if step >= 0 else LOSS, width=0.6)
        top = running + step
        ax.errorbar(x[i], top, yerr=[[max(0.0, (row.mean - row.low) * scale)], [max(0.0, (row.high - row.mean) * scale)]],
                    fmt="none", ecolor="#222222", capsize=3, lw=1)
        ax.plot([x[i] - 0.3 - 0.4, x[i] + 0.3], [running, running], color="#777777", lw=0.6, ls=":")
        ax.annotate(_signed(step), (x[i] + 0.3, (running + top) / 2), xytext=(3, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=8)
        running = top
    end = level + total["mean"] * scale
    ax.bar(x[-1], end, color=LEVEL_COLOUR, width=0.6)
    ax.errorbar(x[-1], end, yerr=[[max(0.0, (total["mean"] - total["low"]) * scale)],
                                  [max(0.0, (total["high"] - total["mean"]) * scale)]],
                fmt="none", ecolor="#222222", capsize=3, lw=1)
    ax.set_xticks(x, labels, rotation=20, ha="right")
    ax.set_ylabel(wrap(f"{kpi_label(outcome)} ({tr(unit)})", 36))
    if abs(level) >= 1000:
        thousands_axis(ax)
    path = [level, end, *(level + np.cumsum(shares["mean"].to_numpy() * scale)),
            (total["high"] - total["mean"]) * scale + end]
    low, high = (0.0 if min(path) >= 0 else min(path)), max(path)     # levels from zero: steps at their true size
    ax.set_ylim(low, high + 0.08 * max(high - low, 1e-9))
    ax.set_title(tr("{policy} against {baseline}: {total} {unit}, split into its parts",
                    policy=policy, baseline=baseline, total=_signed(total["mean"] * scale), unit=tr(unit)))
    add_note(fig, tr("Each part's share is its Shapley value: its gain averaged over every order of switching the "
                     "parts on, seed by seed; bars show 90 % intervals over the seeds. {baseline}: the policy with "
                     "every part off, which is the {baseline} office on the same staff.", baseline=baseline))
    return fig
