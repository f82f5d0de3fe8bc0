"""Collect a sweep: one tidy table per kind (``runs``, ``weekly``, ``events``, ``candidates``) from
the finished run folders (``sweep_dir/runs/<config_hash>``, see ``infra.store``).

A table is written run by run, in row groups of about ``ROW_GROUP_ROWS`` rows, so memory holds that
much of the runs' tables at a time. Runs need not have the
same columns (the ``cfg.policy.*`` settings differ between policies): the sweep's table has every
column of any run, and a run without a column gets nulls there. Rows are ordered by run folder
(config hash), so collecting twice, or collecting a serial and a parallel sweep of the same
configs, gives identical tables.

Every run is checked before anything is written (``infra.store.check_run``: files present, sizes
and checksums as recorded): a damaged run stops the collect with its name and what is wrong, and
the tables already collected stay as they were. Each table is written to a temporary file with a
unique name and renamed into place; the caller holds the sweep's lock (``infra.store.sweep_lock``).
The four are renamed into place only once all are written.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from domain.schema import TABLES
from infra.provenance import model_code
from infra.store import OTHER_CODE, StoreError, check_run, complete_run_dirs, file_mode, remove_leftovers_in


#: The table with one row per run, read once (:func:`read_whole`); the others are read twice
#: (schemas, then rows) so that memory holds one row group at a time.
RUNS_TABLE = "runs"

#: Runs are gathered into row groups of about this many rows (one row group per run made the runs
#: table of a 1,000-run sweep 110 MB of metadata for 1,000 rows, slow and memory-hungry to read back).
ROW_GROUP_ROWS = 20_000


#: Files read at once by a pool of threads (Parquet reading releases the GIL); results are taken in
#: file order, a chunk at a time, so the tables come out in the same order and memory stays bounded.
READ_THREADS = 4
READ_CHUNK = 64


def read_in_order(read, files: list[Path]):
    """``read(f)`` for each file, in file order, read by a pool of threads a chunk at a time."""
    with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
        for start in range(0, len(files), READ_CHUNK):
            yield from pool.map(read, files[start:start + READ_CHUNK])


def _read_table(path: Path) -> pa.Table:
    return pq.ParquetFile(path).read(use_threads=False)


def read_whole(files: list[Path]) -> tuple[pa.Schema, list[pa.Table]]:
    """The runs' tables, read once, as row groups of about ``ROW_GROUP_ROWS`` rows, and their schema.

    For a table with one row per run (``runs``): reading only its schemas first cost as much as
    reading it (about 490 columns of footer per run), and its rows are few."""
    groups: list[pa.Table] = []
    buffered: list[pa.Table] = []
    rows = 0
    try:
        for table in read_in_order(_read_table, files):
            buffered.append(table)
            rows += table.num_rows
            if rows >= ROW_GROUP_ROWS:
                groups.append(pa.concat_tables(buffered, promote_options="permissive"))
                buffered, rows = [], 0
        if buffered:
            groups.append(pa.concat_tables(buffered, promote_options="permissive"))
        return pa.unify_schemas([group.schema for group in groups], promote_options="permissive"), groups
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ValueError(f"the runs' {files[0].stem} tables do not fit one schema: {exc}") from exc


def sweep_schema(files: list[Path]) -> pa.Schema:
    """The union of the files' schemas, types widened where runs differ (e.g. a column that is all
    null in one run and integer in another is integer)."""
    try:
        return pa.unify_schemas(list(read_in_order(pq.read_schema, files)), promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ValueError(f"the runs' {files[0].stem} tables do not fit one schema: {exc}") from exc


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with the columns of ``schema``, in its order and types; columns it lacks are null."""
    if table.schema.equals(schema):
        return table
    by_name = dict(zip(table.column_names, table.columns, strict=True))   # one lookup per column, not a scan
    columns = []
    for field in schema:
        column = by_name.get(field.name)
        if column is None:
            columns.append(pa.nulls(len(table), type=field.type))
        else:
            columns.append(column if column.type == field.type else column.cast(field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _row_group(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    """Consecutive runs' tables as one table of ``schema`` (columns a run lacks are null)."""
    return conform(pa.concat_tables(tables, promote_options="permissive"), schema)


def remove_leftovers(sweep_dir: Path) -> list[Path]:
    """Remove temporary files a killed writer left in the sweep folder (the caller holds its lock)."""
    stale = [p for p in Path(sweep_dir).glob(".*.collecting") if p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale + remove_leftovers_in(sweep_dir)


def collect(sweep_dir: Path, quiet: bool = False) -> dict[str, Path]:
    """Write ``sweep_dir/<table>.parquet`` for each table of the finished runs; returns their paths.

    Raises ``FileNotFoundError`` when the sweep has no finished run, and ``StoreError`` naming every
    damaged run (nothing is written then).
    """
    sweep_dir = Path(sweep_dir)
    dirs = complete_run_dirs(sweep_dir)
    if not dirs:
        raise FileNotFoundError(f"no complete runs under {sweep_dir / 'runs'}")
    remove_leftovers(sweep_dir)
    code = model_code()
    damaged = [(d, problem) for d in dirs if (problem := check_run(d, code=code)) is not None]
    if damaged:
        first, problem = damaged[0]
        stale = sum(p.startswith(OTHER_CODE) for _, p in damaged)
        what = (f"{len(damaged)} damaged run(s) in {sweep_dir / 'runs'}" if not stale else
                f"{len(damaged)} run(s) in {sweep_dir / 'runs'} made by other model code" if stale == len(damaged) else
                f"{len(damaged)} run(s) in {sweep_dir / 'runs'} damaged or made by other model code")
        raise StoreError(f"{what}, e.g. {first.name}: {problem}; run the sweep command again to redo them "
                         "(nothing was collected)")
    for run_dir in dirs:     # complete and intact: no writer will come back for a temporary file there
        remove_leftovers_in(run_dir)

    # every table is renamed into place only once all four are written
    try:
        temporary = dict(zip(TABLES, _write_share(sweep_dir, tuple(TABLES), dirs), strict=True))
    except BaseException:
        remove_leftovers(sweep_dir)    # unfinished files (the caller holds the lock)
        raise
    written = {}
    try:
        for name in TABLES:
            written[name] = sweep_dir / f"{name}.parquet"
            os.replace(temporary[name], written[name])
    finally:
        for tmp in temporary.values():
            Path(tmp).unlink(missing_ok=True)
    if not quiet:
        from analysis.i18n import tr

        print(tr("collected {n} runs into {folder}", n=len(dirs), folder=sweep_dir))
    return written


def _write_share(sweep_dir: Path, names: tuple[str, ...], dirs: list[Path]) -> list[str]:
    """Write the tables ``names`` from the runs' tables, each to a temporary file in ``sweep_dir``;
    their paths (on failure, none is left)."""
    temps: list[str] = []
    try:
        for name in names:
            temps.append(_write_temporary(sweep_dir, name, dirs))
    except BaseException:
        for tmp in temps:
            Path(tmp).unlink(missing_ok=True)
        raise
    return temps


def _write_temporary(sweep_dir: Path, name: str, dirs: list[Path]) -> str:
    """The sweep's table ``name`` written to a temporary file in ``sweep_dir`` (its path)."""
    files = [d / f"{name}.parquet" for d in dirs]
    if name == RUNS_TABLE:
        schema, groups = read_whole(files)
    else:
        schema, groups = sweep_schema(files), None
    fd, tmp = tempfile.mkstemp(dir=sweep_dir, prefix=f".{name}.parquet.", suffix=".collecting")
    os.close(fd)
    try:
        with pq.ParquetWriter(tmp, schema) as writer:
            for group in groups if groups is not None else []:
                writer.write_table(conform(group, schema))
            buffered: list[pa.Table] = []
            rows = 0
            for table in read_in_order(_read_table, files) if groups is None else ():
                buffered.append(table)
                rows += table.num_rows
                if rows >= ROW_GROUP_ROWS:
                    writer.write_table(_row_group(buffered, schema))
                    buffered, rows = [], 0
            if buffered:
                writer.write_table(_row_group(buffered, schema))
        os.chmod(tmp, file_mode())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp
