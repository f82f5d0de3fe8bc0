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

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar

from domain.params import ConfigError, check_choices, param, refuse


@dataclass
class FollowupModeConfig:
    """What an adviser does with one case under one way of working.

    Practices are hours: a practice a way of working does not use has 0 hours. Every practice's
    effect happens only when its hours were granted that week (a meeting that took place, a
    contact that was made); how likely the effect then is (a firm agreeing, a mentor signing) is
    a property of the firm, the mentor or the user, the same under every way of working.
    """

    # mapping and search
    mapping_weeks: int = param(3, "weeks", "SEED-QUAL 001:428-434, 001:802; SB none 001:834", 0, 26)
    mapping_hours_per_week: float = param(2.0, "h/week", "SEED 001:738 (two talks at least)", 0.0, 20.0)
    interest_based_search: bool = param(True, "bool", "SEED-QUAL 001:436, 001:822 (job match from interests)",
                                        doc="Search goes to firms in the user's interest area once mapping found it (needs the mapping hours)")
    use_known_firms: float = param(0.2, "share of contacts", "SEED-QUAL 001:832, 001:934", 0.0, 1.0)
    employer_contacts_per_week: float = param(1.0, "contacts/week", "ASSUMPTION (brief 9.2 SB 0.25/HY 1/JS 2)", 0.0, 20.0)
    hours_per_employer_contact: float = param(1.0, "h", "ASSUMPTION (brief 9.2)", 0.0, 10.0)
    field_based: bool = param(False, "bool", "SEED 001:623-625 ('hovedsakelig ute'); travel on every contact")
    exploitation_check_hours: float = param(0.25, "h/contact", "SEED-QUAL 001:860, 001:1328 ('hva skal til for å få jobb her?'); "
                                            "hours ASSUMPTION", 0.0, 5.0,
                                            doc="Practice: asking each firm what it takes to get a job there (spots firms that never hire)")
    search_give_up_weeks: int = param(52, "weeks", "ASSUMPTION (T8 not stated)", 1, 520)
    p_reuse_registered: float = param(0.3, "prob./contact", "ASSUMPTION (SEED-QUAL 001:422, 001:832)", 0.0, 1.0,
                                      doc="Share of contacts that go to a registered mentor's firm (when the registry has one free)")
    place_then_train: bool = param(False, "bool", "SEED 001:593, 002:9-21 (place then train); EVID T2, F9 (IPS)",
                                   doc="Search also asks employers for a paid job with follow-along support when the user is near ready")
    job_support_credit: float = param(0.0, "capability", "EVID E1-E3, F9 (IPS follow-along); value ASSUMPTION", 0.0, 0.5,
                                      doc="How far promised follow-along support lowers the capability a firm needs for a direct "
                                          "hire (kept only if the post-hire follow-up hours are granted: job loss otherwise)")
    # the start of a placement
    interview_hours: float = param(2.0, "h", "ASSUMPTION (001:438)", 0.0, 20.0)
    startup_hours: float = param(3.0, "h", "ASSUMPTION (brief 9.2; content 001:440)", 0.0, 20.0,
                                 doc="The start-up meeting itself (frame, working hours, forms, plan)")
    mentor_recruitment_hours: float = param(2.0, "h", "SEED-QUAL 001:826, 000:30 (explaining the role, finding the mentor with "
                                            "the firm); SB 001:1000 ('i full fart'); hours ASSUMPTION", 0.0, 10.0,
                                            doc="Practice at start-up: finding the mentor with the firm and explaining the role; "
                                                "a briefed mentor starts more competent (0: no mentor is recruited)")
    colleague_info_hours: float = param(0.5, "h", "SEED-QUAL 001:1883, 001:1889 (information to colleagues); hours ASSUMPTION",
                                        0.0, 5.0, doc="Practice at start-up: getting the firm to inform colleagues (fewer conflicts)")
    network_agreement_hours: float = param(0.5, "h", "SEED-QUAL 001:1234-1246 (binding agreement at recruitment); hours ASSUMPTION",
                                           0.0, 5.0, doc="Practice at start-up: a binding agreement for the mentor network")
    subsidy_assessment_hours: float = param(1.0, "h", "SEED-QUAL 001:1004, 003:25 (need-tested, adjustable subsidy); hours "
                                            "ASSUMPTION", 0.0, 10.0,
                                            doc="Practice: setting the mentor subsidy to the user's need at start-up, and raising it "
                                                "at a contact when a hidden need shows (0: the fixed subsidy)")
    fixed_subsidy_hours: float = param(5.0, "h/week", "SEED 001:1002 (one hour a day)", 0.0, 40.0,
                                       doc="Mentor subsidy when it is not set to the need")
    # work training
    early_weeks: int = param(8, "weeks", "SEED-QUAL 001:444 ('tett kontakt ... i starten')", 0, 52)
    contact_interval_early: int = param(1, "weeks", "SEED-QUAL 001:444", 1, 52,
                                        doc="Weeks between contacts with candidate and mentor in the first weeks")
    contact_interval_stable: int = param(2, "weeks", "SEED-QUAL 001:444, 001:870", 1, 52)
    contact_hours: float = param(1.25, "h", "ASSUMPTION (brief 9.2: hybrid 2.0 h/week early, 0.75 stable; EVID A1)", 0.0, 20.0)
    visit_share: float = param(0.5, "share of contacts", "SEED-QUAL 001:870 (increasingly workplace visits)", 0.0, 1.0,
                               doc="Share of contacts held at the workplace (adds travel)")
    proactive: bool = param(True, "bool", "SEED 001:920 ('brannforebyggende')",
                            doc="Contacts look for emerging problems; a reactive mode learns of problems only as crises")
    on_call_hours: float = param(0.2, "h/case/week", "SEED-QUAL 001:444 (available at short notice), 001:1566, 001:1857 (phones off "
                                 "at 15); hours ASSUMPTION", 0.0, 5.0,
                                 doc="Time kept free for calls from the mentor; the share granted is the chance a call gets through")
    crisis_hours: float = param(4.0, "h/week", "SEED-QUAL 001:912 ('et par ganger i uka')", 0.0, 40.0)
    crisis_response_lag_weeks: int = param(0, "weeks", "SEED 001:1666 ('kan jo ta en måned') for SB", 0, 26)
    onsite_support: float = param(0.0, "0-1", "SEED-QUAL 001:680 (JS may do the support work itself)", 0.0, 1.0,
                                  doc="Share of the candidate's workplace support the adviser gives directly when a contact happens")
    co_creation: bool = param(True, "bool", "SEED 001:680 (room and dependence on co-creation)",
                              doc="Adviser contacts teach the mentor and the firm (natural support grows)")
    period_meeting_hours: float = param(1.5, "h", "SEED 001:960 (SB: a meeting every third month to decide on extension), "
                                        "001:1602; hours ASSUMPTION", 0.0, 10.0,
                                        doc="The meeting at each period end (extension); without it the firm decides alone")
    goal_setting_hours: float = param(0.5, "h", "SEED 001:860, 001:916 ('hva skal til for å få jobb her?', avoid 'evig "
                                      "arbeidstrening'); hours ASSUMPTION", 0.0, 5.0,
                                      doc="Practice at period and evaluation meetings: a concrete job goal (less lock-in; moving on "
                                          "when no post comes)")
    evaluation_interval_weeks: int = param(4, "weeks", "SEED-QUAL 001:916 (concrete goals); SB 001:960", 1, 52,
                                           doc="How often a contact checks readiness for a job")
    evaluation_hours: float = param(2.0, "h", "ASSUMPTION (001:454)", 0.0, 20.0)
    career_guidance_hours: float = param(1.0, "h", "SEED 001:454 (evaluation meeting: career guidance, apprenticeship); hours "
                                         "ASSUMPTION", 0.0, 10.0,
                                         doc="Practice at the evaluation meeting: a guidance conversation (apprenticeship, education)")
    mentor_continuation_hours: float = param(1.0, "h", "SEED 001:452 (keep the mentor after the job is landed); hours ASSUMPTION",
                                             0.0, 10.0, doc="Practice at hire: arranging that the mentor goes on (0: the mentor stops)")
    network: bool = param(True, "bool", "SEED 001:448 (monthly mentor network)")
    registry_hours: float = param(0.5, "h", "SEED 001:456 (mentor registry); hours ASSUMPTION", 0.0, 5.0,
                                  doc="Practice after a successful pathway: registering the mentor for later candidates")
    post_followup_weeks: int = param(26, "weeks", "SEED-QUAL 001:452; value ASSUMPTION", 0, 520)
    post_followup_hours: float = param(0.5, "h/week", "ASSUMPTION", 0.0, 20.0)
    scales_with_time: bool = param(False, "bool", "SEED 001:744 (KVP adviser with 18 users can work more closely); EVID C2-C4",
                                   doc="Contact rhythm, search rate and crisis response follow the adviser's ordinary follow-up intensity")
    drift_below_hours: float = param(0.3, "h/case/week", "ASSUMPTION (SEED-QUAL 001:684)", 0.0, 10.0,
                                     doc="A close case whose granted hours (moving average) fall below this is worked the ordinary "
                                         "way that week (drift); 0: never drifts")


def saksbehandler_mode() -> FollowupModeConfig:
    """Ordinary case work [001:646-652], [001:834], [001:960], [001:1000], [001:1666]."""
    return FollowupModeConfig(
        mapping_weeks=0, interest_based_search=False, use_known_firms=0.7,
        employer_contacts_per_week=0.5, exploitation_check_hours=0.0, search_give_up_weeks=26,
        interview_hours=1.0, startup_hours=1.0, mentor_recruitment_hours=0.25, colleague_info_hours=0.0,
        network_agreement_hours=0.0, subsidy_assessment_hours=0.0,
        early_weeks=0, contact_interval_early=4, contact_interval_stable=4, contact_hours=0.25,
        visit_share=0.0, proactive=False, on_call_hours=0.05, crisis_hours=2.0, crisis_response_lag_weeks=4,
        onsite_support=0.0, period_meeting_hours=1.0, goal_setting_hours=0.0, evaluation_interval_weeks=13,
        career_guidance_hours=0.0, mentor_continuation_hours=0.0, network=False, registry_hours=0.0,
        p_reuse_registered=0.0, post_followup_weeks=0, post_followup_hours=0.0, co_creation=False,
        scales_with_time=True, drift_below_hours=0.0,
    )


def hybrid_mode() -> FollowupModeConfig:
    """Close follow-up with a workplace mentor [001:660-664], [001:428-456] (the class defaults)."""
    return FollowupModeConfig()


def jobbspesialist_mode() -> FollowupModeConfig:
    """Supported Employment / IPS [001:593], [001:623-625]; EVID F1-F9."""
    return FollowupModeConfig(
        mapping_weeks=2, employer_contacts_per_week=2.0, field_based=True, use_known_firms=0.2,
        search_give_up_weeks=104, mentor_recruitment_hours=1.0, network_agreement_hours=0.0,
        subsidy_assessment_hours=0.5, early_weeks=13, contact_interval_early=1,
        contact_interval_stable=2, contact_hours=1.2, visit_share=0.8, onsite_support=0.6,
        place_then_train=True, job_support_credit=0.1, evaluation_interval_weeks=4, network=False,
        registry_hours=0.0, p_reuse_registered=0.0, post_followup_weeks=52, post_followup_hours=0.75,
        mentor_continuation_hours=0.5, co_creation=False, drift_below_hours=0.0,
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


#: The parts of a policy that the staff checks know (``PolicyConfig.without``): the job-specialist team,
#: and close follow-up by ordinary (hybrid) advisers.
TEAM, CLOSE = "job_specialist_team", "close_followup"


def practices_of(mode: FollowupModeConfig) -> dict:
    """A way of working's practices as settings, its name left out: to give them to another way of working
    (a policy's part switched off works with ordinary case work's practices)."""
    return {k: v for k, v in dataclasses.asdict(mode).items() if k != "name"}


def _nested_merge(base: dict, more: dict) -> dict:
    """``base`` with ``more`` merged into it, dicts within dicts merged too."""
    out = dict(base)
    for key, value in more.items():
        out[key] = _nested_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def hybrid_advisers(office) -> int:
    """Ordinary advisers of an office who also follow users closely under a policy with close follow-up
    (the volunteers: ``office.hybrid_volunteer_share`` of ``office.n_advisers``, to the nearest whole number)."""
    return round(office.hybrid_volunteer_share * office.n_advisers)


@dataclass
class PolicyConfig:
    """Settings of a policy: its name, the ordinary activity review, and its ways of working."""

    name: str = param("saksbehandler", "-", "SEED 001:646-694",
                      doc="Follow-up policy: saksbehandler, hybrid, jobbspesialist, brobygger or another registered module")
    review_interval_weeks: int = param(26, "weeks", "SEED-QUAL 001:834 (aktivitetskrav); value ASSUMPTION", 1, 260,
                                       doc="Weeks between activity reviews of a user in ordinary follow-up")
    p_placement_at_review: float = param(0.5, "prob.", "SEED-QUAL 001:834 ('vi bare plasserer dem ut'); ASSUMPTION", 0.0, 1.0,
                                         doc="Chance an activity review starts an ordinary (saksbehandler) placement attempt")
    # before ``modes``, which a policy's settings class declares again: the column stays in one place
    without: list[str] = param([], "parts", "run control (inclusim explain)", doc=(
        "Parts of the policy switched off, each with the settings its module gives it (PARTS): e.g. "
        "[job_specialist_team] gives the team's positions to the ordinary advisers; `inclusim explain` "
        "switches every subset off to split a contrast into its parts"))
    modes: OrdinaryModes = field(default_factory=OrdinaryModes)
    #: The policy's named parts (``without``) and, for each, the settings that switch it off (nested as a
    #: config: office settings under "office", the policy's own under "policy").
    PARTS: ClassVar[dict[str, dict]] = {}
    #: Whether the policy works through job specialists, so that an office without them cannot run it
    #: (it would be ordinary case work under the policy's name): checked by ``domain.config.validate``.
    needs_job_specialists: ClassVar[bool] = False
    #: Whether the policy works through hybrid advisers' close follow-up, so that an office with no
    #: hybrid adviser, or none with a close-follow-up place, cannot run it.
    needs_close_followup: ClassVar[bool] = False
    #: What ``domain.params.refuse`` says of an office without the staff (templates, translated on pages).
    NEEDS_JOB_SPECIALISTS: ClassVar[str] = ("the way of working {policy} works through job specialists: at least 1 is "
                                            "needed (an office without them works as saksbehandler or hybrid)")
    NEEDS_HYBRID_ADVISERS: ClassVar[str] = ("the way of working {policy} works through hybrid advisers, and a share of "
                                            "{share} of {advisers} advisers gives none: at least 1 is needed (an office "
                                            "without them works as saksbehandler or jobbspesialist)")
    NEEDS_CLOSE_PLACES: ClassVar[str] = ("the way of working {policy} works through hybrid advisers' close-follow-up "
                                         "places: at least 1 is needed (an office without them works as "
                                         "saksbehandler or jobbspesialist)")

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

    def settings_without(self) -> dict:
        """The settings that switch off the parts in ``without`` (one nested dict, as a config)."""
        check_choices("policy.without", self.without, tuple(self.PARTS))
        merged: dict = {}
        for part in self.without:
            merged = _nested_merge(merged, self.PARTS[part])
        return merged

    def check_staff(self, office) -> None:
        """Refuse an office without the staff the policy works through (``office``: the office's settings),
        unless the part that needs it is switched off (``without``)."""
        check_choices("policy.without", self.without, tuple(self.PARTS))
        if self.needs_job_specialists and office.n_job_specialists < 1 and TEAM not in self.without:
            refuse("office.n_job_specialists", office.n_job_specialists, self.NEEDS_JOB_SPECIALISTS, policy=self.name)
        if self.needs_close_followup and hybrid_advisers(office) < 1 and CLOSE not in self.without:
            refuse("office.hybrid_volunteer_share", office.hybrid_volunteer_share, self.NEEDS_HYBRID_ADVISERS,
                   policy=self.name, share=office.hybrid_volunteer_share, advisers=office.n_advisers)
        if self.needs_close_followup and office.hybrid_slots < 1 and CLOSE not in self.without:
            refuse("office.hybrid_slots", office.hybrid_slots, self.NEEDS_CLOSE_PLACES, policy=self.name)

    def check(self, prefix: str) -> None:
        """Cross-field checks of a policy's own settings (a subclass adds its own)."""
