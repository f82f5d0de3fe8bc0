"""The command line: single runs, sweeps (serial = parallel), resume after a kill, collect, errors."""

from __future__ import annotations

import os

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from domain.schema import TABLES

INCLUSIM = [sys.executable, "-m", "inclusim.cli"]
SMALL = ["horizon_weeks=26", "office.n_advisers=3", "office.caseload_ordinary=30", "labour_market.n_firms=40"]


def cli(*args, cwd=None, check=True):
    proc = subprocess.run([*INCLUSIM, *args], capture_output=True, text=True, cwd=cwd, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def sweep(tmp: Path, name: str, jobs: int, extra=()):
    return cli("-m", f"output_root={tmp}", f"name={name}", "policy=saksbehandler,hybrid", "seed=1,2",
               f"hydra.launcher.n_jobs={jobs}", *SMALL, *extra)


def read(folder: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(folder / f"{t}.parquet") for t in TABLES}


def assert_same(a: dict, b: dict):
    for t in TABLES:
        pd.testing.assert_frame_equal(a[t], b[t], check_like=False)


@pytest.fixture(scope="module")
def serial_sweep(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweeps")
    out = sweep(tmp, "serial", jobs=1)
    return tmp, out


def test_sweep_writes_one_row_per_run_and_a_summary(serial_sweep):
    tmp, out = serial_sweep
    folder = tmp / "serial"
    runs = pd.read_parquet(folder / "runs.parquet")
    assert len(runs) == 4 and runs["config_hash"].is_unique
    assert set(runs["policy"]) == {"saksbehandler", "hybrid"} and set(runs["seed"]) == {1, 2}
    assert {"cfg.office.n_advisers", "git_commit", "overrides"} <= set(runs.columns)
    assert "Summary: mean over replications (90 % interval" in out.stdout
    assert "[4/4 runs]" in out.stdout
    assert (folder / "summary.csv").exists()


def test_parallel_sweep_equals_serial_sweep(serial_sweep):
    tmp, _ = serial_sweep
    sweep(tmp, "parallel", jobs=2)
    assert_same(read(tmp / "serial"), read(tmp / "parallel"))


def test_collect_twice_gives_the_same_tables(serial_sweep):
    tmp, _ = serial_sweep
    first = read(tmp / "serial")
    cli("collect", str(tmp / "serial"))
    assert_same(first, read(tmp / "serial"))


def test_killed_sweep_resumes_to_the_same_result(serial_sweep):
    tmp, _ = serial_sweep
    ref = read(tmp / "serial")
    broken = tmp / "resumed"
    shutil.copytree(tmp / "serial" / "runs", broken / "runs")
    victims = sorted((broken / "runs").iterdir())[:2]
    (victims[0] / "_COMPLETE").unlink()                 # killed while writing
    (victims[0] / "events.parquet").write_bytes(b"half")
    shutil.rmtree(victims[1])                            # never started
    kept = sorted((broken / "runs").iterdir())[-1]
    before = (kept / "runs.parquet").read_bytes()
    out = sweep(tmp, "resumed", jobs=2)
    assert out.stdout.count("  skip ") == 2
    assert (kept / "runs.parquet").read_bytes() == before   # finished runs are not rewritten
    assert_same(ref, read(broken))


def test_single_run_prints_kpis_and_writes_tables(tmp_path):
    out = cli(f"output_root={tmp_path}", "policy=jobbspesialist", *SMALL)
    assert "Ever employed" in out.stdout and "Employed at week 26" in out.stdout and "nan" not in out.stdout
    written = list((tmp_path / "single_runs").rglob("runs.parquet"))
    assert len(written) == 1


@pytest.mark.parametrize("args, fragment", [
    (["office.n_advisers=0"], "office.n_advisers = 0: allowed range is 1 to 5000"),
    (["office.n_adviserz=3"], "office.n_adviserz"),
    (["office.n_advisers=many"], "office.n_advisers"),
    (["policy=magic"], "Could not find 'policy/magic'"),
    (["collect", "/no/such/folder"], "sweep folder /no/such/folder does not exist"),
    (["policy=saksbehandler", "policy.max_age=29"], "max_age"),
    (["policy=hybrid", "policy.max_age=12"], "policy.max_age = 12: allowed range is 18 to 99"),
    (["params", "--outt", "x.md"], "inclusim params: no such option '--outt'"),
])
def test_user_errors_are_one_clear_message_without_traceback(tmp_path, args, fragment):
    subcommand = args[0] in ("collect", "params")
    proc = cli(*args, check=False, cwd=tmp_path) if subcommand else cli(*args, f"output_root={tmp_path}", check=False)
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert fragment in text
    assert "Traceback" not in text


def test_bad_value_in_a_sweep_writes_nothing_and_keeps_earlier_results(serial_sweep):
    tmp, _ = serial_sweep
    folder = tmp / "serial"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    proc = cli("-m", f"output_root={tmp}", "name=serial", "office.n_advisers=0", "seed=1,2",
               "hydra.launcher.n_jobs=1", *SMALL[:1], check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before   # provenance included


def test_summary_of_a_sweep_with_many_settings_has_one_row_per_setting(tmp_path):
    out = cli("-m", f"output_root={tmp_path}", "name=many", "policy=hybrid", "office.hybrid_slots=1,2,3,4,5,6,10",
              "seed=1", "hydra.launcher.n_jobs=2", "report=false", *SMALL)
    lines = out.stdout.split("Summary:")[1].strip().splitlines()
    rows = [ln for ln in lines if ln.startswith("policy=hybrid office.hybrid_slots=")]
    assert [r.split()[1] for r in rows] == [f"office.hybrid_slots={n}" for n in (1, 2, 3, 4, 5, 6, 10)]
    assert "ever_employed_share" in lines[1]


def test_the_check_composes_each_combination_of_presets_once_and_names_a_bad_one(tmp_path, monkeypatch):
    """The command's check composes each combination of presets once; a bad one is named with its run."""
    from domain.params import ConfigError
    from inclusim import preflight
    from inclusim.preflight import check

    composers = tmp_path / "composers.txt"      # which process composed what (the helper's memory is its own)
    real_compose_each = preflight._compose_each

    def recorded(picks):
        with open(composers, "a") as log:
            log.writelines(f"{' '.join(p)} {os.getpid()}\n" for p in picks)
        return real_compose_each(picks)

    monkeypatch.setattr(preflight, "_compose_each", recorded)
    good = check(["-m", f"output_root={tmp_path}", "policy=saksbehandler,hybrid,jobbspesialist", "seed=1,2"])
    assert good.n_runs == 6
    by = [line.rsplit(" ", 1) for line in composers.read_text().splitlines()]
    assert sorted(pick for pick, _pid in by) == ["policy=hybrid", "policy=jobbspesialist", "policy=saksbehandler"]
    assert len(by) == 3                                   # composed once each
    with pytest.raises(ConfigError) as refused:
        check(["-m", f"output_root={tmp_path}", "policy=saksbehandler,magic,hybrid", "seed=1,2"])
    assert "policy=magic seed=1: " in str(refused.value) and "Could not find 'policy/magic'" in str(refused.value)


def test_a_preset_that_breaks_otherwise_is_raised_at_its_runs_turn(tmp_path, monkeypatch):
    """An error Hydra does not name (a preset that is not YAML) comes as it is, and only when the check
    reaches its first run: a bad value in a run before it is named first."""
    import hydra

    from domain.params import ConfigError
    from inclusim.preflight import check

    real_compose = hydra.compose

    def compose(config_name, overrides=(), **options):
        if "policy=hybrid" in overrides:
            raise RuntimeError("policy/hybrid.yaml is not YAML")
        return real_compose(config_name=config_name, overrides=list(overrides), **options)

    monkeypatch.setattr(hydra, "compose", compose)
    with pytest.raises(ConfigError, match="seed = -1"):
        check(["-m", f"output_root={tmp_path}", "policy=saksbehandler,hybrid", "seed=-1,2"])
    with pytest.raises(RuntimeError, match="not YAML"):
        check(["-m", f"output_root={tmp_path}", "policy=saksbehandler,hybrid", "seed=1,2"])


@pytest.mark.slow     # the killed sweep's resume is also tested fast (test_killed_sweep_resumes_to_the_same_result)
def test_an_interrupted_sweep_says_so_in_one_line_and_resumes(tmp_path):
    """Ctrl+C (SIGINT to the command's process group, as a terminal sends it) ends the sweep with
    status 130 and one line, no traceback; the same command then finishes the runs left."""
    import signal
    import time

    args = [*INCLUSIM, "-m", f"output_root={tmp_path}", "name=stop", "seed=range(1,61)", *SMALL]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    runs = tmp_path / "stop" / "runs"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(runs.glob("*/_COMPLETE")) and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("inclusim: interrupted.")
    deadline = time.monotonic() + 30   # workers gone with the command end within a second (``inclusim.workers``)
    while time.monotonic() < deadline and subprocess.run(["pgrep", "-s", str(proc.pid)]).returncode == 0:
        time.sleep(0.1)
    done = len(list(runs.glob("*/_COMPLETE")))
    assert 1 <= done < 60
    resumed = cli(*args[len(INCLUSIM):])
    assert resumed.stdout.count("skip ") == done
    assert len(list(runs.glob("*/_COMPLETE"))) == 60


def test_help_names_the_commands_and_every_configuration_group_without_starting_hydra():
    """`inclusim --help` printed Hydra's "task is powered by Hydra" after about 4 s of listing groups."""
    proc = subprocess.run([sys.executable, "-m", "inclusim.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "powered by Hydra" not in proc.stdout
    listed = [line.split()[0] for line in proc.stdout.split("Commands:")[1].split("\n\n")[0].splitlines() if line]
    assert {"collect", "report", "dashboard", "staffing", "calibrate"} <= set(listed)
    groups = {line.split(":")[0].strip(): line for line in proc.stdout.splitlines() if line.startswith("  ") and ":" in line}
    assert "hybrid" in groups["policy"] and "policy_compare" in groups["experiment"] and "asker" in groups["office"]
    assert "_schema" not in proc.stdout and "inclusim --hydra-help" in proc.stdout


COMMANDS = ("run", "collect", "summary", "progress", "report", "params", "validate", "mechanisms", "contrast", "explain",
            "bench", "calibrate", "dashboard", "staffing")


def test_help_lists_every_command_with_a_line_and_every_command_has_help(capsys):
    """One grammar (click): `inclusim --help` lists each command with a one-line description, and
    `inclusim COMMAND --help` works for each of them (status 0, its usage line)."""
    from inclusim.cli import main

    main(["--help"])
    listing = capsys.readouterr().out.split("Commands:")[1].split("\n\n")[0]
    described = {line.split()[0]: line.split(None, 1)[1] for line in listing.splitlines() if line.startswith("  ")
                 and not line.startswith("   ")}
    assert set(described) == set(COMMANDS) and all(text and not text.endswith("...") for text in described.values())
    for command in COMMANDS:
        main([command, "--help"])          # returns: status 0
        out = capsys.readouterr().out
        assert out.startswith(f"Usage: inclusim {command} ") and "--help" in out


@pytest.mark.parametrize("args, fragment", [
    (["validate", "--bogus"], "inclusim validate: no such option '--bogus'"),
    (["validate", "--seeds", "x"], "inclusim validate: invalid value for '--seeds': 'x' is not a valid integer"),
    (["report"], "inclusim report: missing argument 'SWEEP_DIR'"),
    (["staffing", "--bogus"], "inclusim staffing: no such option '--bogus'"),
    (["colect", "x"], "no such command 'colect'. Did you mean 'collect'?"),
])
def test_a_wrong_option_or_argument_of_a_command_is_one_line_and_status_2(capsys, args, fragment):
    from inclusim.cli import main

    with pytest.raises(SystemExit) as ended:
        main(args)
    out, err = capsys.readouterr()
    assert ended.value.code == 2 and out == ""
    assert err.splitlines() == [err.strip()] and err.startswith("inclusim: error: ") and fragment in err
