"""File exports of a built warehouse: the CQRS-shaped submission as CSV."""

from __future__ import annotations

from pathlib import Path

import duckdb

from qof_warehouse.csv_safety import safe_frame

CQRS_QUERY = """
select
    practice_code as "PRACTICE_CODE",
    indicator_code as "INDICATOR_CODE",
    measure as "MEASURE",
    value as "VALUE"
from fct_cqrs_submission
order by practice_code, indicator_code, measure
"""


def write_cqrs_csv(duckdb_path: Path, out_dir: Path) -> Path:
    """Write fct_cqrs_submission as out_dir/cqrs_submission.csv (the published layout).

    Text a spreadsheet would run as a formula starts with a single quote
    (qof_warehouse.csv_safety); the VALUE column stays numeric.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "cqrs_submission.csv"
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        frame = connection.execute(CQRS_QUERY).df()
    safe_frame(frame).to_csv(target, index=False, lineterminator="\n")
    return target
