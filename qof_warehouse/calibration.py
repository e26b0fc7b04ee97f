"""National figures of a built warehouse beside the published England figures for 2023-24.

Reads two marts only: `fct_practice_indicator_achievement` (per practice and indicator) and
`fct_practice_income_totals` (per practice). National figures are sums of counts over every
practice, never averages of practice rates:

* achievement of an indicator = sum of numerators / sum of denominators;
* PCA rate of an indicator = sum of PCAs / (sum of denominators + sum of PCAs);
* points of a practice = achieved points / available points, then the mean, 10th, 50th and 90th
  percentiles over practices and the share of practices on full points.

The published figures it compares against, and where each comes from, are in
docs/calibration.md. Usage::

    python -m qof_warehouse.calibration --duckdb target/qof_warehouse.duckdb

prints the comparison and writes it into docs/calibration.md between the two marker lines.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from qof_warehouse import PROJECT_ROOT

PUBLISHED_YEAR = "2023-24"
DEFAULT_DOC = PROJECT_ROOT / "docs" / "calibration.md"
TABLE_START = "<!-- calibration-table:start -->"
TABLE_END = "<!-- calibration-table:end -->"
FULL_POINTS = 99.995  # a practice at or above this % of its available points is on full points
PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class Spread:
    """A per-practice percentage over practices: mean, percentiles and share at full points."""

    practices: int
    mean: float
    p10: float
    p50: float
    p90: float
    at_full_points: float  # % of practices


# Percentage of the group's available points achieved per practice, England 2023-24, from the
# 6,267 practices of the published dataset (docs/calibration.md, source P2).
PUBLISHED_GROUP_POINTS: dict[str, Spread] = {
    "AF": Spread(6267, 98.5, 97.0, 100.0, 100.0, 83.9),
    "BP": Spread(6267, 94.9, 82.7, 100.0, 100.0, 57.8),
    "CHD": Spread(6263, 96.6, 87.8, 100.0, 100.0, 62.6),
    "CHOL": Spread(6267, 89.4, 60.4, 100.0, 100.0, 56.0),
    "HF": Spread(6267, 96.6, 88.0, 100.0, 100.0, 76.7),
    "HYP": Spread(6263, 91.6, 73.0, 99.9, 100.0, 49.7),
    "PAD": Spread(6267, 99.8, 100.0, 100.0, 100.0, 99.8),
    "STIA": Spread(6263, 96.1, 86.1, 100.0, 100.0, 60.1),
}


@dataclass(frozen=True)
class IndicatorFigure:
    """National counts and rates of one indicator (rates in %, None without a denominator)."""

    indicator_code: str
    group_code: str
    max_points: float  # per practice
    numerator: int
    denominator: int
    pca_count: int
    points: float  # summed over practices
    available_points: float  # summed over practices

    @property
    def achievement(self) -> float | None:
        return 100.0 * self.numerator / self.denominator if self.denominator else None

    @property
    def pca_rate(self) -> float | None:
        eligible = self.denominator + self.pca_count
        return 100.0 * self.pca_count / eligible if eligible else None

    @property
    def points_share(self) -> float | None:
        return 100.0 * self.points / self.available_points if self.available_points else None


@dataclass(frozen=True)
class Calibration:
    """Everything the comparison shows for one warehouse."""

    indicators: list[IndicatorFigure]
    practice_points: Spread
    group_points: dict[str, Spread]


INDICATOR_QUERY = """
select
    indicator_code,
    min(group_code),
    max(max_points),
    coalesce(sum(numerator), 0),
    coalesce(sum(denominator), 0),
    coalesce(sum(pca_count), 0),
    coalesce(sum(points), 0),
    coalesce(sum(max_points), 0)
from fct_practice_indicator_achievement
group by indicator_code
"""

PRACTICE_POINTS_QUERY = """
select 100.0 * achieved_points / max_points
from fct_practice_income_totals
where max_points > 0
"""

GROUP_POINTS_QUERY = """
select group_code, 100.0 * sum(points) / sum(max_points)
from fct_practice_indicator_achievement
group by group_code, practice_code
having sum(max_points) > 0
"""


def spread(values: Sequence[float]) -> Spread:
    """Mean, percentiles (linear interpolation) and share at full points of practice values."""
    array = np.asarray(values, dtype=np.float64)
    if len(array) == 0:
        return Spread(0, float("nan"), float("nan"), float("nan"), float("nan"), float("nan"))
    p10, p50, p90 = (float(x) for x in np.percentile(array, PERCENTILES))
    at_full = 100.0 * float(np.mean(array >= FULL_POINTS))
    return Spread(len(array), float(array.mean()), p10, p50, p90, at_full)


def collect(duckdb_path: Path) -> Calibration:
    """Read the two marts of a built warehouse and compute the national figures."""
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        indicators = [
            IndicatorFigure(
                str(code),
                str(group),
                float(max_points),
                int(num),
                int(den),
                int(pca),
                float(pts),
                float(available),
            )
            for code, group, max_points, num, den, pca, pts, available in connection.execute(
                INDICATOR_QUERY
            ).fetchall()
        ]
        practice_values = [float(row[0]) for row in connection.execute(PRACTICE_POINTS_QUERY).fetchall()]
        by_group: dict[str, list[float]] = {}
        for group, value in connection.execute(GROUP_POINTS_QUERY).fetchall():
            by_group.setdefault(str(group), []).append(float(value))
    indicators.sort(key=lambda f: (-f.max_points, f.indicator_code))
    return Calibration(
        indicators=indicators,
        practice_points=spread(practice_values),
        group_points={group: spread(values) for group, values in sorted(by_group.items())},
    )


def _pct(value: float | None) -> str:
    return "—" if value is None or np.isnan(value) else f"{value:.1f}"


def _spread_cells(s: Spread) -> list[str]:
    return [_pct(s.mean), _pct(s.p10), _pct(s.p50), _pct(s.p90), _pct(s.at_full_points)]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render(calibration: Calibration) -> str:
    """The comparison as Markdown (three tables)."""
    lines = [
        f"Figures of the warehouse (ours) beside the published England figures for {PUBLISHED_YEAR}"
        " (published). Percentages; — where there is nothing to show.",
        "",
        "**Points per practice** (% of available points; ours over "
        f"{calibration.practice_points.practices} practices). No published total was found"
        " (docs/calibration.md, 'Not found').",
        "",
    ]
    lines += _table(
        ["", "mean", "p10", "p50", "p90", "% on full points"],
        [["ours", *_spread_cells(calibration.practice_points)]],
    )
    lines += ["", "**Points per practice by indicator group** (% of the group's available points).", ""]
    group_rows = []
    for group, ours in calibration.group_points.items():
        published = PUBLISHED_GROUP_POINTS.get(group)
        cells = _spread_cells(published) if published else ["—"] * 5
        group_rows.append([group, *_spread_cells(ours), *cells])
    lines += _table(
        [
            "group",
            "mean",
            "p10",
            "p50",
            "p90",
            "% full",
            "published mean",
            "published p10",
            "published p50",
            "published p90",
            "published % full",
        ],
        group_rows,
    )
    lines += [
        "",
        "**National achievement and PCA rate by indicator** (sum of numerators / sum of denominators;"
        " PCAs / (denominator + PCAs)), biggest indicators first. No published national figure by"
        " indicator was found (docs/calibration.md, 'Not found').",
        "",
    ]
    indicator_rows = [
        [
            f.indicator_code,
            f.group_code,
            f"{f.max_points:g}",
            str(f.numerator),
            str(f.denominator),
            str(f.pca_count),
            _pct(f.achievement),
            _pct(f.pca_rate),
            _pct(f.points_share),
            "—",
            "—",
        ]
        for f in calibration.indicators
    ]
    lines += _table(
        [
            "indicator",
            "group",
            "points",
            "numerator",
            "denominator",
            "PCAs",
            "achievement",
            "PCA rate",
            "% of points",
            "published achievement",
            "published PCA rate",
        ],
        indicator_rows,
    )
    return "\n".join(lines) + "\n"


def write_into(doc: Path, table: str) -> None:
    """Replace the text between the marker lines of `doc` (appended, with markers, if absent)."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    block = f"{TABLE_START}\n{table}{TABLE_END}"
    if TABLE_START in text and TABLE_END in text:
        head, rest = text.split(TABLE_START, 1)
        tail = rest.split(TABLE_END, 1)[1]
        text = head + block + tail
    else:
        text = (text.rstrip("\n") + "\n\n" if text else "") + block + "\n"
    doc.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m qof_warehouse.calibration",
        description="Print a warehouse's national QOF figures beside the published England figures "
        "and write the comparison into docs/calibration.md.",
    )
    parser.add_argument("--duckdb", required=True, help="a built warehouse")
    parser.add_argument("--doc", default=str(DEFAULT_DOC), help="the Markdown file to write into")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    table = render(collect(Path(args.duckdb)))
    print(table, end="")
    if not args.no_write:
        write_into(Path(args.doc), table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
