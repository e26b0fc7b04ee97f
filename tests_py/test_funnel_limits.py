"""Funnel-plot limits and outlier flags of the network marts, checked against an independent
exact-rational binomial computation (Spiegelhalter 2005, appendix A.1.1).

The warehouse is built on the hand extract; the limits macro is also compiled with dbt and run
over a grid of comparison rates and denominators far larger than the hand extract's.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import duckdb
import pytest

from qof_warehouse.dbt_runner import BuildSettings, run_dbt

COVERAGES = {"95": 0.95, "998": 0.998}
TOLERANCE = 1e-9


class BinomialCdf:
    """Exact P(R <= k), k = 0..trials, for R ~ Binomial(trials, rate), the rate taken exactly.

    With rate = a / b, P(R = k) = C(n, k) a^k (b - a)^(n - k) / b^n: the cumulative sums are
    kept as integers over the common denominator b^n.
    """

    def __init__(self, trials: int, rate: float) -> None:
        p = Fraction(rate)
        a, b = p.numerator, p.denominator
        failures = [1] * (trials + 1)
        for k in range(trials - 1, -1, -1):
            failures[k] = failures[k + 1] * (b - a)
        self.total = b**trials
        self.cumulative: list[int] = []
        running, successes = 0, 1
        for k in range(trials + 1):
            running += math.comb(trials, k) * successes * failures[k]
            self.cumulative.append(running)
            successes *= a

    def at(self, k: int) -> Fraction:
        return Fraction(self.cumulative[k], self.total) if k >= 0 else Fraction(0)

    def reaches(self, k: int, tail: Fraction) -> bool:
        return self.cumulative[k] * tail.denominator >= tail.numerator * self.total


def quantile_count(cdf: BinomialCdf, tail: Fraction) -> int:
    """The smallest r with P(R <= r) >= tail."""
    return next(r for r in range(len(cdf.cumulative)) if cdf.reaches(r, tail))


def interpolated_limit(cdf: BinomialCdf, trials: int, tail: Fraction) -> float:
    """(r - a) / n with a = (F(r) - tail) / (F(r) - F(r - 1)), clipped to [0, 1]."""
    r = quantile_count(cdf, tail)
    alpha = (cdf.at(r) - tail) / (cdf.at(r) - cdf.at(r - 1))
    return float(min(Fraction(1), max(Fraction(0), (r - alpha) / trials)))


def tails(coverage: float) -> tuple[Fraction, Fraction]:
    """Lower and upper tail probabilities, computed as the SQL does (in floating point)."""
    return Fraction((1 - coverage) / 2), Fraction((1 + coverage) / 2)


def expected_limits(rate: float, trials: int) -> dict[str, float | int]:
    """Every limit and quantile count the macro returns, for one (rate, trials) pair."""
    if rate <= 0 or rate >= 1:
        count = round(rate * trials)
        return {
            **{f"{side}_limit_{name}": rate for side in ("lower", "upper") for name in COVERAGES},
            **{f"{side}_count_{name}": count for side in ("lower", "upper") for name in COVERAGES},
        }
    cdf = BinomialCdf(trials, rate)
    result: dict[str, float | int] = {}
    for name, coverage in COVERAGES.items():
        lower, upper = tails(coverage)
        # limits never cross the target rate (tiny denominators can interpolate past it)
        result[f"lower_limit_{name}"] = min(rate, interpolated_limit(cdf, trials, lower))
        result[f"upper_limit_{name}"] = max(rate, interpolated_limit(cdf, trials, upper))
        result[f"lower_count_{name}"] = quantile_count(cdf, lower)
        result[f"upper_count_{name}"] = quantile_count(cdf, upper)
    return result


def expected_flag(rate: float, trials: int, count: int, coverage: float) -> str:
    """Exact binomial test: high if P(R >= count) <= tail, low if P(R <= count) < tail."""
    if rate <= 0 or rate >= 1:
        centre = round(rate * trials)
        return "high" if count > centre else "low" if count < centre else "within"
    cdf = BinomialCdf(trials, rate)
    lower, upper = tails(coverage)
    if 1 - cdf.at(count - 1) <= 1 - upper:
        return "high"
    if cdf.at(count) < lower:
        return "low"
    return "within"


def test_reference_values_hand_worked() -> None:
    # Binomial(4, 1/2): F = 1/16, 5/16, 11/16, 15/16, 1. Upper 95 %: r = 4,
    # a = (1 - 0.975) / (1/16) = 0.4, limit (4 - 0.4) / 4 = 0.9; lower 95 %: r = 0, negative -> 0.
    limits = expected_limits(0.5, 4)
    assert limits["upper_limit_95"] == pytest.approx(0.9, abs=1e-12)
    assert limits["upper_limit_998"] == pytest.approx(0.996, abs=1e-12)
    assert limits["lower_limit_95"] == 0.0
    assert expected_flag(0.5, 4, 4, 0.998) == "within"  # P(R = 4) = 1/16 is not unusual
    assert expected_flag(0.5, 10, 10, 0.998) == "high"  # P(R = 10) = 1/1024 < 0.1 %


@pytest.fixture(scope="module")
def hand_warehouse(hand_build: BuildSettings) -> BuildSettings:
    return hand_build


# The indicators whose every patient the hand extract was written for (tests_py/hand_extract.py).
HAND_WORKED_INDICATORS = frozenset({"DM017", "DM020", "DM021", "DM033", "HYP001", "HYP008", "HYP009"})


def fetch(settings: BuildSettings, query: str) -> list[dict[str, object]]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as connection:
        cursor = connection.execute(query)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def assert_row_matches(row: dict[str, object], rate: float, trials: int, count: int) -> None:
    expected = expected_limits(rate, trials)
    for column in ("lower_limit_95", "upper_limit_95", "lower_limit_998", "upper_limit_998"):
        assert row[column] == pytest.approx(expected[column], abs=TOLERANCE), (row, column)
    assert row["outlier_95"] == expected_flag(rate, trials, count, COVERAGES["95"]), row
    assert row["outlier_998"] == expected_flag(rate, trials, count, COVERAGES["998"]), row


def test_practice_funnel_rows_match_independent_limits(hand_warehouse: BuildSettings) -> None:
    rows = fetch(hand_warehouse, "select * from fct_practice_indicator_funnel")
    hand_worked = [row for row in rows if row["indicator_code"] in HAND_WORKED_INDICATORS]
    assert len(hand_worked) == 24  # 6 practice-indicator-measures with a denominator, x PCN and ICB
    for row in rows:
        assert_row_matches(row, row["comparison_value"], row["measure_denominator"], row["measure_numerator"])


def test_pcn_funnel_rows_match_independent_limits(hand_warehouse: BuildSettings) -> None:
    rows = fetch(hand_warehouse, "select * from fct_pcn_indicator_funnel")
    assert rows
    for row in rows:
        assert_row_matches(row, row["icb_value"], row["measure_denominator"], row["measure_numerator"])


def test_hand_extract_pca_outlier(hand_warehouse: BuildSettings) -> None:
    # HYP008 in PCN U00001: A00001 has 1 PCA of 3 eligible, A00002 1 of 1; PCN rate 2/4.
    # A00002 (1 of 1 at 0.5) is not unusual: P(R = 1) = 0.5. Both share the PCN's rate.
    rows = fetch(
        hand_warehouse,
        """
        select practice_code, practice_value, comparison_value, rank_in_comparison, outlier_998
        from fct_practice_indicator_funnel
        where indicator_code = 'HYP008' and measure = 'pca_rate' and comparison_code = 'U00001'
        order by practice_code
        """,
    )
    assert [(r["practice_code"], r["rank_in_comparison"], r["outlier_998"]) for r in rows] == [
        ("A00001", 2, "within"),
        ("A00002", 1, "within"),
    ]
    assert rows[0]["comparison_value"] == 0.5


GRID_RATES = [0.0, 0.003, 0.05, 0.5, 0.731, 0.9, 0.995, 1.0]
GRID_TRIALS = [1, 2, 7, 30, 250, 1200]


def compiled_limits_query() -> str:
    pairs = ", ".join(f"({rate}, {trials})" for rate in GRID_RATES for trials in GRID_TRIALS)
    return (
        f"with limit_inputs as (select * from (values {pairs}) as grid (target_rate, trials)), "
        "funnel_limits as ({{ binomial_control_limits('limit_inputs') }}) "
        "select * from funnel_limits"
    )


def test_limits_macro_on_a_grid(hand_warehouse: BuildSettings) -> None:
    result = run_dbt(
        ["compile", "--inline", compiled_limits_query(), "--output", "json", "--log-format", "json"],
        hand_warehouse,
        capture=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    compiled = next(
        json.loads(line)["data"]["compiled"]
        for line in result.stdout.splitlines()
        if line.startswith("{") and "compiled" in json.loads(line).get("data", {})
    )
    rows = fetch(hand_warehouse, compiled)
    assert len(rows) == len(GRID_RATES) * len(GRID_TRIALS)
    for row in rows:
        expected = expected_limits(row["target_rate"], row["trials"])
        for column, value in expected.items():
            assert row[column] == pytest.approx(value, abs=TOLERANCE), (
                row["target_rate"],
                row["trials"],
                column,
            )
