"""YAML a user gives (an office file): read with limits, so that no file can hang, crash or fool the reader.

``yaml.safe_load`` builds whatever a file describes: aliases that expand a few lines into gigabytes
("billion laughs"), nesting deep enough to exhaust Python's recursion, a key given twice of which
the last silently wins, merge keys (``<<``) that hide one, dates that fail to build (``2020-13-45``
raises ValueError), and numbers by YAML 1.1's rules (``075`` is octal 61, ``1:30`` is 90 in base 60,
``NO`` is false). :func:`read_yaml` reads the event stream of PyYAML's parser (libyaml's when
installed) and builds plain values itself, refusing with one :class:`~domain.params.ConfigError`
line, before anything large is built:

* a file larger than :attr:`YamlLimits.max_bytes` (read no further), a NUL byte, bytes that are
  not UTF-8 text, text that is not YAML, more than one document;
* a character of Unicode's categories Cc, Cf, Zl, Zp or Cs anywhere in the file or in a value
  written with an escape (``"\\u202e"``): control characters, invisible format characters (U+202E
  turns text around, U+200B and U+00AD hide in it) and line or paragraph separators (U+2028, which
  YAML takes as a line break), named as U+XXXX with the line and column or the character in the
  text (:func:`check_text`, the one rule for text, also for names given on the command line);
  only tab, line feed and carriage return may stand in the file between values;
* any anchor or alias (``&name``, ``*name``) and any tag (``!!python/object``, ``!!binary``);
* nesting deeper than :attr:`YamlLimits.max_depth`, more than :attr:`YamlLimits.max_values`
  values, a value or key longer than :attr:`YamlLimits.max_text` characters;
* a key that is a list or a table, and a key given twice in one table (both lines named);
* a number in a form that YAML 1.1 and YAML 1.2 readers take for different numbers or that is not
  decimal: a whole number with a leading zero (``075``: octal 61 to YAML 1.1, 75 to YAML 1.2;
  refused, saying to write 75, rather than guessed, since the file then means one thing to every
  reader), base 60 (``1:30``), ``0x``, ``0o``, ``0b`` and ``_`` in a number (``1_000``).

What it builds: dicts, lists, and for each plain value what YAML 1.2's core schema says, stricter
(:func:`plain_value`): ``null``, ``~`` or nothing is None; ``true`` and ``false`` (any case) a bool;
a whole number in decimal an int; a decimal fraction or exponent (``0.5``, ``.5``, ``1e3``) and
``.inf``, ``.nan`` a float; anything else, quoted values and the plain values under a key of
:attr:`YamlLimits.text_keys` (a name: ``name: 2024`` is the text '2024', ``name: NO`` 'NO') the text
as written. A piece of the file put into a message goes through :func:`shown` (quoted, at most
:data:`SHOWN_CHARS` characters; ``repr`` writes an invisible character as its escape), so a file
cannot pour its content into a message (the dashboard shows them on a page).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from domain.params import ConfigError

#: At most this many characters of a value from a file go into a message.
SHOWN_CHARS = 40

#: The parser: libyaml's when PyYAML was built with it (about ten times faster), else PyYAML's own.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlLimits:
    """What :func:`read_yaml` accepts; ``kind`` names such a file in a message ("an office file")."""

    kind: str = "this file"        # "an office file"
    max_bytes: int = 1_000_000      # 1 MB
    max_depth: int = 20             # tables and lists inside each other
    max_values: int = 10_000        # keys, values, tables and lists together
    max_text: int = 200             # characters in one key or value
    #: keys whose plain values are text as written, never a number or a bool (``name: 2024``: '2024')
    text_keys: frozenset[str] = frozenset()


def shown(value) -> str:
    """``value`` quoted for a message, at most :data:`SHOWN_CHARS` characters (a long one cut with '...'),
    a whole number of more than 20 digits by its first digits and its length."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 20:
        digits = str(abs(value))
        return f"{'-' if value < 0 else ''}{digits[:12]}... ({len(digits)} digits)"
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "..."


#: Unicode's categories of characters no text from a user may hold: control (Cc, also tab and line
#: feed), format (Cf: invisible, such as U+202E that turns text around, U+200B, U+00AD, U+FEFF),
#: line and paragraph separators (Zl, Zp) and surrogates (Cs, half a character).
FORBIDDEN_CATEGORIES = {"Cc": "a control character", "Cf": "an invisible format character",
                        "Zl": "a line separator", "Zp": "a paragraph separator", "Cs": "a surrogate (half a character)"}

#: Characters that may be of a forbidden category, looked up one by one: all but large parts of
#: Unicode that hold none (a test checks them against the running Python's Unicode tables): printable
#: ASCII, U+00A0 to U+05FF but the soft hyphen U+00AD (Latin, Greek, Cyrillic, Hebrew), U+0900 to
#: U+17FF (the scripts of India and South-East Asia), U+2070 to U+D7FF (symbols, CJK, Hangul), U+E000
#: to U+FEFE (private use, compatibility forms).
_UNUSUAL = re.compile("[^\x20-\x7e\xa0-\xac\xae-\u05ff\u0900-\u17ff\u2070-\ud7ff\ue000-\ufefe]")


@functools.lru_cache(maxsize=4096)
def _forbidden(char: str) -> bool:
    return unicodedata.category(char) in FORBIDDEN_CATEGORIES


def _first_forbidden(text: str, allowed: str = "") -> int | None:
    """The index of the first character in ``text`` of :data:`FORBIDDEN_CATEGORIES` not in ``allowed``."""
    for match in _UNUSUAL.finditer(text):
        char = match.group()
        if char not in allowed and _forbidden(char):
            return match.start()
    return None


def _character(char: str) -> str:
    """'U+202E (RIGHT-TO-LEFT OVERRIDE), an invisible format character'."""
    name = unicodedata.name(char, None)
    return f"U+{ord(char):04X}{f' ({name})' if name else ''}, {FORBIDDEN_CATEGORIES[unicodedata.category(char)]}"


_NO_SUCH = "not allowed in a text (no control, format or separator characters)"


def check_text(where: str, text, max_chars: int) -> str:
    """``text`` if it is a text of at most ``max_chars`` characters without a character of
    :data:`FORBIDDEN_CATEGORIES`; else one ConfigError line that starts with ``where`` (the field,
    "name") and names the first such character as U+XXXX and its place (counted from 1):
    ``name: character 4 of 'NAV\\u202eOslo' is U+202E (RIGHT-TO-LEFT OVERRIDE), an invisible format
    character: not allowed in a text (...)``. The one rule for text a user gives, in a file or on the
    command line."""
    if not isinstance(text, str):
        raise ConfigError(f"{where} = {shown(text)}: must be text")
    if len(text) > max_chars:
        raise ConfigError(f"{where}: a text of {len(text):,} characters; at most {max_chars:,} allowed")
    at = _first_forbidden(text)
    if at is not None:
        raise ConfigError(f"{where}: character {at + 1} of {shown(text)} is {_character(text[at])}: {_NO_SUCH}")
    return text


#: YAML 1.2's core schema for plain values (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_NULL = re.compile(r"~|null|Null|NULL|")
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
#: Number forms refused: other bases, YAML 1.1's base 60 (1:30 is 90) and '_' (1_000 is 1000).
_BASE = re.compile(r"[-+]?0(x[0-9a-fA-F_]+|o[0-7_]+|b[01_]+)")
_BASE_NAMES = {"x": "a hexadecimal number", "o": "an octal number", "b": "a binary number"}
_SIXTY = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")


class NumberForm(ValueError):
    """A plain value written as a number in a form :func:`plain_value` does not read; says what to write."""


def plain_value(text: str):
    """A plain (unquoted) value as YAML 1.2's core schema reads it, stricter: None, a bool, an int,
    a float or the text written; :class:`NumberForm` for a number in a form readers disagree on or
    not in decimal (``075``, ``1:30``, ``0x46``, ``1_000``)."""
    if _NULL.fullmatch(text):
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if _INT.fullmatch(text):
        digits = text.lstrip("+-")
        if len(digits) > 1 and digits.startswith("0"):
            octal = f" (YAML 1.1 reads it as octal, {int(text, 8)})" \
                if set(digits) <= set("01234567") and int(text, 8) != int(text) else ""
            raise NumberForm(f"a whole number may not start with 0{octal}; write {int(text)}")
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.fullmatch(text):
        return math.nan
    base = _BASE.fullmatch(text)
    if base:
        try:
            value = f", {int(text.replace('_', ''), 0)}"
        except ValueError:          # '0b_': no digits
            value = ""
        raise NumberForm(f"{_BASE_NAMES[base.group(1)[0]]}; write it in decimal{value}")
    if _SIXTY.fullmatch(text):
        raise NumberForm(f"a number in base 60 (YAML 1.1 reads it as {_sixty(text)}); write the number in decimal")
    if "_" in text and (_INT.fullmatch(text.replace("_", "")) or _FLOAT.fullmatch(text.replace("_", ""))):
        written = text.replace("_", "")
        raise NumberForm(f"a number with '_'; write {int(written) if _INT.fullmatch(written) else written}")
    return text


def _sixty(text: str) -> str:
    """YAML 1.1's value of a base-60 number: '1:30' -> '90', '12:30.5' -> '750.5'."""
    sign = -1 if text.startswith("-") else 1
    value = 0.0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        value = value * 60 + float(part or 0)
    value *= sign
    if abs(value) >= 1e15:
        return f"{value:.3g}"
    return str(int(value)) if value.is_integer() else str(value)


class _Table:
    """A table (dict) or list being built, and the steps to it from the top ('advisers', 'row 2')."""

    def __init__(self, container, where: list[str]):
        self.container, self.where = container, where
        self.key = _NO_KEY            # a table's key whose value comes next
        self.lines: dict = {}         # a table's keys -> (line, column) where given


_NO_KEY = object()


def read_yaml(path: str | Path, what: str, limits: YamlLimits = YamlLimits()):
    """The content of the YAML file at ``path`` (:func:`parse_yaml`); ``what`` starts every message
    ("office file my_office.yaml"). A file that is missing or cannot be read is one line too."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{what} not found")
    if not path.is_file():
        raise ConfigError(f"{what} is not a file (a folder or a device)")
    try:
        with path.open("rb") as stream:
            data = stream.read(limits.max_bytes + 1)
    except OSError as exc:
        raise ConfigError(f"{what} cannot be read ({exc.strerror or type(exc).__name__})") from None
    return parse_yaml(data, what, limits)


def parse_yaml(data: bytes, what: str, limits: YamlLimits = YamlLimits()):
    """The content of one YAML document given as bytes, within ``limits``; ConfigError otherwise."""
    def refuse(message: str):
        return ConfigError(f"{what}: {message}")

    if len(data) > limits.max_bytes:
        raise refuse(f"larger than {limits.max_bytes:,} bytes ({limits.max_bytes / 1e6:g} MB), "
                     f"the most allowed for {limits.kind}")
    if b"\0" in data:
        at = data.index(b"\0")
        line = data.count(b"\n", 0, at) + 1
        column = len(data[data.rfind(b"\n", 0, at) + 1:at].decode("utf-8", "replace")) + 1
        raise refuse(f"line {line}, column {column}: U+0000, a NUL byte: binary data, not YAML text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise refuse(f"line {line}: byte {data[exc.start]:#04x} is not UTF-8 text; save the file as UTF-8") from None
    text = text.removeprefix("\ufeff")
    bad = _first_forbidden(text, allowed="\t\n\r")
    if bad is not None:      # before YAML sees it: U+2028 and U+0085 are line breaks to it, C0 and C1 an error
        raise refuse(_placed(text, bad, limits))
    try:
        return _build(yaml.parse(text, Loader=_LOADER), refuse, limits)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        if isinstance(exc, yaml.reader.ReaderError):    # a character YAML does not allow; libyaml counts bytes
            before = text.encode()[:exc.position] if _LOADER is not yaml.SafeLoader else text[:exc.position]
            where = f" at line {before.count(b'\n' if isinstance(before, bytes) else '\n') + 1}"
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or type(exc).__name__
        if problem == "exceeded maximum nesting depth":      # libyaml's own bound, met before the events' one
            raise refuse(f"line {mark.line + 1 if mark else 1}: nested more than {limits.max_depth} levels deep, "
                         f"the most allowed in {limits.kind}") from None
        raise refuse(f"not readable as YAML{where} ({problem[:80]})") from None


class _Found(Exception):
    """The character :func:`_build` watches for is in the value at ``steps`` (a key: 'a key' last)."""

    def __init__(self, steps: list[str]):
        super().__init__()
        self.steps = steps


def _placed(text: str, index: int, limits: YamlLimits) -> str:
    """The message for the forbidden character at ``index`` of the file's ``text``: its line and
    column (lines as an editor counts them) and the key or value it is in, found by reading the file
    with every forbidden character made a plain letter."""
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    steps = None
    bad = "".join(char for char in set(_UNUSUAL.findall(text)) if char not in "\t\n\r" and _forbidden(char))
    plain = re.sub(f"[{re.escape(bad)}]", "x", text)
    try:
        _build(yaml.parse(plain, Loader=_LOADER), lambda message: ConfigError(message), limits, watch=index)
    except _Found as found:
        steps = found.steps
    except (ConfigError, yaml.YAMLError):   # the file has other faults too: this one is named first
        pass
    place = f" ({_words(steps)})" if steps else ""
    return f"line {line}{place}, column {column}: {_character(text[index])}: not allowed in {limits.kind} " \
           "(no control, format or separator characters)"


def _build(events, refuse, limits: YamlLimits, watch: int | None = None):
    """Plain values from the parser's events, refusing what :class:`YamlLimits` and the module's rules forbid;
    ``watch``: raise :class:`_Found` at the key or value that holds the file's character at this index."""
    stack: list[_Table] = []
    result, documents, count = None, 0, 0
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise refuse(f"line {event.start_mark.line + 1}: a second YAML document ('---'); "
                             f"{limits.kind} is one document")
            continue
        if not isinstance(event, (yaml.NodeEvent, yaml.CollectionEndEvent)):
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            done = stack.pop()
            if stack:
                _put(stack[-1], done.container, None, refuse)
            else:
                result = done.container
            continue
        line = event.start_mark.line + 1
        top = stack[-1] if stack else None
        steps = _steps(top)
        at = f"line {line}{f' ({_words(steps)})' if steps else ''}"
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise refuse(f"{at}: {shown(sign + event.anchor)}: anchors and aliases (&name, *name) are not allowed; "
                         f"{limits.kind} needs none: write each value out")
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise refuse(f"{at}: the tag {shown(tag)}: tags (!name, !!type) are not allowed; {limits.kind} needs none")
        count += 1
        if count > limits.max_values:
            raise refuse(f"{at}: more than {limits.max_values:,} values, the most allowed in {limits.kind}")
        if top is not None and top.key is _NO_KEY and isinstance(top.container, dict) \
                and not isinstance(event, yaml.ScalarEvent):
            raise refuse(f"{at}: a key that is a list or a table; keys are names")
        if isinstance(event, yaml.ScalarEvent):
            if watch is not None and event.start_mark.index <= watch < event.end_mark.index:
                is_key = top is not None and isinstance(top.container, dict) and top.key is _NO_KEY
                raise _Found([*steps, "a key"] if is_key else steps)
            try:
                check_text(at, event.value, limits.max_text)
            except ConfigError as exc:
                raise refuse(str(exc)) from None
            value = event.value
            if event.implicit[0]:        # plain, not quoted: a number, a bool, None or text
                text_key = top is not None and isinstance(top.container, dict) and top.key is not _NO_KEY \
                    and isinstance(top.key, str) and top.key in limits.text_keys
                try:
                    value = plain_value(value)
                except NumberForm as exc:
                    if not text_key:
                        raise refuse(f"{at}: {shown(event.value)}: {exc}; numbers are written in decimal in "
                                     f"{limits.kind}") from None
                if text_key and value is not None:
                    value = event.value
            if top is None:
                result = value
            else:
                _put(top, value, (line, event.start_mark.column + 1), refuse)
            continue
        if len(stack) >= limits.max_depth:
            raise refuse(f"{at}: nested more than {limits.max_depth} levels deep, the most allowed in {limits.kind}")
        container = {} if isinstance(event, yaml.MappingStartEvent) else []
        stack.append(_Table(container, steps))
    return result


def _steps(top: _Table | None) -> list[str]:
    """The steps to the next value from the top: ['advisers', 'row 2', 'label'] (rows counted from 1)."""
    if top is None:
        return []
    if isinstance(top.container, list):
        return [*top.where, f"row {len(top.container) + 1}"]
    return list(top.where) if top.key is _NO_KEY else [*top.where, _name(top.key)]


def _words(steps: list[str]) -> str:
    """The place in a message: 'advisers, row 2, label' (the last three steps of a deeper one)."""
    return ", ".join(steps if len(steps) <= 4 else ["...", *steps[-3:]])


def _name(key) -> str:
    """A key as a message names it: a plain name as itself, anything else through :func:`shown`."""
    return key if isinstance(key, str) and _PLAIN.fullmatch(key) else shown(key)


_PLAIN = re.compile(r"[A-Za-z0-9_]{1,30}")


def _put(table: _Table, value, mark, refuse) -> None:
    """Add ``value`` to ``table``: to a list, or as a table's key or as the value of its last key."""
    if isinstance(table.container, list):
        table.container.append(value)
    elif table.key is _NO_KEY:
        first = table.lines.get(value)     # keys are plain values (a list or table as a key is refused)
        if first is not None:
            at = (f"lines {first[0]} and {mark[0]}" if first[0] != mark[0]
                  else f"line {mark[0]} (columns {first[1]} and {mark[1]})")
            where = f"{_words(table.where)}: " if table.where else ""
            raise refuse(f"{where}the key {shown(value)} is given twice, at {at}; "
                         "give each key once (the second would silently replace the first)")
        table.lines[value] = mark
        table.key = value
    else:
        table.container[table.key] = value
        table.key = _NO_KEY


__all__ = ["FORBIDDEN_CATEGORIES", "SHOWN_CHARS", "NumberForm", "YamlLimits", "check_text", "parse_yaml",
           "plain_value", "read_yaml", "shown"]
