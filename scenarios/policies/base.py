"""The policy plug-in: a base class with the decisions a policy takes, and the registry.

A policy decides *who gets which way of working*: what an activity review of a user in ordinary
follow-up starts, which users a hybrid adviser takes into a close-follow-up slot, what the case
meeting decides about a selected user, and whether a case whose hidden need shows is handed to a
job specialist. It never sets an outcome rate: employment, dropout and time load follow from what
the advisers and mentors then do. It also names the ways of working it uses (its settings'
``modes``) for its three channels:

* ``ordinary_mode``: quick placements at activity reviews and users already in work training at
  the start (every policy has one);
* ``close_mode``: the cases hybrid advisers follow in their close-follow-up slots (None: the
  policy has no hybrid advisers);
* ``specialist_mode``: the cases of job specialists (None: the office has no job specialists
  under this policy).

The simulation calls the decision methods at fixed places in the week, handing in the user and a
read-only view of the office's staff (``staff.has_specialists``, ``staff.queue_length``).
"""

from __future__ import annotations

import dataclasses
from typing import Protocol

from domain.modes import CLOSE, TEAM, PolicyConfig, register_policy_config
from domain.params import ConfigError
from domain.terms import ReviewAction, ScreenDecision

_REGISTRY: dict[str, type[Policy]] = {}


class PolicyError(RuntimeError):
    """A policy took a decision the office cannot carry out (a bug in the policy module)."""


class StaffView(Protocol):
    """What a policy may know about the office's staff when it decides."""

    @property
    def has_specialists(self) -> bool: ...

    @property
    def queue_length(self) -> int: ...

    @property
    def specialist_room(self) -> int: ...


def register(cls: type[Policy]) -> type[Policy]:
    """Class decorator: make a policy available by its ``name``.

    Its settings class is also handed to the config schema (``domain.modes.register_policy_config``),
    so that a config naming the policy takes that class; the ground floor keeps that registry because
    it may not import this one.
    """
    if not getattr(cls, "name", None):
        raise TypeError(f"{cls.__name__} needs a class attribute 'name'")
    settings = cls.settings_class
    if not (dataclasses.is_dataclass(settings) and issubclass(settings, PolicyConfig)):
        raise TypeError(f"{cls.__name__}.settings_class must be a dataclass subclassing PolicyConfig")
    if settings().name != cls.name:
        raise TypeError(f"{cls.__name__}: the default of {settings.__name__}.name must be {cls.name!r}")
    modes = {f.name for f in dataclasses.fields(settings().modes)}
    used = [m for m in (cls.ordinary_mode, cls.close_mode, cls.specialist_mode) if m is not None]
    missing = [m for m in used if m not in modes]
    if missing or len(set(used)) != len(used):
        raise TypeError(f"{cls.__name__}: each channel needs its own way of working among its settings' "
                        f"modes {sorted(modes)}; got {used}")
    _REGISTRY[cls.name] = cls
    register_policy_config(cls.name, settings)
    return cls


def registered_policies() -> dict[str, type[Policy]]:
    return dict(_REGISTRY)


def make_policy(settings: PolicyConfig) -> Policy:
    cls = _REGISTRY.get(settings.name)
    if cls is None:
        raise ConfigError(f"policy.name = {settings.name!r}: allowed policies are {', '.join(sorted(_REGISTRY))}")
    if not isinstance(settings, cls.settings_class):
        raise ConfigError(f"policy: settings of type {type(settings).__name__} do not fit the policy {cls.name!r}")
    return cls(settings)


class Policy:
    """Default decisions: ordinary (saksbehandler) follow-up for everyone."""

    name = ""
    settings_class: type[PolicyConfig] = PolicyConfig
    ordinary_mode: str = "saksbehandler"
    close_mode: str | None = None
    specialist_mode: str | None = None

    def __init__(self, settings: PolicyConfig):
        self.settings = settings

    @property
    def uses_job_specialists(self) -> bool:
        """Whether the office has a job-specialist team: the policy works through one, and it is not
        switched off (``policy.without``; its positions then go to the ordinary advisers under
        ``office.fte_neutral``)."""
        return self.specialist_mode is not None and TEAM not in self.settings.without

    @property
    def uses_close_followup(self) -> bool:
        """Whether ordinary advisers follow users closely: the policy works so, and it is not switched off."""
        return self.close_mode is not None and CLOSE not in self.settings.without

    def mode_channels(self) -> dict[str, bool]:
        """The ways of working this policy uses, each with whether it is close follow-up."""
        channels = {self.ordinary_mode: False}
        for mode in (self.close_mode, self.specialist_mode):
            if mode is not None:
                channels[mode] = True
        return channels

    # -- decisions -------------------------------------------------------------------------------
    def review(self, cand, staff: StaffView) -> ReviewAction:
        """An activity review of a user in ordinary follow-up (aktivitetskrav [001:834])."""
        if cand.draw() < self.settings.p_placement_at_review:
            return ReviewAction.ORDINARY_PLACEMENT
        return ReviewAction.NOTHING

    def eligible_for_close(self, adviser, cand) -> bool:
        """May this hybrid adviser take this user into a close-follow-up slot?"""
        return False

    def screen(self, cand, staff: StaffView) -> ScreenDecision:
        """The case meeting's decision about a user selected for close follow-up."""
        return ScreenDecision.ACCEPT

    def refer_when_need_revealed(self, cand, staff: StaffView) -> bool:
        """A hidden need showed during a pathway: hand the case to a job specialist?"""
        return False
