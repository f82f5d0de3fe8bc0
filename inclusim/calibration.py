"""Calibration: fit the free parameters to the targets file with Optuna, then keep an ensemble.

    inclusim calibrate [--trials N] [--workers K] [--storage URL] [--study NAME] [--quick]
                       [--ensemble FILE] [--no-ensemble]

What is searched lives in ``conf/calibration.yaml`` (free parameters, ranges, groups, seeds); what it
is held against lives in ``conf/targets.yaml`` (only the targets marked ``fit``; the holdouts are
never seen by the fit). The model's figures come from ``inclusim.validation``.

**The loss.** For every measure of a fit target, the mean over the trial's seeds is compared with
the target's range and turned into a miss ``d`` (:func:`miss`): 0 inside the range; outside, the
distance to the nearest bound in units of the range's width (of the bound itself where the range is
open on one side). A sign target (``direction``) is missed by its t statistic below zero over 1.645:
``d = 1`` when the sign is wrong at the 90 % level. A measure that cannot be computed (a ratio over
zero) counts as ``d = 1``. The loss is the mean of ``d**2`` over targets, a target with several
measures taking the mean of its measures. Only distances outside the ranges count: inside, every
value is as good as another, so the fit never pulls a figure towards a published point.

**The study** lives in an Optuna storage: SQLite by default (``outputs/calibration/study.db``, resumable,
readable with ``optuna-dashboard``), or any database URL such as PostgreSQL, so several machines can
share one study by running the same command. ``--trials N`` is the total the study should reach: a
second call continues an interrupted study. A trial whose worker died is failed by Optuna's
heartbeat and run again. Trials use seeds 10001 onwards, the acceptance runs seeds 20001 onwards, so
``inclusim validate`` (seeds 1 to N) judges the calibrated model on seeds the fit never saw.

**The ensemble.** The best ``candidates`` trials are run again with ``accept_replications`` seeds
on every fit target (the caseload, review and field-time directions included). A set is kept when no
level, ratio or bound misses by more than ``tolerance`` and no sign is wrong at the 90 % level
(an approximate-Bayesian acceptance around the optimum). The kept sets, best first, are written to
``conf/ensemble/setK.yaml`` (K = 0 the best, the calibrated default), with the sweep over them in
``conf/uncertainty/ensemble.yaml`` (``+uncertainty=ensemble``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from domain.config import Config
from domain.params import ConfigError, dotted_value, iter_params, merge, overrides
from inclusim.compose import CONF_DIR
from inclusim.targets import Target, load_targets
from inclusim.validation import SETTINGS, measure_keys, run_jobs, settings_of

CALIBRATION_FILE = CONF_DIR / "calibration.yaml"
DEFAULT_STORAGE = "sqlite:///outputs/calibration/study.db"
TRIAL_SEED0 = 10_001
ACCEPT_SEED0 = 20_001
Z90 = 1.645     # a sign is wrong at the 90 % level (one-sided 95 %) when its t statistic is below -Z90


@dataclass(frozen=True)
class FreeParameter:
    """One searched quantity: a setting's value, or a factor on a group of settings."""

    name: str
    paths: tuple[str, ...]
    low: float
    high: float
    log: bool = False
    scale: bool = False     # a factor on the group's base values, not a value
    why: str = ""
    base: tuple[float, ...] = ()   # a group's values at factor 1 (fixed in the plan, so a study means the same
                                   # before and after its best set becomes the defaults)

    def values(self, value: float) -> dict[str, float]:
        """{setting: value} this parameter gives at ``value``."""
        if self.scale:
            return {path: base * value for path, base in zip(self.paths, self.base, strict=True)}
        return {path: value for path in self.paths}

    def apply(self, cfg: Config, value: float) -> dict:
        """The nested overrides that set this parameter to ``value`` in ``cfg``."""
        return overrides({path: float(new) if isinstance(dotted_value(cfg, path), float) else new
                          for path, new in self.values(value).items()})


@dataclass(frozen=True)
class Spec:
    """The study's plan (``conf/calibration.yaml``)."""

    parameters: tuple[FreeParameter, ...]
    replications: int
    trial_settings: tuple[str, ...]
    candidates: int
    accept_replications: int
    tolerance: float
    members: int = 8             # at most this many kept sets form the ensemble
    ensemble_seeds: int = 10     # seeds per set in a sweep over the ensemble


def _positive_int(where: str, key: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where}: {key} = {value!r}: must be a whole number of at least 1")
    return value


def load_spec(path: Path = CALIBRATION_FILE, quick: bool = False) -> Spec:
    """The calibration plan, checked: a bad entry is named with its field, its value and what is allowed."""
    name = Path(path).name
    data = yaml.safe_load(Path(path).read_text())
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), list):
        raise ConfigError(f"{name}: expected a mapping with a 'parameters' list")
    if quick:
        data = {**data, **(data.get("quick") or {})}
    fields = {n: f for n, _, f in iter_params(Config())}
    parameters = []
    for i, entry in enumerate(data["parameters"]):
        where = f"{name}: parameters[{i}]"
        if not isinstance(entry, dict) or not entry.get("name"):
            raise ConfigError(f"{where}: every parameter needs a 'name'")
        where = f"{name}: parameter {entry['name']!r}"
        if ("path" in entry) == ("scale" in entry):
            raise ConfigError(f"{where}: give either 'path' (one setting) or 'scale' (a list of settings)")
        paths = (entry["path"],) if "path" in entry else tuple(entry["scale"] or ())
        for p in paths:
            if p not in fields:
                raise ConfigError(f"{where}: {p!r} is not a setting (see docs/parameters.md)")
        low, high = entry.get("low"), entry.get("high")
        for key, bound in (("low", low), ("high", high)):
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                raise ConfigError(f"{where}: {key} = {bound!r}: must be a number")
        if not low < high:
            raise ConfigError(f"{where}: low = {low} must be below high = {high}")
        if entry.get("log") and low <= 0:
            raise ConfigError(f"{where}: low = {low}: a log-scaled range must be above 0")
        base = ()
        if "scale" in entry:
            base = entry.get("base")
            if (not isinstance(base, list) or len(base) != len(paths)
                    or not all(isinstance(b, (int, float)) and not isinstance(b, bool) and b > 0 for b in base)):
                raise ConfigError(f"{where}: base = {base!r}: a group needs one positive value at factor 1 per setting "
                                  f"({len(paths)})")
            base = tuple(float(b) for b in base)
        for i, p in enumerate(paths):   # every value the search may try must be a value the setting allows
            meta = fields[p].metadata
            factor = base[i] if base else 1.0
            lo_v, hi_v = (low * factor, high * factor)
            if (meta.get("lo") is not None and lo_v < meta["lo"]) or (meta.get("hi") is not None and hi_v > meta["hi"]):
                raise ConfigError(f"{where}: {low} to {high} takes {p} outside its allowed range "
                                  f"{meta.get('lo')} to {meta.get('hi')}")
        parameters.append(FreeParameter(entry["name"], paths, float(low), float(high), bool(entry.get("log")),
                                        "scale" in entry, " ".join(str(entry.get("why") or "").split()), base))
    names = [p.name for p in parameters]
    if len(set(names)) != len(names):
        raise ConfigError(f"{name}: parameter names must differ: {names}")
    settings = tuple(data.get("trial_settings") or ())
    unknown = [s for s in settings if s not in SETTINGS]
    if unknown or not settings:
        raise ConfigError(f"{name}: trial_settings = {list(settings)}: allowed values are {', '.join(SETTINGS)}")
    tolerance = data.get("tolerance")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance < 0:
        raise ConfigError(f"{name}: tolerance = {tolerance!r}: must be a number of at least 0")
    return Spec(tuple(parameters), _positive_int(name, "replications", data.get("replications")), settings,
                _positive_int(name, "candidates", data.get("candidates")),
                _positive_int(name, "accept_replications", data.get("accept_replications")), float(tolerance),
                _positive_int(name, "members", data.get("members")),
                _positive_int(name, "ensemble_seeds", data.get("ensemble_seeds")))


@dataclass(frozen=True)
class Adjust:
    """Sets the free parameters in a composed config (picklable: it crosses to worker processes)."""

    parameters: tuple[FreeParameter, ...]
    values: tuple[tuple[str, float], ...]

    def __call__(self, cfg: Config) -> Config:
        chosen = dict(self.values)
        for parameter in self.parameters:
            if parameter.name in chosen:
                cfg = merge(cfg, parameter.apply(cfg, chosen[parameter.name]))
        return cfg


def adjust_for(spec: Spec, values: dict[str, float]) -> Adjust:
    return Adjust(spec.parameters, tuple(sorted(values.items())))


def settings_overrides(spec: Spec, values: dict[str, float]) -> dict[str, float]:
    """The value every searched setting takes (a group's: its base values times the factor)."""
    out = {}
    for parameter in spec.parameters:
        out.update({path: float(v) for path, v in parameter.values(values[parameter.name]).items()})
    return out


# -- the loss ---------------------------------------------------------------------------------
def miss(target: Target, values) -> float:
    """How far the mean of ``values`` (one per seed) is from ``target`` (module docstring)."""
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return 1.0
    mean = float(arr.mean())
    if target.kind == "direction":
        if mean > 0:
            return 0.0
        se = float(arr.std(ddof=1) / math.sqrt(arr.size)) if arr.size > 1 else 0.0
        return 1.0 if se == 0 else min(1.0, max(0.0, -mean / se / Z90))
    if target.holds(mean):
        return 0.0
    if target.low is not None and target.high is not None and target.high > target.low:
        width = target.high - target.low
    else:
        bound = target.low if target.low is not None else target.high
        width = abs(bound) if bound else 1.0
    below = (target.low - mean) if target.low is not None else 0.0
    above = (mean - target.high) if target.high is not None else 0.0
    return max(below, above, 0.0) / width


def misses(targets: dict[str, Target], figures: list[dict]) -> dict[tuple[str, str], float]:
    """The miss of every measure found in ``figures`` (one dict per seed, as ``seed_figures`` returns)."""
    keys = [k for k in figures[0]] if figures else []
    return {key: miss(targets[key[0]], [f[key] for f in figures]) for key in keys}


def loss(missed: dict[tuple[str, str], float]) -> float:
    """Mean over targets of the mean squared miss of its measures."""
    by_target: dict[str, list[float]] = {}
    for (tid, _), d in missed.items():
        by_target.setdefault(tid, []).append(d * d)
    return float(np.mean([np.mean(v) for v in by_target.values()])) if by_target else 0.0


def fit_targets(targets: dict[str, Target], settings: tuple[str, ...] | None = None) -> list[str]:
    """The fit targets the model measures, restricted to those whose settings are all in ``settings``."""
    chosen = [tid for tid in targets if targets[tid].use == "fit" and measure_keys([tid])]
    if settings is not None:
        chosen = [tid for tid in chosen if set(settings_of([tid])) <= set(settings)]
    return chosen


def evaluate(spec: Spec, values: dict[str, float], target_ids: list[str], seeds: list[int],
             workers: int = 1) -> list[dict]:
    """The figures of these targets for every seed with the free parameters at ``values``."""
    return run_jobs([(seed, target_ids, adjust_for(spec, values)) for seed in seeds], workers)


def key_text(key: tuple[str, str]) -> str:
    return f"{key[0]} ({key[1]})" if key[1] else key[0]


__all__ = ["ACCEPT_SEED0", "Adjust", "CALIBRATION_FILE", "DEFAULT_STORAGE", "FreeParameter",
           "Spec", "TRIAL_SEED0", "adjust_for", "evaluate", "fit_targets", "key_text", "load_spec", "loss", "miss",
           "misses", "settings_overrides"]

