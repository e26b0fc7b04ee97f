"""Build the warehouse with real dbt on the extract coded only with published code lists and
compare every register and indicator outcome, patient by patient, with the hand-worked values
of tests_py/published_extract.py."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from published_extract import (
    ACHIEVEMENT_DATE,
    EXPECTED_OUTCOMES,
    EXPECTED_REGISTERS,
    HOME_DIASTOLIC,
    HOME_SYSTOLIC,
    PICKED,
    QOF_YEAR,
    published_lists,
    write_published_extract,
)

from qof_warehouse.codelists import curated_rows, published_rows
from qof_warehouse.dbt_runner import BuildSettings, run_dbt


def _extract_codes(directory: Path) -> set[tuple[str, str]]:
    """(code system, code) of every event and medication issue of a written extract."""
    codes: set[tuple[str, str]] = set()
    for file_name, column, system in (
        ("events.csv", "snomed_code", "snomed"),
        ("medications.csv", "dmd_code", "dmd"),
    ):
        with (directory / file_name).open(newline="", encoding="utf-8") as handle:
            codes.update((system, row[column]) for row in csv.DictReader(handle))
    return codes


@pytest.fixture(scope="module")
def extract_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_published_extract(tmp_path_factory.mktemp("published") / "extract")


@pytest.fixture(scope="module")
def published_warehouse(extract_dir: Path) -> Path:
    settings = BuildSettings(
        extract_dir=extract_dir,
        duckdb_path=extract_dir.parent / "published.duckdb",
        achievement_date=ACHIEVEMENT_DATE,
        qof_year=QOF_YEAR,
    )
    result = run_dbt(["build", "--exclude", "resource_type:unit_test"], settings, capture=True)
    assert result.returncode == 0, result.stdout[-4000:]
    return settings.duckdb_path


def test_every_code_of_the_extract_is_in_a_published_list(extract_dir: Path) -> None:
    published = {(system, code) for _, code, system in published_rows()}
    codes = _extract_codes(extract_dir)
    assert codes, "the extract holds no codes"
    assert sorted(codes - published) == []


def test_the_extract_uses_codes_no_curated_file_holds(extract_dir: Path) -> None:
    curated = {(system, code) for _, code, system in curated_rows()}
    only_published = _extract_codes(extract_dir) - curated
    assert len(only_published) >= 50


def test_codes_are_picked_from_inside_their_list_not_its_first_code() -> None:
    for code, cluster in PICKED.items():
        _, codes = published_lists()[cluster]
        assert code in codes
        assert len(codes) == 1 or codes.index(code) > 0, f"{code} is the first code of {cluster}"


def test_the_home_readings_are_published_blood_pressure_codes() -> None:
    assert HOME_SYSTOLIC in published_lists()["SYSBP_COD"][1]
    assert HOME_DIASTOLIC in published_lists()["DIABP_COD"][1]


@pytest.mark.parametrize(
    ("patient", "register_code"),
    sorted(EXPECTED_REGISTERS),
    ids=[f"{patient}-{register}" for patient, register in sorted(EXPECTED_REGISTERS)],
)
def test_register_membership_matches_hand_worked_value(
    published_warehouse: Path, patient: str, register_code: str
) -> None:
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        found = connection.execute(
            "select count(*) from fct_patient_register where patient_id = ? and register_code = ?",
            [patient, register_code],
        ).fetchone()
    assert found is not None
    assert (found[0] == 1) is EXPECTED_REGISTERS[(patient, register_code)]


def _outcome(row: tuple[bool, bool, str | None, str | None]) -> tuple[str, str | None]:
    in_numerator, in_denominator, pca_reason, exclusion_reason = row
    if in_numerator:
        return ("numerator", None)
    if in_denominator:
        return ("denominator", None)
    if pca_reason is not None:
        return ("pca", pca_reason)
    return ("excluded", exclusion_reason)


@pytest.mark.parametrize(
    ("patient", "indicator"),
    sorted(EXPECTED_OUTCOMES),
    ids=[f"{patient}-{indicator}" for patient, indicator in sorted(EXPECTED_OUTCOMES)],
)
def test_indicator_outcome_matches_hand_worked_value(
    published_warehouse: Path, patient: str, indicator: str
) -> None:
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        row = connection.execute(
            """
            select in_numerator, in_denominator, pca_reason, exclusion_reason
            from fct_patient_indicator
            where patient_id = ? and indicator_code = ?
            """,
            [patient, indicator],
        ).fetchone()
    assert row is not None, f"{patient} has no {indicator} row"
    assert _outcome(row) == EXPECTED_OUTCOMES[(patient, indicator)]
