"""Every practice gets a data-quality alert holding only its own patients.

Built from the dirty extract of dq_extract.py, whose scenario practices trip each clinical
coding check; `qof alerts` writes the folders and runs the Great Expectations checkpoint.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dq_extract import (
    CLEAN_PRACTICE,
    HIGH_PCA_PRACTICE,
    IMPLAUSIBLE,
    SCENARIO_PRACTICE,
    SCENARIO_PRACTICE_NAME,
    UNDER_CODED_PRACTICE,
    dirty_build,
    table_rows,
)

from qof_warehouse import alerts
from qof_warehouse.cli import main
from qof_warehouse.gx_checks import (
    PROFILE_FILE,
    _context,
    _coverage,
    read_profile,
    run_checkpoint,
    validate_mart,
)

PRACTICES = ["A00001", "A00002", "A00003", UNDER_CODED_PRACTICE, HIGH_PCA_PRACTICE, SCENARIO_PRACTICE]
HIGH_PCA_PATIENTS = {f"a00005_{number:02d}" for number in range(5)}

# check, practice, subject -> the patients the check must flag (exactly)
CODING_CHECKS = [
    ("register_never_monitored", "A00001", "DM_HBA1C", {"p03", "p06"}),
    ("register_never_monitored", HIGH_PCA_PRACTICE, "DM_HBA1C", HIGH_PCA_PATIENTS),
    ("conflicting_codes", SCENARIO_PRACTICE, "DM_TYPE", {"a00006_00"}),
    ("resolved_without_diagnosis", SCENARIO_PRACTICE, "DM_RESOLVED", {"a00006_29"}),
    ("pca_rate_above_network", HIGH_PCA_PRACTICE, "DM020", HIGH_PCA_PATIENTS),
    ("invitation_without_follow_up", "A00001", "DM_INVITE", {"p06"}),
    ("reading_without_value", SCENARIO_PRACTICE, "SYSBP_COD", {"a00006_29"}),
]


@pytest.fixture(scope="module")
def warehouse() -> Path:
    return dirty_build().warehouse


@pytest.fixture(scope="module")
def reports(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports") / "data_quality"
    assert main(["alerts", "--duckdb", str(warehouse), "--out", str(out)]) == 0
    return out


def _query(warehouse: Path, sql: str, parameters: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_practice_has_an_alert(warehouse: Path, reports: Path) -> None:
    in_model = {row[0] for row in _query(warehouse, "select distinct practice_code from dq_practice_alerts")}
    assert in_model == set(PRACTICES)
    for practice in PRACTICES:
        folder = reports / "practices" / practice
        assert {path.name for path in folder.iterdir()} == {"alerts.csv", "alert_records.csv", "index.html"}
        assert _csv(folder / "alerts.csv"), practice


def test_practice_with_nothing_wrong_is_told_so(warehouse: Path, reports: Path) -> None:
    rows = _query(
        warehouse,
        "select check_code, affected_count from dq_practice_alerts where practice_code = ?",
        [CLEAN_PRACTICE],
    )
    assert rows == [("no_issues_found", 0)]
    assert (
        "No data-quality issues found" in (reports / "practices" / CLEAN_PRACTICE / "index.html").read_text()
    )


@pytest.mark.parametrize(
    ("check", "practice", "subject", "patients"), CODING_CHECKS, ids=[c[0] for c in CODING_CHECKS]
)
def test_clinical_coding_check_flags_exactly_the_right_patients(
    warehouse: Path, reports: Path, check: str, practice: str, subject: str, patients: set[str]
) -> None:
    flagged = _query(
        warehouse,
        "select patient_id from dq_alert_details "
        "where check_code = ? and check_subject = ? and practice_code = ?",
        [check, subject, practice],
    )
    assert sorted(patient for (patient,) in flagged) == sorted(patients)
    alert = [
        row
        for row in _csv(reports / "practices" / practice / "alerts.csv")
        if (row["check_code"], row["check_subject"]) == (check, subject)
    ]
    assert len(alert) == 1 and int(alert[0]["affected_count"]) == len(patients)


def test_register_far_below_expected_is_flagged(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        """
        select practice_code, register_code, observed_register, expected_register
        from dq_practice_register_expected where is_far_below_expected
        """,
    )
    assert [(practice, register, observed) for practice, register, observed, _ in rows] == [
        (UNDER_CODED_PRACTICE, "DM", 0)
    ]
    assert rows[0][3] >= 5
    alert = _query(
        warehouse,
        "select affected_count, observed_value, expected_value from dq_practice_alerts "
        "where check_code = 'register_under_coding'",
    )
    assert alert == [(round(rows[0][3]), 0.0, rows[0][3])]


def test_pca_rate_is_compared_with_the_pcn(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select pca_rate, pcn_pca_rate from dq_practice_pca_rates "
        "where practice_code = ? and indicator_code = ?",
        [HIGH_PCA_PRACTICE, "DM020"],
    )
    # 5 PCAs of 20 at the practice; 5 of 49 in PCN U00003 (15 + 29 in the denominator).
    assert rows == [(0.25, 5 / 49)]


def test_invitation_pair_is_not_flagged(warehouse: Path) -> None:
    # p02's two invitations are 7 days apart, so the invitation PCA applies to them.
    flagged = _query(
        warehouse, "select patient_id from dq_alert_details where check_code = 'invitation_without_follow_up'"
    )
    assert flagged == [("p06",)]


def test_quarantined_rows_reach_their_practice_alert(warehouse: Path) -> None:
    per_practice = dict(
        _query(
            warehouse,
            "select practice_code, sum(affected_count) from dq_practice_alerts "
            "where check_category = 'quarantine' group by all",
        )
    )
    attributed = dict(
        _query(
            warehouse,
            "select attributed_practice_code, count(*) from dq_quarantined_rows "
            "where attributed_practice_code is not null group by all",
        )
    )
    assert per_practice == attributed
    # An event recorded under an unknown practice code reaches the patient's own practice.
    assert _query(
        warehouse,
        "select attributed_practice_code from dq_quarantined_rows where record_id = 'x_unknown_practice'",
    ) == [("A00001",)]


def test_implausible_values_reach_their_practice_alert(reports: Path) -> None:
    # Every implausible reading of the dirty extract is recorded at A00001 and counted for QOF.
    records = {
        row["record_id"]: row
        for row in _csv(reports / "practices" / "A00001" / "alert_records.csv")
        if row["check_code"] in {"implausible_value", "systolic_below_diastolic"}
    }
    assert sorted(records) == sorted(str(dirty.record_id) for dirty in IMPLAUSIBLE)
    hba1c = records["x_hba1c_0"]
    assert (hba1c["patient_id"], hba1c["record_date"], hba1c["check_subject"]) == (
        "p01",
        "2023-09-02",
        "IFCCHBAM_COD",
    )
    assert "value 0 mmol/mol" in hba1c["detail"] and "plausible range 15-200 mmol/mol" in hba1c["detail"]
    assert records["x_sys_low"]["check_subject"] == "SYSBP_COD above DIABP_COD"
    assert "quantity -5" in records["m_negative"]["detail"]
    alerts = {
        (row["check_code"], row["check_subject"]): row
        for row in _csv(reports / "practices" / "A00001" / "alerts.csv")
        if row["check_category"] == "value_plausibility"
    }
    assert {key: int(row["affected_count"]) for key, row in alerts.items()} == {
        ("implausible_value", "IFCCHBAM_COD"): 2,
        ("implausible_value", "BMIVAL_COD"): 1,
        ("implausible_value", "medications"): 1,
        ("systolic_below_diastolic", "SYSBP_COD above DIABP_COD"): 2,
    }
    summary = _csv(reports / "implausible_value_summary.csv")
    assert sum(int(row["records"]) for row in summary) == len(IMPLAUSIBLE)
    assert "Implausible values counted for QOF as recorded" in (reports / "index.html").read_text()


def _patients_by_practice() -> tuple[dict[str, set[str]], set[str]]:
    """Each practice's patients (registered there, or with a row recorded there) and all ids."""
    rows = table_rows()
    belongs: dict[str, set[str]] = defaultdict(set)
    for patient, practice, *_ in rows["registrations"]:
        belongs[practice].add(patient)
    for table in ("events", "medications"):
        for _, patient, practice, *_ in rows[table]:
            belongs[practice].add(patient)
    everyone = {row[0] for row in rows["patients"] if row[0].strip()}
    return belongs, everyone


@pytest.mark.parametrize("practice", PRACTICES)
def test_practice_folder_holds_only_its_own_patients(reports: Path, practice: str) -> None:
    belongs, everyone = _patients_by_practice()
    folder = reports / "practices" / practice
    in_csv = {row["patient_id"] for row in _csv(folder / "alert_records.csv") if row["patient_id"]}
    assert in_csv <= belongs[practice]
    text = " ".join(path.read_text(encoding="utf-8") for path in folder.iterdir())
    others = everyone - belongs[practice]
    leaked = {patient for patient in others if re.search(rf"(?<![\w-]){re.escape(patient)}(?![\w-])", text)}
    assert leaked == set()


def test_practice_page_escapes_what_it_shows(reports: Path) -> None:
    page = (reports / "practices" / SCENARIO_PRACTICE / "index.html").read_text(encoding="utf-8")
    assert "<Surgery>" not in page
    assert "Sixth &lt;Surgery&gt; &amp; Partners" in page
    assert SCENARIO_PRACTICE_NAME in (reports / "practices" / SCENARIO_PRACTICE / "alerts.csv").read_text()


class _TableChecker(HTMLParser):
    """Fails on table cells or badges outside a row, and counts unclosed tags."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta",):
            return
        if tag in ("td", "th") and (not self.stack or self.stack[-1] != "tr"):
            self.problems.append(f"<{tag}> inside <{self.stack[-1] if self.stack else ''}>")
        if tag == "span" and (not self.stack or self.stack[-1] not in ("td", "p", "li")):
            self.problems.append(f"<span> inside <{self.stack[-1] if self.stack else ''}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not close <{self.stack[-1] if self.stack else ''}>")
            return
        self.stack.pop()


def test_pages_are_well_formed(reports: Path) -> None:
    for page in reports.rglob("index.html"):
        checker = _TableChecker()
        checker.feed(page.read_text(encoding="utf-8"))
        assert (checker.problems, checker.stack) == ([], []), page


def test_pcn_and_icb_summaries_hold_counts_only(reports: Path) -> None:
    assert {path.name for path in (reports / "pcns").iterdir()} == {"U00001", "U00002", "U00003"}
    assert {path.name for path in (reports / "icbs").iterdir()} == {"QAA", "QBB"}
    _, everyone = _patients_by_practice()
    for folder in [*(reports / "pcns").iterdir(), *(reports / "icbs").iterdir()]:
        assert {path.name for path in folder.iterdir()} == {"summary.csv", "practices.csv", "index.html"}
        text = " ".join(path.read_text(encoding="utf-8") for path in folder.iterdir())
        assert not [
            patient for patient in everyone if re.search(rf"(?<![\w-]){re.escape(patient)}(?![\w-])", text)
        ]
    scenario = _csv(reports / "pcns" / "U00003" / "practices.csv")
    assert [row["practice_code"] for row in scenario] == [
        UNDER_CODED_PRACTICE,
        HIGH_PCA_PRACTICE,
        SCENARIO_PRACTICE,
    ]


def test_extract_page_accounts_for_every_row(reports: Path) -> None:
    accounting = _csv(reports / "row_accounting.csv")
    written = {table: len(rows) for table, rows in table_rows().items()}
    assert {row["table_name"]: int(row["rows_read"]) for row in accounting} == written
    assert all(row["rows_unaccounted"] == "0" for row in accounting)
    assert "ROWS LOST" not in (reports / "index.html").read_text()


def test_great_expectations_results_are_stored(reports: Path) -> None:
    results = reports / "great_expectations"
    summary = json.loads((results / "checkpoint_summary.json").read_text())
    assert summary["success"] is True and summary["evaluated"] >= 1
    assert summary["compared_with_previous_run"] is False
    assert {path.name for path in results.glob("*.json")} == {
        "dq_practice_alerts.json",
        "checkpoint_summary.json",
        PROFILE_FILE,
    }
    profile = json.loads((results / PROFILE_FILE).read_text())
    weights = profile["histograms"]["fct_practice_indicator_achievement.achievement"]["weights"]
    assert len(weights) == 10 and abs(sum(weights) - 1) < 1e-9


def test_great_expectations_catch_a_practice_without_its_alert(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        frame: pd.DataFrame = connection.execute("select * from dq_practice_alerts").df()
        expectations = _coverage(connection)["dq_practice_alerts"]
    without_one = frame[frame["practice_code"] != frame["practice_code"].iloc[0]]
    outcome = validate_mart(_context(), "dq_practice_alerts", without_one, expectations)
    assert outcome["success"] is False


def test_a_rerun_of_the_same_warehouse_shows_no_drift(warehouse: Path, tmp_path: Path) -> None:
    first = run_checkpoint(warehouse, tmp_path / "first")
    assert first.success and not first.compared_with_previous
    second = run_checkpoint(warehouse, tmp_path / "second", read_profile(tmp_path / "first"))
    assert second.compared_with_previous
    assert second.success, second.failed
    # Row counts of three marts, two rate distributions and mean prevalence, besides coverage.
    assert second.evaluated == first.evaluated + 6


def test_drift_from_the_previous_run_is_caught(warehouse: Path, tmp_path: Path) -> None:
    run_checkpoint(warehouse, tmp_path / "first")
    previous = read_profile(tmp_path / "first")
    assert previous is not None
    # The previous run had twice the patient rows, every achievement in the top decile and a
    # tenth more prevalence.
    previous["row_counts"]["fct_patient_indicator"] *= 2
    previous["histograms"]["fct_practice_indicator_achievement.achievement"]["weights"] = [0.0] * 9 + [1.0]
    previous["means"]["fct_practice_prevalence.prevalence"] *= 1.1
    outcome = run_checkpoint(warehouse, tmp_path / "second", previous)
    assert not outcome.success
    failed = sorted(failure.split(" observed")[0] for failure in outcome.failed)
    assert failed == [
        "fct_patient_indicator: expect_table_row_count_to_be_between ",
        "fct_practice_indicator_achievement: expect_column_kl_divergence_to_be_less_than achievement",
        "fct_practice_prevalence: expect_column_mean_to_be_between prevalence",
    ]


def test_a_run_at_another_achievement_date_is_not_compared(warehouse: Path, tmp_path: Path) -> None:
    run_checkpoint(warehouse, tmp_path / "first")
    previous = read_profile(tmp_path / "first")
    assert previous is not None
    previous["achievement_date"] = "1999-03-31"
    previous["row_counts"]["fct_patient_indicator"] *= 2
    outcome = run_checkpoint(warehouse, tmp_path / "second", previous)
    assert outcome.success and not outcome.compared_with_previous


def test_reports_are_replaced_whole_and_kept_when_writing_fails(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "reports"
    with alerts.published_directory(out) as folder:
        alerts.write_alerts(warehouse, folder)
    (out / "stale.txt").write_text("from an earlier run")
    with alerts.published_directory(out) as folder:
        alerts.write_alerts(warehouse, folder)
    assert not (out / "stale.txt").exists()
    before = (out / "index.html").read_text()

    def broken(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(alerts, "write_network_folders", broken)
    with pytest.raises(RuntimeError), alerts.published_directory(out) as folder:
        alerts.write_alerts(warehouse, folder)
    assert (out / "index.html").read_text() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["reports"]


def test_data_quality_summary_text(warehouse: Path) -> None:
    text = alerts.format_dq_summary(alerts.collect_dq_summary(warehouse), {"events": 1})
    assert "every row accounted for" in text
    assert "implausible values counted for QOF as recorded (practices, records):" in text
    assert re.search(r"implausible_value\s+1\s+4\n", text)
    assert "WARNING: the file check read 1 rows" in text
    assert "6 of 6 practices flagged" not in text and "5 of 6 practices flagged" in text
