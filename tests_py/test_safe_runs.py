"""Safe runs: a failed build leaves the last good warehouse readable and unchanged, an
interrupted build needs no cleanup, two builds never run at once on one warehouse, and two
builds of the same extract give identical tables.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from dq_extract import dirty_build
from hand_extract import write_hand_extract

from qof_warehouse.cli import main
from qof_warehouse.dbt_runner import BuildLockedError, BuildSettings, WarehouseFiles, safe_build

NO_UNIT_TESTS = ["--exclude", "resource_type:unit_test"]
# What `qof build` needs for its summaries, alerts, worklists, CQRS file and checkpoint (the
# rest of the marts are left out to keep the test quick).
REPORTED_MARTS = [
    "--select",
    "+path:models/marts/data_quality",
    "+fct_practice_prevalence",
    "+fct_practice_income",
    "+fct_practice_income_totals",
    "+dim_cluster",
    "+fct_screening_worklist",
    "+fct_cancer_care_worklist",
    "+fct_cqrs_submission",
    "path:seeds/reference/data_quality",
    "--indirect-selection",
    "cautious",
    *NO_UNIT_TESTS,
]
# A build of the practices staging models only: enough to show a restart succeeds.
PRACTICES_ONLY = [
    "--select",
    "+stg_gp_extract__practices",
    "--indirect-selection",
    "cautious",
    *NO_UNIT_TESTS,
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _points(warehouse: Path) -> float:
    """Total points, read through a view as well as a table (views must survive the swap)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute("select sum(points) from fct_practice_indicator_achievement").fetchone()
        practices = connection.execute("select count(*) from stg_gp_extract__practices").fetchone()
    assert row is not None and practices is not None and practices[0] > 0
    return float(row[0])


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildSettings, Path]:
    """The hand extract built once by `qof build`, as a scheduled job would run it."""
    root = tmp_path_factory.mktemp("safe")
    extract = write_hand_extract(root / "extract")
    warehouse = root / "warehouse" / "qof.duckdb"
    code = main(
        [
            "build",
            "--extract-dir",
            str(extract),
            "--duckdb",
            str(warehouse),
            "--alerts-dir",
            str(root / "alerts"),
            "--worklists-dir",
            str(root / "worklists"),
            "--cqrs-dir",
            str(root / "cqrs"),
            "--",
            *REPORTED_MARTS,
        ]
    )
    assert code == 0
    return BuildSettings(extract_dir=extract, duckdb_path=warehouse), root


def test_build_swaps_in_one_file_and_leaves_no_leftovers(good_build: tuple[BuildSettings, Path]) -> None:
    settings, root = good_build
    files = WarehouseFiles(settings.duckdb_path.resolve())
    assert sorted(path.name for path in files.target.parent.iterdir()) == [files.target.name, files.lock.name]
    assert (root / "alerts" / "practices" / "A00001" / "index.html").is_file()
    assert _points(files.target) > 0


def test_broken_extract_leaves_the_last_good_warehouse_intact(
    good_build: tuple[BuildSettings, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, _ = good_build
    before = _digest(settings.duckdb_path)
    broken = write_hand_extract(tmp_path / "broken")
    (broken / "events.csv").write_text("event_id,patient_id,practice_code,event_date,snomed_code,value\n")
    code = main(["build", "--extract-dir", str(broken), "--duckdb", str(settings.duckdb_path)])
    assert code != 0
    first_line = capsys.readouterr().err.splitlines()[0]
    assert "events.csv" in first_line and "'unit'" in first_line
    assert _digest(settings.duckdb_path) == before


def test_failed_dbt_build_leaves_the_last_good_warehouse_intact(
    good_build: tuple[BuildSettings, Path], tmp_path: Path
) -> None:
    settings, _ = good_build
    before = _digest(settings.duckdb_path)
    points = _points(settings.duckdb_path)
    # An events file without its `unit` column passes no pre-flight here, so dbt fails while
    # building the staging model: a failure at run time, after the new file was started.
    extract = write_hand_extract(tmp_path / "broken")
    (extract / "events.csv").write_text("event_id,patient_id,practice_code,event_date,snomed_code,value\n")
    broken = replace(settings, extract_dir=extract)
    result = safe_build(
        ["build", "--select", "+stg_gp_extract__events", "--fail-fast", *NO_UNIT_TESTS], broken, capture=True
    )
    assert not result.ok
    assert _digest(settings.duckdb_path) == before
    assert _points(settings.duckdb_path) == points
    files = WarehouseFiles(settings.duckdb_path.resolve())
    assert result.failed_build == files.failed and files.failed.is_file()
    assert not files.building.exists()


def test_an_invalid_achievement_date_stops_the_build_before_it_starts(
    good_build: tuple[BuildSettings, Path],
) -> None:
    settings, _ = good_build
    before = _digest(settings.duckdb_path)
    broken = replace(settings, extra_vars={"achievement_date": "not-a-date"})
    result = safe_build(["build", "--select", "+int_population", *NO_UNIT_TESTS], broken, capture=True)
    assert not result.ok
    assert "achievement_date" in result.process.stdout and "not-a-date" in result.process.stdout
    assert _digest(settings.duckdb_path) == before
    files = WarehouseFiles(settings.duckdb_path.resolve())
    assert result.failed_build is None and not files.building.exists()


def test_restart_after_an_interrupted_build_needs_no_cleanup(good_build: tuple[BuildSettings, Path]) -> None:
    settings, _ = good_build
    files = WarehouseFiles(settings.duckdb_path.resolve())
    # What a build killed half-way leaves: a partial new file, its log and spill folder, and a
    # stale log of the old warehouse.
    files.building.write_bytes(b"partial build")
    files.building.with_name(files.building.name + ".wal").write_bytes(b"partial log")
    files.building.with_name(files.building.name + ".tmp").mkdir()
    files.target.with_name(files.target.name + ".wal").write_bytes(b"stale log")
    result = safe_build(["build", *PRACTICES_ONLY], settings, capture=True)
    assert result.ok, result.process.stdout[-4000:]
    assert sorted(path.name for path in files.target.parent.iterdir()) == [files.target.name, files.lock.name]
    with duckdb.connect(str(files.target), read_only=True) as connection:
        assert connection.execute("select count(*) from stg_gp_extract__practices").fetchone() == (3,)


def test_a_second_build_of_the_same_warehouse_is_refused(good_build: tuple[BuildSettings, Path]) -> None:
    settings, _ = good_build
    files = WarehouseFiles(settings.duckdb_path.resolve())
    before = _digest(files.target)
    with files.lock.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BuildLockedError, match="another build"):
            safe_build(["build", *PRACTICES_ONLY], settings, capture=True)
    assert _digest(files.target) == before


def _tables(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_type = 'BASE TABLE' order by table_name",
        [catalog],
    ).fetchall()
    return [row[0] for row in rows]


def _differs(connection: duckdb.DuckDBPyConnection, table: str) -> bool:
    first, second = f"first_run.{table}", f"second_run.{table}"
    row = connection.execute(
        f"select count(*) from ((select * from {first} except all select * from {second}) "
        f"union all (select * from {second} except all select * from {first}))"
    ).fetchone()
    return row != (0,)


def test_two_builds_of_the_same_extract_give_identical_tables(tmp_path: Path) -> None:
    first = dirty_build()
    copy = tmp_path / "first.duckdb"
    shutil.copyfile(first.warehouse, copy)
    second = safe_build(
        ["build", *NO_UNIT_TESTS],
        replace(first.settings, duckdb_path=tmp_path / "second.duckdb"),
        capture=True,
    )
    assert second.ok, second.process.stdout[-4000:]
    with duckdb.connect() as connection:
        connection.execute(f"attach '{copy}' as first_run (read_only)")
        connection.execute(f"attach '{second.warehouse}' as second_run (read_only)")
        tables = _tables(connection, "first_run")
        assert tables == _tables(connection, "second_run")
        assert {"dq_practice_alerts", "dq_row_accounting", "fct_practice_indicator_achievement"} <= set(
            tables
        )
        differing = [table for table in tables if _differs(connection, table)]
    assert differing == []
