"""The house: the architecture diagram matches the import contracts, modules stay small, the model thin."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "infra", "agents", "scenarios", "sim", "analysis", "inclusim")


def _contract_floors() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    return [{name.strip() for name in re.split(r"[|:]", layer)} for layer in layers]


def _diagram_floors() -> list[set[str]]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    diagram = text.split("```mermaid", 1)[1].split("```", 1)[0]
    floors: list[set[str]] = []
    for block in re.findall(r"subgraph .*?\n(.*?)\n\s*end", diagram, flags=re.S):
        floors.append(set(re.findall(r"^\s*(\w+)\[", block, flags=re.M)))
    return floors


def test_the_architecture_diagram_shows_the_floors_of_the_import_contract():
    assert _diagram_floors() == _contract_floors()
    assert set().union(*_contract_floors()) == set(PACKAGES)


def test_every_package_is_in_the_contracts_root():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert set(config["root_packages"]) == set(PACKAGES)


def test_no_module_is_over_500_lines_and_the_model_only_wires():
    sizes = {path.relative_to(ROOT).as_posix(): len(path.read_text().splitlines())
             for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    assert not {name: n for name, n in sizes.items() if n > 500}
    assert sizes["sim/model.py"] <= 250
