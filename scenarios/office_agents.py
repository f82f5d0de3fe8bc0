"""World builders: the labour market (firms), the office (advisers) and the population (users).

Each builder draws from its own named stream, so the same seed gives the same firms, advisers and
users under every policy (common random numbers). Agents get their parameters at creation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.adviser import Adviser
from agents.candidate import Candidate, CandidateSettings
from agents.employer import Employer
from domain.modes import hybrid_advisers
from domain.rng import LIFE, PROCESS, WEEKLY, LifeShocks, ProcessDraws, Streams
from domain.terms import NEED_LEVELS, SECTORS, Role, by_need_level


@dataclass(frozen=True)
class SectorMix:
    """The sectors present in the labour market and their shares (of firms and of users' interests)."""

    sectors: tuple[str, ...]
    shares: np.ndarray

    @classmethod
    def of(cls, market) -> SectorMix:
        weights = market.sector_weights
        sectors = tuple(s for s in SECTORS if weights.get(s, 0.0) > 0)
        w = np.array([weights[s] for s in sectors], dtype=float)
        return cls(sectors, w / w.sum())


def build_labour_market(model, cfg, rng: np.random.Generator, sector_mix: SectorMix) -> list[Employer]:
    """The firms of one regional labour market, every attribute drawn for all firms at once (one block
    per attribute, in a fixed order, so the same seed gives the same firms under every policy)."""
    market = cfg.labour_market
    n = market.n_firms
    small = rng.random(n) < market.share_small
    exploitative = rng.random(n) < market.share_exploitative
    willingness = rng.beta(2.0, 2.0, n)
    prospect = np.clip(rng.beta(4.0 * market.job_prospect_mean + 0.5, 4.0 * (1 - market.job_prospect_mean) + 0.5, n),
                       0, 1)
    sector = rng.choice(len(sector_mix.sectors), size=n, p=sector_mix.shares)
    competence = rng.uniform(0.0, 0.3, n)
    informs = rng.random(n) < market.share_info_colleagues
    threshold = np.clip(rng.normal(market.hire_threshold, market.hire_threshold_sd, n), 0.05, 0.95)
    sectors = [str(name) for name in sector_mix.sectors]
    return [Employer(model, sector=sectors[k], small=is_small, willingness=w, inclusion_competence=c,
                     job_prospect=p, exploitative=x, informs_colleagues=i,
                     capacity=market.capacity_small if is_small else market.capacity_large, hire_threshold=h,
                     settings=market, learning=cfg.learning)
            for is_small, x, w, p, k, c, i, h in zip(small.tolist(), exploitative.tolist(), willingness.tolist(),
                                                     prospect.tolist(), sector.tolist(), competence.tolist(),
                                                     informs.tolist(), threshold.tolist(), strict=True)]


def n_ordinary_advisers(office, uses_job_specialists: bool) -> int:
    """Ordinary advisers in the office. With ``fte_neutral``, a policy that uses no job specialists
    gets their positions as ordinary advisers, so every policy works with the same staff [001:632]."""
    if office.fte_neutral and not uses_job_specialists:
        return office.n_advisers + office.n_job_specialists
    return office.n_advisers


def n_hybrid_advisers(office, uses_close_followup: bool) -> int:
    """Ordinary advisers who also follow users closely (the volunteers, under a policy with close follow-up)."""
    return hybrid_advisers(office) if uses_close_followup else 0


def travel_hours_per_visit(office) -> float:
    return office.travel_hours_per_visit_rural if office.region == "rural" else office.travel_hours_per_visit


def build_office(model, cfg, policy, firms: list[Employer], rng: np.random.Generator) -> tuple[list[Adviser], list[Adviser]]:
    """Ordinary advisers (hybrid volunteers first) and job specialists (only if the policy uses them).

    Attributes are drawn for every position in a fixed order whatever the policy, so the same seed
    gives the same staff under every policy.
    """
    office = cfg.office
    learning = cfg.learning
    travel = travel_hours_per_visit(office)
    n_positions = office.n_advisers + office.n_job_specialists
    k = min(office.known_firms_per_adviser, len(firms))
    ordinary_draws = []
    for _ in range(n_positions):
        competence = min(1.0, max(0.0, learning.adviser_competence0 + 0.05 * float(rng.standard_normal())))
        picks = rng.choice(len(firms), size=k, replace=False).tolist() if k else []
        ordinary_draws.append((competence, picks))
    specialist_draws = [min(1.0, max(0.0, learning.js_competence0 + 0.05 * float(rng.standard_normal())))
                        for _ in range(office.n_job_specialists)]
    n_hybrid = n_hybrid_advisers(office, policy.uses_close_followup)
    advisers = []
    for i in range(n_ordinary_advisers(office, policy.uses_job_specialists)):
        role = Role.HYBRID if i < n_hybrid else Role.SAKSBEHANDLER
        competence, picks = ordinary_draws[i]
        adviser = Adviser(model, role=role, competence=competence, office=office, learning=learning,
                          travel_hours=travel, close_slots=office.hybrid_slots if role.takes_close_cases else 0)
        adviser.known_firms = [firms[j] for j in picks]
        advisers.append(adviser)
    specialists = []
    if policy.uses_job_specialists:
        for competence in specialist_draws:
            specialists.append(Adviser(model, role=Role.JOBBSPESIALIST, competence=competence, office=office,
                                       learning=learning, travel_hours=travel))
    return advisers, specialists


def _pick(u: float, cumulative: list[float]) -> int:
    """Index of the category a uniform draw falls in, given cumulative probabilities."""
    for i, c in enumerate(cumulative):
        if u < c:
            return i
    return len(cumulative) - 1


def _cumulative(probs) -> list[float]:
    out, total = [], 0.0
    for p in probs:
        total += float(p)
        out.append(total)
    return out


def candidate_settings(cfg) -> CandidateSettings:
    return CandidateSettings(pathway=cfg.pathway, population=cfg.population, mentor=cfg.mentor,
                          learning=cfg.learning, labour_market=cfg.labour_market)


def draw_user(model, rng: np.random.Generator, *, serial: int, caseload_adviser: Adviser, entry_week: int,
              population, sector_mix: SectorMix, streams: Streams, settings: CandidateSettings,
              horizon_weeks: int) -> Candidate:
    """One target-group user with need level, age, barriers, hidden needs, capability and interest.

    Uses one block of 12 uniforms and one normal per user from ``rng`` (same count whatever the
    values), so the n-th user of a stream is the same under every policy. The user's own shocks
    come from private counter-based streams, one uniform per week and kind (``domain.rng.LifeShocks``,
    ``domain.rng.WeeklyDraw``), and per employer contact and kind (``domain.rng.SearchDraw``).
    """
    pop = population
    u = rng.random(12).tolist()
    z = float(rng.standard_normal())
    need = NEED_LEVELS[_pick(u[0], _cumulative([pop.need_share_small, pop.need_share_medium,
                                                  pop.need_share_large]))]
    mult = {"small": pop.barrier_need_mult_small, "medium": 1.0, "large": pop.barrier_need_mult_large}[need]
    p_barrier = min(1.0, pop.barrier_prevalence * mult)
    barriers = [x < p_barrier for x in u[1:6]]   # language, social, mental health, work-life, daily rhythm
    age = 18 + int(u[7] * 12) if u[6] < pop.share_under_30 else 30 + int(u[7] * 26)
    capability = min(0.95, max(0.02, by_need_level(pop, "capability0", need) + pop.capability_sd * z))
    hidden = u[8] < pop.p_hidden_need
    interest = str(sector_mix.sectors[_pick(u[9], _cumulative(sector_mix.shares))])
    # NAV's registered need category can be off by one level (misclassification, brief 8.2 Q3)
    level = NEED_LEVELS.index(need)
    if u[10] >= pop.p_need_registered_correctly:
        down = (u[10] - pop.p_need_registered_correctly) < 0.5 * (1.0 - pop.p_need_registered_correctly)
        level = max(0, level - 1) if down else min(len(NEED_LEVELS) - 1, level + 1)
    max_fte = {"small": 1.0, "medium": 0.5 * (1.0 + pop.max_fte_large), "large": pop.max_fte_large}[need]
    return Candidate(model, serial=serial, draw=ProcessDraws(streams.user_key(serial, PROCESS), model),
                     life=LifeShocks(streams.user_key(serial, LIFE), horizon_weeks),
                     weekly_key=streams.user_key(serial, WEEKLY), search_key=streams.search_key(serial),
                     need_level=need, age=age,
                     barriers=sum(barriers), mental_health=barriers[2], hidden_need=hidden, capability=capability,
                     interest=interest, study_motivation=u[11], entry_week=entry_week, caseload_adviser=caseload_adviser,
                     registered_need=NEED_LEVELS[level], max_fte=max_fte, settings=settings)


def target_users_per_adviser(caseload: int, target_share: float) -> int:
    """Target-group users on each ordinary caseload at the start (the same number for every adviser)."""
    return int(round(caseload * target_share))


def ordinary_places(cfg, n_advisers: int) -> np.ndarray:
    """The caseload places of one office's users outside the target group (``agents.caseload``): for
    each place, the index of the ordinary adviser (of ``n_advisers``) whose caseload holds it. The
    office has ``(caseload_ordinary - target users each) x office.n_advisers`` such places whatever the
    policy, dealt out in turn (more advisers, smaller caseloads, under ``fte_neutral``)."""
    office = cfg.office
    n_other = (office.caseload_ordinary - target_users_per_adviser(office.caseload_ordinary, office.target_share)) \
        * office.n_advisers
    return np.arange(n_other) % n_advisers


def build_population(model, cfg, rng: np.random.Generator, advisers: list[Adviser], sector_mix: SectorMix,
                     streams: Streams, settings: CandidateSettings, first_serial: int = 0) -> list[Candidate]:
    """The target-group users on one office's ordinary caseloads at week 0 (serial numbers
    ``first_serial``, ``first_serial + 1``, ...: an office after the first goes on from the last).

    The office serves ``n_advisers x caseload_ordinary`` users, a share ``target_share`` of them in
    the target group. They are drawn in the same order under every policy and dealt out in turn
    to the ordinary advisers (more advisers, smaller caseloads, under ``fte_neutral``).
    """
    office = cfg.office
    n_target_each = target_users_per_adviser(office.caseload_ordinary, office.target_share)
    n_target = n_target_each * office.n_advisers
    counts = np.bincount(ordinary_places(cfg, len(advisers)), minlength=len(advisers))
    for adviser, count in zip(advisers, counts.tolist(), strict=True):
        adviser.other_users = count
    return [draw_user(model, rng, serial=first_serial + i, caseload_adviser=advisers[i % len(advisers)], entry_week=0,
                      population=cfg.population, sector_mix=sector_mix, streams=streams, settings=settings,
                      horizon_weeks=cfg.horizon_weeks)
            for i in range(n_target)]
