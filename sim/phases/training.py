"""Phase 4, work training.

For each user in work training: a contact the adviser granted hours for takes place (and may find
a mentor for a placement without one [001:826-828], raise an adjustable subsidy after a hidden
need showed [001:1004], and check readiness for a job: "hva skal til for å få jobb her?" [001:860],
[001:916]); a hidden need may show. Then the week itself, for all these users at once
(``agents.work_training``: mentor support, problems, calls to the adviser, crises, progress,
security, mentor strain). A user who would be ready with a wage subsidy gets one when the
adviser's application hours are granted and the firm agrees. A 13-week period end decides
extension, lock-in or end [001:1010], [001:1602].
"""

from __future__ import annotations

from agents.time_budget import Work
from agents.work_training import train_week
from domain.states import State
from domain.terms import MentorActivity
from sim import mentoring, pathway, specialists
from sim.tally import Tally


def run(model, week: int) -> None:
    market = model.cfg.labour_market
    trainees, modes = [], []
    for cand in list(model.pathways.active.values()):
        if cand.state != State.TRAINING:
            continue
        mode = cand.week_mode or cand.mode
        if Work.CONTACT in cand.grant and cand.draw() < cand.grant[Work.CONTACT]:
            _contact(model, cand, mode, week)
        if Work.WAGE_SUBSIDY in cand.grant and cand.draw() < cand.grant[Work.WAGE_SUBSIDY]:
            cand.wage_subsidy_wanted = False   # the application is done; the firm decides [001:440]
            cand.wage_subsidy = cand.draw() < market.p_firm_accepts_wage_subsidy
        if cand.hidden_need_shows(week):
            specialists.hidden_need_revealed(model, cand)
            if cand.state != State.TRAINING:
                continue
        trainees.append(cand)
        modes.append(mode)
    train(model, trainees, modes, week)


def train(model, trainees: list, modes: list, week: int) -> None:
    """The week of work training of ``trainees`` (worked the ways ``modes``), its records, and what
    follows from it for each: readiness for a job, the end of a period."""
    outcome = train_week(trainees, modes, week, model.candidate_settings)
    if len(trainees):
        model.ledger.book_mentor(week, MentorActivity.SUPPORT, float(outcome.mentor_hours.sum()),
                                 float(outcome.mentor_subsidised.sum()))
        model.counters[Tally.MENTOR_CALLS] += int(outcome.called.sum())
        model.counters[Tally.MENTOR_CALLS_ANSWERED] += int(outcome.call_answered.sum())
    for i in outcome.crisis_started.nonzero()[0].tolist():
        model.events.note(week, trainees[i], "crisis")
    # only the trainees with a readiness check or a period end this week (flagged by the rules)
    for i in (outcome.readiness_check | outcome.period_end).nonzero()[0].tolist():
        cand, mode = trainees[i], modes[i]
        if outcome.readiness_check[i]:
            cand.next_eval_week = week + mode.settings.evaluation_interval_weeks
            if _ready(cand):
                pathway.move(model, cand, State.EVALUATION, "goal_reached")
                continue
        if outcome.period_end[i]:
            period_boundary(model, cand, mode, week - cand.training_start)


def _contact(model, cand, mode, week: int) -> None:
    """A granted contact with candidate and mentor takes place."""
    cand.contact_this_week = True
    cand.last_contact_week = week
    cand.next_contact_week = week + mode.contact_interval(week - cand.training_start, cand)
    cand.contact_is_visit = None
    if cand.close and not cand.drifted:
        cand.pathway_adviser.cocreative_weeks += 1
    mentoring.review_subsidy(cand, mode)
    if cand.mentor is None and cand.draw() < model.cfg.mentor.p_assign_later and mentoring.mentor_found(model, cand, mode):
        mentoring.recruit_mentor(model, cand, mode, briefing_hours=0.0)   # a mentor chosen after the start [001:826-828]
        model.events.note(week, cand, "mentor_assigned")


def _ready(cand) -> bool:
    """Readiness for a job at this firm; short of it only by what a wage subsidy bridges, the adviser applies."""
    firm = cand.employer
    if cand.capability >= firm.hire_threshold(bool(cand.wage_subsidy)):
        return True
    if cand.wage_subsidy is None and cand.capability >= firm.hire_threshold(True):
        cand.wage_subsidy_wanted = True
    return False


def period_boundary(model, cand, mode, weeks_in: int) -> None:
    """The end of a 13-week period [001:1010], [001:1602]: renewal, lock-in on a permanent subsidy, or end.

    Whether the firm renews follows from progress, its patience and whether anyone from NAV came to
    the period-end meeting, the same under every way of working (saksbehandler placements can be
    renewed for years [001:1499]); a goal set at the meeting keeps a stalled case from lock-in.
    """
    rules = model.cfg.pathway
    market = model.cfg.labour_market
    settings = mode.settings
    meeting = Work.PERIOD_MEETING in cand.grant and cand.draw() < cand.grant[Work.PERIOD_MEETING]
    quality = cand.pathway_adviser.followup_quality if cand.pathway_adviser is not None else 1.0
    goal_set = meeting and settings.goal_setting_hours > 0
    gained = cand.capability - cand.capability_at_period_start
    stalled = gained < rules.stall_gain
    if weeks_in >= rules.max_training_weeks:
        if not goal_set and not cand.employer.exploitative and cand.draw() < rules.p_lockin:
            pathway.move(model, cand, State.LOCKIN, "permanent_wage_subsidy")
        else:
            pathway.move(model, cand, State.NOT_SUCCESSFUL, "max_training_reached")
        return
    if weeks_in >= rules.lockin_after_weeks and stalled and not cand.employer.exploitative:
        p = rules.p_lockin * (rules.goal_lockin_mult if goal_set else 1.0)
        if cand.draw() < p:
            pathway.move(model, cand, State.LOCKIN, "permanent_wage_subsidy")
            return
    p_extend = rules.p_firm_extends * (rules.stalled_extend_mult if stalled else 1.0)
    p_extend *= 1.0 - rules.strain_extend_weight * min(1.0, cand.strain_weeks / market.firm_patience_weeks)
    if meeting:
        # a rushed meeting does less to settle the firm's doubts
        p_extend *= 1.0 - (1.0 - rules.extend_without_meeting_mult) * (1.0 - quality)
    else:
        p_extend *= rules.extend_without_meeting_mult
    if cand.draw() < p_extend:
        cand.period_start = model.week
        cand.capability_at_period_start = cand.capability
        model.events.note(model.week, cand, "period_extended" if meeting else "period_extended_without_meeting")
    else:
        pathway.move(model, cand, State.NOT_SUCCESSFUL, "not_extended")
