"""The calibration study with Optuna: workers, resume, and the ensemble of accepted parameter sets.

``inclusim calibrate`` (``inclusim.calibration`` defines the free parameters and the loss). Workers
are processes that each take trials from one shared study until it holds ``--trials`` complete
trials; another machine pointed at the same database URL joins the same study.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import yaml

from domain.params import ConfigError, overrides
from inclusim.calibration import (ACCEPT_SEED0, DEFAULT_STORAGE, TRIAL_SEED0, Spec, adjust_for,
                                  evaluate, fit_targets, key_text, load_spec, loss, misses, settings_overrides)
from inclusim.compose import CONF_DIR
from inclusim.interrupts import map_in_processes
from inclusim.targets import load_targets
from inclusim.validation import measure_keys, run_jobs

#: Heartbeat of a running trial; a trial silent for GRACE_SECONDS is failed and run again.
HEARTBEAT_SECONDS = 20
GRACE_SECONDS = 120


def storage(url: str, grace_seconds: int = GRACE_SECONDS):
    """An Optuna RDB storage with a heartbeat (trials of a killed worker are failed and retried)."""
    import optuna
    from optuna.storages import RDBStorage, RetryHeartbeatStaleTrialCallback

    kwargs = {}
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        kwargs = {"connect_args": {"timeout": 300}}   # several workers write one SQLite file
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)   # the heartbeat is marked experimental
    try:
        return RDBStorage(url, engine_kwargs=kwargs, heartbeat_interval=min(HEARTBEAT_SECONDS, grace_seconds),
                          grace_period=grace_seconds,
                          heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=2))
    except Exception as exc:  # noqa: BLE001 - a URL that names no database Optuna can open: one line
        raise ConfigError(f"--storage = {url!r}: cannot open it as an Optuna storage ({type(exc).__name__}: "
                          f"{str(exc).splitlines()[0][:160]}); give e.g. sqlite:///path/study.db or "
                          "postgresql://user@host/db") from None


def plan_signature(spec: Spec) -> dict:
    """What a study was made with; a study cannot be continued with another plan."""
    return {"parameters": {p.name: [list(p.paths), p.low, p.high, p.log, p.scale, list(p.base)] for p in spec.parameters},
            "replications": spec.replications, "trial_settings": list(spec.trial_settings)}


def open_study(url: str, name: str, spec: Spec, sampler_seed: int, grace_seconds: int = GRACE_SECONDS):
    import optuna

    sampler = optuna.samplers.TPESampler(seed=sampler_seed, multivariate=True, n_startup_trials=10)
    study = optuna.create_study(study_name=name, storage=storage(url, grace_seconds), direction="minimize",
                                sampler=sampler, load_if_exists=True)
    signature = plan_signature(spec)
    made_with = study.user_attrs.get("plan")
    if made_with is None:
        study.set_user_attr("plan", signature)
    elif made_with != signature:
        raise ConfigError(f"study {name!r} in {url} was made with another calibration plan "
                          f"(conf/calibration.yaml changed): continue it with the old plan, or start a new "
                          f"study with --study NEW_NAME")
    return study


def _objective(spec: Spec, targets: dict, fit_ids: list[str]):
    def objective(trial) -> float:
        values = {p.name: trial.suggest_float(p.name, p.low, p.high, log=p.log) for p in spec.parameters}
        figures = evaluate(spec, values, fit_ids, [TRIAL_SEED0 + i for i in range(spec.replications)])
        missed = misses(targets, figures)
        trial.set_user_attr("misses", {key_text(k): round(d, 4) for k, d in missed.items()})
        trial.set_user_attr("means", {key_text(k): _finite_mean([f[k] for f in figures]) for k in missed})
        return loss(missed)
    return objective


def _finite_mean(values) -> float | None:
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if arr.size else None


def _worker(job: tuple) -> int:
    """One worker process: trials from the shared study until it holds ``total`` complete trials."""
    from optuna.study import MaxTrialsCallback
    from optuna.trial import TrialState

    url, name, quick, total, sampler_seed, grace = job
    spec = load_spec(quick=quick)
    targets = load_targets()
    study = open_study(url, name, spec, sampler_seed, grace)
    done = _complete(study)
    if done >= total:
        return 0
    study.optimize(_objective(spec, targets, fit_targets(targets, spec.trial_settings)), n_trials=total - done,
                   callbacks=[MaxTrialsCallback(total, states=(TrialState.COMPLETE,))], catch=())
    return _complete(study) - done


def _complete(study) -> int:
    from optuna.trial import TrialState

    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))


def run_study(url: str, name: str, total: int, workers: int, quick: bool, sampler_seed: int = 1,
              grace_seconds: int = GRACE_SECONDS):
    """Bring the study to ``total`` complete trials with ``workers`` processes; returns the study."""
    spec = load_spec(quick=quick)
    study = open_study(url, name, spec, sampler_seed, grace_seconds)   # checks the plan before any work
    if _complete(study) < total:
        jobs = [(url, name, quick, total, sampler_seed + i, grace_seconds) for i in range(max(1, workers))]
        if len(jobs) == 1:
            _worker(jobs[0])
        else:
            map_in_processes(_worker, jobs, len(jobs))
    return open_study(url, name, spec, sampler_seed, grace_seconds)


# -- the ensemble -----------------------------------------------------------------------------
def choose_ensemble(study, spec: Spec, workers: int = 1) -> tuple[list[dict], list[dict]]:
    """(kept, rejected): the best ``spec.candidates`` trials run again on every fit target with the
    acceptance seeds; kept sets are sorted by their loss on those seeds."""
    from optuna.trial import TrialState

    targets = load_targets()
    fit_ids = fit_targets(targets)
    trials = sorted(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)), key=lambda t: t.value)
    trials = trials[:spec.candidates]
    seeds = [ACCEPT_SEED0 + i for i in range(spec.accept_replications)]
    # a trial's acceptance figures are kept in the study: a later, larger ensemble reuses them
    def attr(trial) -> str:
        return f"acceptance of trial {trial.number}: seeds {seeds[0]}-{seeds[-1]}, {len(fit_ids)} targets"
    done = study.user_attrs
    todo = [t for t in trials if attr(t) not in done]
    results = run_jobs([(seed, fit_ids, adjust_for(spec, t.params)) for t in todo for seed in seeds], workers)
    for i, trial in enumerate(todo):
        stored = [{key_text(k): v for k, v in f.items()} for f in results[i * len(seeds):(i + 1) * len(seeds)]]
        study.set_user_attr(attr(trial), stored)
    done = study.user_attrs
    by_text = {key_text(k): k for k in measure_keys(fit_ids)}
    kept, rejected = [], []
    for trial in trials:
        figures = [{by_text[k]: v for k, v in f.items()} for f in done[attr(trial)]]
        missed = misses(targets, figures)
        worst_key = max(missed, key=missed.get)
        too_far = [key_text(k) for k, d in missed.items()
                   if (d >= 1.0 if targets[k[0]].kind == "direction" else d > spec.tolerance)]
        member = {"trial": trial.number, "fit_loss": round(float(trial.value), 5),
                  "accept_loss": round(loss(missed), 5),
                  "worst": {"target": key_text(worst_key), "miss": round(missed[worst_key], 3)},
                  "parameters": {k: float(v) for k, v in sorted(trial.params.items())},
                  "settings": settings_overrides(spec, trial.params),
                  "means": {key_text(k): _finite_mean([f[k] for f in figures]) for k in missed}}
        if too_far:
            rejected.append({**member, "missed": too_far})
        else:
            kept.append(member)
    kept.sort(key=lambda m: m["accept_loss"])
    return kept, rejected


def write_ensemble(conf_dir: Path, kept: list[dict], study_name: str, url: str, spec: Spec) -> list[Path]:
    """The kept sets as Hydra options ``conf_dir/ensemble/setK.yaml`` (K = 0 the best) and the sweep over
    them, ``conf_dir/uncertainty/ensemble.yaml``; files of an older, larger ensemble are removed."""
    folder = Path(conf_dir) / "ensemble"
    folder.mkdir(parents=True, exist_ok=True)
    seeds = f"{ACCEPT_SEED0}-{ACCEPT_SEED0 + spec.accept_replications - 1}"
    written = []
    for k, member in enumerate(kept):
        header = (f"# @package _global_\n"
                  f"# Parameter set {k} of the calibrated ensemble{' (the best: the defaults of the model)' if k == 0 else ''}.\n"
                  f"# Study {study_name!r} ({url}), trial {member['trial']}; written by `inclusim calibrate`, do not edit.\n"
                  f"# Loss on the trial seeds {member['fit_loss']:.4f}, on the acceptance seeds {seeds}: "
                  f"{member['accept_loss']:.4f}; largest miss {member['worst']['target']} ({member['worst']['miss']:.2f}).\n"
                  f"# Searched values: " + ", ".join(f"{k2} {v:.4g}" for k2, v in member["parameters"].items()) + "\n")
        body = yaml.safe_dump({"parameter_set": k, **overrides({p: float(f"{v:.6g}") for p, v in member["settings"].items()})},
                              sort_keys=False)
        path = folder / f"set{k}.yaml"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(header + body)
        tmp.replace(path)
        written.append(path)
    for old in folder.glob("set*.yaml"):
        if old.stem[3:].isdigit() and int(old.stem[3:]) >= len(kept):
            old.unlink()
    sweep = Path(conf_dir) / "uncertainty" / "ensemble.yaml"
    sweep.parent.mkdir(parents=True, exist_ok=True)
    sweep.write_text("# @package _global_\n"
                     "# Every run of a sweep once per parameter set of the calibrated ensemble (conf/ensemble/):\n"
                     "#   inclusim -m +experiment=policy_compare +uncertainty=ensemble\n"
                     "# The summary and the report then give each result an interval over seeds and the range over\n"
                     f"# the parameter sets. Each set runs seeds 1 to {spec.ensemble_seeds} (replacing the\n"
                     "# experiment's seeds: the spread over the sets is the larger uncertainty, and more seeds narrow only the\n"
                     "# interval over seeds). Written by `inclusim calibrate`.\n"
                     + yaml.safe_dump({"hydra": {"sweeper": {"params": {
                         "ensemble": ",".join(f"set{k}" for k in range(len(kept))),
                         "seed": f"range(1,{spec.ensemble_seeds + 1})"}}}}, sort_keys=False))
    return written + [sweep]


def write_acceptance(path: Path, kept: list[dict], rejected: list[dict], study_name: str, n_trials: int,
                     spec: Spec) -> None:
    """Every candidate set with its figures on the acceptance seeds, kept and rejected (for the docs)."""
    data = {"study": study_name, "trials": n_trials, "tolerance": spec.tolerance,
            "acceptance_seeds": [ACCEPT_SEED0, ACCEPT_SEED0 + spec.accept_replications - 1],
            "kept": [{**m, "means": _rounded(m["means"])} for m in kept],
            "rejected": [{**m, "means": _rounded(m["means"])} for m in rejected]}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(yaml.safe_dump(data, sort_keys=False, width=110))


def _rounded(means: dict) -> dict:
    return {k: (None if v is None else float(f"{v:.4g}")) for k, v in means.items()}


def load_ensemble(conf_dir: Path = CONF_DIR) -> list[dict]:
    """The parameter sets of ``conf_dir/ensemble/``, best first: {path: value} each (flattened)."""
    def flat(data: dict, prefix: str = "") -> dict:
        out = {}
        for key, value in data.items():
            if isinstance(value, dict):
                out.update(flat(value, f"{prefix}{key}."))
            elif key != "parameter_set":
                out[f"{prefix}{key}"] = value
        return out
    files = sorted((p for p in (Path(conf_dir) / "ensemble").glob("set*.yaml") if p.stem[3:].isdigit()),
                   key=lambda p: int(p.stem[3:]))
    return [flat(yaml.safe_load(p.read_text()) or {}) for p in files]


def main(trials: int, workers: int, url: str | None, name: str, quick: bool, ensemble: Path | None) -> int:
    """``ensemble``: the conf folder to write the kept sets to (None: the study only)."""
    url = url or DEFAULT_STORAGE
    spec = load_spec(quick=quick)
    started = time.perf_counter()
    study = run_study(url, name, trials, workers, quick)
    n = _complete(study)
    best = study.best_trial
    print(f"study {name!r} in {url}: {n} complete trials ({time.perf_counter() - started:.0f} s this call); "
          f"best trial {best.number}, loss {best.value:.4f}")
    for p in spec.parameters:
        print(f"  {p.name:<26} {best.params[p.name]:.5g}   (searched {p.low:g} to {p.high:g})")
    missed = {k: d for k, d in best.user_attrs.get("misses", {}).items() if d > 0}
    print("  misses on the trial seeds: " + (", ".join(f"{k} {d:.2f}" for k, d in missed.items()) or "none"))
    if ensemble is None:
        return 0
    kept, rejected = choose_ensemble(study, spec, workers)
    record = Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite:///") else Path("outputs/calibration")
    write_acceptance(record / f"{name}_acceptance.yaml", kept, rejected, name, n, spec)
    print(f"ensemble: {len(kept)} of {len(kept) + len(rejected)} candidate sets kept (tolerance {spec.tolerance:g}); "
          f"every candidate's figures in {record / f'{name}_acceptance.yaml'}")
    if kept:
        for path in write_ensemble(ensemble, kept[:spec.members], name, url, spec):
            print(f"  wrote {path}")
    for m in rejected[:5]:
        print(f"  rejected trial {m['trial']}: {', '.join(m['missed'])}")
    return 0 if kept else 1


__all__ = ["choose_ensemble", "load_ensemble", "main", "open_study", "run_study", "storage", "write_acceptance",
           "write_ensemble"]
