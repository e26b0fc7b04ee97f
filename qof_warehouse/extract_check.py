"""File-level checks of a GP extract directory, run before the warehouse is built.

A problem with a whole file (missing, empty, unreadable, not CSV or Parquet, a required
column absent) stops the run with a message naming the file and the column. Row-level
problems are left to the warehouse, which quarantines the row with its reason.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "practices": ("practice_code", "practice_name", "pcn_code", "pcn_name", "icb_code", "icb_name"),
    "patients": ("patient_id", "date_of_birth", "sex", "date_of_death"),
    "registrations": ("patient_id", "practice_code", "registration_type", "start_date", "end_date"),
    "events": ("event_id", "patient_id", "practice_code", "event_date", "snomed_code", "value", "unit"),
    "medications": ("event_id", "patient_id", "practice_code", "issue_date", "dmd_code", "quantity"),
    "manual_achievement": ("practice_code", "indicator_code", "achievement_date", "achieved"),
}
OPTIONAL_TABLES = frozenset({"manual_achievement"})
FORMATS = ("csv", "parquet")


class ExtractError(Exception):
    """A whole-file problem that stops the run."""


@dataclass(frozen=True)
class ExtractLayout:
    """How the extract is stored: file format and files (`events*.csv`) or folders (`events/`)."""

    file_format: str
    layout: str
    files: dict[str, list[Path]]


def _files_for(directory: Path, table: str, file_format: str) -> tuple[str, list[Path]]:
    flat = sorted(directory.glob(f"{table}*.{file_format}"))
    if flat:
        return "files", flat
    nested = sorted((directory / table).glob(f"*.{file_format}"))
    return ("folders", nested) if nested else ("files", [])


def detect_format(directory: Path) -> str:
    """The extract's file format: the one the practices table is stored in."""
    for file_format in FORMATS:
        if _files_for(directory, "practices", file_format)[1]:
            return file_format
    raise ExtractError(
        f"{directory}: no practices file found (expected practices.csv or practices.parquet)"
    )


def _csv_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            sample = handle.read(65536)
    except UnicodeDecodeError as error:
        raise ExtractError(f"{path}: not a UTF-8 CSV file ({error.reason})") from error
    except OSError as error:
        raise ExtractError(f"{path}: cannot be read ({error.strerror})") from error
    if not sample.strip():
        raise ExtractError(f"{path}: file is empty (no header row)")
    if "\x00" in sample:
        raise ExtractError(f"{path}: not a CSV file (binary content)")
    header = next(csv.reader([sample.splitlines()[0]]))
    return [column.strip().lower() for column in header]


def _parquet_header(path: Path) -> list[str]:
    try:
        schema = pq.read_schema(path)
    except Exception as error:  # pyarrow raises several types for corrupt files
        raise ExtractError(f"{path}: not a readable Parquet file ({error})") from error
    return [name.lower() for name in schema.names]


def header_of(path: Path, file_format: str) -> list[str]:
    return _csv_header(path) if file_format == "csv" else _parquet_header(path)


def check_columns(path: Path, table: str, header: list[str]) -> None:
    for column in REQUIRED_COLUMNS[table]:
        if column not in header:
            raise ExtractError(f"{path}: required column '{column}' is missing from {table}")


def check_extract(directory: Path) -> ExtractLayout:
    """Check every table of the extract; raise ExtractError on the first whole-file problem."""
    if not directory.is_dir():
        raise ExtractError(f"{directory}: extract directory does not exist")
    file_format = detect_format(directory)
    layouts: set[str] = set()
    files: dict[str, list[Path]] = {}
    for table in REQUIRED_COLUMNS:
        layout, paths = _files_for(directory, table, file_format)
        if not paths:
            if table in OPTIONAL_TABLES:
                continue
            raise ExtractError(
                f"{directory / (table + '.' + file_format)}: required file for table "
                f"'{table}' is missing"
            )
        layouts.add(layout)
        for path in paths:
            check_columns(path, table, header_of(path, file_format))
        files[table] = paths
    if len(layouts) > 1:
        raise ExtractError(f"{directory}: mix of per-table files and per-table folders")
    return ExtractLayout(file_format=file_format, layout=layouts.pop(), files=files)
