"""What NAV pays: the prices of positions, mentor grants and wage subsidies (the config's ``cost`` section).

No kroner figures are in the seeds or the evidence [seed-model section 12: "NOK rates are not in the
seeds, so make them parameters"]: every price is a parameter with its source, an ASSUMPTION with a
range. The simulation counts each run's positions (adviser-weeks by role), mentor grants and wage
subsidies at these prices (``sim.kpis``); the dashboard, the report and the staffing search show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.params import param
from domain.terms import Role


@dataclass
class CostConfig:
    """The prices NAV pays (``cost.*``), each an ASSUMPTION with its source."""

    mentor_subsidy_nok_per_hour: float = param(400.0, "NOK/h", "ASSUMPTION (EVID N9: wage + employer contribution)", 0.0, 5000.0)
    wage_nok_per_week_fte: float = param(9000.0, "NOK/week", "ASSUMPTION", 0.0, 100000.0)
    wage_subsidy_rate: float = param(0.5, "share of wage", "SEED 001:1519 ('halve lønna')", 0.0, 1.0)
    adviser_position_nok_per_year: float = param(1_000_000.0, "NOK/position-year", "ASSUMPTION: pay of about NOK 650 000 "
        "a year, plus the employer's contribution (14.1 % in zone 1), pension and office costs; no kroner in the seeds or "
        "the evidence (seed-model 12)", 0.0, 5_000_000.0, doc="What NAV pays a year for an adviser's position (ordinary "
        "and hybrid alike: advisers take the hybrid role on the same terms [001:223], [001:398])")
    job_specialist_position_nok_per_year: float = param(1_000_000.0, "NOK/position-year", "ASSUMPTION: as an adviser's; "
        "the report weighs the two as uses of the same resources [001:632]", 0.0, 5_000_000.0,
        doc="What NAV pays a year for a job specialist's position")

    def position_nok_per_year(self, role: Role | str) -> float:
        """What a position of ``role`` costs NAV a year (the one home of this rule)."""
        return self.job_specialist_position_nok_per_year if Role(role).is_specialist else self.adviser_position_nok_per_year

    def position_prices(self) -> dict[str, float]:
        """NOK a position-year, by role."""
        return {str(role): self.position_nok_per_year(role) for role in Role}
