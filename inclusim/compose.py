"""Hydra composition: the config schema registered with Hydra, and composed configs as dataclasses.

``register_configs`` stores the root schema (``base_config``) and, for each registered policy, its
settings class as ``<policy>_schema`` in the ``policy`` group: a policy's YAML file starts with
``defaults: [<policy>_schema, _self_]``, so Hydra knows every setting of that policy (unknown keys
and wrong types are refused before a model is built).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from domain.config import Config, resolve, validate
from domain.params import merge
from domain.paths import CONF_DIR
from scenarios.policies import registered_policies


#: Keys of a composed Hydra config that are not model settings.
NOT_SETTINGS = ("hydra", "experiment", "scenario", "seeds")


@dataclass
class CommandConfig(Config):
    """The root schema Hydra sees: the model's settings, plus what the command needs around them."""

    seeds: Optional[list[int]] = None   # noqa: UP045 - set by the sweeper: the seeds one job runs (inclusim.batching)


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
    from omegaconf import OmegaConf

    data = {}
    for key in composed:
        if key in NOT_SETTINGS:
            continue
        value = composed[key]
        data[key] = OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value
    cfg = validate(resolve(merge(Config(), data)))
    if cfg.sensitivity_design != "none":   # a point of a sensitivity design: its factors on the composed values
        from domain.sensitivity_design import apply_point

        cfg = validate(apply_point(cfg))
    return cfg


def compose_config(overrides: list[str]) -> Config:
    """The Config that ``inclusim <overrides>`` would run (for presets and scenarios from Python)."""
    from hydra import compose, initialize_config_dir

    register_configs()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return to_config(compose(config_name="config", overrides=list(overrides)))
