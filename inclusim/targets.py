"""The targets file (``conf/targets.yaml``): every published figure the model is held against.

One home for the figures: the source, what the publication reports, the users it applies to, the
range the model's figure should land in, and whether calibration may use it (``fit``) or it is
kept out for validation (``holdout``). ``inclusim.validation`` measures the model against it.

    load_targets()  -> {id: Target}, checked (a bad entry is named with its field and value)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from domain.params import ConfigError
from domain.schema import KPIS
from inclusim.compose import CONF_DIR

TARGETS_FILE = CONF_DIR / "targets.yaml"
KINDS = ("level", "ratio", "difference", "direction", "upper_bound")
USES = ("fit", "holdout")


@dataclass(frozen=True)
class Target:
    id: str
    source: str
    statement: str
    kind: str                        # one of KINDS
    unit: str
    use: str                         # fit or holdout
    low: float | None = None         # None: open on that side
    high: float | None = None
    value: float | None = None       # the published point, where there is one
    model_kpi: tuple[str, ...] = ()  # KPIs that measure it exactly (each must hold); empty: none yet
    needs: str = ""                  # what the model would have to add to measure it
    proxy_kpi: str = ""              # the nearest existing KPI, as the file describes it
    expect: str = ""                 # for direction targets: the sign that must hold
    population: dict = field(default_factory=dict)
    contrast: dict = field(default_factory=dict)
    range_note: str = ""

    def holds(self, value: float) -> bool:
        """Whether a measured value meets the target: inside [low, high] (open where None), or for a
        direction target, a - b above zero."""
        if value != value:
            return False
        if self.kind == "direction":
            return value > 0
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    @property
    def range_text(self) -> str:
        if self.kind == "direction":
            return self.expect or "a > b"
        if self.low is None:
            return f"<= {self.high:g}"
        if self.high is None:
            return f">= {self.low:g}"
        return f"{self.low:g} to {self.high:g}"


def load_targets(path: Path = TARGETS_FILE) -> dict[str, Target]:
    """The targets of ``path`` by id, each checked; raises ConfigError naming the entry and field."""
    data = yaml.safe_load(Path(path).read_text())
    if not isinstance(data, dict) or not isinstance(data.get("targets"), list):
        raise ConfigError(f"{path}: expected a mapping with a 'targets' list")
    out: dict[str, Target] = {}
    for i, entry in enumerate(data["targets"]):
        where = f"{Path(path).name}: targets[{i}]"
        if not isinstance(entry, dict) or not entry.get("id"):
            raise ConfigError(f"{where}: every target needs an 'id'")
        where = f"{Path(path).name}: target {entry['id']!r}"
        if entry["id"] in out:
            raise ConfigError(f"{where}: the id is used twice")
        for key in ("source", "statement", "kind", "unit", "use"):
            if not entry.get(key):
                raise ConfigError(f"{where}: '{key}' is missing")
        if entry["kind"] not in KINDS:
            raise ConfigError(f"{where}: kind = {entry['kind']!r}: allowed values are {', '.join(KINDS)}")
        if entry["use"] not in USES:
            raise ConfigError(f"{where}: use = {entry['use']!r}: allowed values are {', '.join(USES)}")
        low, high = entry.get("low"), entry.get("high")
        for key, bound in (("low", low), ("high", high)):
            if bound is not None and not isinstance(bound, (int, float)):
                raise ConfigError(f"{where}: {key} = {bound!r}: must be a number or null")
        if entry["kind"] != "direction" and low is None and high is None:
            raise ConfigError(f"{where}: a {entry['kind']} target needs 'low' or 'high'")
        if low is not None and high is not None and low > high:
            raise ConfigError(f"{where}: low = {low} is above high = {high}")
        kpis = entry.get("model_kpi") or ()
        kpis = (kpis,) if isinstance(kpis, str) else tuple(kpis)
        unknown = [k for k in kpis if k not in KPIS]
        if unknown:
            raise ConfigError(f"{where}: model_kpi {unknown} is not a KPI of domain/schema.py")
        if not kpis and not entry.get("needs"):
            raise ConfigError(f"{where}: without a model_kpi, 'needs' must say what the model would have to add")
        out[entry["id"]] = Target(
            id=entry["id"], source=str(entry["source"]), statement=" ".join(str(entry["statement"]).split()),
            kind=entry["kind"], unit=str(entry["unit"]), use=entry["use"],
            low=None if low is None else float(low), high=None if high is None else float(high),
            value=entry.get("value"), model_kpi=kpis, needs=" ".join(str(entry.get("needs") or "").split()),
            proxy_kpi=" ".join(str(entry.get("proxy_kpi") or "").split()), expect=str(entry.get("expect") or ""),
            population=dict(entry.get("population") or {}), contrast=dict(entry.get("contrast") or {}),
            range_note=" ".join(str(entry.get("range_note") or "").split()))
    return out


__all__ = ["KINDS", "TARGETS_FILE", "Target", "USES", "load_targets"]
