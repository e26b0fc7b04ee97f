"""Per-practice worklist CSV files from a built warehouse.

For every practice in the warehouse two files are written into `out_dir` (header only when the
practice has nobody to contact):

    <practice_code>_screening_worklist.csv     fct_screening_worklist: eligible patients not
                                                covered, with the next action
    <practice_code>_cancer_care_worklist.csv   fct_cancer_care_worklist: recently diagnosed
                                                patients still needing a cancer care review or
                                                a support discussion, with the due date

Usage::

    from qof_warehouse.worklists import write_worklists
    paths = write_worklists("target/qof_warehouse.duckdb", "output/worklists")
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb

from qof_warehouse.csv_safety import safe_cell

WORKLISTS: dict[str, tuple[str, str]] = {
    # file suffix: (mart, order by)
    "screening_worklist": (
        "fct_screening_worklist",
        "programme, age_band, next_action, patient_id",
    ),
    "cancer_care_worklist": ("fct_cancer_care_worklist", "due_date, action, patient_id"),
}
SAFE_CODE = re.compile(r"[A-Za-z0-9_-]+")


def _practices(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select distinct practice_code from stg_gp_extract__practices "
        "where practice_code is not null order by practice_code"
    ).fetchall()
    return [r[0] for r in rows]


def write_worklists(duckdb_path: str | Path, out_dir: str | Path) -> list[Path]:
    """Write one screening and one cancer-care worklist CSV per practice; returns the paths.

    The warehouse is opened read-only. Columns are the marts' columns; dates are ISO
    (YYYY-MM-DD), booleans true/false, missing values empty; text a spreadsheet would run as
    a formula starts with a single quote (qof_warehouse.csv_safety).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        practices = _practices(con)
        for suffix, (mart, order_by) in WORKLISTS.items():
            cursor = con.execute(f"select * from {mart} order by practice_code, {order_by}")
            columns = [d[0] for d in cursor.description]
            by_practice: dict[str, list[tuple[object, ...]]] = {p: [] for p in practices}
            code_at = columns.index("practice_code")
            for row in cursor.fetchall():
                by_practice.setdefault(row[code_at], []).append(row)
            for practice, rows in by_practice.items():
                if not SAFE_CODE.fullmatch(str(practice)):
                    raise ValueError(f"unexpected practice code {practice!r}")
                path = out / f"{practice}_{suffix}.csv"
                with path.open("w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(columns)
                    writer.writerows([safe_cell(v, _text) for v in row] for row in rows)
                written.append(path)
    return written


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
