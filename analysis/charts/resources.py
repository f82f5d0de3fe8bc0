"""Charts of what the outcomes cost: adviser hours (4), the caseload trade-off (5), a KPI over two
levers (7) and mentor load and subsidy cost (8)."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis.charts.data import (WEEKLY_HOURS_COLUMN, at_setting, hours_by_role, mentor_subsidy_table,
                                  over_budget_crossings, over_budget_points, policies_in, replications, single_value)
from analysis.charts.style import (ACTIVITY_COLOURS, WARNING_COLOUR, add_note, cell_digits, colour_policy_ticks,
                                   figure_legend,
                                   interval_note, new_figure, percent_axis, policy_colours, policy_legend,
                                   styled, thousands_axis, wrap, yerr)
from analysis.formatting import format_value, has_interval, lever_value, setting_text
from analysis.i18n import tr
from analysis.derived_kpis import last_checkpoint_kpi, with_derived_kpis
from analysis.labels import activity_name, kpi_label, lever_label, role_name
from analysis.stats import summarise
from domain.schema import COUNT, HOURS, NOK, RATIO, kpi
from domain.terms import ACTIVITIES, ROLES


def _annotate_totals(ax, x, mean, high, text, fontsize: float = 8, offset: int = 4) -> None:
    """Write each bar's total, ``text(mean)``, above its whisker."""
    for xi, m, hi in zip(x, mean, high, strict=True):
        if math.isfinite(m):
            ax.annotate(text(m), (xi, hi if math.isfinite(hi) else m), xytext=(0, offset),
                        textcoords="offset points", ha="center", va="bottom", fontsize=fontsize)


def _hours(value: float) -> str:
    return tr("{hours} h", hours=format_value(value, HOURS, digits=0))


def _held(fixed: dict | None) -> str:
    """' Other levers held at ...' for a chart's note; '' when no lever is held."""
    held = setting_text(fixed or {})
    return " " + tr("Other levers held at {setting}.", setting=held) if held else ""


def _activity_bars(ax, x, heights: dict, width: float, shown: set) -> None:
    """Bars stacked by activity (``heights``: activity -> bar heights); activities drawn join ``shown``."""
    bottom = np.zeros(len(x))
    for act, h in heights.items():
        h = np.nan_to_num(np.asarray(h, dtype=float))
        if not (h > 0).any():
            continue
        shown.add(act)
        ax.bar(x, h, bottom=bottom, width=width, color=ACTIVITY_COLOURS[act], edgecolor="white", lw=0.5,
               label=activity_name(act))
        bottom += h


@styled
def adviser_hours(runs: pd.DataFrame, weekly: pd.DataFrame | None = None) -> Figure:
    """Adviser hours by activity: stacked bars per policy, per user and per user employed; with
    ``weekly``, a third panel of hours per adviser per week by role against the weekly hours.

    The segments are means over runs; the whisker on each bar is the 90 % interval of its total.
    ``fig.inclusim_data``: ``per_candidate``, ``per_employment`` (means by activity and the total's
    interval) and, with ``weekly``, ``by_role`` and ``by_role_per_run``.
    """
    policies = policies_in(runs)
    colours = policy_colours(policies)
    panels = {"per_candidate": ("hours_per_candidate", tr("Adviser hours per user"), tr("Hours per user over the run")),
              "per_employment": ("hours_per_employment", tr("Adviser hours per user employed"),
                                 tr("Hours per user ever employed"))}
    third = weekly is not None and len(weekly) > 0
    fig = new_figure(11.5, 10 if third else 5.6)
    if third:
        mosaic = fig.subplot_mosaic([["a", "b"], ["c", "c"]])
        axes = [mosaic["a"], mosaic["b"], mosaic["c"]]
    else:
        axes = list(fig.subplots(1, 2))
    shown: set = set()
    x = np.arange(len(policies))
    for ax, (key, (prefix, title, ylabel)) in zip(axes, panels.items(), strict=False):
        acts = [a for a in ACTIVITIES if f"{prefix}_{a.key}" in runs]
        seg = summarise(runs, [f"{prefix}_{a.key}" for a in acts], by="policy")
        tot = summarise(runs, [prefix], by="policy") if prefix in runs else pd.DataFrame()
        fig.inclusim_data[key] = pd.concat([seg, tot], ignore_index=True)
        heights = {a: seg[seg["kpi"] == f"{prefix}_{a.key}"].set_index("policy").reindex(policies)["mean"]
                   for a in acts}
        _activity_bars(ax, x, heights, 0.65, shown)
        if len(tot):
            t = tot.set_index("policy").reindex(policies)
            ax.errorbar(x, t["mean"], yerr=yerr(t["mean"], t["low"], t["high"]), fmt="none", ecolor="black",
                        elinewidth=1.5, capsize=4, label="_interval")
            _annotate_totals(ax, x, t["mean"], t["high"], _hours)
        ax.set_xticks(x, policies)
        colour_policy_ticks(ax, colours)
        ax.set_ylabel(tr("{label} (hours)", label=ylabel))
        ax.set_title(title)
        ax.margins(y=0.12)
    if third:
        _hours_by_role_panel(fig, axes[2], runs, weekly, colours, shown)
    handles = [Patch(facecolor=ACTIVITY_COLOURS[a], label=activity_name(a)) for a in ACTIVITIES if a in shown]
    if UNMET_LABEL in shown:
        handles.append(Patch(facecolor="white", edgecolor=WARNING_COLOUR, hatch="///",
                             label=tr("Work asked, not done (unmet)")))
    figure_legend(fig, handles, "outside upper center", min(len(handles), 4))
    tables = [fig.inclusim_data[key] for key in (*panels, "by_role") if key in fig.inclusim_data]
    add_note(fig, tr("Segments: mean hours by activity. Whiskers, on each total: {note}", note=interval_note(*tables)))
    return fig


#: The slant of the role names under the bars of the hours-by-role panel, in degrees.
TICK_ANGLE = 25      # degrees: the slant of the role names under the bars of the hours-by-role panel

#: The label of the unmet work's bars in the hours-by-role panel (and its mark in ``shown``).
UNMET_LABEL = "_unmet"


def _hours_by_role_panel(fig: Figure, ax, runs: pd.DataFrame, weekly: pd.DataFrame, colours: dict[str, str],
                         shown: set) -> None:
    """Hours per adviser per week, one stacked bar per policy and role, against the weekly hours;
    ``colours``: the policies shown and their colours."""
    per_run = hours_by_role(weekly, runs)
    acts = [a for a in ACTIVITIES if a.key in per_run]
    has_unmet = "unmet" in per_run
    by_role = summarise(per_run, [a.key for a in acts] + ["total"] + (["unmet"] if has_unmet else []),
                        by=["policy", "role"])
    fig.inclusim_data["by_role"] = by_role
    fig.inclusim_data["by_role_per_run"] = per_run
    bars = [(p, r) for p in colours for r in ROLES if ((by_role["policy"] == p) & (by_role["role"] == r)).any()]
    positions, x, last = [], 0.0, None
    for policy, _role in bars:
        if last is not None and policy != last:
            x += 0.6
        positions.append(x)
        x += 1
        last = policy
    pos = np.array(positions)

    def values(name: str, column: str) -> np.ndarray:
        out = []
        for policy, role in bars:
            row = by_role[(by_role["policy"] == policy) & (by_role["role"] == role) & (by_role["kpi"] == name)]
            out.append(float(row[column].iloc[0]) if len(row) else math.nan)
        return np.array(out)

    _activity_bars(ax, pos, {a: values(a.key, "mean") for a in acts}, 0.75, shown)
    m, lo, hi = values("total", "mean"), values("total", "low"), values("total", "high")
    top = hi          # where each bar's total is written: above its interval, or above the work asked
    if has_unmet:     # the work asked beyond the hours, on top of what was booked: demand above the line
        unmet = np.nan_to_num(values("unmet", "mean"))
        if (unmet > 0).any():
            ax.bar(pos, unmet, 0.75, bottom=np.nan_to_num(m), facecolor="white", edgecolor=WARNING_COLOUR,
                   hatch="///", lw=0.8, label=UNMET_LABEL)
            shown.add(UNMET_LABEL)
            top = np.fmax(hi, np.nan_to_num(m) + unmet)
    ax.errorbar(pos, m, yerr=yerr(m, lo, hi), fmt="none", ecolor="black", elinewidth=1.5, capsize=4,
                label="_interval")
    budget = single_value(runs, WEEKLY_HOURS_COLUMN)
    if budget is not None:
        ax.axhline(budget, color=WARNING_COLOUR, lw=1.5, ls="--")
        ax.text(pos[-1] + 0.45 if len(pos) else 0, budget, tr("weekly hours {hours} h", hours=lever_value(budget)), ha="right",
                va="bottom", fontsize=8, color=WARNING_COLOUR)
    names = [role_name(role) for _policy, role in bars]
    ax.set_xticks(pos, names, rotation=TICK_ANGLE, ha="right", rotation_mode="anchor")
    for label, (policy, _role) in zip(ax.get_xticklabels(), bars, strict=True):
        label.set_color(colours[policy])
        label.set_fontsize(8.5)
    # the policies' names under their bars, below the slanted role names (their depth: the longest name's)
    depth = 8.5 * (0.55 * max(map(len, names), default=0) * math.sin(math.radians(TICK_ANGLE))
                   + math.cos(math.radians(TICK_ANGLE))) + 10
    _annotate_totals(ax, pos, m, top, _hours, fontsize=7.5, offset=3)
    groups: dict[str, list[float]] = {}
    for (policy, _role), xi in zip(bars, pos, strict=True):
        groups.setdefault(policy, []).append(xi)
    for policy, xs in groups.items():
        ax.annotate(policy, (float(np.mean(xs)), 0), xycoords=("data", "axes fraction"), xytext=(0, -depth),
                    textcoords="offset points", ha="center", va="top", fontsize=9, fontweight="bold",
                    color=colours[policy])
    ax.set_ylabel(tr("Hours per adviser per week (hatched: not done)"))
    ax.set_title(tr("Adviser hours per week, by role"))
    ax.margins(y=0.1)


@styled
def caseload_tradeoff(runs: pd.DataFrame, lever: str, outcome: str | None = None,
                      load: str = "caseholder_pressure", fixed: dict | None = None) -> Figure:
    """An outcome (left) and the advisers' load (right) against a swept lever, one line per policy
    with its 90 % band. The load is, by default, ``kpis.caseholder_pressure``; each policy's first
    lever value with a mean load above its limit (1 for a ratio: demand above the advisers' hours;
    one half for a share) is marked.

    ``fixed``: other levers to hold at one value (e.g. :func:`analysis.stats.reference_setting`).
    ``fig.inclusim_data``: ``outcome`` and ``load`` (``stats.summarise`` by policy and lever) and
    ``over_budget`` (one row per policy with the first lever value over budget) and ``crossing``
    (where the load's line crosses the budget, between two swept values: the marked point).
    """
    runs = with_derived_kpis(at_setting(runs, fixed))
    outcome = outcome or last_checkpoint_kpi(runs) or "ever_employed_share"
    out_tab = summarise(runs, [outcome], by=["policy", lever])
    load_tab = summarise(runs, [load], by=["policy", lever])
    threshold = 1.0 if kpi(load).unit == RATIO else 0.5
    over = over_budget_points(load_tab, lever, threshold)
    crossing = over_budget_crossings(load_tab, lever, threshold) if pd.api.types.is_numeric_dtype(load_tab[lever]) \
        else {pol: value for pol, value in over.items()}
    fig = new_figure(12.5, 5.2)
    fig.inclusim_data = {"outcome": out_tab, "load": load_tab,
                         "over_budget": pd.DataFrame({"policy": list(over), lever: list(over.values())}),
                         "crossing": pd.DataFrame({"policy": list(crossing), lever: list(crossing.values())})}
    ax1, ax2 = fig.subplots(1, 2)
    policies = policies_in(out_tab)
    colours = policy_colours(policies)
    for ax, tab, name in ((ax1, out_tab, outcome), (ax2, load_tab, load)):
        for pol in policies:
            t = tab[tab["policy"] == pol].sort_values(lever)
            c = colours[pol]
            if has_interval(t["low"], t["high"]):
                ax.fill_between(t[lever], t["low"], t["high"], color=c, alpha=0.22, lw=0, label=f"_{pol} band")
            ax.errorbar(t[lever], t["mean"], yerr=yerr(t["mean"], t["low"], t["high"]), color=c, lw=2,
                        marker="o", ms=5, capsize=3, label=pol)
        ax.set_xlabel(lever_label(lever))
        ax.set_xticks(sorted(tab[lever].dropna().unique()))
        if kpi(name).is_share:
            percent_axis(ax)
            ax.set_ylabel(tr("{label} (% of users)", label=kpi_label(name)))
        else:
            ax.set_ylabel(kpi_label(name))
    ax1.set_title(kpi_label(outcome))
    ax2.set_title(tr("Advisers' workload"))
    ax2.axhline(threshold, color=WARNING_COLOUR, lw=1.5, ls="--")
    ax2.axhspan(threshold, max(threshold * 10, 10), color=WARNING_COLOUR, alpha=0.06, lw=0)
    drawn = load_tab["high"].fillna(load_tab["mean"]).to_numpy(dtype=float) if len(load_tab) else np.array([])
    top = max([threshold, *drawn[np.isfinite(drawn)]])
    ax2.set_ylim(bottom=0, top=top * 1.12)
    ax2.text(0.01, threshold, " " + tr("over budget above this line"), transform=ax2.get_yaxis_transform(),
             va="bottom", ha="left", fontsize=8, color=WARNING_COLOUR)
    marked = False
    for pol in policies:
        first = over.get(pol)
        if first is None:
            continue
        # where the load's line crosses the budget line (between two swept values), not the next value
        at = crossing.get(pol, first)
        if at == first:
            row = load_tab[(load_tab["policy"] == pol) & (load_tab[lever] == first)]
            height = float(row["mean"].iloc[0])
        else:
            height = threshold
        ax2.plot([at], [height], marker="o", ms=13, mfc="none", mec=colours[pol], mew=2.2, ls="none",
                 label="_over budget from here")
        ax1.axvline(at, color=colours[pol], lw=1.2, ls=":", alpha=0.9)
        marked = True
    extra = [Line2D([], [], marker="o", ms=11, mfc="none", mec="#444444", mew=2, ls="none",
                    label=tr("over budget from here (dotted line on the left)"))] if marked else []
    policy_legend(fig, policies, extra)
    add_note(fig, tr("Whiskers and bands: {note} {n} replications per point.", note=interval_note(out_tab, load_tab),
                     n=replications(out_tab)) + _held(fixed)
             + " " + tr("Workload = hours the case-holding advisers' work called for / their weekly hours."))
    return fig


@styled
def lever_heatmap(runs: pd.DataFrame, name: str, x_lever: str, y_lever: str, fixed: dict | None = None) -> Figure:
    """Mean of the KPI ``name`` over replications for each pair of values of two levers, one panel per
    policy, one shared colour scale. Each cell reads "mean" over "± half the width of the 90 % interval".

    ``fig.inclusim_data``: ``cells`` (``stats.summarise`` by policy and the two levers, with a
    ``half_width`` column).
    """
    runs = with_derived_kpis(at_setting(runs, fixed))
    cells = summarise(runs, [name], by=["policy", x_lever, y_lever])
    if len(cells):
        cells["half_width"] = (cells["high"] - cells["low"]) / 2
    policies = policies_in(cells)
    colours = policy_colours(policies)
    xs = sorted(runs[x_lever].dropna().unique())
    ys = sorted(runs[y_lever].dropna().unique())
    ncols = min(len(policies), 2) or 1
    nrows = math.ceil(len(policies) / ncols) or 1
    w = 1.0 + 1.05 * max(len(xs), 2)
    fig = new_figure(min(6 + ncols * w, 16), 1.6 + nrows * (0.8 + 0.75 * max(len(ys), 2)))
    fig.inclusim_data = {"cells": cells}
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    share = kpi(name).is_share
    scale = 100 if share else 1
    vals = cells["mean"].to_numpy(dtype=float) * scale if len(cells) else np.array([0.0])
    vmin, vmax = (np.nanmin(vals), np.nanmax(vals)) if np.isfinite(vals).any() else (0, 1)
    if vmin == vmax:
        vmin, vmax = vmin - 1, vmax + 1
    cmap = mpl.colormaps["cividis"]
    norm = mpl.colors.Normalize(vmin, vmax)
    image = None
    for ax, pol in zip(axes, policies, strict=False):
        grid = np.full((len(ys), len(xs)), math.nan)
        half = np.full_like(grid, math.nan)
        mine = cells[cells["policy"] == pol]
        for xv, yv, mean, half_width in zip(mine[x_lever], mine[y_lever], mine["mean"], mine["half_width"],
                                            strict=True):
            grid[ys.index(yv), xs.index(xv)] = mean * scale
            half[ys.index(yv), xs.index(xv)] = half_width * scale
        image = ax.imshow(grid, cmap=cmap, norm=norm, origin="lower", aspect="auto")
        for iy in range(len(ys)):
            for ix in range(len(xs)):
                if not math.isfinite(grid[iy, ix]):
                    continue
                dark = norm(grid[iy, ix]) < 0.55
                digits = cell_digits(grid[iy, ix], share)
                spread = (f"\n±{format_value(half[iy, ix], COUNT, digits)}" if math.isfinite(half[iy, ix])
                          else "\n" + tr("no interval"))
                ax.text(ix, iy, f"{format_value(grid[iy, ix], COUNT, digits)}{' %' if share else ''}{spread}",
                        ha="center", va="center", fontsize=8.5, color="white" if dark else "black")
        ax.set_xticks(range(len(xs)), [lever_value(v) for v in xs])
        ax.set_yticks(range(len(ys)), [lever_value(v) for v in ys])
        ax.set_xlabel(lever_label(x_lever))
        ax.set_ylabel(lever_label(y_lever))
        ax.set_title(pol, color=colours[pol])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
    for ax in axes[len(policies):]:
        ax.set_visible(False)
    if image is not None:
        bar = fig.colorbar(image, ax=list(axes[:len(policies)]), shrink=0.9, pad=0.02)
        bar.set_label(kpi_label(name) + (" (%)" if share else ""))
    title = tr("{kpi} by {x} and {y}", kpi=kpi_label(name), x=lever_label(x_lever).lower(),
               y=lever_label(y_lever).lower())
    fig.suptitle(wrap(title, int(fig.get_figwidth() * 9)), fontweight="bold", fontsize=12)
    add_note(fig, tr("Each cell: mean over {n} replications, and ± half the width of its interval: {note}",
                     n=replications(cells), note=interval_note(cells)) + _held(fixed))
    return fig


@styled
def mentor_and_subsidy(runs: pd.DataFrame) -> Figure:
    """Mentor load and subsidy cost by policy, three panels: mentor hours per week in the office
    (support and network, with the subsidised hours marked), mentor hours per user employed, and
    subsidy cost per user employed (mentor subsidy and wage subsidy). Whiskers: 90 % interval of
    each bar's total.

    ``fig.inclusim_data``: ``per_run`` (:func:`mentor_subsidy_table`) and ``summary``
    (``stats.summarise`` of its columns by policy).
    """
    per_run = mentor_subsidy_table(runs)
    cols = [c for c in per_run.columns if c not in ("run_id", "policy", "seed")]
    summary = summarise(per_run, cols, by="policy")
    policies = policies_in(per_run)
    colours = policy_colours(policies)
    fig = new_figure(12.5, 5.6)
    fig.inclusim_data = {"per_run": per_run, "summary": summary}
    axes = fig.subplots(1, 3)
    x = np.arange(len(policies))

    def col(name: str, what: str = "mean") -> np.ndarray:
        return summary[summary["kpi"] == name].set_index("policy").reindex(policies)[what].to_numpy(dtype=float)

    def stacked(ax, parts, total, scale=1.0):
        bottom = np.zeros(len(policies))
        for name, style in parts:
            h = np.nan_to_num(col(name)) * scale
            ax.bar(x, h, bottom=bottom, width=0.62, color=[colours[p] for p in policies],
                   edgecolor="white", lw=0.6, **style)
            bottom += h
        m, lo, hi = col(total) * scale, col(total, "low") * scale, col(total, "high") * scale
        ax.errorbar(x, m, yerr=yerr(m, lo, hi), fmt="none", ecolor="black", elinewidth=1.5, capsize=4,
                    label="_interval")
        ax.set_xticks(x, policies)
        colour_policy_ticks(ax, colours)
        ax.margins(y=0.12)

    solid, light = {"alpha": 1.0}, {"alpha": 0.45, "hatch": "///"}
    ax = axes[0]
    stacked(ax, [("mentor_hours_support_per_week", solid), ("mentor_hours_network_per_week", light)],
            "mentor_hours_per_week")
    subsidised = "mentor_hours_subsidised_per_week"
    ms, lo, hi = col(subsidised), col(subsidised, "low"), col(subsidised, "high")
    ax.errorbar(x + 0.42, ms, yerr=yerr(ms, lo, hi), fmt="D", ms=6, color="#333333", mfc="white", mew=1.5,
                capsize=3, label="_subsidised")
    ax.set_ylabel(tr("Mentor hours per week, whole office"))
    ax.set_title(tr("Mentor hours per week"))
    ax = axes[1]
    stacked(ax, [("mentor_hours_support_per_employment", solid), ("mentor_hours_network_per_employment", light)],
            "mentor_hours_per_employment")
    ax.set_ylabel(tr("Mentor hours per user employed"))
    ax.set_title(tr("Mentor hours per user employed"))
    ax = axes[2]
    total = "subsidy_cost_per_employment"
    stacked(ax, [("mentor_subsidy_per_employment", solid), ("wage_subsidy_per_employment", light)], total, scale=1e-3)
    _annotate_totals(ax, x, col(total) * 1e-3, col(total, "high") * 1e-3,
                     lambda thousands: format_value(thousands * 1e3, NOK, compact=True))
    thousands_axis(ax)
    ax.set_ylabel(tr("Subsidy cost per user employed (NOK thousand)"))
    ax.set_title(tr("Subsidy cost per user employed"))
    handles = [Patch(facecolor="#777777", label=tr("Mentor support (panels 1-2) / mentor subsidy (panel 3)")),
               Patch(facecolor="#777777", alpha=0.45, hatch="///",
                     label=tr("Mentor network (panels 1-2) / wage subsidy (panel 3)")),
               Line2D([], [], marker="D", mfc="white", mec="#333333", color="#333333", ls="none",
                      label=tr("Mentor hours paid by the mentor subsidy"))]
    figure_legend(fig, handles, "outside upper center", 3)
    add_note(fig, tr("Bars: mean over replications, stacked; whiskers, on the total (and on the subsidised hours): "
                     "{note}", note=interval_note(summary)))
    return fig
