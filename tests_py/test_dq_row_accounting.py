"""Every raw row is accounted for: rows read = rows staged + rows quarantined, per table.

Checked on the dirty extract (against the rows the test wrote), on a generated extract with
its default share of dirty rows (against the generator's manifest, under the default
implausible_value_policy and under `quarantine`), and shown to fail when a row goes missing
between the files and the staging models.
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


GeneratedBuilds = dict[str, Path]


def _counts(warehouse: Path, query: str) -> dict[str, dict[str, int]]:
    """{table: {class: rows}} from a query returning table, class and count."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(query).fetchall()
    found: dict[str, dict[str, int]] = {}
    for table, reason, count in rows:
        found.setdefault(table, {})[reason] = count
    return found


QUARANTINED = "select table_name, quarantine_reason, count(*) from stg_gp_extract__quarantine group by all"
IMPLAUSIBLE = "select table_name, check_code, count(*) from dq_implausible_values group by all"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GeneratedBuilds, Manifest]]:
    """A small extract from the project's generator, with its default share of dirty rows,
    built under the default implausible_value_policy and under `quarantine`."""
    from qof_warehouse.synthetic.generator import GeneratorConfig, generate_extract

    root = tmp_path_factory.mktemp("generated")
    extract = root / "extract"
    generate_extract(extract, GeneratorConfig(n_patients=1500, n_practices=4, n_pcns=2, seed=11))
    layout = check_extract(extract)
    # The staging layer, the row accounting and the implausible values (with their tests).
    selection = [
        "--select",
        "+dq_row_accounting",
        "+dq_implausible_values",
        "qof_dq_checks",
        "--indirect-selection",
        "cautious",
    ]
    builds: GeneratedBuilds = {}
    for policy in ("keep_and_alert", "quarantine"):
        settings = BuildSettings(
            extract_dir=extract,
            duckdb_path=root / policy / "generated.duckdb",
            extract_format=layout.file_format,
            extract_layout=layout.layout,
            extra_vars={"implausible_value_policy": policy} if policy == "quarantine" else {},
        )
        result = safe_build(["build", *selection], settings, capture=True)
        assert result.ok, result.process.stdout[-6000:]
        builds[policy] = result.warehouse
    yield builds, json.loads((extract / "manifest.json").read_text())
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("policy", ["keep_and_alert", "quarantine"])
def test_generated_extract_rows_read_match_the_manifest(
    generated: tuple[GeneratedBuilds, Manifest], policy: str
) -> None:
    builds, manifest = generated
    accounting = _accounting(builds[policy])
    assert {table: values[0] for table, values in accounting.items()} == manifest["rows"]
    for table, (read, staged, quarantined, lost) in accounting.items():
        assert (read == staged + quarantined, lost) == (True, 0), table


def test_generated_extract_quarantines_exactly_the_manifest_dirty_rows(
    generated: tuple[GeneratedBuilds, Manifest],
) -> None:
    builds, manifest = generated
    expected = manifest["dirty"]["quarantined_by_table"]
    assert expected, "the generator wrote no dirty rows"
    assert _counts(builds["keep_and_alert"], QUARANTINED) == expected


def test_generated_extract_alerts_exactly_the_manifest_implausible_rows(
    generated: tuple[GeneratedBuilds, Manifest],
) -> None:
    builds, manifest = generated
    expected = manifest["dirty"]["staged_and_alerted_by_table"]
    assert expected, "the generator wrote no implausible readings"
    assert _counts(builds["keep_and_alert"], IMPLAUSIBLE) == expected


def test_quarantine_policy_quarantines_every_manifest_dirty_row(
    generated: tuple[GeneratedBuilds, Manifest],
) -> None:
    builds, manifest = generated
    assert _counts(builds["quarantine"], QUARANTINED) == manifest["dirty"]["rows_by_table"]
    assert _counts(builds["quarantine"], IMPLAUSIBLE) == {}


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
