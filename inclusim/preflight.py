"""Check a command before Hydra starts: every run it would make is a valid configuration.

A sweep that would fail on its 300th run because of a bad value there is refused before its first
run, before anything is written (no ``multirun.yaml``, no progress file, no job folders): the
sweep folder of an earlier sweep keeps its provenance. Each run's configuration is built the way
Hydra builds it (the presets it picks are composed once per combination; the values it sets are
applied to that), turned into the dataclass config and validated with the same checks a run
makes. The output folder is checked too: a run name that leads outside ``output_root``, a file
where a folder should be, or a folder that cannot be written is refused with one line.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from domain.config import Config, config_hash, resolve, validate
from domain.params import ConfigError, merge, set_dotted, stable_hash, to_dict
from domain.safe_yaml import check_text
from inclusim.batching import sweep_jobs
from inclusim.compose import CONF_DIR, NOT_SETTINGS, SETTINGS_KEYS, CommandSettings, register_configs, split_settings

#: Hydra flags after which there is nothing to check (help, printing the config, shell completion).
INFO_FLAGS = ("--help", "-h", "--hydra-help", "--info", "-i", "--cfg", "-c", "--resolve", "--package", "-p",
              "--shell-completion", "-sc", "--version")


#: The flags a run or sweep may carry; any other flag (``--config-dir``, ``--config-path``,
#: ``--config-name``, ``--experimental-rerun``, ...) is refused: the check composes inclusim's own
#: configuration, and a run must be what was checked.
RUN_FLAGS = ("-m", "--multirun")


#: Set once :func:`check` has passed in this process: every run of the command composes and is valid.
_checked = False
#: The run folders (config hashes) the checked sweep of this process will make.
_planned: frozenset[str] = frozenset()


def checked() -> bool:
    """Whether this process's command was checked (the inclusim sweeper then skips Hydra's own,
    slower check of each job's composition)."""
    return _checked


def planned_runs() -> frozenset[str]:
    """The config hashes (run folder names) of the sweep this process checked (empty if none)."""
    return _planned


@dataclass
class Plan:
    multirun: bool
    n_runs: int
    sweep_dir: Path | None   # output_root/name of a sweep
    single_dir: Path | None = None   # output_root/single_runs/name: the folder a single run's own folder goes in
    #: the name a sweep without one gets (:func:`unnamed_sweep_name`), for the command to hand to Hydra
    given_name: str | None = None


#: A run's or sweep's name when the command line and the presets give none (``conf/config.yaml``).
DEFAULT_NAME = CommandSettings().name


def unnamed_sweep_name(overrides: list[str]) -> str:
    """The folder of a sweep the command line does not name: ``sweep-`` and a fingerprint of its
    settings, seeds and labels left out. The same command (or more seeds) goes on in the same
    folder; a sweep of other settings gets another, so two sweeps never share a summary unasked."""
    kept = sorted(o for o in overrides if _key(o) not in ("seed", *SETTINGS_KEYS)
                  and not _key(o).startswith("hydra"))
    return "sweep-" + hashlib.sha256("\n".join(kept).encode()).hexdigest()[:8]


#: The folder of ``output_root`` that holds single runs (``<name>/<date>_<time>``): no sweep may be named so.
SINGLE_RUNS = "single_runs"
#: The longest name of a run or sweep (a folder name; file systems allow 255 bytes).
NAME_CHARS = 100
#: The Hydra settings a command line may change: how runs are launched (``hydra/launcher=slurm``,
#: ``hydra.launcher.n_jobs=4``) and batched (``hydra.sweeper.seeds_per_job``), and how much Hydra
#: says. The rest decide where Hydra writes (its folders, its log files, the job's name) or what it
#: calls: the command sets those from ``output_root`` and ``name``.
HYDRA_SETTINGS = ("hydra/launcher", "hydra.launcher.", "hydra.sweeper.seeds_per_job", "hydra.sweeper.params.",
                  "hydra.verbose")
#: From this many runs on, the check says that it is checking them.
LARGE_SWEEP = 5000
#: Launcher settings that are folders: where results go is output_root's to say.
HYDRA_FOLDERS = ("hydra.launcher.submitit_folder", "hydra.launcher.temp_folder")


def config_groups() -> set[str]:
    """The config groups a command line may pick a preset from (``policy=hybrid``, ``+scenario=...``)."""
    return {p.name for p in CONF_DIR.iterdir() if p.is_dir()}


def _is_group(key: str, groups: set[str]) -> bool:
    return key in groups or "/" in key


def check(argv: list[str]) -> Plan | None:
    """Raise ConfigError naming the run and the bad setting; return what will run (None: nothing to check)."""
    from hydra import compose, initialize_config_dir
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    if any(a.split("=", 1)[0] in INFO_FLAGS for a in argv):
        return None
    for arg in argv:
        if arg.startswith("-") and arg not in RUN_FLAGS:
            raise ConfigError(f"{arg}: not a flag of inclusim's runs; allowed are -m (--multirun) and Hydra's help "
                              "and info flags (--help, --hydra-help, --info, --cfg job); inclusim composes its "
                              "configuration from its own conf/ folder (no --config-dir, --config-path or "
                              "--config-name): give settings as key=value and an office as office=FILE")
    multirun = any(a in RUN_FLAGS for a in argv)
    overrides = [a for a in argv if not a.startswith("-")]
    parser = OverridesParser.create()
    try:
        parsed = parser.parse_overrides(overrides)
    except HydraException as exc:
        for line in overrides:      # letters outside ASCII in a value with Hydra's grammar (a sweep, a list)
            if not line.isascii():
                try:
                    parser.parse_overrides([line])
                except HydraException:
                    raise ConfigError(f"{line}: Hydra reads letters such as æ, ø and å only inside quotes; quote "
                                      "each value, e.g. name='Bodø' or name='Bodø','Tromsø' (a plain value "
                                      "without commas or brackets is quoted for you)") from None
        raise ConfigError(_one_line(exc)) from None
    for override in parsed:
        key = override.key_or_group
        if key.startswith(("hydra.", "hydra/")) and (not key.startswith(HYDRA_SETTINGS) or key in HYDRA_FOLDERS):
            raise ConfigError(f"{override.input_line}: inclusim decides where results go and what Hydra writes; set "
                              "output_root= (the folder results go in) and name= (the run's or sweep's folder in "
                              "it); of Hydra's own settings a command may change hydra/launcher, hydra.launcher.*, "
                              "hydra.sweeper.seeds_per_job and hydra.verbose")
    plain = [o.input_line for o in parsed if not o.is_sweep_override()]
    groups = config_groups()
    register_configs()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        try:
            base = compose(config_name="config", overrides=[o for o in plain if _is_group(_key(o), groups)],
                           return_hydra_config=True)
        except (HydraException, OmegaConfBaseException) as exc:
            raise ConfigError(_one_line(exc)) from None
        if multirun:
            params = {str(k): str(v) for k, v in (OmegaConf.select(base, "hydra.sweeper.params") or {}).items()}
            for override in overrides:
                key, _, value = override.partition("=")
                params[key] = value
            try:
                jobs = sweep_jobs([f"{k}={v}" for k, v in params.items()])
            except HydraException as exc:
                raise ConfigError(_one_line(exc)) from None
            if not jobs:
                empty = [o.input_line for o in parser.parse_overrides([f"{k}={v}" for k, v in params.items()])
                         if o.is_sweep_override() and not list(o.sweep_string_iterator())]
                raise ConfigError(f"{empty[0] if empty else ' '.join(overrides)}: the sweep has no runs (a range or "
                                  "list with no values); e.g. 'seed=range(1,11)' runs seeds 1 to 10")
        else:
            jobs = [overrides]
        if len(jobs) >= LARGE_SWEEP:     # the check takes about a millisecond a run: say what is going on
            print(f"inclusim: checking the sweep's {len(jobs):,} runs before the first starts ...", file=sys.stderr,
                  flush=True)
        # an override is parsed once however many jobs share it (a 1,000-run sweep: 4,000 -> 254)
        override_of = {line: parser.parse_overrides([line])[0] for line in dict.fromkeys(o for job in jobs for o in job)}
        parsed_jobs = [(job, job_overrides := [override_of[o] for o in job],
                        tuple(sorted(o.input_line for o in job_overrides if _is_group(o.key_or_group, groups))))
                       for job in jobs]
        # each combination of presets composed once (Hydra takes about 0.13 s a composition)
        distinct = list(dict.fromkeys(picked for _job, _overrides, picked in parsed_jobs))
        composed_cache = dict(zip(distinct, _compose_each(distinct), strict=True))
        outputs: dict[tuple[str, str], None] = {}
        hashes: set[str] = set()
        settings: set[str] = set()      # the runs' settings, seeds left out (:func:`settings_key`)
        named = any(_key(o) == "name" for o in overrides)
        for job, job_overrides, picked in parsed_jobs:
            problem, composed = composed_cache[picked]
            if isinstance(problem, BaseException):
                raise problem     # not a config error Hydra names: as it would have come, at this run's turn
            if problem is not None:
                raise ConfigError(f"{' '.join(job)}: {problem}")
            data = copy.deepcopy(composed)
            interpolated = False
            for override in job_overrides:
                key = override.key_or_group
                if _is_group(key, groups) or key.startswith("hydra.") or override.is_delete():
                    continue
                value = override.value()
                interpolated = interpolated or "${" in str(value)
                set_dotted(data, key, value)
            label = " ".join(job)
            in_run = f" (in the run {label})" if multirun and label else ""
            if interpolated:    # ${...} in a value: checked as the run will see it, after interpolation
                try:
                    data = OmegaConf.to_container(OmegaConf.create(data), resolve=True)
                except OmegaConfBaseException as exc:
                    raise ConfigError(f"{label}: {_one_line(exc)}") from None
            try:
                data, command = split_settings(data)
                cfg = validate(resolve(merge(Config(), data)))
            except ConfigError as exc:
                raise ConfigError(f"{exc}{in_run}") from None
            given_name = None
            if multirun and not named and command.name == DEFAULT_NAME:
                given_name = unnamed_sweep_name(overrides)
                command = dataclasses.replace(command, name=given_name)
            outputs[(command.output_root, command.name)] = None
            hashes.add(config_hash(cfg))
            settings.add(settings_key(to_dict(cfg)))
        sweep_dir = Path(command.output_root) / command.name if multirun else None
    for output_root, name in outputs:
        if multirun and name == SINGLE_RUNS:
            raise ConfigError(f"name = {name!r}: the folder of single runs; give the sweep another name")
        check_output(Path(output_root), name)
    if multirun and len(outputs) > 1:
        raise ConfigError(f"output_root and name: one sweep writes one folder; these runs would go to "
                          f"{', '.join(str(Path(*pair)) for pair in list(outputs)[:3])}")
    if multirun and not command.merge:
        _refuse_other_settings(sweep_dir, hashes, settings)
    global _checked, _planned
    _checked = True
    _planned = frozenset(hashes) if multirun else frozenset()
    single_dir = None if multirun else Path(command.output_root) / SINGLE_RUNS / command.name
    return Plan(multirun=multirun, n_runs=len(jobs), sweep_dir=sweep_dir, single_dir=single_dir,
                given_name=given_name if multirun else None)


def _compose_each(picks: list[tuple]) -> list[tuple[str | BaseException | None, dict | None]]:
    """(None, the settings) of each combination of presets, composed as Hydra composes a run's config,
    or (what is wrong, None): Hydra's message in one line, or any other error itself (e.g. a preset
    that is not YAML), raised when the check reaches its first run. Runs inside ``initialize_config_dir``."""
    from hydra import compose
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    out: list[tuple[str | BaseException | None, dict | None]] = []
    for picked in picks:
        try:
            composed = compose(config_name="config", overrides=list(picked))
        except (HydraException, OmegaConfBaseException) as exc:
            out.append((_one_line(exc), None))
            continue
        except Exception as exc:  # noqa: BLE001 - kept for its run's turn, so that runs before it are checked first
            out.append((exc, None))
            continue
        out.append((None, {k: (OmegaConf.to_container(v, resolve=True) if OmegaConf.is_config(v) else v)
                           for k, v in composed.items() if k not in NOT_SETTINGS}))
    return out


def check_output(output_root: Path, name: str) -> None:
    """Refuse a run name that leads outside ``output_root``, a file in the way, or a folder that cannot be written."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or name.startswith("."):
        raise ConfigError(f"name = {name!r}: must be a plain folder name (no '/', no leading '.')")
    check_text("name", name, NAME_CHARS)     # no control, format or separator characters (one rule for text)
    target = output_root / name
    try:
        for path in (output_root, target):
            if path.exists() and not path.is_dir():
                raise ConfigError(f"output folder {path} is a file, not a folder")
        existing = target if target.exists() else output_root
        while not existing.exists():
            existing = existing.parent
    except OSError as exc:     # e.g. a part of output_root longer than the file system allows
        raise ConfigError(f"output_root = {str(output_root)[:80]!r}: not a folder this machine can use "
                          f"({exc.strerror or exc})") from None
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"output folder {existing} cannot be written (permission denied)")


def settings_key(config: dict) -> str:
    """A fingerprint of a run's settings without its seed and labels: runs of one setting with other
    seeds share it."""
    return stable_hash({k: v for k, v in config.items() if k not in ("seed", *SETTINGS_KEYS)})


def _refuse_other_settings(sweep_dir: Path, hashes: set[str], settings: set[str]) -> None:
    """Refuse a sweep whose folder holds complete runs of other settings made by this model code: they
    would be collected into its summary. Runs of the same settings with other seeds, or runs of other
    model code (left out of the tables), are no reason to refuse."""
    from infra.provenance import model_code
    from infra.store import COMPLETE_MARKER, check_run

    runs = sweep_dir / "runs"
    if not runs.is_dir():
        return
    code = model_code()
    others = []
    for run in sorted(runs.iterdir()):
        if run.name in hashes or not (run / COMPLETE_MARKER).exists() or check_run(run, run.name, code) is not None:
            continue
        try:
            config = json.loads((run / "meta.json").read_text())["config"]
        except (OSError, ValueError, KeyError, TypeError):
            continue        # a run whose settings cannot be read: collect says what is wrong with it
        if settings_key(config) not in settings:
            others.append(run.name)
    if others:
        raise ConfigError(f"name = {sweep_dir.name!r}: the folder {sweep_dir} holds {len(others)} complete runs of other "
                          f"settings (e.g. {others[0]}), which this sweep would collect into its summary; give it a "
                          f"name of its own (name=...), or add merge=true to collect them together")


def _key(override: str) -> str:
    return override.lstrip("+~").split("=", 1)[0]


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text.replace(" Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace.", "")
