"""The dashboard's state for one browser session, and the text of the page in its language.

Every ``solara.reactive`` here is per session (one leader's tab), so two leaders never see each
other's office or results. :func:`T` translates a page text into the session's language through
``analysis.i18n``, the one translation table.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import solara

from analysis.formatting import lever_value
from analysis.i18n import language, say, tr
from domain.params import Said
from domain.paths import CONF_DIR
from inclusim.dashboard.levers import lever_of, scenario_choices, settings_of, values_under
from inclusim.dashboard.safe import one_line
from inclusim.dashboard.server import OFFICE_DIR_VARIABLE
from scenarios.office_file import LIMITS as OFFICE_FILE_LIMITS

#: The language a leader sees first.
FIRST_LANGUAGE = "nb"
#: The example offices shipped with inclusim.
EXAMPLES_DIR = CONF_DIR.parent / "examples"
#: The labels of the two settings a comparison runs (translated when shown).
TODAY, CHOICE = "Today", "Your choice"


@dataclass(frozen=True)
class Office:
    """The office the leader works on: a name, where it came from (``source``, as shown; ``origin``:
    "built-in", "example", "server" for the server's office folder, "upload" for the leader's own
    machine), and its settings (dotted)."""

    name: str
    source: str = ""
    settings: dict = field(default_factory=dict)
    origin: str = "built-in"


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
stopping = solara.reactive(None)       # after Stop: None (not stopping), -1 (asked) or the runs ending first
staffing_progress = solara.reactive("")
result = solara.reactive(None)         # the latest finished comparison (runner.Outcome), shown until the next
result_office = solara.reactive(BUILT_IN)   # the office that result was simulated for


def T(text: str, /, **fields) -> str:
    """``text`` in the session's language (fields filled in after the look-up)."""
    with language(lang.value):
        return tr(text, **fields)


def S(text) -> str:
    """A text kept as said (``domain.params.Said``: an office file's note or error) in the session's
    language, on one line."""
    with language(lang.value):
        return one_line(say(text))


def explain(exc: Exception) -> str:
    """A user error in the session's language: a setting refused for its value (a ConfigError with its
    parts, ``domain.params.refuse``) is said with the lever's own name and the rule in the page's
    words; any other error as it was raised."""
    rule = getattr(exc, "rule", None)
    if rule is None:
        return one_line(exc)
    lever = lever_of(exc.setting)
    name = lever.label if lever else PAGE_NAMES.get(exc.setting)
    with language(lang.value):
        shown = {name: lever_value(value) for name, value in exc.fields.items()}
        if "unit" in shown:
            shown["unit"] = tr(shown["unit"])
        return one_line(tr("{setting} = {value}: " + rule, setting=tr(name) if name else exc.setting,
                           value=lever_value(exc.value), **shown))


#: The page's names of what a refusal may name that is not a lever.
PAGE_NAMES = {"replications": "Replications (seeds)"}


@dataclass(frozen=True)
class OfficeFolder:
    """A folder of office files the server was given (the examples; ``--office-dir``), offered by
    name: a leader picks a name from :meth:`names`, never types a path. Only the ``.yaml``/``.yml``
    files directly in the folder count, and only those whose real path is inside it (a link that
    leads out of the folder is left out)."""

    path: Path

    def names(self) -> list[str]:
        """The names of the folder's office files, sorted."""
        try:
            entries = list(self.path.iterdir())
        except OSError:
            return []
        return sorted(entry.name for entry in entries if self._inside(entry))

    def file(self, name: str) -> Path:
        """The file called ``name``, if it is one of :meth:`names` (anything else is a ConfigError)."""
        from domain.params import ConfigError

        if name not in self.names():
            raise ConfigError(f"office file {one_line(name, 80)!r}: not among the office files offered "
                              f"({', '.join(self.names()) or 'none'})")
        return (self.path / name).resolve()

    def _inside(self, entry: Path) -> bool:
        if entry.suffix.lower() not in OFFICE_SUFFIXES:
            return False
        try:
            real = entry.resolve(strict=True)
        except (OSError, RuntimeError):
            return False
        return real.is_file() and real.parent == self.path.resolve()


#: The endings of office files.
OFFICE_SUFFIXES = (".yaml", ".yml")
#: The example offices shipped with inclusim.
EXAMPLES = OfficeFolder(EXAMPLES_DIR)
#: The largest office file the page takes from a leader's machine: the office file reader's own limit
#: (an office file is a few kB); a larger one is not even sent.
MAX_UPLOAD_BYTES = OFFICE_FILE_LIMITS.max_bytes


def office_folder() -> OfficeFolder | None:
    """The folder of office files the server was started with (``inclusim dashboard --office-dir``), if any."""
    folder = os.environ.get(OFFICE_DIR_VARIABLE)
    return OfficeFolder(Path(folder)) if folder else None


@functools.cache
def example_title(name: str) -> str:
    """What an example office is called on its button: the office's own name in the file (``NAV
    Eksempelbygd``), the file's name if it has none or cannot be read."""
    from scenarios.office_file import load_office_file

    try:
        return load_office_file(EXAMPLES.file(name)).name or Path(name).stem
    except Exception:       # noqa: BLE001 - a button label is never a reason to fail; loading says what is wrong
        return Path(name).stem


def load_example(name: str) -> None:
    """The example office called ``name`` (one of ``EXAMPLES.names()``)."""
    _load_from(EXAMPLES, name, source=f"examples/{name}", origin="example")


def load_from_office_folder(name: str) -> None:
    """The office file called ``name`` in the server's office folder."""
    folder = office_folder()
    if folder is None:
        office_error.set(T("This dashboard was started without an office folder (--office-dir)."))
        return
    _load_from(folder, name, source=name, origin="server")


def _load_from(folder: OfficeFolder, name: str, source: str, origin: str) -> None:
    from domain.params import ConfigError

    try:
        path = folder.file(name)
    except ConfigError as exc:
        office_error.set(one_line(exc))
        return
    _load_office(path, source, origin)


def load_uploaded_office(name: str, data: bytes | None, size: int | None = None) -> None:
    """An office file from the leader's own machine (chosen or dropped on the page): its bytes are put
    in a folder of its own under the system's temporary folder, loaded as an office file on the
    server is, then removed (the office keeps its settings, not the file). ``name`` is only shown;
    ``data`` None (or more than :data:`MAX_UPLOAD_BYTES`): the file was too large to be sent."""
    import shutil
    import tempfile

    shown = one_line(name, 80) or "office.yaml"
    if data is None or len(data) > MAX_UPLOAD_BYTES:
        office_error.set(T("{name}: {size} bytes; the page takes office files of at most {limit} bytes",
                           name=shown, size=len(data) if data is not None else size, limit=MAX_UPLOAD_BYTES))
        return
    folder = Path(tempfile.mkdtemp(prefix="inclusim_office_"))
    try:
        path = folder / "office.yaml"      # a name of ours: the leader's file name goes nowhere but the page
        path.write_bytes(data)
        _load_office(path, shown, "upload")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _load_office(path: Path, source: str, origin: str) -> None:
    """Make the office file at ``path`` the office worked on (its levers become today's values), as
    ``inclusim office=PATH`` would run it; a bad file leaves the office as it was and shows the
    loader's one-line error, which names the row and the field (the file called ``source`` there)."""
    from domain.params import ConfigError
    from inclusim.office import office_config

    notes: list[str] = []
    try:
        settings = settings_of(office_config(path, notes=notes))
        today = values_under(settings)
    except ConfigError as exc:      # kept as said (``domain.params.Said``): shown in the page's language
        said = exc.said
        if said is not None and said.fields.get("file") == str(path):
            office_error.set(Said(said.template, **{**said.fields, "file": source}))
        else:
            office_error.set(one_line(str(exc).replace(str(path), source)))
        return
    except Exception as exc:      # the loader says every fault of a file in a ConfigError; this is a fault of ours
        office_error.set(Said("office file {file}: could not be loaded ({problem}); check it with 'inclusim "
                              "office=FILE'", file=source, problem=type(exc).__name__))
        return
    office_error.set("")
    office_notes.set(list(notes))       # said in the page's language when shown (:func:`S`)
    lever_errors.set({})    # every lever shows the new office's value
    values.set(today)       # the levers first: a page that shows the office's name shows its numbers
    office.set(Office(one_line(settings.get("office.name") or Path(source).stem, 120), source, settings, origin))


def office_label(office_value: Office) -> str:
    """How the page names an office: the built-in one in the page's language, any other by its own name."""
    return T(office_value.name) if office_value == BUILT_IN else office_value.name


def use_built_in() -> None:
    office_error.set("")
    office_notes.set([])
    lever_errors.set({})
    values.set(values_under({}))
    office.set(BUILT_IN)
