"""Pathway states and the transitions the seeds name (domain brief section 3).

A candidate is in exactly one state at a time. Every change of state goes through
``Candidate.move_to``, which checks it against ``ALLOWED`` and writes one event row.
T-numbers refer to the transition table in the brief (section 3.2).
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
    LOCKIN = 14         # permanent wage subsidy without development [001:1521]
    DROPOUT = 15        # candidate fell out [001:808], [001:900]
    NOT_SUCCESSFUL = 16  # firm ended the placement, or no extension [001:884], [001:1549], [000:76]
    TRANSFER_JS = 17    # referred to a job specialist, waiting for a free place [001:776], [001:792]
    EXITED = 18         # left NAV follow-up for other reasons (benefit end, disability benefit, moved)


S = State

#: States whose candidates are stepped every week (something can happen to them this week).
ACTIVE_STATES = frozenset({S.SCREEN, S.MAPPING, S.SEARCH, S.INTERVIEW, S.STARTUP, S.TRAINING,
                           S.EVALUATION, S.POST_FOLLOWUP})
#: Employed in an ordinary job (not counting lock-in on a permanent subsidy).
EMPLOYED_STATES = frozenset({S.EMPLOYED, S.POST_FOLLOWUP, S.RETAINED})
#: States that end the candidate's story within the model.
ABSORBING_STATES = frozenset({S.APPRENTICE, S.EDUCATION, S.EXITED})

ALLOWED: dict[State, frozenset[State]] = {
    S.POOL: frozenset({S.SCREEN,           # T1 adviser selects for close follow-up
                       S.SEARCH,           # ordinary placement under activity requirement [001:834]
                       S.TRANSFER_JS,      # referral to a job specialist
                       S.TRAINING,         # entry shortcut: already in work training [001:407]
                       S.EMPLOYED,         # job found in ordinary follow-up, without a pathway (ASSUMPTION)
                       S.EXITED}),
    S.SCREEN: frozenset({S.POOL, S.MAPPING, S.SEARCH, S.TRANSFER_JS,      # T2, T4, T3
                         S.EXITED}),
    S.MAPPING: frozenset({S.SEARCH, S.TRANSFER_JS, S.POOL, S.EXITED}),     # T5, T3, no adviser time
    S.SEARCH: frozenset({S.INTERVIEW, S.POOL, S.TRANSFER_JS, S.EXITED}),   # T6, T8, T3
    S.INTERVIEW: frozenset({S.STARTUP, S.SEARCH,                           # T9, T10
                            S.EMPLOYED, S.POST_FOLLOWUP}),                 # direct hire, place then train [001:593]
    S.STARTUP: frozenset({S.TRAINING, S.SEARCH}),                          # T11, firm withdraws
    S.TRAINING: frozenset({S.EVALUATION, S.DROPOUT, S.NOT_SUCCESSFUL,      # T14, T18, T19
                           S.TRANSFER_JS, S.LOCKIN, S.APPRENTICE,          # T3, T20, T16
                           S.EDUCATION}),                                  # T17
    S.EVALUATION: frozenset({S.EMPLOYED, S.POST_FOLLOWUP, S.APPRENTICE,    # T15, T21, T16
                             S.EDUCATION, S.TRAINING, S.LOCKIN,            # T17, back to training, T20
                             S.NOT_SUCCESSFUL, S.SEARCH}),                 # no post here: move on [001:798]
    S.EMPLOYED: frozenset({S.JOB_LOST, S.LOCKIN}),                         # T22-T24, T20
    S.POST_FOLLOWUP: frozenset({S.RETAINED, S.JOB_LOST}),                  # end of follow-up, T22-T24
    S.RETAINED: frozenset({S.JOB_LOST}),
    S.JOB_LOST: frozenset({S.POOL, S.SEARCH, S.EXITED}),                   # back to ordinary follow-up
    S.DROPOUT: frozenset({S.POOL, S.EXITED}),
    S.NOT_SUCCESSFUL: frozenset({S.POOL, S.EXITED}),
    S.TRANSFER_JS: frozenset({S.MAPPING, S.SEARCH, S.TRAINING, S.POOL, S.EXITED}),
    S.LOCKIN: frozenset(),
    S.APPRENTICE: frozenset(),
    S.EDUCATION: frozenset(),
    S.EXITED: frozenset(),
}


class TransitionError(RuntimeError):
    """A transition the state machine does not allow: a bug in the model, not a user error."""
