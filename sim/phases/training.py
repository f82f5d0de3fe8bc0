"""Phase 4, work training.

For each user in work training: a contact the adviser granted hours for takes place (and may find
a mentor for a placement without one [001:826-828]); a hidden need may show; then the candidate's
own week (``Candidate.training_week``: mentor support, problems and crises, progress, security,
mentor strain). Readiness for a job is checked at the way of working's evaluation rhythm ("hva
skal til for å få jobb her?" [001:860], [001:916]); a 13-week period boundary decides extension,
lock-in or end [001:1010], [001:1602].
"""

from __future__ import annotations

from agents.time_budget import Work
from domain.states import State
from domain.terms import MentorActivity
from sim import mentoring, pathway, specialists


def run(model, week: int) -> None:
    period = model.cfg.pathway.training_period_weeks
    for cand in list(model.pathways.active.values()):
        if cand.state != State.TRAINING:
            continue
        mode = cand.mode
        settings = mode.settings
        if Work.CONTACT in cand.grant and cand.draw() < cand.grant[Work.CONTACT]:
            cand.contact_this_week = True
            cand.last_contact_week = week
            cand.next_contact_week = week + mode.contact_interval(week - cand.training_start, cand)
            cand.contact_is_visit = None
            if cand.close and not cand.drifted:
                cand.pathway_adviser.cocreative_weeks += 1
            if cand.mentor is None and cand.draw() < settings.p_mentor * model.cfg.mentor.p_assign_later:
                mentoring.assign_mentor(model, cand, mode)   # a mentor chosen after the start [001:826-828]
                model.events.note(week, cand, "mentor_assigned")
        if cand.hidden_need_shows():
            specialists.hidden_need_revealed(model, cand)
            if cand.state != State.TRAINING:
                continue
        outcome = cand.training_week(week, mode)
        if outcome.has_mentor:
            model.ledger.book_mentor(week, MentorActivity.SUPPORT, outcome.mentor_hours, outcome.mentor_subsidised)
        if outcome.crisis_started:
            model.events.note(week, cand, "crisis")
        # readiness check: "hva skal til for å få jobb her?" [001:860], [001:916]
        if week >= cand.next_eval_week:
            cand.next_eval_week = week + settings.evaluation_interval_weeks
            if cand.wage_subsidy is None:   # negotiated once per workplace [001:454], [001:1002]
                cand.wage_subsidy = cand.draw() < settings.p_wage_subsidy
            if cand.capability >= cand.employer.hire_threshold(cand.wage_subsidy):
                pathway.move(model, cand, State.EVALUATION, "goal_reached")
                continue
        weeks_in = week - cand.training_start
        if weeks_in > 0 and week - cand.period_start >= period:
            period_boundary(model, cand, settings, weeks_in)


def period_boundary(model, cand, settings, weeks_in: int) -> None:
    """The end of a 13-week period: extension, lock-in on a permanent subsidy, or end [001:1010], [001:1602]."""
    rules = model.cfg.pathway
    gained = cand.capability - cand.capability_at_period_start
    stalled = gained < rules.stall_gain
    if weeks_in >= rules.max_training_weeks:
        if not settings.sets_job_goal and not cand.employer.exploitative and cand.draw() < rules.p_lockin:
            pathway.move(model, cand, State.LOCKIN, "permanent_wage_subsidy")
        else:
            pathway.move(model, cand, State.NOT_SUCCESSFUL, "max_training_reached")
        return
    if weeks_in >= rules.lockin_after_weeks and stalled and not cand.employer.exploitative:
        p = rules.p_lockin * (rules.goal_lockin_mult if settings.sets_job_goal else 1.0)
        if cand.draw() < p:
            pathway.move(model, cand, State.LOCKIN, "permanent_wage_subsidy")
            return
    p_extend = settings.p_extend * (rules.stalled_extend_mult if stalled else 1.0)
    if cand.draw() < p_extend:
        cand.period_start = model.week
        cand.capability_at_period_start = cand.capability
        model.events.note(model.week, cand, "period_extended")
    else:
        pathway.move(model, cand, State.NOT_SUCCESSFUL, "not_extended")
