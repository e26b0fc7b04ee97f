"""A printed summary of a built warehouse: practices, networks, registers, points, income, and
how much of the income rests on provisional thresholds or prevalence figures."""

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

# The provisional part of the income, from the practice income totals: the pounds resting on a
# provisional threshold or prevalence figure, and how many such figures the year has (the same
# for every practice).
PROVISIONAL_QUERY = """
select
    round(coalesce(sum(provisional_income_gbp), 0), 2),
    coalesce(max(provisional_threshold_count), 0),
    coalesce(max(provisional_prevalence_count), 0)
from fct_practice_income_totals
"""
PROVISIONAL_FIGURES = ("provisional_income_gbp", "provisional_thresholds", "provisional_prevalence_figures")

REGISTER_QUERY = """
select register_code, sum(register) as patients, round(100.0 * sum(register) / sum(list_size), 2)
from fct_practice_prevalence
group by register_code
order by register_code
"""


def collect_summary(duckdb_path: Path) -> tuple[dict[str, object], list[tuple[str, int, float]]]:
    """Headline figures (including the provisional part of the income) and register sizes
    (code, patients, prevalence %) of a warehouse."""
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        figures = {name: connection.execute(query).fetchone()[0] for name, query in SUMMARY_QUERIES.items()}
        provisional = connection.execute(PROVISIONAL_QUERY).fetchone()
        figures.update(zip(PROVISIONAL_FIGURES, provisional, strict=True))
        registers = [tuple(row) for row in connection.execute(REGISTER_QUERY).fetchall()]
    return figures, registers


def provisional_line(figures: dict[str, object]) -> str:
    """The sentence that says how much of the income rests on provisional figures."""
    income = float(figures.get("income_gbp") or 0)
    provisional = float(figures.get("provisional_income_gbp") or 0)
    thresholds = int(figures.get("provisional_thresholds") or 0)
    prevalence = int(figures.get("provisional_prevalence_figures") or 0)
    return (
        f"£{provisional:,.2f} of £{income:,.2f} rests on {thresholds} provisional thresholds"
        f" / {prevalence} provisional prevalence figures"
    )


def format_summary(figures: dict[str, object], registers: list[tuple[str, int, float]]) -> str:
    lines = ["QOF warehouse summary", "---------------------"]
    headline = {name: value for name, value in figures.items() if name not in PROVISIONAL_FIGURES}
    lines += [f"{name.replace('_', ' '):<22}{value}" for name, value in headline.items()]
    if any(name in figures for name in PROVISIONAL_FIGURES):
        lines.append(provisional_line(figures))
    lines.append("registers (patients, % of list):")
    lines += [f"  {code:<6}{patients:>10,}  {prevalence:>6}%" for code, patients, prevalence in registers]
    return "\n".join(lines)
