"""The dashboard's workings without a browser: levers to settings, scenarios, runs and tables.

The browser test (tests/test_dashboard_browser.py) drives the pages; these check the rules under
them: an untouched control changes nothing, a changed one changes exactly its setting, scenario
values stay in their allowed range, and the same settings and seeds give the same tables in this
process or on workers.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from domain.params import ConfigError
from domain.terms import Role
from inclusim.dashboard.levers import (LEVERS, build_config, lever_notes, policies, positions_of, scenario_choices,
                                       scenario_overrides, to_overrides, values_under)
from inclusim.dashboard.runner import ResultCache, Setting, run_settings
from inclusim.dashboard.views import SECTIONS, frame_markdown, kpi_rows, markdown_table

SHORT = {"horizon_weeks": 20, "office.n_advisers": 3, "office.n_job_specialists": 1}


def test_untouched_levers_change_nothing():
    today = values_under({})
    assert to_overrides(today, {}) == {}
    office = {"office.caseload_ordinary": 55, "office.n_advisers": 9}
    assert to_overrides(values_under(office), office) == {}


def test_a_changed_lever_sets_exactly_its_setting():
    today = values_under({})
    assert to_overrides({**today, "long_periods": True}, {}) == {"pathway.long_term_signal": True}
    hybrid = to_overrides({**today, "hybrid_advisers": 6}, {})
    assert hybrid == {"office.hybrid_volunteer_share": 0.5}
    assert build_config(hybrid).office.hybrid_volunteer_share == 0.5
    # under hybrid, moving advisers into close follow-up changes that alone: the same positions and caseloads
    under_hybrid = values_under({}, "hybrid")
    moved = to_overrides({**under_hybrid, "hybrid_advisers": 2}, {})
    assert moved == {"policy.name": "hybrid", "office.hybrid_volunteer_share": round(2 / 12, 6)}
    assert positions_of(build_config(moved)) == {Role.SAKSBEHANDLER: 10, Role.HYBRID: 2, Role.JOBBSPESIALIST: 3}


def test_staff_levers_keep_the_office_users_and_the_caseload_follows():
    today = values_under({})
    # saksbehandler has no job specialists: their 3 positions are advisers with a caseload (equal staff)
    assert (today["users"], today["advisers"], today["job_specialists"], today["caseload"]) == (840, 15, 0, 56)
    smaller = build_config(to_overrides({**today, "caseload": 60}, {}))       # 60 users each takes 14 advisers
    assert (smaller.office.n_advisers, smaller.office.caseload_ordinary) == (14, 60)
    assert positions_of(smaller)[Role.SAKSBEHANDLER] == 14         # no job-specialist position added on top
    more = build_config(to_overrides({**today, "advisers": 20}, {}))
    assert (more.office.n_advisers, more.office.caseload_ordinary) == (20, 42)
    for cfg in (smaller, more):   # the same users, and about the same target-group users (whole numbers each)
        assert cfg.office.n_advisers * cfg.office.caseload_ordinary == 840
        target = cfg.office.n_advisers * round(cfg.office.caseload_ordinary * cfg.office.target_share)
        assert abs(target - 216) <= cfg.office.n_advisers / 2
    grown = build_config(to_overrides({**today, "users": 1000}, {}))
    assert (grown.office.n_advisers, grown.office.caseload_ordinary) == (15, 67)
    with pytest.raises(ConfigError, match=r"Advisers with a caseload = 0: allowed range is 1 to 5000 \(advisers\)"):
        to_overrides({**today, "advisers": 0}, {})
    with pytest.raises(ConfigError, match=r"\(hybrid\) = 30: from 0 to 15, the advisers with a caseload"):
        to_overrides({**today, "hybrid_advisers": 30}, {})
    # the lever typed is the one named, also when what it implies is out of range
    with pytest.raises(ConfigError, match=r"Users on the advisers' caseloads .* = 0: allowed range is 5 to 1250000 \(users\)"):
        to_overrides({**today, "users": 0}, {})
    with pytest.raises(ConfigError, match=r"Users per adviser \(caseload\) = 0: allowed range is 5 to 250 \(users\)"):
        to_overrides({**today, "caseload": 0}, {})
    with pytest.raises(ConfigError, match="Advisers with a caseload = 500: gives 2 users per adviser; allowed is 5 to 250"):
        to_overrides({**today, "advisers": 500}, {})
    # fewer advisers than the hybrid ones: the hybrid advisers are among them
    hybrid_office = values_under({}, "hybrid")
    fewer = build_config(to_overrides({**hybrid_office, "advisers": 2, "users": 150}, {}))
    assert (fewer.office.n_advisers, fewer.office.hybrid_volunteer_share) == (2, 1.0)


def test_levers_of_the_ways_of_working_follow_the_chosen_policy():
    hybrid_values = values_under({}, "hybrid")
    assert hybrid_values["post_followup_weeks"] == build_config({"policy.name": "hybrid"}).policy.modes.hybrid.post_followup_weeks
    # choosing hybrid and leaving its own values alone sets the policy only
    assert to_overrides(hybrid_values, {}) == {"policy.name": "hybrid"}
    changed = to_overrides({**hybrid_values, "mentor_grant_hours": 8.0}, {})
    cfg = build_config(changed)
    assert {cfg.policy.modes.saksbehandler.fixed_subsidy_hours, cfg.policy.modes.hybrid.fixed_subsidy_hours,
            cfg.policy.modes.jobbspesialist.fixed_subsidy_hours} == {8.0}


def test_levers_a_way_of_working_does_not_use_are_marked():
    saksbehandler = lever_notes({}, "saksbehandler")
    assert not saksbehandler["hybrid_advisers"][0] and not saksbehandler["slots"][0]
    assert not saksbehandler["job_specialists"][0]      # equal staff: the positions are among the advisers
    assert "counted among the advisers" in saksbehandler["job_specialists"][1]
    assert not lever_notes({"office.fte_neutral": False}, "saksbehandler")["job_specialists"][0]
    assert lever_notes({}, "brobygger") == {}
    # leader support protects close follow-up: with none, it changes nothing (checked on runs)
    assert set(lever_notes({}, "jobbspesialist")) == {"hybrid_advisers", "slots", "leader_support"}
    assert not saksbehandler["leader_support"][0]


def test_every_lever_reads_a_value_and_names_a_label():
    today = values_under({})
    assert set(today) == {lever.key for lever in LEVERS}
    assert all(lever.label for lever in LEVERS)
    assert all(lever.low <= lever.high for lever in LEVERS if lever.kind in ("int", "float"))


def test_a_value_out_of_range_is_a_clear_error():
    with pytest.raises(ConfigError, match=r"= 5000: gives 333 users per adviser; allowed is 5 to 250"):
        to_overrides({**values_under({}), "users": 5000}, {})
    with pytest.raises(ConfigError, match=r"office\.adviser_hours_week = 500: allowed range is 10\.0 to 45\.0 \(h/week\)"):
        build_config({"office.adviser_hours_week": 500})


def test_scenarios_stay_in_range_and_shift_the_need_mix():
    today = build_config({"labour_market.p_accept_training": 0.9})
    high = scenario_overrides({"labour_demand": "high"}, today)
    assert high["labour_market.p_accept_training"] == 1.0          # 0.9 x 1.3, clamped to the allowed 1.0
    heavier = scenario_overrides({"need_mix": "heavier"}, build_config({}))
    cfg = build_config(heavier)
    assert cfg.population.need_share_large == pytest.approx(0.3)
    assert cfg.population.need_share_small == pytest.approx(0.3)
    assert scenario_overrides({key: choice.default for key, choice in scenario_choices().items()}, today) == {}
    with pytest.raises(ConfigError, match="need_mix = 'huge': allowed values are"):
        scenario_overrides({"need_mix": "huge"}, today)


def test_the_same_settings_give_the_same_tables_here_and_on_workers():
    settings = [Setting.of("Today", SHORT), Setting.of("Your choice", {**SHORT, "policy.name": "hybrid"})]
    seen: list[tuple[int, int]] = []
    serial = run_settings(settings, [1, 2], workers=1, cache=None, progress=lambda done, total: seen.append((done, total)))
    parallel = run_settings(settings, [1, 2], workers=2, cache=None)
    pd.testing.assert_frame_equal(serial.runs.drop(columns=["git_commit"]), parallel.runs.drop(columns=["git_commit"]))
    pd.testing.assert_frame_equal(serial.weekly, parallel.weekly)
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    assert list(serial.runs["variant"]) == ["Today", "Today", "Your choice", "Your choice"]


def test_the_cache_runs_a_setting_once():
    cache = ResultCache()
    settings = [Setting.of("Today", SHORT)]
    first = run_settings(settings, [3], workers=1, cache=cache)
    calls: list[tuple[int, int]] = []
    again = run_settings(settings, [3], workers=1, cache=cache, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 1)]          # already done before anything ran
    pd.testing.assert_frame_equal(first.runs, again.runs)


def test_a_bad_setting_is_refused_before_any_run():
    with pytest.raises(ConfigError, match="office.n_advisers"):
        run_settings([Setting.of("Today", {"office.n_advisers": 0})], [1], workers=1, cache=None)


def test_tables_give_intervals_and_paired_differences():
    settings = [Setting.of("Today", SHORT), Setting.of("Your choice", {**SHORT, "office.caseload_ordinary": 40})]
    outcome = run_settings(settings, [1, 2, 3], workers=1, cache=None)
    rows = kpi_rows(outcome, "Today", SECTIONS[2][1])
    assert [row["kpi"] for row in rows][:2] == ["hours_per_candidate", "caseholder_pressure"]
    assert all("(" in row["Today"] and "(" in row["Your choice"] for row in rows)
    pressure = next(row for row in rows if row["kpi"] == "caseholder_pressure")
    assert pressure["difference"].startswith("-")       # smaller caseloads, less demand per hour
    table = markdown_table(["a", "b"], [["1", "x|y"]])
    cell = "<span v-pre>{}</span>".format
    assert table == f"| {cell('a')} | {cell('b')} |\n| --- | --- |\n| {cell('1')} | {cell('x&#124;y')} |\n"
    assert cell("18&#160;155&#160;500 &#40;1 to 2&#41;") in markdown_table(["kr"], [["18 155 500 (1 to 2)"]])
    assert frame_markdown(pd.DataFrame({"v": ["1"]}, index=["k"])).startswith(f"| {cell('')} | {cell('v')} |")


def test_every_text_of_the_dashboard_and_the_staffing_output_is_in_the_translation_table():
    """Every literal text passed to the translation functions, every lever, section, page and scenario
    name has its bokmål: the dashboard opens in bokmål, and nothing may be left in English."""
    import ast
    from pathlib import Path

    from analysis.i18n import translations
    from inclusim.dashboard.app import PAGES
    from inclusim.dashboard.state import BUILT_IN, CHOICE, TODAY

    root = Path(__file__).resolve().parents[1] / "inclusim"
    texts = []
    for path in [*sorted((root / "dashboard").glob("*.py")), root / "staffing_output.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("T", "tr") and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                texts.append(node.args[0].value)
    texts += [lever.label for lever in LEVERS] + [section for section, _kpis in SECTIONS]
    texts += [label for _path, label, _page in PAGES] + [TODAY, CHOICE, BUILT_IN.name]
    texts += [note for policy in policies() for _used, note in lever_notes({}, policy).values()]
    from domain.params import VALUE_RULES
    from inclusim.dashboard.levers import LEVER_RULES

    from inclusim.dashboard.runner import SIZE_RULES
    from inclusim.dashboard.state import PAGE_NAMES

    texts += ["{setting} = {value}: " + rule for rule in (*VALUE_RULES, *LEVER_RULES, *SIZE_RULES)]
    texts += list(PAGE_NAMES.values()) + [lever.bounds[2] for lever in LEVERS if lever.kind in ("int", "float")]
    for choice in scenario_choices().values():
        texts += [choice.label] + [choice.option_label(option) for option in choice.options]
    assert len(texts) > 60
    table = translations("nb")
    missing = sorted({text for text in texts if text not in table})
    assert missing == []


def test_an_office_file_under_another_way_of_working_builds():
    """An office loaded from a file carries its policy's own settings; choosing another way of
    working leaves them behind instead of refusing them."""
    from inclusim.dashboard.levers import settings_of, with_policy
    from inclusim.dashboard.simulate import comparison_settings
    from inclusim.office import office_config

    office = settings_of(office_config("examples/urban_office.yaml"))
    assert office["policy.name"] == "brobygger" and any(k.startswith("policy.modes.hybrid.") for k in office)
    assert not any(k.startswith("policy.modes.hybrid.") for k in with_policy(office, "saksbehandler"))
    chosen = {**values_under(office, "saksbehandler"), "caseload": 60}
    today, choice = comparison_settings(office, {"labour_demand": "normal", "need_mix": "as_today"}, chosen)
    cfg = build_config(dict(choice.settings))
    assert cfg.policy.name == "saksbehandler" and cfg.office.caseload_ordinary == 59     # 888 users, 15 advisers
    assert build_config(dict(today.settings)).policy.name == "brobygger"
    assert set(lever_notes(office, "saksbehandler")) == {"hybrid_advisers", "slots", "job_specialists", "leader_support"}


def test_an_office_file_from_the_leaders_machine_loads_and_a_bad_one_names_its_own_name(tmp_path, monkeypatch):
    """The picker and drop zone hand the file's name and bytes to the page; the office loads from
    them, and an error names the file as the leader knows it, not the temporary copy, in one line."""
    from pathlib import Path

    import tempfile

    from inclusim.dashboard import state

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))   # where the files sent are put
    rural = (Path(__file__).resolve().parents[1] / "examples" / "rural_office.yaml").read_bytes()
    state.load_uploaded_office("my_office.yaml", rural)
    assert (state.office.value.name, state.office.value.source) == ("NAV Eksempelbygd", "my_office.yaml")
    assert state.office_error.value == "" and state.values.value["users"] == 650
    state.load_uploaded_office("bad.yaml", b"advisers: [{role: boss, count: 2, caseload: 50}]")
    assert state.office_error.value.startswith("office file bad.yaml: advisers, row 1: role = 'boss'")
    assert state.office.value.name == "NAV Eksempelbygd"          # the office stays as it was
    # a name that is a path goes nowhere but the page: the file is always the folder's own office.yaml
    state.load_uploaded_office("../../../etc/evil\nname.yaml", b"name: [")
    assert "\n" not in state.office_error.value and "../../../etc/evil name.yaml" in state.office_error.value
    assert list(tmp_path.iterdir()) == []                          # no file sent is left behind
    state.load_uploaded_office("big.yaml", None, size=5_000_000)   # too large: the browser did not send it
    assert state.office_error.value.startswith("big.yaml: 5000000 byte; siden tar imot kontorfiler på høyst")
    state.use_built_in()


def test_today_and_the_choice_keep_their_colours_in_either_language():
    """The settings are shown in their own order, not by name: 'I dag' sorts after 'Ditt valg'."""
    from analysis.i18n import language, tr
    from inclusim.dashboard.views import figures

    outcome = run_settings([Setting.of("Today", SHORT), Setting.of("Your choice", {**SHORT, "policy.name": "hybrid"})],
                           [1, 2], workers=1, cache=None)
    colours = {}
    for lang in ("en", "nb"):
        with language(lang):
            names = {label: tr(label) for label in outcome.labels}
            lines = figures(outcome, "Today", names=names)["employment"].axes[0].get_lines()
            by_name = {line.get_label(): line.get_color() for line in lines}
            colours[lang] = [by_name[names[label]] for label in outcome.labels]
    assert colours["en"] == colours["nb"]
    assert len(set(colours["en"])) == 2


def test_the_calibrated_parameter_sets_add_their_range_and_the_best_set_leads():
    from inclusim.dashboard.simulate import comparison_settings
    from inclusim.dashboard.views import figures, headline
    from inclusim.study import load_ensemble

    ensemble = load_ensemble()[:2]
    assert ensemble[0] != ensemble[1]
    office, chosen = dict(SHORT), {**values_under(SHORT), "job_specialists": 2}
    low = {"labour_demand": "low", "need_mix": "as_today"}
    settings = comparison_settings(office, low, chosen, ensemble)
    assert [s.label for s in settings] == ["Today", "Your choice", "Today", "Your choice"]
    assert [dict(s.settings)["parameter_set"] for s in settings] == [0, 0, 1, 1]
    # the scenario scales each set's own value (low demand: 0.7 x the set's p_accept_training)
    for setting, values in zip(settings, [ensemble[0]] * 2 + [ensemble[1]] * 2, strict=True):
        cfg = build_config(dict(setting.settings))
        assert cfg.labour_market.p_accept_training == pytest.approx(0.7 * values["labour_market.p_accept_training"])
    both = run_settings(settings, [1, 2, 3], workers=1, cache=None)
    assert both.labels == ["Today", "Your choice"]
    rows = kpi_rows(both, "Today", SECTIONS[0][1])
    assert rows[0]["kpi"] == "ever_employed_share"
    assert " [" in rows[0]["Today"] and " [" in rows[0]["Your choice"] and " [" in rows[0]["difference"]
    # the mean and interval are the best set's: the same as a run of set 0 alone
    alone = run_settings(comparison_settings(office, low, chosen, ensemble[:1]), [1, 2, 3], workers=1, cache=None)
    assert headline(both, "Your choice") == headline(alone, "Your choice")
    first = kpi_rows(alone, "Today", SECTIONS[0][1])[0]
    assert rows[0]["Today"].startswith(first["Today"]) and " [" not in first["Today"]
    assert len(figures(both, "Today")["employment"].axes[0].get_lines()) == 2
    with pytest.raises(ConfigError, match="no calibrated parameter sets"):
        comparison_settings(office, low, chosen, [])


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stopped_run_keeps_its_finished_runs_for_the_next(workers):
    from inclusim.dashboard.runner import RunStopped

    cache = ResultCache()
    settings = [Setting.of("Today", SHORT), Setting.of("Your choice", {**SHORT, "office.caseload_ordinary": 40})]
    seen: list[tuple[int, int]] = []
    with pytest.raises(RunStopped, match="stopped after"):
        run_settings(settings, [1, 2, 3], workers=workers, cache=cache,
                     progress=lambda done, total: seen.append((done, total)), stop=lambda: seen[-1][0] >= 2)
    kept = seen[-1][0]
    assert 2 <= kept < 6
    again: list[tuple[int, int]] = []
    outcome = run_settings(settings, [1, 2, 3], workers=1, cache=cache,
                           progress=lambda done, total: again.append((done, total)))
    assert again[0] == (kept, 6) and again[-1] == (6, 6)        # the finished runs were not run again
    fresh = run_settings(settings, [1, 2, 3], workers=1, cache=None)
    pd.testing.assert_frame_equal(outcome.runs.drop(columns=["git_commit"]), fresh.runs.drop(columns=["git_commit"]))


def test_a_refused_lever_is_explained_in_the_page_language_with_the_lever_name():
    from inclusim.dashboard import state

    errors = []
    for bad in ({"office.n_advisers": 0}, {"policy.modes.saksbehandler.fixed_subsidy_hours": 99.0},
                {"office.caseload_ordinary": 2.5}):
        with pytest.raises(ConfigError) as caught:
            build_config(bad)
        errors.append(caught.value)
    values = values_under({})
    with pytest.raises(ConfigError) as caught:
        to_overrides({**values, "hybrid_advisers": values["advisers"] + 5}, {})
    errors.append(caught.value)
    before = state.lang.value
    try:
        state.lang.set("nb")
        said = [state.explain(error) for error in errors]
        state.lang.set("en")
        english = [state.explain(error) for error in errors]
    finally:
        state.lang.set(before)
    assert said[0] == "Veiledere med portefølje = 0: tillatt er fra 1 til 5000 (veiledere)"
    assert said[1].startswith("Mentortilskudd, timer per uke = 99: tillatt er fra 0 til 40")
    assert said[2].endswith("= 2,5: må være et heltall")
    assert "fra 0 til 15, veilederne med portefølje" in said[3]
    for text in said:
        assert not any(word in text for word in ("allowed", "must", "range", "advisers", "office."))
    assert english[0] == "Advisers with a caseload = 0: allowed range is 1 to 5000 (advisers)"
    plain = ConfigError("office file x.yaml, row 3: something")
    assert state.explain(plain) == str(plain)


def test_a_choice_left_as_today_runs_once():
    seen: list[tuple[int, int]] = []
    outcome = run_settings([Setting.of("Today", SHORT), Setting.of("Your choice", SHORT)], [1, 2], workers=1,
                           cache=None, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2, 2)
    assert list(outcome.runs["variant"]) == ["Today", "Today", "Your choice", "Your choice"]


def test_a_decimal_lever_takes_a_comma_and_refuses_what_is_not_a_number():
    from inclusim.dashboard import simulate, state

    before_values, before_lang = state.values.value, state.lang.value
    try:
        state.lang.set("en")
        simulate._set_decimal("leader_support", "abc")
        assert state.lever_errors.value == {"leader_support": "abc"}
        assert state.values.value["leader_support"] == before_values["leader_support"]
        simulate._set_decimal("leader_support", "0,5")
        assert state.lever_errors.value == {} and state.values.value["leader_support"] == 0.5
    finally:
        state.values.set(before_values)
        state.lang.set(before_lang)


def test_an_error_names_the_staff_lever_the_leader_typed_as_typed():
    """The page moves users, advisers and caseload together; the error names the one typed."""
    from inclusim.dashboard import simulate, state

    before = state.values.value
    try:
        for key, typed, named in (("users", 5000, "Users on the advisers' caseloads (the office) = 5000"),
                                  ("advisers", 200, "Advisers with a caseload = 200"),
                                  ("caseload", 300, "Users per adviser (caseload) = 300")):
            state.values.set(values_under({}))
            simulate._set_value(key, typed)
            with pytest.raises(ConfigError, match=re.escape(named) + ": (gives|allowed range is 5 to 250)"):
                to_overrides(state.values.value, {})
        state.values.set(values_under({}))
        simulate._set_value("advisers", 20)
        simulate._set_value("caseload", 0)          # refused, also after the advisers were changed
        with pytest.raises(ConfigError, match=r"Users per adviser \(caseload\) = 0: allowed range is 5 to 250"):
            to_overrides(state.values.value, {})
    finally:
        state.values.set(before)
