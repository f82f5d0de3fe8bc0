"""The dashboard's state for one browser session, and the text of the page in its language.

Every ``solara.reactive`` here is per session (one leader's tab), so two leaders never see each
other's office or results. :func:`T` translates a page text into the session's language through
``analysis.i18n``, the one translation table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import solara

from analysis.formatting import lever_value
from analysis.i18n import language, tr
from domain.paths import CONF_DIR
from inclusim.dashboard.levers import lever_of, scenario_choices, settings_of, values_under

#: The language a leader sees first.
FIRST_LANGUAGE = "nb"
#: The example offices shipped with inclusim.
EXAMPLES_DIR = CONF_DIR.parent / "examples"
#: The labels of the two settings a comparison runs (translated when shown).
TODAY, CHOICE = "Today", "Your choice"


@dataclass(frozen=True)
class Office:
    """The office the leader works on: a name, where it came from, and its settings (dotted)."""

    name: str
    source: str = ""
    settings: dict = field(default_factory=dict)


BUILT_IN = Office("The built-in default office")

lang = solara.reactive(FIRST_LANGUAGE)
office = solara.reactive(BUILT_IN)
office_error = solara.reactive("")
office_notes = solara.reactive([])
lever_errors = solara.reactive({})     # lever key -> what was wrong with the text typed
scenario = solara.reactive({key: choice.default for key, choice in scenario_choices().items()})
values = solara.reactive(values_under({}))
replications = solara.reactive(8)
parameter_sets = solara.reactive(False)   # run every parameter set of the calibrated ensemble too
progress = solara.reactive((0, 0))
staffing_progress = solara.reactive("")
result = solara.reactive(None)         # the latest finished comparison (runner.Outcome), shown until the next
result_office = solara.reactive(BUILT_IN.name)   # the office that result was simulated for


def T(text: str, /, **fields) -> str:
    """``text`` in the session's language (fields filled in after the look-up)."""
    with language(lang.value):
        return tr(text, **fields)


def explain(exc: Exception) -> str:
    """A user error in the session's language: a setting refused for its value (a ConfigError with its
    parts, ``domain.params.refuse``) is said with the lever's own name and the rule in the page's
    words; any other error as it was raised."""
    rule = getattr(exc, "rule", None)
    if rule is None:
        return str(exc)
    lever = lever_of(exc.setting)
    with language(lang.value):
        shown = {name: lever_value(value) for name, value in exc.fields.items()}
        if "unit" in shown:
            shown["unit"] = tr(shown["unit"])
        return tr("{setting} = {value}: " + rule, setting=tr(lever.label) if lever else exc.setting,
                  value=lever_value(exc.value), **shown)


def example_offices() -> list[Path]:
    """The example office files (``examples/*.yaml``)."""
    return sorted(EXAMPLES_DIR.glob("*.yaml")) if EXAMPLES_DIR.is_dir() else []


def load_dropped_office(name: str, data: bytes) -> None:
    """An office file dropped on the page (from the leader's own machine): put in a folder of its own
    under the system's temporary folder, loaded as :func:`load_office` loads a path, then removed (the
    office keeps its settings, not the file)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="inclusim_office_"))
    try:
        path = folder / Path(name).name
        path.write_bytes(data)
        load_office(path, shown_as=Path(name).name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def load_office(path: str | Path, shown_as: str | None = None) -> None:
    """Make the office file at ``path`` the office worked on (its levers become today's values), as
    ``inclusim office=PATH`` would run it; a bad file leaves the office as it was and shows the
    error, which names the row and the field. ``shown_as``: how to name the file on the page."""
    from domain.params import ConfigError
    from inclusim.office import office_config

    notes: list[str] = []
    path = Path(str(path).strip()).expanduser()
    try:
        settings = settings_of(office_config(path, notes=notes))
        today = values_under(settings)
    except ConfigError as exc:
        office_error.set(str(exc).replace(str(path), shown_as) if shown_as else str(exc))
        return
    office_error.set("")
    office_notes.set(notes)
    values.set(today)       # the levers first: a page that shows the office's name shows its numbers
    office.set(Office(settings.get("office.name") or path.stem, shown_as or str(path), settings))


def use_built_in() -> None:
    office_error.set("")
    office_notes.set([])
    values.set(values_under({}))
    office.set(BUILT_IN)
