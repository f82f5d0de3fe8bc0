"""The page that explores a collected sweep: its trade-off curves, without waiting for a run.

The leader picks a sweep folder (``inclusim -m ...`` writes them under ``outputs/``; any folder
with a collected ``runs.parquet``), a lever it varied and an outcome; the chart is the report's
trade-off chart (the outcome and the advisers' load against the lever, one line per policy, with
intervals) and the table gives each setting's key figures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import solara

from analysis.charts.resources import caseload_tradeoff
from analysis.charts.outcomes import policy_comparison
from analysis.i18n import language
from analysis.labels import lever_label
from analysis.stats import reference_setting, swept_levers
from analysis.summary import terminal_summary
from domain.paths import CONF_DIR
from domain.schema import KPIS, SUMMARY_KPIS, kpi
from inclusim.dashboard import state
from inclusim.dashboard.state import T
from inclusim.dashboard.views import frame_markdown

#: Where sweeps are looked for.
OUTPUTS_DIR = CONF_DIR.parent / "outputs"


def collected_sweeps(root: Path = OUTPUTS_DIR) -> list[Path]:
    """Folders under ``root`` with a collected runs table, newest first."""
    if not root.is_dir():
        return []
    found = [path.parent for path in root.glob("**/runs.parquet") if (path.parent / "runs").is_dir()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def read_runs(folder: str | Path) -> pd.DataFrame:
    """The collected runs table of a sweep folder; a clear ValueError if there is none."""
    path = Path(folder).expanduser() / "runs.parquet"
    if not path.is_file():
        raise ValueError(f"{path} not found: give a sweep folder collected by 'inclusim collect'")
    return pd.read_parquet(path)


@solara.component
def SweepPage():
    sweeps = collected_sweeps()
    folder = solara.use_reactive(str(sweeps[0]) if sweeps else "")
    lever = solara.use_reactive("")
    outcome = solara.use_reactive("employed_share_w156")
    lang = state.lang.value
    loaded = solara.use_memo(lambda: _load(folder.value), [folder.value])
    runs, levers = loaded if isinstance(loaded, tuple) else (None, [])
    chosen = lever.value if lever.value in levers else (levers[0] if levers else "")
    figure = solara.use_memo(lambda: _chart(runs, levers, chosen, outcome.value, lang),
                             [folder.value, chosen, outcome.value, lang])
    with solara.Card(T("Explore a sweep")):
        if sweeps:
            solara.Select(T("Sweeps found under outputs/"), values=[str(s) for s in sweeps], value=folder)
        solara.InputText(T("Sweep folder"), value=folder)
        if isinstance(loaded, str):
            solara.Error(loaded)
        elif runs is None:
            solara.Info(T("Give a sweep folder: run a sweep with 'inclusim -m ...' first."))
        else:
            solara.Text(T("{n} runs, {levers} levers varied", n=len(runs), levers=len(levers)))
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
    with solara.Card():
        solara.FigureMatplotlib(figure, format="png", dependencies=[folder.value, chosen, outcome.value, lang])
    with language(lang):
        table = terminal_summary(runs)
        table.index = [T(kpi(name).label) if name in KPIS else name for name in table.index]
    solara.Markdown(frame_markdown(table))


def _load(folder: str):
    if not folder:
        return None
    try:
        runs = read_runs(folder)
    except (ValueError, OSError) as exc:
        return str(exc)
    return runs, swept_levers(runs)


def _chart(runs: pd.DataFrame | None, levers: list[str], lever: str, outcome: str, lang: str):
    if runs is None:
        return None
    with language(lang):
        if not lever:
            return policy_comparison(runs)
        fixed = reference_setting(runs, [other for other in levers if other != lever])
        return caseload_tradeoff(runs, lever, outcome=outcome if outcome in runs else None, fixed=fixed)
