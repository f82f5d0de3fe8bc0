"""The Solara app of ``inclusim dashboard``: the pages and the layout around them.

Pages: simulate (``/``), week by week (``/week``), explore a sweep (``/sweep``) and staff mix for
a budget (``/staffing``), chosen by the address (a link can point at any of them). The app bar holds the page links and the language switch
(bokmål first, English); every text goes through the one translation table (``analysis.i18n``).
"""

from __future__ import annotations

import solara

from inclusim.dashboard import state
from inclusim.dashboard.safe import one_line
from inclusim.dashboard.simulate import SimulatePage
from inclusim.dashboard.staffing_page import StaffingPage
from inclusim.dashboard.state import T
from inclusim.dashboard.sweep_page import SweepPage
from inclusim.dashboard.week import WeekPage

#: The language switch: what each language is called in itself.
LANGUAGE_NAMES = {"nb": "Norsk", "en": "English"}


#: (path, English label, page) of each page, in the order of the links.
PAGES = (
    ("", "Simulate", SimulatePage),
    ("week", "Week by week", WeekPage),
    ("sweep", "Explore a sweep", SweepPage),
    ("staffing", "Staff mix for a budget", StaffingPage),
)

@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's signature
    return solara.Column(children=children, style={"padding": "0"})


@solara.component
def Dashboard():
    """The app: the page of the address's first path part (``/``, ``/week``, ``/sweep``, ``/staffing``),
    links to the others and the language switch in the app bar."""
    router = solara.use_router()
    current = router.path.strip("/").split("/")[0]
    pages = {path: page for path, _label, page in PAGES}
    names = {name: code for code, name in LANGUAGE_NAMES.items()}
    solara.Title("inclusim")
    with solara.AppLayout(title=T("inclusim: work inclusion in the NAV office"), navigation=False):
        with solara.AppBar():
            for path, label, _page in PAGES:
                solara.Button(T(label), text=True, dark=True, outlined=path == current,
                              on_click=lambda path=path: router.push("/" + path))
            solara.ToggleButtonsSingle(value=LANGUAGE_NAMES[state.lang.value], values=list(names),
                                       on_value=lambda name: state.lang.set(names[name]))
        if current in pages:
            pages[current]()
        else:
            solara.Error(T("No page {path}: the pages are {pages}", path=one_line(router.path, 80),
                           pages=", ".join("/" + path for path in pages)))


#: The addresses Solara's router accepts, each drawn by :func:`Dashboard` (inside the passthrough
#: :func:`Layout`, so no layout of Solara's own is added around it).
routes = [solara.Route(path=path or "/", component=Dashboard, layout=Layout) for path, _label, _page in PAGES]
