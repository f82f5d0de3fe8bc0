"""Parameters with provenance: the ``param()`` field, checking, merging, flattening and hashing.

Every parameter is a dataclass field created with :func:`param`, which records its unit, its
provenance (a seed line such as ``SEED 001:736``, an evidence ID such as ``EVID A1``, or
``ASSUMPTION``) and the range a user may set. The same metadata drives validation (a value outside
its range is refused with a message naming the field, the value and what is allowed), the
parameter table (``docs/parameters.md``) and Hydra's schema.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from dataclasses import field
from typing import Any

import numpy as np


class Said(str):
    """A text made from an English template and its fields: it reads as the English text, and keeps
    ``template`` and ``fields`` so that a page in another language can say it again in its own words
    (``analysis.i18n.say``; a field may itself be a ``Said``)."""

    template: str
    fields: dict

    def __new__(cls, template: str, /, **fields) -> Said:
        text = super().__new__(cls, template.format(**fields))
        text.template, text.fields = template, fields
        return text

    def __reduce__(self):      # made again from its parts in another process
        return _said, (self.template, self.fields)


def _said(template: str, fields: dict) -> Said:
    return Said(template, **fields)


class ConfigError(ValueError):
    """A user error in the configuration: names the field, the value and what is allowed.

    An error of a single setting's value also keeps its parts, so that a page in another language
    can say it in its own words: ``setting`` (dotted name), ``value``, ``rule`` (an English template
    such as ``"allowed range is {low} to {high} ({unit})"``) and ``fields`` (the template's values).
    An error whose message is a :class:`Said` keeps it as ``said``, for the same purpose.
    """

    def __init__(self, message: str, *, setting: str | None = None, value: Any = None, rule: str | None = None,
                 fields: dict | None = None):
        super().__init__(message)
        self.setting, self.value, self.rule, self.fields = setting, value, rule, dict(fields or {})
        self.said = message if isinstance(message, Said) else None


#: The rules a single value can break (``check_leaf``), as templates of their fields.
MUST_BE_BOOL = "must be true or false"
MUST_BE_WHOLE = "must be a whole number"
MUST_BE_NUMBER = "must be a number"
ALLOWED_VALUES = "allowed values are {allowed}"
ALLOWED_RANGE = "allowed range is {low} to {high} ({unit})"
VALUE_RULES = (MUST_BE_BOOL, MUST_BE_WHOLE, MUST_BE_NUMBER, ALLOWED_VALUES, ALLOWED_RANGE)


def refuse(name: str, value: Any, rule: str, *, label: str | None = None, **fields) -> None:
    """Raise the ConfigError '<name> = <value>: <rule>' with its parts (``rule`` filled from ``fields``);
    ``label``: the name a user knows the setting by, when it is not the dotted name (a dashboard lever)."""
    raise ConfigError(f"{label or name} = {value!r}: {rule.format(**fields)}", setting=name, value=value, rule=rule,
                      fields=fields)


#: The calibrated ensemble's best parameter set: its values are the model's defaults (:func:`calibrated`).
CALIBRATED_SET = "ensemble/set0.yaml"


@functools.lru_cache(maxsize=1)
def _calibrated_values() -> dict[str, float]:
    import yaml

    from domain.paths import CONF_DIR

    path = CONF_DIR / CALIBRATED_SET
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: the calibrated parameter set cannot be read ({type(exc).__name__}); it is "
                          "written by 'inclusim calibrate --ensemble conf'") from None
    return {f"{section}.{name}": float(value) for section, values in data.items() if isinstance(values, dict)
            for name, value in values.items()}


def calibrated(name: str) -> float:
    """The default of the dotted setting ``name``: its value in the calibrated ensemble's best set
    (``conf/ensemble/set0.yaml``, written by ``inclusim calibrate --ensemble conf``), so that a new
    calibration changes the defaults with no edit of the code."""
    values = _calibrated_values()
    if name not in values:
        raise ConfigError(f"{name}: not in conf/{CALIBRATED_SET}; the calibrated parameters there are "
                          f"{', '.join(sorted(values))}")
    return values[name]


def param(default, unit: str, source: str, lo=None, hi=None, choices=None, doc: str = ""):
    """A config field with unit, provenance and allowed range recorded as metadata."""
    meta = {"unit": unit, "source": source, "lo": lo, "hi": hi, "choices": choices, "doc": doc}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda d=default: type(d)(d), metadata=meta)
    return field(default=default, metadata=meta)


def iter_params(obj: Any, prefix: str = ""):
    """Yield (dotted_name, value, field) for every leaf parameter of a config dataclass."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        name = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            yield from iter_params(value, name + ".")
        else:
            yield name, value, f


def check_leaf(name: str, value: Any, f: dataclasses.Field) -> None:
    """Refuse a value of the wrong type or outside the field's declared range or choices."""
    meta = f.metadata
    lo, hi, choices = meta.get("lo"), meta.get("hi"), meta.get("choices")
    if f.type in ("bool", bool) and not isinstance(value, bool):
        refuse(name, value, MUST_BE_BOOL)
    if f.type in ("int", int) and (isinstance(value, bool) or not isinstance(value, int)):
        refuse(name, value, MUST_BE_WHOLE)
    if f.type in ("float", float) and (isinstance(value, bool) or not isinstance(value, (int, float))):
        refuse(name, value, MUST_BE_NUMBER)
    if choices is not None and value not in choices:
        refuse(name, value, ALLOWED_VALUES, allowed=", ".join(map(str, choices)))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:  # NaN
            refuse(name, value, MUST_BE_NUMBER)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            refuse(name, value, ALLOWED_RANGE, low=lo, high=hi, unit=meta.get("unit", ""))


def check_choices(name: str, values, allowed) -> None:
    """Refuse a list setting with an element outside ``allowed``."""
    bad = [x for x in values if x not in allowed]
    if bad:
        raise ConfigError(f"{name} = {list(values)}: allowed values are {', '.join(map(str, allowed))}")


def merge(base, data: dict | None, prefix: str = ""):
    """Return a copy of config dataclass ``base`` with the (possibly partial) nested ``data`` applied.

    Unknown keys are an error naming the key and the keys allowed at that level. A dataclass that
    defines ``resolve_type(data)`` may change its type with the data (a policy's settings take the
    class of the policy named in them); settings it shares with the new type are kept.
    """
    if hasattr(type(base), "resolve_type"):
        target = type(base).resolve_type(data or {}, base, prefix)
        if target is not type(base):
            base = retyped(base, target)
    known = {f.name for f in dataclasses.fields(base)}
    changes = {}
    for key, value in (data or {}).items():
        if key not in known:
            raise ConfigError(f"{prefix}{key}: unknown setting; allowed keys here are: {', '.join(sorted(known))}")
        current = getattr(base, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{prefix}{key} = {value!r}: must be a group of settings")
            changes[key] = merge(current, value, prefix=f"{prefix}{key}.")
        else:
            changes[key] = value
    return dataclasses.replace(base, **changes)


def retyped(obj, target: type):
    """A ``target`` instance with its defaults, taking over the settings ``obj`` changed from its own defaults.

    Only the fields both types have are taken over, and only where ``obj`` differs from a fresh
    ``type(obj)()``: switching from one policy to another keeps what the user set, not the first
    policy's defaults.
    """
    return _take_over(target(), obj, type(obj)())


def _take_over(fresh, obj, defaults):
    changes = {}
    for f in dataclasses.fields(fresh):
        if f.name == "name" or not hasattr(obj, f.name):
            continue
        old, new, default = getattr(obj, f.name), getattr(fresh, f.name), getattr(defaults, f.name)
        if dataclasses.is_dataclass(old) and dataclasses.is_dataclass(new):
            changes[f.name] = _take_over(new, old, default)
        elif old != default:
            changes[f.name] = old
    return dataclasses.replace(fresh, **changes)


def to_dict(cfg) -> dict:
    return dataclasses.asdict(cfg)


def flat_params(cfg, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every leaf parameter as {dotted.name: value}; lists and dicts as JSON strings."""
    out = {}
    for name, value, _ in iter_params(cfg):
        if name in skip:
            continue
        out[name] = json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value
    return out


def dotted_value(cfg, dotted: str):
    """The value of the parameter ``dotted`` (e.g. ``"office.leader_support"``) in ``cfg``."""
    value = cfg
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def dotted_field(cfg, dotted: str) -> dataclasses.Field:
    """The schema field of the parameter ``dotted`` (its metadata holds unit, source, lo, hi)."""
    return next(f for name, _, f in iter_params(cfg) if name == dotted)


def override(dotted: str, value) -> dict:
    """``{"office": {"leader_support": 0.5}}`` for ``override("office.leader_support", 0.5)``: a
    nested override for :func:`merge`."""
    *path, leaf = dotted.split(".")
    out: dict = {leaf: value}
    for part in reversed(path):
        out = {part: out}
    return out


def set_dotted(data: dict, dotted: str, value) -> None:
    """Set ``a.b.c`` in a nested dict, creating groups as needed (unknown keys are refused later by merge)."""
    *path, last = dotted.split(".")
    node = data
    for part in path:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[last] = value


def overrides(settings: dict) -> dict:
    """One nested override for :func:`merge` from ``{"office.leader_support": 0.5, ...}``."""
    out: dict = {}
    for dotted, value in settings.items():
        set_dotted(out, dotted, value)
    return out


def stable_hash(data: dict) -> str:
    """A short hash of a nested dict of settings, independent of key order."""
    blob = json.dumps(data, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


#: The record type of each config section's numbers (made once per section class).
_NUMBER_TYPES: dict[type, np.dtype] = {}


def numbers_of(section) -> np.ndarray:
    """A config section's numeric settings (numbers and true/false, as floats) as a one-element
    record array with the same field names: the form compiled rules (``numba``) read a section in
    (``numbers[0].p_crisis_week``); a record is handed to them at no cost, unlike a named tuple."""
    kind = type(section)
    if kind not in _NUMBER_TYPES:
        _NUMBER_TYPES[kind] = np.dtype([(f.name, np.float64) for f in dataclasses.fields(section)
                                        if isinstance(getattr(section, f.name), (bool, int, float))])
    return records_of([section], _NUMBER_TYPES[kind])


def records_of(sections: list, dtype: np.dtype | None = None) -> np.ndarray:
    """Several config sections' numeric settings as a record array, one row per section, with the
    fields of ``dtype`` (default: the first section's, :func:`numbers_of`); later sections may be
    of a subclass with more fields."""
    if dtype is None:
        dtype = numbers_of(sections[0]).dtype
    return np.array([tuple(float(getattr(section, name)) for name in dtype.names) for section in sections], dtype=dtype)
