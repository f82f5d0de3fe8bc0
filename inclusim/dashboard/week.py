"""The page that watches one run week by week: the office and setting chosen, a week at a time.

The model is the leader's choice on the first page (office, levers and scenario), seed 1. Each
step is one week; the charts show where the users are on the pathway and each adviser's planned
week. The controls (play, pause, one step, start again) are the page's own, in its language, in
place of Mesa's SolaraViz controller (in English); the charts follow Mesa's ``update_counter``.

The model lives in the server process itself, so its memory is reserved before it is built
(``runner.WEEK_MODELS``): at most one model a page, and all pages' models together within the
week pages' budget, estimated as a run's memory is. The reservation and the model go when the page
does: when the leader leaves the page, builds another model, or closes the browser (Solara closes
the page's session at once, or after its cull timeout when the connection was lost, which
``inclusim dashboard`` shortens).
"""

from __future__ import annotations

import ctypes
import gc
import threading
import time

import pandas as pd
import solara
from mesa.visualization.utils import update_counter

from analysis.charts.outcomes import pathway_occupancy
from analysis.i18n import language
from domain.params import ConfigError
from inclusim.dashboard import state
from inclusim.dashboard.levers import build_config
from inclusim.dashboard.runner import WEEK_MODELS, caseload_users, followed_users
from inclusim.dashboard.safe import literal, one_line
from inclusim.dashboard.simulate import check_levers_read, comparison_settings
from inclusim.dashboard.state import CHOICE, T
from inclusim.dashboard.views import adviser_week_chart, adviser_week_table
from sim.model import InclusionModel


@solara.component
def PathwayStates(model):
    update_counter.get()
    with language(state.lang.value):
        if not model.weekly_rows:
            solara.Info(T("Week 0: press Step or Play to run the office week by week."))
            return
        weekly = pd.DataFrame(model.weekly_rows).assign(run_id="run")
        runs = pd.DataFrame({"run_id": ["run"], "policy": [T(CHOICE)], "seed": [model.cfg.seed]})
        figure = pathway_occupancy(weekly, runs)
        figure.set_size_inches(8, 5.5)     # two charts side by side: larger text for the space
        solara.FigureMatplotlib(figure, format="png")


@solara.component
def AdviserWeeks(model):
    update_counter.get()
    with language(state.lang.value):
        figure = adviser_week_chart(adviser_week_table(model.staff.all_advisers), model.week)
        figure.set_size_inches(8, 5.5)
        solara.FigureMatplotlib(figure, format="png")


#: How soon after a week page's model is let go its memory is collected (seconds).
COLLECT_AFTER_SECONDS = 1.0


def collect_soon() -> None:
    """Collect the garbage shortly, in a thread of its own, and give the freed memory back to the
    system: a model's agents and the model refer to each other, so its memory comes back only at a
    full collection, which Python may otherwise leave for a long time (a model of 100,000 users
    holds about 800 MB), and the C library keeps freed memory for itself unless asked."""
    threading.Timer(COLLECT_AFTER_SECONDS, _collect).start()


def _collect() -> None:
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)     # glibc's; elsewhere the memory is reused by the next model
    except (AttributeError, OSError):
        pass


@solara.component
def WeekPage():
    page = solara.get_kernel_id()
    try:
        check_levers_read()
        settings = comparison_settings(state.office.value.settings, state.scenario.value, state.values.value)[1]
        config = build_config({**dict(settings.settings), "seed": 1, "record_events": False})
        # the model runs in the server: its memory is reserved beside the other pages' models first
        WEEK_MODELS.reserve(page, settings.key, followed_users(dict(settings.settings)),
                            caseload=caseload_users(dict(settings.settings)),
                            shown_users=state.values.value["users"])
    except ConfigError as exc:
        solara.Error(one_line(state.explain(exc)))
        return
    solara.Markdown(T("One run of your choice ({office}), week by week.",
                      office=literal(state.office_label(state.office.value))))
    WeekRun(config, page, settings.key).key(settings.key)     # a new setting: a new model in place of the old


@solara.component
def WeekRun(config, page: str, key: str):
    """The week-by-week view of one model of ``config``, reserved as ``key`` for ``page``: built
    once; when this component goes (page left or closed, another setting) the reservation is
    released and the model let go. The model is kept in a reactive value of ours, emptied then:
    Solara 1.58's ``use_task`` (which plays the weeks) keeps each of its tasks for good, and with a
    task the reactive value that holds the model (fixed in Solara by widgetti/solara#1180)."""
    built = solara.use_memo(lambda: InclusionModel(config), [])
    model = solara.use_reactive(built)

    def let_go():
        WEEK_MODELS.release(page, key)
        model.set(None)
        collect_soon()

    solara.use_effect(lambda: let_go, [])
    if model.value is None:
        return
    with solara.Card(T("Week by week")):
        WeekControls(model, config)
    with solara.Columns([1, 1]):
        PathwayStates(model.value)
        AdviserWeeks(model.value)


#: Milliseconds between two weeks while the run plays.
PLAY_INTERVAL_MS = 150


@solara.component
def WeekControls(model: solara.Reactive, config):
    """Step, play and pause, start again: the week-by-week controls in the page's language (Mesa's
    SolaraViz brings its own, in English). Playing steps the model in a task of its own; the charts
    follow Mesa's ``update_counter``, which each step moves on."""
    playing = solara.use_reactive(False)
    failed = solara.use_reactive("")

    def one_week() -> bool:
        current = model.value
        if current is None or not current.running:
            return False
        current.step()
        update_counter.set(update_counter.value + 1)
        return current.running

    def play() -> None:
        try:
            # wait first: the render that started this task finishes before the first week is shown
            while playing.value:
                time.sleep(PLAY_INTERVAL_MS / 1000)
                if not (playing.value and one_week()):
                    break
        except Exception as exc:  # noqa: BLE001 - one line on the page, never a traceback
            failed.set(one_line(f"{type(exc).__name__}: {exc}"))
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def start_again() -> None:
        playing.set(False)
        model.set(InclusionModel(config))
        update_counter.set(update_counter.value + 1)

    current = model.value
    update_counter.get()
    done = current is None or not current.running
    with solara.Row():
        solara.Button(T("Pause") if playing.value else T("Play"), on_click=lambda: playing.set(not playing.value),
                      disabled=done and not playing.value, color="primary")
        solara.Button(T("Step"), on_click=one_week, disabled=done or playing.value)
        solara.Button(T("Start again"), on_click=start_again, disabled=playing.value)
    if current is not None:
        solara.Text(T("Week {week} of {weeks}", week=current.week, weeks=current.cfg.horizon_weeks))
    if failed.value:
        solara.Error(failed.value)
