"""The run tables and their columns, and the catalogue of KPIs with unit and plain name.

This is the contract between the simulation, which writes the tables, and the analysis, which
reads them: column names are built here and nowhere else, and every KPI in the ``runs`` table is
listed here with its unit (which decides how it is printed and drawn) and a plain name.

Tables of a run (one parquet file each in the run folder, see ``infra.store``):

* ``runs``        one row: run id, seed, labels, every KPI, every config value (``cfg.*``)
* ``weekly``      one row per week: stocks by state, queue, hours and unmet hours by role and
                  activity, mentor hours
* ``events``      one row per event: week, candidate, from-state, to-state, cause
* ``candidates``  one row per user: attributes at entry and outcome history
"""

from __future__ import annotations

import math

from dataclasses import dataclass

from domain.terms import ACTIVITIES, ACTIVITY_NAMES, MENTOR_ACTIVITIES, NEED_LEVELS, ROLE_NAMES, ROLES, Activity, Role

TABLES = ("runs", "weekly", "events", "candidates")

#: Simulation weeks at which the stock "employed at week N" is reported.
CHECKPOINT_WEEKS = (26, 52, 104, 156)

#: Weeks after programme start within which a first job counts ("employed within N weeks of start").
WITHIN_START_WEEKS = (26, 52, 78)

#: Weeks after hire at which a first job counts as retained.
RETENTION_WEEKS = (26, 52)

#: Prefix of the config columns in the runs table (``cfg.office.n_advisers``, ...).
CONFIG_PREFIX = "cfg."


def config_column(setting: str) -> str:
    """The runs-table column of a setting: ``config_column("office.n_advisers")`` is ``cfg.office.n_advisers``."""
    return f"{CONFIG_PREFIX}{setting}"


#: Config columns that are bookkeeping, never a lever a sweep varies on purpose.
NOT_LEVERS = (config_column("seed"), config_column("policy.name"))


# --- weekly table columns --------------------------------------------------------------------------

def hours_column(role: Role | str, activity: Activity) -> str:
    return f"hours_{Role(role)}_{activity.key}"


def unmet_column(role: Role | str, activity: Activity) -> str:
    return f"unmet_{Role(role)}_{activity.key}"


def adviser_weeks_column(role: Role | str) -> str:
    return f"adviser_weeks_{Role(role)}"


def adviser_weeks_over_column(role: Role | str) -> str:
    return f"adviser_weeks_over_{Role(role)}"


MENTOR_HOURS_COLUMNS = tuple(f"mentor_hours_{a.name.lower()}" for a in MENTOR_ACTIVITIES)
MENTOR_SUBSIDISED_COLUMN = "mentor_hours_subsidised"

#: Office-level weekly indicators besides the stocks by state.
ADVISER_COMPETENCE_MEAN = "adviser_competence_mean"   # the one indicator that is a mean, not a count
WEEKLY_INDICATORS = ("js_queue", "mentors_active", "registry_size", "close_cases", "js_cases",
                     ADVISER_COMPETENCE_MEAN, "ordinary_reviews_overdue")

EVENT_COLUMNS = ("run_id", "week", "candidate_id", "from_state", "to_state", "cause")

#: The candidates table's columns and their types.
CANDIDATE_DTYPES = {
    "run_id": "object", "candidate_id": "int64", "office_index": "int64", "need_level": "object", "need_level_end": "object", "age": "int64",
    "barriers": "int64", "hidden_need": "bool", "entry_week": "int64", "first_job_week": "Int64",
    "final_state": "object", "ever_close": "bool", "ever_js": "bool", "n_placements": "int64", "n_dropouts": "int64",
    "n_not_successful": "int64", "n_job_lost": "int64", "n_contacts": "int64", "n_refusals": "int64",
    "capability_end": "float64", "adviser_hours": "float64",
}
CANDIDATE_COLUMNS = tuple(CANDIDATE_DTYPES)


# --- KPIs ------------------------------------------------------------------------------------------

#: Units of KPIs: how a value is printed and drawn.
SHARE, WEEKS, HOURS, NOK, COUNT, RATIO = "share", "weeks", "hours", "NOK", "count", "ratio"


@dataclass(frozen=True)
class KPI:
    name: str
    unit: str            # one of SHARE, WEEKS, HOURS, NOK, COUNT, RATIO
    label: str           # plain name for charts and tables
    derived: bool = False  # computed by the analysis from other KPIs, not stored in the runs table

    @property
    def is_share(self) -> bool:
        return self.unit == SHARE

    @property
    def bounds(self) -> tuple[float, float]:
        """The values the KPI can take: a share 0 to 1, weeks, hours, kroner and counts at least 0; a ratio
        (or a column not in the catalogue) unbounded."""
        if self.unit == SHARE:
            return 0.0, 1.0
        return (-math.inf, math.inf) if self.unit == RATIO else (0.0, math.inf)


#: Groups of users reported on their own: (tag in KPI names, candidate attribute, plain name).
SUBGROUPS = (("close", "ever_close", "close-follow-up users"), ("js", "ever_js", "job-specialist users"))


# --- KPI names that are built from a term -------------------------------------------------------------

def employed_share_kpi(week: int) -> str:
    """Share employed at simulation week ``week`` (a stock)."""
    return f"employed_share_w{week}"


#: The weeks by which the users outside the target group's "a job by week N" shares are taken.
ORDINARY_JOB_WEEKS = (26, 52, 104)


def ordinary_job_kpi(week: int) -> str:
    """Share of the users outside the target group on the caseloads at the start with a job by ``week``."""
    return f"ordinary_job_by_w{week}_share"


def adviser_pressure_kpi(role: Role | str) -> str:
    return f"adviser_pressure_{Role(role)}"


def adviser_hours_kpi(role: Role | str) -> str:
    return f"adviser_hours_{Role(role)}"


def over_budget_kpi(role: Role | str) -> str:
    return f"adviser_weeks_over_budget_share_{Role(role)}"


def fte_used_kpi(role: Role | str) -> str:
    return f"adviser_fte_used_share_{Role(role)}"


def positions_kpi(role: Role | str) -> str:
    return f"positions_{Role(role)}"


def hours_per_candidate_kpi(activity: Activity) -> str:
    return f"hours_per_candidate_{activity.key}"


def hours_per_employment_kpi(activity: Activity) -> str:
    return f"hours_per_employment_{activity.key}"


def _catalogue() -> tuple[KPI, ...]:
    k: list[KPI] = []

    def add(name: str, unit: str, label: str, derived: bool = False) -> None:
        k.append(KPI(name, unit, label, derived))

    add("n_candidates", COUNT, "Target-group users")
    add("ever_employed_share", SHARE, "Ever employed")
    add("n_ever_employed", COUNT, "Users ever employed")
    for w in CHECKPOINT_WEEKS:
        add(employed_share_kpi(w), SHARE, f"Employed at week {w}")
    add("median_weeks_to_first_job", WEEKS, "Median weeks to first job (Kaplan-Meier)")
    add("median_weeks_to_first_job_if_employed", WEEKS, "Median weeks to first job, among those employed")
    add("median_weeks_start_to_first_job", WEEKS, "Median weeks from programme start to first job")
    for w in WITHIN_START_WEEKS:
        add(f"employed_within_{w}w_of_start_share", SHARE, f"Employed within {w} weeks of programme start")
    add("started_share", SHARE, "Started a workplace pathway")
    for w in RETENTION_WEEKS:
        add(f"retention_{w}", SHARE, f"First job held {w} weeks")
    add("dropout_share", SHARE, "Dropped out of work training")
    add("not_successful_share", SHARE, "Placement ended by the firm")
    add("job_lost_share", SHARE, "Lost a job")
    add("apprentice_share", SHARE, "Apprenticeship")
    add("education_share", SHARE, "Education")
    add("lockin_share", SHARE, "Ever in a position on a permanent wage subsidy")
    add("subsidised_share_end", SHARE, "In a position on a permanent wage subsidy at the end")
    add("exited_share", SHARE, "Left NAV follow-up")
    add("in_work_end_share", SHARE, "In work at the end")
    add("placed_share", SHARE, "Ever placed at a workplace")
    add("transferred_to_js_share", SHARE, "Referred to a job specialist")
    add("js_wait_weeks_mean", WEEKS, "Weeks waiting for a job specialist")
    for lvl in NEED_LEVELS:
        add(f"n_{lvl}", COUNT, f"Users with {lvl} needs")
        add(f"ever_employed_share_{lvl}", SHARE, f"Ever employed, {lvl} needs")
        add(f"employed_share_end_{lvl}", SHARE, f"Employed at the end, {lvl} needs")
        add(f"dropout_share_{lvl}", SHARE, f"Dropped out, {lvl} needs")
        add(f"adviser_hours_per_candidate_{lvl}", HOURS, f"Adviser hours per user, {lvl} needs")
    for tag, _attribute, who in SUBGROUPS:
        add(f"n_{tag}_cases", COUNT, f"Number of {who}")
        add(f"{tag}_employed_share", SHARE, f"Ever employed, {who}")
        add(f"{tag}_apprentice_share", SHARE, f"Apprenticeship, {who}")
        add(f"{tag}_education_share", SHARE, f"Education, {who}")
        add(f"{tag}_dropout_share", SHARE, f"Dropped out, {who}")
        add(f"{tag}_hours_per_case", HOURS, f"Adviser hours per case, {who}")
    add("n_close_cases_1y", COUNT, "Close-follow-up users with a year to finish")
    # the users outside the target group (agents.caseload); shares of those on the caseloads at the start
    add("ordinary_n_users", COUNT, "Outside the target group: users on a caseload during the run")
    add("ordinary_n_start", COUNT, "Outside the target group: users on the caseloads at the start")
    for w in ORDINARY_JOB_WEEKS:
        add(ordinary_job_kpi(w), SHARE, f"Outside the target group: a job by week {w}")
    add("ordinary_job_by_end_share", SHARE, "Outside the target group: a job by the end")
    add("ordinary_left_without_job_share", SHARE, "Outside the target group: left NAV follow-up without a job")
    add("ordinary_median_weeks_to_job", WEEKS, "Outside the target group: median weeks to a job (Kaplan-Meier)")
    add("ordinary_weeks_without_plan_share", SHARE, "Outside the target group: weeks without a valid activity plan (a review overdue)")
    add("ordinary_reviews_missed_per_user_year", RATIO, "Outside the target group: activity reviews missed per user-year")
    add("close_employed_share_1y", SHARE, "Ever employed, close-follow-up users with a year to finish")
    add("close_apprentice_share_1y", SHARE, "Apprenticeship, close-follow-up users with a year to finish")
    add("close_education_share_1y", SHARE, "Education, close-follow-up users with a year to finish")
    add("close_transferred_share_1y", SHARE, "Handed to a job specialist, close-follow-up users with a year to finish")
    add("close_transferred_employed_share_1y", SHARE, "Ever employed after the hand-over, among those handed over")
    add("close_episodes", COUNT, "Close-follow-up episodes")
    add("close_episode_success_share", SHARE, "Close-follow-up episodes ending in work or education")
    add("close_episode_dropout_share", SHARE, "Close-follow-up episodes ending in dropout")
    for act in ACTIVITIES:
        name = ACTIVITY_NAMES[act].lower()
        add(hours_per_candidate_kpi(act), HOURS, f"Adviser hours per user: {name}")
        add(hours_per_employment_kpi(act), HOURS, f"Adviser hours per user employed: {name}")
        add(f"office_hours_{act.key}", HOURS, f"Office hours: {name}")
        add(f"unmet_hours_{act.key}", HOURS, f"Unmet hours: {name}")
    add("hours_per_candidate", HOURS, "Adviser hours per user")
    add("hours_per_employment", HOURS, "Adviser hours per user employed")
    add("office_hours_total", HOURS, "Office hours in all")
    add("unmet_hours_total", HOURS, "Unmet hours in all")
    add("adviser_weeks_over_budget_share", SHARE, "Adviser-weeks over the weekly hours")
    for role in ROLES:
        add(over_budget_kpi(role), SHARE, f"Weeks over the weekly hours, {ROLE_NAMES[role]}")
        add(adviser_hours_kpi(role), HOURS, f"Hours of {ROLE_NAMES[role]}")
        add(adviser_pressure_kpi(role), RATIO, f"Workload of {ROLE_NAMES[role]} (demand / hours)")
        add(fte_used_kpi(role), SHARE, f"Share of the hours of {ROLE_NAMES[role]} used")
    add("adviser_weeks_js_like_share", SHARE, "Hybrid adviser-weeks with a job-specialist-like load")
    add("hybrid_case_weeks_drifted_share", SHARE, "Close-case weeks drifted to ordinary follow-up")
    add("reviews_postponed_share", SHARE, "Activity reviews postponed")
    add("mentor_hours_support", HOURS, "Mentor hours of support")
    add("mentor_hours_network", HOURS, "Mentor hours in network sessions")
    add("mentor_hours_subsidised", HOURS, "Subsidised mentor hours")
    add("mentor_hours_per_employment", HOURS, "Mentor hours per user employed")
    add("mentors_total", COUNT, "Mentors")
    add("mentor_registry_size", COUNT, "Mentors in the registry")
    add("mentor_burnouts", COUNT, "Mentors who gave up")
    add("mentor_departures", COUNT, "Mentors who moved or left the firm")
    add("mentor_calls", COUNT, "Calls from mentors to the adviser about a problem")
    add("mentor_calls_answered_share", SHARE, "Calls from mentors that reached the adviser")
    add("ia_adviser_hours", HOURS, "IA adviser hours opening doors")
    add("network_sessions", COUNT, "Mentor network sessions")
    add("mentor_subsidy_nok", NOK, "Mentor subsidy (NOK)")
    add("wage_subsidy_nok", NOK, "Wage subsidy (NOK)")
    add("subsidy_cost_per_employment", NOK, "Subsidy cost per user employed (NOK)")
    for role in ROLES:
        add(positions_kpi(role), COUNT, f"Positions: {ROLE_NAMES[role]}")
    add("position_cost_nok", NOK, "Positions (NOK over the run)")
    add("nav_cost_nok", NOK, "NAV cost over the run: positions, mentor grants, wage subsidies (NOK)")
    add("employer_contacts", COUNT, "Employer contacts")
    add("employer_refusals", COUNT, "Employer refusals")
    add("refusal_rate", SHARE, "Share of employer contacts refused")
    add("adviser_turnovers", COUNT, "Advisers replaced")
    add("arrivals_above_caseload_cap", COUNT, "New users given to a full caseload")
    add("firms_used", COUNT, "Firms that took a trainee")
    # computed by the analysis from the KPIs above
    add("caseholder_pressure", RATIO, "Case-holding advisers' workload (demand / hours)", derived=True)
    add("apprentice_education_share", SHARE, "Apprenticeship or education", derived=True)
    add("position_cost_nok_per_year", NOK, "Positions (NOK a year)", derived=True)
    add("people_in_work_end", COUNT, "People in work at the end (target group and other users)", derived=True)
    return tuple(k)


KPIS: dict[str, KPI] = {kpi.name: kpi for kpi in _catalogue()}

#: KPIs the simulation writes into the runs table, in column order.
RUN_KPIS = tuple(name for name, kpi in KPIS.items() if not kpi.derived)

#: The summary of a sweep (terminal, summary.csv and the report's summary table), in this order.
SUMMARY_KPIS = (
    "ever_employed_share", "employed_share_w26", "employed_share_w52", "employed_share_w104", "employed_share_w156",
    "ever_employed_share_small", "ever_employed_share_medium", "ever_employed_share_large",
    "dropout_share", "apprentice_share", "education_share", "lockin_share",
    "median_weeks_to_first_job_if_employed", "retention_26", "retention_52",
    "n_close_cases", "close_employed_share_1y", "n_js_cases", "js_employed_share",
    "hours_per_candidate", "hours_per_employment", "adviser_weeks_over_budget_share", "caseholder_pressure",
    "mentor_hours_per_employment", "subsidy_cost_per_employment",
    # the users outside the target group: what the follow-up of the few costs the many
    "ordinary_job_by_w52_share", "ordinary_job_by_end_share", "ordinary_left_without_job_share",
    "ordinary_weeks_without_plan_share",
    # what each side spends: positions by role and NAV's cost in all, and the people in work it buys
    "positions_saksbehandler", "positions_hybrid", "positions_jobbspesialist", "nav_cost_nok", "people_in_work_end",
)
#: The few KPIs shown per setting when a sweep has many settings.
KEY_KPIS = ("ever_employed_share", "employed_share_w156", "dropout_share", "hours_per_candidate",
            "adviser_weeks_over_budget_share")
#: KPIs compared policy by policy against a baseline, paired by seed.
DIFFERENCE_KPIS = (
    "ever_employed_share", "employed_share_w52", "employed_share_w104", "employed_share_w156",
    "dropout_share", "apprentice_share", "education_share", "retention_52",
    "hours_per_candidate", "hours_per_employment", "caseholder_pressure", "subsidy_cost_per_employment",
    "ordinary_job_by_w52_share", "ordinary_job_by_end_share", "nav_cost_nok", "people_in_work_end",
)


def kpi(name: str) -> KPI:
    """The catalogue entry of a KPI; a name not in the catalogue gets a plain entry (unit ``ratio``)."""
    found = KPIS.get(name)
    if found is not None:
        return found
    return KPI(name, RATIO, name.replace("_", " ").capitalize())

