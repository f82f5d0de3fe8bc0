"""Named random streams split from one run seed (``numpy.random.SeedSequence``).

Common random numbers: the population, the firms and every draw of a user's life come from
streams that do not depend on the policy, so the same seed gives the same candidates, firms and
personal luck under every policy, and policy differences can be paired by seed.

Drawn one after the other, while the world is built or a user arrives (before any policy acts):

* ``population``  who is on the caseloads, their needs, barriers, ages, interests
* ``office``      advisers and their known firms
* ``labour``      the firms
* ``arrivals``    timing and attributes of new users

Counter-based (:func:`uniforms`, :func:`uniform`; no generator, nothing shared): a draw is a fixed
function of (run seed, stream, entity, position), so it does not depend on which other users,
firms or mentors drew before it, nor on the order in which a policy visits them:

* ``candidates``  a user's private streams, keyed by the user's serial number: ``life`` for the
                  user's own shocks, ``process`` for what the follow-up decides one case at a time
                  (whether a granted contact happens, evaluation choices; drawn one after the other
                  within each week, :class:`ProcessDraws`) and ``weekly`` for the draws of the rules that work on
                  all users in a state at once (:class:`WeeklyDraw`); in ``life`` and ``weekly`` the
                  draw of a kind in a week is at position ``week * DRAWS_PER_WEEK + kind``, so a
                  user's shock is the same under every policy whatever happened before (only
                  whether it matters, the hazard it is compared with, depends on the follow-up).
                  Dropout (:data:`BY_CUMULATIVE_HAZARD`) is drawn by cumulative-hazard inversion
                  instead: the user draws an Exp(1) threshold ``E`` once (:meth:`LifeShocks.threshold`,
                  at the position of week 0 of the kind); every week at risk adds the week's
                  ``-log(1 - p)`` (:func:`week_hazard`) to the user's sum ``H``, and the event happens
                  in the first week ``H`` exceeds ``E``; then ``H`` starts again from 0 against the
                  next threshold (week 1's position, and so on). The chance of no event over weeks at
                  risk is ``prod(1 - p) = exp(-H)``, as with a shock a week, but the user's luck no
                  longer depends on which calendar weeks the user is at risk in (which the policies
                  change): a user who gives up easily does so under every policy
* ``search``      a user's employer contacts: the n-th contact of the user's life (its firm, the
                  firm's answer, :class:`SearchDraw`) has the same draws under every policy,
                  whatever the week it is made in (:meth:`Streams.search_key`)
* ``mentors``     a mentor, keyed by the user it was found for and how many mentors that user had
                  before (:meth:`Streams.mentor_key`): its attributes, and whether it comes to a
                  network session in a week (:class:`MentorDraw`)
* ``staff``       one draw per firm and week (a new leader) and per adviser position and week
                  (turnover), keyed by the firm's index and the position (:meth:`Streams.firm_keys`,
                  :meth:`Streams.post_keys`)
"""

from __future__ import annotations

import functools
import math
from enum import IntEnum
from statistics import NormalDist

import numpy as np
from numba import float64, njit, uint64, vectorize

#: The named streams, each a child of the run seed's SeedSequence (the child's index is its place here).
STREAM_NAMES = ("population", "office", "labour", "arrivals", "search", "mentors", "staff", "candidates")
#: The streams drawn one after the other (numpy Generators); the others seed counter-based keys.
SEQUENTIAL_STREAMS = ("population", "office", "labour", "arrivals")
#: A candidate's private streams (the ``purpose`` of :meth:`Streams.user_key`); ORDINARY: the one stream of a
#: user outside the target group (``agents.caseload``, its draws by :class:`OrdinaryDraw`).
LIFE, PROCESS, WEEKLY, ORDINARY = 0, 1, 2, 3

# --- counter-based uniforms ---------------------------------------------------------------------
# A user's key starts a SplitMix64 sequence (Steele, Lea & Flood 2014); the draw at position ``n``
# is the sequence's n-th output: mix(key + (n + 1) * golden). Any draw is computed directly from
# (key, n), for one user or for arrays of users and positions at once.
_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_MULT1, _MULT2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_U64 = np.uint64
_ONE, _GOLDEN_U64, _MULT1_U64, _MULT2_U64 = _U64(1), _U64(_GOLDEN), _U64(_MULT1), _U64(_MULT2)
_SHIFT11, _SHIFT27, _SHIFT30, _SHIFT31 = _U64(11), _U64(27), _U64(30), _U64(31)
_UNIT = 1.0 / (1 << 53)
_STANDARD_NORMAL = NormalDist()
#: Positions per week in a user's counter-based streams: one per kind of draw (at most this many kinds).
DRAWS_PER_WEEK = 16


def _mix_int(x: int) -> int:
    """SplitMix64's output function on a Python int (for keys)."""
    x = ((x ^ (x >> 30)) * _MULT1) & _MASK
    x = ((x ^ (x >> 27)) * _MULT2) & _MASK
    return x ^ (x >> 31)


@njit(cache=True)
def uniform_at(key, position):
    """One draw: SplitMix64's output at ``position`` of the stream that starts at ``key`` (compiled:
    the integer arithmetic wraps modulo 2**64, as the hash needs; both ``uint64``). For a compiled
    rule that draws user by user; :func:`uniforms` draws for arrays."""
    x = key + (position + _ONE) * _GOLDEN_U64
    x = (x ^ (x >> _SHIFT30)) * _MULT1_U64
    x = (x ^ (x >> _SHIFT27)) * _MULT2_U64
    x ^= x >> _SHIFT31
    return (x >> _SHIFT11) * _UNIT


def _uniform(key, position):
    """:func:`uniform_at` over arrays (the kernel of a numpy ufunc, :func:`compiled_ufuncs`)."""
    return uniform_at(key, position)


def _mix(x):
    """SplitMix64's output function over arrays (keys of many users at once, as :func:`_mix_int` one)."""
    x = (x ^ (x >> _SHIFT30)) * _MULT1_U64
    x = (x ^ (x >> _SHIFT27)) * _MULT2_U64
    return x ^ (x >> _SHIFT31)


@functools.cache
def compiled_ufuncs():
    """(uniform, mix): the compiled hashes as plain numpy ufuncs (numba's wrapper around a ufunc costs
    about 0.5 us a call), built on first use. numba caches their kernels but compiles each ufunc's
    loop again in every process, about 0.25 s each: a process that never draws (a refused command,
    collect, the report) does not pay it."""
    return (vectorize([float64(uint64, uint64)], cache=True)(_uniform).ufunc,
            vectorize([uint64(uint64)], cache=True)(_mix).ufunc)


def _uniform_draws(keys, positions):
    return compiled_ufuncs()[0](keys, positions)


def _mixed(x):
    return compiled_ufuncs()[1](x)


def uniforms(keys, positions) -> np.ndarray:
    """Uniform [0, 1) draws at ``positions`` of the streams that start at ``keys`` (broadcast together;
    both non-negative integers below 2**64)."""
    return _uniform_draws(np.asarray(keys, dtype=_U64), np.asarray(positions, dtype=_U64))


def uniform(key: int, position: int) -> float:
    """One draw of :func:`uniforms` on Python ints (the same number; for a rule that draws one case at a time,
    where a ufunc call would cost more than the arithmetic)."""
    x = (key + (position + 1) * _GOLDEN) & _MASK
    x = ((x ^ (x >> 30)) * _MULT1) & _MASK
    x = ((x ^ (x >> 27)) * _MULT2) & _MASK
    return ((x ^ (x >> 31)) >> 11) * _UNIT


def week_positions(week: int, kinds) -> np.ndarray:
    """A user's stream positions of the given kinds of draw in ``week``."""
    return week * DRAWS_PER_WEEK + np.asarray(kinds, dtype=np.int64)


#: Positions per week of a user's ``process`` stream: the n-th draw of week w is at ``w * PROCESS_PER_WEEK + n``.
PROCESS_PER_WEEK = 1 << 16   # (written out as ``week << 16`` in ProcessDraws)


class ProcessDraws:
    """A user's process stream: uniform [0, 1) draws one after the other (call the instance for the
    next), counter-based and started again every week: the n-th draw the follow-up makes for the user
    in week w is at position ``w * PROCESS_PER_WEEK + n``, so a decision that comes out differently
    under another policy changes the user's draws for the rest of that week only. ``clock``: anything
    whose ``week`` is the current week (the model)."""

    __slots__ = ("key", "_clock", "_week", "_n")

    def __init__(self, key: int, clock):
        self.key = key
        self._clock = clock
        self._week = -1
        self._n = 0

    def __call__(self) -> float:
        week = self._clock.week
        if week != self._week:
            self._week = week
            self._n = 0
        n = self._n
        self._n = n + 1
        # :func:`uniform` at position week * PROCESS_PER_WEEK + n, written out (the hottest draw of a run)
        x = (self.key + ((week << 16) + n + 1) * _GOLDEN) & _MASK
        x = ((x ^ (x >> 30)) * _MULT1) & _MASK
        x = ((x ^ (x >> 27)) * _MULT2) & _MASK
        return ((x ^ (x >> 31)) >> 11) * _UNIT


class Streams:
    """The named streams and users' keys of one labour-market region of a run (``sim.world``).

    Region 0 draws from the run seed itself, so a world of one region (the default office) is the
    run it always was; region ``r`` from the seed extended by ``r``: regions share no stream and can
    run one after the other, or apart, with the same draws."""

    def __init__(self, seed: int, region: int = 0):
        self.seed = int(seed)
        self.region = int(region)
        root = np.random.SeedSequence(self.seed if self.region == 0 else (self.seed, self.region))
        children = root.spawn(len(STREAM_NAMES))
        self._seqs = dict(zip(STREAM_NAMES, children, strict=True))
        self.gens = {name: np.random.Generator(np.random.PCG64(self._seqs[name])) for name in SEQUENTIAL_STREAMS}
        base = self._base("candidates")
        self._purpose_keys = [_mix_int((base + (purpose + 1) * _GOLDEN) & _MASK)
                              for purpose in (LIFE, PROCESS, WEEKLY, ORDINARY)]
        self._search = self._base("search")
        self._mentors = self._base("mentors")
        staff = self._base("staff")
        self._firms, self._posts = (_mix_int((staff + (i + 1) * _GOLDEN) & _MASK) for i in range(2))

    def _base(self, name: str) -> int:
        """The first key of a counter-based stream: 64 bits of its SeedSequence."""
        return int(self._seqs[name].generate_state(1, dtype=np.uint64)[0])

    def __getitem__(self, name: str) -> np.random.Generator:
        return self.gens[name]

    def user_key(self, serial: int, purpose: int) -> int:
        """The key of a candidate's private stream (LIFE, PROCESS or WEEKLY), from the run seed, the
        region and the user's serial number in the region."""
        return _key(self._purpose_keys[purpose], serial)

    def search_key(self, serial: int) -> int:
        """The key of a candidate's employer search (``search``): the draws of the user's n-th contact are at
        positions ``n * DRAWS_PER_CONTACT + kind`` (:class:`SearchDraw`, :func:`contact_position`)."""
        return _key(self._search, serial)

    def mentor_key(self, serial: int, ordinal: int) -> int:
        """The key of the mentor found for candidate ``serial`` after ``ordinal`` earlier ones (``mentors``):
        its attributes and its network attendance (:class:`MentorDraw`)."""
        return _key(self._mentors, (int(serial) << 16) | int(ordinal))

    def firm_keys(self, n: int) -> np.ndarray:
        """The keys of the region's firms 0 .. n - 1 (``staff``: a new leader, :class:`StaffDraw`)."""
        return _mixed(_U64(self._firms) + (np.arange(n, dtype=np.uint64) + _ONE) * _GOLDEN_U64)

    def post_keys(self, office: int, n: int) -> np.ndarray:
        """The keys of adviser positions 0 .. n - 1 of an office (``staff``: turnover, :class:`StaffDraw`)."""
        serials = (np.uint64(office) << _U64(20)) | np.arange(n, dtype=np.uint64)
        return _mixed(_U64(self._posts) + (serials + _ONE) * _GOLDEN_U64)

    def ordinary_keys(self, seats, occupants) -> np.ndarray:
        """The stream keys of users outside the target group: the ``occupants``-th user (0 for the
        one there at the start) of caseload place ``seats`` of the region, so that the same user,
        with the same shocks, has the same place under every policy (arrays of equal length)."""
        serials = (np.asarray(seats, dtype=np.uint64) << _U64(20)) | np.asarray(occupants, dtype=np.uint64)
        return _mixed(_U64(self._purpose_keys[ORDINARY]) + (serials + _ONE) * _GOLDEN_U64)


def _key(base: int, serial: int) -> int:
    """The key of entity ``serial`` of the stream whose first key is ``base``."""
    return _mix_int((base + (int(serial) + 1) * _GOLDEN) & _MASK)


class LifeEvent(IntEnum):
    """The kinds of a user's own shocks; each has its own uniform every week."""

    HIDDEN_NEED = 0    # a hidden need shows at the workplace
    PROBLEM = 1        # a small problem starts
    CONFLICT = 2       # a conflict with colleagues
    CRISIS = 3         # a crisis (psychological, health, life)
    STALL = 4          # a week without progress
    DROPOUT = 5        # the user gives up work training
    EXIT = 6           # leaves NAV follow-up (benefit ends, disability benefit, moves)
    OWN_JOB = 7        # finds a job without a workplace pathway
    JOB_LOSS = 8       # a job (or a subsidised position) ends
    SERVICES = 9       # health and support services respond this week


#: The kinds of a user's own events drawn by cumulative-hazard inversion (:meth:`LifeShocks.threshold`)
#: rather than with the shock of the week: the user's luck for them does not depend on which weeks
#: the user is at risk in, which differs between policies.
BY_CUMULATIVE_HAZARD = (LifeEvent.DROPOUT,)


class WeeklyDraw(IntEnum):
    """The kinds of draw in a user's ``weekly`` stream: what the rules over arrays decide each week."""

    CRISIS_RESOLVED = 0     # a crisis is over this week
    PROBLEM_DETECTED = 1    # a proactive contact finds and defuses a small problem
    MENTOR_HANDLES = 2      # the mentor handles the problem
    MENTOR_CALLS = 3        # the mentor calls the adviser about it
    CALL_REACHED = 4        # the call gets through
    CALL_RESOLVES = 5       # the call settles the problem
    FIRM_ENDS = 6           # a firm strained beyond its patience ends the placement
    MENTOR_LEAVES = 7       # the mentor moves on from the firm


class OrdinaryDraw(IntEnum):
    """The kinds of draw in the stream of a user outside the target group (``Streams.ordinary_keys``)."""

    CAPABILITY = 0      # at week 0 of the stream: how close to work the user is
    FIRST_REVIEW = 1    # at week 0: when the first activity review is due
    REVIEW_HELD = 2     # a review that is due is held (below the adviser's share of casework done)
    JOB = 3             # finds a job
    EXIT = 4            # leaves NAV follow-up without a job


class SearchDraw(IntEnum):
    """The draws of one employer contact in a user's ``search`` stream (the n-th contact of the user's life)."""

    REUSE_REGISTERED = 0   # the contact goes to a registry mentor's firm
    REGISTRY_MENTOR = 1    # which of the ready registry mentors
    USE_KNOWN = 2          # the contact goes to a firm the adviser knows
    KNOWN_FIRM = 3         # which known firm (with room)
    SECTOR_FIRM = 4        # which firm of the user's interest area
    ANY_FIRM = 5           # which firm of the labour market
    SPOT_EXPLOITATIVE = 6  # the adviser spots a firm that never hires
    WAGE_SUBSIDY = 7       # the firm would take the user with a wage subsidy
    ACCEPTS = 8            # the firm says yes
    MATCH = 9              # how well the firm fits (noise of the match quality)


#: Positions per employer contact in a user's ``search`` stream (at most this many kinds of draw).
DRAWS_PER_CONTACT = 16


class ContactDraws:
    """The draws of a user's ``contact``-th employer contact (0 for the first): ``draws(kind)`` is the
    uniform at position ``contact * DRAWS_PER_CONTACT + kind`` of the user's ``search`` stream."""

    __slots__ = ("key", "first")

    def __init__(self, key: int, contact: int):
        self.key = key
        self.first = contact * DRAWS_PER_CONTACT

    def __call__(self, kind: SearchDraw) -> float:
        return uniform(self.key, self.first + kind)


def standard_normal(u: float) -> float:
    """The standard normal quantile of the uniform ``u`` (a normal draw from one uniform)."""
    return _STANDARD_NORMAL.inv_cdf(u if u > 0.0 else _UNIT)


def pick(u: float, n: int) -> int:
    """The index of one of ``n`` things chosen by the uniform ``u``."""
    return min(int(u * n), n - 1)


def exponential(u: float) -> float:
    """An Exp(1) draw from one uniform [0, 1): ``-log(1 - u)`` (finite, as ``u < 1``)."""
    return -math.log1p(-u)


@njit(cache=True)
def week_hazard(p):
    """The cumulative hazard of a week whose event probability is ``p``: ``-log(1 - p)`` (infinite
    for ``p >= 1``). Summed over the weeks at risk it gives ``H``, and ``exp(-H)`` is the chance of
    no event in any of them (compiled, for the rules over arrays; :meth:`LifeShocks.threshold`)."""
    if p >= 1.0:
        return math.inf
    return -math.log1p(-p)


class MentorDraw(IntEnum):
    """The draws in a mentor's stream: attributes at week 0's positions, attendance every session week."""

    IS_LEADER = 0          # the leader is the mentor
    COMPETENCE = 1         # competence (a normal quantile)
    AUTHORITY = 2          # a colleague's authority
    ATTENDS_NETWORK = 3    # comes to the network session of the week


class StaffDraw(IntEnum):
    """The draws per firm and adviser position each week (``staff``)."""

    LEADER_CHANGE = 0      # the firm gets a new leader
    ADVISER_LEAVES = 1     # the adviser in the position leaves


class LifeShocks:
    """A user's own shocks: one counter-based uniform per kind of event and week.

    ``shocks(kind, week)`` is the same number under every policy, so policies meet the same
    shocks in the same weeks (common random numbers); it equals ``uniforms(shocks.key,
    week_positions(week, kind))``, which a rule over arrays computes for many users at once.
    ``first_week(kind, after, p)`` is the first later week whose shock falls below a constant
    weekly hazard ``p`` (the week of a scheduled event). A kind's draws for every week are made at
    its first use.

    ``threshold(kind, n)`` is the user's n-th (0 for the first) Exp(1) threshold of a kind drawn by
    cumulative-hazard inversion instead of week by week (:data:`BY_CUMULATIVE_HAZARD`): the
    exponential of the uniform at the position of week ``n`` of the kind.
    """

    __slots__ = ("key", "_weeks", "_rows")

    def __init__(self, key: int, horizon_weeks: int):
        self.key = key
        self._weeks = horizon_weeks + 1
        self._rows: list[np.ndarray | None] = [None] * len(LifeEvent)

    def _row(self, kind: LifeEvent) -> np.ndarray:
        """Every week's shock of one kind, made at its first use."""
        row = self._rows[kind]
        if row is None:
            row = self._rows[kind] = _uniform_draws(_U64(self.key), _positions(self._weeks, kind))
        return row

    def __call__(self, kind: LifeEvent, week: int) -> float:
        row = self._rows[kind]
        if row is None:
            row = self._row(kind)
        return row.item(week if week < self._weeks else self._weeks - 1)

    def threshold(self, kind: LifeEvent, n: int) -> float:
        """The user's ``n``-th Exp(1) threshold of ``kind`` (:data:`BY_CUMULATIVE_HAZARD`): the event
        happens in the first week at risk whose hazard, summed from the week after the last event
        (``week_hazard``), exceeds it; the next event has threshold ``n + 1``."""
        return exponential(uniform(self.key, n * DRAWS_PER_WEEK + kind))

    def first_week(self, kind: LifeEvent, after: int, weekly_p: float) -> int | None:
        """The first week after ``after`` (up to the horizon) whose shock is below ``weekly_p``; None if none."""
        if weekly_p <= 0.0 or after + 1 >= self._weeks:
            return None
        week = _first_below(self._row(kind), after + 1, weekly_p)
        return week if week >= 0 else None


_POSITIONS: dict[tuple[int, int], np.ndarray] = {}


def _positions(weeks: int, kind: int) -> np.ndarray:
    """The stream positions of one kind of draw in weeks 0 .. ``weeks`` - 1 (the same for every user)."""
    positions = _POSITIONS.get((weeks, kind))
    if positions is None:
        positions = _POSITIONS[(weeks, kind)] = week_positions(np.arange(weeks), kind).astype(_U64)
    return positions


@njit(cache=True)
def _first_below(row, start, p):
    """The first index from ``start`` on whose value is below ``p``; -1 if none."""
    for week in range(start, row.shape[0]):
        if row[week] < p:
            return week
    return -1
