"""Charts of where users end up: outcomes by policy (1), employment week by week (2), time to a
first job (3), where users are on the pathway (6) and the outcomes of the users outside the target
group (9)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from analysis.charts.data import (employment_by_week, first_job_curves, occupancy_by_week, policies_in,
                                  replications)
from analysis.charts.style import (LEVEL_PERCENT, STATE_GROUP_COLOURS, add_note, figure_legend, interval_note,
                                   new_figure,
                                   percent_axis, policy_colours, policy_legend, styled, wrap, yerr)
from analysis.formatting import has_interval
from analysis.i18n import tr
from analysis.derived_kpis import headline_outcomes, kpis_present, ordinary_outcomes
from analysis.labels import DEFAULT_BASELINE, kpi_short, state_group_name
from analysis.stats import paired_differences, summarise
from domain.states import STATE_GROUPS


def _separate_kpis(ax, x) -> None:
    for xi in x[:-1]:
        ax.axvline(xi + 0.5, color="#EEEEEE", lw=1, zorder=0)


@styled
def policy_comparison(runs: pd.DataFrame, kpis: list[str] | None = None, baseline: str = DEFAULT_BASELINE,
                      pair_on: str = "seed", within: list[str] | None = None, title: str | None = None,
                      ylabel: str | None = None, note: str = "") -> Figure:
    """Headline outcomes by policy (mean and interval over replications); beside it, each policy's
    difference from ``baseline`` in percentage points, paired by seed. Without the baseline in the
    table only the first panel is drawn. ``title`` and ``ylabel`` of the first panel (default:
    outcomes by policy, share of users), ``note``: a sentence added to the note below (in the
    current language, like every text given); the ticks are the KPIs' short names (``labels.kpi_short``).

    ``fig.inclusim_data``: ``summary`` (``stats.summarise``) and ``differences``
    (``stats.paired_differences``), in 0-1 shares as the runs table has them.
    """
    kpis = kpis_present(runs, kpis if kpis is not None else headline_outcomes(runs))
    policies = policies_in(runs)
    summary = summarise(runs, kpis, by="policy")
    diffs = (paired_differences(runs, kpis, baseline=baseline, pair_on=pair_on, within=within)
             if baseline in policies and len(policies) > 1 else pd.DataFrame())
    two = not diffs.empty
    colours = policy_colours(policies)
    fig = new_figure(13 if two else 8, 5.2)
    fig.inclusim_data = {"summary": summary, "differences": diffs}
    axes = fig.subplots(1, 2) if two else [fig.subplots()]
    ax = axes[0]
    x = np.arange(len(kpis))
    ticks = [wrap(kpi_short(k), 11) for k in kpis]
    width = 0.8 / max(len(policies), 1)
    for i, pol in enumerate(policies):
        s = summary[summary["policy"] == pol].set_index("kpi").reindex(kpis)
        off = (i - (len(policies) - 1) / 2) * width
        ax.errorbar(x + off, s["mean"], yerr=yerr(s["mean"], s["low"], s["high"]), fmt="o", ms=6,
                    color=colours[pol], ecolor=colours[pol], elinewidth=2, capsize=3, label=pol)
    ax.set_xticks(x, ticks)
    ax.set_ylim(bottom=0)
    percent_axis(ax)
    ax.set_ylabel(ylabel or tr("Share of users (%)"))
    ax.set_title(title or tr("Outcomes by policy"))
    _separate_kpis(ax, x)
    if two:
        ax2 = axes[1]
        others = [p for p in policies if p != baseline]
        width2 = 0.8 / max(len(others), 1)
        for i, pol in enumerate(others):
            d = diffs[diffs["policy"] == pol].set_index("kpi").reindex(kpis)
            off = (i - (len(others) - 1) / 2) * width2
            ax2.errorbar(x + off, 100 * d["difference"],
                         yerr=100 * yerr(d["difference"], d["low"], d["high"]), fmt="D", ms=5,
                         color=colours[pol], elinewidth=2, capsize=3, label=pol)
        ax2.axhline(0, color=colours[baseline], lw=1.5, ls="--")
        ax2.text(0.995, 0, f"{baseline} ", transform=ax2.get_yaxis_transform(), ha="right", va="bottom",
                 fontsize=8, color=colours[baseline])
        ax2.set_xticks(x, ticks)
        ax2.set_ylabel(tr("Difference from {baseline} (percentage points)", baseline=baseline))
        ax2.set_title(tr("Difference from {baseline}, paired by seed", baseline=baseline))
        _separate_kpis(ax2, x)
    policy_legend(fig, policies)
    n = replications(summary)
    add_note(fig, tr("Whiskers: {note} Up to {n} replications per policy.", note=interval_note(summary, diffs), n=n)
             + (" " + tr("Differences: policy minus {baseline}, same seed.", baseline=baseline) if two else "")
             + (" " + note if note else ""))
    return fig


@styled
def ordinary_users(runs: pd.DataFrame, baseline: str = DEFAULT_BASELINE, within: list[str] | None = None) -> Figure:
    """Chart 9: the outcomes of the users outside the target group by policy (a job by weeks 26, 52
    and 104 and by the end, left NAV follow-up without one: ``kpis.ordinary_outcomes``), and each
    policy's difference from ``baseline``, paired by seed; :func:`policy_comparison` with their KPIs.

    ``fig.inclusim_data``: as :func:`policy_comparison`'s.
    """
    return policy_comparison(runs, ordinary_outcomes(runs), baseline=baseline, within=within,
                             title=tr("Users outside the target group, by policy"),
                             ylabel=tr("Share of the users on the caseloads at the start (%)"),
                             note=tr("Users outside the target group: the users on the ordinary caseloads who are "
                                     "not in it; shares of those on the caseloads at the start of the run."))


def _band_by_week(per_run: pd.DataFrame, value: str, week: str, legend_loc: str,
                  survival: bool = False) -> tuple[Figure, object]:
    """A figure with one line per policy, the mean over runs of ``value`` by ``week``, in a band (the
    interval); ``survival``: drawn as steps from 1 at week 0. ``fig.inclusim_data``: ``per_run`` and
    ``band`` (``stats.summarise`` by policy and week)."""
    band = summarise(per_run, [value], by=["policy", week])
    fig = new_figure(9, 5.2)
    fig.inclusim_data = {"per_run": per_run, "band": band}
    ax = fig.subplots()
    colours = policy_colours(policies_in(band))
    for pol, colour in colours.items():
        b = band[band["policy"] == pol].sort_values(week)
        x, mean, low, high = (b[c].to_numpy(dtype=float) for c in (week, "mean", "low", "high"))
        banded = has_interval(low, high)
        if survival:
            x, mean, low, high = np.r_[0, x], np.r_[1, mean], np.r_[1, low], np.r_[1, high]
        if banded:
            ax.fill_between(x, low, high, step="post" if survival else None, color=colour, alpha=0.25, lw=0,
                            label=f"_{pol} band")
        ax.plot(x, mean, drawstyle="steps-post" if survival else "default", color=colour, lw=2, label=pol)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 4, 5, 10]))
    percent_axis(ax)
    if colours:
        ax.legend(loc=legend_loc, title=tr("Policy"))
    return fig, ax


@styled
def employment_over_time(weekly: pd.DataFrame, runs: pd.DataFrame) -> Figure:
    """Share of users in a job week by week, one line per policy with its 90 % band over runs.

    ``fig.inclusim_data``: ``per_run`` (:func:`employment_by_week`) and ``band``
    (``stats.summarise`` by policy and week).
    """
    fig, ax = _band_by_week(employment_by_week(weekly, runs), "employed_share", "week", "upper left")
    band = fig.inclusim_data["band"]
    ax.set_xlabel(tr("Week of the simulation"))
    ax.set_ylabel(tr("Users in a job (% of users on the caseload so far)"))
    ax.set_title(tr("Share of users in a job, week by week"))
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=band["week"].min() if len(band) else 0, right=band["week"].max() if len(band) else 1)
    add_note(fig, tr("Line: mean over {n} replications; band: {note} In a job = hired, with or without follow-up "
                     "after hire.", n=replications(band), note=interval_note(band)))
    return fig


@styled
def time_to_first_job(candidates: pd.DataFrame, runs: pd.DataFrame) -> Figure:
    """Kaplan-Meier curves of the time from entry to a first job, one per policy.

    A curve per run, then the mean over runs with a pointwise 90 % band. ``fig.inclusim_data``:
    ``per_run`` (:func:`first_job_curves`) and ``band`` (``stats.summarise`` by policy and week).
    """
    fig, ax = _band_by_week(first_job_curves(candidates, runs), "without_job", "weeks", "lower left", survival=True)
    ax.axhline(0.5, color="#777777", lw=1, ls=":")
    ax.text(0.995, 0.5, tr("half hired") + " ", transform=ax.get_yaxis_transform(), ha="right", va="bottom",
            fontsize=8, color="#555555")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.set_xlabel(tr("Weeks since the user came onto the caseload"))
    ax.set_ylabel(tr("Users still without a first job (%)"))
    ax.set_title(tr("Time to first job (Kaplan-Meier)"))
    band = fig.inclusim_data["band"]
    add_note(fig, tr("Line: mean of the {n} per-run Kaplan-Meier curves; band, week by week: {note} Users never "
                     "hired are censored at the end of the run.", n=replications(band), note=interval_note(band)))
    return fig


@styled
def pathway_occupancy(weekly: pd.DataFrame, runs: pd.DataFrame, band_every: int | None = None) -> Figure:
    """Where users are on the pathway, week by week: stacked areas of the mean number of users in each
    group of states, one panel per policy. The dark strip along each boundary is the 90 % band of
    the number of users at or below it.

    ``band_every``: compute the bands every so many weeks (default: 40 points or fewer over the run).
    ``fig.inclusim_data``: ``mean`` (mean users per group, policy and week) and ``band``
    (``stats.summarise`` of the cumulative counts, by policy and week).
    """
    occ = occupancy_by_week(weekly, runs)
    groups = [key for key, _states in STATE_GROUPS]
    mean = occ.groupby(["policy", "week"], sort=True)[groups].mean().reset_index()
    weeks = np.sort(occ["week"].unique())
    step = band_every or max(1, math.ceil(len(weeks) / 40))
    pick = set(weeks[::step]) | ({weeks[-1]} if len(weeks) else set())
    cum = occ[occ["week"].isin(pick)].copy()
    cum_cols = []
    running = np.zeros(len(cum))
    for i, key in enumerate(groups):
        running = running + cum[key].to_numpy()
        cum[f"cum_{i}"] = running
        cum_cols.append(f"cum_{i}")
    band = summarise(cum, cum_cols, by=["policy", "week"])
    policies = policies_in(mean)
    colours = policy_colours(policies)
    ncols = 2 if len(policies) > 1 else 1
    nrows = math.ceil(len(policies) / ncols) or 1
    fig = new_figure(12, 3.3 * nrows + 1.6)
    fig.inclusim_data = {"mean": mean, "band": band}
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)).ravel()
    for ax, pol in zip(axes, policies, strict=False):
        m = mean[mean["policy"] == pol].sort_values("week")
        ax.stackplot(m["week"], [m[key] for key in groups], colors=[STATE_GROUP_COLOURS[key] for key in groups],
                     labels=[state_group_name(key) for key in groups], lw=0)
        b = band[band["policy"] == pol]
        for cc in cum_cols[:-1]:
            bb = b[b["kpi"] == cc].sort_values("week")
            if has_interval(bb["low"], bb["high"]):
                ax.fill_between(bb["week"], bb["low"], bb["high"], color="black", alpha=0.35, lw=0,
                                label="_band")
        ax.set_title(pol, color=colours[pol])
        ax.grid(False)
        ax.margins(x=0)
        ax.set_ylim(bottom=0)
    for ax in axes[len(policies):]:
        ax.set_visible(False)
    for ax in axes[-ncols:]:
        ax.set_xlabel(tr("Week of the simulation"))
    for ax in axes[::ncols]:
        ax.set_ylabel(tr("Users (mean number)"))
    handles = [Patch(facecolor=STATE_GROUP_COLOURS[key], label=state_group_name(key)) for key in reversed(groups)]
    handles.append(Patch(facecolor="black", alpha=0.35, label=tr("{level} % band of each boundary", level=LEVEL_PERCENT)))
    figure_legend(fig, handles, "outside right center", 1, fontsize=8)
    fig.suptitle(tr("Where users are on the pathway, week by week"), fontweight="bold", fontsize=12)
    add_note(fig, tr("Areas: mean number of users in each part of the pathway over {n} replications, stacked. Dark "
                     "strips: the number of users below each boundary, {note}", n=replications(band),
                     note=interval_note(band)))
    return fig
