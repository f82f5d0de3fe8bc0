"""Phase 5, employment and follow-up.

The evaluation meeting [001:454], held when its hours are granted: one guidance conversation per
workplace (where the way of working has it) may lead to an apprenticeship, for a user of
apprentice age with an interest in a trade, or to education, more likely the more studying appeals
to the user; otherwise a hire if the firm had an opening since the last evaluation (a rushed
meeting may miss it), with post-hire follow-up and the mentor kept where the adviser arranges it
[001:452]; back to training; or, where a job goal was set, a search for a workplace with a real
chance of a job after ``move_on_after_weeks`` ready without an opening [001:798]. Post-hire
follow-up: contacts, mentor hours, and the job-loss hazard (lower with follow-up) until it ends.
"""

from __future__ import annotations

from agents.time_budget import Work
from domain.rng import LifeEvent
from domain.states import State
from domain.terms import MentorActivity
from sim import mentoring, pathway
from sim.phases.job_development import give_up_waiting


def run(model, week: int) -> None:
    for cand in list(model.pathways.active.values()):
        if cand.state == State.EVALUATION:
            _evaluation(model, cand)
        elif cand.state == State.POST_FOLLOWUP:
            _post_followup(model, cand)


def _evaluation(model, cand) -> None:
    """Evaluation meeting [001:454]: career guidance, apprenticeship, education, hire, or back to training."""
    rules = model.cfg.pathway
    week = model.week
    if week - cand.state_since > rules.stuck_weeks:
        give_up_waiting(model, cand)
        return
    if cand.draw() >= cand.grant.get(Work.EVALUATION, 0.0):
        return
    mode = cand.week_mode or cand.mode
    settings = mode.settings
    if not cand.career_choice_made:   # one career conversation per workplace [001:454]
        cand.career_choice_made = True
        guidance = 1.0 if settings.career_guidance_hours > 0 else rules.choice_without_guidance_mult
        trade = cand.interest in rules.apprentice_sectors
        if trade and cand.age <= rules.apprentice_max_age and cand.draw() < rules.p_apprentice_at_eval * guidance:
            pathway.move(model, cand, State.APPRENTICE, "apprenticeship")
            return
        if cand.draw() < rules.p_education_at_eval * guidance * cand.study_motivation / 0.5:
            pathway.move(model, cand, State.EDUCATION, "education")
            return
    weeks = max(1, week - max(cand.last_eval_week, cand.training_start))
    cand.last_eval_week = week
    quality = cand.pathway_adviser.followup_quality if cand.pathway_adviser is not None else 1.0
    if cand.draw() < cand.employer.opening_probability(weeks) * quality:
        cand.mentor_kept = mentoring.keep_after_hire(model, cand, mode)
        if cand.mode.settings.post_followup_weeks > 0:
            pathway.move(model, cand, State.POST_FOLLOWUP, "hired")
        else:
            pathway.move(model, cand, State.EMPLOYED, "hired")
        return
    if cand.ready_since is None:
        cand.ready_since = week
    if settings.goal_setting_hours > 0 and week - cand.ready_since >= rules.move_on_after_weeks:
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
    if cand.life(LifeEvent.JOB_LOSS, week) < cand.job_loss_hazard(followed_up=followed):
        pathway.move(model, cand, State.JOB_LOST, "job_ended")
    elif week - cand.post_start >= cand.mode.settings.post_followup_weeks:
        pathway.move(model, cand, State.RETAINED, "followup_ended")
