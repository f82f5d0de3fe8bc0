"""The targets file: every entry well formed, every measure tied to a target, bad entries named."""

from __future__ import annotations

import pytest

from domain.params import ConfigError
from inclusim.targets import Target, load_targets
from inclusim.validation import MEASURES, SETTINGS


def test_the_targets_file_loads_and_has_fit_and_holdout_targets():
    targets = load_targets()
    uses = [t.use for t in targets.values()]
    assert len(targets) >= 30 and uses.count("holdout") >= 5 and uses.count("fit") >= 10
    assert all(t.model_kpi or t.needs for t in targets.values())


def test_every_measure_belongs_to_a_target_and_runs_in_a_known_setting():
    targets = load_targets()
    assert set(MEASURES) <= set(targets)
    for target_id, measures in MEASURES.items():
        for m in measures:
            assert m.setting in SETTINGS and (m.baseline is None or m.baseline in SETTINGS), target_id
            assert m.combine in ("ratio", "difference")
        if targets[target_id].kind in ("ratio", "difference", "direction"):
            assert all(m.baseline is not None for m in measures), target_id


def test_a_target_holds_inside_its_range_and_a_direction_holds_above_zero():
    level = Target("x", "s", "t", "level", "share", "fit", low=0.2, high=0.4)
    assert level.holds(0.2) and level.holds(0.4) and not level.holds(0.41) and not level.holds(float("nan"))
    ceiling = Target("y", "s", "t", "upper_bound", "ratio", "fit", high=2.31)
    assert ceiling.holds(-5.0) and not ceiling.holds(2.4) and ceiling.range_text == "<= 2.31"
    direction = Target("z", "s", "t", "direction", "share", "fit")
    assert direction.holds(0.01) and not direction.holds(0.0)


@pytest.mark.parametrize("entry, fragment", [
    ("{id: a, source: s, statement: t, kind: level, unit: share, use: fit, low: 0.1, high: 0.2, model_kpi: nope}",
     "target 'a': model_kpi ['nope'] is not a KPI"),
    ("{id: a, source: s, statement: t, kind: guess, unit: share, use: fit, low: 0.1, needs: x}",
     "target 'a': kind = 'guess': allowed values are level"),
    ("{id: a, source: s, statement: t, kind: level, unit: share, use: fit, low: 0.3, high: 0.2, needs: x}",
     "target 'a': low = 0.3 is above high = 0.2"),
    ("{id: a, source: s, statement: t, kind: level, unit: share, use: maybe, low: 0.1, needs: x}",
     "target 'a': use = 'maybe': allowed values are fit, holdout"),
    ("{id: a, statement: t, kind: level, unit: share, use: fit, low: 0.1, needs: x}", "target 'a': 'source' is missing"),
    ("{id: a, source: s, statement: t, kind: level, unit: share, use: fit, low: 0.1}",
     "target 'a': without a model_kpi, 'needs' must say"),
])
def test_a_bad_entry_is_named_with_its_field(tmp_path, entry, fragment):
    path = tmp_path / "targets.yaml"
    path.write_text(f"version: 1\ntargets:\n  - {entry}\n")
    with pytest.raises(ConfigError) as exc:
        load_targets(path)
    assert fragment in str(exc.value)


def test_a_sign_too_weak_for_the_replications_is_unclear_not_missed():
    from inclusim.validation import _verdict

    direction = Target("z", "s", "t", "direction", "share", "fit")
    assert _verdict(direction, 0.01, 0.03) == "meets"
    assert _verdict(direction, -0.01, 0.02) == "unclear"
    assert _verdict(direction, -0.03, -0.01) == "misses"
    level = Target("x", "s", "t", "level", "share", "fit", low=0.2, high=0.4)
    assert _verdict(level, 0.1, 0.5) == "misses"
