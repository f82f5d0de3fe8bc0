"""The sensitivity plan (``conf/sensitivity.yaml``): uncertain parameters in groups, and the points
of the Morris and Sobol designs (SALib).

A point of a design is one factor per group; every setting of a group is multiplied by its group's
factor (kept inside the setting's allowed range). A sweep runs the points as
``sensitivity_design=morris sensitivity_point=0..N-1`` (``conf/experiment/sensitivity.yaml``); the
command applies the point when it composes the config (:func:`apply_point`), so the run tables hold
the values each run used. ``analysis.sensitivity_indices`` rebuilds the same points to compute the indices.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from domain.params import ConfigError, iter_params, merge, overrides
from domain.paths import CONF_DIR

SENSITIVITY_FILE = CONF_DIR / "sensitivity.yaml"
DESIGNS = ("none", "morris", "sobol", "both")
#: Sections whose settings are never treated as uncertain: choices and the layout of the world.
NOT_UNCERTAIN = ("policy.", "cost.", "world.")


@dataclass(frozen=True)
class Group:
    name: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    spread: float
    groups: tuple[Group, ...]
    morris_trajectories: int
    morris_levels: int
    morris_seed: int
    sobol_base_samples: int
    sobol_seed: int
    sobol_groups: tuple[str, ...]

    def design_groups(self, design: str) -> tuple[Group, ...]:
        """The groups a design varies: every group for Morris, the chosen ones for Sobol."""
        if design == "sobol":
            return tuple(g for g in self.groups if g.name in self.sobol_groups)
        return self.groups


def uncertain_parameters(cfg, levers=()) -> list[str]:
    """Decimal settings sourced as ASSUMPTION, SEED-QUAL or calibrated, outside NOT_UNCERTAIN and ``levers`` (globs)."""
    out = []
    for name, value, f in iter_params(cfg):
        source = f.metadata.get("source", "")
        if (isinstance(value, float) and not isinstance(value, bool) and not name.startswith(NOT_UNCERTAIN)
                and ("ASSUMPTION" in source or "calibrated" in source or source.startswith("SEED-QUAL"))
                and not any(fnmatch.fnmatchcase(name, pattern) for pattern in levers)):
            out.append(name)
    return out


def _int(where: str, key: str, value, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{where}: {key} = {value!r}: must be a whole number of at least {low}")
    return value


def load_plan(path: Path = SENSITIVITY_FILE) -> Plan:
    """The plan, checked; every uncertain parameter is placed in the first group whose pattern matches.
    Read once per version of the file (every composed run of a sensitivity sweep asks for it)."""
    return _load_plan(Path(path), Path(path).stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load_plan(path: Path, _version: int) -> Plan:
    from domain.config import Config

    name = Path(path).name
    data = yaml.safe_load(Path(path).read_text())
    if not isinstance(data, dict) or not isinstance(data.get("groups"), dict):
        raise ConfigError(f"{name}: expected a mapping with a 'groups' mapping")
    spread = data.get("spread")
    if isinstance(spread, bool) or not isinstance(spread, (int, float)) or not 0 < spread < 1:
        raise ConfigError(f"{name}: spread = {spread!r}: must be a number above 0 and below 1")
    members: dict[str, list[str]] = {g: [] for g in data["groups"]}
    for parameter in uncertain_parameters(Config(), data.get("levers") or ()):
        group = next((g for g, patterns in data["groups"].items()
                      if any(fnmatch.fnmatchcase(parameter, p) for p in patterns or ())), None)
        if group is None:
            raise ConfigError(f"{name}: the uncertain parameter {parameter} is in no group; add it to one")
        members[group].append(parameter)
    empty = [g for g, paths in members.items() if not paths]
    if empty:
        raise ConfigError(f"{name}: groups {empty} hold no uncertain parameter")
    morris, sobol = data.get("morris") or {}, data.get("sobol") or {}
    chosen = tuple(sobol.get("groups") or ())
    unknown = [g for g in chosen if g not in members]
    if unknown or len(chosen) < 2:
        raise ConfigError(f"{name}: sobol.groups = {list(chosen)}: name at least 2 of {', '.join(members)}")
    return Plan(float(spread), tuple(Group(g, tuple(p)) for g, p in members.items()),
                _int(name, "morris.trajectories", morris.get("trajectories"), 2),
                _int(name, "morris.levels", morris.get("levels"), 2), _int(name, "morris.seed", morris.get("seed"), 0),
                _int(name, "sobol.base_samples", sobol.get("base_samples"), 2),
                _int(name, "sobol.seed", sobol.get("seed"), 0), chosen)


def problem(plan: Plan, design: str) -> dict:
    """The SALib problem of a design: one variable per group, a factor around 1."""
    groups = plan.design_groups(design)
    return {"num_vars": len(groups), "names": [g.name for g in groups],
            "bounds": [[1.0 - plan.spread, 1.0 + plan.spread]] * len(groups)}


@lru_cache(maxsize=8)
def _points(plan: Plan, design: str) -> np.ndarray:
    from SALib.sample import morris, sobol

    if design == "morris":
        return morris.sample(problem(plan, design), plan.morris_trajectories, num_levels=plan.morris_levels,
                             seed=plan.morris_seed)
    if design == "sobol":
        return sobol.sample(problem(plan, design), plan.sobol_base_samples, calc_second_order=False,
                            seed=plan.sobol_seed)
    raise ConfigError(f"sensitivity_design = {design!r}: allowed values are morris, sobol")


def points(plan: Plan, design: str) -> np.ndarray:
    """The design's points: one row per point, one factor per group of ``plan.design_groups(design)``."""
    return _points(plan, design).copy()


def locate(plan: Plan, design: str, point: int) -> tuple[str, int]:
    """(design, point within it): ``both`` numbers the Morris points first, then the Sobol points."""
    if design != "both":
        return design, point
    n_morris = len(_points(plan, "morris"))
    return ("morris", point) if point < n_morris else ("sobol", point - n_morris)


def n_points(plan: Plan, design: str) -> int:
    if design == "both":
        return len(_points(plan, "morris")) + len(_points(plan, "sobol"))
    return len(_points(plan, design))


def apply_point(cfg, plan: Plan | None = None):
    """``cfg`` with the factors of its ``sensitivity_point`` of its ``sensitivity_design`` applied."""
    if cfg.sensitivity_design == "none":
        return cfg
    plan = plan or load_plan()
    total = n_points(plan, cfg.sensitivity_design)
    if cfg.sensitivity_point >= total:
        raise ConfigError(f"sensitivity_point = {cfg.sensitivity_point}: the {cfg.sensitivity_design} design of "
                          f"conf/sensitivity.yaml has points 0 to {total - 1}")
    design, point = locate(plan, cfg.sensitivity_design, cfg.sensitivity_point)
    fields = {n: (v, f) for n, v, f in iter_params(cfg)}
    changed = {}
    for group, factor in zip(plan.design_groups(design), _points(plan, design)[point], strict=True):
        for path in group.paths:
            value, f = fields[path]
            low, high = f.metadata.get("lo"), f.metadata.get("hi")
            new = value * float(factor)
            new = min(high, new) if high is not None else new
            changed[path] = max(low, new) if low is not None else new
    return merge(cfg, overrides(changed))


__all__ = ["DESIGNS", "Group", "Plan", "SENSITIVITY_FILE", "apply_point", "load_plan", "locate", "n_points", "points",
           "problem",
           "uncertain_parameters"]
