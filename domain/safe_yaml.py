"""YAML a user gives (an office file): read with limits, so that no file can hang, crash or fool the reader.

``yaml.safe_load`` builds whatever a file describes: aliases that expand a few lines into gigabytes
("billion laughs"), nesting deep enough to exhaust Python's recursion, a key given twice of which
the last silently wins, merge keys (``<<``) that hide one, dates that fail to build (``2020-13-45``
raises ValueError). :func:`read_yaml` reads the event stream of PyYAML's parser (libyaml's when
installed) and builds plain values itself, refusing with one :class:`~domain.params.ConfigError`
line, before anything large is built:

* a file larger than :attr:`YamlLimits.max_bytes` (read no further), a NUL byte, bytes that are
  not UTF-8 text, text that is not YAML, more than one document;
* any anchor or alias (``&name``, ``*name``) and any tag (``!!python/object``, ``!!binary``);
* nesting deeper than :attr:`YamlLimits.max_depth`, more than :attr:`YamlLimits.max_values`
  values, a value or key longer than :attr:`YamlLimits.max_text` characters;
* a key that is a list or a table, and a key given twice in one table (both lines named).

What it builds: dicts, lists, and for each value what YAML's core schema says (None, bool, int,
float, str); a date or any other resolved type stays the text written. A piece of the file put into
a message goes through :func:`shown` (quoted, at most :data:`SHOWN_CHARS` characters), so a file
cannot pour its content into a message (the dashboard shows them on a page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from domain.params import ConfigError

#: At most this many characters of a value from a file go into a message.
SHOWN_CHARS = 40

#: The tags of YAML's core schema that are built as such; any other a plain value resolves to
#: (a date, ``=``, ``<<``) stays the text written.
_BUILT = {f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "str")}

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


def shown(value) -> str:
    """``value`` quoted for a message, at most :data:`SHOWN_CHARS` characters (a long one cut with '...'),
    a whole number of more than 20 digits by its first digits and its length."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 20:
        digits = str(abs(value))
        return f"{'-' if value < 0 else ''}{digits[:12]}... ({len(digits)} digits)"
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "..."


class _Values(SafeConstructor, Resolver):
    """PyYAML's own resolver and safe constructors, used one plain value at a time."""

    def __init__(self):
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def value(self, event: yaml.ScalarEvent):
        tag = self.resolve(ScalarNode, event.value, event.implicit)
        if tag not in _BUILT:
            return event.value
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return self.yaml_constructors[tag](self, node)


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
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise refuse(f"line {line}: a NUL byte: binary data, not YAML text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise refuse(f"line {line}: byte {data[exc.start]:#04x} is not UTF-8 text; save the file as UTF-8") from None
    text = text.removeprefix("\ufeff")
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


def _build(events, refuse, limits: YamlLimits):
    """Plain values from the parser's events, refusing what :class:`YamlLimits` and the module's rules forbid."""
    values = _Values()
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
            if len(event.value) > limits.max_text:
                raise refuse(f"{at}: a text of {len(event.value):,} characters; at most {limits.max_text} allowed "
                             "in one value")
            try:
                value = values.value(event)
            except (ValueError, OverflowError):    # '0b_', '2020-13-45': the form of a number or date, not one
                raise refuse(f"{at}: {shown(event.value)} is written as a number but is not one") from None
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


__all__ = ["SHOWN_CHARS", "YamlLimits", "parse_yaml", "read_yaml", "shown"]
