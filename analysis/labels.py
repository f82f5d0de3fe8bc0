"""Plain names for what the charts and the report show, keyed by the domain's terms.

KPI names and units come from ``domain.schema``, plain names of activities, roles and groups of
states from ``domain.terms`` and ``domain.states``; what is here is presentation only: the order in
which policies are shown, the baseline policy, and the plain names of the levers a sweep varies and of
the ways an interval is made.
"""

from __future__ import annotations

from domain.schema import CONFIG_PREFIX
from domain.terms import ROLE_NAMES

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


def order_policies(policies) -> list[str]:
    """Distinct policy names, the known ones first in :data:`POLICY_ORDER`, any others after, by name."""
    names = list(dict.fromkeys(str(p) for p in policies))
    known = [p for p in POLICY_ORDER if p in names]
    return known + sorted(p for p in names if p not in POLICY_ORDER)


def sort_rows(frame, columns):
    """The rows of a DataFrame sorted by ``columns``, the ``policy`` column in display order."""
    rank = {p: i for i, p in enumerate(order_policies(frame["policy"]))}
    return frame.sort_values(list(columns), key=lambda c: c.map(rank) if c.name == "policy" else c)


def role_name(role: str) -> str:
    """'ordinary advisers' for ``saksbehandler``; an unknown role by its own name."""
    return ROLE_NAMES.get(role, str(role))


def lever_label(lever: str) -> str:
    """A lever's plain name, e.g. 'Users per ordinary adviser (caseload)'."""
    return LEVER_LABELS.get(lever, lever.removeprefix(CONFIG_PREFIX).replace("_", " ").replace(".", ": "))


def lever_short(lever: str) -> str:
    """A lever's name short enough for a table header, e.g. 'Caseload'."""
    return LEVER_SHORT.get(lever, lever.rsplit(".", 1)[-1].replace("_", " ").capitalize())
