"""Phase 5, employment and follow-up.

The evaluation meeting [001:454]: one career conversation per workplace may lead to an
apprenticeship or education; otherwise a hire if the firm had an opening since the last
evaluation (with post-hire follow-up and the mentor kept where the way of working has them
[001:452]), back to training, or, for a goal-setting adviser after ``move_on_after_weeks`` ready
without an opening, a search for a workplace with a real chance of a job [001:798]. Post-hire
follow-up: contacts, mentor hours, and the job-loss hazard (lower with follow-up) until the
follow-up ends.
"""

from __future__ import annotations

from agents.time_budget import Work
from domain.states import State
from domain.terms import MentorActivity
from sim import pathway
from sim.phases.job_development import give_up_waiting


def run(model, week: int) -> None:
    for cand in list(model.pathways.active.values()):
        if cand.state == State.EVALUATION:
            _evaluation(model, cand)
        elif cand.state == State.POST_FOLLOWUP:
            _post_followup(model, cand)


def _evaluation(model, cand) -> None:
    """Evaluation meeting [001:454]: wage subsidy, career guidance, apprenticeship, placement."""
    rules = model.cfg.pathway
    week = model.week
    if week - cand.state_since > rules.stuck_weeks:
        give_up_waiting(model, cand)
        return
    if cand.draw() >= cand.grant.get(Work.EVALUATION, 0.0):
        return
    settings = cand.mode.settings
    if not cand.career_choice_made:   # one career conversation per workplace [001:454]
        cand.career_choice_made = True
        guidance = 1.0 if settings.career_guidance else rules.choice_without_guidance_mult
        if cand.age <= rules.apprentice_max_age and cand.draw() < rules.p_apprentice_at_eval * guidance:
            pathway.move(model, cand, State.APPRENTICE, "apprenticeship")
            return
        if cand.draw() < rules.p_education_at_eval * guidance:
            pathway.move(model, cand, State.EDUCATION, "education")
            return
    weeks = max(1, week - max(cand.last_eval_week, cand.training_start))
    cand.last_eval_week = week
    if cand.draw() < cand.employer.opening_probability(weeks):
        cand.mentor_kept = cand.mentor is not None and cand.draw() < settings.keep_mentor_after_hire
        if settings.post_followup_weeks > 0:
            pathway.move(model, cand, State.POST_FOLLOWUP, "hired")
        else:
            pathway.move(model, cand, State.EMPLOYED, "hired")
        return
    if cand.ready_since is None:
        cand.ready_since = week
    if settings.sets_job_goal and week - cand.ready_since >= rules.move_on_after_weeks:
        # no post here: look for a workplace with a real chance of a job [001:798]
        pathway.move(model, cand, State.SEARCH, "no_opening_move_on")
        return
    pathway.move(model, cand, State.TRAINING, "no_opening_yet")
    cand.next_eval_week = week + settings.evaluation_interval_weeks


def _post_followup(model, cand) -> None:
    week = model.week
    if Work.POST in cand.grant and cand.draw() < cand.grant[Work.POST]:
        cand.last_contact_week = week
    if cand.mentor is not None:
        hours = 0.5 * cand.mentor.hours_needed(cand.need_level, cand.hidden_revealed)
        model.ledger.book_mentor(week, MentorActivity.SUPPORT, hours, 0.5 * cand.mentor.subsidised_hours)
    followed = week - cand.last_contact_week <= model.cfg.pathway.contact_window_weeks
    if cand.life() < cand.job_loss_hazard(followed_up=followed):
        pathway.move(model, cand, State.JOB_LOST, "job_ended")
    elif week - cand.post_start >= cand.mode.settings.post_followup_weeks:
        pathway.move(model, cand, State.RETAINED, "followup_ended")
