"""File-level problems stop the run with a message naming the file and the column.

One test per class of whole-file problem, each on real files written by the test: the
directory or a file missing, a file empty, unreadable, not CSV or Parquet, a required column
absent, a column that cannot be typed or is blank in every row, a required table with no rows.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from hand_extract import write_hand_extract

from qof_warehouse.cli import main
from qof_warehouse.extract_check import ExtractError, check_extract

TABLES = ["practices", "patients", "registrations", "events", "medications"]


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    return write_hand_extract(tmp_path / "extract")


def _rewrite_column(path: Path, column: str, value: Callable[[str], str]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        header = list(rows[0])
    for row in rows:
        row[column] = value(row[column])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _to_parquet(extract: Path, directory: Path) -> Path:
    """The extract as Parquet files, every column text (as real extracts hold identifiers)."""
    directory.mkdir()
    with duckdb.connect() as connection:
        for table in TABLES:
            connection.execute(
                f"copy (select * from read_csv('{extract / table}.csv', header = true, all_varchar = true)) "
                f"to '{directory / table}.parquet' (format parquet)"
            )
    return directory


def _error(directory: Path) -> str:
    with pytest.raises(ExtractError) as caught:
        check_extract(directory)
    return str(caught.value)


def test_clean_extract_passes_with_its_row_counts(extract: Path) -> None:
    layout = check_extract(extract)
    assert (layout.file_format, layout.layout) == ("csv", "files")
    assert layout.row_counts == {
        "practices": 3,
        "patients": 18,
        "registrations": 19,
        "events": 46,
        "medications": 0,
    }


def test_parquet_extract_passes(extract: Path, tmp_path: Path) -> None:
    layout = check_extract(_to_parquet(extract, tmp_path / "parquet"))
    assert layout.file_format == "parquet"
    assert layout.row_counts["events"] == 46


def test_missing_directory(tmp_path: Path) -> None:
    message = _error(tmp_path / "nowhere")
    assert "nowhere" in message and "does not exist" in message


def test_missing_practices_file(extract: Path) -> None:
    (extract / "practices.csv").unlink()
    assert "practices.csv" in _error(extract)


@pytest.mark.parametrize("table", ["patients", "registrations", "events", "medications"])
def test_missing_required_file(extract: Path, table: str) -> None:
    (extract / f"{table}.csv").unlink()
    message = _error(extract)
    assert f"{table}.csv" in message and "missing" in message


def test_empty_file(extract: Path) -> None:
    (extract / "events.csv").write_bytes(b"")
    message = _error(extract)
    assert "events.csv" in message and "empty" in message


@pytest.mark.parametrize("table", ["practices", "patients", "registrations"])
def test_required_table_with_a_header_but_no_rows(extract: Path, table: str) -> None:
    path = extract / f"{table}.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    message = _error(extract)
    assert f"{table}.csv" in message and "no data rows" in message


def test_unreadable_file(extract: Path) -> None:
    (extract / "events.csv").unlink()
    (extract / "events.csv").mkdir()  # a path that cannot be opened as a file
    message = _error(extract)
    assert "events.csv" in message and "cannot be read" in message


def test_file_not_utf8(extract: Path) -> None:
    (extract / "patients.csv").write_bytes(
        "patient_id,date_of_birth,sex,date_of_death\nZo\xeb,1970-01-01,F,\n".encode("latin-1")
    )
    message = _error(extract)
    assert "patients.csv" in message and "is not UTF-8" in message and "line 2" in message
    assert "--encoding cp1252" in message and "QOF_EXTRACT_ENCODING" in message


def test_file_not_utf8_beyond_the_first_block(extract: Path) -> None:
    # The reader counts rows without decoding unread columns, so only a decode of every byte
    # finds a Windows-1252 character 100 kB into the file.
    rows = "".join(f"f{number:05d},p01,A00001,2023-10-01,44054006,,\n" for number in range(3000))
    content = (
        (extract / "events.csv").read_text(encoding="utf-8")
        + rows
        + "f99999,p01,A00001,2023-10-01,44054006,,\xb5g\n"
    )
    (extract / "events.csv").write_bytes(content.encode("cp1252"))
    message = _error(extract)
    assert "events.csv" in message and "is not UTF-8" in message and "--encoding cp1252" in message


def test_file_that_is_not_csv_or_parquet(extract: Path) -> None:
    shutil.move(extract / "events.csv", extract / "events.xlsx")
    message = _error(extract)
    assert "events.xlsx" in message and "not a CSV or Parquet" in message


def test_extra_file_of_another_format_is_not_silently_skipped(extract: Path) -> None:
    shutil.copy(extract / "events.csv", extract / "events_2024_03.json")
    message = _error(extract)
    assert "events_2024_03.json" in message and "left out" in message


def test_csv_file_holding_binary_content(extract: Path) -> None:
    (extract / "events.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00binary spreadsheet")
    message = _error(extract)
    assert "events.csv" in message and "not a CSV" in message


def test_csv_file_holding_json(extract: Path) -> None:
    (extract / "registrations.csv").write_text('[{"patient_id": "p01"}]\n')
    message = _error(extract)
    assert "registrations.csv" in message and "not a CSV" in message


def test_csv_file_not_comma_separated(extract: Path) -> None:
    path = extract / "patients.csv"
    path.write_text(path.read_text().replace(",", ";"))
    message = _error(extract)
    assert "patients.csv" in message and "comma-separated" in message


def test_corrupt_parquet_file(extract: Path, tmp_path: Path) -> None:
    parquet = _to_parquet(extract, tmp_path / "parquet")
    (parquet / "events.parquet").write_bytes(b"PAR1 this is not really parquet")
    message = _error(parquet)
    assert "events.parquet" in message and "Parquet" in message


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("practices", "icb_code"),
        ("patients", "date_of_birth"),
        ("registrations", "end_date"),
        ("events", "snomed_code"),
    ],
)
def test_required_column_absent(extract: Path, table: str, column: str) -> None:
    path = extract / f"{table}.csv"
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace(column, "something_else")
    path.write_text("\n".join(lines) + "\n")
    message = _error(extract)
    assert f"{table}.csv" in message and f"'{column}'" in message


@pytest.mark.parametrize(
    ("table", "column", "value", "kind"),
    [
        ("patients", "date_of_birth", lambda day: "/".join(reversed(day.split("-"))), "ISO date"),
        ("registrations", "start_date", lambda day: day.replace("-", ""), "ISO date"),
        ("events", "event_date", lambda day: f"{day}T00:00:00", "ISO date"),
        ("events", "value", lambda value: "high" if value else "", "number"),
        ("events", "snomed_code", lambda code: f"SCT{code}", "numeric code"),
    ],
    ids=["dd/mm/yyyy", "yyyymmdd", "timestamps", "value-text", "code-text"],
)
def test_column_that_cannot_be_typed(
    extract: Path, table: str, column: str, value: Callable[[str], str], kind: str
) -> None:
    _rewrite_column(extract / f"{table}.csv", column, value)
    message = _error(extract)
    assert f"{table}.csv" in message and f"'{column}'" in message and kind in message


def test_boolean_column_that_cannot_be_typed(extract: Path) -> None:
    (extract / "manual_achievement.csv").write_text(
        "practice_code,indicator_code,achievement_date,achieved\nA00001,QI011,2024-03-31,maybe\n"
    )
    message = _error(extract)
    assert "manual_achievement.csv" in message and "'achieved'" in message and "true or false" in message


def test_some_bad_values_are_left_to_row_quarantine(extract: Path) -> None:
    _rewrite_column(
        extract / "events.csv", "event_date", lambda day: "1900-13-01" if day.startswith("2012") else day
    )
    assert check_extract(extract).row_counts["events"] == 46


def test_column_blank_in_every_row(extract: Path) -> None:
    _rewrite_column(extract / "events.csv", "patient_id", lambda _: "")
    message = _error(extract)
    assert "events.csv" in message and "'patient_id'" in message and "blank in every" in message


def test_build_prints_the_problem_first_and_exits_non_zero(
    extract: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _rewrite_column(extract / "patients.csv", "date_of_birth", lambda day: "/".join(reversed(day.split("-"))))
    code = main(["build", "--extract-dir", str(extract), "--duckdb", str(tmp_path / "never.duckdb")])
    captured = capsys.readouterr()
    assert code != 0
    assert captured.out == ""
    first_line = captured.err.splitlines()[0]
    assert (
        first_line.startswith("ERROR: ") and "patients.csv" in first_line and "'date_of_birth'" in first_line
    )
    assert not (tmp_path / "never.duckdb").exists()


def test_check_command_reports_problems_and_row_counts(
    extract: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--extract-dir", str(extract)]) == 0
    assert "events" in capsys.readouterr().out
    (extract / "events.csv").write_bytes(b"")
    assert main(["check", "--extract-dir", str(extract)]) != 0
    assert "events.csv" in capsys.readouterr().err
