"""Bad input and clashing commands refused before anything runs, and never a traceback (issue 24;
docs/reliability.md): names and output folders as the run will see them, Hydra settings that decide
where files go, empty sweeps, folders that are not sweeps, two commands at once."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pandas as pd
import pytest

from cli_faults import INCLUSIM, SMALL, cli, injected, one_line_error, snapshot, sweep
from infra.store import LOCK_FILE, complete_run_dirs, new_run_folder


# --- 12. refused before anything runs, and never a traceback (issue 24) ------------------------------

def test_two_single_runs_of_one_name_started_at_once_keep_both_results(tmp_path):
    procs = [subprocess.Popen([*INCLUSIM, f"output_root={tmp_path}", "name=a", f"seed={seed}", "horizon_weeks=10",
                               "report=false"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for seed in (1, 2)]
    assert all(p.wait(timeout=300) == 0 for p in procs), [p.stderr.read()[-2000:] for p in procs]
    folders = sorted((tmp_path / "single_runs" / "a").iterdir())
    assert len(folders) == 2
    assert sorted(int(pd.read_parquet(f / "runs.parquet")["seed"].iloc[0]) for f in folders) == [1, 2]


def test_a_run_folder_is_never_given_twice_even_in_the_same_second(tmp_path):
    first, second = new_run_folder(tmp_path, "2026-12-07_10-00-00"), new_run_folder(tmp_path, "2026-12-07_10-00-00")
    assert first != second and first.is_dir() and second.is_dir()
    assert (first.name, second.name) == ("2026-12-07_10-00-00", "2026-12-07_10-00-00_2")


@pytest.mark.parametrize("args, env, fragment", [
    (["name=${oc.env:ESCAPE}"], {"ESCAPE": "../../x"}, "name = '../../x': must be a plain folder name"),
    (["-m", "seed=1,2", "name=${oc.env:ESCAPE}"], {"ESCAPE": "../x"}, "name = '../x': must be a plain folder name"),
    (["hydra.run.dir=/tmp/elsewhere"], {}, "hydra.run.dir=/tmp/elsewhere: inclusim decides where results go"),
    (["-m", "hydra.sweep.dir=/tmp/elsewhere", "seed=1"], {}, "inclusim decides where results go"),
])
def test_names_and_output_folders_are_checked_as_the_run_will_see_them(tmp_path, args, env, fragment):
    root = tmp_path / "root" / "out"
    proc = cli(f"output_root={root}", "horizon_weeks=5", *args, env=env)
    assert proc.returncode == 2 and fragment in one_line_error(proc)
    assert not (tmp_path / "root").exists() and not (tmp_path / "x").exists()


def test_an_output_root_given_by_interpolation_is_checked_after_it(tmp_path):
    (tmp_path / "a_file").write_text("not a folder")
    proc = cli("output_root=${oc.env:ROOT}", "horizon_weeks=5", env={"ROOT": str(tmp_path / "a_file")})
    assert proc.returncode == 2 and f"output folder {tmp_path / 'a_file'} is a file" in one_line_error(proc)
    proc = cli("output_root=${oc.env:ROOT}/out", "horizon_weeks=5", "report=false", env={"ROOT": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(list((tmp_path / "out" / "single_runs" / "single").iterdir())) == 1


@pytest.mark.parametrize("command", ["collect", "report", "summary", "progress"])
def test_a_folder_that_is_not_a_sweep_is_refused_and_left_as_it_was(tmp_path, command):
    foreign = tmp_path / "etc"
    foreign.mkdir()
    (foreign / "passwd").write_text("root:x:0:0")
    before = snapshot(foreign)
    proc = cli(command, str(foreign))
    assert proc.returncode == 2 and "is not a sweep folder" in one_line_error(proc)
    assert snapshot(foreign) == before and not (foreign / LOCK_FILE).exists()


def test_an_empty_sweep_is_refused_with_one_line(tmp_path):
    proc = cli("-m", f"output_root={tmp_path}", "seed=range(1,1)")
    assert proc.returncode == 2 and "seed=range(1,1): the sweep has no runs" in one_line_error(proc)
    assert not list(tmp_path.iterdir())


def test_no_space_while_hydra_writes_a_jobs_config_is_one_line(tmp_path):
    env = injected(tmp_path, """
        import errno, hydra.core.utils
        def _save_config(*args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")
        hydra.core.utils._save_config = _save_config
    """)
    for proc in (sweep(tmp_path, "h", "seed=1,2", "report=false", env=env),
                 cli(f"output_root={tmp_path}", *SMALL[:-1], "seed=1", env=env)):   # a sweep and a single run
        assert proc.returncode == 1
        assert "the command stopped: No space left on device" in one_line_error(proc)


def test_a_sweep_and_single_runs_never_share_a_folder(tmp_path):
    # a sweep named single beside single runs: those go to single_runs/<name>/<time>/
    assert sweep(tmp_path, "single", "seed=1,2", "report=false").returncode == 0
    alone = cli(f"output_root={tmp_path}", "name=runs", "seed=5", *SMALL[:-1], "report=false")
    assert alone.returncode == 0, alone.stderr[-2000:]
    assert cli("collect", str(tmp_path / "single")).returncode == 0
    assert sorted(pd.read_parquet(tmp_path / "single" / "runs.parquet")["seed"]) == [1, 2]
    refused = sweep(tmp_path, "single_runs", "seed=1")
    assert refused.returncode == 2 and "name = 'single_runs': the folder of single runs" in one_line_error(refused)


@pytest.mark.parametrize("override", ["hydra.job.name=../../../escape", "hydra.job_logging.handlers.file.filename={}",
                                      "+hydra.callbacks.x._target_=builtins.print", "hydra/job_logging=disabled",
                                      "hydra.launcher.submitit_folder={}"])
def test_hydra_settings_that_decide_where_files_go_are_refused(tmp_path, override):
    outside = tmp_path / "outside" / "escape.log"
    proc = cli(f"output_root={tmp_path / 'out'}", "horizon_weeks=3", override.format(outside))
    assert proc.returncode == 2 and "inclusim decides where results go and what Hydra writes" in one_line_error(proc)
    assert not (tmp_path / "out").exists() and not (tmp_path / "outside").exists()
    assert not list(tmp_path.parent.glob("escape*"))


def test_hydra_settings_of_the_launcher_and_the_batches_may_be_changed(tmp_path):
    proc = sweep(tmp_path, "l", "seed=1,2", "hydra.sweeper.seeds_per_job=1", "hydra.verbose=false", "report=false")
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.mark.parametrize("name, fragment", [
    ("a" * 300, "name: a text of 300 characters; at most 100 allowed"),
    ("'NAV\u202eOslo'", "name: character 4 of 'NAV\\u202eOslo' is U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("'a\u2028b'", "is U+2028 (LINE SEPARATOR)"),
])
def test_a_name_too_long_or_with_invisible_characters_is_one_line(tmp_path, name, fragment):
    proc = cli(f"output_root={tmp_path}", f"name={name}")
    assert proc.returncode == 2 and fragment in one_line_error(proc)
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_sigterm_ends_a_sweep_as_ctrl_c_does(tmp_path):
    """SIGTERM (SLURM's scancel, systemd's stop) to the command's process group: status 143, one line,
    no traceback or leaked-resource warning, no process left, and the sweep resumes."""
    proc = subprocess.Popen([*INCLUSIM, "-m", f"output_root={tmp_path}", "name=t", "seed=range(1,40)", *SMALL[:-1],
                             "report=false"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(complete_run_dirs(tmp_path / "t")) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("inclusim: stopped (SIGTERM)."), err[-3000:]
    deadline = time.time() + 20      # its workers end too (they watch the command)
    while time.time() < deadline and subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True).stdout:
        time.sleep(0.5)
    assert not subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
    done = len(complete_run_dirs(tmp_path / "t"))
    again = cli("-m", f"output_root={tmp_path}", "name=t", "seed=range(1,40)", *SMALL[:-1], "report=false")
    assert again.returncode == 0 and again.stdout.count("  skip ") == done


def test_two_commands_with_the_same_runs_compute_each_run_once(tmp_path):
    args = ["-m", f"output_root={tmp_path}", "name=same", "seed=range(1,9)", *SMALL, "report=false"]
    procs = [subprocess.Popen([*INCLUSIM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _out, err in outputs]
    computed = sum(out.count(" runs] ") for out, _err in outputs)
    skipped = sum(out.count("  skip ") for out, _err in outputs)
    assert (computed, skipped) == (8, 8)        # each run computed by one command, skipped by the other
    assert len(complete_run_dirs(tmp_path / "same")) == 8 and not list((tmp_path / "same").rglob("_FAILED"))




@pytest.mark.parametrize("flags", [["--config-dir", "{tmp}"], ["--config-dir={tmp}"], ["-cp", "{tmp}"],
                                   ["--config-name=other"]])
def test_flags_that_change_where_the_config_comes_from_are_refused(tmp_path, flags):
    """Issue 24, second review: `--config-dir` was accepted, so a run could compose from another folder
    than the one the check before the run had composed."""
    (tmp_path / "config.yaml").write_text("seed: 3\n")
    args = [flag.replace("{tmp}", str(tmp_path)) for flag in flags]
    proc = cli(*args, f"output_root={tmp_path / 'out'}", "horizon_weeks=5")
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert line.startswith(f"inclusim: error: {args[0]}: not a flag of inclusim's runs") and "office=FILE" in line
    assert not (tmp_path / "out").exists()


def test_a_norwegian_name_is_quoted_for_hydra_and_a_sweep_of_them_is_told_how(tmp_path):
    from domain.params import ConfigError
    from inclusim.office import quote_letters
    from inclusim.preflight import check

    assert quote_letters(["name=Bodø", "office.label=Nav Bærum", "seed=1", "-m", "name='Tromsø'", "x=a,ø"]) == \
        ["name='Bodø'", "office.label='Nav Bærum'", "seed=1", "-m", "name='Tromsø'", "x=a,ø"]
    plan = check(quote_letters([f"output_root={tmp_path}", "name=Bodø"]))
    assert plan.single_dir == tmp_path / "single_runs" / "Bodø"
    with pytest.raises(ConfigError, match=r"name=Bodø,Tromsø: Hydra reads letters such as æ, ø and å only inside quotes"):
        check(quote_letters(["-m", f"output_root={tmp_path}", "name=Bodø,Tromsø"]))
    plan = check(quote_letters(["-m", f"output_root={tmp_path}", "seed=1,2", "name=Tromsø"]))
    assert plan.sweep_dir == tmp_path / "Tromsø" and plan.n_runs == 2


def test_an_unnamed_sweep_gets_a_folder_of_its_own_settings(tmp_path):
    """Without name=, a sweep's folder is named by its settings (seeds and labels left out): the same
    command, or one with more seeds, goes on in it; other settings never land in the same summary."""
    from inclusim.preflight import check, planned_runs

    first = check(["-m", f"output_root={tmp_path}", "seed=1,2", "horizon_weeks=20"])
    assert first.given_name.startswith("sweep-") and first.sweep_dir == tmp_path / first.given_name
    assert len(planned_runs()) == 2
    more_seeds = check(["-m", f"output_root={tmp_path}", "seed=1,2,3", "horizon_weeks=20", "lang=nb"])
    assert more_seeds.given_name == first.given_name and len(planned_runs()) == 3
    other = check(["-m", f"output_root={tmp_path}", "seed=1,2", "horizon_weeks=30"])
    assert other.given_name not in (None, first.given_name)
    named = check(["-m", f"output_root={tmp_path}", "seed=1,2", "name=mine"])
    assert named.given_name is None and named.sweep_dir == tmp_path / "mine"
    assert check([f"output_root={tmp_path}", "seed=1"]).given_name is None      # a single run


def test_a_sweep_counts_only_its_own_runs_as_complete(tmp_path):
    assert sweep(tmp_path, "both", "seed=1,2", "report=false").returncode == 0
    # a folder holding runs of other settings is refused before anything is written (issue 27) ...
    refused = sweep(tmp_path, "both", "seed=1,2", "office.n_advisers=4", "report=false")
    assert refused.returncode == 2 and "holds 2 complete runs of other settings" in refused.stderr
    assert "merge=true" in refused.stderr and "Traceback" not in refused.stderr
    assert len(list((tmp_path / "both" / "runs").iterdir())) == 2
    # ... unless they are to be collected together on purpose
    other = sweep(tmp_path, "both", "seed=1,2", "office.n_advisers=4", "report=false", "merge=true")
    assert other.returncode == 0, other.stderr[-2000:]
    assert "(2 complete runs of other seeds or settings in the folder are collected with it)" in other.stdout
    assert "already complete" not in other.stdout and "[2/2 runs]" in other.stdout
    again = sweep(tmp_path, "both", "seed=1,2,3", "office.n_advisers=4", "report=false", "merge=true")
    assert "(2 already complete, checked, will be skipped; 2 complete runs of other seeds or settings" in again.stdout
