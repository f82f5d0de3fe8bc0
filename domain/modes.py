"""Ways of working (follow-up modes) and the settings every policy shares.

A follow-up mode says what an adviser does with one case: how long mapping takes, how the search
works, how often and how proactively the workplace is contacted, whether the mentor is supported,
how long follow-up lasts after hire. Its settings are a :class:`FollowupModeConfig`; the three
ways of working of the seeds have their sheets below (:func:`saksbehandler_mode`,
:func:`hybrid_mode`, :func:`jobbspesialist_mode`), one readable parameter sheet each.

A policy's settings are a :class:`PolicyConfig` (or a subclass a policy module declares with its
own fields): its name, the ordinary activity review every policy shares, and ``modes``, the
settings of each way of working the policy uses. Policy modules register their settings class
with :func:`register_policy_config`; a config naming a policy takes that class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.params import ConfigError, param


@dataclass
class FollowupModeConfig:
    mapping_weeks: int = param(3, "weeks", "SEED-QUAL 001:428-434, 001:802; SB none 001:834", 0, 26)
    mapping_hours_per_week: float = param(2.0, "h/week", "SEED 001:738 (two talks at least)", 0.0, 20.0)
    interest_based_search: bool = param(True, "bool", "SEED-QUAL 001:436, 001:822 (job match from interests)")
    use_known_firms: float = param(0.2, "share of contacts", "SEED-QUAL 001:832, 001:934", 0.0, 1.0)
    employer_contacts_per_week: float = param(1.0, "contacts/week", "ASSUMPTION (brief 9.2 SB 0.25/HY 1/JS 2)", 0.0, 20.0)
    hours_per_employer_contact: float = param(1.0, "h", "ASSUMPTION (brief 9.2)", 0.0, 10.0)
    field_based: bool = param(False, "bool", "SEED 001:623-625 ('hovedsakelig ute'); travel on every contact")
    screen_exploitative: float = param(0.5, "prob.", "SEED-QUAL 001:860, 001:1328 ('hva skal til for å få jobb her?')", 0.0, 1.0,
                                       doc="Chance the adviser spots a firm with no intention to hire and moves on")
    search_give_up_weeks: int = param(52, "weeks", "ASSUMPTION (T8 not stated)", 1, 520)
    interview_hours: float = param(2.0, "h", "ASSUMPTION (001:438)", 0.0, 20.0)
    startup_hours: float = param(4.0, "h", "ASSUMPTION (brief 9.2; content 001:440)", 0.0, 20.0)
    p_mentor: float = param(1.0, "prob.", "SEED-QUAL 001:1000 (SB: subsidy in a rush), 001:440", 0.0, 1.0,
                            doc="Chance a mentor is in place at start-up")
    subsidy_adjustable: bool = param(True, "bool", "SEED-QUAL 001:1004, 003:25")
    fixed_subsidy_hours: float = param(5.0, "h/week", "SEED 001:1002 (one hour a day)", 0.0, 40.0)
    early_weeks: int = param(8, "weeks", "SEED-QUAL 001:444 ('tett kontakt ... i starten')", 0, 52)
    contact_interval_early: int = param(1, "weeks", "SEED-QUAL 001:444", 1, 52,
                                        doc="Weeks between contacts with candidate and mentor in the first weeks")
    contact_interval_stable: int = param(2, "weeks", "SEED-QUAL 001:444, 001:870", 1, 52)
    contact_hours: float = param(1.25, "h", "ASSUMPTION (brief 9.2: hybrid 2.0 h/week early, 0.75 stable; EVID A1)", 0.0, 20.0)
    visit_share: float = param(0.5, "share of contacts", "SEED-QUAL 001:870 (increasingly workplace visits)", 0.0, 1.0,
                               doc="Share of contacts held at the workplace (adds travel)")
    proactive: bool = param(True, "bool", "SEED 001:920 ('brannforebyggende')",
                            doc="Contacts look for emerging problems; a reactive mode learns of problems only as crises")
    crisis_hours: float = param(4.0, "h/week", "SEED-QUAL 001:912 ('et par ganger i uka')", 0.0, 40.0)
    crisis_response_lag_weeks: int = param(0, "weeks", "SEED 001:1666 ('kan jo ta en måned') for SB", 0, 26)
    onsite_support: float = param(0.0, "0-1", "SEED-QUAL 001:680 (JS may do the support work itself)", 0.0, 1.0,
                                  doc="Share of the candidate's workplace support the adviser gives directly when a contact happens")
    evaluation_interval_weeks: int = param(4, "weeks", "SEED-QUAL 001:916 (concrete goals); SB 001:960", 1, 52,
                                           doc="How often readiness for a job is checked")
    evaluation_hours: float = param(2.0, "h", "ASSUMPTION (001:454)", 0.0, 20.0)
    sets_job_goal: bool = param(True, "bool", "SEED 001:860, 001:916 (avoid 'evig arbeidstrening')",
                                doc="Adviser asks 'what does it take to get a job here?' and moves on when no post comes")
    p_wage_subsidy: float = param(0.9, "prob.", "SEED-QUAL 001:454, 001:1002-1004 (conscious, need-tested subsidy use); ASSUMPTION",
                                  0.0, 1.0, doc="Chance the adviser arranges a wage subsidy with the workplace (once per workplace)")
    career_guidance: bool = param(True, "bool", "SEED 001:454 (evaluation meeting)")
    p_extend: float = param(0.95, "prob./boundary", "ASSUMPTION (brief 9.6: SB 0.7 / HY 0.9 / JS 0.9); SEED-QUAL 001:1897 (most > 3 months)", 0.0, 1.0)
    encourage_info: float = param(0.6, "prob.", "SEED-QUAL 001:1883, 001:1889", 0.0, 1.0,
                                  doc="Chance the adviser gets an uninformed firm to inform colleagues at start-up")
    binding_agreement_share: float = param(0.5, "share", "SEED-QUAL 001:1234-1246", 0.0, 1.0)
    network: bool = param(True, "bool", "SEED 001:448 (monthly mentor network)")
    register_mentors: bool = param(True, "bool", "SEED 001:456 (mentor registry)")
    p_reuse_registered: float = param(0.3, "prob./search", "ASSUMPTION (SEED-QUAL 001:422, 001:832)", 0.0, 1.0)
    post_followup_weeks: int = param(26, "weeks", "SEED-QUAL 001:452; value ASSUMPTION", 0, 520)
    post_followup_hours: float = param(0.5, "h/week", "ASSUMPTION", 0.0, 20.0)
    keep_mentor_after_hire: float = param(0.9, "prob.", "SEED 001:452", 0.0, 1.0)
    co_creation: bool = param(True, "bool", "SEED 001:680 (room and dependence on co-creation)",
                              doc="Adviser contacts teach the mentor and the firm (natural support grows)")
    scales_with_time: bool = param(False, "bool", "SEED 001:744 (KVP adviser with 18 users can work more closely); EVID C2-C4",
                                   doc="Contact rhythm, search rate and crisis response follow the adviser's ordinary follow-up intensity")
    place_then_train: bool = param(False, "bool", "SEED 001:593, 002:9-21 (place then train); EVID T2, F9 (IPS)",
                                   doc="Search also asks employers for a paid job with follow-along support when the user is near ready")
    job_support_credit: float = param(0.0, "capability", "EVID E1-E3, F9 (IPS follow-along); value ASSUMPTION", 0.0, 0.5,
                                      doc="How far the adviser's follow-along support lowers the capability a firm needs for a direct hire")
    drift_below_hours: float = param(0.3, "h/case/week", "ASSUMPTION (SEED-QUAL 001:684)", 0.0, 10.0,
                                     doc="A close case whose granted hours (moving average) fall below this drifts to "
                                         "saksbehandler-like follow-up; 0: never drifts")


def saksbehandler_mode() -> FollowupModeConfig:
    """Ordinary case work [001:646-652], [001:834], [001:960], [001:1000], [001:1666]."""
    return FollowupModeConfig(
        mapping_weeks=0, interest_based_search=False, use_known_firms=0.7,
        employer_contacts_per_week=0.5, screen_exploitative=0.0, search_give_up_weeks=26,
        interview_hours=1.0, startup_hours=1.5, p_mentor=0.7, subsidy_adjustable=False,
        early_weeks=0, contact_interval_early=4, contact_interval_stable=4, contact_hours=0.25,
        visit_share=0.0, proactive=False, crisis_hours=2.0, crisis_response_lag_weeks=4,
        onsite_support=0.0, evaluation_interval_weeks=13, sets_job_goal=False, career_guidance=False,
        p_wage_subsidy=0.5, p_extend=0.85, encourage_info=0.0, binding_agreement_share=0.0, network=False,
        register_mentors=False, p_reuse_registered=0.0, post_followup_weeks=0, post_followup_hours=0.0,
        keep_mentor_after_hire=0.2, co_creation=False, scales_with_time=True, drift_below_hours=0.0,
    )


def hybrid_mode() -> FollowupModeConfig:
    """Close follow-up with a workplace mentor [001:660-664], [001:428-456] (the class defaults)."""
    return FollowupModeConfig()


def jobbspesialist_mode() -> FollowupModeConfig:
    """Supported Employment / IPS [001:593], [001:623-625]; EVID F1-F9."""
    return FollowupModeConfig(
        mapping_weeks=2, employer_contacts_per_week=2.0, field_based=True, use_known_firms=0.2,
        screen_exploitative=0.6, search_give_up_weeks=104, p_mentor=0.6, early_weeks=13, contact_interval_early=1,
        contact_interval_stable=2, contact_hours=1.2, visit_share=0.8, onsite_support=0.6,
        place_then_train=True, job_support_credit=0.1,
        evaluation_interval_weeks=4, network=False, register_mentors=False, p_reuse_registered=0.0,
        post_followup_weeks=52, post_followup_hours=0.75, keep_mentor_after_hire=0.5, co_creation=False,
        binding_agreement_share=0.0, drift_below_hours=0.0,
    )


# --------------------------------------------------------------------------------------------
# A policy's settings
# --------------------------------------------------------------------------------------------
_POLICY_CONFIGS: dict[str, type] = {}


def register_policy_config(name: str, cls: type) -> None:
    """Make ``cls`` the settings class of the policy ``name`` (called by the policy registry)."""
    _POLICY_CONFIGS[name] = cls


def registered_policy_configs() -> dict[str, type]:
    return dict(_POLICY_CONFIGS)


@dataclass
class OrdinaryModes:
    """The way of working every policy uses: ordinary case work."""

    saksbehandler: FollowupModeConfig = field(default_factory=saksbehandler_mode)


@dataclass
class PolicyConfig:
    """Settings of a policy: its name, the ordinary activity review, and its ways of working."""

    name: str = param("saksbehandler", "-", "SEED 001:646-694",
                      doc="Follow-up policy: saksbehandler, hybrid, jobbspesialist, brobygger or another registered module")
    review_interval_weeks: int = param(26, "weeks", "SEED-QUAL 001:834 (aktivitetskrav); value ASSUMPTION", 1, 260,
                                       doc="Weeks between activity reviews of a user in ordinary follow-up")
    p_placement_at_review: float = param(0.5, "prob.", "SEED-QUAL 001:834 ('vi bare plasserer dem ut'); ASSUMPTION", 0.0, 1.0,
                                         doc="Chance an activity review starts an ordinary (saksbehandler) placement attempt")
    modes: OrdinaryModes = field(default_factory=OrdinaryModes)

    @classmethod
    def resolve_type(cls, data: dict, current, prefix: str) -> type:
        """The settings class of the policy these settings name (used by ``domain.params.merge``)."""
        name = data.get("name", current.name)
        if name in _POLICY_CONFIGS:
            return _POLICY_CONFIGS[name]
        if name == current.name and not _POLICY_CONFIGS:
            return type(current)
        allowed = ", ".join(sorted(_POLICY_CONFIGS)) or "(none registered: import scenarios.policies)"
        raise ConfigError(f"{prefix}name = {name!r}: allowed policies are {allowed}")

    def check(self, prefix: str) -> None:
        """Cross-field checks of a policy's own settings (a subclass adds its own)."""
