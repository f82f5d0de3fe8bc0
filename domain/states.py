"""Pathway states, the sets of states the rules talk about, and the transitions the seeds name.

A candidate is in exactly one state at a time. Every change of state goes through
``sim.pathway.Pathways.move``, which checks it against ``ALLOWED`` and writes one event row.
T-numbers refer to the transition table in the domain brief (section 3.2).
"""

from __future__ import annotations

from enum import IntEnum


class State(IntEnum):
    POOL = 0            # ordinary follow-up on an adviser's caseload ("bruker")
    SCREEN = 1          # chosen as candidate; case meeting decides fit [001:792]
    MAPPING = 2         # kartlegging, interests, consent, plan [001:428-434]
    SEARCH = 3          # looking for a workplace and mentor [001:436], [001:727]
    INTERVIEW = 4       # candidate and adviser visit the firm [001:438]
    STARTUP = 5         # start-up meeting: mentor, subsidy, plan, goal [001:440]
    TRAINING = 6        # work training in 13-week periods [001:442-446], [001:1010]
    EVALUATION = 7      # goal reached: job, apprenticeship, education? [001:454]
    EMPLOYED = 8        # hired, no NAV follow-up after hire
    POST_FOLLOWUP = 9   # hired, mentor kept and adviser following up [001:452]
    RETAINED = 10       # still employed when post-hire follow-up ended
    APPRENTICE = 11     # læreplass [001:407], [001:1525-1541]
    EDUCATION = 12      # moved on to education [001:407], [001:1793]
    JOB_LOST = 13       # job ended after hire [001:1400], [001:1905]
    LOCKIN = 14         # a position on a permanent wage subsidy, without development [001:1519-1521]
    DROPOUT = 15        # candidate fell out [001:808], [001:900]
    NOT_SUCCESSFUL = 16  # firm ended the placement, or no extension [001:884], [001:1549], [000:76]
    TRANSFER_JS = 17    # referred to a job specialist, waiting for a free place [001:776], [001:792]
    EXITED = 18         # left NAV follow-up for other reasons (benefit end, disability benefit, moved)

    @property
    def column(self) -> str:
        """The name of this state's stock column in the weekly table (``n_training``, ...)."""
        return f"n_{self.name.lower()}"


# --- sets of states the rules refer to ------------------------------------------------------------

#: Stepped every week: something can happen to a user in these states this week.
ACTIVE_STATES = frozenset({State.SCREEN, State.MAPPING, State.SEARCH, State.INTERVIEW, State.STARTUP,
                           State.TRAINING, State.EVALUATION, State.POST_FOLLOWUP})
#: Employed in an ordinary job (not counting lock-in on a permanent subsidy).
EMPLOYED_STATES = frozenset({State.EMPLOYED, State.POST_FOLLOWUP, State.RETAINED})
#: Ends the user's story within the model.
ABSORBING_STATES = frozenset({State.APPRENTICE, State.EDUCATION, State.EXITED})
#: The user holds one of a firm's trainee places (interview, start-up, training, evaluation).
PLACEMENT_STATES = frozenset({State.INTERVIEW, State.STARTUP, State.TRAINING, State.EVALUATION})
#: At the workplace, in work training or at its evaluation: leaving ends the workplace pathway.
AT_WORKPLACE = frozenset({State.TRAINING, State.EVALUATION})
#: A step that waits for the adviser's hours (screening, mapping, meetings).
WAITING_FOR_ADVISER = frozenset({State.SCREEN, State.MAPPING, State.INTERVIEW, State.STARTUP, State.EVALUATION})
#: In a pathway, not yet at a workplace.
BEFORE_WORKPLACE = frozenset({State.SCREEN, State.MAPPING, State.SEARCH})
#: No longer on an ordinary adviser's caseload.
OFF_CASELOAD = frozenset({State.EMPLOYED, State.RETAINED, State.POST_FOLLOWUP, State.APPRENTICE, State.EDUCATION,
                          State.EXITED, State.LOCKIN})
#: Resting after a failed attempt before a new one.
RESTING = frozenset({State.DROPOUT, State.NOT_SUCCESSFUL, State.JOB_LOST})
#: A workplace pathway that ended in work, an apprenticeship or education.
SUCCESS = frozenset({State.EMPLOYED, State.POST_FOLLOWUP, State.APPRENTICE, State.EDUCATION})

#: States grouped as the charts and the report show them, bottom to top: (key, states).
STATE_GROUPS: tuple[tuple[str, tuple[State, ...]], ...] = (
    ("in_job", (State.EMPLOYED, State.POST_FOLLOWUP, State.RETAINED)),
    ("apprentice_or_education", (State.APPRENTICE, State.EDUCATION)),
    ("work_training", (State.TRAINING, State.EVALUATION)),
    ("close_before_training", (State.SCREEN, State.MAPPING, State.SEARCH, State.INTERVIEW, State.STARTUP)),
    ("waiting_for_specialist", (State.TRANSFER_JS,)),
    ("ordinary_followup", (State.POOL,)),
    ("setback", (State.DROPOUT, State.NOT_SUCCESSFUL, State.JOB_LOST)),
    ("lockin", (State.LOCKIN,)),
    ("exited", (State.EXITED,)),
)

#: Plain names of the groups of :data:`STATE_GROUPS`.
STATE_GROUP_NAMES = {
    "in_job": "In a job",
    "apprentice_or_education": "Apprenticeship or education",
    "work_training": "Work training",
    "close_before_training": "Close follow-up before work training",
    "waiting_for_specialist": "Waiting for a job specialist",
    "ordinary_followup": "Ordinary follow-up",
    "setback": "Setback: dropped out, placement ended, job lost",
    "lockin": "Permanent wage subsidy (lock-in)",
    "exited": "Left NAV follow-up",
}

ALLOWED: dict[State, frozenset[State]] = {
    State.POOL: frozenset({State.SCREEN,         # T1 adviser selects for close follow-up
                           State.SEARCH,         # ordinary placement under activity requirement [001:834]
                           State.TRANSFER_JS,    # referral to a job specialist
                           State.TRAINING,       # entry shortcut: already in work training [001:407]
                           State.EMPLOYED,       # job found in ordinary follow-up, without a pathway (ASSUMPTION)
                           State.EXITED}),
    State.SCREEN: frozenset({State.POOL, State.MAPPING, State.SEARCH, State.TRANSFER_JS,   # T2, T4, T3
                             State.EXITED}),
    State.MAPPING: frozenset({State.SEARCH, State.TRANSFER_JS, State.POOL, State.EXITED}),  # T5, T3, no adviser time
    State.SEARCH: frozenset({State.INTERVIEW, State.POOL, State.TRANSFER_JS, State.EXITED}),  # T6, T8, T3
    State.INTERVIEW: frozenset({State.STARTUP, State.SEARCH,                                 # T9, T10
                                State.EMPLOYED, State.POST_FOLLOWUP}),   # direct hire, place then train [001:593]
    State.STARTUP: frozenset({State.TRAINING, State.SEARCH}),                                # T11, firm withdraws
    State.TRAINING: frozenset({State.EVALUATION, State.DROPOUT, State.NOT_SUCCESSFUL,        # T14, T18, T19
                               State.TRANSFER_JS, State.LOCKIN, State.APPRENTICE,            # T3, T20, T16
                               State.EDUCATION}),                                            # T17
    State.EVALUATION: frozenset({State.EMPLOYED, State.POST_FOLLOWUP, State.APPRENTICE,      # T15, T21, T16
                                 State.EDUCATION, State.TRAINING, State.LOCKIN,              # T17, back, T20
                                 State.NOT_SUCCESSFUL, State.SEARCH,     # firm ends; no post here: move on [001:798]
                                 State.DROPOUT}),                        # T18: still at the workplace while waiting
    State.EMPLOYED: frozenset({State.JOB_LOST, State.LOCKIN}),                               # T22-T24, T20
    State.POST_FOLLOWUP: frozenset({State.RETAINED, State.JOB_LOST}),                        # end of follow-up, T22-T24
    State.RETAINED: frozenset({State.JOB_LOST}),
    State.JOB_LOST: frozenset({State.POOL, State.SEARCH, State.EXITED}),                     # back to ordinary follow-up
    State.DROPOUT: frozenset({State.POOL, State.EXITED}),
    State.NOT_SUCCESSFUL: frozenset({State.POOL, State.EXITED}),
    State.TRANSFER_JS: frozenset({State.MAPPING, State.SEARCH, State.TRAINING, State.POOL, State.EXITED}),
    State.LOCKIN: frozenset({State.JOB_LOST}),                                               # the subsidy or the position ends
    State.APPRENTICE: frozenset(),
    State.EDUCATION: frozenset(),
    State.EXITED: frozenset(),
}


class TransitionError(RuntimeError):
    """A transition the state machine does not allow: a bug in the model, not a user error."""


def check_transition(old: State, new: State, who: str, cause: str) -> None:
    """Refuse a transition the state machine does not allow."""
    if new not in ALLOWED[old]:
        raise TransitionError(f"{who}: {old.name} -> {new.name} ({cause}) is not allowed")
