"""A fifth policy, with a new way of working and settings of its own, from one module and one YAML.

The test writes ``scenarios/policies/<name>.py`` and ``conf/policy/<name>.yaml`` (nothing else),
runs a sweep with it through the command line, collects it and writes the report, then removes the
two files again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
NAME = "ungdomslos_test"

MODULE = '''"""A test policy: hybrid advisers follow young users closely the "ungdomslos" way."""

from dataclasses import dataclass, field

from domain.modes import FollowupModeConfig, OrdinaryModes, PolicyConfig, hybrid_mode
from domain.params import param
from domain.terms import ScreenDecision
from scenarios.policies.base import Policy, register


def ungdomslos_mode() -> FollowupModeConfig:
    """Weekly contact with the young user and the workplace, mostly on site."""
    settings = hybrid_mode()
    settings.contact_interval_stable = 1
    settings.visit_share = 0.9
    settings.mapping_weeks = 2
    return settings


@dataclass
class UngdomslosModes(OrdinaryModes):
    ungdomslos: FollowupModeConfig = field(default_factory=ungdomslos_mode)


@dataclass
class UngdomslosConfig(PolicyConfig):
    name: str = param("NAME", "-", "test")
    max_age: int = param(24, "years", "ASSUMPTION (test)", 18, 30, doc="Oldest user taken into close follow-up")
    min_barriers: int = param(1, "barriers", "ASSUMPTION (test)", 0, 5, doc="Fewest barriers of a user taken in")
    modes: UngdomslosModes = field(default_factory=UngdomslosModes)


@register
class Ungdomslos(Policy):
    name = "NAME"
    settings_class = UngdomslosConfig
    close_mode = "ungdomslos"

    def eligible_for_close(self, adviser, cand):
        return cand.age <= self.settings.max_age and cand.barriers >= self.settings.min_barriers

    def screen(self, cand, staff):
        return ScreenDecision.TOO_LIGHT if cand.need_level == "small" else ScreenDecision.ACCEPT
'''.replace("NAME", NAME)

YAML = f"""defaults:
  - {NAME}_schema
  - _self_

name: {NAME}
max_age: 25
"""

SMALL = ["horizon_weeks=52", "office.n_advisers=4", "office.caseload_ordinary=40", "office.n_job_specialists=1",
         "labour_market.n_firms=60"]


@pytest.fixture
def fifth_policy(policy_modules_held):
    module = ROOT / "scenarios" / "policies" / f"{NAME}.py"
    preset = ROOT / "conf" / "policy" / f"{NAME}.yaml"
    assert not module.exists() and not preset.exists()
    module.write_text(MODULE)
    preset.write_text(YAML)
    try:
        yield
    finally:
        module.unlink(missing_ok=True)
        preset.unlink(missing_ok=True)


def test_a_fifth_policy_runs_through_a_sweep_and_the_report(fifth_policy, tmp_path):
    args = ["-m", "name=fifth", f"output_root={tmp_path}", f"policy=saksbehandler,{NAME}", "seed=1,2",
            "hydra.launcher.n_jobs=1", *SMALL]
    proc = subprocess.run([sys.executable, "-m", "inclusim.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    runs = pd.read_parquet(tmp_path / "fifth" / "runs.parquet")
    mine = runs[runs["policy"] == NAME]
    assert len(mine) == 2
    assert (mine["n_close_cases"] > 0).all()                      # its close follow-up was used
    assert (mine["cfg.policy.max_age"] == 25).all()               # its own settings, from its YAML
    assert (mine["cfg.policy.modes.ungdomslos.visit_share"] == 0.9).all()   # its new way of working
    assert runs.loc[runs["policy"] == "saksbehandler", "cfg.policy.max_age"].isna().all()
    candidates = pd.read_parquet(tmp_path / "fifth" / "candidates.parquet")
    close = candidates[candidates["run_id"].isin(mine["run_id"]) & candidates["ever_close"]]
    assert len(close) and (close["age"] <= 25).all() and (close["barriers"] >= 1).all()
    report = (tmp_path / "fifth" / "report" / "report.html").read_text()
    assert NAME in report


def test_a_fifth_policy_takes_overrides_of_its_own_settings_and_refuses_unknown_ones(fifth_policy, tmp_path):
    ok = subprocess.run([sys.executable, "-m", "inclusim.cli", f"output_root={tmp_path}", f"policy={NAME}",
                         "policy.max_age=20", "policy.modes.ungdomslos.contact_hours=2.0", *SMALL],
                        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert ok.returncode == 0, ok.stderr[-3000:]
    runs = pd.read_parquet(next((tmp_path / "single_runs").rglob("runs.parquet")))
    assert runs.loc[0, "cfg.policy.max_age"] == 20 and runs.loc[0, "cfg.policy.modes.ungdomslos.contact_hours"] == 2.0
    bad = subprocess.run([sys.executable, "-m", "inclusim.cli", f"output_root={tmp_path}", f"policy={NAME}",
                          "policy.max_age=40", *SMALL], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert bad.returncode != 0 and "policy.max_age = 40: allowed range is 18 to 30" in bad.stderr
    assert "Traceback" not in bad.stderr
