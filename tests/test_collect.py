"""Collecting a sweep's run folders into one table per kind, and the sweep's summary."""

from __future__ import annotations

import runpy
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.collect import collect
from analysis.summary import (SUMMARY_HEADING, group_column, settings_table, summary_table, terminal_summary,
                              with_settings, write_summary)
from domain.schema import SUMMARY_KPIS, TABLES
from infra.store import StoreError, write_run_folder


#: The fabricated runs table of test_charts.py, loaded by path (no package needed).
fake_runs = runpy.run_path(str(Path(__file__).with_name("test_charts.py")))["fake_runs"]


def _run_folder(sweep: Path, name: str, runs: dict, complete: bool = True) -> None:
    """A run folder with a one-row runs table and small weekly, events and candidates tables."""
    folder = sweep / "runs" / name
    folder.mkdir(parents=True)
    tables = {"runs": pd.DataFrame([runs]),
              "weekly": pd.DataFrame({"run_id": runs["run_id"], "week": [1, 2], "n_pool": [10, 9]}),
              "events": pd.DataFrame({"run_id": runs["run_id"], "week": [1], "cause": ["x"]}),
              "candidates": pd.DataFrame({"run_id": runs["run_id"], "candidate_id": [0, 1],   # nobody hired in a
                                          "first_job_week": [None, None] if name == "a" else pd.array([3, None],
                                                                                                      dtype="Int64")})}
    if complete:
        write_run_folder(tables, {"config_hash": name}, folder)
    else:
        for table, frame in tables.items():
            frame.to_parquet(folder / f"{table}.parquet", index=False)


@pytest.fixture
def sweep(tmp_path):
    """Three finished runs of two policies with different ``cfg.policy.*`` columns, and one unfinished."""
    _run_folder(tmp_path, "b", {"run_id": "rb", "policy": "jobbspesialist", "seed": 1, "ever_employed_share": 0.3,
                                "cfg.policy.name": "jobbspesialist", "cfg.policy.js_cap": 20.5})
    _run_folder(tmp_path, "a", {"run_id": "ra", "policy": "hybrid", "seed": 1, "ever_employed_share": 0.4,
                                "cfg.policy.name": "hybrid", "cfg.policy.max_age": 29})
    _run_folder(tmp_path, "c", {"run_id": "rc", "policy": "hybrid", "seed": 2, "ever_employed_share": 0.5,
                                "cfg.policy.name": "hybrid", "cfg.policy.max_age": 30})
    _run_folder(tmp_path, "d", {"run_id": "rd", "policy": "hybrid", "seed": 3, "ever_employed_share": 0.9},
                complete=False)
    return tmp_path


def test_collect_unites_the_columns_of_every_run(sweep):
    paths = collect(sweep, quiet=True)
    assert set(paths) == set(TABLES)
    runs = pd.read_parquet(paths["runs"])
    assert runs["run_id"].tolist() == ["ra", "rb", "rc"]            # by run folder; the unfinished run left out
    assert list(runs.columns) == ["run_id", "policy", "seed", "ever_employed_share", "cfg.policy.name",
                                  "cfg.policy.max_age", "cfg.policy.js_cap"]
    assert runs["cfg.policy.max_age"].tolist()[::2] == [29, 30] and pd.isna(runs["cfg.policy.max_age"].iloc[1])
    assert runs["cfg.policy.js_cap"].isna().tolist() == [True, False, True]
    # a column all null in the first run and integer in another is integer
    assert str(pq.read_schema(sweep / "runs" / "a" / "candidates.parquet").field("first_job_week").type) == "null"
    candidates = pq.read_table(paths["candidates"])
    assert str(candidates.schema.field("first_job_week").type) == "int64"
    assert candidates["first_job_week"].to_pylist() == [None, None, 3, None, 3, None]
    assert not list(sweep.glob(".*collecting"))


def test_runs_are_gathered_into_row_groups_not_one_group_per_run(sweep, monkeypatch):
    import analysis.collect as collect_module

    paths = collect(sweep, quiet=True)
    assert pq.ParquetFile(paths["runs"]).metadata.num_row_groups == 1        # three one-row runs, one group
    monkeypatch.setattr(collect_module, "ROW_GROUP_ROWS", 2)                 # weekly: two rows per run
    monkeypatch.setattr(collect_module, "READ_CHUNK", 2)                     # read across chunk borders
    paths = collect(sweep, quiet=True)
    assert pq.ParquetFile(paths["weekly"]).metadata.num_row_groups == 3
    assert pd.read_parquet(paths["weekly"])["run_id"].tolist() == ["ra", "ra", "rb", "rb", "rc", "rc"]


def test_collect_twice_gives_the_same_tables(sweep):
    first = {name: pd.read_parquet(path) for name, path in collect(sweep, quiet=True).items()}
    for name, path in collect(sweep, quiet=True).items():
        pd.testing.assert_frame_equal(pd.read_parquet(path), first[name])


def test_collect_names_a_table_whose_runs_do_not_fit(sweep):
    folder = sweep / "runs" / "c"
    tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    tables["runs"] = tables["runs"].assign(seed="two")
    write_run_folder(tables, {"config_hash": "c"}, folder)
    with pytest.raises(ValueError, match="runs tables do not fit one schema"):
        collect(sweep, quiet=True)


def test_a_table_that_fails_leaves_every_collected_table_as_it_was(sweep):
    """The runs table fails: none of the tables is replaced."""
    collect(sweep, quiet=True)
    before = {p.name: p.read_bytes() for p in sweep.glob("*.parquet")}
    _run_folder(sweep, "e", {"run_id": "re", "policy": "hybrid", "seed": "four", "ever_employed_share": 0.2})
    with pytest.raises(ValueError, match="runs tables do not fit one schema"):
        collect(sweep, quiet=True)
    assert {p.name: p.read_bytes() for p in sweep.glob("*.parquet")} == before
    assert not list(sweep.glob(".*collecting"))


def test_collect_refuses_a_run_changed_after_it_was_written_and_writes_nothing(sweep):
    frame = pd.read_parquet(sweep / "runs" / "c" / "runs.parquet").assign(ever_employed_share=0.99)
    frame.to_parquet(sweep / "runs" / "c" / "runs.parquet", index=False)
    with pytest.raises(StoreError, match=r"1 damaged run\(s\).*e\.g\. c: runs\.parquet"):
        collect(sweep, quiet=True)
    assert not list(sweep.glob("*.parquet")) and not list(sweep.glob(".*"))


def test_collect_without_finished_runs(tmp_path):
    with pytest.raises(FileNotFoundError, match="no complete runs"):
        collect(tmp_path)


# --- summary -------------------------------------------------------------------------------------

def test_group_column_is_the_policy_unless_a_policy_has_several_settings():
    runs = pd.DataFrame({"policy": ["a", "a", "b"], "seed": [1, 2, 1], "variant": ["a", "a", "b"],
                         "cfg.policy.name": ["a", "a", "b"], "cfg.seed": [1, 2, 1], "cfg.x": [1, 1, 1]})
    assert group_column(runs) == "policy"
    assert group_column(runs.assign(**{"cfg.x": [1, 2, 1], "variant": ["x=1", "x=2", "b"]})) == "setting"
    assert group_column(runs.drop(columns="variant")) == "policy"


def test_runs_are_replications_when_their_configurations_match_whatever_the_override_text():
    runs = pd.DataFrame({"policy": ["h"] * 4, "seed": [1, 2, 3, 4],
                         "variant": ["policy=h x=2", "x=2 policy=h", "policy=h x=3", "policy=h x=3 report=false"],
                         "cfg.policy.name": ["h"] * 4, "cfg.seed": [1, 2, 3, 4], "cfg.x": [2, 2, 3, 3]})
    labelled = with_settings(runs)
    assert labelled["setting"].tolist() == ["policy=h x=2", "policy=h x=2", "policy=h x=3", "policy=h x=3"]
    same_text = runs.assign(variant="policy=h")   # different configurations never share a label
    assert with_settings(same_text)["setting"].nunique() == 2


def test_summary_table_is_kpis_by_policy_with_derived_kpis():
    runs = fake_runs(seeds=(1, 2, 3))
    table = summary_table(runs)
    assert list(table.columns) == ["saksbehandler", "hybrid", "brobygger"]
    assert "caseholder_pressure" in table.index
    assert list(table.index) == [k for k in SUMMARY_KPIS if k in table.index]
    assert "employed_share_w156" not in table.index   # horizon 52: no value
    assert table.loc["dropout_share", "hybrid"].count("(") == 1 and "-" in table.loc["dropout_share", "hybrid"]


def test_many_settings_give_one_row_per_setting_in_natural_order():
    runs = fake_runs(policies=("hybrid",), seeds=(1, 2), slots=(1, 2, 3, 4, 5, 6, 10))
    runs["variant"] = [f"office.hybrid_slots={s}" for s in runs["cfg.office.hybrid_slots"]]
    table = terminal_summary(runs)
    assert list(table.index) == [f"office.hybrid_slots={n}" for n in (1, 2, 3, 4, 5, 6, 10)]
    assert list(table.columns)[0] == "ever_employed_share"
    pd.testing.assert_frame_equal(table, settings_table(runs, by="variant"))


def test_write_summary_saves_the_numbers(tmp_path):
    runs = fake_runs(seeds=(1, 2))
    runs["variant"] = runs["policy"]
    runs.to_parquet(tmp_path / "runs.parquet")
    printed = write_summary(tmp_path)
    saved = pd.read_csv(tmp_path / "summary.csv")
    assert list(saved.columns) == ["policy", "kpi", "mean", "low", "high", "n", "method", "set_low", "set_high", "sets"]
    assert saved["sets"].eq(0).all() and saved["set_low"].isna().all()   # no ensemble: no interval over sets
    assert set(saved["kpi"]) == set(printed.index) and (saved["n"] == 2).all() and (saved["method"] == "t").all()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "summary.parquet"), saved, check_dtype=False)
    assert SUMMARY_HEADING.startswith("Summary: mean over replications (90 % interval: Student t below 20")


def test_plain_tables_are_written_without_pandas_metadata_and_read_back_the_same():
    import io

    from infra.store import parquet_bytes

    wide = pd.DataFrame({f"cfg.k{i}": [float(i)] for i in range(300)} | {"policy": ["hybrid"], "seed": [1],
                                                                          "ok": [True]})
    data = parquet_bytes(wide)
    assert pq.read_schema(io.BytesIO(data)).metadata is None or b"pandas" not in pq.read_schema(io.BytesIO(data)).metadata
    back = pd.read_parquet(io.BytesIO(data))
    pd.testing.assert_frame_equal(back, wide)
    nullable = pd.DataFrame({"first_job_week": pd.array([3, None], dtype="Int64")})   # kept by pandas' metadata
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(parquet_bytes(nullable))), nullable)


def test_a_run_row_is_written_as_its_one_row_frame_would_be():
    import io

    import numpy as np

    from infra.store import parquet_bytes, row_parquet_bytes

    row = {"run_id": "abc", "seed": 3, "n_candidates": np.int64(351), "share": 0.25, "missing": float("nan"),
           "mean": np.float64(1.5), "ok": True, "flag": np.bool_(False)}
    assert row_parquet_bytes(row) == parquet_bytes(pd.DataFrame([row]))
    back = pd.read_parquet(io.BytesIO(row_parquet_bytes(row)))
    pd.testing.assert_frame_equal(back, pd.DataFrame([row]))
    # a value the fast path does not know goes through the frame, which picks the column's type
    odd = {**row, "max_age": None}
    assert row_parquet_bytes(odd) == parquet_bytes(pd.DataFrame([odd]))
