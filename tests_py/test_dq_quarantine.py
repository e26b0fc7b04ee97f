"""Every class of bad input row goes to quarantine with its reason, and only those rows do.

Driven by the dirty extract of dq_extract.py (real CSV files written by the test): one test
per table and bad-input class checks that exactly the rows written with that defect were
quarantined with that reason, then the hand-worked QOF results are checked to be unchanged
by the extra dirty rows. Readings whose value fails a plausibility check (IMPLAUSIBLE) are
staged and alerted by default; a second build with implausible_value_policy `quarantine`
shows they are then quarantined with their reason, every row still accounted for.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from dq_extract import DIRTY, IMPLAUSIBLE, dirty_build
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
        categories = {row["check_code"]: row["check_category"] for row in csv.DictReader(handle)}
    assert {categories.get(dirty.reason) for dirty in DIRTY} == {"quarantine"}
    assert {categories.get(dirty.reason) for dirty in IMPLAUSIBLE} == {"value_plausibility"}


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
    # The BMI codelist comes through cluster_refset_dir, and the plausibility seed's BMI range
    # (10-100) then applies to it: the reading is staged as recorded and flagged.
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(
            "select quarantine_reason, value_plausibility_check, plausible_max_value "
            "from base_gp_extract__events where event_id = 'x_bmi_400'"
        ).fetchone()
    assert row == (None, "implausible_value", 100)


def test_systolic_below_diastolic_flags_both_readings_only(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            """
            select event_id, quarantine_reason, value_plausibility_check from base_gp_extract__events
            where patient_id = 'p08' and event_date in (date '2023-06-15', date '2023-12-01')
            """
        ).fetchall()
    # p08's valid reading of 138/88 on 2023-12-01 is not flagged; both readings of the
    # inverted pair are, and stay staged.
    assert sorted(rows) == [
        ("e0021", None, None),
        ("e0022", None, None),
        ("x_dia_high", None, "systolic_below_diastolic"),
        ("x_sys_low", None, "systolic_below_diastolic"),
    ]


def test_implausible_values_are_staged_as_recorded_and_listed(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        listed = connection.execute(
            "select table_name, check_code, record_id from dq_implausible_values"
        ).fetchall()
        staged = connection.execute(
            """
            select event_id, value from stg_gp_extract__events where event_id in ('x_hba1c_0', 'x_hba1c_999')
            union all
            select event_id, quantity from stg_gp_extract__medications where event_id = 'm_negative'
            """
        ).fetchall()
    assert sorted(listed) == sorted((dirty.table, dirty.reason, dirty.record_id) for dirty in IMPLAUSIBLE)
    assert sorted(staged) == [("m_negative", -5), ("x_hba1c_0", 0), ("x_hba1c_999", 999)]


@pytest.fixture(scope="module")
def quarantining_warehouse() -> Path:
    return dirty_build("quarantine").warehouse


def test_quarantine_policy_quarantines_the_implausible_values(quarantining_warehouse: Path) -> None:
    with duckdb.connect(str(quarantining_warehouse), read_only=True) as connection:
        quarantined = connection.execute(
            "select table_name, quarantine_reason, record_id from stg_gp_extract__quarantine"
        ).fetchall()
        listed = connection.execute("select count(*) from dq_implausible_values").fetchone()
        unbalanced = connection.execute(
            "select count(*) from dq_row_accounting where not is_balanced"
        ).fetchone()
    expected = {(dirty.table, dirty.reason, dirty.record_id) for dirty in IMPLAUSIBLE}
    assert expected <= set(quarantined)
    assert len(quarantined) == len(DIRTY) + len(IMPLAUSIBLE)
    assert listed == (0,) and unbalanced == (0,)


@pytest.mark.parametrize(("practice", "indicator"), sorted(EXPECTED))
def test_hand_worked_results_are_unchanged_under_the_quarantine_policy(
    quarantining_warehouse: Path, practice: str, indicator: str
) -> None:
    with duckdb.connect(str(quarantining_warehouse), read_only=True) as connection:
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
