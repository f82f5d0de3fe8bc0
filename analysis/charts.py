"""Charts of a sweep, ready to paste into a report.

One function per chart; each takes the tidy tables a sweep writes (``runs``, ``weekly``,
``candidates``), returns a :class:`matplotlib.figure.Figure` drawn with the Agg canvas and never
touches pyplot's global state. Every number drawn comes with its 90 % interval over replications
(``analysis.stats``): error bars on bars and points, shaded bands around lines. The frames a chart
was drawn from are kept on the figure as ``fig.inclusim_data`` (a dict of DataFrames), so a
report can print the same numbers and a test can check them.

A policy has the same colour in every chart (:data:`POLICY_COLOURS`, Okabe-Ito, safe for the
common kinds of colour blindness). Save a figure as PNG and SVG with :func:`save_figure`.

The charts:

1. :func:`policy_comparison`  headline outcomes by policy, and paired differences from a baseline
2. :func:`employment_over_time`  share of users in a job, week by week
3. :func:`time_to_first_job`  Kaplan-Meier curves of the time from entry to a first job
4. :func:`adviser_hours`  adviser hours by activity (per user, per job) and by role (per adviser-week)
5. :func:`caseload_tradeoff`  an outcome and the advisers' load against a swept lever
6. :func:`pathway_occupancy`  how many users are in each part of the pathway, week by week
7. :func:`lever_heatmap`  any KPI over two swept levers
8. :func:`mentor_and_subsidy`  mentor hours and subsidy cost per job
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.stats import LEVEL, order_policies, paired_differences, summarise

# --- colours, names and labels ------------------------------------------------------------------

#: Okabe-Ito colours, one per policy, the same in every chart.
POLICY_COLOURS = {
    "saksbehandler": "#0072B2",   # blue
    "hybrid": "#E69F00",          # orange
    "jobbspesialist": "#009E73",  # bluish green
    "brobygger": "#CC79A7",       # reddish purple
}
#: Okabe-Ito colours left for policies not in the table above, handed out in name order.
_SPARE_COLOURS = ("#56B4E9", "#D55E00", "#000000", "#F0E442")

#: Adviser roles, as the ledger names them.
ROLES = ("saksbehandler", "hybrid", "jobbspesialist")

#: Adviser activities, as the ledger names them, with plain names and colours (Paul Tol's muted
#: scheme, safe for colour blindness, chosen apart from the policy colours).
ACTIVITIES = ("admin", "candidate_meetings", "employer_contact", "mentor_followup", "network", "travel")
ACTIVITY_LABELS = {
    "admin": "Administration",
    "candidate_meetings": "Meetings with the user",
    "employer_contact": "Employer contact",
    "mentor_followup": "Following up mentor and workplace",
    "network": "Mentor network",
    "travel": "Travel",
}
ACTIVITY_COLOURS = {
    "admin": "#BBBBBB",
    "candidate_meetings": "#88CCEE",
    "employer_contact": "#DDCC77",
    "mentor_followup": "#44AA99",
    "network": "#882255",
    "travel": "#332288",
}

#: Pathway states grouped for the occupancy chart: (plain name, states, colour), bottom to top.
STATE_GROUPS = (
    ("In a job", ("employed", "post_followup", "retained"), "#117733"),
    ("Apprenticeship or education", ("apprentice", "education"), "#44AA99"),
    ("Work training", ("training", "evaluation"), "#88CCEE"),
    ("Close follow-up before work training", ("screen", "mapping", "search", "interview", "startup"),
     "#332288"),
    ("Waiting for a job specialist", ("transfer_js",), "#AA4499"),
    ("Ordinary follow-up", ("pool",), "#DDDDDD"),
    ("Setback: dropped out, placement ended, job lost", ("dropout", "not_successful", "job_lost"), "#CC6677"),
    ("Permanent wage subsidy (lock-in)", ("lockin",), "#882255"),
    ("Left NAV follow-up", ("exited",), "#999933"),
)
STATES = tuple(s for _, states, _ in STATE_GROUPS for s in states)
EMPLOYED_STATES = ("employed", "post_followup", "retained")

#: Plain names of the KPIs the charts and the report use.
KPI_LABELS = {
    "ever_employed_share": "Ever employed",
    "employed_share_w26": "Employed at week 26",
    "employed_share_w52": "Employed at week 52",
    "employed_share_w104": "Employed at week 104",
    "employed_share_w156": "Employed at week 156",
    "dropout_share": "Dropped out of work training",
    "not_successful_share": "Placement ended by the firm",
    "apprentice_share": "Apprenticeship",
    "education_share": "Education",
    "apprentice_education_share": "Apprenticeship or education",
    "lockin_share": "Permanent wage subsidy",
    "retention_26": "First job held 26 weeks",
    "retention_52": "First job held 52 weeks",
    "median_weeks_to_first_job": "Median weeks to first job",
    "median_weeks_to_first_job_if_employed": "Median weeks to first job, among those employed",
    "hours_per_candidate": "Adviser hours per user",
    "hours_per_employment": "Adviser hours per user employed",
    "adviser_weeks_over_budget_share": "Adviser-weeks over the weekly hours",
    "caseholder_pressure": "Case-holding advisers' workload (demand / hours)",
    "mentor_hours_per_employment": "Mentor hours per user employed",
    "subsidy_cost_per_employment": "Subsidy cost per user employed (NOK)",
    "ever_employed_share_small": "Ever employed, small needs",
    "ever_employed_share_medium": "Ever employed, medium needs",
    "ever_employed_share_large": "Ever employed, large needs",
}
for _role in ROLES:
    KPI_LABELS[f"adviser_pressure_{_role}"] = f"Workload of {_role} advisers (demand / hours)"
    KPI_LABELS[f"adviser_weeks_over_budget_share_{_role}"] = f"{_role} adviser-weeks over the weekly hours"

#: Plain names of the levers a sweep usually varies.
LEVER_LABELS = {
    "cfg.office.caseload_ordinary": "Users per ordinary adviser (caseload)",
    "cfg.policy.hybrid_slots": "Close-follow-up places per hybrid adviser",
    "cfg.office.n_advisers": "Number of advisers",
    "cfg.office.n_job_specialists": "Number of job specialists",
    "cfg.office.js_caseload_cap": "Cases per job specialist",
    "cfg.horizon_weeks": "Weeks simulated",
}

#: Short lever names for table headers.
LEVER_SHORT = {
    "cfg.office.caseload_ordinary": "Caseload",
    "cfg.policy.hybrid_slots": "Hybrid slots",
    "cfg.office.n_advisers": "Advisers",
    "cfg.office.n_job_specialists": "Job specialists",
}

#: Share KPIs whose absence is expected when the horizon is short (employed at week N > horizon).
CHECKPOINT_WEEKS = (26, 52, 104, 156)

STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "svg.fonttype": "none",
    "figure.dpi": 100,
}


def policy_colour(policy: str) -> str:
    """The colour of a policy, the same in every chart; unknown policies get spare Okabe-Ito colours."""
    policy = str(policy)
    if policy in POLICY_COLOURS:
        return POLICY_COLOURS[policy]
    h = sum(ord(ch) * (i + 1) for i, ch in enumerate(policy))
    return _SPARE_COLOURS[h % len(_SPARE_COLOURS)]


def kpi_label(kpi: str) -> str:
    """A KPI's plain name (the column name with spaces when the table has none)."""
    return KPI_LABELS.get(kpi, kpi.replace("_", " ").capitalize())


def lever_label(lever: str) -> str:
    """A lever's plain name, e.g. 'Users per ordinary adviser (caseload)'."""
    return LEVER_LABELS.get(lever, lever.removeprefix("cfg.").replace("_", " ").replace(".", ": "))


def lever_short(lever: str) -> str:
    """A lever's name short enough for a table header, e.g. 'Caseload'."""
    return LEVER_SHORT.get(lever, lever.rsplit(".", 1)[-1].replace("_", " ").capitalize())


def is_share(kpi: str) -> bool:
    """True for KPIs stored as a 0-1 share (drawn and printed as per cent)."""
    return ("share" in kpi or kpi.startswith("retention")) and "pressure" not in kpi


def headline_outcomes(runs: pd.DataFrame) -> list[str]:
    """The headline outcomes present in ``runs``: employed at week 52 and at the last checkpoint
    the horizon reaches (156 in the main job), ever employed, dropout, apprenticeship, education."""
    last = last_checkpoint_kpi(runs)
    kpis = ["employed_share_w52"] + ([last] if last and last != "employed_share_w52" else [])
    kpis += ["ever_employed_share", "dropout_share", "apprentice_share", "education_share"]
    return [k for k in kpis if k in runs and runs[k].notna().any()]


def last_checkpoint_kpi(runs: pd.DataFrame) -> str | None:
    """``employed_share_wN`` for the largest N with data (156 when the horizon is three years)."""
    for w in sorted(CHECKPOINT_WEEKS, reverse=True):
        col = f"employed_share_w{w}"
        if col in runs and runs[col].notna().any():
            return col
    return None


# --- plumbing ------------------------------------------------------------------------------------

def _styled(func):
    """Draw under the module's style without changing matplotlib's global settings."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(STYLE):
            return func(*args, **kwargs)
    return wrapper


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    fig.inclusim_data = {}
    return fig


def save_figure(fig: Figure, path: str | Path, dpi: int = 150) -> tuple[Path, Path]:
    """Write ``fig`` as ``<path>.png`` and ``<path>.svg`` (any suffix on ``path`` is replaced)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.with_suffix("") if path.suffix.lower() in (".png", ".svg") else path
    png, svg = stem.with_name(stem.name + ".png"), stem.with_name(stem.name + ".svg")
    fig.savefig(png, dpi=dpi, facecolor="white")
    # the layout found for the PNG holds for the SVG too: keep it rather than solve it again
    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")
    try:
        fig.savefig(svg, facecolor="white")
    finally:
        fig.set_layout_engine(engine)
    return png, svg


def _percent_axis(ax, axis: str = "y", digits: int = 0) -> None:
    fmt = FuncFormatter(lambda v, _pos: f"{100 * v:.{digits}f} %")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _thousands_axis(ax, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}".replace(",", " "))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _yerr(mean, low, high) -> np.ndarray:
    """Error-bar lengths below and above each mean (never negative, zero where unknown)."""
    m, lo, hi = (np.asarray(v, dtype=float) for v in (mean, low, high))
    below = np.where(np.isfinite(lo), np.clip(m - lo, 0, None), 0.0)
    above = np.where(np.isfinite(hi), np.clip(hi - m, 0, None), 0.0)
    return np.vstack([below, above])


def _policies(frame: pd.DataFrame) -> list[str]:
    return order_policies(frame["policy"].dropna().unique()) if len(frame) else []


def _with_policy(table: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """``table`` (keyed by run_id) joined to each run's policy and seed; runs not in ``runs`` dropped."""
    keep = runs[["run_id", "policy", "seed"]].copy()
    keep["policy"] = keep["policy"].astype(str)
    return table.merge(keep, on="run_id", how="inner")


def _policy_legend(fig: Figure, policies: list[str], extra=None, loc: str = "outside upper center",
                   ncols: int | None = None) -> None:
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], color=policy_colour(p), marker="o", lw=2.5, label=p) for p in policies]
    handles += list(extra or [])
    fig.legend(handles=handles, loc=loc, ncols=ncols or len(handles), title=None)


def _colour_policy_ticks(ax, axis: str = "x") -> None:
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    for lab in labels:
        lab.set_color(policy_colour(lab.get_text()))


def _note(fig: Figure, text: str) -> None:
    """A one-line caption under the chart saying what the shading or whiskers are; the chart's
    layout keeps a strip free for it at the bottom."""
    import textwrap
    height, width = fig.get_figheight(), fig.get_figwidth()
    lines = textwrap.wrap(text, max(int(width / 0.062), 40))
    strip = (0.1 + 0.15 * len(lines)) / height
    fig.text(0.005, 0.05 / height, "\n".join(lines), ha="left", va="bottom", fontsize=8, color="#555555",
             linespacing=1.3)
    fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))


INTERVAL_NOTE = f"Whiskers and bands: {int(LEVEL * 100)} % bootstrap interval of the mean over replications."


# --- 1. policy comparison ------------------------------------------------------------------------

@_styled
def policy_comparison(runs: pd.DataFrame, kpis: list[str] | None = None, baseline: str = "saksbehandler",
                      pair_on: str = "seed", within: list[str] | None = None) -> Figure:
    """Headline outcomes by policy (mean and interval over replications); beside it, each policy's
    difference from ``baseline`` in percentage points, paired by seed. Without the baseline in the
    table only the first panel is drawn.

    ``fig.inclusim_data``: ``summary`` (``stats.summarise``) and ``differences``
    (``stats.paired_differences``), in 0-1 shares as the runs table has them.
    """
    kpis = list(kpis) if kpis is not None else headline_outcomes(runs)
    kpis = [k for k in kpis if k in runs and runs[k].notna().any()]
    policies = _policies(runs)
    summary = summarise(runs, kpis, by="policy")
    diffs = (paired_differences(runs, kpis, baseline=baseline, pair_on=pair_on, within=within)
             if baseline in policies and len(policies) > 1 else pd.DataFrame())
    two = not diffs.empty
    fig = _figure(13 if two else 8, 5.2)
    fig.inclusim_data = {"summary": summary, "differences": diffs}
    axes = fig.subplots(1, 2) if two else [fig.subplots()]
    ax = axes[0]
    x = np.arange(len(kpis))
    width = 0.8 / max(len(policies), 1)
    for i, pol in enumerate(policies):
        s = summary[summary["policy"] == pol].set_index("kpi").reindex(kpis)
        off = (i - (len(policies) - 1) / 2) * width
        ax.errorbar(x + off, s["mean"], yerr=_yerr(s["mean"], s["low"], s["high"]), fmt="o", ms=6,
                    color=policy_colour(pol), ecolor=policy_colour(pol), elinewidth=2, capsize=3, label=pol)
    ax.set_xticks(x, [_wrap(kpi_label(k), 11) for k in kpis])
    ax.set_ylim(bottom=0)
    _percent_axis(ax)
    ax.set_ylabel("Share of users (%)")
    ax.set_title("Outcomes by policy")
    for xi in x[:-1]:
        ax.axvline(xi + 0.5, color="#EEEEEE", lw=1, zorder=0)
    if two:
        ax2 = axes[1]
        others = [p for p in policies if p != baseline]
        width2 = 0.8 / max(len(others), 1)
        for i, pol in enumerate(others):
            d = diffs[diffs["policy"] == pol].set_index("kpi").reindex(kpis)
            off = (i - (len(others) - 1) / 2) * width2
            ax2.errorbar(x + off, 100 * d["difference"],
                         yerr=100 * _yerr(d["difference"], d["low"], d["high"]), fmt="D", ms=5,
                         color=policy_colour(pol), elinewidth=2, capsize=3, label=pol)
        ax2.axhline(0, color=policy_colour(baseline), lw=1.5, ls="--")
        ax2.text(0.995, 0, f"{baseline} ", transform=ax2.get_yaxis_transform(), ha="right", va="bottom",
                 fontsize=8, color=policy_colour(baseline))
        ax2.set_xticks(x, [_wrap(kpi_label(k), 11) for k in kpis])
        ax2.set_ylabel(f"Difference from {baseline} (percentage points)")
        ax2.set_title(f"Difference from {baseline}, paired by seed")
        for xi in x[:-1]:
            ax2.axvline(xi + 0.5, color="#EEEEEE", lw=1, zorder=0)
    _policy_legend(fig, policies)
    n = int(summary["n"].max()) if len(summary) else 0
    _note(fig, f"{INTERVAL_NOTE} Up to {n} replications per policy."
          + (f" Differences: policy minus {baseline}, same seed." if two else ""))
    return fig


def _digits(value: float, share: bool) -> int:
    """Decimals to print: one for percentages, otherwise enough to show two significant figures."""
    if share:
        return 1
    v = abs(value)
    return 2 if v < 10 else 1 if v < 100 else 0


def _wrap(text: str, width: int) -> str:
    import textwrap
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


# --- 2. employment over time ---------------------------------------------------------------------

def employment_by_week(weekly: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Per run and week: the share of users present who are in a job.

    In a job = employed, in post-hire follow-up, or retained; present = every user counted in any
    state that week (the ``n_<state>`` columns summed). Columns: run_id, policy, seed, week,
    employed_share.
    """
    states = [c for c in weekly.columns if c.startswith("n_") and c.removeprefix("n_") in STATES]
    present = weekly[states].sum(axis=1).astype(float)
    employed = weekly[[f"n_{s}" for s in EMPLOYED_STATES if f"n_{s}" in weekly]].sum(axis=1)
    out = pd.DataFrame({"run_id": weekly["run_id"], "week": weekly["week"],
                        "employed_share": (employed / present.where(present > 0)).to_numpy()})
    return _with_policy(out, runs)


@_styled
def employment_over_time(weekly: pd.DataFrame, runs: pd.DataFrame) -> Figure:
    """Share of users in a job week by week, one line per policy with its 90 % band over runs.

    ``fig.inclusim_data``: ``per_run`` (:func:`employment_by_week`) and ``band``
    (``stats.summarise`` by policy and week).
    """
    per_run = employment_by_week(weekly, runs)
    band = summarise(per_run, ["employed_share"], by=["policy", "week"])
    fig = _figure(9, 5.2)
    fig.inclusim_data = {"per_run": per_run, "band": band}
    ax = fig.subplots()
    policies = _policies(band)
    for pol in policies:
        b = band[band["policy"] == pol].sort_values("week")
        ax.fill_between(b["week"], b["low"], b["high"], color=policy_colour(pol), alpha=0.25, lw=0,
                        label=f"_{pol} band")
        ax.plot(b["week"], b["mean"], color=policy_colour(pol), lw=2, label=pol)
    ax.set_xlabel("Week of the simulation")
    ax.set_ylabel("Users in a job (% of users on the caseload so far)")
    ax.set_title("Share of users in a job, week by week")
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=band["week"].min() if len(band) else 0, right=band["week"].max() if len(band) else 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 4, 5, 10]))
    _percent_axis(ax)
    ax.legend(loc="upper left", title="Policy")
    n = int(band["n"].max()) if len(band) else 0
    _note(fig, f"Line: mean over {n} replications; band: {int(LEVEL * 100)} % bootstrap interval. "
          "In a job = hired, with or without follow-up after hire.")
    return fig


# --- 3. time to first job ------------------------------------------------------------------------

def km_curve(durations, observed, grid) -> np.ndarray:
    """Kaplan-Meier estimate of P(T > t) at each t of ``grid`` (integer weeks).

    Beyond the last observed duration the curve stays at its last value.
    """
    d = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    grid = np.asarray(grid, dtype=float)
    if len(d) == 0:
        return np.full(len(grid), math.nan)
    times = np.unique(d[e])
    surv = np.ones(len(times))
    s = 1.0
    for i, t in enumerate(times):
        at_risk = np.count_nonzero(d >= t)
        events = np.count_nonzero((d == t) & e)
        if at_risk:
            s *= 1.0 - events / at_risk
        surv[i] = s
    idx = np.searchsorted(times, grid, side="right") - 1
    return np.where(idx >= 0, surv[np.clip(idx, 0, None)], 1.0)


def first_job_curves(candidates: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Per run, the Kaplan-Meier share still without a first job, week 0 to the horizon.

    Duration = first_job_week - entry_week; users never hired are censored at horizon - entry_week.
    Columns: run_id, policy, seed, weeks, without_job.
    """
    horizon = runs.set_index("run_id")["cfg.horizon_weeks"] if "cfg.horizon_weeks" in runs else None
    rows = []
    cands = candidates[candidates["run_id"].isin(runs["run_id"])]
    for run_id, grp in cands.groupby("run_id", sort=True):
        first = pd.Series(pd.array(grp["first_job_week"], dtype="Float64"))
        hired = first.notna().to_numpy(dtype=bool)
        entry = grp["entry_week"].to_numpy(dtype=float)
        if horizon is not None:
            h = float(horizon.loc[run_id])
        else:   # no horizon recorded: the last week anything happened stands in for it
            h = float(np.nanmax([entry.max(), first.max() if hired.any() else 0.0]))
        dur = np.where(hired, first.fillna(0).to_numpy(dtype=float), h) - entry
        grid = np.arange(0, int(h) + 1)
        rows.append(pd.DataFrame({"run_id": run_id, "weeks": grid, "without_job": km_curve(dur, hired, grid)}))
    out = (pd.concat(rows, ignore_index=True) if rows
           else pd.DataFrame({"run_id": pd.Series(dtype=str), "weeks": [], "without_job": []}))
    return _with_policy(out, runs)


@_styled
def time_to_first_job(candidates: pd.DataFrame, runs: pd.DataFrame) -> Figure:
    """Kaplan-Meier curves of the time from entry to a first job, one per policy.

    A curve per run, then the mean over runs with a pointwise 90 % band. ``fig.inclusim_data``:
    ``per_run`` (:func:`first_job_curves`) and ``band`` (``stats.summarise`` by policy and week).
    """
    per_run = first_job_curves(candidates, runs)
    band = summarise(per_run, ["without_job"], by=["policy", "weeks"])
    fig = _figure(9, 5.2)
    fig.inclusim_data = {"per_run": per_run, "band": band}
    ax = fig.subplots()
    for pol in _policies(band):
        b = band[band["policy"] == pol].sort_values("weeks")
        x = np.r_[0, b["weeks"].to_numpy()]
        ax.fill_between(x, np.r_[1, b["low"]], np.r_[1, b["high"]], step="post", color=policy_colour(pol),
                        alpha=0.25, lw=0, label=f"_{pol} band")
        ax.step(x, np.r_[1, b["mean"]], where="post", color=policy_colour(pol), lw=2, label=pol)
    ax.axhline(0.5, color="#777777", lw=1, ls=":")
    ax.text(0.995, 0.5, "half hired ", transform=ax.get_yaxis_transform(), ha="right", va="bottom",
            fontsize=8, color="#555555")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 4, 5, 10]))
    _percent_axis(ax)
    ax.set_xlabel("Weeks since the user came onto the caseload")
    ax.set_ylabel("Users still without a first job (%)")
    ax.set_title("Time to first job (Kaplan-Meier)")
    ax.legend(loc="lower left", title="Policy")
    n = int(band["n"].max()) if len(band) else 0
    _note(fig, f"Line: mean of the {n} per-run Kaplan-Meier curves; band: pointwise {int(LEVEL * 100)} % "
          "bootstrap interval. Users never hired are censored at the end of the run.")
    return fig


# --- 4. adviser hours ----------------------------------------------------------------------------

def hours_by_role(weekly: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Per run and adviser role: hours per adviser per week, by activity, over the whole run.

    hours = sum over weeks of ``hours_<role>_<activity>`` / sum of ``adviser_weeks_<role>``. Roles
    with no adviser-weeks in a run are left out. Columns: run_id, policy, seed, role, one column per
    activity, total.
    """
    rows = []
    sums = weekly.groupby("run_id", sort=True).sum(numeric_only=True)
    for role in ROLES:
        wk = f"adviser_weeks_{role}"
        if wk not in sums:
            continue
        acts = [a for a in ACTIVITIES if f"hours_{role}_{a}" in sums]
        if not acts:
            continue
        weeks = sums[wk].where(sums[wk] > 0)
        part = pd.DataFrame({a: sums[f"hours_{role}_{a}"] / weeks for a in acts})
        part = part[weeks.notna()]
        part["total"] = part[acts].sum(axis=1)
        part["role"] = role
        rows.append(part.reset_index())
    if not rows:
        return _with_policy(pd.DataFrame(columns=["run_id", "role", "total"]), runs)
    return _with_policy(pd.concat(rows, ignore_index=True), runs)


@_styled
def adviser_hours(runs: pd.DataFrame, weekly: pd.DataFrame | None = None) -> Figure:
    """Adviser hours by activity: stacked bars per policy, per user and per user employed; with
    ``weekly``, a third panel of hours per adviser per week by role against the weekly hours.

    The segments are means over runs; the whisker on each bar is the 90 % interval of its total.
    ``fig.inclusim_data``: ``per_candidate``, ``per_employment`` (means by activity and the total's
    interval) and, with ``weekly``, ``by_role`` and ``by_role_per_run``.
    """
    policies = _policies(runs)
    panels = [("hours_per_candidate", "Adviser hours per user", "Hours per user over the run"),
              ("hours_per_employment", "Adviser hours per user employed", "Hours per user ever employed")]
    third = weekly is not None and len(weekly) > 0
    fig = _figure(11.5, 10 if third else 5.6)
    if third:
        mosaic = fig.subplot_mosaic([["a", "b"], ["c", "c"]])
        axes = [mosaic["a"], mosaic["b"], mosaic["c"]]
    else:
        axes = list(fig.subplots(1, 2))
    shown_acts: set[str] = set()
    for ax, (prefix, title, ylabel) in zip(axes, panels, strict=False):
        acts = [a for a in ACTIVITIES if f"{prefix}_{a}" in runs]
        seg = summarise(runs, [f"{prefix}_{a}" for a in acts], by="policy")
        tot = summarise(runs, [prefix], by="policy") if prefix in runs else pd.DataFrame()
        key = "per_candidate" if prefix == "hours_per_candidate" else "per_employment"
        fig.inclusim_data[key] = pd.concat([seg, tot], ignore_index=True)
        x = np.arange(len(policies))
        bottom = np.zeros(len(policies))
        for a in acts:
            s = seg[seg["kpi"] == f"{prefix}_{a}"].set_index("policy").reindex(policies)["mean"].fillna(0)
            if not (s.to_numpy() > 0).any():
                continue
            shown_acts.add(a)
            ax.bar(x, s, bottom=bottom, width=0.65, color=ACTIVITY_COLOURS[a], edgecolor="white", lw=0.5,
                   label=ACTIVITY_LABELS[a])
            bottom += s.to_numpy()
        if len(tot):
            t = tot.set_index("policy").reindex(policies)
            ax.errorbar(x, t["mean"], yerr=_yerr(t["mean"], t["low"], t["high"]), fmt="none", ecolor="black",
                        elinewidth=1.5, capsize=4, label="_interval")
            for xi, m, hi in zip(x, t["mean"], t["high"], strict=True):
                if math.isfinite(m):
                    ax.annotate(f"{m:.0f} h", (xi, hi if math.isfinite(hi) else m), xytext=(0, 4),
                                textcoords="offset points", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(x, policies)
        _colour_policy_ticks(ax)
        ax.set_ylabel(f"{ylabel} (hours)")
        ax.set_title(title)
        ax.margins(y=0.12)
    if third:
        ax = axes[2]
        per_run = hours_by_role(weekly, runs)
        acts = [a for a in ACTIVITIES if a in per_run]
        by_role = summarise(per_run, acts + ["total"], by=["policy", "role"])
        fig.inclusim_data["by_role"] = by_role
        fig.inclusim_data["by_role_per_run"] = per_run
        bars = [(p, r) for p in policies for r in ROLES
                if ((by_role["policy"] == p) & (by_role["role"] == r)).any()]
        pos, x, last = [], 0.0, None
        for p, _r in bars:
            if last is not None and p != last:
                x += 0.6
            pos.append(x)
            x += 1
            last = p
        pos = np.array(pos)

        def val(kpi, col):
            out = []
            for p, r in bars:
                row = by_role[(by_role["policy"] == p) & (by_role["role"] == r) & (by_role["kpi"] == kpi)]
                out.append(float(row[col].iloc[0]) if len(row) else math.nan)
            return np.array(out)

        bottom = np.zeros(len(bars))
        for a in acts:
            h = np.nan_to_num(val(a, "mean"))
            if not (h > 0).any():
                continue
            shown_acts.add(a)
            ax.bar(pos, h, bottom=bottom, width=0.75, color=ACTIVITY_COLOURS[a], edgecolor="white", lw=0.5,
                   label=ACTIVITY_LABELS[a])
            bottom += h
        m, lo, hi = val("total", "mean"), val("total", "low"), val("total", "high")
        ax.errorbar(pos, m, yerr=_yerr(m, lo, hi), fmt="none", ecolor="black", elinewidth=1.5, capsize=4,
                    label="_interval")
        budget = _single_value(runs, "cfg.office.adviser_hours_week")
        if budget is not None:
            ax.axhline(budget, color="#D55E00", lw=1.5, ls="--")
            ax.text(pos[-1] + 0.45 if len(pos) else 0, budget, f"weekly hours {budget:g} h", ha="right",
                    va="bottom", fontsize=8, color="#D55E00")
        ax.set_xticks(pos, [_role_tick(r) for _p, r in bars])
        for lab, (p, _r) in zip(ax.get_xticklabels(), bars, strict=True):
            lab.set_color(policy_colour(p))
            lab.set_fontsize(8.5)
        for xi, mi, hii in zip(pos, m, hi, strict=True):
            if math.isfinite(mi):
                ax.annotate(f"{mi:.0f} h", (xi, hii if math.isfinite(hii) else mi), xytext=(0, 3),
                            textcoords="offset points", ha="center", va="bottom", fontsize=7.5)
        groups: dict[str, list[float]] = {}
        for (p, _r), xi in zip(bars, pos, strict=True):
            groups.setdefault(p, []).append(xi)
        for p, xs in groups.items():
            ax.annotate(p, (float(np.mean(xs)), 0), xycoords=("data", "axes fraction"), xytext=(0, -32),
                        textcoords="offset points", ha="center", va="top", fontsize=9, fontweight="bold",
                        color=policy_colour(p))
        ax.set_ylabel("Hours per adviser per week (booked)")
        ax.set_title("Adviser hours per week, by role")
        ax.margins(y=0.1)
    from matplotlib.patches import Patch
    handles = [Patch(facecolor=ACTIVITY_COLOURS[a], label=ACTIVITY_LABELS[a]) for a in ACTIVITIES if a in shown_acts]
    fig.legend(handles=handles, loc="outside upper center", ncols=len(handles))
    _note(fig, f"Segments: mean hours by activity. Whiskers: {int(LEVEL * 100)} % bootstrap interval of "
          "the total over replications.")
    return fig


def _role_tick(role: str) -> str:
    return {"saksbehandler": "ordinary\nadvisers", "hybrid": "hybrid\nadvisers",
            "jobbspesialist": "job\nspecialists"}.get(role, role)


def _single_value(runs: pd.DataFrame, col: str):
    if col not in runs:
        return None
    vals = runs[col].dropna().unique()
    return float(vals[0]) if len(vals) == 1 else None


# --- 5. caseload trade-off -----------------------------------------------------------------------

def caseholder_pressure(runs: pd.DataFrame) -> pd.Series:
    """Per run, the workload of the advisers who hold the ordinary caseloads: demand / weekly hours,
    averaged over adviser-weeks (``adviser_pressure_<role>``) for whichever of the saksbehandler and
    hybrid roles booked more hours in the run. Above 1 they are over their hours on average."""
    roles = [r for r in ("saksbehandler", "hybrid") if f"adviser_pressure_{r}" in runs]
    if not roles:
        return pd.Series(math.nan, index=runs.index, name="caseholder_pressure")
    hours = pd.DataFrame({r: runs.get(f"adviser_hours_{r}", pd.Series(0.0, index=runs.index)).fillna(0)
                          for r in roles})
    pressure = pd.DataFrame({r: runs[f"adviser_pressure_{r}"] for r in roles})
    pressure_ok = pressure.where(pressure.notna(), -np.inf)
    # the role with more booked hours; if none booked any, the one with a pressure figure
    choice = hours.where(pressure.notna(), -1).idxmax(axis=1)
    out = [pressure.at[i, r] if pressure_ok.at[i, r] > -np.inf else math.nan for i, r in choice.items()]
    return pd.Series(out, index=runs.index, name="caseholder_pressure", dtype=float)


def over_budget_points(table: pd.DataFrame, lever: str, threshold: float = 1.0) -> dict[str, object]:
    """For each policy, the first lever value (in increasing order) whose mean load is above
    ``threshold`` (None when it never is). ``table``: summarise output by policy and lever."""
    out = {}
    for pol, grp in table.groupby("policy", sort=False):
        grp = grp.sort_values(lever)
        above = grp[grp["mean"] > threshold]
        out[str(pol)] = above[lever].iloc[0] if len(above) else None
    return out


@_styled
def caseload_tradeoff(runs: pd.DataFrame, lever: str, outcome: str | None = None,
                      load: str = "caseholder_pressure", fixed: dict | None = None) -> Figure:
    """An outcome (left) and the advisers' load (right) against a swept lever, one line per policy
    with its 90 % band. The load is, by default, :func:`caseholder_pressure`; each policy's first
    lever value with a mean load above 1 (demand above the advisers' hours) is marked.

    ``fixed``: other levers to hold at one value (e.g. :func:`analysis.stats.reference_setting`).
    ``fig.inclusim_data``: ``outcome`` and ``load`` (``stats.summarise`` by policy and lever) and
    ``over_budget`` (one row per policy with the first lever value over budget).
    """
    runs = at_setting(runs, fixed)
    if load == "caseholder_pressure" and load not in runs:
        runs = runs.assign(caseholder_pressure=caseholder_pressure(runs))
    outcome = outcome or last_checkpoint_kpi(runs) or "ever_employed_share"
    out_tab = summarise(runs, [outcome], by=["policy", lever])
    load_tab = summarise(runs, [load], by=["policy", lever])
    threshold = 1.0 if "pressure" in load else 0.5
    over = over_budget_points(load_tab, lever, threshold)
    fig = _figure(12.5, 5.2)
    fig.inclusim_data = {"outcome": out_tab, "load": load_tab,
                         "over_budget": pd.DataFrame({"policy": list(over), lever: list(over.values())})}
    ax1, ax2 = fig.subplots(1, 2)
    policies = _policies(out_tab)
    for ax, tab, kpi in ((ax1, out_tab, outcome), (ax2, load_tab, load)):
        for pol in policies:
            t = tab[tab["policy"] == pol].sort_values(lever)
            c = policy_colour(pol)
            ax.fill_between(t[lever], t["low"], t["high"], color=c, alpha=0.22, lw=0, label=f"_{pol} band")
            ax.errorbar(t[lever], t["mean"], yerr=_yerr(t["mean"], t["low"], t["high"]), color=c, lw=2,
                        marker="o", ms=5, capsize=3, label=pol)
        ax.set_xlabel(lever_label(lever))
        ax.set_xticks(sorted(tab[lever].dropna().unique()))
        if is_share(kpi):
            _percent_axis(ax)
            ax.set_ylabel(f"{kpi_label(kpi)} (% of users)")
        else:
            ax.set_ylabel(kpi_label(kpi))
    ax1.set_title(f"{kpi_label(outcome)}")
    ax2.set_title("Advisers' workload")
    ax2.axhline(threshold, color="#D55E00", lw=1.5, ls="--")
    ax2.axhspan(threshold, max(threshold * 10, 10), color="#D55E00", alpha=0.06, lw=0)
    top = np.nanmax(load_tab["high"].to_numpy(dtype=float)) if len(load_tab) else threshold
    ax2.set_ylim(bottom=0, top=max(top, threshold) * 1.12)
    ax2.text(0.01, threshold, " over budget above this line", transform=ax2.get_yaxis_transform(),
             va="bottom", ha="left", fontsize=8, color="#D55E00")
    from matplotlib.lines import Line2D
    marked = False
    for pol in policies:
        xv = over.get(pol)
        if xv is None:
            continue
        row = load_tab[(load_tab["policy"] == pol) & (load_tab[lever] == xv)]
        ax2.plot([xv], [float(row["mean"].iloc[0])], marker="o", ms=13, mfc="none", mec=policy_colour(pol),
                 mew=2.2, ls="none", label="_first over budget")
        ax1.axvline(xv, color=policy_colour(pol), lw=1.2, ls=":", alpha=0.9)
        marked = True
    extra = [Line2D([], [], marker="o", ms=11, mfc="none", mec="#444444", mew=2, ls="none",
                    label="first value over budget (dotted line on the left)")] if marked else []
    _policy_legend(fig, policies, extra)
    held = ", ".join(f"{lever_label(k).lower()} = {v:g}" if isinstance(v, (int, float, np.number))
                     else f"{lever_label(k).lower()} = {v}" for k, v in (fixed or {}).items())
    n = int(out_tab["n"].max()) if len(out_tab) else 0
    _note(fig, f"{INTERVAL_NOTE} {n} replications per point."
          + (f" Other levers held at {held}." if held else "")
          + " Workload = hours the case-holding advisers' work called for / their weekly hours.")
    return fig


def at_setting(runs: pd.DataFrame, fixed: dict | None) -> pd.DataFrame:
    """The runs whose ``cfg.*`` columns equal the given values (all runs when ``fixed`` is empty)."""
    if not fixed:
        return runs
    mask = pd.Series(True, index=runs.index)
    for col, val in fixed.items():
        mask &= runs[col] == val
    return runs[mask]


# --- 6. pathway occupancy ------------------------------------------------------------------------

def occupancy_by_week(weekly: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Per run and week, the number of users in each group of :data:`STATE_GROUPS`.

    Columns: run_id, policy, seed, week and one column per group name.
    """
    out = pd.DataFrame({"run_id": weekly["run_id"], "week": weekly["week"]})
    for name, states, _c in STATE_GROUPS:
        cols = [f"n_{s}" for s in states if f"n_{s}" in weekly]
        out[name] = weekly[cols].sum(axis=1).astype(float) if cols else 0.0
    return _with_policy(out, runs)


@_styled
def pathway_occupancy(weekly: pd.DataFrame, runs: pd.DataFrame, band_every: int | None = None) -> Figure:
    """Where users are on the pathway, week by week: stacked areas of the mean number of users in each
    group of states, one panel per policy. The dark strip along each boundary is the 90 % band of
    the number of users at or below it.

    ``band_every``: compute the bands every so many weeks (default: 40 points or fewer over the run).
    ``fig.inclusim_data``: ``mean`` (mean users per group, policy and week) and ``band``
    (``stats.summarise`` of the cumulative counts, by policy and week).
    """
    occ = occupancy_by_week(weekly, runs)
    names = [n for n, _s, _c in STATE_GROUPS]
    mean = occ.groupby(["policy", "week"], sort=True)[names].mean().reset_index()
    weeks = np.sort(occ["week"].unique())
    step = band_every or max(1, math.ceil(len(weeks) / 40))
    pick = set(weeks[::step]) | ({weeks[-1]} if len(weeks) else set())
    cum = occ[occ["week"].isin(pick)].copy()
    cum_cols = []
    running = np.zeros(len(cum))
    for i, n in enumerate(names):
        running = running + cum[n].to_numpy()
        cum[f"cum_{i}"] = running
        cum_cols.append(f"cum_{i}")
    band = summarise(cum, cum_cols, by=["policy", "week"])
    policies = _policies(mean)
    ncols = 2 if len(policies) > 1 else 1
    nrows = math.ceil(len(policies) / ncols) or 1
    fig = _figure(12, 3.3 * nrows + 1.6)
    fig.inclusim_data = {"mean": mean, "band": band}
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)).ravel()
    for ax, pol in zip(axes, policies, strict=False):
        m = mean[mean["policy"] == pol].sort_values("week")
        ax.stackplot(m["week"], [m[n] for n in names], colors=[c for _n, _s, c in STATE_GROUPS],
                     labels=names, lw=0)
        b = band[band["policy"] == pol]
        for cc in cum_cols[:-1]:
            bb = b[b["kpi"] == cc].sort_values("week")
            ax.fill_between(bb["week"], bb["low"], bb["high"], color="black", alpha=0.35, lw=0,
                            label="_band")
        ax.set_title(pol, color=policy_colour(pol))
        ax.grid(False)
        ax.margins(x=0)
        ax.set_ylim(bottom=0)
    for ax in axes[len(policies):]:
        ax.set_visible(False)
    for ax in axes[-ncols:]:
        ax.set_xlabel("Week of the simulation")
    for ax in axes[::ncols]:
        ax.set_ylabel("Users (mean number)")
    from matplotlib.patches import Patch
    handles = [Patch(facecolor=c, label=n) for n, _s, c in reversed(STATE_GROUPS)]
    handles.append(Patch(facecolor="black", alpha=0.35, label=f"{int(LEVEL * 100)} % band of each boundary"))
    fig.legend(handles=handles, loc="outside right center", ncols=1, fontsize=8)
    fig.suptitle("Where users are on the pathway, week by week", fontweight="bold", fontsize=12)
    n = int(band["n"].max()) if len(band) else 0
    _note(fig, f"Areas: mean number of users in each part of the pathway over {n} replications, stacked. "
          f"Dark strips: {int(LEVEL * 100)} % bootstrap interval of the number of users below each boundary.")
    return fig


# --- 7. heatmap over two levers ------------------------------------------------------------------

@_styled
def lever_heatmap(runs: pd.DataFrame, kpi: str, x_lever: str, y_lever: str, fixed: dict | None = None) -> Figure:
    """Mean of ``kpi`` over replications for each pair of values of two levers, one panel per policy,
    one shared colour scale. Each cell reads "mean" over "± half the width of the 90 % interval".

    ``fig.inclusim_data``: ``cells`` (``stats.summarise`` by policy and the two levers, with a
    ``half_width`` column).
    """
    runs = at_setting(runs, fixed)
    if kpi == "caseholder_pressure" and kpi not in runs:
        runs = runs.assign(caseholder_pressure=caseholder_pressure(runs))
    cells = summarise(runs, [kpi], by=["policy", x_lever, y_lever])
    if len(cells):
        cells["half_width"] = (cells["high"] - cells["low"]) / 2
    policies = _policies(cells)
    xs = sorted(runs[x_lever].dropna().unique())
    ys = sorted(runs[y_lever].dropna().unique())
    ncols = min(len(policies), 2) or 1
    nrows = math.ceil(len(policies) / ncols) or 1
    w = 1.0 + 1.05 * max(len(xs), 2)
    fig = _figure(min(6 + ncols * w, 16), 1.6 + nrows * (0.8 + 0.75 * max(len(ys), 2)))
    fig.inclusim_data = {"cells": cells}
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    share = is_share(kpi)
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
        hw = np.full_like(grid, math.nan)
        c = cells[cells["policy"] == pol]
        for _, row in c.iterrows():
            grid[ys.index(row[y_lever]), xs.index(row[x_lever])] = row["mean"] * scale
            hw[ys.index(row[y_lever]), xs.index(row[x_lever])] = row["half_width"] * scale
        image = ax.imshow(grid, cmap=cmap, norm=norm, origin="lower", aspect="auto")
        for iy in range(len(ys)):
            for ix in range(len(xs)):
                if not math.isfinite(grid[iy, ix]):
                    continue
                dark = norm(grid[iy, ix]) < 0.55
                unit = " %" if share else ""
                digits = _digits(grid[iy, ix], share)
                ax.text(ix, iy, f"{grid[iy, ix]:.{digits}f}{unit}\n±{hw[iy, ix]:.{digits}f}", ha="center",
                        va="center", fontsize=8.5, color="white" if dark else "black")
        ax.set_xticks(range(len(xs)), [f"{v:g}" if isinstance(v, (int, float, np.number)) else str(v) for v in xs])
        ax.set_yticks(range(len(ys)), [f"{v:g}" if isinstance(v, (int, float, np.number)) else str(v) for v in ys])
        ax.set_xlabel(lever_label(x_lever))
        ax.set_ylabel(lever_label(y_lever))
        ax.set_title(pol, color=policy_colour(pol))
        ax.grid(False)
        for s in ax.spines.values():
            s.set_visible(False)
    for ax in axes[len(policies):]:
        ax.set_visible(False)
    if image is not None:
        cb = fig.colorbar(image, ax=list(axes[:len(policies)]), shrink=0.9, pad=0.02)
        cb.set_label(kpi_label(kpi) + (" (%)" if share else ""))
    title = f"{kpi_label(kpi)} by {lever_label(x_lever).lower()} and {lever_label(y_lever).lower()}"
    fig.suptitle(_wrap(title, int(fig.get_figwidth() * 9)), fontweight="bold", fontsize=12)
    n = int(cells["n"].max()) if len(cells) else 0
    held = ", ".join(f"{lever_label(k).lower()} = {v}" for k, v in (fixed or {}).items())
    _note(fig, f"Each cell: mean over {n} replications, and ± half the width of its {int(LEVEL * 100)} % "
          "bootstrap interval." + (f" Other levers held at {held}." if held else ""))
    return fig


# --- 8. mentors and subsidies --------------------------------------------------------------------

def mentor_subsidy_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per run, the figures chart 8 draws: mentor hours per week (support, network, subsidised),
    and per user employed the mentor hours and the two subsidies (NOK)."""
    h = runs["cfg.horizon_weeks"].astype(float) if "cfg.horizon_weeks" in runs else math.nan
    emp = runs["n_ever_employed"].astype(float).where(runs["n_ever_employed"] > 0) \
        if "n_ever_employed" in runs else math.nan
    out = pd.DataFrame({"run_id": runs["run_id"], "policy": runs["policy"].astype(str), "seed": runs["seed"]})
    for kind in ("support", "network", "subsidised"):
        col = f"mentor_hours_{kind}"
        out[f"mentor_hours_{kind}_per_week"] = runs[col] / h if col in runs else math.nan
    out["mentor_hours_per_week"] = out["mentor_hours_support_per_week"] + out["mentor_hours_network_per_week"]
    out["mentor_hours_support_per_employment"] = runs.get("mentor_hours_support", math.nan) / emp
    out["mentor_hours_network_per_employment"] = runs.get("mentor_hours_network", math.nan) / emp
    out["mentor_hours_per_employment"] = runs.get("mentor_hours_per_employment", math.nan)
    out["mentor_subsidy_per_employment"] = runs.get("mentor_subsidy_nok", math.nan) / emp
    out["wage_subsidy_per_employment"] = runs.get("wage_subsidy_nok", math.nan) / emp
    out["subsidy_cost_per_employment"] = runs.get("subsidy_cost_per_employment", math.nan)
    return out


@_styled
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
    policies = _policies(per_run)
    fig = _figure(12.5, 5.6)
    fig.inclusim_data = {"per_run": per_run, "summary": summary}
    axes = fig.subplots(1, 3)
    x = np.arange(len(policies))

    def col(kpi, what="mean"):
        return summary[summary["kpi"] == kpi].set_index("policy").reindex(policies)[what].to_numpy(dtype=float)

    def stacked(ax, parts, total, scale=1.0):
        bottom = np.zeros(len(policies))
        for kpi, style in parts:
            h = np.nan_to_num(col(kpi)) * scale
            ax.bar(x, h, bottom=bottom, width=0.62, color=[policy_colour(p) for p in policies],
                   edgecolor="white", lw=0.6, **style)
            bottom += h
        m, lo, hi = col(total) * scale, col(total, "low") * scale, col(total, "high") * scale
        ax.errorbar(x, m, yerr=_yerr(m, lo, hi), fmt="none", ecolor="black", elinewidth=1.5, capsize=4,
                    label="_interval")
        ax.set_xticks(x, policies)
        _colour_policy_ticks(ax)
        ax.margins(y=0.12)
        return m, hi

    solid, light = {"alpha": 1.0}, {"alpha": 0.45, "hatch": "///"}
    ax = axes[0]
    stacked(ax, [("mentor_hours_support_per_week", solid), ("mentor_hours_network_per_week", light)],
            "mentor_hours_per_week")
    ms, lo, hi = col("mentor_hours_subsidised_per_week"), col("mentor_hours_subsidised_per_week", "low"), \
        col("mentor_hours_subsidised_per_week", "high")
    ax.errorbar(x + 0.42, ms, yerr=_yerr(ms, lo, hi), fmt="D", ms=6, color="#333333", mfc="white", mew=1.5,
                capsize=3, label="_subsidised")
    ax.set_ylabel("Mentor hours per week, whole office")
    ax.set_title("Mentor hours per week")
    ax = axes[1]
    stacked(ax, [("mentor_hours_support_per_employment", solid), ("mentor_hours_network_per_employment", light)],
            "mentor_hours_per_employment")
    ax.set_ylabel("Mentor hours per user employed")
    ax.set_title("Mentor hours per user employed")
    ax = axes[2]
    m, hi = stacked(ax, [("mentor_subsidy_per_employment", solid), ("wage_subsidy_per_employment", light)],
                    "subsidy_cost_per_employment", scale=1e-3)
    for xi, mi, hii in zip(x, m, hi, strict=True):
        if math.isfinite(mi):
            ax.annotate(f"{mi:.0f}k", (xi, hii if math.isfinite(hii) else mi), xytext=(0, 4),
                        textcoords="offset points", ha="center", va="bottom", fontsize=8)
    _thousands_axis(ax)
    ax.set_ylabel("Subsidy cost per user employed (NOK thousand)")
    ax.set_title("Subsidy cost per user employed")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    handles = [Patch(facecolor="#777777", label="Mentor support (panels 1-2) / mentor subsidy (panel 3)"),
               Patch(facecolor="#777777", alpha=0.45, hatch="///",
                     label="Mentor network (panels 1-2) / wage subsidy (panel 3)"),
               Line2D([], [], marker="D", mfc="white", mec="#333333", color="#333333", ls="none",
                      label="Mentor hours paid by the mentor subsidy")]
    fig.legend(handles=handles, loc="outside upper center", ncols=3)
    _note(fig, f"Bars: mean over replications, stacked; whiskers: {int(LEVEL * 100)} % bootstrap interval of "
          "the total (and of the subsidised hours).")
    return fig
