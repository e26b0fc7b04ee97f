"""Build the warehouse with real dbt on the hand-worked extract and compare every figure."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hand_extract import EXPECTED, EXPECTED_PCA_REASONS

from qof_warehouse.dbt_runner import BuildSettings
from qof_warehouse.exports import write_cqrs_csv


@pytest.fixture(scope="module")
def hand_warehouse(hand_build: BuildSettings) -> Path:
    return hand_build.duckdb_path


@pytest.mark.parametrize(("practice", "indicator"), sorted(EXPECTED))
def test_practice_counts_and_points_match_hand_worked_values(
    hand_warehouse: Path, practice: str, indicator: str
) -> None:
    with duckdb.connect(str(hand_warehouse), read_only=True) as connection:
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


@pytest.mark.parametrize(("patient", "indicator"), sorted(EXPECTED_PCA_REASONS))
def test_pca_reasons_match_hand_worked_values(hand_warehouse: Path, patient: str, indicator: str) -> None:
    with duckdb.connect(str(hand_warehouse), read_only=True) as connection:
        reason = connection.execute(
            "select pca_reason from fct_patient_indicator where patient_id = ? and indicator_code = ?",
            [patient, indicator],
        ).fetchone()
    assert reason == (EXPECTED_PCA_REASONS[(patient, indicator)],)


def test_pcn_achievement_is_recomputed_from_summed_counts(hand_warehouse: Path) -> None:
    # U00001 = A00001 (HYP008 2/2, 1 PCA) + A00002 (0/0, 1 PCA): 2/2, PCA rate 2/4.
    with duckdb.connect(str(hand_warehouse), read_only=True) as connection:
        row = connection.execute(
            """
            select denominator, numerator, pca_count, achievement, pca_rate, points, max_points
            from fct_pcn_indicator_achievement
            where pcn_code = 'U00001' and indicator_code = 'HYP008'
            """
        ).fetchone()
    assert row == (2, 2, 2, 1.0, 0.5, 14.0, 28.0)


def test_people_outside_the_population_are_on_no_register(hand_warehouse: Path) -> None:
    # p04 is 16, p05 resolved, p13 deregistered on the day, p14 dead, p15 temporary resident.
    with duckdb.connect(str(hand_warehouse), read_only=True) as connection:
        found = connection.execute(
            "select patient_id from fct_patient_register "
            "where patient_id in ('p04', 'p05', 'p13', 'p14', 'p15')"
        ).fetchall()
    assert found == []


def test_cqrs_csv_holds_the_published_measures(hand_warehouse: Path, tmp_path: Path) -> None:
    path = write_cqrs_csv(hand_warehouse, tmp_path)
    lines = path.read_text().splitlines()
    assert lines[0] == "PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE"
    rows = {tuple(line.split(",")[:3]): float(line.split(",")[3]) for line in lines[1:]}
    # A00001 HYP008: register 4, 2 of 2, 1 PCA, 14 points (hand_extract.EXPECTED)
    assert rows[("A00001", "HYP008", "REGISTER")] == 4
    assert rows[("A00001", "HYP008", "NUMERATOR")] == 2
    assert rows[("A00001", "HYP008", "DENOMINATOR")] == 2
    assert rows[("A00001", "HYP008", "PCAS")] == 1
    assert rows[("A00001", "HYP008", "ACHIEVED_POINTS")] == 14
    # a register indicator reports only its register and points
    assert ("A00001", "DM017", "NUMERATOR") not in rows
    assert rows[("A00001", "DM017", "REGISTER")] == 5
