"""Placements: the start of a workplace pathway, the match, the start-up meeting, and direct hires.

* :func:`start_ordinary_placement`: an activity review sends a user on a quick placement without
  mapping [001:834];
* :func:`start_in_training`: some users are already in work training when the run starts [001:407];
* :func:`match_quality`: how well a firm fits the user (interest area or not) [001:834];
* :func:`setup_training`: the start-up meeting's outcome: mentor, subsidy, information to
  colleagues, the period rhythm and the contact plan [001:440];
* :func:`hire_directly`: place then train, a paid job at once with the adviser's follow-along
  support [001:593].
"""

from __future__ import annotations

from domain.states import State
from sim import mentoring, pathway, caseholding


def match_quality(model, cand, firm, u: float | None = None) -> float:
    """How well ``firm`` fits the user; ``u``: the uniform of its noise (the contact's, ``domain.rng.SearchDraw``;
    the user's next process draw if None)."""
    rules = model.cfg.pathway
    base = rules.match_interest if firm.sector == cand.interest else rules.match_other
    if u is None:
        u = cand.draw()
    return float(min(1.0, max(0.05, base + rules.match_noise * (2.0 * u - 1.0))))


def start_ordinary_placement(model, cand) -> None:
    """Activity requirement: a quick placement without mapping [001:834]."""
    caseholding.assign(cand, cand.caseload_adviser, model.modes[model.policy.ordinary_mode], model.week, model.counters)
    pathway.move(model, cand, State.SEARCH, "activity_review")


def start_in_training(model) -> None:
    """Entry shortcut: some users are already in work training at the start [001:407]."""
    rng = model.streams["population"]
    share = model.cfg.population.entry_in_training_share
    mode = model.modes[model.policy.ordinary_mode]
    for cand in list(model.pathways.candidates):
        if rng.random() < share:
            firms = cand.nav_office.firms
            firm = firms[int(rng.integers(len(firms)))]
            if not firm.has_room():
                continue
            caseholding.assign(cand, cand.caseload_adviser, mode, model.week, model.counters)
            firm.placements += 1
            cand.employer = firm
            cand.match = match_quality(model, cand, firm)
            pathway.move(model, cand, State.TRAINING, "already_in_training")
            setup_training(model, cand, mode, elapsed=int(rng.integers(0, 26)))


def setup_training(model, cand, mode, elapsed: int = 0) -> None:
    """Start-up meeting outcome: mentor, subsidy, information to colleagues, plan [001:440].

    Called when the start-up meeting took place (its hours, with the practices of the way of
    working, were granted). ``elapsed``: weeks the user has already been in training (users in
    training at the start are mid-rhythm, not all in step).
    """
    settings = mode.settings
    week = model.week
    period = model.cfg.pathway.training_period_weeks
    firm = cand.employer
    if cand.mentor is not None or mentoring.mentor_found(model, cand, mode):
        mentoring.recruit_mentor(model, cand, mode, briefing_hours=settings.mentor_recruitment_hours)
    if not firm.informs_colleagues and settings.colleague_info_hours > 0 \
            and cand.draw() < model.cfg.labour_market.p_firm_agrees_to_inform:
        firm.informs_colleagues = True
    start = week - elapsed
    cand.training_start = start
    cand.period_start = start + ((week - start) // period) * period
    cand.capability_at_period_start = cand.capability
    cand.next_contact_week = week + 1
    cand.next_eval_week = week + settings.evaluation_interval_weeks
    if elapsed > 0:
        cand.next_contact_week = week + 1 + int(cand.draw() * mode.contact_interval(elapsed))
        cand.next_eval_week = week + 1 + int(cand.draw() * settings.evaluation_interval_weeks)
    cand.last_eval_week = week
    cand.security = model.cfg.pathway.security0
    cand.n_placements += 1


def hire_directly(model, cand) -> None:
    """Place then train: a paid job at once, with the adviser's follow-along support [001:593]."""
    mode = cand.mode
    settings = mode.settings
    if cand.mentor is None and mentoring.mentor_found(model, cand, mode):
        mentoring.recruit_mentor(model, cand, mode, briefing_hours=0.0, network_agreement=False)
    cand.mentor_kept = cand.mentor is not None
    cand.employer.learn(True)
    if settings.post_followup_weeks > 0:
        pathway.move(model, cand, State.POST_FOLLOWUP, "hired_directly")
    else:
        pathway.move(model, cand, State.EMPLOYED, "hired_directly")
        mentoring.end_mentoring(model, cand, success=True)
