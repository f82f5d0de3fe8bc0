"""Why users with large needs fare so differently under the four policies.

The headline subgroup contrast (users with a large need at entry, ever employed) is many times larger
between saksbehandler and the other policies than the overall contrast. This module explains it in
two ways and writes ``docs/contrast.md``:

1. **Decomposition.** The saksbehandler policy keeps its caseload and its users, and one group of
   practices of the hybrid way of working at a time replaces its own (mapping and matching, start-up
   with the mentor, contact, evaluation and career guidance, the network): what each group adds for
   large-need users, and what it costs in adviser hours and weeks over budget.
2. **Assumptions.** The settings that carry the large-need gap, each halved and doubled, for
   saksbehandler, hybrid and brobygger: how far the ratio moves.

    inclusim contrast [--seeds N] [--out docs/contrast.md]
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.stats import mean_ci
from domain.config import Config
from domain.modes import hybrid_mode, saksbehandler_mode
from domain.params import dotted_field, dotted_value, merge, override
from sim.tables import run_model

SUBGROUP = "ever_employed_share_large"
OUTCOMES = (SUBGROUP, "ever_employed_share", "dropout_share_large", "adviser_hours_per_candidate_large",
            "adviser_weeks_over_budget_share")

#: Groups of practices of a way of working, by what they do on the pathway.
PRACTICE_GROUPS: dict[str, tuple[str, ...]] = {
    "mapping and matching": ("mapping_weeks", "mapping_hours_per_week", "interest_based_search", "use_known_firms",
                             "exploitation_check_hours", "employer_contacts_per_week", "search_give_up_weeks"),
    "start-up with the mentor": ("interview_hours", "startup_hours", "mentor_recruitment_hours", "colleague_info_hours",
                                 "network_agreement_hours", "subsidy_assessment_hours"),
    "contact and crises": ("early_weeks", "contact_interval_early", "contact_interval_stable", "contact_hours",
                           "visit_share", "proactive", "on_call_hours", "crisis_hours", "crisis_response_lag_weeks",
                           "onsite_support", "co_creation"),
    "evaluation and guidance": ("period_meeting_hours", "goal_setting_hours", "evaluation_interval_weeks",
                                "evaluation_hours", "career_guidance_hours", "mentor_continuation_hours",
                                "post_followup_weeks", "post_followup_hours"),
    "network and registry": ("network", "registry_hours", "p_reuse_registered"),
}


@dataclass(frozen=True)
class Assumption:
    setting: str
    why: str          # how it carries the large-need gap


ASSUMPTIONS = (
    Assumption("pathway.h0_drop_large", "base dropout hazard of a large need (calibrated)"),
    Assumption("pathway.progress_mult_poor_match", "progress without an interest match (assumption)"),
    Assumption("mentor.p_mentor_available", "a mentor can be found when someone looks (assumption)"),
    Assumption("labour_market.wage_subsidy_threshold_relief", "how far a wage subsidy lowers the hiring bar"),
    Assumption("pathway.p_services_respond", "health services respond without coordination (assumption)"),
    Assumption("office.admin_hours_per_case", "ordinary casework per user (calibrated)"),
)
POLICIES = ("saksbehandler", "hybrid", "brobygger")
FACTORS = {"halved": 0.5, "doubled": 2.0}


def _scaled(cfg: Config, dotted: str, factor: float) -> dict:
    meta = dotted_field(cfg, dotted).metadata
    return override(dotted, min(max(dotted_value(cfg, dotted) * factor, meta["lo"]), meta["hi"]))


def _with_hybrid_group(group: tuple[str, ...] | None) -> dict:
    """The saksbehandler way of working with ``group``'s practices (all of them for None) as in hybrid."""
    own, hybrid = dataclasses.asdict(saksbehandler_mode()), dataclasses.asdict(hybrid_mode())
    names = list(hybrid) if group is None else group
    mode = {**own, **{name: hybrid[name] for name in names if name != "name"}}
    return {"policy": {"name": "saksbehandler", "modes": {"saksbehandler": mode}}}


def _run(cfg: Config) -> dict:
    row = run_model(cfg).runs.iloc[0]
    return {k: float(row[k]) for k in OUTCOMES}


def measure(seeds: int = 6, workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(decomposition rows, assumption rows), one row per arm and seed."""
    from infra.executor import map_in_processes

    arms: list[tuple[str, str, str, int, Config]] = []
    for seed in range(1, seeds + 1):
        for policy in POLICIES:
            arms.append(("decomposition", policy, "as it is", seed,
                         merge(Config(), {"policy": {"name": policy}, "seed": seed})))
        for label, group in [*PRACTICE_GROUPS.items(), ("all hybrid practices", None)]:
            arms.append(("decomposition", "saksbehandler", f"+ {label}", seed,
                         merge(merge(Config(), _with_hybrid_group(group)), {"seed": seed})))
        for policy in POLICIES:
            base = merge(Config(), {"policy": {"name": policy}})
            for a in ASSUMPTIONS:
                for variant, factor in FACTORS.items():
                    arms.append((a.setting, policy, variant, seed,
                                 merge(merge(base, _scaled(base, a.setting, factor)), {"seed": seed})))
    results = map_in_processes(_run, [cfg for *_, cfg in arms], workers or os.cpu_count() or 1)
    rows = pd.DataFrame([{"study": s, "policy": p, "arm": a, "seed": seed, **r}
                         for (s, p, a, seed, _), r in zip(arms, results)])
    return rows[rows["study"] == "decomposition"], rows[rows["study"] != "decomposition"]


def _cell(values, scale: float = 100.0, digits: int = 1) -> str:
    est = mean_ci(pd.Series(values).dropna().to_numpy(float))
    if not math.isfinite(est.mean):
        return "n/a"
    if not math.isfinite(est.low):
        return f"{scale * est.mean:.{digits}f}"
    return f"{scale * est.mean:.{digits}f} ({scale * est.low:.{digits}f}-{scale * est.high:.{digits}f})"


def _ratio_cell(numerator, denominator) -> str:
    """Ratio of the per-seed means of large-need employment (a ratio of means, no interval)."""
    den = float(pd.Series(denominator).mean())
    return f"{float(pd.Series(numerator).mean()) / den:.1f}" if den > 0 else "n/a"


def render(decomposition: pd.DataFrame, assumptions: pd.DataFrame, seeds: int) -> str:
    lines = ["# Why large-need users fare so differently under the four policies", "",
             "Generated by `inclusim contrast` (`inclusim/contrast.py`); do not edit by hand. Default office, "
             f"{seeds} seeds per arm, mean and 90 % interval over seeds. Large need: the user's need level at "
             "entry. Read with `docs/calibration.md`, which explains the mechanisms.", "",
             "## 1. Decomposition: the saksbehandler office given one group of hybrid practices at a time", "",
             "Same caseload, same users and shocks (paired seeds). The practices cost the hours of the hybrid "
             "way of working, so the adviser's week decides whether they happen.", "",
             "| arm | large need: ever employed (%) | large need: dropout (%) | large need: adviser hours per "
             "user | all users: ever employed (%) | adviser-weeks over budget (%) |",
             "|---|---|---|---|---|---|"]
    order = [("saksbehandler", "as it is")] + [("saksbehandler", f"+ {g}") for g in PRACTICE_GROUPS] + \
        [("saksbehandler", "+ all hybrid practices"), ("hybrid", "as it is"), ("brobygger", "as it is")]
    for policy, arm in order:
        sel = decomposition[(decomposition["policy"] == policy) & (decomposition["arm"] == arm)]
        label = f"{policy} {arm}" if arm == "as it is" else f"saksbehandler {arm}"
        lines.append(f"| {label} | {_cell(sel[SUBGROUP])} | {_cell(sel['dropout_share_large'])} | "
                     f"{_cell(sel['adviser_hours_per_candidate_large'], 1.0, 0)} | "
                     f"{_cell(sel['ever_employed_share'])} | {_cell(sel['adviser_weeks_over_budget_share'])} |")
    base = decomposition[decomposition["arm"] == "as it is"]
    lines += ["", "## 2. Assumptions: each setting that carries the gap, halved and doubled", "",
              "Large-need users ever employed (%) per policy, and the ratio of hybrid and brobygger to "
              "saksbehandler. 'default' is the office as it is.", "",
              "| setting | what it carries | variant | saksbehandler | hybrid | brobygger | hybrid / SB | "
              "brobygger / SB |", "|---|---|---|---|---|---|---|---|"]

    def row(setting: str, why: str, variant: str, sel: pd.DataFrame) -> str:
        by = {p: sel[sel["policy"] == p][SUBGROUP] for p in POLICIES}
        return (f"| `{setting}` | {why} | {variant} | " + " | ".join(_cell(by[p]) for p in POLICIES) +
                f" | {_ratio_cell(by['hybrid'], by['saksbehandler'])} | "
                f"{_ratio_cell(by['brobygger'], by['saksbehandler'])} |")

    lines.append(row("(none)", "", "default", base))
    for a in ASSUMPTIONS:
        for variant in FACTORS:
            sel = assumptions[(assumptions["study"] == a.setting) & (assumptions["arm"] == variant)]
            lines.append(row(a.setting, a.why, variant, sel))
    return "\n".join(lines) + "\n"


def main(seeds: int = 6, out: Path | None = None) -> int:
    decomposition, assumptions = measure(seeds=seeds)
    target = Path(out) if out is not None else Path("docs/contrast.md")
    target.write_text(render(decomposition, assumptions, seeds))
    pd.concat([decomposition, assumptions]).to_csv(target.with_suffix(".csv"), index=False)
    print(f"wrote {target} and {target.with_suffix('.csv')}")
    return 0


__all__ = ["ASSUMPTIONS", "PRACTICE_GROUPS", "main", "measure", "render"]
