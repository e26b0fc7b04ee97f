"""The in-year trajectory: month-end dates, and an incremental build on the hand extract at
three month-ends (the same month last year, a mid-year month and the year end)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from hand_extract import EXPECTED, write_hand_extract

from qof_warehouse.dbt_runner import BuildSettings
from qof_warehouse.trajectory import (
    default_trajectory_dates,
    month_ends_of_qof_year,
    qof_year_of,
    run_trajectory,
)

DATES = [date(2024, 3, 31), date(2023, 3, 31), date(2023, 9, 30)]


def test_qof_year_of_a_date() -> None:
    assert qof_year_of(date(2024, 3, 31)) == "2023-24"
    assert qof_year_of(date(2024, 4, 1)) == "2024-25"
    assert qof_year_of(date(1999, 12, 31)) == "1999-00"


def test_month_ends_of_a_qof_year() -> None:
    ends = month_ends_of_qof_year("2023-24")
    assert len(ends) == 12
    assert ends[0] == date(2023, 4, 30)
    assert date(2024, 2, 29) in ends
    assert ends[-1] == date(2024, 3, 31)


def test_default_dates_include_last_year() -> None:
    dates = default_trajectory_dates("2024-25")
    assert len(dates) == 24
    assert dates[0] == date(2023, 4, 30)
    assert dates[-1] == date(2025, 3, 31)
    assert default_trajectory_dates("2024-25", include_last_year=False)[0] == date(2024, 4, 30)


@pytest.fixture(scope="module")
def trajectory(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[date]]:
    root = tmp_path_factory.mktemp("trajectory")
    settings = BuildSettings(extract_dir=write_hand_extract(root / "extract"), duckdb_path=root / "wh.duckdb")
    built = run_trajectory(settings, DATES)
    return settings.duckdb_path, built


def fetch(warehouse: Path, query: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(query).fetchall()


def test_dates_are_built_oldest_first(trajectory: tuple[Path, list[date]]) -> None:
    assert trajectory[1] == sorted(DATES)


def test_every_month_is_kept(trajectory: tuple[Path, list[date]]) -> None:
    rows = fetch(
        trajectory[0],
        "select achievement_date, count(*) from fct_practice_indicator_trajectory group by 1 order by 1",
    )
    practices_times_indicators = 3 * 76
    assert rows == [(day, practices_times_indicators) for day in sorted(DATES)]


def test_year_end_matches_the_hand_worked_result_and_last_year(trajectory: tuple[Path, list[date]]) -> None:
    # At 2024-03-31 A00003 HYP008 is 1 of 3 (hand_extract EXPECTED). A year earlier, at
    # 2023-03-31, p16's BP of 2023-03-31 falls inside its window and p17's of 2023-04-01 has not
    # happened: 1 of 3 again.
    rows = fetch(
        trajectory[0],
        """
        select achievement_date, denominator, numerator, points, same_month_last_year_date,
            numerator_last_year, denominator_last_year
        from fct_practice_indicator_trajectory
        where practice_code = 'A00003' and indicator_code = 'HYP008'
        order by achievement_date
        """,
    )
    register, denominator, numerator, _, _, points = EXPECTED[("A00003", "HYP008")]
    assert rows[-1][:4] == (date(2024, 3, 31), denominator, numerator, points)
    assert rows[-1][4:] == (date(2023, 3, 31), rows[0][2], rows[0][1])
    assert rows[0][4] == date(2022, 3, 31) and rows[0][5] is None


def test_marts_are_left_at_the_latest_date(trajectory: tuple[Path, list[date]]) -> None:
    dates = fetch(trajectory[0], "select distinct achievement_date from fct_practice_income_opportunities")
    assert dates == [(date(2024, 3, 31),)]


def test_rebuilding_a_month_replaces_it(tmp_path: Path, trajectory: tuple[Path, list[date]]) -> None:
    warehouse = trajectory[0]
    settings = BuildSettings(extract_dir=write_hand_extract(tmp_path / "extract"), duckdb_path=warehouse)
    run_trajectory(settings, [date(2024, 3, 31)])
    rows = fetch(
        warehouse,
        "select count(*), count(distinct (practice_code, indicator_code, achievement_date)) "
        "from fct_practice_indicator_trajectory",
    )
    assert rows[0][0] == rows[0][1] == 3 * 3 * 76
