"""Phase 7, learning.

A mentor network session is held when due and an adviser could attend [001:448]: mentors of cases
whose way of working has a network, and registry mentors without a candidate, attend with a
chance that is higher under a binding agreement [001:1240-1246] (each mentor's own draw of the
week, ``domain.rng.MentorDraw``); attending raises competence and
relieves strain [001:1192], [001:1640]. Advisers learn from co-creative case weeks [001:968-990]
and lose some competence without close cases; ordinary advisers pick up some of what the hybrid
advisers who have close cases know [001:982-986].
"""

from __future__ import annotations

from domain.rng import DRAWS_PER_WEEK, MentorDraw, uniform
from domain.terms import MentorActivity
from sim.tally import Tally


def run(model, week: int) -> None:
    if model.network_week:
        _network_session(model, week)
    staff = model.staff
    for adviser in staff.all_advisers:
        adviser.learn(adviser.cocreative_weeks)
    spillover = model.cfg.learning.office_spillover
    for office in model.offices:    # colleagues learn from the close-follow-up advisers of their own office
        advisers = office.staff.advisers
        experienced = [a.competence for a in advisers if a.role.takes_close_cases and a.n_close > 0]
        if experienced and spillover > 0:
            mean = sum(experienced) / len(experienced)
            for adviser in advisers:
                if not adviser.role.takes_close_cases and adviser.competence < mean:
                    adviser.competence += spillover * (mean - adviser.competence)


def _network_session(model, week: int) -> None:
    """Mentor network gathering [001:448]: mentors of networked cases and registry mentors."""
    rules = model.cfg.mentor
    attendees = [cand.mentor for cand in model.pathways.active.values()
                 if cand.mentor is not None and cand.mode is not None and cand.mode.settings.network]
    seen = {id(m) for m in attendees}
    attendees += [m for m in model.mentor_pool.registry if id(m) not in seen and m.candidate is None]
    hosts = [a for a in model.staff.advisers if a.network_attended]
    if not hosts:
        return   # no adviser could run the session this time
    model.counters[Tally.NETWORK_SESSIONS] += 1
    gain = model.cfg.learning.network_adviser_gain
    for adviser in hosts:   # advisers learn from the mentors' experience too [001:990], [001:1196]
        adviser.competence += gain * (1.0 - adviser.competence)
    position = week * DRAWS_PER_WEEK + MentorDraw.ATTENDS_NETWORK   # each mentor's own draw of the week
    for mentor in attendees:
        p = rules.p_attend_binding if mentor.binding_agreement else rules.p_attend_voluntary
        if uniform(mentor.key, position) < p:
            mentor.attend_network(week)
            model.ledger.book_mentor(week, MentorActivity.NETWORK, rules.network_session_hours)
