"""World builders: the labour market (firms), the office (advisers) and the population (users).

Each builder draws from its own named stream, so the same seed gives the same firms, advisers and
users under every policy (common random numbers).
"""

from __future__ import annotations

import numpy as np

from agents.adviser import Adviser
from agents.candidate import Candidate
from agents.employer import Employer
from sim.config import NEED_LEVELS, SECTORS


def sector_probabilities(cfg) -> tuple[list[str], np.ndarray]:
    weights = cfg.labour_market.sector_weights
    sectors = [s for s in SECTORS if weights.get(s, 0.0) > 0]
    w = np.array([weights[s] for s in sectors], dtype=float)
    return sectors, w / w.sum()


def build_labour_market(model) -> list[Employer]:
    cfg = model.cfg
    lm = cfg.labour_market
    rng = model.streams["labour"]
    sectors, probs = sector_probabilities(cfg)
    firms = []
    for _ in range(lm.n_firms):
        small = bool(rng.random() < lm.share_small)
        exploitative = bool(rng.random() < lm.share_exploitative)
        willingness = float(rng.beta(2.0, 2.0))
        prospect = float(np.clip(rng.beta(4.0 * lm.job_prospect_mean + 0.5, 4.0 * (1 - lm.job_prospect_mean) + 0.5), 0, 1))
        firms.append(Employer(
            model,
            sector=str(sectors[rng.choice(len(sectors), p=probs)]),
            small=small,
            willingness=willingness,
            inclusion_competence=float(rng.uniform(0.0, 0.3)),
            job_prospect=prospect,
            exploitative=exploitative,
            informs_colleagues=bool(rng.random() < lm.share_info_colleagues),
            capacity=lm.capacity_small if small else lm.capacity_large,
            hire_threshold=float(np.clip(rng.normal(lm.hire_threshold, lm.hire_threshold_sd), 0.05, 0.95)),
        ))
    return firms


def n_ordinary_advisers(cfg, uses_job_specialists: bool) -> int:
    """Ordinary advisers in the office. With ``fte_neutral``, a policy that uses no job specialists
    gets their positions as ordinary advisers, so every policy works with the same staff [001:632]."""
    office = cfg.office
    if office.fte_neutral and not uses_job_specialists:
        return office.n_advisers + office.n_job_specialists
    return office.n_advisers


def build_office(model) -> tuple[list[Adviser], list[Adviser]]:
    """Ordinary advisers (role set by the policy) and job specialists (only if the policy uses them).

    Attributes are drawn for every position in a fixed order whatever the policy, so the same seed
    gives the same staff under every policy.
    """
    cfg = model.cfg
    office = cfg.office
    rng = model.streams["office"]
    lc = cfg.learning
    n_positions = office.n_advisers + office.n_job_specialists
    k = min(office.known_firms_per_adviser, len(model.firms))
    ordinary_draws = []
    for _ in range(n_positions):
        competence = min(1.0, max(0.0, lc.adviser_competence0 + 0.05 * float(rng.standard_normal())))
        picks = rng.choice(len(model.firms), size=k, replace=False).tolist() if k else []
        ordinary_draws.append((competence, picks))
    js_draws = [min(1.0, max(0.0, lc.js_competence0 + 0.05 * float(rng.standard_normal())))
                for _ in range(office.n_job_specialists)]
    advisers = []
    for i in range(n_ordinary_advisers(cfg, model.policy.uses_job_specialists)):
        role = model.policy.adviser_role(i)
        competence, picks = ordinary_draws[i]
        a = Adviser(model, role=role, competence=competence, hours_week=office.adviser_hours_week,
                    hybrid_slots=model.policy.hybrid_slots(role))
        a.known_firms = [model.firms[j] for j in picks]
        advisers.append(a)
    specialists = []
    if model.policy.uses_job_specialists:
        for competence in js_draws:
            specialists.append(Adviser(model, role="jobbspesialist", competence=competence,
                                       hours_week=office.adviser_hours_week))
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


def draw_user(model, rng: np.random.Generator, owner: Adviser, entry_week: int) -> Candidate:
    """One target-group user with need level, age, barriers, hidden needs, capability and interest.

    Uses one block of 11 uniforms and one normal per user from ``rng`` (same count whatever the
    values), so the n-th user of a stream is the same under every policy.
    """
    cfg = model.cfg
    pop = cfg.population
    u = rng.random(11).tolist()
    z = float(rng.standard_normal())
    need = NEED_LEVELS[_pick(u[0], _cumulative([pop.need_share_small, pop.need_share_medium,
                                                  pop.need_share_large]))]
    mult = {"small": pop.barrier_need_mult_small, "medium": 1.0, "large": pop.barrier_need_mult_large}[need]
    p_barrier = min(1.0, pop.barrier_prevalence * mult)
    barriers = [x < p_barrier for x in u[1:6]]   # language, social, mental health, work-life, daily rhythm
    age = 18 + int(u[7] * 12) if u[6] < pop.share_under_30 else 30 + int(u[7] * 26)
    cap0 = {"small": pop.capability0_small, "medium": pop.capability0_medium, "large": pop.capability0_large}[need]
    capability = min(0.95, max(0.02, cap0 + pop.capability_sd * z))
    hidden = u[8] < pop.p_hidden_need
    sectors, probs = model.sector_probs
    interest = str(sectors[_pick(u[9], _cumulative(probs))])
    # NAV's registered need category can be off by one level (misclassification, brief 8.2 Q3)
    level = NEED_LEVELS.index(need)
    if u[10] >= pop.p_need_registered_correctly:
        down = (u[10] - pop.p_need_registered_correctly) < 0.5 * (1.0 - pop.p_need_registered_correctly)
        level = max(0, level - 1) if down else min(2, level + 1)
    serial = model.next_serial()
    return Candidate(model, serial=serial, need_level=need, age=age, barriers=sum(barriers),
                     mental_health=barriers[2], hidden_need=hidden, capability=capability,
                     interest=interest, entry_week=entry_week, owner=owner, registered_need=NEED_LEVELS[level])


def build_population(model) -> list[Candidate]:
    """The target-group users on the ordinary advisers' caseloads at week 0.

    The office serves ``n_advisers x caseload_ordinary`` users, a share ``target_share`` of them in
    the target group. They are drawn in the same order under every policy and dealt out in turn
    to the ordinary advisers (more advisers, smaller caseloads, under ``fte_neutral``).
    """
    cfg = model.cfg
    office = cfg.office
    rng = model.streams["population"]
    advisers = model.advisers
    n_target_each = int(round(office.caseload_ordinary * office.target_share))
    n_target = n_target_each * office.n_advisers
    n_other = (office.caseload_ordinary - n_target_each) * office.n_advisers
    base, extra = divmod(n_other, len(advisers))
    for i, adviser in enumerate(advisers):
        adviser.other_users = base + (1 if i < extra else 0)
    return [draw_user(model, rng, advisers[i % len(advisers)], entry_week=0) for i in range(n_target)]
