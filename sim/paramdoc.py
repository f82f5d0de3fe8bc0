"""Generate the parameter table (docs/parameters.md) from the config schema's metadata."""

from __future__ import annotations

import json
from pathlib import Path

from sim.config import Config, iter_params

HEADER = """# Parameters

Generated from the config schema (`sim/config.py`) by `inclusim params`; do not edit by hand
(a test checks that this file matches the schema).

Source column: `SEED file:line` is a value or bound stated in a seed report (`../shared/seeds/`);
`SEED-QUAL` means the seeds give the direction or existence and the number is an assumption;
`EVID` refers to `../shared/domain/evidence.md`; `ASSUMPTION` means nothing in the sources;
"calibrated" marks values tuned so that the pilot setting lands in the seeds' reported range
(see docs/calibration.md).

"""


def _fmt(value) -> str:
    if isinstance(value, (list, dict)):
        return "`" + json.dumps(value) + "`"
    return f"`{value}`"


def parameter_table() -> str:
    lines = [HEADER]
    section = None
    for name, value, f in iter_params(Config()):
        top = name.split(".")[0] if "." in name else "run"
        if name.count(".") == 2:
            top = ".".join(name.split(".")[:2])
        if top != section:
            section = top
            lines.append(f"\n## {section}\n")
            lines.append("| parameter | default | unit | allowed | source | meaning |")
            lines.append("|---|---|---|---|---|---|")
        meta = f.metadata
        if meta.get("choices"):
            allowed = ", ".join(map(str, meta["choices"]))
        elif meta.get("lo") is not None:
            allowed = f"{meta['lo']} to {meta['hi']}"
        else:
            allowed = ""
        doc = meta.get("doc", "").replace("|", "/")
        src = meta.get("source", "").replace("|", "/")
        lines.append(f"| `{name}` | {_fmt(value)} | {meta.get('unit', '')} | {allowed} | {src} | {doc} |")
    return "\n".join(lines) + "\n"


def write_parameter_table(path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(parameter_table())


__all__ = ["parameter_table", "write_parameter_table"]
