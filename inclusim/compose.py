"""Hydra composition: the config schema registered with Hydra, and composed configs as dataclasses.

``register_configs`` stores the root schema (``base_config``) and, for each registered policy, its
settings class as ``<policy>_schema`` in the ``policy`` group: a policy's YAML file starts with
``defaults: [<policy>_schema, _self_]``, so Hydra knows every setting of that policy (unknown keys
and wrong types are refused before a model is built).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional

from domain.config import Config, resolve, validate
from domain.params import check_leaf, iter_params, merge, param
from domain.paths import CONF_DIR
from domain.terms import LANGUAGES
from scenarios.policies import registered_policies


@dataclass
class CommandSettings:
    """How and where a command runs the model and shows its results: not the model's settings (not in
    the config hash nor in the run tables), given on the command line as the model's are (``lang=nb``)."""

    name: str = param("single", "-", "run control", doc="Label of the run or sweep; a sweep writes to output_root/name")
    output_root: str = param("outputs", "-", "run control", doc="Folder for all results")
    report: bool = param(True, "bool", "run control", doc="Write the HTML report at the end of a run or a sweep")
    merge: bool = param(False, "bool", "run control", doc="Let a sweep go on in a folder that holds runs of other "
                        "settings, and collect them in one summary (refused otherwise)")
    lang: str = param("en", "-", "run control", choices=LANGUAGES,
                      doc="Language of the report and the terminal summary: en, nb (bokmål)")
    workers: int = param(1, "processes", "run control", 1, 64, doc=(
        "Processes that run the regions of a world side by side (1: one after the other); the same results. A run in "
        "a sweep's worker process runs its regions one after the other: the sweep already uses every core"))


#: The command's own settings (:class:`CommandSettings`): a key=value of these names is not the model's.
SETTINGS_KEYS = tuple(f.name for f in dataclasses.fields(CommandSettings))

#: Keys of a composed Hydra config that are neither the model's settings nor the command's.
NOT_SETTINGS = ("hydra", "experiment", "scenario", "seeds")


@dataclass
class CommandConfig(Config, CommandSettings):
    """The root schema Hydra sees: the model's settings, plus what the command needs around them."""

    seeds: Optional[list[int]] = None   # noqa: UP045 - set by the sweeper: the seeds one job runs (inclusim.batching)


def split_settings(data: dict) -> tuple[dict, CommandSettings]:
    """(the model's part of a composed config as a plain dict, the command's settings, checked: a
    ConfigError names a bad one)."""
    given = {key: data[key] for key in SETTINGS_KEYS if key in data}
    settings = CommandSettings(**given)
    for name, value, f in iter_params(settings):
        check_leaf(name, value, f)
    return {k: v for k, v in data.items() if k not in SETTINGS_KEYS and k not in NOT_SETTINGS}, settings


#: What :func:`register_configs` has stored in this process's ConfigStore: (store, group, name) -> schema.
_registered: dict[tuple[int, str | None, str], type] = {}


def register_configs() -> None:
    """Register the schema with Hydra's ConfigStore. Each schema is stored once per store: storing
    them all took about 0.17 s, and the command registers before its check and again for Hydra."""
    from hydra.core.config_store import ConfigStore

    store = ConfigStore.instance()
    schemas = [(None, "base_config", CommandConfig)] + [
        ("policy", f"{name}_schema", policy.settings_class) for name, policy in registered_policies().items()]
    for group, name, schema in schemas:
        key = (id(store), group, name)
        held = (store.repo.get(group, {}) if group else store.repo).get(f"{name}.yaml")
        if _registered.get(key) is not schema or held is None:
            store.store(group=group, name=name, node=schema)
            _registered[key] = schema


def to_config(composed) -> Config:
    """Hydra DictConfig -> validated Config dataclass (ConfigError names field, value and what is allowed)."""
    return to_config_and_settings(composed)[0]


def to_config_and_settings(composed) -> tuple[Config, CommandSettings]:
    """Hydra DictConfig -> (the validated Config, the command's settings)."""
    from omegaconf import OmegaConf

    data = {}
    for key in composed:
        if key in NOT_SETTINGS:
            continue
        value = composed[key]
        data[key] = OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value
    data, settings = split_settings(data)
    return model_config(data), settings


def model_config(data: dict) -> Config:
    """The validated Config of the model's settings in ``data`` (a sensitivity point's factors applied)."""
    cfg = validate(resolve(merge(Config(), data)))
    if cfg.sensitivity_design != "none":   # a point of a sensitivity design: its factors on the composed values
        from domain.sensitivity_design import apply_point

        cfg = validate(apply_point(cfg))
    return cfg


def compose_config(overrides: list[str]) -> Config:
    """The Config that ``inclusim <overrides>`` would run (for presets and scenarios from Python)."""
    return compose_config_and_settings(overrides)[0]


def compose_config_and_settings(overrides: list[str]) -> tuple[Config, CommandSettings]:
    """(the Config, the command's settings) of ``inclusim <overrides>``."""
    from hydra import compose, initialize_config_dir

    register_configs()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return to_config_and_settings(compose(config_name="config", overrides=list(overrides)))
