"""``office=path/to/my_office.yaml`` on the command line: an office file in place of an office preset.

:func:`expand_office_files` replaces such an argument, before Hydra sees the command line, by the
file's presets (``office=default``, the policy its advisers' roles describe, the rural labour
market for a rural office) and its settings as dotted overrides (``scenarios.office_file``). A
setting or preset the command line gives itself is left out of the file's part, so explicit
overrides always win. :func:`office_config` gives the same configuration from Python (the
dashboard's "load my office").
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from domain.config import Config
from domain.params import ConfigError

if TYPE_CHECKING:
    from scenarios.office_file import OfficeFile

#: Endings that make an ``office=`` value a file rather than a preset name.
FILE_SUFFIXES = (".yaml", ".yml")


def is_office_file(value: str) -> bool:
    """An ``office=`` value that names a file (by its ending, or because the file exists)."""
    return value.lower().endswith((*FILE_SUFFIXES, ".csv")) or Path(value).is_file()


def hydra_value(value) -> str:
    """``value`` written for a Hydra override (strings quoted, dicts as ``{key:value,...}``). A string
    stays the text it is: in Hydra's quoted values a backslash escapes only before a quote, the end or
    ``${``, so those runs are doubled, quotes escaped, and ``${`` escaped so that an office's name
    (``${oc.env:SECRET}``) is never resolved as an interpolation."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{hydra_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        text = re.sub(r"(\\+)(?='|$|\$\{)", lambda run: run.group(1) * 2, value)
        return "'" + text.replace("'", "\\'").replace("${", "\\${") + "'"
    return repr(value)


#: Characters that give a value Hydra's grammar (sweeps, lists, dicts, interpolations, quotes, escapes).
_GRAMMAR = set("'\"\\,()[]{}$:=")


def quote_letters(argv: list[str]) -> list[str]:
    """``argv`` with a plain value that has letters outside ASCII (``name=Bodø``) quoted for Hydra
    (``name='Bodø'``), whose grammar takes such letters only in quotes; a value with any of Hydra's
    grammar in it (sweeps, quotes, lists, interpolations) is left as written."""
    quoted = []
    for arg in argv:
        key, sep, value = arg.partition("=")
        if (sep and not arg.startswith("-") and not value.isascii() and not (_GRAMMAR & set(value))
                and value.strip()):
            arg = f"{key}={hydra_value(value)}"
        quoted.append(arg)
    return quoted


def office_command_line(office: OfficeFile, given: set[str] = frozenset()) -> list[str]:
    """The Hydra overrides of ``office``, leaving out the keys in ``given`` (set on the command line)."""
    picks = {group: name for group, name in office.presets().items() if group not in given}
    settings = {k: v for k, v in office.overrides().items() if k != "policy.name" and k not in given}
    if "policy.name" in given:
        picks.pop("policy", None)
    return [f"{group}={name}" for group, name in picks.items()] + [f"{k}={hydra_value(v)}" for k, v in settings.items()]


def _key(arg: str) -> str:
    return arg.lstrip("+~").split("=", 1)[0]


def said_in(text, argv: list[str]) -> str:
    """``text`` in the language the command line asks for (``lang=nb``): a ``domain.params.Said`` (an
    office file's error or note) said again in bokmål, any other text as it is."""
    langs = [a.split("=", 1)[1] for a in argv if _key(a) == "lang" and "=" in a]
    from analysis.i18n import LANGUAGES, language, say

    lang = langs[-1].strip("'\"") if langs else "en"
    if lang not in LANGUAGES:
        return str(text)
    with language(lang):
        return say(text)


def expand_office_files(argv: list[str], notes: list[str] | None = None) -> list[str]:
    """``argv`` with an ``office=FILE`` argument replaced by the file's presets and settings, placed
    before the first other override (flags stay where they are); a key the command line sets itself
    is left out of the file's part. The file's notes are printed on stderr, or added to ``notes``.
    Raises ConfigError for a missing or bad file."""
    found = [i for i, a in enumerate(argv) if not a.startswith("-") and _key(a) == "office"
             and "=" in a and any(is_office_file(v) for v in a.split("=", 1)[1].split(","))]
    if not found:
        return list(argv)
    if len(found) > 1 or "," in argv[found[0]].split("=", 1)[1]:
        raise ConfigError("office=: one office file at a time (a sweep over office files is not supported)")
    value = argv[found[0]].split("=", 1)[1]
    if value.lower().endswith(".csv"):
        raise ConfigError(f"office={value}: office files are YAML (.yaml or .yml); see examples/urban_office.yaml")
    from scenarios.office_file import load_office_file   # the world's modules only when an office file is given

    office = load_office_file(value)
    for note in office.notes:
        if notes is None:
            print(f"inclusim: note: {said_in(note, argv)}", file=sys.stderr)
        else:
            notes.append(note)
    rest = [a for i, a in enumerate(argv) if i != found[0]]
    overrides = [i for i, a in enumerate(rest) if "=" in a and not a.startswith("-")]
    at = overrides[0] if overrides else len(rest)
    given = {_key(rest[i]) for i in overrides}
    return rest[:at] + office_command_line(office, given) + rest[at:]


def office_config(path: str | Path, overrides: list[str] = (), notes: list[str] | None = None) -> Config:
    """The Config that ``inclusim office=PATH [overrides]`` runs (validated; ConfigError if not valid);
    the file's notes are added to ``notes``."""
    from inclusim.compose import compose_config

    return compose_config(expand_office_files([f"office={path}", *overrides], notes=[] if notes is None else notes))


__all__ = ["expand_office_files", "hydra_value", "is_office_file", "office_command_line", "office_config"]
