"""Spreadsheet formula injection: every CSV written for people to open neutralises text cells
that a spreadsheet would run as a formula, and leaves numbers alone.

The helper (`qof_warehouse.csv_safety`) is tested on its own, then an identifier such as
`=HYPERLINK("http://x")` or `@SUM(1)` is sent through each writer (worklists, practice
alerts, the CQRS file) from a tiny warehouse and the file is read back.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from qof_warehouse import alerts
from qof_warehouse.csv_safety import neutralise_text, safe_cell, safe_frame
from qof_warehouse.exports import write_cqrs_csv
from qof_warehouse.worklists import write_worklists

HYPERLINK = '=HYPERLINK("http://x")'
AT_SUM = "@SUM(1)"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- the helper -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        (AT_SUM, "'@SUM(1)"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("-5", "'-5"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
    ],
)
def test_text_starting_like_a_formula_is_prefixed(text: str, expected: str) -> None:
    assert neutralise_text(text) == expected
    assert safe_cell(text) == expected


@pytest.mark.parametrize("text", ["A81001", "", "a=b", "p1@x", "1-2", " =x", "'=already quoted"])
def test_other_text_is_unchanged(text: str) -> None:
    assert neutralise_text(text) == text
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-5, "-5"),
        (-1.5, "-1.5"),
        (Decimal("-2.50"), "-2.50"),
        (np.int64(-3), "-3"),
        (np.float64(-0.25), "-0.25"),
        (True, "True"),
    ],
)
def test_numbers_stay_numbers(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


def test_the_writers_formatting_is_kept() -> None:
    def render(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, date):
            return value.isoformat()
        return f"<{value}>" if isinstance(value, float) else str(value)

    assert safe_cell(None, render) == ""
    assert safe_cell(date(2024, 3, 31), render) == "2024-03-31"
    assert safe_cell(-1.0, render) == "<-1.0>"
    assert safe_cell("-x", render) == "'-x"


def test_safe_frame_neutralises_text_columns_only() -> None:
    frame = pd.DataFrame({"code": [HYPERLINK, "A81001", None], "value": [-3.0, 2.0, -0.5]})
    safe = safe_frame(frame)
    assert list(safe["code"][:2]) == ["'" + HYPERLINK, "A81001"]
    assert pd.isna(safe["code"][2])
    assert list(safe["value"]) == [-3.0, 2.0, -0.5]
    assert pd.api.types.is_float_dtype(safe["value"])
    assert frame.loc[0, "code"] == HYPERLINK  # the caller's frame is left alone


# --- through each writer ------------------------------------------------------------------


@pytest.fixture
def worklist_warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "worklists.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            f"""
            create table stg_gp_extract__practices as
            select * from (values ('A00001', 'U00001')) as t (practice_code, pcn_code);
            create table fct_screening_worklist as
            select * from (values
                ('A00001', '{HYPERLINK.replace("'", "''")}', 'cervical', '25-49', -2, 'invite'),
                ('A00001', '{AT_SUM}', 'bowel', '-', 0, 'invite')
            ) as t (practice_code, patient_id, programme, age_band, invitations_since_last_test,
                    next_action);
            create table fct_cancer_care_worklist as
            select * from (values
                ('A00001', '{AT_SUM}', date '2024-01-15', 'cancer_care_review', date '2025-01-15', -30)
            ) as t (practice_code, patient_id, diagnosis_date, action, due_date, days_until_due);
            """
        )
    return path


def test_worklists_neutralise_patient_ids(worklist_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "worklists"
    write_worklists(worklist_warehouse, out)
    screening = read(out / "A00001_screening_worklist.csv")
    assert {row["patient_id"] for row in screening} == {"'" + HYPERLINK, "'" + AT_SUM}
    assert {row["invitations_since_last_test"] for row in screening} == {"-2", "0"}
    assert {row["age_band"] for row in screening} == {"25-49", "'-"}
    (cancer,) = read(out / "A00001_cancer_care_worklist.csv")
    assert cancer["patient_id"] == "'" + AT_SUM
    assert cancer["days_until_due"] == "-30"
    assert cancer["due_date"] == "2025-01-15"


@pytest.fixture
def alerts_warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "alerts.duckdb"
    code = HYPERLINK.replace("'", "''")
    with duckdb.connect(str(path)) as con:
        con.execute(
            f"""
            create table fct_practice_indicator_achievement as
            select date '2024-03-31' as achievement_date;
            create table stg_gp_extract__practices as
            select * from (values ('{code}', '{AT_SUM}', 'U1', 'PCN', 'Q1', 'ICB'))
                as t (practice_code, practice_name, pcn_code, pcn_name, icb_code, icb_name);
            create table dq_practice_alerts as
            select * from (values
                ('{code}', '{AT_SUM}', 'U1', 'Q1', 'register_under_coding', 'DM', 'coding',
                 'medium', 2, 'Register smaller than expected', 3::bigint, -0.25::double,
                 4.5::double, '-p1, p2', '+review the register')
            ) as t (practice_code, practice_name, pcn_code, icb_code, check_code, check_subject,
                    check_category, severity, severity_rank, title, affected_count, observed_value,
                    expected_value, example_rows, advice);
            create table dq_alert_details as
            select * from (values
                ('{code}', 'register_under_coding', 'DM', '{AT_SUM}', 'r1', 'events',
                 date '2024-01-02', '=1+1')
            ) as t (practice_code, check_code, check_subject, patient_id, record_id, table_name,
                    record_date, detail);
            """
        )
    return path


def test_practice_alerts_neutralise_codes_names_and_details(alerts_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "data_quality"
    with duckdb.connect(str(alerts_warehouse), read_only=True) as connection:
        assert alerts.write_practice_folders(connection, out) == 1
    folder = out / "practices" / alerts.folder_name(HYPERLINK)
    (alert,) = read(folder / "alerts.csv")
    assert alert["practice_code"] == "'" + HYPERLINK
    assert alert["practice_name"] == "'" + AT_SUM
    assert alert["example_rows"] == "'-p1, p2"
    assert alert["advice"] == "'+review the register"
    assert alert["observed_value"] == "-0.25"
    assert alert["affected_count"] == "3"
    (record,) = read(folder / "alert_records.csv")
    assert record["practice_code"] == "'" + HYPERLINK
    assert record["patient_id"] == "'" + AT_SUM
    assert record["detail"] == "'=1+1"
    assert record["record_date"] == "2024-01-02"


def test_cqrs_file_neutralises_codes_and_keeps_values_numeric(tmp_path: Path) -> None:
    warehouse = tmp_path / "cqrs.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"""
            create table fct_cqrs_submission as
            select * from (values
                ('{HYPERLINK.replace("'", "''")}', '{AT_SUM}', 'NUMERATOR', -3.0::double),
                ('A81001', 'DM020', 'DENOMINATOR', 12.0::double)
            ) as t (practice_code, indicator_code, measure, value);
            """
        )
    rows = read(write_cqrs_csv(warehouse, tmp_path / "cqrs"))
    assert rows[0] == {
        "PRACTICE_CODE": "'" + HYPERLINK,
        "INDICATOR_CODE": "'" + AT_SUM,
        "MEASURE": "NUMERATOR",
        "VALUE": "-3.0",
    }
    assert rows[1] == {
        "PRACTICE_CODE": "A81001",
        "INDICATOR_CODE": "DM020",
        "MEASURE": "DENOMINATOR",
        "VALUE": "12.0",
    }
