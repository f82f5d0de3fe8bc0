"""Hybridmodellen: ordinary advisers who follow a few users closely with a mentor [001:660-664].

Each volunteering adviser keeps the ordinary caseload and takes ``hybrid_slots`` users into close
follow-up [001:712]. Selection uses NAV's registered need level (which can be wrong) and favours
extensive needs (and, in the pilots, under 30) [001:426]; the case meeting, which sees the real
need, turns away cases that are too light and refers cases that are too heavy (large need with
many barriers) to a job specialist [001:792]. A hidden need that makes a case large also leads to
a transfer [001:776], [001:796]. Everyone else gets ordinary follow-up.
"""

from scenarios.policies.base import Policy, register


@register
class Hybrid(Policy):
    name = "hybrid"
    uses_job_specialists = True  # for escalation only

    def adviser_role(self, index: int) -> str:
        n_volunteers = round(self.pc.hybrid_volunteer_share * self.cfg.office.n_advisers)
        return "hybrid" if index < n_volunteers else "saksbehandler"

    def eligible_for_close(self, model, adviser, cand) -> bool:
        return cand.registered_need in self.pc.hybrid_need_levels and cand.age <= self.pc.hybrid_max_age

    def screen(self, model, cand) -> str:
        if cand.need_level == "small":
            return "too_light"
        if cand.need_level == "large" and cand.barriers >= self.pc.too_heavy_barriers \
                and self.pc.escalate_to_js and self.js_available(model):
            return "too_heavy"
        return "accept"

    def on_need_revealed(self, model, cand) -> None:
        if cand.need_level == "large":
            self.refer_heavy_case(model, cand)
