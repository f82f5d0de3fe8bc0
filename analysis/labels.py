"""Plain names for what the charts and the report show, keyed by the domain's terms, in the current
language (``analysis.i18n``).

KPI names and units come from ``domain.schema``, plain names of activities, roles and groups of
states from ``domain.terms`` and ``domain.states`` (in English, translated here by their English
text: :func:`kpi_label`, :func:`role_name`, :func:`activity_name`, :func:`state_group_name`); what
is defined here is presentation only: the order in which policies are shown, the baseline policy,
the plain names of the levers a sweep varies and of the ways an interval is made, and short KPI
names for a chart's ticks (:func:`kpi_short`).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from analysis.i18n import DEFAULT_LANGUAGE, current_language, localise_number, tr
from domain.schema import CONFIG_PREFIX, KPIS, ORDINARY_JOB_WEEKS, kpi, ordinary_job_kpi
from domain.states import STATE_GROUP_NAMES
from domain.terms import ACTIVITY_NAMES, ROLE_NAMES, Activity

#: Policies in the order users know them; a policy not listed here sorts after these, by name.
POLICY_ORDER = ("saksbehandler", "hybrid", "jobbspesialist", "brobygger")

#: The policy others are compared with, paired by seed, when a sweep has it: today's ordinary case work.
DEFAULT_BASELINE = "saksbehandler"

#: Plain names of the ways an interval is made (``analysis.stats.interval_method``).
METHOD_NAMES = {"t": "Student t", "bootstrap": "percentile bootstrap", "none": "none (one replication)"}

#: Plain names of the levers a sweep usually varies.
LEVER_LABELS = {
    "cfg.office.caseload_ordinary": "Users per ordinary adviser (caseload)",
    "cfg.office.hybrid_slots": "Close-follow-up places per hybrid adviser",
    "cfg.office.hybrid_volunteer_share": "Share of advisers who also follow users closely",
    "cfg.office.n_advisers": "Number of advisers",
    "cfg.office.n_job_specialists": "Number of job specialists",
    "cfg.office.js_caseload_cap": "Cases per job specialist",
    "cfg.horizon_weeks": "Weeks simulated",
}

#: Short lever names for table headers.
LEVER_SHORT = {
    "cfg.office.caseload_ordinary": "Caseload",
    "cfg.office.hybrid_slots": "Hybrid slots",
    "cfg.office.hybrid_volunteer_share": "Hybrid share",
    "cfg.office.n_advisers": "Advisers",
    "cfg.office.n_job_specialists": "Job specialists",
}

#: Short KPI names for the ticks of a chart whose title already says whose outcomes they are (chart 9:
#: the users outside the target group); a KPI not listed is shown by its plain name (:func:`kpi_short`).
KPI_SHORT = {
    **{ordinary_job_kpi(w): f"A job by week {w}" for w in ORDINARY_JOB_WEEKS},
    "ordinary_job_by_end_share": "A job by the end",
    "ordinary_left_without_job_share": "Left NAV follow-up without a job",
}


#: Names shown before every other (``shown_first``): a comparison of settings that are not policies,
#: such as the dashboard's "today" and "your choice", keeps its order (and so its colours) in every language.
_SHOWN_FIRST: ContextVar[tuple[str, ...]] = ContextVar("inclusim_shown_first", default=())


@contextmanager
def shown_first(names):
    """Within this block, :func:`order_policies` puts ``names`` first, in this order (per thread and session)."""
    token = _SHOWN_FIRST.set(tuple(str(name) for name in names))
    try:
        yield
    finally:
        _SHOWN_FIRST.reset(token)


def order_policies(policies) -> list[str]:
    """Distinct policy names: any ``shown_first`` names, then the known ones in :data:`POLICY_ORDER`,
    any others after, by name."""
    names = list(dict.fromkeys(str(p) for p in policies))
    leading = (*_SHOWN_FIRST.get(), *POLICY_ORDER)
    known = [p for p in dict.fromkeys(leading) if p in names]
    return known + sorted(p for p in names if p not in leading)


def sort_rows(frame, columns):
    """The rows of a DataFrame sorted by ``columns``, the ``policy`` column in display order."""
    rank = {p: i for i, p in enumerate(order_policies(frame["policy"]))}
    return frame.sort_values(list(columns), key=lambda c: c.map(rank) if c.name == "policy" else c)


def _english() -> bool:
    return current_language() == DEFAULT_LANGUAGE


def role_name(role: str) -> str:
    """'ordinary advisers' for ``saksbehandler``; an unknown role by its own name."""
    return tr(ROLE_NAMES[role]) if role in ROLE_NAMES else str(role)


def lever_label(lever: str) -> str:
    """A lever's plain name, e.g. 'Users per ordinary adviser (caseload)'; a lever without one by its
    setting's name ('office: n firms', in another language as typed: 'office.n_firms')."""
    if lever in LEVER_LABELS:
        return tr(LEVER_LABELS[lever])
    key = lever.removeprefix(CONFIG_PREFIX)
    return key.replace("_", " ").replace(".", ": ") if _english() else key


def lever_short(lever: str) -> str:
    """A lever's name short enough for a table header, e.g. 'Caseload'."""
    if lever in LEVER_SHORT:
        return tr(LEVER_SHORT[lever])
    key = lever.rsplit(".", 1)[-1]
    return key.replace("_", " ").capitalize() if _english() else key


def setting_label(variant: str) -> str:
    """A setting's label (the overrides that make it, ``policy=hybrid office.caseload_ordinary=40``)
    in plain words in a language other than English: 'hybrid, Portefølje 40'; in English, and for a
    text that is not ``key=value`` words, the text as it is."""
    if _english():
        return variant
    words = variant.split()
    pairs = [word.split("=", 1) for word in words]
    if not words or any(len(pair) != 2 or not pair[0] for pair in pairs):
        return variant
    return ", ".join(value if key == "policy" else f"{lever_short(CONFIG_PREFIX + key)} {localise_number(value)}"
                     for key, value in pairs)


def method_name(method: str) -> str:
    """How an interval was made (``analysis.stats.interval_method``) in plain words: 'Student t'."""
    return tr(METHOD_NAMES[method])


def kpi_label(name: str) -> str:
    """A KPI's plain name (``domain.schema``): 'Ever employed'; a KPI not in the catalogue by a name
    made from its key ('Some new kpi', in another language the key itself)."""
    if name in KPIS:
        return tr(KPIS[name].label)
    return kpi(name).label if _english() else name


def kpi_short(name: str) -> str:
    """A KPI's short name for a chart's ticks (:data:`KPI_SHORT`): 'A job by week 52' for
    ``ordinary_job_by_w52_share``; any other KPI by its plain name (:func:`kpi_label`)."""
    return tr(KPI_SHORT[name]) if name in KPI_SHORT else kpi_label(name)


def activity_name(activity: Activity) -> str:
    """An adviser activity's plain name: 'Employer contact'."""
    return tr(ACTIVITY_NAMES[activity])


def state_group_name(key: str) -> str:
    """The plain name of a group of states (``domain.states.STATE_GROUPS``): 'In a job'."""
    return tr(STATE_GROUP_NAMES[key])
