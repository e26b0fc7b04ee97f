"""Tests of the per-practice worklist CSV writer (`qof_warehouse.worklists`).

A tiny warehouse file holds the two worklist marts and the practices table; the files written
are read back and compared row by row.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from qof_warehouse.worklists import write_worklists


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            """
            create table stg_gp_extract__practices as
            select * from (values ('A00001', 'U00001'), ('A00002', 'U00001'), ('B00003', null))
                as t (practice_code, pcn_code);
            create table fct_screening_worklist as
            select * from (values
                ('A00001', 'p2', 'cervical', '25-49', date '2019-01-01', 2, false, null,
                 'follow_up_non_responder'),
                ('A00001', 'p1', 'bowel', '60-74', null, 0, false, null, 'invite'),
                ('A00001', 'p3', 'cervical', '25-49', null, 3, true, 'CSDEC', 'pca_recorded'),
                ('A00002', 'p4', 'breast', '53-70', date '2018-05-05', 0, false, null, 'invite')
            ) as t (practice_code, patient_id, programme, age_band, last_test_date,
                    invitations_since_last_test, has_pca, pca_reason, next_action);
            create table fct_cancer_care_worklist as
            select * from (values
                ('A00002', 'p9', date '2024-01-15', 'support_discussion', date '2024-04-17', false),
                ('A00002', 'p9', date '2024-01-15', 'cancer_care_review', date '2025-01-15', false)
            ) as t (practice_code, patient_id, diagnosis_date, action, due_date, is_overdue);
            """
        )
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_two_files_for_every_practice_even_without_patients(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "worklists"
    paths = write_worklists(warehouse, out)
    names = sorted(p.name for p in paths)
    assert names == sorted(
        f"{code}_{kind}.csv"
        for code in ("A00001", "A00002", "B00003")
        for kind in ("screening_worklist", "cancer_care_worklist")
    )
    assert all(p.parent == out and p.exists() for p in paths)
    assert read(out / "B00003_screening_worklist.csv") == []
    header = (out / "B00003_cancer_care_worklist.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "practice_code,patient_id,diagnosis_date,action,due_date,is_overdue"


def test_rows_go_to_their_practice_in_order_with_plain_text_values(warehouse: Path, tmp_path: Path) -> None:
    write_worklists(warehouse, tmp_path)
    rows = read(tmp_path / "A00001_screening_worklist.csv")
    assert [r["patient_id"] for r in rows] == ["p1", "p2", "p3"]  # by programme, then next action
    p2 = rows[1]
    assert p2["last_test_date"] == "2019-01-01"
    assert p2["invitations_since_last_test"] == "2"
    assert p2["has_pca"] == "false" and p2["pca_reason"] == ""
    assert rows[2]["has_pca"] == "true" and rows[2]["pca_reason"] == "CSDEC"
    assert [r["patient_id"] for r in read(tmp_path / "A00002_screening_worklist.csv")] == ["p4"]
    cancer = read(tmp_path / "A00002_cancer_care_worklist.csv")
    assert [(r["action"], r["due_date"]) for r in cancer] == [
        ("support_discussion", "2024-04-17"),
        ("cancer_care_review", "2025-01-15"),
    ]
    assert read(tmp_path / "A00001_cancer_care_worklist.csv") == []


def test_the_warehouse_is_only_read(warehouse: Path, tmp_path: Path) -> None:
    before = warehouse.read_bytes()
    write_worklists(str(warehouse), str(tmp_path / "again"))
    assert warehouse.read_bytes() == before
