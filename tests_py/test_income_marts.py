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

from qof_warehouse.dbt_runner import PROJECT_ROOT, BuildSettings
from qof_warehouse.summary import collect_summary, format_summary

SEEDS = PROJECT_ROOT / "seeds" / "reference"


def national_prevalence(register: str) -> Fraction:
    with (SEEDS / "qof_national_prevalence.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["qof_year"], row["register_code"], row["prevalence_basis"])
            if key == ("2023-24", register, "whole_list"):
                return Fraction(row["national_prevalence"])
    raise KeyError(register)


def seed_rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def provisional_figures_2023_24() -> tuple[set[str], set[str]]:
    """From the seeds alone: the 2023-24 indicators with provisional thresholds, and the
    provisional prevalence figures the 2023-24 income rests on (registers with a
    carried-forward national prevalence divided by a prevalence-adjusted indicator, and the
    indicators whose prevalence basis is unsettled)."""
    indicators = [row for row in seed_rows("qof_indicators.csv") if row["qof_year"] == "2023-24"]
    thresholds = {row["indicator_code"] for row in indicators if row["is_provisional_threshold"] == "true"}
    provisional_registers = {
        row["register_code"]
        for row in seed_rows("qof_national_prevalence.csv")
        if row["qof_year"] == "2023-24"
        and row["prevalence_basis"] == "whole_list"
        and row["is_provisional"] == "true"
    }
    combined = {row["indicator_code"] for row in seed_rows("qof_combined_prevalence_registers.csv")}
    prevalence = {
        row["register_code"]
        for row in indicators
        if row["is_prevalence_adjusted"] == "true" and row["register_code"] in provisional_registers
    } | {row["indicator_code"] for row in indicators if row["indicator_code"] in combined}
    return thresholds, prevalence


@pytest.fixture(scope="module")
def warehouse(hand_build: BuildSettings) -> Path:
    return hand_build.duckdb_path


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


def test_provisional_flags_reach_every_income_row(warehouse: Path) -> None:
    thresholds, prevalence = provisional_figures_2023_24()
    assert thresholds and prevalence
    rows = fetch(
        warehouse,
        "select indicator_code, coalesce(register_code, indicator_code), "
        "is_provisional_threshold, is_provisional_prevalence from fct_practice_income",
    )
    assert {indicator for indicator, _, flagged, _ in rows if flagged} == thresholds
    assert {figure for _, figure, _, flagged in rows if flagged} == prevalence
    # SMOK002 is not prevalence-adjusted by default, but its reading is unsettled; BP002 is settled.
    flags = {indicator: (threshold, prevalent) for indicator, _, threshold, prevalent in rows}
    assert flags["SMOK002"] == (False, True)
    assert flags["BP002"] == (False, False)


def test_provisional_income_reaches_the_totals_and_the_summary(warehouse: Path) -> None:
    thresholds, prevalence = provisional_figures_2023_24()
    flagged = dict(
        fetch(
            warehouse,
            "select practice_code, sum(income_gbp) filter "
            "(where is_provisional_threshold or is_provisional_prevalence) "
            "from fct_practice_income group by practice_code",
        )
    )
    totals = fetch(
        warehouse,
        "select practice_code, provisional_income_gbp, provisional_threshold_count, "
        "provisional_prevalence_count from fct_practice_income_totals",
    )
    assert {practice for practice, *_ in totals} == {"A00001", "A00002", "A00003"}
    for practice, pounds, threshold_count, prevalence_count in totals:
        assert pounds == pytest.approx(flagged[practice], rel=1e-12)
        assert (threshold_count, prevalence_count) == (len(thresholds), len(prevalence))
    practice_pounds = {practice: pounds for practice, pounds, *_ in totals}
    pcn = dict(fetch(warehouse, "select pcn_code, provisional_income_gbp from fct_pcn_income_totals"))
    icb = dict(fetch(warehouse, "select icb_code, provisional_income_gbp from fct_icb_income_totals"))
    assert pcn["U00001"] == pytest.approx(practice_pounds["A00001"] + practice_pounds["A00002"], rel=1e-12)
    assert icb["QBB"] == pytest.approx(practice_pounds["A00003"], rel=1e-12)
    assert 0 < sum(practice_pounds.values())

    figures, registers = collect_summary(warehouse)
    text = format_summary(figures, registers)
    expected = (
        f"£{sum(practice_pounds.values()):,.2f} of £{float(figures['income_gbp']):,.2f} rests on "
        f"{len(thresholds)} provisional thresholds / {len(prevalence)} provisional prevalence figures"
    )
    assert expected in text.splitlines()
