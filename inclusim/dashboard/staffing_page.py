"""The staffing page: the best staff mixes for a fixed number of positions (``inclusim staffing``).

The leader gives the number of positions; the search (``inclusim.staffing``) runs the mixes of
ordinary, hybrid and job-specialist positions that number allows on the office's own users, in the
background, and the page shows the Pareto chart (users in work at 1 and 3 years against NAV cost and
adviser hours, with intervals) and the best mixes beside today's staff.
"""

from __future__ import annotations

import solara

from analysis.i18n import language
from inclusim.dashboard import state
from inclusim.dashboard.levers import build_config, scenario_overrides
from inclusim.dashboard.runner import default_workers
from inclusim.dashboard.safe import literal, one_line
from inclusim.dashboard.state import T

#: Seeds per mix on the page: enough for intervals, few enough for a search in minutes; and the most.
PAGE_SEEDS, MAX_PAGE_SEEDS = 3, 20


@solara.lab.task(prefer_threaded=True)
def find_mixes(settings: dict, budget: int, seeds: int):
    from inclusim.staffing import search

    lang = state.lang.value

    def say(text: str) -> None:   # the search's progress line, in the page's language
        state.staffing_progress.set(text)

    with language(lang):
        return search(settings, budget, seeds=seeds, workers=default_workers(), progress=say)


@solara.component
def StaffingPage():
    from inclusim.staffing import today_mix

    office = state.office.value.settings
    settings = {**office, **scenario_overrides(state.scenario.value, build_config(office))}
    today = solara.use_memo(lambda: today_mix(build_config(settings)), [repr(sorted(settings.items()))])
    budget = solara.use_reactive(today.positions)
    seeds = solara.use_reactive(PAGE_SEEDS)
    refused = solara.use_reactive(None)     # None, or a function giving the message in the page's language
    lang = state.lang.value
    result = find_mixes.value

    def search():
        if find_mixes.pending:
            return
        n = seeds.value
        if not 1 <= n <= MAX_PAGE_SEEDS:
            refused.set(lambda: T("Replications = {n}: from {low} to {high}", n=n, low=1, high=MAX_PAGE_SEEDS))
            return
        refused.set(None)
        find_mixes(settings, budget.value, n)

    chart = solara.use_memo(lambda: _chart(result, lang), [id(result), lang])
    with solara.Card(T("Staff mix for a budget")):
        solara.Markdown(T("The office's staff today: {ordinary} ordinary advisers, {hybrid} hybrid advisers (who also "
                          "follow users closely) and {specialists} job specialists. The office's users stay the same, so "
                          "the caseload follows from the mix.", ordinary=today.ordinary, hybrid=today.hybrid,
                          specialists=today.specialists))
        solara.InputInt(T("Positions (budget)"), value=budget)
        solara.InputInt(T("Replications (seeds)"), value=seeds)
        solara.Button(T("Search"), color="primary", disabled=find_mixes.pending, on_click=search)
        if find_mixes.pending:
            solara.ProgressLinear(True)
            solara.Text(state.staffing_progress.value or T("Searching ..."))
        if refused.value is not None:
            solara.Error(refused.value())
        if find_mixes.error:
            solara.Error(one_line(state.explain(find_mixes.exception)))
    if result is None or chart is None:
        return
    with solara.Card():
        solara.FigureMatplotlib(chart["figure"], format="png", dependencies=[id(result), lang])
    with solara.Card(T("Best mixes")):
        solara.Markdown(chart["note"], style={"font-size": "0.9em"})
        solara.Markdown(chart["table"])
        with solara.Row():
            solara.FileDownload(chart["xlsx"], filename="inclusim_staffing.xlsx",
                                label=T("Download every mix run (xlsx)"))
            solara.FileDownload(result.table.to_csv(index=False), filename="inclusim_staffing.csv",
                                label=T("Download every mix run (CSV)"))


def _chart(result, lang: str) -> dict | None:
    if result is None:
        return None
    from inclusim.dashboard.views import markdown_table
    from inclusim.staffing import load_plan
    from inclusim.staffing_output import best_mixes, pareto_chart, staffing_xlsx, table_note

    plan = load_plan()
    with language(lang):
        table = best_mixes(result)
        return {"figure": pareto_chart(result, plan), "note": literal(table_note(result)),
                "table": markdown_table(list(table.columns), table.to_numpy().tolist()),
                "xlsx": staffing_xlsx(result, plan)}
