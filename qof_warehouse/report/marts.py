"""What the report reads from a built warehouse: marts only (fct_*, dim_*, dq_* tables).

Every figure of the report comes from a mart at the warehouse's achievement date (the latest
`achievement_date` of fct_practice_income_totals); staging, intermediate, base tables and
seeds are never read, so the report shows exactly what a SQL user of the marts would see.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]

MART_NAME = re.compile(r"(fct|dim|dq)_[a-z0-9_]+")
PROJECTION_MART = "fct_practice_indicator_projection"
REQUIRED_MARTS = (
    "fct_practice_income_totals",
    "fct_pcn_income_totals",
    "fct_icb_income_totals",
    "fct_practice_income",
    "fct_practice_income_opportunities",
    "fct_pcn_income_opportunities",
    "fct_pcn_indicator_achievement",
    "fct_practice_indicator_funnel",
    "dq_practice_pca_rates",
    "fct_practice_screening_uptake",
    "fct_pcn_screening_uptake",
    "fct_pcn_screening_trend",
    "fct_practice_indicator_trajectory",
)


class ReportError(Exception):
    """The warehouse cannot be reported on (missing file or mart)."""


def mart_query(table: str, where: str = "", order_by: str = "") -> str:
    """`select *` from one mart; refuses any table that is not a mart."""
    if not MART_NAME.fullmatch(table):
        raise ValueError(f"the report reads marts only (fct_*, dim_*, dq_*), not {table!r}")
    query = f"select * from {table}"
    if where:
        query += f" where {where}"
    if order_by:
        query += f" order by {order_by}"
    return query


def fetch_rows(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    where: str = "",
    parameters: Sequence[object] = (),
    order_by: str = "",
) -> list[Row]:
    cursor = connection.execute(mart_query(table, where, order_by), list(parameters))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def group_rows(rows: Iterable[Row], key: str) -> dict[str, list[Row]]:
    """Rows grouped by the text of one column, keeping their order."""
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[str(row[key])].append(row)
    return dict(grouped)


@dataclass(frozen=True)
class ReportData:
    """Every mart row the report shows, at the warehouse's achievement date."""

    as_at: date
    qof_year: str
    practices: list[Row]
    pcns: list[Row]
    icbs: list[Row]
    practice_income: list[Row]
    practice_opportunities: list[Row]
    pcn_opportunities: list[Row]
    pcn_achievement: list[Row]
    funnel: list[Row]
    pca_rates: list[Row]
    practice_screening: list[Row]
    pcn_screening: list[Row]
    pcn_screening_trend: list[Row]
    trajectory: list[Row]
    projection: list[Row] | None

    def practice_names(self) -> dict[str, str]:
        return {str(row["practice_code"]): str(row["practice_name"] or "") for row in self.practices}

    def pcn_names(self) -> dict[str, str]:
        return {str(row["pcn_code"]): str(row["pcn_name"] or "") for row in self.pcns}


def qof_year_start(qof_year: str) -> date:
    """1 April of the first calendar year of a QOF year such as 2023-24."""
    return date(int(qof_year[:4]), 4, 1)


def _tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        name for (name,) in connection.execute("select table_name from information_schema.tables").fetchall()
    }


def _as_at(connection: duckdb.DuckDBPyConnection) -> tuple[date, str]:
    found = connection.execute(
        "select achievement_date, qof_year from fct_practice_income_totals "
        "order by achievement_date desc limit 1"
    ).fetchone()
    if found is None:
        raise ReportError("fct_practice_income_totals is empty: nothing to report")
    return found[0], str(found[1])


def load_report_data(warehouse: Path) -> ReportData:
    """Read every mart the report needs from `warehouse` (opened read-only)."""
    if not warehouse.is_file():
        raise ReportError(f"warehouse not found: {warehouse}")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        missing = sorted(set(REQUIRED_MARTS) - _tables(connection))
        if missing:
            raise ReportError(f"{warehouse} lacks the marts {', '.join(missing)}; build it first")
        as_at, qof_year = _as_at(connection)

        def at_date(table: str, order_by: str) -> list[Row]:
            return fetch_rows(connection, table, "achievement_date = ?", [as_at], order_by)

        in_year = [qof_year_start(qof_year), as_at]
        projection = None
        if PROJECTION_MART in _tables(connection):
            projection = fetch_rows(
                connection, PROJECTION_MART, "", (), "practice_code, indicator_code, achievement_date"
            )
        return ReportData(
            as_at=as_at,
            qof_year=qof_year,
            practices=at_date("fct_practice_income_totals", "icb_code, pcn_code, practice_code"),
            pcns=at_date("fct_pcn_income_totals", "icb_code, pcn_code"),
            icbs=at_date("fct_icb_income_totals", "icb_code"),
            practice_income=at_date("fct_practice_income", "practice_code, indicator_code"),
            practice_opportunities=at_date(
                "fct_practice_income_opportunities", "practice_code, group_code, indicator_code"
            ),
            pcn_opportunities=at_date("fct_pcn_income_opportunities", "pcn_code, opportunity_rank_in_pcn"),
            pcn_achievement=at_date("fct_pcn_indicator_achievement", "pcn_code, group_code, indicator_code"),
            funnel=at_date("fct_practice_indicator_funnel", "indicator_code, measure, measure_denominator"),
            pca_rates=fetch_rows(
                connection, "dq_practice_pca_rates", order_by="practice_code, indicator_code"
            ),
            practice_screening=at_date("fct_practice_screening_uptake", "practice_code, programme, age_band"),
            pcn_screening=at_date("fct_pcn_screening_uptake", "pcn_code, programme, age_band"),
            pcn_screening_trend=fetch_rows(
                connection, "fct_pcn_screening_trend", order_by="pcn_code, programme, age_band, month_end"
            ),
            trajectory=fetch_rows(
                connection,
                "fct_practice_indicator_trajectory",
                "achievement_date between ? and ?",
                in_year,
                "practice_code, indicator_code, achievement_date",
            ),
            projection=projection,
        )
