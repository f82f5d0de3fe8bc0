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


def build_office(model) -> tuple[list[Adviser], list[Adviser]]:
    """Ordinary advisers (role set by the policy) and job specialists (only if the policy uses them)."""
    cfg = model.cfg
    office = cfg.office
    rng = model.streams["office"]
    lc = cfg.learning
    advisers = []
    for i in range(office.n_advisers):
        role = model.policy.adviser_role(i)
        competence = float(np.clip(rng.normal(lc.adviser_competence0, 0.05), 0.0, 1.0))
        a = Adviser(model, role=role, competence=competence, hours_week=office.adviser_hours_week,
                    hybrid_slots=model.policy.hybrid_slots(role))
        k = min(office.known_firms_per_adviser, len(model.firms))
        picks = rng.choice(len(model.firms), size=k, replace=False) if k else []
        a.known_firms = [model.firms[j] for j in picks]
        advisers.append(a)
    specialists = []
    n_js = office.n_job_specialists if model.policy.uses_job_specialists else 0
    for _ in range(n_js):
        competence = float(np.clip(rng.normal(lc.js_competence0, 0.05), 0.0, 1.0))
        specialists.append(Adviser(model, role="jobbspesialist", competence=competence,
                                   hours_week=office.adviser_hours_week))
    return advisers, specialists


def draw_user(model, rng: np.random.Generator, owner: Adviser, entry_week: int) -> Candidate:
    """One target-group user with need level, age, barriers, hidden needs, capability and interest."""
    cfg = model.cfg
    pop = cfg.population
    need = str(NEED_LEVELS[rng.choice(3, p=[pop.need_share_small, pop.need_share_medium, pop.need_share_large])])
    mult = {"small": pop.barrier_need_mult_small, "medium": 1.0, "large": pop.barrier_need_mult_large}[need]
    p_barrier = min(1.0, pop.barrier_prevalence * mult)
    barrier_draws = rng.random(5) < p_barrier   # language, social, mental health, work-life, daily rhythm
    under_30 = rng.random() < pop.share_under_30
    age = int(rng.integers(18, 30)) if under_30 else int(rng.integers(30, 56))
    cap0 = {"small": pop.capability0_small, "medium": pop.capability0_medium, "large": pop.capability0_large}[need]
    capability = float(np.clip(rng.normal(cap0, pop.capability_sd), 0.02, 0.95))
    hidden = bool(rng.random() < pop.p_hidden_need)
    sectors, probs = model.sector_probs
    interest = str(sectors[rng.choice(len(sectors), p=probs)])
    serial = model.next_serial()
    return Candidate(model, serial=serial, need_level=need, age=age, barriers=int(barrier_draws.sum()),
                     mental_health=bool(barrier_draws[2]), hidden_need=hidden, capability=capability,
                     interest=interest, entry_week=entry_week, owner=owner)


def build_population(model) -> list[Candidate]:
    """The target-group users on the ordinary advisers' caseloads at week 0."""
    cfg = model.cfg
    office = cfg.office
    rng = model.streams["population"]
    users = []
    n_target = int(round(office.caseload_ordinary * office.target_share))
    for adviser in model.advisers:
        adviser.other_users = office.caseload_ordinary - n_target
        for _ in range(n_target):
            users.append(draw_user(model, rng, adviser, entry_week=0))
    return users
