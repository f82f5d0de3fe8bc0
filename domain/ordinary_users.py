"""The config section of the users on the ordinary caseloads outside the target group.

Three of four users on a caseload (``office.target_share`` of 0.25) are not in the target group:
users with less complex needs, or with needs that a workplace pathway does not serve (treatment,
a coming disability benefit). Each is a person of their own in the model (``agents.caseload``):
their activity reviews are held when their adviser has the casework hours for them, and their own
job search and their exits follow the rules of ordinary follow-up that the target group's users in
ordinary follow-up have (``population.own_job_hazard``, ``population.pool_exit_hazard``, the
policy's ``review_interval_weeks``, ``office.review_postpone_weeks``). This section holds what is
their own: how close to work they are, and what a missed review costs them.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.params import param


@dataclass
class OrdinaryUsersConfig:
    capability_mean: float = param(
        0.45, "0-1", "ASSUMPTION: no figure in the seeds or the evidence; the users outside the target group include "
        "users close to work and users on their way to a disability benefit (73.6 % of new disability recipients come "
        "from AAP, EVID N5; AAP lasts at most 3 years, N3); the target group's calibrated levels are 0.17-0.52",
        0.05, 0.95, doc="Mean work capability of a user on a caseload outside the target group (their own job search "
                        "follows population.own_job_hazard, which scales with capability squared)")
    capability_sd: float = param(0.15, "0-1", "ASSUMPTION (a mixed group: wider than the target group's "
                                 "population.capability_sd)", 0.0, 0.5,
                                 doc="Spread of their work capability between users")
    missed_review_effect: float = param(
        0.05, "per missed review", "EVID C4 (one missed caseworker meeting: unemployment 5 % longer, Schiprowski "
        "2020); SEED-QUAL 001:780 ('20 stykker uten aktivitetsplan')", 0.0, 0.5,
        doc="How much each activity review missed since the last one held lowers the user's weekly chance of a job: "
            "the chance is divided by (1 + effect) for each")


__all__ = ["OrdinaryUsersConfig"]
