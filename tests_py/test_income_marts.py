"""Income, income at stake and their network totals on the hand extract, checked against
values worked out by hand from qof_rules.md 1.1 and 2 with the published 2023-24 parameters
(213.43 pounds a point, national average list 9,639, national prevalence from the seed), and
patients-needed checked by brute force in exact arithmetic.
"""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest
from hand_extract import write_hand_extract

from qof_warehouse.dbt_runner import PROJECT_ROOT, BuildSettings, run_dbt

SEEDS = PROJECT_ROOT / "seeds" / "reference"


def national_prevalence(register: str) -> Fraction:
    with (SEEDS / "qof_national_prevalence.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["qof_year"], row["register_code"], row["prevalence_basis"])
            if key == ("2023-24", register, "whole_list"):
                return Fraction(row["national_prevalence"])
    raise KeyError(register)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("income")
    settings = BuildSettings(extract_dir=write_hand_extract(root / "extract"), duckdb_path=root / "wh.duckdb")
    result = run_dbt(["build", "--exclude", "resource_type:unit_test"], settings, capture=True)
    assert result.returncode == 0, result.stdout[-4000:]
    return settings.duckdb_path


def fetch(warehouse: Path, query: str, parameters: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(query, parameters or []).fetchall()


def test_cpi_and_apdf_of_a_hand_worked_practice(warehouse: Path) -> None:
    # A00001 has 13 GMS patients on 1 January 2024 (p11 moved and p13/p14 left later): CPI 13 / 9,639.
    # On 31 March 2024 it lists 11 patients, 5 on the DM register: APDF = (5/11) / national DM prevalence.
    # DM021 earns its 10 points: 10 x 213.43 x CPI x APDF.
    cpi = Fraction(13, 9639)
    apdf = Fraction(5, 11) / national_prevalence("DM")
    expected = 10 * Fraction("213.43") * cpi * apdf
    row = fetch(
        warehouse,
        "select cpi, apdf, income_gbp from fct_practice_income "
        "where practice_code = 'A00001' and indicator_code = ?",
        ["DM021"],
    )[0]
    assert row[0] == pytest.approx(float(cpi), rel=1e-12)
    assert row[1] == pytest.approx(float(apdf), rel=1e-12)
    assert row[2] == pytest.approx(float(expected), rel=1e-12)


def test_indicators_without_prevalence_adjustment_have_apdf_one(warehouse: Path) -> None:
    rows = fetch(warehouse, "select distinct apdf from fct_practice_income where not is_prevalence_adjusted")
    assert rows == [(1.0,)]


def test_practice_total_is_the_sum_of_its_indicators(warehouse: Path) -> None:
    totals = dict(fetch(warehouse, "select practice_code, income_gbp from fct_practice_income_totals"))
    sums = dict(fetch(warehouse, "select practice_code, sum(income_gbp) from fct_practice_income group by 1"))
    assert totals.keys() == sums.keys() == {"A00001", "A00002", "A00003"}
    for practice, total in totals.items():
        assert total == pytest.approx(sums[practice], rel=1e-12)


def test_pcn_and_icb_totals_are_the_sums_of_their_practices(warehouse: Path) -> None:
    practice = dict(fetch(warehouse, "select practice_code, income_gbp from fct_practice_income_totals"))
    pcn = dict(fetch(warehouse, "select pcn_code, income_gbp from fct_pcn_income_totals"))
    icb = dict(fetch(warehouse, "select icb_code, income_gbp from fct_icb_income_totals"))
    # U00001 / QAA = A00001 + A00002; U00002 / QBB = A00003.
    assert pcn["U00001"] == pytest.approx(practice["A00001"] + practice["A00002"], rel=1e-12)
    assert pcn["U00002"] == pytest.approx(practice["A00003"], rel=1e-12)
    assert icb["QAA"] == pytest.approx(pcn["U00001"], rel=1e-12)
    assert icb["QBB"] == pytest.approx(pcn["U00002"], rel=1e-12)


def test_no_aspiration_figures_without_a_previous_year_result(warehouse: Path) -> None:
    rows = fetch(
        warehouse, "select count(*) from fct_practice_income_totals where aspiration_gbp is not null"
    )
    assert rows == [(0,)]


def exact_points(
    numerator: int, denominator: int, lower: Fraction, upper: Fraction, maximum: int
) -> Fraction:
    achievement = Fraction(100 * numerator, denominator)
    if achievement < lower:
        return Fraction(0)
    if achievement >= upper:
        return Fraction(maximum)
    return maximum * (achievement - lower) / (upper - lower)


def test_patients_needed_by_brute_force(warehouse: Path) -> None:
    rows = fetch(
        warehouse,
        """
        select
            opportunities.practice_code, opportunities.indicator_code, opportunities.numerator,
            opportunities.denominator, cast(registry.lower_threshold as varchar),
            cast(registry.upper_threshold as varchar), registry.points,
            opportunities.patients_to_next_point, opportunities.patients_to_upper_threshold
        from fct_practice_income_opportunities as opportunities
        inner join qof_indicators as registry
            on opportunities.indicator_code = registry.indicator_code and registry.qof_year = '2023-24'
        where opportunities.opportunity_status in ('reachable', 'income_protected')
        """,
    )
    hand_worked = [row for row in rows if row[1] in ("DM020", "DM021", "DM033", "HYP008", "HYP009")]
    assert len(hand_worked) == 3  # A00001 DM020 and DM033, A00003 HYP008
    for _, _, numerator, denominator, lower, upper, maximum, to_next, to_upper in rows:
        low, high = Fraction(lower), Fraction(upper)
        now = exact_points(numerator, denominator, low, high, maximum)
        target = int(now) + 1
        extra = next(
            k
            for k in range(denominator + 1)
            if exact_points(numerator + k, denominator, low, high, maximum) >= target
        )
        assert to_next == extra
        full = next(
            k
            for k in range(denominator + 1)
            if exact_points(numerator + k, denominator, low, high, maximum) == maximum
        )
        assert to_upper == full


def test_hand_worked_opportunities(warehouse: Path) -> None:
    # A00003 HYP008: 1 of 3 (33 %) with thresholds 40-77 % and 14 points: the first point needs
    # ceil(3 x (40 x 14 + 37) / 1400) = 2 in the numerator (1 more patient, 66.7 % = 10.09 points);
    # the upper threshold ceil(3 x 77 / 100) = 3 (2 more).
    row = fetch(
        warehouse,
        """
        select patients_to_next_point, points_gained_at_next_point, patients_to_upper_threshold,
            points_gained_at_upper_threshold, gbp_at_upper_threshold, pounds_per_point_adjusted
        from fct_practice_income_opportunities
        where practice_code = 'A00003' and indicator_code = 'HYP008'
        """,
    )[0]
    expected_points = 14 * (Fraction(200, 3) - 40) / 37
    assert row[:4] == (1, pytest.approx(float(expected_points), rel=1e-12), 2, 14.0)
    assert row[4] == pytest.approx(14 * row[5], rel=1e-12)


def test_top_opportunities_are_ranked_by_pounds(warehouse: Path) -> None:
    rows = fetch(
        warehouse,
        """
        select opportunity_rank_in_practice, gbp_at_upper_threshold
        from fct_practice_income_opportunities
        where practice_code = 'A00001' and opportunity_rank_in_practice <= 10
        order by opportunity_rank_in_practice
        """,
    )
    assert [rank for rank, _ in rows] == list(range(1, 11))
    values = [value for _, value in rows]
    assert values == sorted(values, reverse=True)
    assert values[0] > 0
