"""The config schema: defaults valid, bad values rejected with a message naming field, value and range."""

from __future__ import annotations

import pytest

import scenarios.policies  # noqa: F401  (registers the policies and their settings)
from domain.config import Config, ConfigError, config_hash, from_dict, validate
from domain.params import iter_params, merge


def test_defaults_are_valid_and_every_parameter_has_unit_and_source():
    validate(Config())
    for name, _value, f in iter_params(Config()):
        assert f.metadata.get("unit"), f"{name} has no unit"
        assert f.metadata.get("source"), f"{name} has no source"


@pytest.mark.parametrize("data, fragment", [
    ({"office": {"n_advisers": 0}}, "office.n_advisers = 0: allowed range is 1 to 5000"),
    ({"population": {"share_under_30": 1.5}}, "population.share_under_30 = 1.5: allowed range is 0.0 to 1.0"),
    ({"policy": {"name": "magic"}}, "policy.name = 'magic': allowed policies are"),
    ({"office": {"region": "suburb"}}, "office.region = 'suburb': allowed values are urban, rural"),
    ({"office": {"hybrid_slots": 2.5}}, "office.hybrid_slots = 2.5: must be a whole number"),
    ({"policy": {"name": "hybrid", "max_age": 12}}, "policy.max_age = 12: allowed range is 18 to 99"),
    ({"pathway": {"long_term_signal": "yes"}}, "pathway.long_term_signal = 'yes': must be true or false"),
    ({"population": {"need_share_small": 0.5}}, "the three shares must add up to 1"),
    ({"labour_market": {"sector_weights": {"mining": 1.0}}}, "unknown sector(s) ['mining']"),
    ({"policy": {"name": "hybrid", "need_levels": ["huge"]}}, "policy.need_levels = ['huge']: allowed values are small, medium, large"),
    ({"policy": {"name": "saksbehandler", "max_age": 29}}, "policy.max_age: unknown setting"),
    ({"policy": {"name": "hybrid", "modes": {"hybird": {}}}}, "policy.modes.hybird: unknown setting"),
    ({"policy": {"name": "jobbspesialist"}, "office": {"n_job_specialists": 0}},
     "office.n_job_specialists = 0: the way of working jobbspesialist works through job specialists: at least 1"),
    ({"policy": {"name": "brobygger"}, "office": {"n_job_specialists": 0}},
     "office.n_job_specialists = 0: the way of working brobygger works through job specialists"),
    ({"policy": {"name": "hybrid"}, "office": {"hybrid_slots": 0}},
     "office.hybrid_slots = 0: the way of working hybrid works through hybrid advisers' close-follow-up places"),
    ({"policy": {"name": "hybrid"}, "office": {"hybrid_volunteer_share": 0.0}},
     "office.hybrid_volunteer_share = 0.0: the way of working hybrid works through hybrid advisers, and a share"),
    ({"policy": {"name": "brobygger"}, "office": {"hybrid_volunteer_share": 0.04, "n_advisers": 12}},
     "a share of 0.04 of 12 advisers gives none"),      # 0.48 advisers: none, to the nearest whole number
])
def test_bad_values_are_rejected_with_a_clear_message(data, fragment):
    with pytest.raises(ConfigError) as exc:
        validate(from_dict(data))
    assert fragment in str(exc.value)


def test_unknown_key_is_rejected_naming_the_key_and_the_allowed_keys():
    with pytest.raises(ConfigError) as exc:
        from_dict({"office": {"n_adviser": 3}})
    msg = str(exc.value)
    assert msg.startswith("office.n_adviser: unknown setting")
    assert "n_advisers" in msg


def test_merge_keeps_mode_specific_defaults():
    cfg = from_dict({"policy": {"name": "hybrid", "modes": {"saksbehandler": {"contact_hours": 0.5}}}})
    assert cfg.policy.modes.saksbehandler.contact_hours == 0.5
    assert cfg.policy.modes.saksbehandler.mapping_weeks == 0        # SB default kept
    assert cfg.policy.modes.hybrid.mapping_weeks == 3


def test_a_policy_name_gives_that_policy_its_own_settings_and_shared_ones_carry_over():
    base = from_dict({"policy": {"review_interval_weeks": 13, "modes": {"saksbehandler": {"contact_hours": 0.5}}}})
    assert type(base.policy).__name__ == "PolicyConfig" and base.policy.name == "saksbehandler"
    hybrid = merge(base, {"policy": {"name": "hybrid"}})
    assert type(hybrid.policy).__name__ == "HybridConfig" and hybrid.policy.max_age == 99
    assert hybrid.policy.review_interval_weeks == 13
    assert hybrid.policy.modes.saksbehandler.contact_hours == 0.5
    assert hybrid.policy.modes.jobbspesialist.place_then_train


def test_config_hash_depends_on_values_not_on_labels():
    from inclusim.compose import compose_config_and_settings

    a = compose_config_and_settings([])[0]
    labelled, settings = compose_config_and_settings(["name=other", "output_root=elsewhere", "workers=2"])
    assert settings.name == "other" and config_hash(a) == config_hash(labelled)
    assert config_hash(a) != config_hash(merge(a, {"seed": 2}))
    assert config_hash(a) != config_hash(merge(a, {"office": {"caseload_ordinary": 71}}))


def test_parameter_doc_matches_schema():
    from pathlib import Path

    from inclusim.paramdoc import parameter_table

    doc = Path(__file__).resolve().parent.parent / "docs" / "parameters.md"
    assert doc.read_text() == parameter_table(), "docs/parameters.md is stale: run `make params`"


def test_ways_of_working_that_do_without_a_part_run_without_it():
    for policy in ("saksbehandler", "hybrid"):
        assert validate(from_dict({"policy": {"name": policy}, "office": {"n_job_specialists": 0}}))
    for policy in ("saksbehandler", "jobbspesialist"):
        assert validate(from_dict({"policy": {"name": policy}, "office": {"hybrid_slots": 0,
                                                                            "hybrid_volunteer_share": 0.0}}))
