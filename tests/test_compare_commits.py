"""The script that compares two commits' speed refuses what it cannot compare, before checking anything out."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "compare_commits.py"


def _script():
    spec = importlib.util.spec_from_file_location("compare_commits", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _worktrees() -> str:
    return subprocess.run(["git", "-C", str(SCRIPT.parent), "worktree", "list"], capture_output=True, text=True).stdout


@pytest.mark.parametrize("argv", [["HEAD", "HEAD"], ["HEAD", "--rounds", "0"], ["HEAD", "--job", "other"]])
def test_what_it_cannot_compare_is_refused(argv, capsys):
    before = _worktrees()
    with pytest.raises(SystemExit) as stop:
        _script().main(argv)
    assert stop.value.code == 2 and "error" in capsys.readouterr().err
    assert _worktrees() == before          # nothing checked out


def test_an_unknown_revision_is_named():
    before = _worktrees()
    with pytest.raises(SystemExit, match="cannot check out 'no-such-revision'"):
        _script().main(["no-such-revision"])
    assert _worktrees() == before
