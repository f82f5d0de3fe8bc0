"""A world of several NAV offices sharing regional labour markets (``world.n_offices``)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from domain.config import from_dict
from domain.schema import ADVISER_COMPETENCE_MEAN, TABLES
from domain.states import State
from sim.model import InclusionModel
from sim.tally import Tally
from sim.tables import run_model
from sim.offices import n_regions, offices_of
from sim.outcome import RunOutcome
from sim.world import region_outcome


def _world(**world):
    over = {"horizon_weeks": 60, "policy": {"name": "brobygger"}, "world": world,
            "office": {"n_advisers": 4, "caseload_ordinary": 40, "n_job_specialists": 1},
            "labour_market": {"n_firms": 50}, "seed": 3}
    return from_dict(over)


def test_each_office_follows_only_its_own_users_and_searches_only_its_own_region():
    cfg = _world(n_offices=3, offices_per_region=2)
    assert n_regions(cfg.world) == 2 and list(offices_of(cfg.world, 0)) == [0, 1] and list(offices_of(cfg.world, 1)) == [2]
    first, second = (InclusionModel(cfg, region).run() for region in range(2))
    assert [o.index for o in first.offices] == [0, 1] and [o.index for o in second.offices] == [2]
    assert first.offices[0].region is first.offices[1].region and len(first.firms) == len(second.firms) == 50
    assert not set(map(id, first.firms)) & set(map(id, second.firms))
    for model in (first, second):
        assert {c.nav_office.index for c in model.candidates} == {o.index for o in model.offices}
        for cand in model.candidates:
            office = cand.nav_office
            assert cand.caseload_adviser in office.staff.advisers
            if cand.pathway_adviser is not None:
                assert cand.pathway_adviser.nav_office is office          # followed by the office's own staff
            if cand.employer is not None:
                assert cand.employer in office.region.firms              # placed in the office's own region
        for office in model.offices:
            assert all(c.nav_office is office for c in office.staff.queue.values())


def test_a_model_of_one_region_is_never_taken_for_a_whole_world():
    cfg = _world(n_offices=3, offices_per_region=2)
    with pytest.raises(ValueError, match="a world of 2 regions is run by sim.world.run_world"):
        InclusionModel(cfg)
    with pytest.raises(ValueError, match="region 2: the world has regions 0 to 1"):
        InclusionModel(cfg, region=2)
    assert [o.index for o in InclusionModel(_world(n_offices=2, offices_per_region=2)).offices] == [0, 1]


def test_more_offices_mean_proportionally_more_users_and_results_by_office():
    one = run_model(_world(n_offices=1))
    three = run_model(_world(n_offices=3, offices_per_region=3))
    assert 2.5 * one.runs["n_candidates"].iloc[0] < three.runs["n_candidates"].iloc[0] < 3.5 * one.runs["n_candidates"].iloc[0]
    by_office = three.candidates.groupby("office_index")["candidate_id"].size()
    assert list(by_office.index) == [0, 1, 2] and by_office.min() > 0.7 * by_office.max()
    assert set(one.candidates["office_index"]) == {0}


def test_regions_share_nothing_and_the_world_reads_them_as_one():
    cfg = _world(n_offices=3, offices_per_region=2)
    again = region_outcome(cfg, 1)               # region 1 before region 0 this time
    first, second = (RunOutcome.of(InclusionModel(cfg, region).run()) for region in range(2))
    n_first = len(first.users)
    # a region's users move the same way whatever ran before it
    assert [(u.serial, u.state, u.first_job_week, u.n_dropouts, u.capability) for u in again.users] == \
        [(u.serial, u.state, u.first_job_week, u.n_dropouts, u.capability) for u in second.users]
    assert again.weekly_rows == second.weekly_rows
    # the world's tables add its regions up; region 1's users are numbered after region 0's
    tables = run_model(cfg)
    candidates = tables.candidates
    assert tables.runs["n_candidates"].iloc[0] == n_first + len(second.users)
    assert candidates["candidate_id"].tolist() == list(range(n_first + len(second.users)))
    assert candidates["capability_end"].tolist()[n_first:] == [round(u.capability, 6) for u in second.users]
    assert set(candidates["office_index"].iloc[n_first:]) == {2}
    events = tables.events
    assert events["week"].is_monotonic_increasing
    assert set(events["candidate_id"]) <= set(candidates["candidate_id"])
    assert (events["candidate_id"] >= n_first).sum() == len(second.events)
    stocks = [s.column for s in State]
    assert (tables.weekly[stocks].to_numpy() == np.add(pd.DataFrame(first.weekly_rows)[stocks].to_numpy(),
                                                         pd.DataFrame(second.weekly_rows)[stocks].to_numpy())).all()
    competence = ADVISER_COMPETENCE_MEAN
    mean = (pd.DataFrame(first.weekly_rows)[competence] * first.advisers
            + pd.DataFrame(second.weekly_rows)[competence] * second.advisers) / (first.advisers + second.advisers)
    assert np.allclose(tables.weekly[competence], mean)
    assert tables.runs["network_sessions"].iloc[0] == first.counters[Tally.NETWORK_SESSIONS] \
        + second.counters[Tally.NETWORK_SESSIONS] > 0     # each region's mentor network meets on its own
    assert tables.runs["mentors_total"].iloc[0] == first.mentors_total + second.mentors_total


def test_the_regions_of_a_world_give_the_same_tables_in_one_process_or_in_several():
    cfg = _world(n_offices=3, offices_per_region=1)
    serial = run_model(cfg)
    parallel = run_model(cfg, workers=2)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(parallel, name), getattr(serial, name))


@pytest.mark.slow     # 32 s; a world's tables are tested fast by the tests above
def test_a_sweep_of_a_world_reports_its_offices(tmp_path):
    args = ["-m", "name=w", f"output_root={tmp_path}", "policy=saksbehandler,brobygger", "seed=1,2",
            "world.n_offices=3", "world.offices_per_region=2", "office.n_advisers=3", "office.caseload_ordinary=30",
            "labour_market.n_firms=40", "horizon_weeks=40", "workers=2"]   # runs side by side: their regions one after the other
    proc = subprocess.run([sys.executable, "-m", "inclusim.cli", *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    html = (tmp_path / "w" / "report" / "report.html").read_text()
    assert "Offices: users ever employed" in html
    by_office = pd.read_csv(tmp_path / "w" / "report" / "tables" / "by_office.csv")
    assert len(by_office) == 6 and set(by_office["office_index"]) == {0, 1, 2}
    assert by_office["ever_employed_share"].between(0, 1).all()


@pytest.mark.slow
def test_a_single_run_of_a_world_writes_its_tables_and_a_report(tmp_path):
    args = [f"output_root={tmp_path}", "name=one", "policy=brobygger", "world.n_offices=3", "world.offices_per_region=2",
            "office.n_advisers=3", "office.caseload_ordinary=30", "labour_market.n_firms=40", "horizon_weeks=30",
            "workers=2"]
    proc = subprocess.run([sys.executable, "-m", "inclusim.cli", *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (run_dir,) = list((tmp_path / "single_runs" / "one").iterdir())
    assert (run_dir / "candidates.parquet").exists() and "report:" in proc.stdout
    assert "3 NAV offices" in proc.stdout.splitlines()[0]
    html = (run_dir / "report" / "report.html").read_text()
    assert "inclusim run report" in html and "Offices: users ever employed" in html
    assert "<dt>NAV offices</dt><dd>3</dd>" in html
    assert "&times; 1 seed;" in html and "at least 1 replication per setting" in html
    again = subprocess.run([sys.executable, "-m", "inclusim.cli", "report", str(run_dir)], capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 0 and "report:" in again.stdout, again.stderr[-2000:]


def test_every_attribute_of_a_candidate_is_declared_in_its_slots():
    # an attribute missing from Candidate.__slots__ would silently fall back to Mesa's per-object dict
    # (slower, and the reason the slots are there); a run under every policy touches every attribute
    import mesa

    from agents.candidate import Candidate

    mesa_own = set(vars(mesa.Agent(InclusionModel(from_dict({"horizon_weeks": 1})))))
    for policy in ("saksbehandler", "hybrid", "jobbspesialist", "brobygger"):
        model = InclusionModel(from_dict({"policy": {"name": policy}, "seed": 3}))
        model.run()
        undeclared = set().union(*(vars(c).keys() for c in model.candidates)) - mesa_own
        assert not undeclared, f"declare in Candidate.__slots__: {sorted(undeclared)}"
    assert len(set(Candidate.__slots__)) == len(Candidate.__slots__)
