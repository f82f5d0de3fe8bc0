"""Office files as an attacker or a careless user writes them (issue 24, cases 6 and 10): every one is
refused quickly with one line, or accepted and runs; none is read wrongly with exit 0.

The reader (``domain.safe_yaml`` within ``scenarios.office_file.LIMITS``) refuses a key given twice,
anchors and aliases (billion laughs), nesting deeper than 20 levels, files over 1 MB, values over
200 characters, tags, NUL bytes and bytes that are not UTF-8, each in well under a second; a value
put into a message is quoted and cut short. Values are read by YAML 1.2's core schema, numbers in
decimal only (YAML 1.1 read ``075`` as 61, ``1:30`` as 90 and ``NO`` as false, with exit 0); a name or
label is the text written; a control, format or separator character (U+202E, U+2028, U+200B, ...)
anywhere is refused naming it as U+XXXX and its place. The property tests feed hypothesis's random
office files, hostile ones among them, to the reader: each is accepted and then runs a few weeks as
``inclusim office=FILE`` would, or is refused with one ConfigError line, each in under a second; and
random number forms and characters: a number is the one written in decimal or refused, never another.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from domain.params import ConfigError
from domain import safe_yaml
from domain.safe_yaml import SHOWN_CHARS, parse_yaml
from domain.terms import SECTORS
from inclusim.office import office_config
from scenarios.office_file import LIMITS, load_office_file, office_from_dict
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
    (b"name: NAV\x00\n" + ADVISERS.encode(), "line 1, column 10: U+0000, a NUL byte: binary data, not YAML text"),
    (b"name: NAV Troms\xf8\n" + ADVISERS.encode(), "line 1: byte 0xf8 is not UTF-8 text; save the file as UTF-8"),
    (bytes(range(256)) * 4, "a NUL byte"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)), "byte 0x89 is not UTF-8 text"),
    ("name: NAV\x07\n" + ADVISERS, "line 1 (name), column 10: U+0007, a control character: not allowed in an office"),
    (ADVISERS + "---\nname: B\n", "line 3: a second YAML document ('---'); an office file is one document"),
    ("? [a, b]\n: 1\n" + ADVISERS, "line 1: a key that is a list or a table; keys are names"),
    ("leader_support: 0b_\n" + ADVISERS, "line 1 (leader_support): '0b_': a binary number; write it in decimal"),
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
    (ADVISERS + "leader_support: yes\n", "leader_support = 'yes': must be a number"),
    (ADVISERS + "inflow_per_month: -.inf\n", "inflow_per_month: -inf: must be a number of users a month"),
    ("advisers:\n  - {role: saksbehandler, caseload: true}\n", "caseload = True: must be a whole number"),
    ("advisers:\n  - {role: saksbehandler, caseload: 70.0}\n", "caseload = 70.0: must be a whole number"),
    (ADVISERS + "users:\n  - {need: small, count: " + "7" * 150 + "}\n",
     "users: 777777777777... (150 digits) target-group users, more than the 140 users"),
    (ADVISERS + "name: [NAV, Oslo]\n", "name = ['NAV', 'Oslo']: must be text, not a list or a table"),
    (ADVISERS + 'name: "NAV\\nOslo"\n', "line 3 (name): character 4 of 'NAV\\nOslo' is U+000A, a control character"),
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
    ("advisers:\n  - {role: saksbehandler, caseload: 075}\n",
     "line 2 (advisers, row 1, caseload): '075': a whole number may not start with 0 (YAML 1.1 reads it as octal, 61)"),
    ("name: NAV\u2028Oslo\n" + ADVISERS, "line 1 (name), column 10: U+2028 (LINE SEPARATOR)"),
])
def test_the_command_refuses_a_hostile_office_file_with_exit_2_and_one_line(tmp_path, content, fragment):
    path = tmp_path / "office.yaml"
    path.write_text(content, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "inclusim.cli", f"office={path}", f"output_root={tmp_path}"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("inclusim: error: office file ") and fragment in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stdout + proc.stderr


# --- numbers as YAML 1.2 writes them, and text as written (YAML 1.1 read 075 as 61, NO as False) ----

def read(text: str):
    """The value of ``v:`` in a one-line YAML file, as the reader builds it."""
    return parse_yaml(f"v: {text}\n".encode(), "test")["v"]


@pytest.mark.parametrize("text, value", [
    ("75", 75), ("0", 0), ("-0", 0), ("+75", 75), ("-3", -3), ("1" + "0" * 30, 10 ** 30),
    ("0.5", 0.5), (".5", 0.5), ("5.", 5.0), ("-1.5E+3", -1500.0), ("1e2", 100.0), ("5e-1", 0.5), ("007.5", 7.5),
    (".inf", math.inf), ("-.Inf", -math.inf), ("+.INF", math.inf),
    ("true", True), ("False", False), ("TRUE", True), ("tRuE", True),
    ("~", None), ("null", None), ("NULL", None), ("", None),
    # YAML 1.1's booleans, dates, merge and value keys are text in YAML 1.2
    ("NO", "NO"), ("no", "no"), ("yes", "yes"), ("Yes", "Yes"), ("on", "on"), ("OFF", "OFF"), ("y", "y"),
    ("2024-01-01", "2024-01-01"), ("2020-13-45", "2020-13-45"), ("<<", "<<"), ("=", "="),
    ("NaN", "NaN"), ("Infinity", "Infinity"), (".nAn", ".nAn"), ("1.2.3", "1.2.3"), ("1e", "1e"), ("e3", "e3"),
    ("0x", "0x"), ("--1", "--1"), ("1:3x", "1:3x"), ("12:75", "12:75"), ("'075'", "075"), ('"1:30"', "1:30"),
])
def test_plain_values_are_read_by_the_yaml_1_2_core_schema(text, value):
    assert read(text) == value and type(read(text)) is type(value)


def test_nan_is_read_as_nan():
    assert math.isnan(read(".nan")) and math.isnan(read(".NaN"))


@pytest.mark.parametrize("text, fragment", [
    ("075", "'075': a whole number may not start with 0 (YAML 1.1 reads it as octal, 61); write 75"),
    ("-075", "'-075': a whole number may not start with 0 (YAML 1.1 reads it as octal, -61); write -75"),
    ("089", "'089': a whole number may not start with 0; write 89"),
    ("00", "'00': a whole number may not start with 0; write 0"),
    ("1:30", "'1:30': a number in base 60 (YAML 1.1 reads it as 90); write the number in decimal"),
    ("1:30:00", "'1:30:00': a number in base 60 (YAML 1.1 reads it as 5400)"),
    ("12:30.5", "'12:30.5': a number in base 60 (YAML 1.1 reads it as 750.5)"),
    ("0x46", "'0x46': a hexadecimal number; write it in decimal, 70"),
    ("0o106", "'0o106': an octal number; write it in decimal, 70"),
    ("0b1000110", "'0b1000110': a binary number; write it in decimal, 70"),
    ("0b_", "'0b_': a binary number; write it in decimal"),
    ("7_0", "'7_0': a number with '_'; write 70"),
    ("1_000.5", "'1_000.5': a number with '_'; write 1000.5"),
    ("0_75", "'0_75': a number with '_'; write 75"),
])
def test_yaml_1_1_number_forms_are_refused_saying_what_to_write(text, fragment):
    with pytest.raises(ConfigError) as err:
        read(text)
    message = str(err.value)
    assert message.startswith(f"test: line 1 (v): {fragment}") and "numbers are written in decimal" in message, message


@pytest.mark.parametrize("text, fragment", [
    ("advisers:\n  - {role: saksbehandler, caseload: 075}\n",
     "line 2 (advisers, row 1, caseload): '075': a whole number may not start with 0 (YAML 1.1 reads it as octal, 61)"
     "; write 75"),
    ("advisers:\n  - {role: saksbehandler, caseload: 1:30}\n",
     "line 2 (advisers, row 1, caseload): '1:30': a number in base 60 (YAML 1.1 reads it as 90)"),
    ("advisers:\n  - {role: saksbehandler, caseload: 70, count: 1:30}\n",
     "line 2 (advisers, row 1, count): '1:30': a number in base 60"),
    ("advisers:\n  - role: saksbehandler\n    caseload: 0x46\n", "line 3 (advisers, row 1, caseload): '0x46'"),
    (ADVISERS + "users:\n  - {need: small, under_30: 012, age_30_plus: 4}\n",
     "line 4 (users, row 1, under_30): '012': a whole number may not start with 0"),
    (ADVISERS + "inflow_per_month: 1_000\n", "line 3 (inflow_per_month): '1_000': a number with '_'; write 1000"),
    (ADVISERS + "075: 1\n", "line 3: '075': a whole number may not start with 0"),
    (ADVISERS + "leader_support: yes\n", "leader_support = 'yes': must be a number"),
    (ADVISERS + "leader_support: '0.5'\n", "leader_support = '0.5': must be a number"),
    ("advisers:\n  - {role: saksbehandler, caseload: 70.0}\n", "caseload = 70.0: must be a whole number"),
    ("advisers:\n  - {role: saksbehandler, caseload: 1e2}\n", "caseload = 100.0: must be a whole number"),
    (ADVISERS + "inflow_per_month: .nan\n", "inflow_per_month: nan: must be a number of users a month"),
])
def test_a_number_an_office_reads_otherwise_than_written_is_refused(office, text, fragment):
    refused(office(text), fragment)


@pytest.mark.parametrize("text, value", [
    ("advisers:\n  - {role: saksbehandler, caseload: 75}\n", 75),
    ("advisers:\n  - {role: saksbehandler, caseload: +75}\n", 75),
])
def test_a_number_in_decimal_is_read_as_written(office, text, value):
    assert load_office_file(office(text)).advisers[0].caseload == value


@pytest.mark.parametrize("written, name", [
    ("NO", "NO"), ("yes", "yes"), ("Off", "Off"), ("true", "true"), ("FALSE", "FALSE"), ("2024", "2024"),
    ("3.10", "3.10"), ("1e3", "1e3"), ("075", "075"), ("1:30", "1:30"), ("0x1F", "0x1F"), ("1_000", "1_000"),
    (".inf", ".inf"), (".nan", ".nan"), ("2024-01-01", "2024-01-01"), ("+1", "+1"), ("'2024'", "2024"),
    ("~", None), ("null", None), ("", None),
])
def test_a_number_or_a_yes_in_a_text_field_is_the_text_written(office, written, name):
    """``name: NO`` named the office 'False' and ``name: 3.10`` '3.1'; a name or a label is the text written."""
    row = f"{{role: hybrid, caseload: 70, label: {written}}}"
    loaded = load_office_file(office(f"name: {written}\nadvisers:\n  - {row}\n"))
    assert loaded.name == name and loaded.advisers[0].label == (name or "")
    if name is not None:
        assert office_config(office(f"name: {written}\n" + ADVISERS), ["horizon_weeks=4"]).office.name == name


@pytest.mark.parametrize("text, fragment", [
    ('name: "NAV\\u202eOslo"\n' + ADVISERS,
     "line 1 (name): character 4 of 'NAV\\u202eOslo' is U+202E (RIGHT-TO-LEFT OVERRIDE), an invisible format"),
    ("name: NAV\u202eOslo\n" + ADVISERS, "line 1 (name), column 10: U+202E (RIGHT-TO-LEFT OVERRIDE), an invisible"),
    ("name: NAV\u2028Oslo\n" + ADVISERS, "line 1 (name), column 10: U+2028 (LINE SEPARATOR), a line separator"),
    ("name: NAV\u2028 Oslo\n" + ADVISERS, "line 1 (name), column 10: U+2028 (LINE SEPARATOR)"),
    ("name: 'NAV\u2029Oslo'\n" + ADVISERS, "line 1 (name), column 11: U+2029 (PARAGRAPH SEPARATOR), a paragraph sep"),
    ('name: "NAV\\LOslo"\n' + ADVISERS, "line 1 (name): character 4 of 'NAV\\u2028Oslo' is U+2028 (LINE SEPARATOR)"),
    ('name: "NAV\\POslo"\n' + ADVISERS, "character 4 of 'NAV\\u2029Oslo' is U+2029 (PARAGRAPH SEPARATOR)"),
    ("advisers:\n  - {role: hybrid, caseload: 70, label: Kari\u200bN}\n",
     "line 2 (advisers, row 1, label), column 45: U+200B (ZERO WIDTH SPACE), an invisible format character"),
    ("advisers:\n  - {role: hybrid, caseload: 70, label: 'Kari\u200cN'}\n",
     "column 46: U+200C (ZERO WIDTH NON-JOINER)"),
    ("advisers:\n  - {role: hybrid, caseload: 70, label: \"Kari\\u200dN\"}\n",
     "line 2 (advisers, row 1, label): character 5 of 'Kari\\u200dN' is U+200D (ZERO WIDTH JOINER)"),
    ("name: NAV\u2060Oslo\n" + ADVISERS, "line 1 (name), column 10: U+2060 (WORD JOINER)"),
    ("name: NAV\ufeffOslo\n" + ADVISERS, "line 1 (name), column 10: U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ("name: Troms\u00f8-\u00adVest\n" + ADVISERS, "line 1 (name), column 14: U+00AD (SOFT HYPHEN)"),
    ('name: "NAV\\x07"\n' + ADVISERS, "line 1 (name): character 4 of 'NAV\\x07' is U+0007, a control character"),
    ('name: "NAV\\tOslo"\n' + ADVISERS, "character 4 of 'NAV\\tOslo' is U+0009, a control character"),
    ('name: "NAV\tOslo"\n' + ADVISERS, "character 4 of 'NAV\\tOslo' is U+0009, a control character"),
    ('name: "NAV\\nOslo"\n' + ADVISERS, "character 4 of 'NAV\\nOslo' is U+000A, a control character"),
    ("name: NAV\x07\n" + ADVISERS, "line 1 (name), column 10: U+0007, a control character"),
    ("name: NAV\x85Oslo\n" + ADVISERS, "line 1 (name), column 10: U+0085, a control character"),
    ("name: NAV\x9fOslo\n" + ADVISERS, "line 1 (name), column 10: U+009F, a control character"),
    ('name: "NAV\\x9f"\n' + ADVISERS, "character 4 of 'NAV\\x9f' is U+009F, a control character"),
    ('name: "\\U000E0001NAV"\n' + ADVISERS, "character 1 of '\\U000e0001NAV' is U+E0001 (LANGUAGE TAG)"),
    ('na\u202eme: NAV\n' + ADVISERS, "line 1 (a key), column 3: U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("advisers:\n  - {role: hybrid, caseload: 70, la\u200bbel: x}\n",
     "line 2 (advisers, row 1, a key), column 36: U+200B (ZERO WIDTH SPACE)"),
    ("advisers:\n  - {role: \"hybrid\\u200b\", caseload: 70}\n",
     "line 2 (advisers, row 1, role): character 7 of 'hybrid\\u200b' is U+200B"),
    (ADVISERS + "# kontor\u202e 1\n", "line 3, column 9: U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    (ADVISERS + "name: A\n# NAV\u2028Oslo\n", "line 4, column 6: U+2028 (LINE SEPARATOR)"),
])
def test_control_format_and_separator_characters_are_refused_naming_field_character_and_position(office, text,
                                                                                                   fragment):
    """Text that shows otherwise than it is (U+202E turns it around, U+2028 breaks the line, U+200B and
    U+00AD hide) or holds control characters is refused, in a value or a key, written or escaped."""
    message = refusal(office(text))[0]
    one_line(message, office(text))
    assert fragment in message and "control, format or separator characters" in message, message


def test_the_characters_the_reader_does_not_look_up_are_none_of_the_forbidden():
    """The reader looks up the category of a character only outside large ranges known to hold no
    forbidden one (fast for text in any script); this checks those ranges against Python's Unicode."""
    skipped = [c for c in map(chr, range(0x10000)) if not safe_yaml._UNUSUAL.match(c)]
    assert len(skipped) > 50_000
    assert not [f"U+{ord(c):04X}" for c in skipped if unicodedata.category(c) in FORBIDDEN]


def test_check_text_is_the_one_rule_for_text():
    """The one home of the rule, also for the command line's ``name=`` (inclusim/preflight.py)."""
    fine = "NAV Sør-Varanger \u00a0 😀 ‘x’ 中"
    assert safe_yaml.check_text("name", fine, 100) == fine
    for text, fragment in [
        ("NAV\u202eOslo", "name: character 4 of 'NAV\\u202eOslo' is U+202E (RIGHT-TO-LEFT OVERRIDE), an invisible "
                          "format character: not allowed in a text (no control, format or separator characters)"),
        ("\ud800x", "name: character 1 of '\\ud800x' is U+D800, a surrogate"),
        ("a\u2029", "name: character 2 of 'a\\u2029' is U+2029 (PARAGRAPH SEPARATOR), a paragraph separator"),
        ("x" * 101, "name: a text of 101 characters; at most 100 allowed"),
        (12, "name = 12: must be text"),
        (None, "name = None: must be text"),
    ]:
        with pytest.raises(ConfigError) as err:
            safe_yaml.check_text("name", text, 100)
        assert str(err.value).startswith(fragment), str(err.value)


# --- property tests ---------------------------------------------------------------------------------

def odd_value():
    """A value of the wrong kind or size for a field."""
    return st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                     st.integers(min_value=10 ** 30, max_value=10 ** 120), st.lists(st.integers(0, 9), max_size=2),
                     st.dictionaries(st.text(max_size=3), st.integers(0, 9), max_size=2),
                     st.sampled_from(["manager", "", "x" * 201, float("nan"), float("inf"), -1]))


#: The categories of characters no text may hold (``domain.safe_yaml.FORBIDDEN_CATEGORIES``).
FORBIDDEN = ("Cc", "Cf", "Zl", "Zp", "Cs")

#: Names and labels: any one line of text without control, format or separator characters, and a few
#: an attacker would try.
TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=FORBIDDEN), max_size=40) | st.sampled_from(
    ["${oc.env:HOME}", "a\\", "'", "\\${x}", "<script>alert(1)</script>", "2020-13-45", "0b_", "yes", "~", "1e400",
     "NO", "075", "1:30", "3.10"])


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
    how = draw(st.sampled_from(["key twice", "row key twice", "alias", "laughs", "deep", "junk", "cut", "tag",
                                "character", "number"]))
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
    elif how == "character":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(FORBIDDEN_RAW) + text[at:]
    elif how == "number":
        text = re.sub(r"caseload: [0-9]+", lambda _: f"caseload: {draw(written_whole_number())}", text, count=1)
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


# --- number forms and characters, by hypothesis ------------------------------------------------------

@st.composite
def written_whole_number(draw, low: int = 0, high: int = 10 ** 6) -> str:
    """A whole number as a person, a spreadsheet, a clock or another YAML reader might write it."""
    n = draw(st.integers(low, high))
    form = draw(st.sampled_from(["decimal", "plus", "minus", "padded", "underscore", "hex", "octal", "old octal",
                                 "binary", "base 60", "fraction", "exponent"]))
    if form == "underscore":
        digits = str(n)
        at = draw(st.integers(1, len(digits)))
        return digits[:at] + "_" + digits[at:]
    if form == "base 60":
        return f"{n // 60}:{n % 60:02d}"
    return {"decimal": str(n), "plus": f"+{n}", "minus": f"-{n}", "padded": "0" * draw(st.integers(1, 3)) + str(n),
            "hex": f"0x{n:x}", "octal": f"0o{n:o}", "old octal": f"0{n:o}", "binary": f"0b{n:b}",
            "fraction": f"{n}.{draw(st.sampled_from(['', '0', '5']))}", "exponent": f"{n}e0"}[form]


#: A whole number written in decimal, as YAML 1.2 reads it: the only form an office reads as a whole number.
DECIMAL = re.compile(r"\+?(0|[1-9][0-9]*)")


def office_of(text: str):
    """The office in ``text``, read as ``load_office_file`` reads a file."""
    return office_from_dict(parse_yaml(text.encode(), "office file x", LIMITS), "x")


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(caseload=written_whole_number(0, 400), count=written_whole_number(0, 4))
def test_a_whole_number_is_read_as_written_in_decimal_or_refused(caseload, count):
    """``caseload: 075`` ran an office of 61 (YAML 1.1's octal) and ``1:30`` one of 90 (base 60), with exit 0.
    Now a whole number is the decimal number written, or one line refuses it; never another number."""
    text = f"advisers:\n  - {{role: saksbehandler, caseload: {caseload}, count: {count}}}\n"
    try:
        row = office_of(text).advisers[0]
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith("office file x: ") and "\n" not in message and len(message) < LONGEST, message
        assert not (DECIMAL.fullmatch(caseload) and 5 <= int(caseload) <= 250
                    and DECIMAL.fullmatch(count) and 1 <= int(count) <= 4), message
        return
    assert DECIMAL.fullmatch(caseload) and row.caseload == int(caseload), (caseload, row)
    assert DECIMAL.fullmatch(count) and row.count == int(count), (count, row)


@settings(max_examples=200, derandomize=True, deadline=None, database=None)
@given(share=st.integers(0, 1000), form=st.sampled_from(["{}", "0{}", "{}0", "0{}e0", "{}E-0"]),
       lead=st.sampled_from(["0.", ".", "00.", "+0.", "0_.", "0:0.", "0x0.", "0b0."]))
def test_a_fraction_is_read_as_written_in_decimal_or_refused(share, form, lead):
    written = lead + form.format(f"{share:03d}")
    text = ADVISERS + f"leader_support: {written}\n"
    try:
        office = office_of(text)
    except ConfigError as exc:
        assert "\n" not in str(exc) and lead not in ("0.", ".", "00.", "+0."), str(exc)
        return
    assert office.leader_support == float(written), written


#: What a text field may be given that other readers take for a number, a bool or a date.
LOOKS_LIKE_A_VALUE = st.one_of(
    written_whole_number(), st.sampled_from(["NO", "No", "no", "yes", "Y", "on", "OFF", "true", "False", "TRUE",
                                             ".inf", "-.Inf", ".nan", "2024-01-01", "2020-13-45", "12:30", "3.10",
                                             "1e3", "=", "<<", "0b_", "-0"]))


@settings(max_examples=150, derandomize=True, deadline=None, database=None)
@given(written=LOOKS_LIKE_A_VALUE, where=st.sampled_from(["name", "label"]))
def test_a_text_field_is_the_text_written(written, where):
    """``name: NO`` named the office 'False', ``name: 3.10`` '3.1'; a name or a label is the text written."""
    text = (f"name: {written}\n" + ADVISERS if where == "name"
            else f"advisers:\n  - {{role: hybrid, caseload: 70, label: {written}}}\n")
    office = office_of(text)
    assert (office.name if where == "name" else office.advisers[0].label) == written


#: Characters a text may not hold, as they can stand in a file (tab, line feed and carriage return
#: are YAML's own; surrogates cannot be UTF-8).
FORBIDDEN_RAW = st.characters(categories=FORBIDDEN[:-1], exclude_characters="\t\n\r")


def escaped(text: str) -> str:
    """``text`` as a double-quoted YAML value, each character of a forbidden category as an escape."""
    out = "".join(f"\\U{ord(c):08X}" if unicodedata.category(c) in FORBIDDEN
                  else "\\\\" if c == "\\" else '\\"' if c == '"' else c for c in text)
    return f'"{out}"'


@settings(max_examples=200, derandomize=True, deadline=None, database=None)
@given(base=TEXTS, char=st.characters(categories=FORBIDDEN[:-1]), data=st.data(),
       where=st.sampled_from(["name", "label"]))
def test_a_forbidden_character_in_a_text_is_refused_naming_field_character_and_place(base, char, data, where):
    """U+202E, U+2028, U+200B, U+00AD, a control character, ... written as an escape in a name or label:
    one line naming the field, the character as U+XXXX and its place in the text."""
    at = data.draw(st.integers(0, len(base)))
    value = escaped(base[:at] + char + base[at:])
    text = (f"name: {value}\n" + ADVISERS if where == "name"
            else f"advisers:\n  - {{role: hybrid, caseload: 70, label: {value}}}\n")
    with pytest.raises(ConfigError) as err:
        office_of(text)
    message = str(err.value)
    assert "\n" not in message and len(message) < LONGEST, message
    assert f"{where}): character {at + 1} of " in message and f" is U+{ord(char):04X}" in message, message


@settings(max_examples=200, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(office=VALID, char=FORBIDDEN_RAW, data=st.data())
def test_a_forbidden_character_anywhere_in_a_file_is_refused_naming_its_line_and_column(office, char, data):
    """The same characters as they stand in a file, anywhere (in a value, a key, a comment, between
    them): YAML took U+2028 for a line break and refused C0 and C1 controls without naming them."""
    text = as_yaml(office)
    at = data.draw(st.integers(0, len(text)))
    assume(not (at == 0 and char == "\ufeff"))       # a byte order mark at the start is no character of the text
    spoiled = text[:at] + char + text[at:]
    with pytest.raises(ConfigError) as err:
        office_of(spoiled)
    message = str(err.value)
    line, column = spoiled.count("\n", 0, at) + 1, at - spoiled.rfind("\n", 0, at)
    assert "\n" not in message and len(message) < LONGEST, message
    assert message.startswith(f"office file x: line {line}"), message
    assert f"column {column}: U+{ord(char):04X}" in message, message
