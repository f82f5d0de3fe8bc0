"""The parameter table (docs/parameters.md), generated from the config schema and the registered policies."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from analysis.labels import order_policies
from domain.config import Config
from inclusim.compose import CommandSettings
from domain.modes import FollowupModeConfig, PolicyConfig
from domain.params import iter_params
from scenarios.policies import registered_policies

HEADER = """# Parameters

Generated from the config schema (`domain/config.py`, `domain/modes.py` and the policies' own
settings in `scenarios/policies/`) by `inclusim params`; do not edit by hand (a test checks that
this file matches the schema).

Source column: `SEED file:line` is a value or bound stated in a seed report (`../shared/seeds/`);
`SEED-QUAL` means the seeds give the direction or existence and the number is an assumption;
`EVID` refers to `../shared/domain/evidence.md`; `ASSUMPTION` means nothing in the sources;
"calibrated (conf/ensemble/set0.yaml)" marks the values `inclusim calibrate` fitted to the targets of
`conf/targets.yaml` (the best parameter set of the calibrated ensemble; `docs/calibration.md` and
`docs/calibration_results.md` give the method, the searched ranges and the range over the ensemble);
a plain "calibrated" marks values set by hand so that the pilot setting lands in the seeds' range.
"""


def _value(value) -> str:
    if isinstance(value, (list, dict)):
        return "`" + json.dumps(value) + "`"
    return f"`{value}`"


def _allowed(meta) -> str:
    if meta.get("choices"):
        return ", ".join(map(str, meta["choices"]))
    if meta.get("lo") is not None:
        return f"{meta['lo']} to {meta['hi']}"
    return ""


def _cell(text: str) -> str:
    return text.replace("|", "/")


def _table(rows, prefix: str = "") -> list[str]:
    lines = ["| parameter | default | unit | allowed | source | meaning |", "|---|---|---|---|---|---|"]
    for name, value, f in rows:
        meta = f.metadata
        lines.append(f"| `{prefix}{name}` | {_value(value)} | {meta.get('unit', '')} | {_allowed(meta)} | "
                     f"{_cell(meta.get('source', ''))} | {_cell(meta.get('doc', ''))} |")
    return lines


def _policies():
    """The registered policies in display order."""
    registry = registered_policies()
    return [registry[name] for name in order_policies(registry)]


def _ways_of_working() -> dict[str, FollowupModeConfig]:
    """Every way of working a registered policy uses, with its default settings, in order of first use."""
    found: dict[str, FollowupModeConfig] = {}
    for policy in _policies():
        modes = policy.settings_class().modes
        for f in dataclasses.fields(modes):
            found.setdefault(f.name, getattr(modes, f.name))
    return found


def parameter_table() -> str:
    lines = [HEADER]
    base = Config()
    lines += ["\n## run\n"] + _table([(n, v, f) for n, v, f in iter_params(base) if "." not in n])
    lines += ["\n## command (how and where a run is made and shown; not in the config hash or the tables)\n"] + \
        _table(list(iter_params(CommandSettings())))
    for section in dataclasses.fields(base):
        value = getattr(base, section.name)
        if not dataclasses.is_dataclass(value) or section.name == "policy":
            continue
        lines += [f"\n## {section.name}\n"] + _table(iter_params(value), prefix=f"{section.name}.")
    common = {f.name for f in dataclasses.fields(PolicyConfig)}
    lines += ["\n## policy: settings of every policy\n",
              "`policy.name` picks the policy (`policy=NAME` on the command line picks its preset).\n"]
    lines += _table([(n, v, f) for n, v, f in iter_params(PolicyConfig()) if not n.startswith("modes.")],
                    prefix="policy.")
    for policy in _policies():
        name = policy.name
        settings = policy.settings_class()
        modes = [f.name for f in dataclasses.fields(settings.modes)]
        own = [(f.name, getattr(settings, f.name), f) for f in dataclasses.fields(settings) if f.name not in common]
        channels = [f"ordinary `{policy.ordinary_mode}`"]
        if policy.close_mode:
            channels.append(f"close follow-up `{policy.close_mode}`")
        if policy.specialist_mode:
            channels.append(f"job specialists `{policy.specialist_mode}`")
        lines += [f"\n## policy: {name}\n",
                  f"Ways of working: {', '.join(channels)} (settings under `policy.modes.<way>`: "
                  f"{', '.join(modes)}).\n"]
        if own:
            lines += _table(own, prefix="policy.")
    ways = _ways_of_working()
    names = list(ways)
    lines += ["\n## policy.modes: ways of working\n",
              "What an adviser does with one case under each way of working; a policy's settings hold the ways "
              "it uses (`policy.modes.hybrid.contact_hours=2`).\n",
              "| parameter | " + " | ".join(names) + " | unit | allowed | source | meaning |",
              "|---|" + "---|" * len(names) + "---|---|---|---|"]
    for f in dataclasses.fields(FollowupModeConfig):
        meta = f.metadata
        values = " | ".join(_value(getattr(ways[n], f.name)) for n in names)
        lines.append(f"| `{f.name}` | {values} | {meta.get('unit', '')} | {_allowed(meta)} | "
                     f"{_cell(meta.get('source', ''))} | {_cell(meta.get('doc', ''))} |")
    return "\n".join(lines) + "\n"


def write_parameter_table(path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(parameter_table())
