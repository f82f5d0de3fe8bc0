"""Write the calibrated ensemble's best set (conf/ensemble/set0.yaml) into the defaults of domain/config.py.

    python scripts/apply_calibration.py

The defaults are the model's one readable parameter sheet, so the best set is written there, each
value's source marked "calibrated (conf/ensemble/set0.yaml)"; tests/test_calibration.py fails while
the two disagree. Run it after `inclusim calibrate --ensemble conf`, then re-record the fixed-seed
hashes and the KPI reference on purpose (docs/calibration.md says how).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.config import Config  # noqa: E402
from inclusim.study import load_ensemble  # noqa: E402

CONFIG_FILE = ROOT / "domain" / "config.py"
MARK = "calibrated (conf/ensemble/set0.yaml)"


def _class_of(section: str) -> str:
    """The dataclass name of a config section (``population`` -> ``PopulationConfig``)."""
    return type(getattr(Config(), section)).__name__


def apply(best: dict[str, float]) -> list[str]:
    lines = CONFIG_FILE.read_text().splitlines(keepends=True)
    changed = []
    for path, value in sorted(best.items()):
        section, name = path.split(".")
        start = next(i for i, line in enumerate(lines) if line.startswith(f"class {_class_of(section)}"))
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("class ")), len(lines))
        pattern = re.compile(rf"^(    {name}: float = param\()([-+0-9.eE]+)(, )")
        index = next(i for i in range(start, end) if pattern.match(lines[i]))
        text = f"{value:.6g}"
        lines[index] = pattern.sub(lambda m, t=text: m.group(1) + t + m.group(3), lines[index])
        # mark the source once, in front (a source may run on over several string literals)
        if MARK not in lines[index]:
            lines[index] = re.sub(r'(param\([^,]+, "[^"]*", ")', lambda m: m.group(1) + f"{MARK}; ", lines[index], count=1)
        changed.append(f"{path} = {text}")
    CONFIG_FILE.write_text("".join(lines))
    return changed


if __name__ == "__main__":
    members = load_ensemble()
    if not members:
        raise SystemExit("conf/ensemble/ holds no parameter set: run `inclusim calibrate --ensemble conf` first")
    for line in apply(members[0]):
        print(line)
