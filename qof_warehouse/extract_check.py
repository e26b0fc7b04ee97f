"""File-level checks of a GP extract directory, run before the warehouse is built.

A problem with a whole file stops the run with a message naming the file (and the column,
where there is one): the directory or a required file missing, a file that is empty,
unreadable or not CSV or Parquet, a required column absent, a column that cannot be typed
(no value in the file reads as an ISO date, a number, a code or a yes/no), a column that must
be filled but is blank in every row, and a required table with no rows at all. Row-level
problems are left to the warehouse, which quarantines the row with its reason.

CSV files are read as UTF-8 unless an extract encoding is set (`qof --encoding cp1252`, env
QOF_EXTRACT_ENCODING). Every byte of every CSV file is decoded with it, so a file in another
encoding is refused before anything is built. The warehouse's CSV reader takes UTF-8 only, so
an extract in another encoding is read through UTF-8 copies of its CSV files
(`transcode_extract`), written to a working directory and never to the extract's own.
"""

from __future__ import annotations

import codecs
import csv
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
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
# Tables without which nothing can be built: a header with no rows stops the run.
TABLES_THAT_NEED_ROWS = ("practices", "patients", "registrations")
FORMATS = ("csv", "parquet")

# How each typed column is read, as the base models read it (value = the trimmed text).
TYPE_RULES: dict[str, tuple[str, str]] = {
    "date": ("an ISO date (YYYY-MM-DD)", "try_strptime(value, '%Y-%m-%d') is not null"),
    "number": ("a number", "try_cast(value as double) is not null"),
    "code": ("a numeric code of 6 to 18 digits", "regexp_full_match(value, '[0-9]{6,18}')"),
    "boolean": (
        "true or false",
        "lower(value) in ('true', 't', '1', 'yes', 'y', 'false', 'f', '0', 'no', 'n')",
    ),
}
TYPED_COLUMNS: dict[str, dict[str, str]] = {
    "patients": {"date_of_birth": "date", "date_of_death": "date"},
    "registrations": {"start_date": "date", "end_date": "date"},
    "events": {"event_date": "date", "value": "number", "snomed_code": "code"},
    "medications": {"issue_date": "date", "quantity": "number", "dmd_code": "code"},
    "manual_achievement": {"achievement_date": "date", "achieved": "boolean"},
}
# Columns every row needs: blank in every row of a file means the column was not exported.
FILLED_COLUMNS: dict[str, tuple[str, ...]] = {
    "practices": ("practice_code",),
    "patients": ("patient_id", "date_of_birth"),
    "registrations": ("patient_id", "practice_code", "start_date"),
    "events": ("event_id", "patient_id", "event_date", "snomed_code"),
    "medications": ("event_id", "patient_id", "issue_date", "dmd_code"),
    "manual_achievement": ("practice_code", "indicator_code"),
}
# The reader options of the gp_extract source (models/staging/gp_extract/_gp_extract__sources.yml).
CSV_READER = (
    "read_csv({path}, header = true, all_varchar = true, auto_detect = true, "
    "strict_mode = false, null_padding = true)"
)
PARQUET_READER = "read_parquet({path})"

DEFAULT_ENCODING = "utf-8"
ENCODING_ENV = "QOF_EXTRACT_ENCODING"
ENCODING_HINT = "if it was written by a Windows system set --encoding cp1252 (QOF_EXTRACT_ENCODING)"
# Codec names (as codecs.lookup spells them) read without transcoding.
UTF8_CODECS = frozenset({"utf-8", "utf-8-sig"})
TRANSCODE_CHUNK_BYTES = 1 << 20


class ExtractError(Exception):
    """A whole-file problem that stops the run."""


def default_encoding() -> str:
    """The extract encoding when none is given: env QOF_EXTRACT_ENCODING, else UTF-8."""
    return os.environ.get(ENCODING_ENV) or DEFAULT_ENCODING


def codec_name(encoding: str) -> str:
    """The codec an encoding setting names (`cp1252`, `Windows-1252`, `UTF8` ...)."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as error:
        raise ExtractError(
            f"unknown extract encoding {encoding!r} (--encoding / {ENCODING_ENV}); use e.g. utf-8 or cp1252"
        ) from error


def needs_transcoding(encoding: str) -> bool:
    """True when CSV files in this encoding must be copied to UTF-8 before the warehouse reads them."""
    return codec_name(encoding) not in UTF8_CODECS


def _decoded_chunks(source: Path, encoding: str) -> Iterator[str]:
    """The text of `source` read as `encoding`, chunk by chunk; raises ExtractError naming the
    file (and the setting) at the first byte that does not decode, and, for an encoding other
    than UTF-8, when every non-ASCII character of the file reads as UTF-8: the file was saved
    as UTF-8, and reading it as another encoding would garble every accented name silently."""
    codec = codec_name(encoding)
    is_utf8 = codec in UTF8_CODECS
    decoder = codecs.getincrementaldecoder(codec)("strict")
    utf8_check = None if is_utf8 else codecs.getincrementaldecoder("utf-8")("strict")
    has_non_ascii = False
    offset = lines = 0
    try:
        with source.open("rb") as reader:
            while chunk := reader.read(TRANSCODE_CHUNK_BYTES):
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    line = lines + chunk.count(b"\n", 0, error.start) + 1
                    where = f"{error.reason} at byte {offset + error.start:,}, line {line:,}"
                    if is_utf8:
                        raise ExtractError(f"{source}: is not UTF-8 ({where}); {ENCODING_HINT}") from error
                    raise ExtractError(
                        f"{source}: cannot be read as {encoding} ({where}); check --encoding ({ENCODING_ENV})"
                    ) from error
                if utf8_check is not None:
                    has_non_ascii = has_non_ascii or not chunk.isascii()
                    try:
                        utf8_check.decode(chunk)
                    except UnicodeDecodeError:
                        utf8_check = None
                offset += len(chunk)
                lines += chunk.count(b"\n")
                yield text
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        hint = ENCODING_HINT if is_utf8 else f"check --encoding ({ENCODING_ENV})"
        raise ExtractError(f"{source}: ends inside a character ({error.reason}); {hint}") from error
    except OSError as error:
        raise ExtractError(f"{source}: cannot be read ({error.strerror})") from error
    if utf8_check is not None and has_non_ascii:
        raise ExtractError(
            f"{source}: is UTF-8 (every non-ASCII character reads as UTF-8), not {encoding}; "
            f"leave --encoding ({ENCODING_ENV}) at utf-8, or save every file of the extract in one encoding"
        )


def check_decodes(source: Path, encoding: str) -> None:
    """Raise ExtractError unless every byte of `source` decodes as `encoding` (see _decoded_chunks)."""
    for _ in _decoded_chunks(source, encoding):
        pass


def transcode_csv(source: Path, target: Path, encoding: str) -> None:
    """Write `source`, read as `encoding`, to `target` as UTF-8 (errors as _decoded_chunks)."""
    with target.open("w", encoding="utf-8", newline="") as writer:
        for text in _decoded_chunks(source, encoding):
            writer.write(text)


def transcode_extract(directory: Path, encoding: str, work_dir: Path) -> Path:
    """UTF-8 copies of the extract's CSV files in `work_dir` (same names and folders); returns it.

    Only the files the warehouse reads are copied: each table's `<table>*.csv` files, or the
    `.csv` files in its folder.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    for table in REQUIRED_COLUMNS:
        for path in _files_for(directory, table, "csv")[1]:
            target = work_dir / path.relative_to(directory)
            target.parent.mkdir(parents=True, exist_ok=True)
            transcode_csv(path, target, encoding)
    return work_dir


@dataclass(frozen=True)
class ExtractLayout:
    """How the extract is stored and what it holds.

    `file_format` is csv or parquet, `layout` is files (`events*.csv`) or folders
    (`events/*.csv`); `row_counts` are the data rows of each table as read.
    """

    file_format: str
    layout: str
    files: dict[str, list[Path]]
    row_counts: dict[str, int]


def _table_candidates(directory: Path, table: str) -> list[Path]:
    """Every file that looks like part of a table, whatever its format."""
    flat = [path for path in directory.glob(f"{table}*") if path.name != table]
    nested = list((directory / table).glob("*")) if (directory / table).is_dir() else []
    return sorted(path for path in flat + nested if not path.name.startswith("."))


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
    others = _table_candidates(directory, "practices")
    if others:
        raise ExtractError(
            f"{others[0]}: not a CSV or Parquet file (practices must be practices.csv or .parquet)"
        )
    raise ExtractError(
        f"{directory / 'practices.csv'}: required file for table 'practices' is missing "
        "(expected practices.csv or practices.parquet)"
    )


def check_only_extract_files(table: str, candidates: Iterable[Path], file_format: str) -> None:
    """Every file that looks like part of the table must be in the extract's format."""
    for path in candidates:
        if path.is_file() and path.suffix != f".{file_format}":
            raise ExtractError(
                f"{path}: not a CSV or Parquet file the warehouse reads; table '{table}' is "
                f"read from {table}*.{file_format} files only, so its rows would be left out"
            )


def _csv_header(path: Path, encoding: str = DEFAULT_ENCODING) -> list[str]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(65536)
    except OSError as error:
        raise ExtractError(f"{path}: cannot be read ({error.strerror})") from error
    if not raw.strip():
        raise ExtractError(f"{path}: file is empty (no header row)")
    if b"\x00" in raw or raw.startswith(b"PAR1") or raw.startswith(b"PK\x03\x04"):
        raise ExtractError(f"{path}: not a CSV file (binary content)")
    # A multi-byte character may be cut at the sample's end; the whole file is decoded later.
    sample = codecs.getincrementaldecoder(codec_name(encoding))("replace").decode(raw)
    first_line = sample.lstrip("\ufeff").splitlines()[0]
    if first_line.lstrip()[:1] in ("{", "[", "<"):
        raise ExtractError(f"{path}: not a CSV file (looks like JSON, HTML or XML)")
    header = next(csv.reader([first_line]))
    if len(header) == 1:
        for delimiter in (";", "\t", "|"):
            if delimiter in header[0]:
                raise ExtractError(
                    f"{path}: not comma-separated (the header is split by {delimiter!r}); "
                    "the extract must be comma-separated CSV"
                )
    return [column.strip().lower() for column in header]


def _parquet_header(path: Path) -> list[str]:
    try:
        schema = pq.read_schema(path)
    except Exception as error:  # pyarrow raises several types for corrupt files
        raise ExtractError(f"{path}: not a readable Parquet file ({error})") from error
    return [name.lower() for name in schema.names]


def header_of(path: Path, file_format: str, encoding: str = DEFAULT_ENCODING) -> list[str]:
    return _csv_header(path, encoding) if file_format == "csv" else _parquet_header(path)


def check_columns(path: Path, table: str, header: list[str]) -> None:
    for column in REQUIRED_COLUMNS[table]:
        if column not in header:
            raise ExtractError(f"{path}: required column '{column}' is missing from {table}")


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _profile_query(path: Path, table: str, file_format: str) -> tuple[str, list[tuple[str, str]]]:
    """One scan of the file: row count, then per checked column non-blank and readable counts."""
    reader = (CSV_READER if file_format == "csv" else PARQUET_READER).format(path=_sql_string(str(path)))
    checks = [(column, kind) for column, kind in TYPED_COLUMNS.get(table, {}).items()]
    checks += [(column, "filled") for column in FILLED_COLUMNS.get(table, ())]
    selects = ["count(*)"]
    for column, kind in checks:
        value = f"nullif(trim(cast(\"{column}\" as varchar)), '')"
        selects.append(f"count({value})")
        if kind != "filled":
            readable = TYPE_RULES[kind][1].replace("value", value)
            selects.append(f"count(*) filter (where {readable})")
            selects.append(f"min({value}) filter (where not ({readable}))")
    return f"select {', '.join(selects)} from {reader}", checks


def profile_file(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    file_format: str,
    read_from: Path | None = None,
) -> int:
    """Read the whole file as the warehouse will; raise on an unreadable or untypable column.

    `read_from` is a UTF-8 copy of the file to read instead (messages still name `path`).
    Returns the number of data rows.
    """
    query, checks = _profile_query(read_from or path, table, file_format)
    try:
        row = connection.execute(query).fetchone()
    except duckdb.BinderException as error:
        raise ExtractError(
            f"{path}: a required column cannot be found when the file is read ({error})"
        ) from error
    except duckdb.Error as error:
        message = str(error).strip().splitlines()[0]
        raise ExtractError(f"{path}: cannot be read as {file_format.upper()} ({message})") from error
    assert row is not None
    rows, position = int(row[0]), 1
    for column, kind in checks:
        values = int(row[position])
        position += 1
        if kind == "filled":
            if rows and not values:
                raise ExtractError(f"{path}: column '{column}' is blank in every one of its {rows:,} rows")
            continue
        readable, example = int(row[position]), row[position + 1]
        position += 2
        if values and not readable:
            raise ExtractError(
                f"{path}: column '{column}' cannot be read as {TYPE_RULES[kind][0]}: "
                f"none of its {values:,} values is one (e.g. {example!r})"
            )
    return rows


def _readable_copy(path: Path, file_format: str, encoding: str, work_dir: Path) -> Path | None:
    """Check every byte of a CSV file decodes; a UTF-8 copy to profile when it needs one."""
    if file_format != "csv":
        return None
    if not needs_transcoding(encoding):
        check_decodes(path, encoding)
        return None
    copy = work_dir / "profile.csv"
    transcode_csv(path, copy, encoding)
    return copy


def check_extract(directory: Path, encoding: str = DEFAULT_ENCODING) -> ExtractLayout:
    """Check every table of the extract; raise ExtractError on the first whole-file problem.

    CSV files are decoded with `encoding` (UTF-8 unless set).
    """
    codec_name(encoding)
    if not directory.is_dir():
        raise ExtractError(f"{directory}: extract directory does not exist")
    file_format = detect_format(directory)
    layouts: set[str] = set()
    files: dict[str, list[Path]] = {}
    row_counts: dict[str, int] = {}
    with duckdb.connect() as connection, tempfile.TemporaryDirectory(prefix="qof-check-") as work_dir:
        for table in REQUIRED_COLUMNS:
            check_only_extract_files(table, _table_candidates(directory, table), file_format)
            layout, paths = _files_for(directory, table, file_format)
            if not paths:
                if table in OPTIONAL_TABLES:
                    continue
                raise ExtractError(
                    f"{directory / (table + '.' + file_format)}: required file for table '{table}' is missing"
                )
            layouts.add(layout)
            row_counts[table] = 0
            for path in paths:
                header = header_of(path, file_format, encoding)
                copy = _readable_copy(path, file_format, encoding, Path(work_dir))
                check_columns(path, table, header)
                row_counts[table] += profile_file(connection, path, table, file_format, copy)
            if table in TABLES_THAT_NEED_ROWS and row_counts[table] == 0:
                raise ExtractError(f"{paths[0]}: table '{table}' has a header but no data rows")
            files[table] = paths
    if len(layouts) > 1:
        raise ExtractError(f"{directory}: mix of per-table files and per-table folders")
    return ExtractLayout(file_format=file_format, layout=layouts.pop(), files=files, row_counts=row_counts)
