"""The calibration comparison (qof_warehouse.calibration) on a hand-made two-mart warehouse:
national rates are summed counts, never averages of practice rates, and practice points are
spread over practices. Expected figures are worked by hand in the comments."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from qof_warehouse.calibration import TABLE_END, TABLE_START, collect, main, render, write_into


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            """
            create table fct_practice_indicator_achievement as
            select * from (values
                ('P1', 'X001', 'G', 10.0, 9, 10, 0, 10.0),
                ('P2', 'X001', 'G', 10.0, 10, 100, 25, 0.0),
                ('P1', 'R001', 'G', 5.0, 0, 0, 0, 5.0),
                ('P2', 'R001', 'G', 5.0, 0, 0, 0, 5.0)
            ) as t(practice_code, indicator_code, group_code, max_points, numerator, denominator,
                   pca_count, points)
            """
        )
        connection.execute(
            """
            create table fct_practice_income_totals as
            select * from (values ('P1', 600.0, 635.0), ('P2', 300.0, 635.0), ('P3', 635.0, 635.0))
                as t(practice_code, achieved_points, max_points)
            """
        )
    return path


def test_national_rates_sum_counts(warehouse: Path) -> None:
    figures = {f.indicator_code: f for f in collect(warehouse).indicators}
    x001 = figures["X001"]
    # 19 / 110, not the mean of 90% and 10% (50%).
    assert x001.achievement == pytest.approx(100 * 19 / 110)
    # 25 / (110 + 25), not the mean of 0% and 20% (10%).
    assert x001.pca_rate == pytest.approx(100 * 25 / 135)
    # 10 of 20 available points.
    assert x001.points_share == pytest.approx(50.0)
    assert figures["R001"].achievement is None
    assert figures["R001"].pca_rate is None
    # Biggest indicators first.
    assert [f.indicator_code for f in collect(warehouse).indicators] == ["X001", "R001"]


def test_practice_and_group_points_spread(warehouse: Path) -> None:
    calibration = collect(warehouse)
    points = calibration.practice_points
    # 600/635 = 94.488%, 300/635 = 47.244%, 635/635 = 100%.
    assert points.practices == 3
    assert points.mean == pytest.approx((100 * 600 / 635 + 100 * 300 / 635 + 100) / 3)
    assert points.p50 == pytest.approx(100 * 600 / 635)
    # Linear interpolation: 47.244 + 0.2 x (94.488 - 47.244).
    assert points.p10 == pytest.approx(100 * 300 / 635 + 0.2 * (100 * 300 / 635))
    assert points.at_full_points == pytest.approx(100 / 3)
    group = calibration.group_points["G"]
    # P1 15 of 15 points, P2 5 of 15.
    assert group.mean == pytest.approx((100 + 100 / 3) / 2)
    assert group.at_full_points == pytest.approx(50.0)


def test_render_and_write_between_markers(warehouse: Path, tmp_path: Path) -> None:
    table = render(collect(warehouse))
    assert "| X001 | G | 10 | 19 | 110 | 25 | 17.3 | 18.5 | 50.0 |" in table
    doc = tmp_path / "calibration.md"
    doc.write_text(f"# Title\n\nbefore\n\n{TABLE_START}\nold table\n{TABLE_END}\n\nafter\n", encoding="utf-8")
    write_into(doc, table)
    text = doc.read_text(encoding="utf-8")
    assert "old table" not in text
    assert text.startswith("# Title\n\nbefore\n\n")
    assert text.endswith(f"{TABLE_END}\n\nafter\n")
    assert table in text


def test_main_prints_and_writes(warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "calibration.md"
    assert main(["--duckdb", str(warehouse), "--doc", str(doc)]) == 0
    printed = capsys.readouterr().out
    assert "17.3" in printed
    assert printed in doc.read_text(encoding="utf-8")
