"""An office described in one readable file: the leader's own numbers, mapped onto the config schema.

A leader fills in what the office has (``examples/urban_office.yaml``): advisers with role and
caseload, target-group users by need level and age group, inflow per month, local employers by
sector and size, and leader support. :func:`load_office_file` reads and checks it;
:class:`OfficeFile` gives the model's settings for it (``docs/office_file.md`` explains every
mapping):

* :meth:`OfficeFile.presets`: the config presets the office starts from (``office=default``; a
  rural office takes the rural labour market; the policy the advisers' roles describe);
* :meth:`OfficeFile.overrides`: ``{dotted config key: value}`` on top of those presets.

The file is read by ``domain.safe_yaml`` within :data:`LIMITS` (at most 1 MB, 20 levels deep,
200 characters in a value; no anchors, aliases or tags; no key given twice; numbers by YAML 1.2's
core schema, in decimal only; no control, format or separator characters), so no file can hang,
crash or fool the reader; a ``name`` or ``label`` is the text written (``name: 2024`` is '2024').
Every value is checked against the range of the setting it becomes
(``domain.params.check_leaf`` on the schema's own field); an error is one ``ConfigError`` line
naming the file, the row, the field, the value (quoted and cut short, ``domain.safe_yaml.shown``)
and what is allowed. Where the model has one number for what the file gives several (the advisers'
caseloads), the file's :attr:`OfficeFile.notes` say what the model uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from domain.config import Config
from domain.params import ConfigError, Said, check_leaf, dotted_field, dotted_value
from domain.safe_yaml import YamlLimits, check_text, read_yaml, shown
from domain.terms import NEED_LEVELS, SECTORS, Role
from scenarios.office_agents import target_users_per_adviser

#: What an office file may hold at its top level.
TOP_KEYS = ("name", "region", "leader_support", "inflow_per_month", "advisers", "users", "employers")

#: The fields of a row in each table of the file.
ROW_KEYS = {
    "advisers": ("role", "count", "caseload", "slots", "label"),
    "users": ("need", "count", "under_30", "age_30_plus"),
    "employers": ("sector", "small", "large"),
}

#: Role names a file may use (the model's own, domain.terms.Role, and plain English ones).
ROLE_NAMES = {"saksbehandler": Role.SAKSBEHANDLER, "ordinary": Role.SAKSBEHANDLER, "hybrid": Role.HYBRID,
              "jobbspesialist": Role.JOBBSPESIALIST, "job_specialist": Role.JOBBSPESIALIST}

#: Need-level names a file may use (the model's own, and the report's words [001:694]).
NEED_NAMES = {**{level: level for level in NEED_LEVELS}, "mindre": "small", "middels": "medium", "store": "large"}

WEEKS_PER_MONTH = 52 / 12

#: The fields that are text as written: ``name: 2024`` is the name '2024', ``label: NO`` the label 'NO'.
TEXT_FIELDS = frozenset({"name", "label"})

#: What the reader accepts: an office file holds a few hundred values and needs 3 levels of nesting;
#: ``max_text`` is also the longest ``name`` or ``label``.
LIMITS = YamlLimits(kind="an office file", max_bytes=1_000_000, max_depth=20, max_values=10_000, max_text=200,
                    text_keys=TEXT_FIELDS)

_DEFAULTS = Config()


def policy_for(hybrid: bool, specialists: bool, mixed: str = "brobygger") -> str:
    """The policy whose staff an office has: hybrid advisers and job specialists together work as a
    brobygger office (``mixed``) [001:694], either alone as the hybrid or the job-specialist office,
    neither as the saksbehandler office."""
    if hybrid and specialists:
        return mixed
    if hybrid:
        return "hybrid"
    return "jobbspesialist" if specialists else "saksbehandler"


@dataclass(frozen=True)
class AdviserRow:
    role: Role
    count: int
    caseload: int
    slots: int | None = None
    label: str = ""


@dataclass(frozen=True)
class UserRow:
    need: str
    count: int
    under_30: int | None = None       # None: the row gives no age groups


@dataclass(frozen=True)
class EmployerRow:
    sector: str
    small: int
    large: int


@dataclass
class OfficeFile:
    """What an office file holds, and the model's settings for it."""

    path: Path
    name: str | None = None
    region: str | None = None
    leader_support: float | None = None
    inflow_per_month: float | None = None
    advisers: tuple[AdviserRow, ...] = ()
    users: tuple[UserRow, ...] = ()
    employers: tuple[EmployerRow, ...] = ()
    notes: list[str] = field(default_factory=list)
    _settings: dict[str, object] = field(default_factory=dict, repr=False)

    def count(self, *roles: Role) -> int:
        return sum(row.count for row in self.advisers if row.role in roles)

    @property
    def positions(self) -> int:
        """Positions in the office: every adviser and job specialist."""
        return self.count(*Role)

    @property
    def users_on_caseloads(self) -> int:
        """Users on the ordinary and hybrid advisers' caseloads, all kinds."""
        return sum(row.count * row.caseload for row in self.advisers if not row.role.is_specialist)

    @property
    def policy(self) -> str:
        """The policy the advisers' roles describe (:func:`policy_for`)."""
        return policy_for(self.count(Role.HYBRID) > 0, self.count(Role.JOBBSPESIALIST) > 0)

    def presets(self) -> dict[str, str]:
        """The config presets (Hydra groups) the office starts from, by group."""
        picks = {"office": "default", "policy": self.policy}
        if self.region == "rural":
            picks["labour_market"] = "rural"
        return picks

    def overrides(self) -> dict[str, object]:
        """``{dotted config key: value}`` on top of :meth:`presets` (the policy as ``policy.name``)."""
        return {**self._settings, "policy.name": self.policy}


def load_office_file(path: str | Path) -> OfficeFile:
    """Read and check an office file (YAML); a ConfigError names the file, row, field and value."""
    return office_from_dict(read_yaml(path, f"office file {path}", LIMITS), path)


def office_from_dict(data, path: str | Path = "<office>") -> OfficeFile:
    """An :class:`OfficeFile` from the file's content (a dict as YAML gives it)."""
    reader = _Reader(Path(path))
    if not isinstance(data, dict):
        raise reader.error("", Said("must be a set of 'key: value' lines (name, region, advisers, ...)"))
    reader.known("", data, TOP_KEYS)
    if data.get("advisers") is None:
        raise reader.error("", Said("has no 'advisers' table; every office file lists its advisers"))
    office = OfficeFile(path=Path(path))
    office.name = reader.text("", "name", data.get("name"))
    office.region = reader.setting("region", data.get("region"), "office.region")
    office.leader_support = reader.setting("leader_support", data.get("leader_support"), "office.leader_support")
    office.inflow_per_month = data.get("inflow_per_month")
    office.advisers = tuple(reader.rows("advisers", data["advisers"], reader.adviser))
    office.users = tuple(reader.rows("users", data.get("users"), reader.user))
    office.employers = tuple(reader.rows("employers", data.get("employers"), reader.employer))
    _map(office, reader)
    return office


class _Reader:
    """Checks values and names the place of an error: ``office file F: advisers, row 3: caseload = ...``."""

    def __init__(self, path: Path):
        self.path = path

    def error(self, where: str, message: str) -> ConfigError:
        """The error ``message`` at ``where`` (a table, a row) of the file, said so that a page in another
        language can say it again (``domain.params.Said``)."""
        if where:
            return ConfigError(Said("office file {file}: {where}: {message}", file=str(self.path), where=where,
                                    message=message))
        return ConfigError(Said("office file {file}: {message}", file=str(self.path), message=message))

    def known(self, where: str, data: dict, allowed) -> None:
        unknown = [k for k in data if k not in allowed]
        if unknown:
            raise self.error(where, Said("unknown key {key}; allowed keys are {allowed}", key=shown(unknown[0]),
                                         allowed=", ".join(allowed)))

    def setting(self, name: str, value, setting: str, where: str = ""):
        """``value`` checked against the schema field of ``setting`` (None: not given)."""
        if value is None:
            return None
        try:
            check_leaf(name, value, dotted_field(_DEFAULTS, setting))
        except ConfigError as exc:
            raise self.error(where, Said("{name} = {value}: {rule} (the model's {setting})", name=name,
                                         value=shown(value), rule=Said(exc.rule, **_said_units(exc.fields)),
                                         setting=setting)) from None
        return value

    def whole(self, where: str, name: str, value, lowest: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
            raise self.error(where, Said("{name} = {value}: must be a whole number of at least {lowest}", name=name,
                                         value=shown(value), lowest=lowest))
        return value

    def text(self, where: str, name: str, value) -> str | None:
        """A name or label: one line of at most ``LIMITS.max_text`` characters without control, format or
        separator characters (``domain.safe_yaml.check_text``; the reader keeps a file's text as written,
        a number given from Python is taken as its text)."""
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            raise self.error(where, Said("{name} = {value}: must be text, not a list or a table", name=name,
                                         value=shown(value)))
        try:
            return check_text(name, value if isinstance(value, str) else str(value), LIMITS.max_text)
        except ConfigError as exc:
            raise self.error(where, str(exc)) from None

    def choice(self, where: str, name: str, value, names: dict):
        if not isinstance(value, str) or value.strip().lower() not in names:
            raise self.error(where, Said("{name} = {value}: allowed values are {allowed}", name=name,
                                         value=shown(value), allowed=", ".join(names)))
        return names[value.strip().lower()]

    def rows(self, table: str, rows, read) -> list:
        if rows is None:
            return []
        if not isinstance(rows, list) or not rows:
            raise self.error(table, Said("must be a list of rows, one per line starting with '- '"))
        out = []
        for i, row in enumerate(rows, start=1):
            where = Said("{table}, row {row}", table=table, row=i)
            if not isinstance(row, dict):
                raise self.error(where, Said("must be a row of fields ({fields})", fields=", ".join(ROW_KEYS[table])))
            self.known(where, row, ROW_KEYS[table])
            out.append(read(where, row))
        return out

    def required(self, where: str, row: dict, name: str):
        if row.get(name) is None:
            raise self.error(where, Said("{name} is missing", name=name))
        return row[name]

    def adviser(self, where: str, row: dict) -> AdviserRow:
        role = self.choice(where, "role", self.required(where, row, "role"), ROLE_NAMES)
        count = self.whole(where, "count", row.get("count", 1), lowest=1)
        setting = "office.js_caseload_cap" if role.is_specialist else "office.caseload_ordinary"
        caseload = self.setting("caseload", self.required(where, row, "caseload"), setting, where)
        slots = row.get("slots")
        if slots is not None and role is not Role.HYBRID:
            raise self.error(where, Said("slots = {value}: only hybrid advisers have close-follow-up slots",
                                         value=shown(slots)))
        self.setting("slots", slots, "office.hybrid_slots", where)
        return AdviserRow(role, count, caseload, slots, self.text(where, "label", row.get("label")) or "")

    def user(self, where: str, row: dict) -> UserRow:
        need = self.choice(where, "need", self.required(where, row, "need"), NEED_NAMES)
        ages = [row.get("under_30"), row.get("age_30_plus")]
        if row.get("count") is not None:
            if any(a is not None for a in ages):
                raise self.error(where, Said("give either count or under_30 and age_30_plus, not both"))
            return UserRow(need, self.whole(where, "count", row["count"]))
        if any(a is None for a in ages):
            raise self.error(where, Said("needs count, or both under_30 and age_30_plus"))
        young, older = (self.whole(where, name, a) for name, a in zip(("under_30", "age_30_plus"), ages))
        return UserRow(need, young + older, young)

    def employer(self, where: str, row: dict) -> EmployerRow:
        sector = self.choice(where, "sector", self.required(where, row, "sector"), {s: s for s in SECTORS})
        return EmployerRow(sector, self.whole(where, "small", row.get("small", 0)),
                           self.whole(where, "large", row.get("large", 0)))


def _said_units(fields: dict) -> dict:
    """A rule's fields with its unit said (``Said``), so that a page says the unit in its language too."""
    return {**fields, "unit": Said(str(fields["unit"]))} if "unit" in fields else fields


def per_adviser(total: float, advisers: int) -> int:
    """``total`` shared evenly among ``advisers``, to the nearest whole number (halves up): the caseload
    that keeps an office's users when the model gives every adviser the same caseload."""
    return int(math.floor(total / advisers + 0.5))


def _mean_of(rows, value) -> tuple[int, int, int]:
    """(mean rounded by :func:`per_adviser`, lowest, highest) of ``value(row)`` over rows weighted by their count."""
    values = [value(r) for r in rows]
    return per_adviser(sum(r.count * value(r) for r in rows), sum(r.count for r in rows)), min(values), max(values)


def _map(office: OfficeFile, reader: _Reader) -> None:
    """Fill ``office._settings`` and ``office.notes`` from what was read (``docs/office_file.md``)."""
    out: dict[str, object] = {}
    notes = office.notes
    if office.name is not None:
        out["office.name"] = office.name
    if office.region is not None:
        out["office.region"] = office.region
    if office.leader_support is not None:
        out["office.leader_support"] = office.leader_support
    ordinary = [r for r in office.advisers if not r.role.is_specialist]
    specialists = [r for r in office.advisers if r.role.is_specialist]
    n_advisers = sum(r.count for r in ordinary)
    reader.setting("advisers with a caseload (saksbehandler and hybrid)", n_advisers, "office.n_advisers", "advisers")
    caseload, low, high = _mean_of(ordinary, lambda r: r.caseload)
    users = office.users_on_caseloads
    out["office.n_advisers"] = n_advisers
    out["office.caseload_ordinary"] = caseload
    if low != high:
        notes.append(Said("advisers' caseloads differ ({low} to {high} users): the model gives each of the {n} advisers "
                          "the mean, {caseload} users ({users} users on the caseloads in the file, {model} in the model)",
                          low=low, high=high, n=n_advisers, caseload=caseload, users=users, model=caseload * n_advisers))
    default_cap = _DEFAULTS.office.caseload_cap
    if high > default_cap:
        out["office.caseload_cap"] = high   # the office lets caseloads grow this far
    out["office.n_job_specialists"] = reader.setting("job specialists", sum(r.count for r in specialists),
                                                     "office.n_job_specialists", "advisers")
    if specialists:
        cap, low, high = _mean_of(specialists, lambda r: r.caseload)
        out["office.js_caseload_cap"] = cap
        if low != high:
            notes.append(Said("job specialists' caseloads differ ({low} to {high} users): the model gives each a cap "
                              "of the mean, {cap} users", low=low, high=high, cap=cap))
    hybrids = [r for r in office.advisers if r.role is Role.HYBRID]
    if hybrids:
        out["office.hybrid_volunteer_share"] = round(sum(r.count for r in hybrids) / n_advisers, 6)
        with_slots = [r for r in hybrids if r.slots is not None]
        if with_slots:
            slots, low, high = _mean_of(with_slots, lambda r: r.slots)
            out["office.hybrid_slots"] = slots
            if low != high:
                notes.append(Said("hybrid advisers' slots differ ({low} to {high}): the model gives each the mean, "
                                  "{slots}", low=low, high=high, slots=slots))
    if office.users:
        _map_users(office, reader, out, users)
    if office.inflow_per_month is not None:
        month = office.inflow_per_month
        if isinstance(month, bool) or not isinstance(month, (int, float)) or not month >= 0:
            raise reader.error("inflow_per_month", Said("{value}: must be a number of users a month, at least 0",
                                                        value=shown(month)))
        week = round(month / WEEKS_PER_MONTH, 6)
        reader.setting("inflow_per_month / (52 / 12)", week, "population.inflow_per_week")
        out["population.inflow_per_week"] = week
    if office.employers:
        _map_employers(office, reader, out)
    office._settings = out


def _map_users(office: OfficeFile, reader: _Reader, out: dict, on_caseloads: int) -> None:
    total = sum(r.count for r in office.users)
    if total == 0:
        raise reader.error("users", Said("no target-group users in any row; leave the table out to keep the model's "
                                         "shares"))
    if total > on_caseloads:
        raise reader.error("users", Said("{total} target-group users, more than the {users} users on the advisers' "
                                         "caseloads (advisers: caseload x count)", total=shown(total), users=on_caseloads))
    share = round(total / on_caseloads, 6)
    out["office.target_share"] = share
    caseload, n_advisers = out["office.caseload_ordinary"], out["office.n_advisers"]
    each = target_users_per_adviser(caseload, share)
    if each * n_advisers != total:
        office.notes.append(Said("users: the model gives each adviser the same number of target-group users, {each}: "
                                 "{model} users at the start (the file has {total})", each=each, model=each * n_advisers,
                                 total=total))
    for level in NEED_LEVELS:
        out[f"population.need_share_{level}"] = round(sum(r.count for r in office.users if r.need == level) / total, 6)
    # the three shares must add up to 1 (the schema's rule): the last takes the rest of the rounding
    rest = 1.0 - sum(out[f"population.need_share_{level}"] for level in NEED_LEVELS[:-1])
    out[f"population.need_share_{NEED_LEVELS[-1]}"] = round(max(0.0, rest), 6)
    if all(r.under_30 is not None for r in office.users):
        out["population.share_under_30"] = round(sum(r.under_30 for r in office.users) / total, 6)
    else:
        default = dotted_value(_DEFAULTS, "population.share_under_30")
        office.notes.append(Said("users: age groups not given in every row; the model keeps its share under 30, "
                                 "{share}", share=f"{default:g}"))


def _map_employers(office: OfficeFile, reader: _Reader, out: dict) -> None:
    n_firms = sum(r.small + r.large for r in office.employers)
    reader.setting("small + large (all rows)", n_firms, "labour_market.n_firms", "employers")
    weights = dict.fromkeys(SECTORS, 0.0)   # every sector named: a sector not in the file has no firms
    for row in office.employers:
        weights[row.sector] += float(row.small + row.large)
    out["labour_market.n_firms"] = n_firms
    out["labour_market.sector_weights"] = weights
    out["labour_market.share_small"] = round(sum(r.small for r in office.employers) / n_firms, 6)


__all__ = ["OfficeFile", "load_office_file", "office_from_dict", "per_adviser", "policy_for"]
