"""Every raw row is accounted for: rows read = rows staged + rows quarantined, per table.

Checked on the dirty extract (against the rows the test wrote), on a generated extract with
its default share of dirty rows (against the generator's manifest), and shown to fail when a
row goes missing between the files and the staging models.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dq_extract import dirty_build, table_rows

from qof_warehouse.dbt_runner import BuildSettings, run_dbt, safe_build
from qof_warehouse.extract_check import check_extract

Accounting = dict[str, tuple[int, int, int, int]]
Manifest = dict[str, Any]


def _accounting(warehouse: Path) -> Accounting:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select table_name, rows_read, rows_staged, rows_quarantined, rows_unaccounted "
            "from dq_row_accounting"
        ).fetchall()
    return {table: (read, staged, quarantined, lost) for table, read, staged, quarantined, lost in rows}


def test_dirty_extract_rows_read_are_the_rows_written() -> None:
    accounting = _accounting(dirty_build().warehouse)
    assert {table: values[0] for table, values in accounting.items()} == {
        table: len(rows) for table, rows in table_rows().items()
    }


def test_dirty_extract_every_row_is_staged_or_quarantined() -> None:
    for table, (read, staged, quarantined, lost) in _accounting(dirty_build().warehouse).items():
        assert read == staged + quarantined, table
        assert lost == 0, table


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Manifest]]:
    """A small extract from the project's generator, with its default share of dirty rows."""
    from qof_warehouse.generator import GeneratorConfig, generate_extract

    root = tmp_path_factory.mktemp("generated")
    extract = root / "extract"
    generate_extract(extract, GeneratorConfig(n_patients=1500, n_practices=4, n_pcns=2, seed=11))
    layout = check_extract(extract)
    settings = BuildSettings(
        extract_dir=extract,
        duckdb_path=root / "generated.duckdb",
        extract_format=layout.file_format,
        extract_layout=layout.layout,
    )
    # The staging layer and the row accounting (with their tests) are all this needs.
    selection = ["--select", "+dq_row_accounting", "qof_dq_checks", "--indirect-selection", "cautious"]
    result = safe_build(["build", *selection], settings, capture=True)
    assert result.ok, result.process.stdout[-6000:]
    yield result.warehouse, json.loads((extract / "manifest.json").read_text())
    shutil.rmtree(root, ignore_errors=True)


def test_generated_extract_rows_read_match_the_manifest(generated: tuple[Path, Manifest]) -> None:
    warehouse, manifest = generated
    accounting = _accounting(warehouse)
    assert {table: values[0] for table, values in accounting.items()} == manifest["rows"]
    for table, (read, staged, quarantined, lost) in accounting.items():
        assert (read == staged + quarantined, lost) == (True, 0), table


def test_generated_extract_quarantines_exactly_the_manifest_dirty_rows(
    generated: tuple[Path, Manifest],
) -> None:
    warehouse, manifest = generated
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select table_name, quarantine_reason, count(*) from stg_gp_extract__quarantine group by all"
        ).fetchall()
    found: dict[str, dict[str, int]] = {}
    for table, reason, count in rows:
        found.setdefault(table, {})[reason] = count
    expected = {table: classes for table, classes in manifest["dirty"]["rows_by_table"].items() if classes}
    assert expected, "the generator wrote no dirty rows"
    assert found == expected


def test_a_row_lost_after_reading_fails_the_build(tmp_path: Path) -> None:
    build = dirty_build()
    tampered = tmp_path / build.warehouse.name  # same name: the views name the file's catalog
    shutil.copyfile(build.warehouse, tampered)
    with duckdb.connect(str(tampered)) as connection:
        connection.execute("delete from base_gp_extract__events where event_id = 'e0001'")
    settings = replace(build.settings, duckdb_path=tampered)
    result = run_dbt(["build", "--select", "dq_row_accounting"], settings, capture=True)
    assert result.returncode != 0
    assert "dq_row_accounting" in result.stdout and "FAIL" in result.stdout
    with duckdb.connect(str(tampered), read_only=True) as connection:
        lost = connection.execute(
            "select rows_unaccounted from dq_row_accounting where table_name = 'events'"
        ).fetchone()
    assert lost == (1,)
