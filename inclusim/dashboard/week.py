"""The page that watches one run week by week: Mesa's SolaraViz on the office and setting chosen.

The model is the leader's choice on the first page (office, levers and scenario), seed 1. Each
step is one week; the charts show where the users are on the pathway and each adviser's planned
week. SolaraViz's own controls (play, step, reset) are Mesa's and in English.
"""

from __future__ import annotations

import pandas as pd
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from analysis.charts.outcomes import pathway_occupancy
from analysis.i18n import language
from domain.params import ConfigError
from inclusim.dashboard import state
from inclusim.dashboard.levers import build_config
from inclusim.dashboard.runner import check_size
from inclusim.dashboard.safe import literal, one_line
from inclusim.dashboard.simulate import comparison_settings
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
        figure.set_size_inches(8, 5.5)     # SolaraViz shows two charts side by side: larger text for the space
        solara.FigureMatplotlib(figure, format="png")


@solara.component
def AdviserWeeks(model):
    update_counter.get()
    with language(state.lang.value):
        figure = adviser_week_chart(adviser_week_table(model.staff.all_advisers), model.week)
        figure.set_size_inches(8, 5.5)
        solara.FigureMatplotlib(figure, format="png")


@solara.component
def WeekPage():
    try:
        settings = comparison_settings(state.office.value.settings, state.scenario.value, state.values.value)[1]
        config = build_config({**dict(settings.settings), "seed": 1, "record_events": False})
        check_size([settings], [1], workers=1, users=state.values.value["users"])     # it runs in the server
    except ConfigError as exc:
        solara.Error(one_line(state.explain(exc)))
        return
    model = solara.use_memo(lambda: InclusionModel(config), [settings.key])
    solara.Markdown(T("One run of your choice ({office}), week by week.",
                      office=literal(state.office_label(state.office.value))))
    SolaraViz(model, components=[(PathwayStates, 0), (AdviserWeeks, 0)], model_params={"config": config},
              name=T("Week by week"), play_interval=150, render_interval=1)
