"""Build the in-year trajectory: the warehouse at a list of month-end achievement dates.

`fct_practice_indicator_trajectory` is an incremental model keyed on practice, indicator and
achievement date. For each month-end, dbt runs once with `--vars achievement_date: <date>`
and rebuilds only the models the trajectory reads (the extract-parsing staging tables do not
depend on the date and are built once); the trajectory model adds that month and keeps every
earlier one. Each month-end is the achievement date (ACHV_DAT) of that month's extract; the
windows run back from the payment period end date (PPED) of the QOF year holding it, so the
path is the in-year position practices and CQRS see (a 12-month process indicator at 30 April
counts what was done since 1 April), not a rolling year. The indicator set and thresholds stay
those of one rules year for every date, so last year's months are measured like for like. At
the end the marts are rebuilt (with their tests) at the latest date, so every mart agrees on it.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date

from qof_warehouse.dbt_runner import BuildSettings, run_dbt

TRAJECTORY_MODEL = "fct_practice_indicator_trajectory"
# Staging tables parse the extract and are the same at every achievement date.
DATE_INDEPENDENT_MODELS = "path:models/staging,config.materialized:table"
# Data tests run on the models built; unit tests belong to the full build.
BUILD_FLAGS = ["--exclude", "resource_type:unit_test", "--indirect-selection", "cautious"]


class TrajectoryError(RuntimeError):
    """dbt failed while building the trajectory at one of the dates."""


def month_end(year: int, month: int) -> date:
    """The last day of a calendar month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def qof_year_of(day: date) -> str:
    """The QOF year (1 April to 31 March) a date falls in, e.g. 2024-03-31 -> '2023-24'."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def month_ends_of_qof_year(qof_year: str) -> list[date]:
    """The twelve month-ends of a QOF year, April to March."""
    first = int(qof_year[:4])
    months = [(first, month) for month in range(4, 13)] + [(first + 1, month) for month in range(1, 4)]
    return [month_end(year, month) for year, month in months]


def default_trajectory_dates(qof_year: str, include_last_year: bool = True) -> list[date]:
    """The month-ends of `qof_year`, preceded by those of the year before when asked."""
    dates = month_ends_of_qof_year(qof_year)
    if include_last_year:
        previous = f"{int(qof_year[:4]) - 1}-{int(qof_year[:4]) % 100:02d}"
        dates = month_ends_of_qof_year(previous) + dates
    return dates


def _as_dates(dates: Iterable[date | str]) -> list[date]:
    parsed = {day if isinstance(day, date) else date.fromisoformat(day) for day in dates}
    return sorted(parsed)


def _settings_at(settings: BuildSettings, day: date, qof_year: str) -> BuildSettings:
    return dataclasses.replace(settings, achievement_date=day.isoformat(), qof_year=qof_year)


def _run(command: list[str], settings: BuildSettings, day: date) -> None:
    result = run_dbt(command, settings)
    if result.returncode != 0:
        raise TrajectoryError(f"dbt {command[0]} failed at achievement date {day.isoformat()}")


def _command_for(index: int, last: int) -> list[str]:
    """dbt command for the index-th of the dates (0 = oldest, `last` = latest)."""
    command = ["build" if index in (0, last) else "run"]
    command += ["--select", "+path:models/marts" if index == last else f"+{TRAJECTORY_MODEL}"]
    if index > 0:
        command += ["--exclude", DATE_INDEPENDENT_MODELS]
    if command[0] == "build":
        command += BUILD_FLAGS
    return command


def run_trajectory(settings: BuildSettings, dates: Sequence[date | str]) -> list[date]:
    """Build the trajectory at every date (oldest first) and return the dates built.

    The rules year is `settings.qof_year`, else the QOF year of the latest date. The oldest
    date builds everything the trajectory reads (seeds and staging included) with its data
    tests; the dates in between rebuild only the date-dependent models; the latest date
    rebuilds every mart with its data tests, so the marts are left at the latest date.
    """
    days = _as_dates(dates)
    if not days:
        raise ValueError("run_trajectory needs at least one achievement date")
    rules_year = settings.qof_year or qof_year_of(days[-1])
    last = len(days) - 1
    for index, day in enumerate(days):
        _run(_command_for(index, last), _settings_at(settings, day, rules_year), day)
    return days
