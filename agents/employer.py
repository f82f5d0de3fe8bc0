"""Employer: a workplace that may take a candidate for work training and may hire.

Rules (each traceable to the brief, section 1.6):
* acceptance of a work-training request per contact depends on willingness, the mentor subsidy
  [001:1000], [001:1787], whether the adviser knows the firm [001:832], the adviser's confidence
  [001:946], and room for another trainee (small firms take one);
* the capability a firm needs to hire [001:1907], lowered by a wage subsidy [001:1519];
* openings arise now and then (``job_prospect`` = chance of an opening in a 13-week period);
  exploitative firms never hire [001:812], [001:1809];
* informing colleagues lowers conflict risk [001:1883];
* willingness and inclusion competence change with experience [001:1753], [001:1108].
"""

from __future__ import annotations

import mesa


class Employer(mesa.Agent):
    def __init__(self, model, *, sector: str, small: bool, willingness: float, inclusion_competence: float,
                 job_prospect: float, exploitative: bool, informs_colleagues: bool, capacity: int,
                 hire_threshold: float, settings, learning):
        super().__init__(model)
        self.settings = settings    # LabourMarketConfig
        self.learning = learning    # LearningConfig
        self.sector = sector
        self.small = small
        self.willingness = willingness
        self.inclusion_competence = inclusion_competence
        self.job_prospect = 0.0 if exploitative else job_prospect
        self.exploitative = exploitative
        self.informs_colleagues = informs_colleagues
        self.capacity = capacity
        self.hire_threshold_base = hire_threshold
        self.placements = 0          # candidates interviewing, starting or in work training here
        self.region_index = 0        # the labour-market region the firm is in (set by ``sim.offices.Region``)
        self.employees: dict[int, object] = {}   # users in a job (or subsidised position) here, by id
        self.ia_contact = False      # the IA adviser has worked with the firm (opened the door) [001:1366]
        self.n_success = 0
        self.n_failure = 0
        self.n_refusals = 0
        self.n_contacts = 0
        self.leader_changes = 0

    # -- acceptance ---------------------------------------------------------------------------
    def has_room(self) -> bool:
        return self.placements < self.capacity

    def acceptance_probability(self, *, subsidy_offered: bool, known: bool, adviser_competence: float,
                               interest_match: bool) -> float:
        p = self.settings.p_accept_training * (self.willingness / 0.5)
        if not subsidy_offered:
            p /= self.settings.subsidy_acceptance_mult
        if known:
            p *= self.settings.known_firm_mult
        p *= 1.0 + self.learning.confidence_acceptance_weight * (adviser_competence - 0.5)
        if not interest_match:
            p *= self.settings.no_interest_acceptance_mult  # the seeker "shows interest" [004:19-23]
        return min(max(p, 0.0), 0.95)

    # -- hiring -------------------------------------------------------------------------------
    def hire_threshold(self, wage_subsidy: bool) -> float:
        t = self.hire_threshold_base + (self.settings.small_firm_threshold_add if self.small else 0.0)
        if wage_subsidy:
            t -= self.settings.wage_subsidy_threshold_relief
        return t

    def opening_probability(self, weeks: int) -> float:
        """Chance an opening arose within ``weeks`` weeks (job_prospect is per 13-week period)."""
        if self.job_prospect <= 0.0 or weeks <= 0:
            return 0.0
        weekly = 1.0 - (1.0 - min(self.job_prospect, 0.999999)) ** (1.0 / 13.0)
        return 1.0 - (1.0 - weekly) ** weeks

    def conflict_probability(self) -> float:
        base = self.settings.p_conflict_week_info if self.informs_colleagues else self.settings.p_conflict_week_no_info
        if self.ia_contact:   # work-environment competence and early warning [001:1158], [001:1170-1172]
            base *= self.settings.ia_conflict_mult
        return base * (1.0 - 0.5 * self.inclusion_competence)

    # -- learning -----------------------------------------------------------------------------
    def learn(self, success: bool) -> None:
        """Firm inclusion competence grows with every pathway ('mengdetrening' [001:1773])."""
        alpha = self.learning.alpha_firm_per_inclusion
        if success:
            self.n_success += 1
            self.willingness = min(1.0, self.willingness + self.settings.success_boost)
            self.inclusion_competence += alpha * (1.0 - self.inclusion_competence)
        else:
            self.n_failure += 1
            self.willingness = max(0.0, self.willingness - self.settings.post_failure_penalty)
            self.inclusion_competence += 0.5 * alpha * (1.0 - self.inclusion_competence)
        # routines such as telling colleagues at each arrival develop with competence [001:1887]
        if not self.informs_colleagues and self.inclusion_competence > self.settings.routine_info_competence:
            self.informs_colleagues = True
