"""Jobbspesialistmodellen: Supported Employment / IPS inside the office [001:623-625], [001:654-658].

Activity reviews refer users to the job-specialist team (zero exclusion by default) while the
referral queue is short; job specialists take users from the queue when they have room under the
caseload cap of 20 (EVID F1). Users waiting in the queue stay in ordinary follow-up.
"""

from scenarios.policies.base import Policy, register


@register
class Jobbspesialist(Policy):
    name = "jobbspesialist"
    uses_job_specialists = True

    def on_review(self, model, cand) -> str | None:
        if cand.registered_need in self.pc.js_need_levels and self.js_available(model) \
                and len(model.js_queue) < self.pc.js_max_queue:
            return "js"
        return super().on_review(model, cand)
