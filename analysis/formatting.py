"""How a number is printed, the same in the terminal, the report and the charts.

A KPI's unit (``domain.schema``) decides its form: shares in per cent (differences in percentage
points), NOK in whole kroner (in thousands, ``241k``, in the compact form of the terminal), ratios
with two decimals, weeks, hours and counts with one. A mean comes with its interval:
``12.3 % (10.0 to 15.0)``, or compact ``12.3 (10.0-15.0)``; ``12.3 % (n/a)`` when it has none (one
replication). Words and the decimal mark follow the current language (``analysis.i18n``): in
bokmål ``12,3 % (10,0 til 15,0)``.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from analysis.i18n import decimal_mark, localise_number, tr
from analysis.labels import lever_label
from domain.schema import NOK, RATIO, SHARE, kpi

_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


def natural_key(text) -> list:
    """Sort key that reads the numbers in a text: 'caseload=40' before 'caseload=100', '0.25' before '0.5'."""
    text = str(text)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isfinite(value):
        return ["", value, ""]
    return [float(part) if i % 2 else part for i, part in enumerate(_NUMBER.split(text))]


def format_value(value: float, unit: str, digits: int | None = None, sign: bool = False,
                 compact: bool = False) -> str:
    """One number in its unit's form, without the unit's name: a share 0.123 as '12.3', NOK 240911.4 as
    '240 911' (compact, in thousands: '241'), a ratio with two decimals, anything else with one (from 1000 up whole, digits grouped: '46 890'); 'n/a' when missing."""
    if value is None or not math.isfinite(value):
        return tr("n/a")
    return localise_number(_number(value, unit, digits, "+" if sign else "", compact))


def _number(value: float, unit: str, digits: int | None, plus: str, compact: bool) -> str:
    # "z": a value that rounds to zero is written 0, never -0
    if unit == SHARE:
        return f"{100 * value:{plus}z.{1 if digits is None else digits}f}"
    if unit == NOK:
        if compact:     # in thousands, as the table or axis that uses it says ("NOK in thousands")
            return f"{value / 1000:{plus}z,.{digits or 0}f}".replace(",", " ")
        return f"{value:{plus}z,.{digits or 0}f}".replace(",", " ")
    if digits is None:
        digits = _digits(value, unit)
    return f"{value:{plus}z,.{digits}f}".replace(",", " ")


def _digits(value: float, unit: str) -> int:
    """Decimals of a number of ``unit`` (not a share, not NOK): none from 1000 up ('46 890'), two for a
    ratio, one for anything else."""
    if math.isfinite(value) and abs(value) >= 1000:
        return 0
    return 2 if unit == RATIO else 1


def has_interval(low, high) -> bool:
    """True when both ends of an interval are known, for one interval or somewhere along a band of them
    (with fewer than 2 replications they are NaN)."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return bool((np.isfinite(low) & np.isfinite(high)).any())


def format_range(low: float, high: float, unit: str, digits: int | None = None, sign: bool = False,
                 compact: bool = False) -> str:
    """An interval's ends: '10.0 to 15.0', compact '10.0-15.0'; 'n/a' when an end is missing."""
    if not has_interval(low, high):
        return tr("n/a")
    ends = [format_value(v, unit, digits, sign, compact) for v in (low, high)]
    return "-".join(ends) if compact else tr("{low} to {high}", low=ends[0], high=ends[1])


def format_interval(mean: float, low: float, high: float, unit: str, digits: int | None = None,
                    compact: bool = False) -> str:
    """A mean and its interval: '12.3 % (10.0 to 15.0)' for a share; compact (the terminal's wide
    tables) '12.3 (10.0-15.0)', shares in per cent without the sign, NOK in thousands."""
    if mean is None or not math.isfinite(mean):
        return tr("n/a")
    mark = " %" if unit == SHARE and not compact else ""
    if digits is None and unit not in (SHARE, NOK):     # the interval's ends with the mean's decimals
        digits = _digits(mean, unit)
    return (f"{format_value(mean, unit, digits, compact=compact)}{mark} "
            f"({format_range(low, high, unit, digits, compact=compact)})")


def format_difference(diff: float, low: float, high: float, unit: str, digits: int | None = None) -> str:
    """A difference and its interval, signed: '-0.4 points (-1.2 to +0.3)' for a share."""
    if diff is None or not math.isfinite(diff):
        return tr("n/a")
    if digits is None and unit not in (SHARE, NOK):
        digits = _digits(diff, unit)
    value, interval = format_value(diff, unit, digits, sign=True), format_range(low, high, unit, digits, sign=True)
    if unit == SHARE:
        return tr("{value} points ({interval})", value=value, interval=interval)
    return f"{value} ({interval})"


def format_kpi(name: str, mean: float, low: float, high: float, compact: bool = False) -> str:
    """A KPI's mean and interval in the form its unit asks for (:func:`format_interval`)."""
    return format_interval(mean, low, high, kpi(name).unit, compact=compact)


def format_kpi_difference(name: str, diff: float, low: float, high: float) -> str:
    """A paired difference in a KPI in the form its unit asks for (:func:`format_difference`)."""
    return format_difference(diff, low, high, kpi(name).unit)


def percent(share: float, digits: int = 1) -> str:
    """'12.3 %' for 0.123."""
    if share is None or not math.isfinite(share):
        return tr("n/a")
    return f"{format_value(share, SHARE, digits)} %"


def lever_value(value) -> str:
    """A lever's value as a reader writes it: 70 and 70.0 as '70', 0.25 as '0.25' (bokmål '0,25'), text
    as it is."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return localise_number(str(int(value)))
    if isinstance(value, (float, np.floating)):
        return localise_number(f"{float(value):.10g}")      # every digit a reader typed, none shortened to 1e+06
    return str(value)


def number_list(texts) -> str:
    """Texts holding numbers, as a list: '0.25, 0.5'; '0,25; 0,5' where the decimal mark is a comma."""
    return ("; " if decimal_mark() == "," else ", ").join(texts)


def setting_text(setting: dict) -> str:
    """'users per ordinary adviser (caseload) = 70, close-follow-up places per hybrid adviser = 3'."""
    return number_list(f"{lever_label(lever).lower()} = {lever_value(value)}" for lever, value in setting.items())


def with_text(long: pd.DataFrame, compact: bool = False) -> pd.DataFrame:
    """A copy of a ``stats.summarise`` table with a ``text`` column: each row's mean and interval,
    formatted by :func:`format_kpi`."""
    out = long.copy()
    if out.empty:
        out["text"] = pd.Series(dtype=str)
        return out
    out["text"] = [format_kpi(name, m, lo, hi, compact) for name, m, lo, hi in
                   zip(out["kpi"], out["mean"], out["low"], out["high"], strict=True)]
    if "set_low" in out:   # the interval over the calibrated ensemble's parameter sets, in brackets
        out["text"] = [text + set_range(name, lo, hi, compact) for text, name, lo, hi in
                       zip(out["text"], out["kpi"], out["set_low"], out["set_high"], strict=True)]
    return out


def set_range(name: str, low: float, high: float, compact: bool = False, sign: bool = False) -> str:
    """' [10.0 to 15.0]': a KPI's interval over the parameter sets, '' when there is none."""
    if not has_interval(low, high):
        return ""
    return f" [{format_range(low, high, kpi(name).unit, sign=sign, compact=compact)}]"
