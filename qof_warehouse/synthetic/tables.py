"""Turning the generator's numpy columns into the contract's text tables, and writing them.

Every column is written as text (CSV, or Parquet string columns) so that the dirty rows the
contract describes (unparseable dates, non-numeric values, codes with spaces) survive in both
formats; readers type the columns as they would for any CSV extract. Large tables are written
in chunks with pyarrow, with the dirty rows slotted in at their positions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from qof_warehouse.synthetic.common import REGISTRATION_TYPES, UNITS, EventColumns

CHUNK_ROWS = 1_000_000

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "practices": ("practice_code", "practice_name", "pcn_code", "pcn_name", "icb_code", "icb_name"),
    "patients": ("patient_id", "date_of_birth", "sex", "date_of_death"),
    "registrations": ("patient_id", "practice_code", "registration_type", "start_date", "end_date"),
    "events": ("event_id", "patient_id", "practice_code", "event_date", "snomed_code", "value", "unit"),
    "medications": ("event_id", "patient_id", "practice_code", "issue_date", "dmd_code", "quantity"),
    "manual_achievement": ("practice_code", "indicator_code", "achievement_date", "achieved"),
}
EVENT_ID_WIDTH = 12
PATIENT_ID_WIDTH = 10
MEDICATION_ID_BASE = 500_000_000_000  # medication ids never collide with event ids


def id_strings(numbers: np.ndarray, width: int) -> pa.Array:
    """Zero-padded decimal identifiers."""
    return pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), pa.string()), width=width, padding="0")


def day_strings(days: np.ndarray, missing: int | None = None) -> pa.Array:
    """ISO dates; `missing` marks days written as null."""
    arr = pa.array(days.astype(np.int32), type=pa.date32())
    if missing is not None:
        arr = pa.array(days.astype(np.int32), type=pa.date32(), mask=days == missing)
    return pc.cast(arr, pa.string())


def value_strings(values: np.ndarray) -> pa.Array:
    """Numbers as written by a clinical system: 48, 31.4; NaN becomes null."""
    rounded = np.round(values, 1)
    return pc.cast(pa.array(rounded, type=pa.float64(), mask=np.isnan(rounded)), pa.string())


@dataclass(frozen=True)
class Lookups:
    """Text of each index space: patient ids, practice codes, codes and units."""

    patient_id: pa.Array
    practice_code: pa.Array
    code: pa.Array
    unit: pa.Array = field(default_factory=lambda: pa.array(list(UNITS), type=pa.string()))


def event_batch(ev: EventColumns, rows: np.ndarray, practice: np.ndarray, look: Lookups) -> pa.Table:
    """Events (clean rows `rows`, numbered from 1 in row order) as a text table."""
    return pa.table(
        {
            "event_id": id_strings(rows.astype(np.int64) + 1, EVENT_ID_WIDTH),
            "patient_id": look.patient_id.take(pa.array(ev.patient[rows])),
            "practice_code": look.practice_code.take(pa.array(practice[rows])),
            "event_date": day_strings(ev.day[rows]),
            "snomed_code": look.code.take(pa.array(ev.code[rows])),
            "value": value_strings(ev.value[rows]),
            "unit": look.unit.take(pa.array(ev.unit[rows].astype(np.int32))),
        }
    )


@dataclass
class DirtyRows:
    """Extra rows for one table, each with the clean row position it is written before."""

    columns: dict[str, list[str | None]] = field(default_factory=dict)
    positions: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, cls: str, rows: dict[str, list[str | None]], positions: np.ndarray) -> None:
        """Append rows of one dirty class (all columns of the table, as text)."""
        n = len(positions)
        if n == 0:
            return
        for name, values in rows.items():
            self.columns.setdefault(name, []).extend(values)
        self.positions.extend(int(p) for p in positions)
        self.counts[cls] = self.counts.get(cls, 0) + n

    def __len__(self) -> int:
        return len(self.positions)

    def table(self, names: tuple[str, ...]) -> pa.Table:
        schema = pa.schema([(n, pa.string()) for n in names])
        if not self.positions:
            return schema.empty_table()
        return pa.table({n: pa.array(self.columns[n], type=pa.string()) for n in names}, schema=schema)


def text_table(columns: dict[str, pa.Array | list[str | None]], names: tuple[str, ...]) -> pa.Table:
    """A table whose every column is text, in contract order."""
    return pa.table(
        {
            n: pa.array(columns[n], type=pa.string()) if isinstance(columns[n], list) else columns[n]
            for n in names
        },
        schema=pa.schema([(n, pa.string()) for n in names]),
    )


def interleave(
    clean_batches: Iterator[pa.Table], n_clean: int, dirty: DirtyRows, names: tuple[str, ...]
) -> Iterator[pa.Table]:
    """Clean batches with each dirty row slotted in before the clean row at its position."""
    dirty_table = dirty.table(names)
    positions = np.asarray(dirty.positions, dtype=np.int64)
    order = np.argsort(positions, kind="stable")
    positions = positions[order]
    dirty_table = dirty_table.take(pa.array(order)) if len(order) else dirty_table
    offset = 0
    for batch in clean_batches:
        end = offset + batch.num_rows
        is_last = end >= n_clean
        lo = int(np.searchsorted(positions, offset, side="left"))
        hi = len(positions) if is_last else int(np.searchsorted(positions, end, side="left"))
        if hi > lo:
            keys = np.concatenate([np.arange(offset, end, dtype=np.float64), positions[lo:hi] - 0.5])
            merged = pa.concat_tables([batch, dirty_table.slice(lo, hi - lo)])
            batch = merged.take(pa.array(np.argsort(keys, kind="stable")))
        yield batch
        offset = end


def batches(n: int, make: Callable[[np.ndarray], pa.Table]) -> Iterator[pa.Table]:
    """Clean rows in chunks: `make(rows)` renders the rows as a text table."""
    for lo in range(0, max(n, 1), CHUNK_ROWS):
        rows = np.arange(lo, min(n, lo + CHUNK_ROWS), dtype=np.int64)
        yield make(rows)


def write_table(path: Path, fmt: str, names: tuple[str, ...], parts: Iterator[pa.Table]) -> int:
    """Write text batches to one CSV (UTF-8, header) or Parquet file; returns rows written."""
    schema = pa.schema([(n, pa.string()) for n in names])
    total = 0
    if fmt == "csv":
        options = pa_csv.WriteOptions(include_header=True, quoting_style="needed")
        with pa_csv.CSVWriter(path, schema, write_options=options) as writer:
            for part in parts:
                writer.write_table(part.select(list(names)).cast(schema))
                total += part.num_rows
    else:
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            wrote_any = False
            for part in parts:
                if part.num_rows == 0 and wrote_any:
                    continue
                writer.write_table(part.select(list(names)).cast(schema))
                wrote_any = True
                total += part.num_rows
    return total


def patient_batch(
    look: Lookups, dob: np.ndarray, sex: pa.Array, death: np.ndarray, rows: np.ndarray
) -> pa.Table:
    """Patients (rows of the population) as a text table; `death` NEVER is written null."""
    never = int(np.iinfo(np.int32).max)
    return pa.table(
        {
            "patient_id": look.patient_id.take(pa.array(rows)),
            "date_of_birth": day_strings(dob[rows]),
            "sex": sex.take(pa.array(rows)),
            "date_of_death": day_strings(death[rows], missing=never),
        }
    )


def registration_batch(
    look: Lookups,
    patient: np.ndarray,
    practice: np.ndarray,
    kind: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    rows: np.ndarray,
) -> pa.Table:
    """Registration episodes as a text table; `end` NEVER is written null."""
    never = int(np.iinfo(np.int32).max)
    types = pa.array(list(REGISTRATION_TYPES), type=pa.string())
    return pa.table(
        {
            "patient_id": look.patient_id.take(pa.array(patient[rows])),
            "practice_code": look.practice_code.take(pa.array(practice[rows])),
            "registration_type": types.take(pa.array(kind[rows].astype(np.int32))),
            "start_date": day_strings(start[rows]),
            "end_date": day_strings(end[rows], missing=never),
        }
    )


def medication_batch(
    look: Lookups,
    patient: np.ndarray,
    practice: np.ndarray,
    day: np.ndarray,
    code: np.ndarray,
    quantity: np.ndarray,
    rows: np.ndarray,
) -> pa.Table:
    """Medication issues (numbered from MEDICATION_ID_BASE + 1) as a text table."""
    return pa.table(
        {
            "event_id": id_strings(rows.astype(np.int64) + MEDICATION_ID_BASE + 1, EVENT_ID_WIDTH),
            "patient_id": look.patient_id.take(pa.array(patient[rows])),
            "practice_code": look.practice_code.take(pa.array(practice[rows])),
            "issue_date": day_strings(day[rows]),
            "dmd_code": look.code.take(pa.array(code[rows])),
            "quantity": value_strings(quantity[rows]),
        }
    )
