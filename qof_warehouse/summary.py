"""A printed summary of a built warehouse: practices, networks, registers, points, income."""

from __future__ import annotations

from pathlib import Path

import duckdb

SUMMARY_QUERIES: dict[str, str] = {
    "practices": "select count(*) from stg_gp_extract__practices",
    "pcns": "select count(distinct coalesce(pcn_code, 'UNALIGNED')) from stg_gp_extract__practices",
    "icbs": "select count(distinct icb_code) from stg_gp_extract__practices",
    "registered_patients": "select count(*) from int_population",
    "quarantined_rows": "select count(*) from stg_gp_extract__quarantine",
    "points": "select round(sum(points), 2) from fct_practice_indicator_achievement",
    "max_points": "select sum(max_points) from fct_practice_indicator_achievement",
    "income_gbp": "select round(sum(income_gbp), 2) from fct_practice_income",
}

REGISTER_QUERY = """
select register_code, sum(register) as patients, round(100.0 * sum(register) / sum(list_size), 2)
from fct_practice_prevalence
group by register_code
order by register_code
"""


def collect_summary(duckdb_path: Path) -> tuple[dict[str, object], list[tuple[str, int, float]]]:
    """Headline figures and register sizes (code, patients, prevalence %) of a warehouse."""
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        figures = {name: connection.execute(query).fetchone()[0] for name, query in SUMMARY_QUERIES.items()}
        registers = [tuple(row) for row in connection.execute(REGISTER_QUERY).fetchall()]
    return figures, registers


def format_summary(figures: dict[str, object], registers: list[tuple[str, int, float]]) -> str:
    lines = ["QOF warehouse summary", "---------------------"]
    lines += [f"{name.replace('_', ' '):<22}{value}" for name, value in figures.items()]
    lines.append("registers (patients, % of list):")
    lines += [f"  {code:<6}{patients:>10,}  {prevalence:>6}%" for code, patients, prevalence in registers]
    return "\n".join(lines)
