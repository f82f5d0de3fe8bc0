"""Office files as an attacker or a careless user writes them (issue 24, cases 6 and 10): every one is
refused quickly with one line, or accepted and runs; none is read wrongly with exit 0.

The reader (``domain.safe_yaml`` within ``scenarios.office_file.LIMITS``) refuses a key given twice,
anchors and aliases (billion laughs), nesting deeper than 20 levels, files over 1 MB, values over
200 characters, tags, NUL bytes and bytes that are not UTF-8, each in well under a second; a value
put into a message is quoted and cut short. The property tests feed hypothesis's random office
files, hostile ones among them, to the reader: each is accepted and then runs a few weeks as
``inclusim office=FILE`` would, or is refused with one ConfigError line, each in under a second.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.params import ConfigError
from domain.safe_yaml import SHOWN_CHARS
from domain.terms import SECTORS
from inclusim.office import office_config
from scenarios.office_file import load_office_file
from sim.tables import run_model

ROOT = Path(__file__).resolve().parent.parent
ADVISERS = "advisers:\n  - {role: saksbehandler, count: 2, caseload: 70}\n"
#: The longest message a refusal may give beyond ``office file <path>: ``.
LONGEST = 300
#: A refusal or an acceptance must take less than this (seconds), measured around the reader alone.
QUICK = 1.0


def laughs(levels: int = 9, width: int = 9, where: str = "name") -> str:
    """The billion laughs: each level an anchored list of ``width`` aliases of the one below."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels + 1)]
    if where == "label":
        return "\n".join(lines) + f"\nadvisers:\n  - {{role: saksbehandler, caseload: 70, label: *l{levels}}}\n"
    return "\n".join(lines) + f"\nname: *l{levels}\n" + ADVISERS


def deep(depth: int, flow: bool = True) -> str:
    """``name`` nested ``depth`` levels deep, as [[[...]]] or as a block of indented keys."""
    if flow:
        return "name: " + "[" * depth + "]" * depth + "\n" + ADVISERS
    return ADVISERS + "name:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(depth))


def refusal(path: Path) -> tuple[str, float]:
    """The reader's one-line refusal of ``path`` and the seconds it took; fails if it accepts the file."""
    started = time.perf_counter()
    with pytest.raises(ConfigError) as err:
        load_office_file(path)
    return str(err.value), time.perf_counter() - started


def one_line(message: str, path: Path) -> None:
    prefix = f"office file {path}"
    assert message.startswith(prefix) and "\n" not in message and "\r" not in message, message
    assert len(message) - len(prefix) <= LONGEST, message


def refused(path: Path, fragment: str) -> float:
    """Seconds the reader took to refuse ``path`` with one line that says ``fragment``."""
    message, seconds = refusal(path)
    one_line(message, path)
    assert fragment in message, message
    return seconds


@pytest.fixture
def office(tmp_path):
    def write(content: str | bytes) -> Path:
        path = tmp_path / "office.yaml"
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path
    return write


@pytest.mark.parametrize("text, fragment", [
    (ADVISERS + "name: A\n" + ADVISERS.replace("saksbehandler", "hybrid"),
     "the key 'advisers' is given twice, at lines 1 and 4"),
    ("advisers:\n  - {role: hybrid, caseload: 70, caseload: 90}\n",
     "advisers, row 1: the key 'caseload' is given twice, at line 2 (columns 20 and 34)"),
    ("advisers:\n  - role: hybrid\n    count: 2\n    caseload: 70\n    count: 3\n",
     "advisers, row 1: the key 'count' is given twice, at lines 3 and 5"),
    ("name: A\n'name': B\n" + ADVISERS, "the key 'name' is given twice, at lines 1 and 2"),
])
def test_a_key_given_twice_is_refused_naming_both_lines(office, text, fragment):
    refused(office(text), fragment)


def test_a_folder_or_a_device_is_not_read_as_an_office_file(tmp_path):
    for path in (tmp_path, Path("/dev/zero")):
        refused(path, "is not a file (a folder or a device)")


def test_a_merge_key_cannot_hide_a_table(office):
    """``<<: {...}`` merged a table whose keys the file's own silently replaced; now it is an unknown key."""
    message, _ = refusal(office("<<: {advisers: [{role: hybrid, caseload: 80}]}\n" + ADVISERS))
    assert "unknown key '<<'" in message


@pytest.mark.parametrize("content, fragment", [
    (laughs(), "line 1 (l0): '&l0': anchors and aliases (&name, *name) are not allowed; an office file needs none"),
    (laughs(where="label"), "anchors and aliases (&name, *name) are not allowed"),
    ("name: &n NAV\n" + ADVISERS, "line 1 (name): '&n': anchors and aliases"),
    (deep(100_000), "line 1: nested more than 20 levels deep, the most allowed in an office file"),
    (deep(21), "line 1 (..., row 1, row 1, row 1): nested more than 20 levels deep"),
    (deep(1000, flow=False), "line 23 (..., a, a, a): nested more than 20 levels deep"),
    ("name: " + "[" * 999_000 + "\n", "nested more than 20 levels deep"),               # a 1 MB hostile file
    ("[" + "1," * 499_990 + "1]\n", "line 1 (row 10000): more than 10,000 values, the most allowed"),   # 1 MB
    ("#" * 1_000_001, "larger than 1,000,000 bytes (1 MB), the most allowed for an office file"),
    ("name: " + "x" * 5000 + "\n" + ADVISERS, "line 1 (name): a text of 5,000 characters; at most 200 allowed"),
    ("name: !!python/object:os.system ls\n" + ADVISERS, "line 1 (name): the tag '!!python/object:os.system': tags"),
    ("name: !!binary aGVsbG8=\n" + ADVISERS, "the tag '!!binary': tags (!name, !!type) are not allowed"),
    (b"name: NAV\x00\n" + ADVISERS.encode(), "line 1: a NUL byte: binary data, not YAML text"),
    (b"name: NAV Troms\xf8\n" + ADVISERS.encode(), "line 1: byte 0xf8 is not UTF-8 text; save the file as UTF-8"),
    (bytes(range(256)) * 4, "a NUL byte"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)), "byte 0x89 is not UTF-8 text"),
    ("name: NAV\x07\n" + ADVISERS, "not readable as YAML at line 1 (control characters are not allowed)"),
    (ADVISERS + "---\nname: B\n", "line 3: a second YAML document ('---'); an office file is one document"),
    ("? [a, b]\n: 1\n" + ADVISERS, "line 1: a key that is a list or a table; keys are names"),
    ("leader_support: 0b_\n" + ADVISERS, "line 1 (leader_support): '0b_' is written as a number but is not one"),
])
def test_hostile_yaml_is_refused_quickly_with_one_line(office, content, fragment):
    seconds = refused(office(content), fragment)
    assert seconds < QUICK / 2, f"{seconds:.3f} s to refuse"


@pytest.mark.parametrize("text, fragment", [
    ("advisers:\n  - {role: saksbehandler, caseload: 70, count: " + "1" + "0" * 100 + "}\n",
     "advisers with a caseload (saksbehandler and hybrid) = 100000000000... (101 digits): allowed range is 1 to"),
    ("advisers:\n  - {role: saksbehandler, caseload: 70}\n  - {role: jobbspesialist, caseload: 20, count: "
     + "9" * 60 + "}\n", "advisers: job specialists = 999999999999... (60 digits): allowed range is 0 to 2000"),
    (ADVISERS + "leader_support: .nan\n", "leader_support = nan: must be a number"),
    (ADVISERS + "leader_support: .inf\n", "leader_support = inf: allowed range is 0.0 to 1.0"),
    (ADVISERS + "leader_support: yes\n", "leader_support = True: must be a number"),
    (ADVISERS + "inflow_per_month: -.inf\n", "inflow_per_month: -inf: must be a number of users a month"),
    ("advisers:\n  - {role: saksbehandler, caseload: true}\n", "caseload = True: must be a whole number"),
    ("advisers:\n  - {role: saksbehandler, caseload: 70.0}\n", "caseload = 70.0: must be a whole number"),
    (ADVISERS + "users:\n  - {need: small, count: " + "7" * 150 + "}\n",
     "users: 777777777777... (150 digits) target-group users, more than the 140 users"),
    (ADVISERS + "name: [NAV, Oslo]\n", "name = ['NAV', 'Oslo']: must be text, not a list or a table"),
    (ADVISERS + 'name: "NAV\\nOslo"\n', "name = 'NAV\\nOslo': must be one line of text, without control characters"),
    ("advisers:\n  - {role: hybrid, caseload: 70, label: {a: 1}}\n", "label = {'a': 1}: must be text, not a list"),
])
def test_numbers_and_texts_out_of_bounds_are_one_line(office, text, fragment):
    refused(office(text), fragment)


def test_what_a_message_shows_of_the_file_is_short_and_quoted(office):
    key = "<img src=x onerror=alert(1)>" + "k" * 150
    path = office(f"{key}: 1\n" + ADVISERS)
    message, _ = refusal(path)
    one_line(message, path)
    shown = message.split("unknown key ", 1)[1].split("; allowed keys", 1)[0]
    assert shown.startswith("'<img src=x onerror=alert(1)>kk") and shown.endswith("...")
    assert len(shown) == SHOWN_CHARS
    message, _ = refusal(office("region: '" + "<b>" * 60 + "'\n" + ADVISERS))
    assert "region = '<b><b>" in message and len(message.split("region = ", 1)[1].split(":")[0]) == SHOWN_CHARS


@pytest.mark.parametrize("name", ["${oc.env:HOME}", "NAV \\${x} \\ 'A' \"B\" \\", "NAV Sør-Varanger, 2 kontor"])
def test_an_office_name_is_run_as_written(office, name):
    """The name reaches the model as the text in the file: an interpolation in it is not resolved (it
    would show the server's environment on the dashboard) and backslashes are not doubled."""
    path = office(yaml.safe_dump({"name": name}, allow_unicode=True) + ADVISERS)
    assert office_config(path, ["horizon_weeks=4"]).office.name == name


@pytest.mark.parametrize("content, fragment", [
    (ADVISERS + "name: A\n" + ADVISERS, "the key 'advisers' is given twice, at lines 1 and 4"),
    (laughs(), "anchors and aliases (&name, *name) are not allowed"),
    (deep(100_000), "nested more than 20 levels deep"),
])
def test_the_command_refuses_a_hostile_office_file_with_exit_2_and_one_line(tmp_path, content, fragment):
    path = tmp_path / "office.yaml"
    path.write_text(content)
    proc = subprocess.run([sys.executable, "-m", "inclusim.cli", f"office={path}", f"output_root={tmp_path}"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("inclusim: error: office file ") and fragment in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stdout + proc.stderr


# --- property tests ---------------------------------------------------------------------------------

def odd_value():
    """A value of the wrong kind or size for a field."""
    return st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                     st.integers(min_value=10 ** 30, max_value=10 ** 120), st.lists(st.integers(0, 9), max_size=2),
                     st.dictionaries(st.text(max_size=3), st.integers(0, 9), max_size=2),
                     st.sampled_from(["manager", "", "x" * 201, float("nan"), float("inf"), -1]))


#: Names and labels: any one line of text, and a few an attacker would try.
TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=40) | st.sampled_from(
    ["${oc.env:HOME}", "a\\", "'", "\\${x}", "<script>alert(1)</script>", "2020-13-45", "0b_", "yes", "~", "1e400"])


@st.composite
def adviser(draw, with_caseload: bool = False):
    """An adviser's row; ``with_caseload``: a saksbehandler or hybrid (an office needs one)."""
    roles = ["saksbehandler", "ordinary", "hybrid", "Hybrid "] + ["jobbspesialist", "job_specialist"] * (not with_caseload)
    role = draw(st.sampled_from(roles))
    row = {"role": role, "caseload": draw(st.integers(1, 40) if "j" in role else st.integers(20, 250))}
    if draw(st.booleans()):
        row["count"] = draw(st.integers(1, 3))
    if role.strip().lower() == "hybrid" and draw(st.booleans()):
        row["slots"] = draw(st.integers(0, 40))
    if draw(st.booleans()):
        row["label"] = draw(TEXTS)
    return row


USER = st.fixed_dictionaries({"need": st.sampled_from(["small", "medium", "large", "mindre", "middels", "store"])}) \
    .flatmap(lambda r: st.one_of(st.fixed_dictionaries({**{k: st.just(v) for k, v in r.items()},
                                                        "count": st.integers(0, 6)}),
                                 st.fixed_dictionaries({**{k: st.just(v) for k, v in r.items()},
                                                        "under_30": st.integers(0, 3), "age_30_plus": st.integers(0, 3)})))
EMPLOYER = st.fixed_dictionaries({"sector": st.sampled_from(SECTORS), "small": st.integers(0, 30)},
                                 optional={"large": st.integers(0, 10)})
#: Offices as a leader would write them (some still refused: job specialists only, too few firms, ...).
VALID = st.fixed_dictionaries({"advisers": st.tuples(adviser(with_caseload=True), st.lists(adviser(), max_size=3))
                                            .map(lambda rows: [rows[0], *rows[1]])}, optional={
    "name": TEXTS, "region": st.sampled_from(["urban", "rural"]), "leader_support": st.floats(0, 1),
    "inflow_per_month": st.floats(0, 60) | st.integers(0, 60), "users": st.lists(USER, min_size=1, max_size=3),
    "employers": st.lists(EMPLOYER, min_size=1, max_size=4)})


@st.composite
def offices(draw):
    """An office as a leader would write it, one time in four with one field of the wrong kind or size."""
    office = draw(VALID)
    if draw(st.integers(0, 3)) == 0:
        tables = [office[k] for k in ("advisers", "users", "employers") if k in office]
        place = draw(st.sampled_from([office, *[row for table in tables for row in table]]))
        key = draw(st.sampled_from(sorted(place)) | st.sampled_from(["staff", "caseloads", "region", "count"]))
        place[key] = draw(odd_value())
    return office


@st.composite
def hostile(draw, office_text):
    """An office file's text spoiled as an attacker or a slip of the hand would spoil it."""
    text = office_text
    how = draw(st.sampled_from(["key twice", "row key twice", "alias", "laughs", "deep", "junk", "cut", "tag"]))
    if how == "key twice":
        text += draw(st.sampled_from(["advisers: []\n", "name: B\n", ADVISERS]))
    elif how == "row key twice":
        text += "users:\n  - {need: small, count: 1, count: 2}\n"
    elif how == "alias":
        text = "name: &a NAV\n" + text.replace("name:", "x_name:") + "label_of: *a\n"
    elif how == "laughs":
        levels, width = draw(st.integers(1, 12)), draw(st.integers(1, 12))
        text = laughs(levels, width, draw(st.sampled_from(["name", "label"])))
    elif how == "deep":
        flow = draw(st.booleans())      # a block of indented keys: 1,400 levels make about 1 MB
        text = deep(draw(st.integers(15, 200_000 if flow else 1400)), flow=flow)
    elif how == "tag":
        text += draw(st.sampled_from(["x: !!python/object/apply:os.system [ls]\n", "name: !!binary aGk=\n",
                                      "name: !!set {a}\n", "name: !custom x\n"]))
    data = text.encode()
    if how == "junk":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=30)) + data[at:]
    elif how == "cut":
        data = data[:draw(st.integers(0, len(data)))]
    return data


def as_yaml(office) -> str:
    return yaml.safe_dump(office, allow_unicode=True, sort_keys=False, width=1_000_000)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


def accepted_or_refused(folder: Path, data: bytes) -> str:
    """Read ``data`` as an office file: refused with one line in under :data:`QUICK` seconds, or
    accepted in under that and then composed as ``inclusim office=FILE horizon_weeks=4`` would and
    run; the name reaches the model as written. Returns 'accepted' or 'refused'."""
    path = folder / "office.yaml"
    path.write_bytes(data)
    started = time.perf_counter()
    try:
        office = load_office_file(path)
    except ConfigError as exc:
        seconds = time.perf_counter() - started
        assert seconds < QUICK, f"{seconds:.2f} s to refuse {data[:80]!r}"
        one_line(str(exc), path)
        return "refused"
    seconds = time.perf_counter() - started
    assert seconds < QUICK, f"{seconds:.2f} s to accept {data[:80]!r}"
    cfg = office_config(path, ["horizon_weeks=4"])
    assert cfg.office.name == (office.name if office.name is not None else cfg.office.name)
    assert cfg.office.n_advisers == office.overrides()["office.n_advisers"]
    runs = run_model(cfg).runs
    assert len(runs) == 1
    return "accepted"


@settings(max_examples=20, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(office=offices())
@example(office={"name": "${oc.env:HOME}", "advisers": [{"role": "hybrid", "caseload": 60, "label": "a\\"}]})
def test_random_offices_are_accepted_and_run_or_refused_with_one_line(folder, office):
    accepted_or_refused(folder, as_yaml(office).encode())


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.one_of(offices().map(as_yaml).flatmap(hostile), st.binary(max_size=3000)))
def test_hostile_office_files_are_refused_with_one_line_in_under_a_second(folder, data):
    accepted_or_refused(folder, data)
