"""The levers an office leader owns, and the scenario choices, as model settings.

A :class:`Lever` is one control of the dashboard: its English label (translated by
``analysis.i18n``), the range the control offers, and the config setting it moves. The control
ranges are presentation only; every value is still checked against the schema's own range when
the configuration is built. Scenario choices (labour demand, need mix) come from
``conf/dashboard.yaml``, each an assumption with its source.

:func:`values_under` reads the levers' values of an office (as it is today, or under another
policy); :func:`to_overrides` turns the values the leader chose into dotted settings, only those
that differ from the office's, so an untouched control never changes the model.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache

import yaml

from domain.config import Config, resolve, validate
from domain.params import (ALLOWED_RANGE, ConfigError, dotted_field, dotted_value, iter_params, merge, overrides,
                           refuse)
from domain.paths import CONF_DIR
from inclusim.staffing import office_users, shared_users
from domain.terms import Role
from scenarios.office_file import per_adviser
from scenarios.office_agents import n_hybrid_advisers, n_ordinary_advisers
from scenarios.policies import make_policy, registered_policies

#: The scenario file of the dashboard.
SCENARIO_FILE = CONF_DIR / "dashboard.yaml"
#: A lever that sets one field in every way of working of the policy (``policy.modes.<mode>.<field>``).
MODES = "policy.modes.*."


@dataclass(frozen=True)
class Lever:
    """One control: ``key`` names it in the dashboard's state, ``setting`` is the dotted config
    setting it moves (``policy.modes.*.x`` for a field of every way of working; empty for the
    number of hybrid advisers, a share of the advisers in the config, and for the office's users,
    advisers x caseload in the config). Its allowed values are the config schema's (:attr:`bounds`)."""

    key: str
    label: str
    setting: str
    step: float = 1
    group: str = "staff"    # "staff": positions and caseloads; "practice": how the office works

    @property
    def bounds(self) -> tuple[float, float, str]:
        """(lowest, highest, unit) allowed, from the config schema's ranges (``domain.config``): the
        setting's own; for the users, advisers x caseload at their lowest and highest; for the hybrid
        advisers, none to the most advisers."""
        return lever_bounds(self.key, self.setting)

    @property
    def low(self) -> float:
        return self.bounds[0]

    @property
    def high(self) -> float:
        return self.bounds[1]

    @property
    def kind(self) -> str:
        """"policy", "bool", "int" or "float": the kind of control."""
        if self.key == "policy":
            return "policy"
        if self.setting and not self.setting.startswith(MODES):
            field_type = dotted_field(Config(), self.setting).type
            if field_type in ("bool", bool):
                return "bool"
        return "int" if float(self.step).is_integer() and float(self.low).is_integer() else "float"


@cache
def lever_bounds(key: str, setting: str) -> tuple[float, float, str]:
    """:attr:`Lever.bounds` of the lever ``key`` that moves ``setting``."""
    def meta(name: str) -> dict:
        return dotted_field(Config(), name).metadata

    if key == "policy":
        return 0, 0, ""
    if key == "users":
        advisers, caseload = meta("office.n_advisers"), meta("office.caseload_ordinary")
        return advisers["lo"] * caseload["lo"], advisers["hi"] * caseload["hi"], caseload["unit"]
    if key == "hybrid_advisers":
        advisers = meta("office.n_advisers")
        return 0, advisers["hi"], advisers["unit"]
    if setting.startswith(MODES):
        setting = f"policy.modes.{_mode_names(Config())[0]}.{setting.removeprefix(MODES)}"
    found = meta(setting)
    return found["lo"], found["hi"], found["unit"]


LEVERS: tuple[Lever, ...] = (
    Lever("policy", "Way of working", "policy.name"),
    Lever("users", "Users on the advisers' caseloads (the office)", "", 10),
    Lever("advisers", "Advisers with a caseload", "office.n_advisers"),
    Lever("hybrid_advisers", "of them also following users closely (hybrid)", ""),
    Lever("slots", "Close-follow-up places per hybrid adviser", "office.hybrid_slots"),
    Lever("caseload", "Users per adviser (caseload)", "office.caseload_ordinary", 5),
    Lever("job_specialists", "Job-specialist positions", "office.n_job_specialists"),
    Lever("leader_support", "Leader support (0-1)", "office.leader_support", 0.05, "practice"),
    Lever("mentor_grant_hours", "Mentor grant, hours a week", MODES + "fixed_subsidy_hours", 0.5, "practice"),
    Lever("training_period", "Work-training period (weeks)", "pathway.training_period_weeks", 1, "practice"),
    Lever("long_periods", "Long training periods agreed from the start", "pathway.long_term_signal", 1, "practice"),
    Lever("post_followup_weeks", "Follow-up after hiring (weeks)", MODES + "post_followup_weeks", 2, "practice"),
)
LEVER_BY_KEY = {lever.key: lever for lever in LEVERS}


def lever_of(setting: str) -> Lever | None:
    """The lever that sets the dotted ``setting`` (a way of working's field under any mode), or that
    has this key; None when no lever does."""
    if setting in LEVER_BY_KEY:
        return LEVER_BY_KEY[setting]
    for lever in LEVERS:
        if lever.setting == setting or (lever.setting.startswith(MODES) and setting.startswith("policy.modes.")
                                        and setting.rsplit(".", 1)[-1] == lever.setting.removeprefix(MODES)):
            return lever
    return None


@dataclass(frozen=True)
class ScenarioChoice:
    """One uncertainty the leader picks a scenario of: its options and the source of their values."""

    key: str
    label: str
    default: str
    options: dict
    source: str

    @staticmethod
    def option_label(option: str) -> str:
        """The English name of an option ('as_today' -> 'As today')."""
        return option.replace("_", " ").capitalize()


@cache
def scenario_choices() -> dict[str, ScenarioChoice]:
    """The scenario choices of ``conf/dashboard.yaml``."""
    data = yaml.safe_load(SCENARIO_FILE.read_text(encoding="utf-8"))
    return {key: ScenarioChoice(key, spec["label"], spec["default"],
                                {name: option or {} for name, option in spec["options"].items()},
                                " ".join(str(spec.get("source", "")).split()))
            for key, spec in data.items()}


def build_config(settings: dict) -> Config:
    """The validated Config of dotted ``settings`` on top of the defaults (a ConfigError names a bad one)."""
    return validate(resolve(merge(Config(), overrides(settings))))


def settings_of(cfg: Config) -> dict:
    """Every setting of ``cfg`` but the seed, dotted, the policy first (so :func:`build_config` gives
    ``cfg`` back: an office composed from presets and a file becomes plain settings)."""
    flat = {name: value for name, value, _field in iter_params(cfg) if name != "seed"}
    return {"policy.name": flat.pop("policy.name"), **flat}


def _mode_names(cfg: Config) -> list[str]:
    return [f.name for f in dataclasses.fields(cfg.policy.modes)]


def _shown_mode(cfg: Config) -> str:
    """The way of working whose value a mode lever shows: the policy's close follow-up if it has one."""
    policy = make_policy(cfg.policy)
    return policy.close_mode or policy.specialist_mode or policy.ordinary_mode


def lever_value(cfg: Config, lever: Lever):
    """The value ``lever`` has in ``cfg``. The staff levers show the office as the model staffs it under
    its policy: under a policy without job specialists their positions are advisers with a caseload
    (``office.fte_neutral``), so the advisers count them, the job specialists show none, and the caseload
    is the users each adviser holds."""
    if lever.key == "hybrid_advisers":
        return round(cfg.office.hybrid_volunteer_share * cfg.office.n_advisers)
    if lever.key == "users":
        return cfg.office.n_advisers * cfg.office.caseload_ordinary
    if lever.key in ("advisers", "job_specialists", "caseload"):
        staff = positions_of(cfg)
        advisers = staff[Role.SAKSBEHANDLER] + staff[Role.HYBRID]
        return {"advisers": advisers, "job_specialists": staff[Role.JOBBSPESIALIST],
                "caseload": caseload_of(cfg.office.n_advisers * cfg.office.caseload_ordinary, advisers)}[lever.key]
    if lever.setting.startswith(MODES):
        return getattr(getattr(cfg.policy.modes, _shown_mode(cfg)), lever.setting.removeprefix(MODES))
    return dotted_value(cfg, lever.setting)


def current_values(cfg: Config) -> dict:
    """Every lever's value in ``cfg``, by key."""
    return {lever.key: lever_value(cfg, lever) for lever in LEVERS}


def lever_notes(settings: dict, policy: str) -> dict[str, tuple[bool, str]]:
    """What the levers mean under ``policy`` for the office of dotted ``settings``: by lever key,
    (whether the lever has any effect, an English note for the leader). Levers not listed act as labelled."""
    cfg = build_config(with_policy(settings, policy))
    used = make_policy(cfg.policy)
    notes: dict[str, tuple[bool, str]] = {}
    if not used.uses_close_followup:
        for key in ("hybrid_advisers", "slots"):
            notes[key] = (False, "Not used by this way of working: no adviser follows users closely.")
        notes["leader_support"] = (False, "Not used by this way of working: leader support protects the hours of "
                                          "close follow-up, and no adviser follows users closely.")
    if not used.uses_job_specialists:
        notes["job_specialists"] = ((False, "This way of working has no job specialists: their positions are "
                                            "counted among the advisers with a caseload (equal staff).")
                                    if cfg.office.fte_neutral else
                                    (False, "Not used by this way of working: it has no job specialists."))
    return notes


def policies() -> list[str]:
    """The ways of working a leader can choose."""
    from analysis.labels import order_policies

    return order_policies(registered_policies())


def with_policy(settings: dict, policy: str | None) -> dict:
    """Dotted ``settings`` under another ``policy``: the old policy's own settings (``policy.*``, its
    ways of working included) are left behind, the new one starts from its defaults."""
    if policy is None or policy == settings.get("policy.name", Config().policy.name):
        return dict(settings)
    return {"policy.name": policy, **{k: v for k, v in settings.items() if not k.startswith("policy.")}}


def values_under(base: dict, policy: str | None = None) -> dict:
    """The levers' values of the office described by dotted ``base`` settings, under ``policy``
    (default: the office's own): a lever of the ways of working shows that policy's value."""
    return current_values(build_config(with_policy(base, policy)))


def to_overrides(values: dict, base: dict) -> dict:
    """Dotted settings for the lever ``values`` the leader chose, on the office of dotted ``base``
    settings: only the levers whose value differs from the office's (under the chosen policy, for the
    levers of the ways of working) are set, so an untouched control never changes the model."""
    today = values_under(base)
    policy = values.get("policy", today["policy"])
    reference = values_under(base, policy) if policy != today["policy"] else today
    changed = {key: value for key, value in values.items() if key in LEVER_BY_KEY and value != reference[key]}
    out: dict = {}
    if policy != today["policy"]:
        out["policy.name"] = policy
    # of the users, advisers and caseload, which the page moves together, the one typed (the others
    # follow from it, and their range is the caseload's rule below)
    typed_key, typed_value = values.get(LAST_TYPED) or (None, None)
    check_bounds({key: typed_value if key == typed_key else value for key, value in {**reference, **changed}.items()
                  if typed_key is None or key not in STAFF_TRIO or key == typed_key})
    users = int(values.get("users", reference["users"]))
    advisers = int(values.get("advisers", reference["advisers"]))
    if "caseload" in changed and "advisers" not in changed:      # a caseload asks for the advisers it takes
        advisers = advisers_for(users, int(changed["caseload"]))
        changed["advisers"] = advisers
        check_bounds({"advisers": advisers})
    hybrid = int(values.get("hybrid_advisers", reference["hybrid_advisers"]))
    if "hybrid_advisers" not in changed:
        hybrid = min(hybrid, advisers)      # fewer advisers: the hybrid ones are among them
    if not 0 <= hybrid <= advisers:
        _refuse_lever("hybrid_advisers", hybrid, HYBRID_AMONG_ADVISERS, high=advisers)
    typed = [key for key in ("caseload", "advisers", "users") if key in changed]
    if typed:
        caseload = caseload_of(users, advisers)
        allowed = dotted_field(Config(), "office.caseload_ordinary").metadata
        if not allowed["lo"] <= caseload <= allowed["hi"]:
            # the page moves the other two with the one typed: name the one the leader typed, as typed
            key, value = values.get(LAST_TYPED) or (typed[0], changed[typed[0]])
            _refuse_lever(key, value, CASELOAD_IN_RANGE, caseload=caseload, low=allowed["lo"], high=allowed["hi"])
    if changed.keys() & {"users", "advisers", "caseload", "job_specialists"}:
        out.update(_staffing(build_config(base), users, advisers))
        # the advisers are every adviser with a caseload: no job-specialist position is turned into one on top
        out["office.n_job_specialists"] = int(values.get("job_specialists", reference["job_specialists"]))
        out["office.hybrid_volunteer_share"] = round(hybrid / advisers, 6)
    elif "hybrid_advisers" in changed:      # the same advisers, more or fewer of them following users closely
        out["office.hybrid_volunteer_share"] = round(hybrid / build_config(base).office.n_advisers, 6)
    modes = _mode_names(build_config(with_policy(base, policy)))
    for key, value in changed.items():
        lever = LEVER_BY_KEY[key]
        if key in ("policy", "users", "advisers", "hybrid_advisers", "caseload"):
            continue
        if lever.setting.startswith(MODES):
            for mode in modes:
                out[f"policy.modes.{mode}.{lever.setting.removeprefix(MODES)}"] = value
        else:
            out[lever.setting] = bool(value) if lever.kind == "bool" else value
    return out


#: The rules of the staff levers beyond the config's own (``domain.params.VALUE_RULES``).
HYBRID_AMONG_ADVISERS = "from 0 to {high}, the advisers with a caseload"
CASELOAD_IN_RANGE = "gives {caseload} users per adviser; allowed is {low} to {high}"
NOT_A_NUMBER = "not a number; allowed is a number from {low} to {high} ({unit}), with a comma or a point before the decimals"
LEVER_RULES = (HYBRID_AMONG_ADVISERS, CASELOAD_IN_RANGE, NOT_A_NUMBER)
#: The staff levers that hang together: users = advisers x caseload.
STAFF_TRIO = ("users", "advisers", "caseload")
#: In the levers' values: (key, value) of the staff lever the leader typed last (users, advisers or
#: caseload), which the page moves the other two with; an error names it, with the value typed.
LAST_TYPED = "last_typed_staff_lever"


def check_bounds(values: dict) -> None:
    """Refuse the first lever of ``values`` (by key) outside its :attr:`Lever.bounds`, the config
    schema's range (the rule and its words are the config's own, ``domain.params.ALLOWED_RANGE``)."""
    for key, value in values.items():
        lever = LEVER_BY_KEY.get(key)
        if lever is None or lever.kind in ("policy", "bool"):
            continue
        low, high, unit = lever.bounds
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            _refuse_lever(key, value, ALLOWED_RANGE, low=low, high=high, unit=unit)


def refuse_unread(key: str, text: str) -> None:
    """Refuse the text ``text`` typed into the lever ``key`` that is not a number (the lever keeps its
    previous value, which is not what the page shows): the rule names the lever's range."""
    low, high, unit = LEVER_BY_KEY[key].bounds
    _refuse_lever(key, text, NOT_A_NUMBER, low=low, high=high, unit=unit)


def _refuse_lever(key: str, value, rule: str, **fields) -> None:
    """A lever's value refused: the message names the lever; its parts let the page say it in its words."""
    refuse(key, value, rule, label=LEVER_BY_KEY[key].label, **fields)


def caseload_of(users: int, advisers: int) -> int:
    """The caseload when ``advisers`` share ``users`` evenly (the model gives every adviser the same)."""
    return per_adviser(users, max(1, advisers))


def advisers_for(users: int, caseload: int) -> int:
    """The advisers ``users`` need at about ``caseload`` each."""
    return max(1, round(users / max(1, caseload)))


def _staffing(today: Config, users: int, advisers: int) -> dict:
    """The office settings that share ``users`` among ``advisers``: the caseload follows, and the
    target-group users grow or shrink with the users (kept when the users are), as in
    ``inclusim.staffing``: a change of staff does not change who the office serves."""
    users_today, target_today = office_users(today)
    return shared_users(users, target_today * users / users_today, advisers)


def scenario_overrides(choice_values: dict, today: Config) -> dict:
    """Dotted settings of the chosen scenario options (``{"labour_demand": "low", ...}``) on ``today``."""
    out: dict = {}
    for key, option_name in choice_values.items():
        choices = scenario_choices()
        if key not in choices:
            raise ConfigError(f"scenario {key!r}: allowed are {', '.join(choices)}")
        choice = choices[key]
        if option_name not in choice.options:
            raise ConfigError(f"{key} = {option_name!r}: allowed values are {', '.join(choice.options)}")
        option = choice.options[option_name]
        for setting, factor in option.get("scale", {}).items():
            meta = dotted_field(today, setting).metadata
            value = dotted_value(today, setting) * float(factor)
            out[setting] = min(meta.get("hi", value), max(meta.get("lo", value), value))
        if "shift_need" in option:
            out.update(_shift_need(today, float(option["shift_need"])))
    return out


def _shift_need(cfg: Config, shift: float) -> dict:
    """Move ``shift`` of the users from small to large needs (negative: the other way), within 0-1."""
    population = cfg.population
    moved = min(shift, population.need_share_small) if shift > 0 else -min(-shift, population.need_share_large)
    return {"population.need_share_small": round(population.need_share_small - moved, 6),
            "population.need_share_large": round(population.need_share_large + moved, 6)}


# -- what a choice changes, and what its positions cost ------------------------------------------

def positions_of(cfg: Config) -> dict[Role, int]:
    """The positions of the office ``cfg`` by role, as the model staffs it under its policy: the job
    specialists' positions go to ordinary advisers under a policy without them (``office.fte_neutral``)."""
    policy = make_policy(cfg.policy)
    ordinary = n_ordinary_advisers(cfg.office, policy.uses_job_specialists)
    hybrid = n_hybrid_advisers(cfg.office, policy.uses_close_followup)
    specialists = cfg.office.n_job_specialists if policy.uses_job_specialists else 0
    return {Role.SAKSBEHANDLER: ordinary - hybrid, Role.HYBRID: hybrid, Role.JOBBSPESIALIST: specialists}


def positions_cost_per_year(cfg: Config) -> float:
    """What the positions of ``cfg`` cost NAV a year (``cost.*_position_nok_per_year``)."""
    return sum(n * cfg.cost.position_nok_per_year(role) for role, n in positions_of(cfg).items())


#: The rows of the positions in :func:`what_differs`, by role (English; the page translates).
POSITION_LABELS = {Role.SAKSBEHANDLER: "Ordinary advisers (positions)", Role.HYBRID: "Hybrid advisers (positions)",
                   Role.JOBBSPESIALIST: "Job specialists (positions)"}
#: The row of the users per adviser the model runs (the advisers' positions share the office's users).
HELD_CASELOAD = "Users per adviser, as run"
#: The row of the positions' cost a year in :func:`what_differs`.
POSITIONS_COST = "Positions, NOK a year"


def what_differs(today: Config, choice: Config) -> list[tuple[str, object, object]]:
    """Every lever and every position by role whose value differs between the office ``today`` and the
    leader's ``choice`` (both as the model will run them), with the positions' cost a year: rows of
    (English label, today's value, the choice's value), the way of working first."""
    rows: list[tuple[str, object, object]] = []
    before, after = current_values(today), current_values(choice)
    for lever in LEVERS:
        if lever.key in ("advisers", "hybrid_advisers", "job_specialists", "caseload"):
            continue        # shown as the positions the model staffs and the caseloads they hold, below
        if before[lever.key] != after[lever.key]:
            rows.append((lever.label, before[lever.key], after[lever.key]))
    staff_before, staff_after = positions_of(today), positions_of(choice)
    for role, label in POSITION_LABELS.items():
        if staff_before[role] != staff_after[role]:
            rows.append((label, staff_before[role], staff_after[role]))
    held = [caseload_of(values["users"], staff[Role.SAKSBEHANDLER] + staff[Role.HYBRID])
            for values, staff in ((before, staff_before), (after, staff_after))]
    if held[0] != held[1]:
        rows.append((HELD_CASELOAD, *held))
    cost_before, cost_after = positions_cost_per_year(today), positions_cost_per_year(choice)
    if cost_before != cost_after:
        rows.append((POSITIONS_COST, cost_before, cost_after))
    return rows


def keep_todays_positions(values: dict, base: dict) -> dict:
    """The lever ``values`` with today's positions by role kept under the chosen way of working: as many
    advisers with a caseload as today (job specialists' positions that today work as advisers included)
    and today's job specialists; the office's users stay, so the caseload is today's. Close follow-up
    keeps the chosen number of hybrid advisers (among the advisers)."""
    today = build_config(base)
    staff = positions_of(today)
    advisers = staff[Role.SAKSBEHANDLER] + staff[Role.HYBRID]
    out = {**values, "advisers": advisers, "job_specialists": staff[Role.JOBBSPESIALIST],
           "hybrid_advisers": min(int(values.get("hybrid_advisers", 0)), advisers)}
    out["caseload"] = caseload_of(int(out["users"]), advisers)
    out.pop(LAST_TYPED, None)
    return out
