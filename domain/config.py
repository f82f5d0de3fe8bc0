"""The config schema: one readable parameter sheet per part of the world.

``Config`` is the root: run control, the office, the population, the labour market, pathway
dynamics, mentors, learning, costs and the policy (whose settings include its ways of working,
``domain.modes``). Every leaf is a :func:`domain.params.param` with unit, source and range.

Sources: ``SEED`` = ``../shared/domain/seed-model.md`` (which cites the seed reports as
``file:line``), ``EVID`` = ``../shared/domain/evidence.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.costs import CostConfig
from domain.modes import PolicyConfig
from domain.ordinary_users import OrdinaryUsersConfig
from domain.params import ConfigError, calibrated, check_leaf, iter_params, merge, param, stable_hash, to_dict
from domain.terms import NEED_LEVELS, SECTORS


# Office: advisers, caseloads, hour budgets --------------------------------------------------
@dataclass
class OfficeConfig:
    name: str = param("default", "-", "label", doc="Office label, carried into the results tables")
    region: str = param("urban", "-", "SEED-QUAL 001:306, 001:432", choices=["urban", "rural"],
                        doc="Urban or rural office; sets travel time per field visit")
    n_advisers: int = param(12, "advisers", "ASSUMPTION (anchors: 9 advisers in Asker 001:398)", 1, 5000,
                            doc="Ordinary NAV advisers (veiledere) with a caseload (thousands: a county or the "
                                "country as one pool of advisers)")
    caseload_ordinary: int = param(70, "users", "SEED 001:736 (60-70), 001:746 (>70, ~100)", 5, 250,
                                   doc="Users on each ordinary adviser's caseload, all kinds")
    caseload_cap: int = param(110, "users", "SEED 001:746 ('i overkant av hundre'); ASSUMPTION", 5, 400,
                              doc="New users go to an adviser below this caseload (the least loaded if the drawn one is full)")
    target_share: float = param(0.25, "share", "SEED-QUAL 001:736 (not all 60-70 'skal ut'); ASSUMPTION value",
                                0.0, 1.0, doc="Share of a caseload in the target group (complex needs, fit for a workplace pathway)")
    n_job_specialists: int = param(3, "FTE", "ASSUMPTION (brief 9.1 default 2)", 0, 2000,
                                   doc="Job specialists (jobbspesialister) in the office")
    fte_neutral: bool = param(True, "bool", "SEED 001:632 (more job specialists, or more room for advisers); brief 10",
                              doc="A policy that uses no job specialists gets their positions as ordinary advisers (same staff, smaller caseloads)")
    hybrid_volunteer_share: float = param(0.45, "share of advisers", "ASSUMPTION; SEED 001:398 (Asker: 9 advisers took part, "
                                          "office size not given); SEED-QUAL 001:223, 001:1981 (voluntary, many held back for "
                                          "their workload), 001:2015 (resistance when mandated)", 0.0, 1.0,
                                          doc="Share of ordinary advisers who also follow users closely (hybrid advisers), "
                                              "under a policy that uses close follow-up")
    hybrid_slots: int = param(3, "cases/adviser", "SEED 001:712 (2-5), 001:768 ('de fire'), 001:892 (three)", 0, 40,
                              doc="Close-follow-up places per hybrid adviser")
    js_caseload_cap: int = param(20, "users", "SEED 001:623; EVID F1", 1, 40,
                                 doc="Most users a job specialist follows at once (job seekers and workers)")
    adviser_hours_week: float = param(37.5, "h/week", "ASSUMPTION (Norwegian standard week)", 10.0, 45.0)
    admin_hours_per_case: float = param(0.5, "h/week/user", "ASSUMPTION (brief 9.2: 0.35 for admin alone; + ordinary meetings); SEED-QUAL 001:648-652 ('ikke tid og rom')",
                                        0.0, 2.0, doc="Casework per user on an ordinary caseload: decisions, plans, ordinary follow-up talks")
    admin_floor_share: float = param(0.7, "share", "ASSUMPTION (vedtak and plans cannot be skipped)", 0.0, 1.0,
                                     doc="Share of ordinary admin that is done before anything else")
    admin_backlog_carry: float = param(0.5, "share", "SEED-QUAL 001:780, 001:734 (undone casework piles up); ASSUMPTION", 0.0, 0.95,
                                       doc="Share of undone casework carried into next week's demand (the rest is follow-up users never get)")
    admin_floor_cap_share: float = param(0.85, "share of week", "ASSUMPTION", 0.1, 1.0,
                                         doc="Most of the week casework takes before urgent case work (crises, meetings set) is served")
    admin_hours_per_js_case: float = param(0.15, "h/week/user", "ASSUMPTION (brief 9.2; field role 001:625)", 0.0, 2.0)
    leader_support: float = param(0.7, "index 0-1", "SEED-QUAL 001:225, 001:760, 003:23; value ASSUMPTION", 0.0, 1.0,
                                  doc="How far the leader protects close-follow-up hours from ordinary work (001:774)")
    adviser_turnover_hazard: float = param(0.004, "per week", "ASSUMPTION (~19 %/yr; SEED-QUAL 001:732)", 0.0, 0.1)
    overload_turnover_mult: float = param(2.0, "x hazard", "SEED-QUAL 002:25 (pressure and frustration); value ASSUMPTION",
                                          1.0, 10.0, doc="Turnover hazard multiplier in a week an adviser is over budget")
    squeeze_exponent: float = param(1.0, "-", "SEED-QUAL 001:740, 001:748, 001:920 (time squeeze makes follow-up reactive); ASSUMPTION",
                                    0.0, 5.0, doc="How steeply contact quality falls when an adviser's demand exceeds the budget")
    turnover_security_loss: float = param(0.2, "security", "SEED-QUAL 001:732 (frequent replacement); ASSUMPTION", 0.0, 1.0,
                                          doc="Drop in a followed user's security when the adviser leaves")
    load_memory: float = param(0.8, "weight", "ASSUMPTION", 0.0, 0.99,
                               doc="Weight of the past in the moving averages of adviser pressure and casework done")
    ordinary_intensity_cap: float = param(2.0, "x norm", "EVID C2-C4 (lower caseloads, more meetings: faster re-employment); ASSUMPTION",
                                          1.0, 5.0, doc="Most ordinary follow-up per user, relative to admin_hours_per_case, that spare hours can buy")
    review_postpone_weeks: int = param(4, "weeks", "SEED-QUAL 001:780 ('20 stykker uten aktivitetsplan'); ASSUMPTION", 1, 52,
                                       doc="Delay of an activity review the adviser had no admin time for")
    travel_hours_per_visit: float = param(0.5, "h", "ASSUMPTION (urban office)", 0.0, 5.0)
    travel_hours_per_visit_rural: float = param(1.5, "h", "ASSUMPTION (SEED-QUAL 001:432 dispersed firms)", 0.0, 5.0)
    known_firms_per_adviser: int = param(4, "firms", "SEED-QUAL 001:832, 001:934 (adviser 'har kontakt med en bedrift')",
                                         0, 50, doc="Firms an adviser already knows and reuses")
    js_like_load_share: float = param(0.5, "share of week", "ASSUMPTION (SEED-QUAL 001:684, 002:25)", 0.0, 1.0,
                                      doc="An ordinary adviser spending more than this share of the week on close cases has a "
                                          "job-specialist-like load (an indicator, not a rule)")
    close_uptake_pressure: float = param(1.0, "demand / hours", "SEED-QUAL 001:1981 (many held back because of their resource "
                                         "situation), 001:225 (leader support); value ASSUMPTION", 0.2, 3.0,
                                         doc="A hybrid adviser takes a new close case only while the workload is below this, times "
                                             "(0.8 + 0.4 x leader_support)")
    ia_hours_week: float = param(6.0, "h/week", "SEED-QUAL 001:1096, 001:1354, 001:1366-1368 (IA adviser opens doors), 001:1170-1172 "
                                 "(early warning); hours ASSUMPTION", 0.0, 80.0,
                                 doc="Hours a week the IA adviser / market contact (NAV Arbeidslivssenter) gives the office's close cases")
    ia_visit_hours: float = param(2.0, "h", "SEED-QUAL 001:1366-1368 (first sales meeting together); ASSUMPTION", 0.1, 10.0,
                                  doc="IA adviser hours for joining a first meeting with a firm")
    handover_hours: float = param(1.0, "h/case", "SEED-QUAL 001:732, 001:1032 (frequent replacement of advisers); ASSUMPTION", 0.0, 10.0,
                                  doc="Hours a new adviser needs to take over each case followed up")
    turnover_known_firms_kept: float = param(0.25, "share", "SEED-QUAL 001:832 (the adviser's own firm contacts); ASSUMPTION", 0.0, 1.0,
                                             doc="Share of the leaving adviser's firm contacts the office keeps")
    case_meeting_hours: float = param(1.0, "h/week", "SEED-QUAL 001:1072, 001:1078; hours ASSUMPTION", 0.0, 5.0,
                                      doc="Weekly case meeting for advisers with close-follow-up cases")


# Population: the target group on the caseloads ----------------------------------------------
@dataclass
class PopulationConfig:
    name: str = param("default", "-", "label")
    need_share_small: float = param(0.4, "share", "ASSUMPTION (levels SEED 001:694)", 0.0, 1.0)
    need_share_medium: float = param(0.4, "share", "ASSUMPTION (levels SEED 001:694)", 0.0, 1.0)
    need_share_large: float = param(0.2, "share", "ASSUMPTION (levels SEED 001:694)", 0.0, 1.0)
    share_under_30: float = param(0.7, "share", "SEED-QUAL 001:426 (<30 target), 001:936 (some 30+)", 0.0, 1.0)
    barrier_prevalence: float = param(0.3, "prob.", "ASSUMPTION (barrier list SEED 000:48, 000:52, 001:1420)", 0.0, 1.0,
                                      doc="Chance of each of the five barriers for a medium-need candidate")
    barrier_need_mult_small: float = param(0.5, "x", "ASSUMPTION", 0.0, 3.0)
    barrier_need_mult_large: float = param(1.6, "x", "ASSUMPTION", 0.0, 3.0)
    p_hidden_need: float = param(0.4, "prob.", "SEED-QUAL 001:792, 001:1034 ('ofte')", 0.0, 1.0,
                                 doc="Chance a candidate has needs that show only after start")
    hidden_need_capability_loss: float = param(0.05, "capability", "SEED-QUAL 001:1034, 001:1549; ASSUMPTION", 0.0, 1.0,
                                               doc="Drop in work capability when a hidden need shows")
    hidden_need_reveal_weeks: float = param(6.0, "weeks", "ASSUMPTION (brief 9.3)", 1.0, 52.0,
                                            doc="Mean weeks in work training until a hidden need shows")
    capability0_small: float = param(calibrated("population.capability0_small"), "0-1", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (brief 9.3: 0.5)", 0.0, 1.0)
    capability0_medium: float = param(calibrated("population.capability0_medium"), "0-1", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (brief 9.3: 0.3)", 0.0, 1.0)
    capability0_large: float = param(calibrated("population.capability0_large"), "0-1", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (brief 9.3)", 0.0, 1.0)
    capability_sd: float = param(0.08, "0-1", "ASSUMPTION", 0.0, 0.5)
    max_fte_large: float = param(0.7, "FTE", "SEED 001:1468 (70-80 %), 001:1535, 001:1558 (60 %)", 0.1, 1.0)
    inflow_per_week: float = param(0.8, "users/week", "ASSUMPTION (~42 target-group users a year per office)", 0.0, 10000.0)
    own_job_hazard: float = param(calibrated("population.own_job_hazard"), "per week", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (ordinary follow-up also ends in jobs); EVID C2-C4 (caseload and "
                                  "meetings matter)", 0.0, 0.1,
                                  doc="Weekly chance a user in ordinary follow-up finds a job without a workplace pathway, at capability 0.5 "
                                      "with all casework done (scales with capability squared and with the adviser's share of casework done)")
    pool_exit_hazard: float = param(calibrated("population.pool_exit_hazard"), "per week", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (AAP max 3 years, EVID N3; 73.6 % of new disability from AAP, N5)",
                                    0.0, 0.2, doc="Weekly chance a user in ordinary follow-up leaves NAV follow-up for other reasons")
    entry_in_training_share: float = param(0.15, "share", "SEED-QUAL 001:407, 001:816 (some already in work training)", 0.0, 0.6)
    p_need_registered_correctly: float = param(0.75, "prob.", "SEED-QUAL 001:792 (too light / too heavy found only in case meetings); ASSUMPTION",
                                               0.0, 1.0, doc="Chance NAV's registered need level is the true one (else one level off)")
    p_refuse_mentor: float = param(0.05, "prob.", "SEED-QUAL 001:840", 0.0, 1.0)
    p_interest_clear: float = param(0.8, "prob.", "SEED-QUAL 001:428-432, 001:802 (mapping finds interests)", 0.0, 1.0,
                                    doc="Chance that mapping identifies the candidate's interest area")


# Labour market: employers and their acceptance ----------------------------------------------
@dataclass
class LabourMarketConfig:
    name: str = param("urban", "-", "label")
    n_firms: int = param(200, "firms", "ASSUMPTION (39 used in 001:408; ~140 in 000:9)", 5, 100000)
    sector_weights: dict[str, float] = param(
        {"kindergarten": 2.0, "retail": 2.0, "hotel_restaurant": 1.0, "health_care": 1.0,
         "construction_crafts": 1.0, "industry": 1.0, "warehouse": 1.0, "school": 1.0, "other": 1.0},
        "weights", "SEED-QUAL 001:409, 001:416 (kindergartens and shops often)",
        doc="Relative share of firms (and of candidates' interests) by sector")
    share_small: float = param(0.6, "share", "SEED-QUAL 001:1747 (majority <10 employees)", 0.0, 1.0)
    share_exploitative: float = param(0.1, "share", "SEED-QUAL 001:812, 001:1809", 0.0, 1.0,
                                      doc="Firms that take trainees but never hire ('evig arbeidstrening')")
    share_info_colleagues: float = param(0.5, "share", "SEED-QUAL 001:1861-1865", 0.0, 1.0,
                                         doc="Firms that tell colleagues about a candidate unprompted")
    p_accept_training: float = param(calibrated("labour_market.p_accept_training"), "prob./contact", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (SEED anecdote 0/9 libraries 001:727)", 0.0, 1.0,
                                     doc="Chance a typical firm accepts a work-training request when a mentor subsidy is offered")
    subsidy_acceptance_mult: float = param(2.0, "x", "SEED-QUAL 001:1000, 001:1787", 1.0, 10.0,
                                           doc="How much the mentor subsidy raises acceptance (acceptance without it is divided by this)")
    known_firm_mult: float = param(1.6, "x", "SEED-QUAL 001:832, 001:934", 1.0, 5.0,
                                   doc="Acceptance multiplier when the adviser already knows the firm")
    no_interest_acceptance_mult: float = param(0.8, "x", "SEED-QUAL 004:19-23 (the seeker shows interest)", 0.0, 1.0,
                                               doc="Acceptance when the user's interest lies elsewhere, relative")
    p_firm_ends_week: float = param(0.3, "prob./week", "SEED-QUAL 001:1549 (ultimatum after 4-5 months); ASSUMPTION", 0.0, 1.0,
                                    doc="Weekly chance a firm ends a placement once strained beyond its patience")
    firm_strain_mentor_level: float = param(0.5, "strain", "ASSUMPTION", 0.0, 1.0,
                                            doc="Mentor strain above which the firm counts the week as strained")
    routine_info_competence: float = param(0.5, "competence", "SEED-QUAL 001:1887 (routine information at each arrival); ASSUMPTION",
                                           0.0, 1.0, doc="Inclusion competence at which a firm starts informing colleagues routinely")
    p_interview_success: float = param(calibrated("labour_market.p_interview_success"), "prob.", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (T10 implicit)", 0.0, 1.0)
    job_prospect_mean: float = param(0.65, "prob.", "SEED-QUAL 001:798, 001:804 ('jobb' scarce); ASSUMPTION value", 0.0, 1.0,
                                     doc="Mean chance that a non-exploitative firm has a post when a trainee is ready")
    hire_threshold: float = param(0.5, "capability 0-1", "SEED-QUAL 001:1907 (10 % too low), 001:1422 (half)", 0.05, 1.0,
                                  doc="Work capability a firm needs to hire without subsidy")
    hire_threshold_sd: float = param(0.08, "0-1", "ASSUMPTION", 0.0, 0.5)
    small_firm_threshold_add: float = param(0.05, "0-1", "SEED-QUAL 001:1907 (small firms cannot carry low output)", 0.0, 0.5)
    p_firm_accepts_wage_subsidy: float = param(0.9, "prob.", "SEED-QUAL 001:1519, 001:454 (wage subsidy at hire); ASSUMPTION", 0.0, 1.0,
                                               doc="Chance a firm agrees to a wage subsidy the adviser applies for")
    p_spot_exploitative: float = param(0.6, "prob.", "SEED-QUAL 001:860, 001:1328; ASSUMPTION", 0.0, 1.0,
                                       doc="Chance that asking 'what does it take to get a job here?' shows a firm never hires")
    p_firm_agrees_to_inform: float = param(0.6, "prob.", "SEED-QUAL 001:1883, 001:1889; ASSUMPTION", 0.0, 1.0,
                                           doc="Chance an uninformed firm agrees to inform colleagues when the adviser asks")
    ia_door_opener_mult: float = param(1.5, "x", "SEED-QUAL 001:1066, 001:1366 (IA adviser at the first meeting); brief 9.4", 1.0, 5.0,
                                       doc="Acceptance of a first request when the IA adviser joins the meeting, relative")
    ia_conflict_mult: float = param(0.6, "x", "SEED-QUAL 001:1158, 001:1170-1172 (work-environment competence, early warning); "
                                    "ASSUMPTION", 0.0, 1.0,
                                    doc="Conflict chance at a firm the IA adviser works with, relative")
    wage_subsidy_threshold_relief: float = param(0.12, "0-1", "SEED-QUAL 001:1519 ('NAV betaler halve lønna'); value ASSUMPTION",
                                                 0.0, 0.5, doc="How far a wage subsidy lowers the capability a firm needs to hire")
    capacity_small: int = param(1, "trainees", "ASSUMPTION", 1, 10)
    capacity_large: int = param(2, "trainees", "ASSUMPTION", 1, 50)
    leader_change_hazard: float = param(0.004, "per week", "ASSUMPTION (SEED-QUAL 001:918, 001:1519)", 0.0, 0.1)
    p_end_on_leader_change: float = param(0.25, "prob.", "SEED-QUAL 001:1519 ('tilbake på NAV'); value ASSUMPTION", 0.0, 1.0)
    firm_patience_weeks: int = param(18, "weeks", "SEED 001:1549 ('4-5 måneder')", 1, 104,
                                     doc="Weeks of strain a firm tolerates before it ends a placement")
    post_failure_penalty: float = param(0.05, "willingness", "SEED-QUAL 001:1108 vs 001:884, 001:1757", 0.0, 1.0)
    success_boost: float = param(0.05, "willingness", "SEED-QUAL 001:1753, 001:1773", 0.0, 1.0)
    p_conflict_week_no_info: float = param(0.03, "prob./week", "SEED-QUAL 001:257, 001:1877", 0.0, 1.0)
    p_conflict_week_info: float = param(0.01, "prob./week", "SEED-QUAL 001:1883", 0.0, 1.0)


# Pathway dynamics of a candidate ------------------------------------------------------------
@dataclass
class PathwayConfig:
    progress_rate: float = param(calibrated("pathway.progress_rate"), "capability/week", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (~1 year to readiness, SEED-QUAL 001:1903)",
                                 0.0, 0.2)
    match_interest: float = param(0.8, "0-1", "SEED-QUAL 001:834, 004:19-21 (job match from interests); ASSUMPTION", 0.0, 1.0,
                                  doc="Match quality at a workplace in the user's interest area")
    match_other: float = param(0.35, "0-1", "SEED-QUAL 001:834 ('interesseområdet ble feil'); ASSUMPTION", 0.0, 1.0,
                               doc="Match quality at a workplace outside the user's interest area")
    match_noise: float = param(0.1, "0-1", "ASSUMPTION", 0.0, 0.5, doc="Half-width of the uniform noise on match quality")
    p_reveal_at_mapping: float = param(0.5, "prob.", "SEED-QUAL 001:924 (thorough mapping), P3; ASSUMPTION", 0.0, 1.0,
                                       doc="Chance a full mapping brings a hidden need out before the start")
    mapping_full_depth_weeks: float = param(3.0, "weeks", "SEED-QUAL 001:428-434; ASSUMPTION", 0.5, 26.0,
                                            doc="Mapping weeks that count as a full mapping")
    problem_poor_match: float = param(0.5, "+ rel. per unit of poor match", "SEED-QUAL 001:834, 001:1674", 0.0, 5.0)
    crisis_mental_health_mult: float = param(2.0, "x", "SEED-QUAL 001:900, 001:1684", 1.0, 10.0,
                                             doc="Crisis chance with a mental-health barrier, relative")
    stall_gain: float = param(0.02, "capability/period", "ASSUMPTION", 0.0, 0.5,
                              doc="Capability gain in a period below which the case counts as stalled (R25)")
    p_firm_extends: float = param(0.93, "prob./boundary", "SEED-QUAL 001:1897 (most attached > 3 months), 001:1586 (three 3-month "
                                  "contracts), 001:1499 (renewed for years); ASSUMPTION", 0.0, 1.0,
                                  doc="Chance a firm renews a placement at a period end after a meeting with NAV, with progress and "
                                      "no strain; the same under every way of working")
    extend_without_meeting_mult: float = param(0.85, "x", "SEED-QUAL 001:1602 ('forlengelse ... kan være usikkert'); ASSUMPTION",
                                               0.0, 1.0, doc="Renewal chance when nobody from NAV attends the period end, relative")
    strain_extend_weight: float = param(0.5, "share", "SEED-QUAL 001:1549 (the firm's patience runs out); ASSUMPTION", 0.0, 1.0,
                                        doc="How much strain that has used up the firm's patience lowers renewal")
    wage_subsidy_hours: float = param(1.5, "h", "SEED-QUAL 001:440 (forms, subsidy applications); ASSUMPTION", 0.0, 10.0,
                                      doc="Adviser hours to apply for and agree a wage subsidy")
    apprentice_sectors: list[str] = param(["construction_crafts", "industry", "hotel_restaurant", "health_care", "kindergarten",
                                           "retail"], "sectors", "SEED 001:1525-1541 (supported apprenticeship); ASSUMPTION list",
                                          doc="Interest areas with an apprenticeship route (fagbrev)")
    lockin_end_hazard: float = param(0.003, "per week", "SEED-QUAL 001:1519 (a new boss could end it); ASSUMPTION", 0.0, 0.1,
                                     doc="Weekly chance a permanently subsidised position ends")
    p_services_respond: float = param(0.2, "prob./week", "SEED-QUAL 001:1562 ('for statisk'), 002:37 (slow mobilisation); ASSUMPTION",
                                      0.0, 1.0, doc="Weekly chance health and support services act on a crisis of a user with mental-"
                                                    "health needs, without the adviser coordinating")
    p_services_coordinated: float = param(0.6, "prob./week", "SEED-QUAL 001:954, 001:1695 (the adviser coordinates the support "
                                          "system); ASSUMPTION", 0.0, 1.0,
                                          doc="The same in a week the adviser's crisis hours were granted")
    p_mentor_calls: float = param(0.5, "prob./week", "SEED-QUAL 001:870, 001:878 (mentors seldom call); ASSUMPTION", 0.0, 1.0,
                                  doc="Weekly chance a mentor who cannot handle a problem calls the adviser")
    p_reachable: float = param(0.8, "prob.", "SEED 001:1566, 001:1857 (phone off at 15:00), 001:876", 0.0, 1.0,
                               doc="Chance a call reaches an adviser who kept time for calls")
    p_call_resolves: float = param(0.6, "prob.", "SEED-QUAL 001:444 (available at short notice); ASSUMPTION", 0.0, 1.0,
                                   doc="Chance a call that gets through settles a small problem")
    stalled_extend_mult: float = param(0.6, "x", "SEED 001:1602 (extension uncertain); ASSUMPTION", 0.0, 1.0,
                                       doc="Extension chance of a stalled case, relative")
    security_base: float = param(0.2, "0-1", "ASSUMPTION", 0.0, 1.0, doc="Security with neither support nor contact")
    security_support_weight: float = param(0.5, "0-1", "SEED-QUAL 001:808 ('trygghetsperson')", 0.0, 1.0)
    security_contact_weight: float = param(0.3, "0-1", "SEED-QUAL 001:444, 001:1612-1614", 0.0, 1.0)
    contact_window_weeks: int = param(4, "weeks", "SEED-QUAL 000:72 (monthly phone call)", 1, 26,
                                      doc="A contact this recent counts as 'in contact' (security, post-hire follow-up)")
    apprentice_max_age: int = param(24, "years", "ASSUMPTION (upper-secondary apprenticeships; 001:1525-1541)", 16, 99)
    progress_mult_no_support: float = param(0.35, "x", "SEED-QUAL 001:808, 001:1501", 0.0, 1.0,
                                            doc="Progress with no mentor or on-site support, relative to full support")
    progress_mult_poor_match: float = param(0.5, "x", "SEED-QUAL 001:834", 0.0, 1.0)
    p_stall_week: float = param(0.05, "prob./week", "SEED-QUAL 001:1893, 001:241", 0.0, 1.0)
    p_problem_week: float = param(0.05, "prob./week", "SEED-QUAL 001:922 ('små ting'); value ASSUMPTION", 0.0, 1.0,
                                  doc="Base weekly chance of a small problem at the workplace")
    problem_barrier_mult: float = param(0.25, "x per barrier", "ASSUMPTION (barriers 000:48, 000:52)", 0.0, 2.0)
    escalation_weeks: int = param(3, "weeks", "SEED-QUAL 001:922, 004:31; value ASSUMPTION", 1, 26,
                                  doc="Weeks an unnoticed small problem takes to become a crisis")
    p_crisis_week: float = param(0.01, "prob./week", "SEED-QUAL 001:900, 001:1684 (psychological crises)", 0.0, 1.0)
    p_crisis_resolve: float = param(0.5, "prob./week", "ASSUMPTION", 0.0, 1.0,
                                    doc="Weekly chance a crisis is resolved when adviser crisis hours are delivered")
    p_crisis_resolve_unaided: float = param(0.1, "prob./week", "ASSUMPTION", 0.0, 1.0)
    h0_drop_small: float = param(calibrated("pathway.h0_drop_small"), "per week", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (brief 6.3/9.3: 0.004)", 0.0, 0.5)
    h0_drop_medium: float = param(calibrated("pathway.h0_drop_medium"), "per week", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (brief: 0.008)", 0.0, 0.5)
    h0_drop_large: float = param(calibrated("pathway.h0_drop_large"), "per week", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION (brief: 0.015)", 0.0, 0.5)
    m_no_mentor: float = param(2.0, "x hazard", "SEED-QUAL 001:808 ('trygghetsperson')", 1.0, 10.0)
    c_crisis: float = param(6.0, "+ rel. hazard", "SEED-QUAL 001:900", 0.0, 50.0)
    c_problem: float = param(1.0, "+ rel. hazard", "SEED-QUAL 001:922", 0.0, 20.0)
    c_insecure: float = param(2.0, "+ rel. hazard at zero security", "SEED-QUAL 001:808, 001:1586", 0.0, 20.0)
    c_poor_match: float = param(1.0, "+ rel. hazard at zero match", "SEED-QUAL 001:834, 001:1674", 0.0, 20.0)
    training_period_weeks: int = param(13, "weeks", "SEED 001:1010, 001:1602 (3 months)", 1, 52)
    period_end_weeks: int = param(3, "weeks", "SEED-QUAL 001:1586 (uncertainty before renewal)", 0, 13,
                                  doc="Weeks before a period boundary in which insecurity rises (R1)")
    period_end_insecurity: float = param(0.25, "security", "SEED-QUAL 001:1586, 001:243; value ASSUMPTION", 0.0, 1.0)
    long_term_signal: bool = param(False, "bool", "SEED-QUAL 001:1014, 001:1945 (lever)",
                                   doc="A clear long-term horizon from day 1 removes period-end insecurity")
    max_training_weeks: int = param(104, "weeks", "SEED 001:1012 ('et par år'); EVID N8 (12+6 months)", 13, 520)
    p_apprentice_at_eval: float = param(0.06, "prob.", "SEED 001:407 (2 of 49); calibrated", 0.0, 1.0,
                                        doc="Chance a ready candidate of apprentice age with an interest in a trade (apprentice_sectors) "
                                            "takes an apprenticeship after a guidance conversation")
    p_education_at_eval: float = param(0.05, "prob.", "SEED 001:407 (2 of 49), 001:1793; calibrated", 0.0, 1.0,
                                       doc="Chance a ready candidate of average study motivation chooses education after a guidance "
                                           "conversation (x motivation / 0.5)")
    choice_without_guidance_mult: float = param(0.3, "x", "SEED-QUAL 001:454 (career guidance at evaluation); value ASSUMPTION",
                                                0.0, 1.0, doc="Apprenticeship/education chance without a career-guidance meeting, relative")
    move_on_after_weeks: int = param(26, "weeks", "SEED-QUAL 001:798 (training 'med mulighet for jobb' is scarce); ASSUMPTION",
                                     1, 520, doc="A goal-setting adviser looks for another workplace after this long ready without an opening")
    lockin_after_weeks: int = param(52, "weeks", "SEED-QUAL 001:1499, 001:1521", 13, 520,
                                    doc="Weeks in training after which a plateaued candidate may be kept on permanent subsidy")
    p_lockin: float = param(0.3, "prob. per boundary", "SEED-QUAL 001:1519-1521; value ASSUMPTION", 0.0, 1.0)
    goal_lockin_mult: float = param(0.3, "x", "SEED-QUAL 001:860, 001:916 (concrete demands avoid 'evig arbeidstrening'); ASSUMPTION",
                                    0.0, 1.0, doc="Lock-in chance when the adviser sets job goals, relative to when not")
    stuck_weeks: int = param(26, "weeks", "ASSUMPTION", 4, 520,
                             doc="A case that got no adviser hours for screening, mapping, interview, start-up or evaluation this long goes back")
    post_hire_hazard: float = param(calibrated("pathway.post_hire_hazard"), "per week", "calibrated (conf/ensemble/set0.yaml); EVID J1-J3, D1 (jobs end often: ~10-15 %/month in US IPS samples); brief 0.004; "
                                    "value ASSUMPTION for Norway's stronger job protection", 0.0, 0.2,
                                    doc="Weekly job-loss hazard with neither mentor nor follow-up nor firm competence")
    post_hire_below_threshold_mult: float = param(1.5, "x", "SEED-QUAL 001:1907 (firms cannot carry low output); ASSUMPTION",
                                                  1.0, 10.0, doc="Job-loss hazard while capability is below what the firm needs without support")
    post_hire_mentor_kept_mult: float = param(0.5, "x", "SEED-QUAL 001:452; value ASSUMPTION", 0.0, 1.0)
    post_hire_followup_mult: float = param(0.7, "x", "SEED-QUAL 001:452, 001:1509; value ASSUMPTION", 0.0, 1.0)
    post_hire_need_mult_large: float = param(1.5, "x", "ASSUMPTION (EVID D2 structure)", 1.0, 5.0)
    quit_wage_hazard: float = param(0.001, "per week", "SEED-QUAL 001:1905", 0.0, 0.1)
    reentry_cooldown_weeks: int = param(13, "weeks", "ASSUMPTION", 0, 104,
                                        doc="Weeks after a dropout, firm-ended placement or job loss before a new attempt")
    wage_subsidy_weeks: int = param(52, "weeks", "ASSUMPTION (time-limited lønnstilskudd)", 0, 520)
    security0: float = param(0.5, "0-1", "ASSUMPTION", 0.0, 1.0)
    security_adjust: float = param(0.3, "per week", "ASSUMPTION", 0.0, 1.0)


# Mentors, subsidy and network ---------------------------------------------------------------
@dataclass
class MentorConfig:
    share_leader_is_mentor: float = param(0.5, "share", "SEED-QUAL 001:1747 ('nokså utbredt'), 000:36", 0.0, 1.0)
    competence0: float = param(0.2, "0-1", "SEED-QUAL 001:866 (little knowledge at start)", 0.0, 1.0)
    competence0_sd: float = param(0.1, "0-1", "ASSUMPTION", 0.0, 0.5)
    hours_needed_small: float = param(3.0, "h/week", "ASSUMPTION (EVID A3: 1-1.5 h/week of contact alone)", 0.0, 40.0)
    hours_needed_medium: float = param(5.0, "h/week", "SEED 001:1002 (one hour a day is the usual start)", 0.0, 40.0)
    hours_needed_large: float = param(7.5, "h/week", "SEED-QUAL 001:1004 (1 h/day can be too little for a heavy user)", 0.0, 40.0)
    hidden_need_hours_mult: float = param(1.5, "x", "SEED-QUAL 001:792, 001:1034", 1.0, 5.0)
    goodwill_hours: float = param(1.5, "h/week", "SEED-QUAL 001:1004 (work takes more than paid)", 0.0, 20.0,
                                  doc="Unpaid hours a mentor will add beyond the subsidised hours")
    strain_gain: float = param(0.04, "per hard week", "ASSUMPTION (brief 0.02; SEED-QUAL 001:1554)", 0.0, 1.0)
    strain_relief_adviser: float = param(0.5, "x gain", "SEED-QUAL 001:1574, 000:68", 0.0, 1.0,
                                         doc="Share of strain gain removed in a week the adviser is in contact")
    strain_recovery: float = param(0.02, "per easy week", "ASSUMPTION", 0.0, 1.0)
    burnout_threshold: float = param(0.7, "0-1", "ASSUMPTION (SEED-QUAL 001:1604)", 0.0, 1.0)
    p_replace_mentor: float = param(0.5, "prob.", "SEED-QUAL 001:836 (P15); value ASSUMPTION", 0.0, 1.0,
                                    doc="Chance an adviser in contact finds a replacement mentor when one withdraws")
    network_session_hours: float = param(2.0, "h", "SEED 001:1252 ('På to timer')", 0.0, 8.0)
    network_interval_weeks: int = param(4, "weeks", "SEED 001:448 (monthly); 001:1186 (bimonthly); 0 = none", 0, 52,
                                        doc="Weeks between mentor network sessions, held where a way of working has a network")
    p_attend_binding: float = param(0.7, "prob.", "SEED-QUAL 001:1240-1246", 0.0, 1.0)
    p_attend_voluntary: float = param(0.3, "prob.", "SEED-QUAL 001:2021", 0.0, 1.0)
    network_competence_gain: float = param(0.03, "per session", "ASSUMPTION (SEED-QUAL 001:1192, 001:1640)", 0.0, 1.0)
    network_strain_relief: float = param(0.05, "per session", "SEED-QUAL 001:1640-1644", 0.0, 1.0)
    alpha_practice: float = param(0.02, "per supported week", "ASSUMPTION (SEED-QUAL 000:44, 001:906)", 0.0, 1.0)
    handle_problem_weight: float = param(0.5, "x competence", "SEED-QUAL 001:906 ('selvgående'); ASSUMPTION", 0.0, 1.0,
                                         doc="Chance per week a mentor defuses a small problem = weight x competence")
    p_register_after_success: float = param(0.8, "prob.", "SEED-QUAL 001:456", 0.0, 1.0)
    registry_acceptance_mult: float = param(1.5, "x", "SEED-QUAL 001:422, 001:456 (proven mentors); ASSUMPTION", 1.0, 5.0,
                                            doc="Acceptance at a registered mentor's firm, relative")
    burnout_rest_weeks: int = param(52, "weeks", "SEED-QUAL 001:1604 ('da måtte jeg bare si nei'); ASSUMPTION", 0, 520)
    p_firm_ends_on_burnout: float = param(0.5, "prob.", "SEED-QUAL 001:1549; ASSUMPTION", 0.0, 1.0,
                                          doc="Chance the firm ends the placement when its mentor gives up and no new one is found")
    binding_withdrawal_mult: float = param(0.5, "x", "SEED-QUAL 001:1238 (R20: without a binding agreement the firm may pull out)",
                                           0.0, 1.0, doc="Withdrawal chance with a binding agreement, relative")
    p_assign_later: float = param(0.15, "prob./contact", "SEED-QUAL 001:826-828, 001:844 (mentor chosen after start); ASSUMPTION",
                                  0.0, 1.0, doc="Chance per adviser contact that a placement without a mentor gets one")
    competence_effect_weight: float = param(calibrated("mentor.competence_effect_weight"), "share", "calibrated (conf/ensemble/set0.yaml); ASSUMPTION", 0.0, 1.0,
                                            doc="Mentor support effect = delivered share x (1 - w + w x competence) x authority")
    authority_min: float = param(0.6, "0-1", "SEED-QUAL 003:23 (mentors often lack authority)", 0.0, 1.0,
                                 doc="Lowest authority of a colleague mentor (leaders have 1)")
    strain_weight_problem: float = param(0.5, "x", "ASSUMPTION", 0.0, 5.0, doc="Weight of a small-problem week in mentor strain (crisis = 1)")
    strain_weight_unpaid: float = param(0.5, "x", "SEED-QUAL 001:1004; ASSUMPTION", 0.0, 5.0,
                                        doc="Weight of unpaid hours (per goodwill budget) in mentor strain")
    registry_pause_weeks: int = param(13, "weeks", "SEED-QUAL 001:1604 (capacity limits a new candidate)", 0, 104)
    loss_security_drop: float = param(0.2, "security", "SEED-QUAL 001:904 (absence when the mentor moved), 001:808; ASSUMPTION",
                                      0.0, 1.0, doc="Drop in the user's security when the mentor stops")
    p_mentor_available: float = param(0.85, "prob.", "SEED-QUAL 001:826, 001:858, 001:1747 (a colleague or the leader); ASSUMPTION",
                                      0.0, 1.0, doc="Chance the firm has someone to mentor when the adviser recruits one")
    briefing_competence_gain: float = param(0.15, "competence", "SEED-QUAL 001:866, 001:880 (introducing the role); ASSUMPTION",
                                            0.0, 0.5, doc="Starting competence a fully briefed mentor gains")
    full_briefing_hours: float = param(2.0, "h", "ASSUMPTION", 0.1, 10.0, doc="Recruitment hours that brief a mentor fully")
    p_sign_agreement: float = param(0.5, "prob.", "SEED-QUAL 001:1234-1246; ASSUMPTION", 0.0, 1.0,
                                    doc="Chance a mentor signs a binding network agreement when asked")
    p_continue_after_hire: float = param(0.9, "prob.", "SEED 001:452; ASSUMPTION", 0.0, 1.0,
                                         doc="Chance an unstrained mentor goes on after hire when the adviser arranges it")
    leave_firm_hazard: float = param(0.003, "per week", "SEED-QUAL 001:904 (absence rose when the mentor moved), 001:836; ASSUMPTION",
                                     0.0, 0.1, doc="Weekly chance a mentor moves or leaves the firm")
    network_peer_support_weeks: int = param(4, "weeks", "SEED-QUAL 001:1192, 001:1640-1644 (mentors correct each other); ASSUMPTION",
                                            0, 26, doc="Weeks after a network session in which a mentor handles problems better")
    network_problem_solving_mult: float = param(1.5, "x", "SEED-QUAL 001:1192, 001:1640; ASSUMPTION", 1.0, 3.0,
                                                doc="A mentor's chance of defusing a problem in those weeks, relative")


# Learning -----------------------------------------------------------------------------------
@dataclass
class LearningConfig:
    adviser_competence0: float = param(0.2, "0-1", "SEED-QUAL 001:946 ('vettskremt' at first)", 0.0, 1.0)
    js_competence0: float = param(0.5, "0-1", "SEED-QUAL 002:15, 002:37 (specialised competence)", 0.0, 1.0)
    alpha_adviser_practice: float = param(0.02, "per case-week", "ASSUMPTION (SEED-QUAL 001:968-990)", 0.0, 1.0)
    decay_inactive: float = param(0.002, "per week", "ASSUMPTION", 0.0, 0.1)
    kappa_adviser: float = param(0.3, "share of hours saved", "SEED-QUAL 001:1334", 0.0, 0.9)
    kappa_mentor: float = param(0.3, "share of hours saved", "SEED-QUAL 001:990", 0.0, 0.9)
    office_spillover: float = param(0.01, "per week", "SEED-QUAL 001:982-986", 0.0, 0.2)
    alpha_firm_per_inclusion: float = param(0.1, "per pathway", "ASSUMPTION (SEED-QUAL 001:1753, 001:1773)", 0.0, 1.0)
    detect_competence_weight: float = param(0.4, "share", "ASSUMPTION", 0.0, 1.0,
                                            doc="Detection = p_detect x (1 - w + w x adviser competence) x contact quality")
    p_detect_proactive: float = param(0.7, "prob./contact", "ASSUMPTION (brief 0.5; SEED-QUAL 001:922, 004:31)", 0.0, 1.0)
    network_adviser_gain: float = param(0.02, "per session", "SEED-QUAL 001:1188, 001:1196 (gatherings and professional days), "
                                        "001:990 (learning from mentors); ASSUMPTION", 0.0, 0.2,
                                        doc="Competence an adviser who runs a network session gains")
    confidence_acceptance_weight: float = param(0.5, "x", "SEED-QUAL 001:946, 001:1138", 0.0, 2.0,
                                                doc="Acceptance multiplier is 1 + weight x (competence - 0.5)")


# The world: one office, or many sharing regional labour markets ----------------------------
@dataclass
class WorldConfig:
    n_offices: int = param(1, "offices", "run control (Norway has about 250 NAV offices)", 1, 1000, doc=(
        "NAV offices, each with the staff, caseloads and inflow of `office` and `population`; results in total and by office"))
    offices_per_region: int = param(1, "offices", "ASSUMPTION (offices in a labour-market region share its employers)",
                                    1, 1000, doc="Offices that share one labour market of `labour_market.n_firms` firms")


# Top level ----------------------------------------------------------------------------------
@dataclass
class Config:
    """The model's settings: what a run computes. How and where a command runs and shows it (its
    folder, language, report, processes) is the command's (``inclusim.compose.CommandSettings``)."""
    seed: int = param(1, "-", "run control", 0, 2**32 - 1, doc="One seed per run; named streams are split from it")
    horizon_weeks: int = param(156, "weeks", "SEED 001:88 (3-year project)", 1, 1040)
    record_events: bool = param(True, "bool", "run control", doc="Keep the event table (one row per state change)")
    sensitivity_design: str = param("none", "-", "run control", choices=("none", "morris", "sobol", "both"),
                                    doc="Design of a sensitivity sweep (conf/sensitivity.yaml); none for other runs")
    sensitivity_point: int = param(0, "-", "run control", 0, 1_000_000,
                                   doc="Point of the sensitivity design whose factors the run's values carry")
    parameter_set: int = param(0, "-", "run control", 0, 10_000,
                               doc="Member of the calibrated ensemble the run's values come from (`ensemble=setK` sets "
                                   "both, conf/ensemble/setK.yaml); 0 is the best set, the defaults")
    world: WorldConfig = field(default_factory=WorldConfig)
    office: OfficeConfig = field(default_factory=OfficeConfig)
    population: PopulationConfig = field(default_factory=PopulationConfig)
    ordinary_users: OrdinaryUsersConfig = field(default_factory=OrdinaryUsersConfig)
    labour_market: LabourMarketConfig = field(default_factory=LabourMarketConfig)
    pathway: PathwayConfig = field(default_factory=PathwayConfig)
    mentor: MentorConfig = field(default_factory=MentorConfig)
    learning: LearningConfig = field(default_factory=LearningConfig)
    cost: CostConfig = field(default_factory=CostConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)


def validate(cfg: Config) -> Config:
    """Check every parameter against its declared type and range, and the cross-field rules.

    Raises ConfigError with a message naming the field, the value and what is allowed.
    """
    for name, value, f in iter_params(cfg):
        check_leaf(name, value, f)
    pop = cfg.population
    shares = (pop.need_share_small, pop.need_share_medium, pop.need_share_large)
    if abs(sum(shares) - 1.0) > 1e-6:
        raise ConfigError("population.need_share_small + need_share_medium + need_share_large = "
                          f"{sum(shares):g}: the three shares must add up to 1")
    office = cfg.office
    if office.caseload_cap < office.caseload_ordinary:
        raise ConfigError(f"office.caseload_cap = {office.caseload_cap}: must be at least office.caseload_ordinary "
                          f"= {office.caseload_ordinary} (new users go to advisers below the cap)")
    weights = cfg.labour_market.sector_weights
    unknown = sorted(set(weights) - set(SECTORS))
    if unknown:
        raise ConfigError(f"labour_market.sector_weights has unknown sector(s) {unknown}: allowed sectors are {', '.join(SECTORS)}")
    if any((not isinstance(w, (int, float))) or w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ConfigError(f"labour_market.sector_weights = {dict(weights)}: weights must be >= 0 and not all 0")
    bad = [x for x in cfg.pathway.apprentice_sectors if x not in SECTORS]
    if bad:
        raise ConfigError(f"pathway.apprentice_sectors = {cfg.pathway.apprentice_sectors}: allowed sectors are {', '.join(SECTORS)}")
    cfg.policy.check_staff(office)
    cfg.policy.check("policy.")
    return cfg


def from_dict(data: dict | None) -> Config:
    """A Config from a partial nested dict on top of the defaults (unknown keys are refused)."""
    return merge(Config(), data)


def resolve(cfg: Config) -> Config:
    """``cfg`` with its policy settings in the settings class of the policy they name, and the settings
    of the policy's parts switched off (``policy.without``) applied."""
    cfg = merge(cfg, {"policy": {"name": cfg.policy.name}})
    return merge(cfg, cfg.policy.settings_without()) if cfg.policy.without else cfg


def config_hash(cfg: Config) -> str:
    """A short stable hash of every parameter value (the seed included)."""
    return stable_hash(to_dict(cfg))


__all__ = ["Config", "ConfigError", "NEED_LEVELS", "config_hash", "from_dict", "resolve", "validate"]
