"""Brobygger: an office using all three models, allocating by support need [001:688-694].

Registered small needs get ordinary follow-up, medium needs a hybrid adviser's close follow-up,
large needs a job specialist [001:694]. The hybrid case meeting corrects a wrong registration:
a too-light case goes back to ordinary follow-up, a too-heavy one to a job specialist. A hidden
need that lifts a hybrid case to large moves it to a job specialist.
"""

from scenarios.policies.base import Policy, register


@register
class Brobygger(Policy):
    name = "brobygger"
    uses_job_specialists = True

    def adviser_role(self, index: int) -> str:
        n_volunteers = round(self.pc.hybrid_volunteer_share * self.cfg.office.n_advisers)
        return "hybrid" if index < n_volunteers else "saksbehandler"

    def on_review(self, model, cand) -> str | None:
        if cand.registered_need == "large" and self.js_available(model) \
                and len(model.js_queue) < self.pc.js_max_queue:
            return "js"
        if cand.registered_need == "medium" and cand.owner.role == "hybrid":
            return None  # waits for a hybrid slot with its own adviser
        return super().on_review(model, cand)

    def eligible_for_close(self, model, adviser, cand) -> bool:
        return cand.registered_need == "medium" and cand.age <= self.pc.hybrid_max_age

    def screen(self, model, cand) -> str:
        if cand.need_level == "small":
            return "too_light"
        if cand.need_level == "large" and self.js_available(model):
            return "too_heavy"
        return "accept"

    def on_need_revealed(self, model, cand) -> None:
        if cand.need_level == "large":
            self.refer_heavy_case(model, cand)
