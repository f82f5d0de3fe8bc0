"""How every chart looks: colours, the matplotlib style, axis formats, legends, notes, saving.

A policy has the same colour in every chart (:data:`POLICY_COLOURS`, Okabe-Ito, safe for the
common kinds of colour blindness; other policies take :data:`SPARE_COLOURS` in display order,
:func:`policy_colours`); activities and groups of states have their own colours (Paul
Tol's schemes), chosen apart from the policy colours. Every text a chart shows goes through
``analysis.i18n.tr``, and in a language with a decimal comma the numeric axes use it too (:func:`styled`).
"""

from __future__ import annotations

import contextlib
import functools
import textwrap
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, ScalarFormatter

from analysis.formatting import format_value, percent
from analysis.i18n import decimal_mark, localise_number, tr
from analysis.labels import METHOD_NAMES, method_name, order_policies
from analysis.stats import LEVEL
from domain.schema import NOK
from domain.terms import Activity

#: Okabe-Ito colours, one per policy, the same in every chart.
POLICY_COLOURS = {
    "saksbehandler": "#0072B2",   # blue
    "hybrid": "#E69F00",          # orange
    "jobbspesialist": "#009E73",  # bluish green
    "brobygger": "#CC79A7",       # reddish purple
}
#: Okabe-Ito colours left for policies not in the table above.
SPARE_COLOURS = ("#56B4E9", "#000000", "#F0E442")   # not vermillion: it marks over-budget

#: Paul Tol's muted scheme, one colour per activity.
ACTIVITY_COLOURS = {
    Activity.ADMIN: "#BBBBBB",
    Activity.CANDIDATE_MEETINGS: "#88CCEE",
    Activity.EMPLOYER_CONTACT: "#DDCC77",
    Activity.MENTOR_FOLLOWUP: "#44AA99",
    Activity.NETWORK: "#882255",
    Activity.TRAVEL: "#332288",
}

#: One colour per group of ``domain.states.STATE_GROUPS``.
STATE_GROUP_COLOURS = {
    "in_job": "#117733",
    "apprentice_or_education": "#44AA99",
    "work_training": "#88CCEE",
    "close_before_training": "#332288",
    "waiting_for_specialist": "#AA4499",
    "ordinary_followup": "#DDDDDD",
    "setback": "#CC6677",
    "lockin": "#882255",
    "exited": "#999933",
}

#: Over budget: the weekly-hours line and the region above the workload threshold.
WARNING_COLOUR = "#D55E00"

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

LEVEL_PERCENT = int(LEVEL * 100)


def interval_note(*tables) -> str:
    """A caption's sentence on the intervals drawn from ``stats.summarise``-like tables: their level,
    how they were made (their ``method`` column), and that none is drawn where there is one replication."""
    methods = set().union(*(set(t["method"]) for t in tables if "method" in t))
    made = [method_name(method) for method in METHOD_NAMES if method in methods and method != "none"]
    text = (tr("{level} % interval of the mean over replications ({methods}).", level=LEVEL_PERCENT,
               methods=", ".join(made)) if made
            else tr("{level} % interval of the mean over replications.", level=LEVEL_PERCENT))
    if "none" in methods:
        text += " " + tr("No interval where there is one replication.")
    return text


def policy_colours(policies) -> dict[str, str]:
    """A colour for each policy of ``policies``: the four known ones keep theirs (:data:`POLICY_COLOURS`);
    the others, in ``order_policies`` order, take :data:`SPARE_COLOURS` in turn, so that up to seven
    policies shown together never share a colour (beyond that the spare colours repeat)."""
    names = order_policies(policies)
    unknown = [p for p in names if p not in POLICY_COLOURS]
    spare = {p: SPARE_COLOURS[i % len(SPARE_COLOURS)] for i, p in enumerate(unknown)}
    return {p: POLICY_COLOURS.get(p) or spare[p] for p in names}


def policy_colour(policy: str, shown=()) -> str:
    """The colour of ``policy`` in a chart that shows the policies ``shown`` (:func:`policy_colours`)."""
    return policy_colours([*map(str, shown), str(policy)])[str(policy)]


class _LocalScalarFormatter(ScalarFormatter):
    """matplotlib's plain number ticks with the current language's decimal mark ('0,5')."""

    def __call__(self, x, pos=None):
        return localise_number(super().__call__(x, pos))


def _local_decimal_marks(fig: Figure) -> None:
    """Give every axis of ``fig`` with plain number ticks the current language's decimal mark."""
    if decimal_mark() == ".":
        return
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(_LocalScalarFormatter())


def styled(func):
    """Draw under :data:`STYLE` without changing matplotlib's global settings; numeric axes in the
    current language's decimal mark."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(STYLE):
            fig = func(*args, **kwargs)
            _local_decimal_marks(fig)
            return fig
    return wrapper


def new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas (pyplot is never touched), with an empty ``inclusim_data``."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    fig.inclusim_data = {}
    return fig


#: The smallest text on a printed page, in points (issue 27: chart text at least 8 pt at A4).
PRINT_SMALLEST_PT = 8.0


def for_print(fig: Figure, printed_width_in: float, smallest_pt: float = PRINT_SMALLEST_PT) -> float:
    """Make ``fig``'s text readable when the figure is printed ``printed_width_in`` inches wide: every
    text that would come out below ``smallest_pt`` points is set to that size on paper (larger text is
    kept), and the layout is solved again when it is saved. Returns the scale of the print (printed width
    over the figure's width)."""
    from matplotlib.text import Annotation, Text

    scale = printed_width_in / fig.get_figwidth()
    for ax in fig.axes:     # the ticks a new draw makes take the axes' own label size
        for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            labels = axis.get_ticklabels()
            size = labels[0].get_fontsize() if labels else STYLE[f"{name}tick.labelsize"]
            if size * scale < smallest_pt:
                ax.tick_params(axis=name, which="both", labelsize=smallest_pt / scale)
    for text in fig.findobj(Text):
        if text.get_text() and text.get_fontsize() * scale < smallest_pt:
            grow = smallest_pt / scale / text.get_fontsize()
            text.set_fontsize(smallest_pt / scale)
            if isinstance(text, Annotation) and text.anncoords == "offset points":   # its distance grows with it
                text.xyann = (text.xyann[0] * grow, text.xyann[1] * grow)
    with mpl.rc_context(STYLE):     # a legend over the whole figure, now larger, in columns that fit
        _fit_legends(fig, smallest_pt / scale)
    fig.set_layout_engine("constrained")
    if getattr(fig, "inclusim_note", None) is not None:     # the caption, now larger, in lines that fit
        _place_note(fig, max(8.0, smallest_pt / scale))
    return scale


def smallest_text_pt(fig: Figure) -> float:
    """The size, in the figure's points, of its smallest visible text."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    return min(sizes) if sizes else float("inf")


def save_figure(fig: Figure, path: str | Path, dpi: int = 150) -> tuple[Path, Path]:
    """Write ``fig`` as ``<path>.png`` and ``<path>.svg`` (any suffix on ``path`` is replaced)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.with_suffix("") if path.suffix.lower() in (".png", ".svg") else path
    png, svg = stem.with_name(stem.name + ".png"), stem.with_name(stem.name + ".svg")
    # The layout is solved once, at the PNG's dpi, and held for both files with no layout engine set
    # while they are saved: with any engine set (matplotlib's placeholder included), each save first
    # draws the whole figure without output (a third of the time of saving a report's figures).
    # rcParams that would put an engine of their own in its place are held off meanwhile.
    engine = fig.get_layout_engine()
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        if engine is not None and fig.axes:      # as a draw does: a figure without axes has nothing to lay out
            with _dpi(fig, dpi):
                engine.execute(fig)
        fig.set_layout_engine(None)
        try:
            fig.savefig(png, dpi=dpi, facecolor="white")
            with mpl.rc_context({"svg.fonttype": STYLE["svg.fonttype"]}):   # text as text: editable, searchable
                fig.savefig(svg, facecolor="white")
        finally:
            fig.set_layout_engine(engine)
    return png, svg


@contextlib.contextmanager
def _dpi(fig: Figure, dpi: float):
    """``fig`` at ``dpi`` for a while (a save sets it the same way while it draws)."""
    before = fig.dpi
    fig.dpi = dpi
    try:
        yield fig
    finally:
        fig.dpi = before


def percent_axis(ax, axis: str = "y", digits: int = 0) -> None:
    """Tick labels of a 0-1 share axis in per cent."""
    fmt = FuncFormatter(lambda v, _pos: percent(v, digits))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def thousands_axis(ax, axis: str = "y") -> None:
    """Tick labels with a space between thousands: '12 500'."""
    fmt = FuncFormatter(lambda v, _pos: format_value(v, NOK))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def yerr(mean, low, high) -> np.ndarray:
    """Error-bar lengths below and above each mean (never negative, zero where unknown)."""
    m, lo, hi = (np.asarray(v, dtype=float) for v in (mean, low, high))
    below = np.where(np.isfinite(lo), np.clip(m - lo, 0, None), 0.0)
    above = np.where(np.isfinite(hi), np.clip(hi - m, 0, None), 0.0)
    return np.vstack([below, above])


def policy_legend(fig: Figure, policies: list[str], extra=None, loc: str = "outside upper center",
                  ncols: int | None = None) -> None:
    """One legend entry per policy in its colour, and any ``extra`` handles after them."""
    colours = policy_colours(policies)
    handles = [Line2D([], [], color=colours[p], marker="o", lw=2.5, label=p) for p in policies]
    handles += list(extra or [])
    figure_legend(fig, handles, loc, ncols or len(handles))


def figure_legend(fig: Figure, handles: list, loc: str, ncols: int, **settings):
    """A legend over the whole figure (``Figure.legend``), remembered with how it was made so that
    :func:`for_print` can make it again in fewer columns when its larger text no longer fits the width."""
    legend = fig.legend(handles=handles, loc=loc, ncols=ncols, **settings)
    fig.__dict__.setdefault("inclusim_legends", []).append((legend, handles, loc, ncols, settings))
    return legend


def _fit_legends(fig: Figure, fontsize: float) -> None:
    """Make each legend of :func:`figure_legend` again at ``fontsize`` or larger, in the most columns that fit."""
    renderer = fig.canvas.get_renderer()
    made = []
    for legend, handles, loc, ncols, settings in getattr(fig, "inclusim_legends", []):
        size = max(fontsize, legend.get_texts()[0].get_fontsize() if legend.get_texts() else fontsize)
        legend.remove()
        for columns in range(min(ncols, len(handles)), 0, -1):
            legend = fig.legend(handles=handles, loc=loc, ncols=columns, **{**settings, "fontsize": size})
            if columns == 1 or legend.get_window_extent(renderer).width <= 0.98 * fig.bbox.width:
                break
            legend.remove()
        made.append((legend, handles, loc, columns, settings))
    fig.inclusim_legends = made


def colour_policy_ticks(ax, colours: dict[str, str], axis: str = "x") -> None:
    """Colour tick labels that name a policy of ``colours`` (:func:`policy_colours`) in its colour."""
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    for lab in labels:
        if lab.get_text() in colours:
            lab.set_color(colours[lab.get_text()])


def add_note(fig: Figure, text: str, fontsize: float = 8) -> None:
    """A caption under the chart saying what the shading or whiskers are; the chart's layout keeps a
    strip free for it at the bottom (laid out again, larger, for print: :func:`for_print`)."""
    note = fig.text(0.005, 0, text, ha="left", va="bottom", fontsize=fontsize, color="#555555", linespacing=1.3)
    fig.inclusim_note = (note, text)
    _place_note(fig, fontsize)


def _place_note(fig: Figure, fontsize: float) -> None:
    """Break the chart's caption into lines that fit its width at ``fontsize`` and keep a strip for them."""
    note, text = fig.inclusim_note
    height, width = fig.get_figheight(), fig.get_figwidth()
    grow = fontsize / 8
    lines = textwrap.wrap(text, max(int(width / (0.062 * grow)), 20))
    strip = (0.1 + 0.15 * grow * len(lines)) / height
    note.set_text("\n".join(lines))
    note.set_fontsize(fontsize)
    note.set_y(0.05 / height)
    engine = fig.get_layout_engine() or fig.set_layout_engine("constrained") or fig.get_layout_engine()
    engine.set(rect=(0, strip, 1, 1 - strip))


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (words are never split)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def cell_digits(value: float, share: bool) -> int:
    """Decimals to print in a chart cell: one for percentages, otherwise enough for two significant figures."""
    if share:
        return 1
    v = abs(value)
    return 2 if v < 10 else 1 if v < 100 else 0
