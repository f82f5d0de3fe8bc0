"""Named terms of the domain: need levels, sectors, adviser roles, activities, policy decisions.

Each term is defined here once; the rules, the tables, the charts and the report all take it
from here.
"""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum

#: A user's support need, lowest first [001:694].
NEED_LEVELS = ("small", "medium", "large")
#: A need level's position in ``NEED_LEVELS`` (rules over arrays index their settings by it).
NEED_INDEX = {level: i for i, level in enumerate(NEED_LEVELS)}

#: Languages of the report and the terminal summary (``analysis.i18n``): English, Norwegian bokmål.
LANGUAGES = ("en", "nb")


#: ``(stem, level) -> "<stem>_<level>"``, so the weekly rules do not format a name at every lookup.
_SETTING_NAMES: dict[tuple[str, str], str] = {}


def by_need_level(settings, stem: str, level: str):
    """The setting ``<stem>_<level>`` of ``settings`` (e.g. ``hours_needed_large``)."""
    try:
        name = _SETTING_NAMES[stem, level]
    except KeyError:
        name = _SETTING_NAMES.setdefault((stem, level), f"{stem}_{level}")
    return getattr(settings, name)


#: Sectors of firms and of users' interests [001:409], [001:416].
SECTORS = (
    "kindergarten",
    "retail",
    "hotel_restaurant",
    "health_care",
    "construction_crafts",
    "industry",
    "warehouse",
    "school",
    "other",
)


class Role(StrEnum):
    """The positions advisers hold in an office (the time ledger is kept by role).

    * ``SAKSBEHANDLER``: an ordinary adviser with a caseload [001:646-652];
    * ``HYBRID``: an ordinary adviser with a caseload who also follows a few users closely in
      close-follow-up slots [001:660-664];
    * ``JOBBSPESIALIST``: a job specialist with no ordinary caseload, who takes referred users up
      to a caseload cap [001:623-625].
    """

    SAKSBEHANDLER = "saksbehandler"
    HYBRID = "hybrid"
    JOBBSPESIALIST = "jobbspesialist"

    @property
    def is_specialist(self) -> bool:
        """A job specialist: no ordinary caseload; every case followed is close follow-up."""
        return self is Role.JOBBSPESIALIST

    @property
    def takes_close_cases(self) -> bool:
        """An ordinary adviser with close-follow-up slots."""
        return self is Role.HYBRID


#: Roles in ledger order.
ROLES = tuple(Role)
#: A role's place in :data:`ROLES` (the time ledger's index).
ROLE_INDEX = {role: i for i, role in enumerate(ROLES)}

#: The advisers holding each role, in the plural (plain names for tables and charts).
ROLE_NAMES = {
    Role.SAKSBEHANDLER: "ordinary advisers",
    Role.HYBRID: "hybrid advisers",
    Role.JOBBSPESIALIST: "job specialists",
}


class Activity(IntEnum):
    """What an adviser's hour is booked to in the time ledger."""

    ADMIN = 0                # casework: decisions, plans, ordinary follow-up talks, screening, case meetings
    CANDIDATE_MEETINGS = 1   # mapping talks, evaluation meetings
    EMPLOYER_CONTACT = 2     # job development: contacts, interviews, start-up meetings
    MENTOR_FOLLOWUP = 3      # contacts with candidate and mentor in training, crises, post-hire follow-up
    NETWORK = 4              # mentor network sessions
    TRAVEL = 5               # travel to workplaces

    @property
    def key(self) -> str:
        return self.name.lower()


#: Activities in ledger order.
ACTIVITIES = tuple(Activity)

#: Plain names of the activities.
ACTIVITY_NAMES = {
    Activity.ADMIN: "Administration",
    Activity.CANDIDATE_MEETINGS: "Meetings with the user",
    Activity.EMPLOYER_CONTACT: "Employer contact",
    Activity.MENTOR_FOLLOWUP: "Following up mentor and workplace",
    Activity.NETWORK: "Mentor network",
    Activity.TRAVEL: "Travel",
}


class MentorActivity(IntEnum):
    """What a mentor's hour is booked to."""

    SUPPORT = 0   # day-to-day support of the candidate at the workplace
    NETWORK = 1   # mentor network sessions

    @property
    def key(self) -> str:
        return f"mentor_{self.name.lower()}"


MENTOR_ACTIVITIES = tuple(MentorActivity)


class ReviewAction(Enum):
    """What a policy decides at an activity review of a user in ordinary follow-up."""

    NOTHING = "nothing"                          # stay in ordinary follow-up until the next review
    ORDINARY_PLACEMENT = "ordinary_placement"    # a quick placement without mapping [001:834]
    REFER_TO_SPECIALIST = "refer_to_specialist"  # to the job-specialist queue


class ScreenDecision(Enum):
    """The case meeting's decision about a user selected for close follow-up [001:792]."""

    ACCEPT = "accept"
    TOO_LIGHT = "too_light"   # back to ordinary follow-up (T2)
    TOO_HEAVY = "too_heavy"   # to a job specialist (T3)
