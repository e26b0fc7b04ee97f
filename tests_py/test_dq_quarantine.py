"""Every class of bad input row goes to quarantine with its reason, and only those rows do.

Driven by the dirty extract of dq_extract.py (real CSV files written by the test): one test
per table and bad-input class checks that exactly the rows written with that defect were
quarantined with that reason, then the hand-worked QOF results are checked to be unchanged
by the extra dirty rows.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from dq_extract import DIRTY, dirty_build
from hand_extract import EXPECTED

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHECKS_SEED = PROJECT_ROOT / "seeds" / "reference" / "data_quality" / "qof_dq_checks.csv"
CLASSES = sorted({(dirty.table, dirty.reason) for dirty in DIRTY})
BASE_TABLES = ["practices", "patients", "registrations", "events", "medications", "manual_achievement"]

Quarantine = dict[tuple[str, str], list[str]]


def _ids(values: list[str | None]) -> list[str]:
    return sorted(value or "(blank)" for value in values)


@pytest.fixture(scope="module")
def warehouse() -> Path:
    return dirty_build().warehouse


@pytest.fixture(scope="module")
def quarantine(warehouse: Path) -> Quarantine:
    found: dict[tuple[str, str], list[str | None]] = defaultdict(list)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select table_name, quarantine_reason, record_id from stg_gp_extract__quarantine"
        ).fetchall()
    for table, reason, record_id in rows:
        found[(table, reason)].append(record_id)
    return {key: _ids(values) for key, values in found.items()}


def test_at_least_twenty_classes_are_exercised() -> None:
    assert len({dirty.reason for dirty in DIRTY}) >= 20


@pytest.mark.parametrize(("table", "reason"), CLASSES, ids=[f"{t}-{r}" for t, r in CLASSES])
def test_bad_rows_are_quarantined_with_their_reason(quarantine: Quarantine, table: str, reason: str) -> None:
    expected = _ids([dirty.record_id for dirty in DIRTY if (dirty.table, dirty.reason) == (table, reason)])
    assert quarantine.get((table, reason), []) == expected


def test_no_clean_row_is_quarantined(quarantine: Quarantine) -> None:
    unexpected = {key: ids for key, ids in quarantine.items() if key not in set(CLASSES)}
    assert unexpected == {}
    assert sum(len(ids) for ids in quarantine.values()) == len(DIRTY)


@pytest.mark.parametrize("table", BASE_TABLES)
def test_every_raw_row_has_exactly_one_status(warehouse: Path, table: str) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        base = connection.execute(
            f"select count(*) filter (where quarantine_reason is null), count(quarantine_reason), count(*) "
            f"from base_gp_extract__{table}"
        ).fetchone()
        staged = connection.execute(f"select count(*) from stg_gp_extract__{table}").fetchone()
        quarantined = connection.execute(
            "select count(*) from stg_gp_extract__quarantine where table_name = ?", [table]
        ).fetchone()
    assert base is not None and staged is not None and quarantined is not None
    assert (base[0], base[1]) == (staged[0], quarantined[0])
    assert base[0] + base[1] == base[2]


def test_every_reason_is_described_for_practices() -> None:
    with CHECKS_SEED.open(newline="", encoding="utf-8") as handle:
        described = {
            row["check_code"] for row in csv.DictReader(handle) if row["check_category"] == "quarantine"
        }
    assert {dirty.reason for dirty in DIRTY} <= described


@pytest.mark.parametrize(("practice", "indicator"), sorted(EXPECTED))
def test_hand_worked_results_are_unchanged_by_dirty_rows(
    warehouse: Path, practice: str, indicator: str
) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(
            """
            select register, denominator, numerator, pca_count, exclusion_count, points
            from fct_practice_indicator_achievement
            where practice_code = ? and indicator_code = ?
            """,
            [practice, indicator],
        ).fetchone()
    assert row is not None
    assert tuple(row) == EXPECTED[(practice, indicator)]


def test_implausible_bmi_is_caught_once_the_bmi_cluster_has_codes(warehouse: Path) -> None:
    # BMIVAL_COD has no codes in the project's clusters; the build adds one through
    # cluster_refset_dir, and the plausibility seed's BMI range then applies to it.
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(
            "select quarantine_reason from base_gp_extract__events where event_id = 'x_bmi_400'"
        ).fetchone()
    assert row == ("implausible_value",)


def test_systolic_below_diastolic_quarantines_both_readings_only(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            """
            select event_id, quarantine_reason from base_gp_extract__events
            where patient_id = 'p08' and event_date = date '2023-12-01'
            """
        ).fetchall()
    # p08's valid reading of 138/88 on 2023-12-01 stays staged.
    assert sorted(rows) == [("e0021", None), ("e0022", None)]
