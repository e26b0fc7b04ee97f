"""An implausible HbA1c counts for DM020 as recorded by default, and not under the quarantine
policy: a real dbt build of a tiny hand-worked extract under each implausible_value_policy.

The QOF business rules select on the recorded value (NHS England QOF business rules v48.2
Diabetes, DM020 rule 2: `IFCCHBA_VAL <= 58` on the latest HbA1c in the 12 months) with no
plausibility range, so the CQRS figure counts an HbA1c of 10. The plausible range of
IFCCHBAM_COD is 15-200 mmol/mol, both ends included (qof_value_plausibility).

Practice B00001, achievement date 2024-03-31. Every patient is diabetic since 2015, born 1960,
GMS-registered since 2005, not frail, with no PCA code, and has an HbA1c of 70 on 2023-06-01:

| patient | latest HbA1c (2023-12-01) | default (keep_and_alert) | quarantine |
|---|---|---|---|
| q01 | 10: implausible | latest 10 <= 58: numerator | 10 quarantined, latest 70: denominator only |
| q02 | 15: the lower bound, plausible | numerator | numerator |
| q03 | 14.9: just below it, implausible | numerator | latest 70: denominator only |

DM020 at B00001: register 3 and denominator 3 either way; numerator 3 by default, 1 under
quarantine. By default q01 and q03 are each reported to B00001 with value, date and range.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from dq_extract import HEADERS
from hand_extract import DM, HBA1C

from qof_warehouse.dbt_runner import BuildSettings, safe_build

PRACTICE = "B00001"
LATEST_HBA1C = {"q01": "10", "q02": "15", "q03": "14.9"}
IMPLAUSIBLE = {"q01", "q03"}


def _write(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_tiny_extract(directory: Path) -> Path:
    directory.mkdir(parents=True)
    patients = sorted(LATEST_HBA1C)
    events: list[tuple[str, ...]] = []
    for patient in patients:
        events += [
            (f"{patient}_dm", patient, PRACTICE, "2015-01-01", DM, "", ""),
            (f"{patient}_h1", patient, PRACTICE, "2023-06-01", HBA1C, "70", "mmol/mol"),
            (f"{patient}_h2", patient, PRACTICE, "2023-12-01", HBA1C, LATEST_HBA1C[patient], "mmol/mol"),
        ]
    tables: dict[str, list[tuple[str, ...]]] = {
        "practices": [(PRACTICE, "Tiny Surgery", "U00009", "Tiny PCN", "QCC", "Tiny ICB")],
        "patients": [(patient, "1960-01-01", "F", "") for patient in patients],
        "registrations": [(patient, PRACTICE, "GMS", "2005-01-01", "") for patient in patients],
        "events": events,
        "medications": [],
    }
    for table, rows in tables.items():
        _write(directory / f"{table}.csv", HEADERS[table], rows)
    return directory


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("implausible")
    extract = write_tiny_extract(root / "extract")
    selection = [
        "--select",
        "+fct_practice_indicator_achievement",
        "+dq_practice_alerts",
        "dq_row_accounting",
        "--indirect-selection",
        "cautious",
    ]
    built: dict[str, Path] = {}
    for policy in ("keep_and_alert", "quarantine"):
        settings = BuildSettings(
            extract_dir=extract,
            duckdb_path=root / policy / "tiny.duckdb",
            extra_vars={"implausible_value_policy": policy, "qof_indicators_only": ["DM020"]},
        )
        result = safe_build(
            ["build", "--exclude", "resource_type:unit_test", *selection], settings, capture=True
        )
        assert result.ok, result.process.stdout[-6000:]
        built[policy] = result.warehouse
    return built


def _query(warehouse: Path, sql: str, parameters: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


@pytest.mark.parametrize(
    ("policy", "numerator_patients", "counts"),
    [
        ("keep_and_alert", ["q01", "q02", "q03"], (3, 3, 3, 0)),
        ("quarantine", ["q02"], (3, 3, 1, 0)),
    ],
)
def test_implausible_hba1c_counts_for_dm020_only_when_kept(
    warehouses: dict[str, Path], policy: str, numerator_patients: list[str], counts: tuple[int, ...]
) -> None:
    warehouse = warehouses[policy]
    patients = _query(
        warehouse,
        "select patient_id, in_denominator, in_numerator from fct_patient_indicator "
        "where indicator_code = 'DM020' order by patient_id",
    )
    assert patients == [(patient, True, patient in numerator_patients) for patient in sorted(LATEST_HBA1C)]
    practice = _query(
        warehouse,
        "select register, denominator, numerator, pca_count from fct_practice_indicator_achievement "
        "where practice_code = ? and indicator_code = 'DM020'",
        [PRACTICE],
    )
    assert practice == [counts]


def test_kept_implausible_hba1c_is_alerted_to_the_practice(warehouses: dict[str, Path]) -> None:
    warehouse = warehouses["keep_and_alert"]
    details = _query(
        warehouse,
        "select practice_code, patient_id, record_id, record_date, detail from dq_alert_details "
        "where check_code = 'implausible_value' order by patient_id",
    )
    assert [(row[0], row[1], row[2], str(row[3])) for row in details] == [
        (PRACTICE, "q01", "q01_h2", "2023-12-01"),
        (PRACTICE, "q03", "q03_h2", "2023-12-01"),
    ]
    assert details[0][4] == (
        "IFCCHBAM_COD code 999791000000106 value 10 mmol/mol recorded 2023-12-01: "
        "outside the plausible range 15-200 mmol/mol; counted for QOF as recorded"
    )
    assert "value 14.9 mmol/mol" in details[1][4]
    alert = _query(
        warehouse,
        "select check_category, severity, affected_count from dq_practice_alerts "
        "where practice_code = ? and check_code = 'implausible_value' and check_subject = 'IFCCHBAM_COD'",
        [PRACTICE],
    )
    assert alert == [("value_plausibility", "high", 2)]
    assert _query(warehouse, "select count(*) from stg_gp_extract__quarantine") == [(0,)]


def test_quarantine_policy_quarantines_instead_of_alerting(warehouses: dict[str, Path]) -> None:
    warehouse = warehouses["quarantine"]
    quarantined = _query(
        warehouse, "select record_id, quarantine_reason from stg_gp_extract__quarantine order by record_id"
    )
    assert quarantined == [("q01_h2", "implausible_value"), ("q03_h2", "implausible_value")]
    assert _query(warehouse, "select count(*) from dq_implausible_values") == [(0,)]
    assert _query(warehouse, "select bool_and(is_balanced) from dq_row_accounting") == [(True,)]
