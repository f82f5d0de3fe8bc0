"""The office file: a leader's own numbers mapped onto the config, its errors, and `inclusim office=FILE`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from domain.config import Config, validate
from domain.params import ConfigError, merge, overrides
from inclusim.office import expand_office_files, office_config
from scenarios.office_file import load_office_file, office_from_dict
from sim.tables import run_model

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
INCLUSIM = [sys.executable, "-m", "inclusim.cli"]

OFFICE = {
    "name": "NAV Test",
    "advisers": [{"role": "saksbehandler", "count": 2, "caseload": 60},
                 {"role": "hybrid", "count": 2, "caseload": 80, "slots": 4},
                 {"role": "jobbspesialist", "caseload": 20}],
    "users": [{"need": "small", "under_30": 20, "age_30_plus": 10},
              {"need": "middels", "under_30": 15, "age_30_plus": 5},
              {"need": "large", "count": 10}],
    "inflow_per_month": 13,
    "employers": [{"sector": "retail", "small": 30, "large": 10}, {"sector": "school", "large": 10}],
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "office.yaml"
    path.write_text(text)
    return path


def cli(*args, cwd=ROOT):
    return subprocess.run([*INCLUSIM, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.mark.parametrize("name, positions, rural", [("urban_office.yaml", 15, False), ("rural_office.yaml", 11, True)])
def test_the_examples_load_and_give_a_valid_config(name, positions, rural):
    office = load_office_file(EXAMPLES / name)
    assert office.positions == positions and office.policy == "brobygger"
    assert (office.presets().get("labour_market") == "rural") is rural
    cfg = validate(merge(Config(), overrides(office.overrides())))
    assert cfg.office.n_advisers + cfg.office.n_job_specialists == positions
    assert cfg.office.region == ("rural" if rural else "urban")


def test_the_mapping_of_each_field():
    office = office_from_dict(OFFICE)
    s = office.overrides()
    assert s["office.n_advisers"] == 4 and s["office.n_job_specialists"] == 1 and s["office.js_caseload_cap"] == 20
    assert s["office.caseload_ordinary"] == 70                      # the mean keeps the 280 users
    assert s["office.hybrid_volunteer_share"] == 0.5 and s["office.hybrid_slots"] == 4
    assert s["office.target_share"] == round(60 / 280, 6)           # 60 target-group users of 280
    assert (s["population.need_share_small"], s["population.need_share_medium"]) == (0.5, round(20 / 60, 6))
    assert abs(sum(s[f"population.need_share_{n}"] for n in ("small", "medium", "large")) - 1) < 1e-9
    assert s["population.inflow_per_week"] == round(13 * 12 / 52, 6)
    assert s["labour_market.n_firms"] == 50 and s["labour_market.share_small"] == 0.6
    assert s["labour_market.sector_weights"]["kindergarten"] == 0.0   # not in the file: no firms there
    assert "population.share_under_30" not in s                      # one row gave no age groups
    assert s["policy.name"] == "brobygger"
    notes = " ".join(office.notes)
    assert "the mean, 70 users" in notes and "age groups not given" in notes


@pytest.mark.parametrize("change, fragment", [
    ({"advisers": [{"role": "saksbehandler", "caseload": 70}, {"role": "hybrid", "caseload": 70},
                   {"role": "saksbehandler", "caseload": 300}]},
     "advisers, row 3: caseload = 300: allowed range is 5 to 250 (users) (the model's office.caseload_ordinary)"),
    ({"advisers": [{"role": "saksbehandler", "caseload": 70}, {"role": "saksbehandler", "caseloads": 70}]},
     "advisers, row 2: unknown key 'caseloads'; allowed keys are role, count, caseload, slots, label"),
    ({"advisers": [{"role": "manager", "caseload": 70}]}, "advisers, row 1: role = 'manager': allowed values are"),
    ({"advisers": [{"role": "jobbspesialist", "caseload": 45}]},
     "advisers, row 1: caseload = 45: allowed range is 1 to 40 (users) (the model's office.js_caseload_cap)"),
    ({"advisers": [{"role": "saksbehandler", "caseload": 70, "slots": 3}]}, "advisers, row 1: slots = 3: only hybrid"),
    ({"advisers": [{"role": "saksbehandler", "caseload": 70, "count": 0}]}, "advisers, row 1: count = 0: must be a whole"),
    ({"advisers": [{"role": "jobbspesialist", "caseload": 20}]}, "advisers: advisers with a caseload"),
    ({"leader_support": 1.5}, "leader_support = 1.5: allowed range is 0.0 to 1.0"),
    ({"region": "city"}, "region = 'city': allowed values are urban, rural"),
    ({"users": [{"need": "huge", "count": 3}]}, "users, row 1: need = 'huge': allowed values are"),
    ({"users": [{"need": "small", "count": 3, "under_30": 2}]}, "users, row 1: give either count or"),
    ({"users": [{"need": "small", "count": 900}]}, "users: 900 target-group users, more than the 280 users"),
    ({"employers": [{"sector": "mining", "small": 3}]}, "employers, row 1: sector = 'mining': allowed values are"),
    ({"employers": [{"sector": "retail", "small": 2}]}, "employers: small + large (all rows) = 2: allowed range is 5"),
    ({"inflow_per_month": "many"}, "inflow_per_month: 'many': must be a number"),
    ({"staff": 3}, "unknown key 'staff'; allowed keys are name, region"),
])
def test_a_bad_value_names_the_file_the_row_and_the_field(change, fragment):
    with pytest.raises(ConfigError) as err:
        office_from_dict({**OFFICE, **change}, "my_office.yaml")
    text = str(err.value)
    assert text.startswith("office file my_office.yaml: ") and fragment in text and "\n" not in text


def test_a_missing_file_and_broken_yaml_are_one_line(tmp_path):
    with pytest.raises(ConfigError, match="office file .*nope.yaml not found"):
        load_office_file(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match=r"not readable as YAML at line 2"):
        load_office_file(write(tmp_path, "name: x\nregion: urban: rural\n"))


def test_explicit_overrides_on_the_command_line_win():
    notes: list[str] = []
    cfg = office_config(EXAMPLES / "urban_office.yaml", ["office.n_advisers=9", "policy=saksbehandler",
                                                         "labour_market.share_small=0.5"], notes=notes)
    assert cfg.office.n_advisers == 9 and cfg.policy.name == "saksbehandler"
    assert cfg.labour_market.share_small == 0.5
    assert cfg.labour_market.n_firms == 209 and cfg.office.caseload_ordinary == 74   # the file's values stay
    assert notes
    argv = expand_office_files(["-m", "policy=hybrid,brobygger", "office=examples/urban_office.yaml", "seed=1,2"],
                               notes=[])
    assert argv[0] == "-m" and "policy=brobygger" not in argv and argv[-2:] == ["policy=hybrid,brobygger", "seed=1,2"]
    assert argv.index("office=default") < argv.index("policy=hybrid,brobygger")


def test_the_rural_example_runs_on_the_rural_labour_market():
    cfg = office_config(EXAMPLES / "rural_office.yaml", ["horizon_weeks=8"])
    assert cfg.labour_market.name == "rural" and cfg.labour_market.n_firms == 75 and cfg.office.region == "rural"
    runs = run_model(cfg).runs
    assert runs["n_candidates"].iloc[0] > 0


@pytest.mark.parametrize("name", ["urban_office.yaml", "rural_office.yaml"])
def test_an_office_file_runs_through_the_cli(tmp_path, name):
    proc = cli(f"office=examples/{name}", "horizon_weeks=6", f"output_root={tmp_path}", "report=false")
    assert proc.returncode == 0, proc.stderr
    assert "inclusim: note:" in proc.stderr and "policy=brobygger" in proc.stdout
    runs = pd.read_parquet(next((tmp_path / "single_runs").rglob("runs.parquet")))
    office = load_office_file(EXAMPLES / name)
    assert runs["cfg.office.n_advisers"].iloc[0] == office.overrides()["office.n_advisers"]
    assert runs["office"].iloc[0] == office.name


@pytest.mark.parametrize("content, fragment", [
    (None, "office file missing.yaml not found"),
    ("advisers:\n  - {role: saksbehandler, caseload: 70}\n  - {role: hybrid, caseload: 700}\n",
     "advisers, row 2: caseload = 700"),
])
def test_cli_errors_are_one_line_with_exit_status_2(tmp_path, content, fragment):
    if content is not None:
        (tmp_path / "missing.yaml").write_text(content)
    proc = cli("office=missing.yaml", f"output_root={tmp_path}", cwd=tmp_path)
    text = proc.stdout + proc.stderr
    assert proc.returncode == 2 and fragment in text and "Traceback" not in text
    assert len(proc.stderr.strip().splitlines()) == 1
