"""The page that explores a collected sweep: its trade-off curves, without waiting for a run.

The leader picks a sweep by name among the collected ones under the output folder the command
line uses (``output_root``, ``outputs`` relative to the folder the dashboard was started in, where
``inclusim -m ...`` run there writes them; a folder with a collected ``runs.parquet``; no other
folder is read), and the page says which folder that is; then a lever it
varied and an outcome; the chart is the report's trade-off chart (the outcome and the advisers'
load against the lever, one line per policy, with intervals) and the table gives each setting's key
figures. Every text of the table shows as the text it is (``views.markdown_table``).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pandas as pd
import solara

from analysis.charts.resources import caseload_tradeoff
from analysis.charts.outcomes import policy_comparison
from analysis.i18n import language
from analysis.labels import lever_label
from analysis.stats import PARAMETER_SET, reference_setting, swept_levers
from analysis.summary import terminal_summary
from analysis.uncertainty import best_set, has_ensemble
from domain.schema import KPIS, SUMMARY_KPIS, kpi
from inclusim.dashboard import state
from inclusim.dashboard.state import T
from inclusim.dashboard.views import frame_markdown

_ROOT: list[Path] = []
_ROOT_LOCK = threading.Lock()


def sweeps_root() -> Path:
    """Where sweeps are looked for: the ``output_root`` the command line uses (``conf/config.yaml``
    composed as ``inclusim`` composes it), relative to the folder the dashboard was started in."""
    with _ROOT_LOCK:      # composed once, and never by two pages at once (Hydra's state is global)
        if not _ROOT:
            from inclusim.compose import compose_config_and_settings

            _ROOT.append(Path(os.getcwd()) / compose_config_and_settings([])[1].output_root)
        return _ROOT[0]


def collected_sweeps(root: Path | None = None) -> dict[str, Path]:
    """The folders under ``root`` with a collected runs table, newest first, by name (the folder's
    path under ``root``): the only folders the page reads. A folder whose real path leads out of
    ``root`` (a link) is left out. ``root``: :func:`sweeps_root` unless given."""
    root = sweeps_root() if root is None else root
    if not root.is_dir():
        return {}
    real_root = root.resolve()
    found = []
    for path in root.glob("**/runs.parquet"):
        folder = path.parent
        try:
            inside = folder.resolve(strict=True).is_relative_to(real_root) and path.resolve(strict=True).is_file()
        except (OSError, RuntimeError):
            continue
        if inside and (folder / "runs").is_dir():
            found.append(folder)
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return {folder.relative_to(root).as_posix(): folder for folder in found}


def read_runs(folder: Path) -> pd.DataFrame:
    """The collected runs table of a sweep folder (one of :func:`collected_sweeps`)."""
    return pd.read_parquet(folder / "runs.parquet")


@solara.component
def SweepPage():
    root = sweeps_root()
    sweeps = solara.use_memo(lambda: collected_sweeps(root), [])
    name = solara.use_reactive(next(iter(sweeps), ""))
    lever = solara.use_reactive("")
    outcome = solara.use_reactive("employed_share_w156")
    lang = state.lang.value
    chosen_sweep = name.value if name.value in sweeps else ""
    loaded = solara.use_memo(lambda: _load(sweeps.get(chosen_sweep)), [chosen_sweep])
    runs, levers = loaded if isinstance(loaded, tuple) else (None, [])
    chosen = lever.value if lever.value in levers else (levers[0] if levers else "")
    figure = solara.use_memo(lambda: _chart(runs, levers, chosen, outcome.value, lang),
                             [chosen_sweep, chosen, outcome.value, lang])
    with solara.Card(T("Explore a sweep")):
        if sweeps:
            solara.Select(T("Sweeps found under {folder}", folder=root), values=list(sweeps),
                          value=chosen_sweep or None,
                          on_value=lambda value: name.set(value if value in sweeps else ""))
        if loaded is False:
            solara.Error(T("This sweep's runs table cannot be read: collect it again with 'inclusim collect'."))
        elif runs is None:
            solara.Info(T("No collected sweep under {folder}: run a sweep with 'inclusim -m ...' from {start} "
                          "first.", folder=root, start=os.getcwd()))
        else:
            with solara.Column(gap="2px"):
                for line in _what_is_shown(runs, levers):
                    solara.Text(line)
            names = {T(lever_label(name)): name for name in levers}
            if names:
                solara.Select(T("Lever"), values=list(names), value=T(lever_label(chosen)),
                              on_value=lambda text: lever.set(names[text]))
            outcomes = {T(kpi(name).label): name for name in SUMMARY_KPIS if name in runs}
            if outcome.value in runs:
                solara.Select(T("Outcome"), values=list(outcomes), value=T(kpi(outcome.value).label),
                              on_value=lambda text: outcome.set(outcomes[text]))
    if runs is None:
        return
    if figure is False:
        solara.Error(T("This sweep's runs table cannot be read: collect it again with 'inclusim collect'."))
        return
    with solara.Card():
        solara.FigureMatplotlib(figure, format="png", dependencies=[chosen_sweep, chosen, outcome.value, lang])
    with language(lang):
        table = terminal_summary(runs)
        table.index = [T(kpi(name).label) if name in KPIS else name for name in table.index]
    solara.Markdown(frame_markdown(table))


def _what_is_shown(runs: pd.DataFrame, levers: list[str]) -> list[str]:
    """What the page shows of the sweep: its runs and levers, and which runs the chart and the table
    read when the sweep ran the calibrated ensemble (the best set, as the report does)."""
    lines = [T("{n} runs, {levers} levers varied", n=len(runs), levers=len(levers)) if levers else
             T("{n} runs; no lever varied besides the policy", n=len(runs))]
    if has_ensemble(runs):
        lines.append(T("The sweep ran {sets} parameter sets of the calibrated ensemble: the chart and the table show "
                       "the best set (the defaults), {best} runs; the table adds in brackets the 5 % to 95 % quantiles "
                       "of the sets' means.", sets=runs[PARAMETER_SET].nunique(), best=len(best_set(runs))))
    return lines


def _load(folder: Path | None):
    """(runs, levers varied) of a sweep folder; None for no folder, False for one that cannot be read."""
    if folder is None:
        return None
    try:
        runs = read_runs(folder)
        return runs, swept_levers(runs)
    except Exception:       # a damaged or foreign table: one line on the page, never a traceback
        return False


def _chart(runs: pd.DataFrame | None, levers: list[str], lever: str, outcome: str, lang: str):
    """The sweep's chart; None without a sweep, False when its table cannot be drawn."""
    if runs is None:
        return None
    runs = best_set(runs)      # the best parameter set of an ensemble sweep, as the table and the report
    try:
        with language(lang):
            if not lever:
                return policy_comparison(runs)
            fixed = reference_setting(runs, [other for other in levers if other != lever])
            return caseload_tradeoff(runs, lever, outcome=outcome if outcome in runs else None, fixed=fixed)
    except Exception:       # a table not written by inclusim collect: one line on the page, never a traceback
        return False
