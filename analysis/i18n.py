"""The one home of translation: the report, its charts and the terminal summary in English or bokmål.

Code writes its user-visible text in English and passes it through :func:`tr`; the table
``analysis/translations.yaml`` maps each English source text to its Norwegian bokmål text (the NAV
terms: bruker, veileder, jobbspesialist, arbeidstrening, mentor, oppfølging). The language is set
once around the work, so chart and reading code need not pass it down::

    from analysis.i18n import language, tr

    with language("nb"):
        tr("Outcomes by policy")          # 'Utfall etter oppfølgingsmodell'
        tr("{n} runs", n=12)              # '12 kjøringer': fields are filled in after the look-up

A text with values in it is looked up by its template (``"{n} runs"``), never by the finished text.
English is the source: in ``en`` :func:`tr` only fills in the fields. A text the table lacks is
shown in English and remembered (:func:`missing`), so a test can insist that nothing was left out.
Numbers follow the language too: :func:`decimal_mark` is ',' in bokmål (``analysis.formatting``
and the charts' axes use it). The plain names the domain defines in English (KPIs, roles,
activities, groups of states) are translated here by their English text; they stay in ``domain/``.
"""

from __future__ import annotations

import contextlib
import functools
import string
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from importlib import resources
from types import MappingProxyType

import yaml

from domain.params import ConfigError, Said
from domain.terms import LANGUAGES

#: The language of the source texts, and of everything when none is chosen.
DEFAULT_LANGUAGE = "en"
#: The table: English source text -> bokmål text, beside this module (packaged with it).
TABLE_FILE = "translations.yaml"
#: The mark between a number's whole part and its decimals, per language.
DECIMAL_MARKS = {"en": ".", "nb": ","}

_current: ContextVar[str] = ContextVar("inclusim_language", default=DEFAULT_LANGUAGE)
_missing: dict[str, set[str]] = {}


def check_language(lang, name: str = "lang") -> str:
    """``lang`` when it is one of :data:`LANGUAGES`; otherwise a ``ConfigError`` naming the setting
    (``name``), the value and the languages allowed."""
    if lang not in LANGUAGES:
        raise ConfigError(f"{name} = {lang!r}: allowed values are {', '.join(LANGUAGES)} "
                          "(en English, nb Norwegian bokmål)")
    return lang


def current_language() -> str:
    """The language :func:`tr` translates into now ('en' unless inside :func:`language`)."""
    return _current.get()


@contextlib.contextmanager
def language(lang: str) -> Iterator[str]:
    """Translate into ``lang`` inside the ``with`` block (per thread and task); an unknown language is
    a ``ConfigError``. Nested blocks restore the outer language when they end."""
    token = _current.set(check_language(lang))
    try:
        yield lang
    finally:
        _current.reset(token)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a source text given twice (the table must have one entry per text)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ValueError(f"{TABLE_FILE}: {key!r} is translated twice (line {key_node.start_mark.line + 1})")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


@functools.cache
def _table() -> Mapping[str, str]:
    text = resources.files("analysis").joinpath(TABLE_FILE).read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_UniqueKeyLoader) or {}   # a SafeLoader that refuses duplicate keys
    return MappingProxyType({str(k): str(v) for k, v in data.items()})


def translations(lang: str = "nb") -> Mapping[str, str]:
    """The table for ``lang``, read-only: English source text -> text in ``lang`` (empty for 'en')."""
    return _table() if check_language(lang) != DEFAULT_LANGUAGE else MappingProxyType({})


def tr(text: str, /, **fields) -> str:
    """``text`` (English) in the current language, then ``.format(**fields)`` when fields are given.

    A text the table lacks comes back in English and is remembered (:func:`missing`)."""
    lang = _current.get()
    if lang != DEFAULT_LANGUAGE:
        found = _table().get(text)
        if found is None:
            _missing.setdefault(lang, set()).add(text)
        else:
            text = found
    return text.format(**fields) if fields else text


def say(text) -> str:
    """``text`` in the current language: a :class:`domain.params.Said` made again from its template and
    fields (each field said the same way), any other text as it is."""
    if isinstance(text, Said):
        template = text.template
        return tr(template, **{k: say(v) for k, v in text.fields.items()}) if text.fields else tr(template)
    return text if isinstance(text, str) else str(text)


def missing(lang: str = "nb") -> set[str]:
    """The English texts looked up in ``lang`` since the process started that the table lacks."""
    return set(_missing.get(lang, ()))


def fields_of(text: str) -> set[str]:
    """The names of the format fields of a text: {'n'} for '{n} runs'."""
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}


def decimal_mark() -> str:
    """The decimal mark of the current language: '.' in English, ',' in bokmål."""
    return DECIMAL_MARKS[_current.get()]


def localise_number(text: str) -> str:
    """A number written with '.' as its decimal mark, in the current language's form ('12.5' -> '12,5')."""
    mark = decimal_mark()
    return text if mark == "." else text.replace(".", mark)


__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "check_language", "current_language", "decimal_mark", "fields_of",
           "language", "localise_number", "missing", "tr", "translations"]
