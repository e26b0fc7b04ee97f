"""Checks on the reference seeds in seeds/reference/ (indicator registry, payment parameters,
national prevalence, PCA reasons and registers)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ALLOW_MISSING_SHARED, find_shared_path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT_ROOT / "seeds" / "reference"
# Under ../shared; the test fails when it is missing unless QOF_ALLOW_MISSING_SHARED=1 is set.
OFFICIAL_CONTROL = "data/public/qof_2324_nhsdigital_metadata/INDICATOR_REFERENCE_CONTROL.csv"

Row = dict[str, str]

INDICATOR_COLUMNS = [
    "qof_year",
    "indicator_code",
    "indicator_description",
    "group_code",
    "group_description",
    "higher_group_code",
    "domain_code",
    "register_code",
    "is_register_indicator",
    "is_automatic",
    "points",
    "lower_threshold",
    "upper_threshold",
    "threshold_confidence",
    "threshold_source",
    "is_provisional_threshold",
    "is_prevalence_adjusted",
    "is_income_protected",
    "population_age_rule",
    "sub_population_rule",
    "pca_window_family",
]
EXPECTED_COLUMNS = {
    "qof_indicators.csv": INDICATOR_COLUMNS,
    "qof_payment_parameters.csv": [
        "qof_year",
        "pounds_per_point",
        "national_average_list_size",
        "list_size_date",
        "aspiration_rate",
        "total_points",
        "parameter_source",
        "is_provisional",
    ],
    "qof_national_prevalence.csv": [
        "qof_year",
        "register_code",
        "national_register",
        "national_list_size",
        "national_prevalence",
        "prevalence_basis",
        "prevalence_source",
        "is_provisional",
    ],
    "qof_pca_reasons.csv": [
        "reason_code",
        "reason_type",
        "reason_family",
        "window_months",
        "description",
    ],
    "qof_registers.csv": [
        "register_code",
        "register_name",
        "group_code",
        "register_indicator_code",
        "min_age",
        "max_age",
        "prevalence_list_type",
        "description",
    ],
}
BOOLEAN_COLUMNS = {
    "qof_indicators.csv": [
        "is_register_indicator",
        "is_automatic",
        "is_provisional_threshold",
        "is_prevalence_adjusted",
        "is_income_protected",
    ],
    "qof_payment_parameters.csv": ["is_provisional"],
    "qof_national_prevalence.csv": ["is_provisional"],
}

EXPECTED_POINTS = {"2023-24": 635, "2024-25": 635, "2025-26": 564}
EXPECTED_COUNTS = {"2023-24": 76, "2024-25": 76, "2025-26": 44}
PENCE_PER_PATIENT_PER_POINT = 0.022142
CONSTANT_RATIO_YEARS = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
REGISTER_CODES = {
    "AF", "AST", "CAN", "CHD", "CKD", "COPD", "DEM", "DEP", "DM", "EP", "HF", "HYP", "LD",
    "MH", "NDH", "OB", "OST", "PAD", "PC", "RA", "STIA",
}  # fmt: skip


def read_seed(name: str) -> list[Row]:
    with (SEEDS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_header(name: str) -> list[str]:
    with (SEEDS / name).open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def is_true(value: str) -> bool:
    return value == "true"


def is_threshold_indicator(row: Row) -> bool:
    return is_true(row["is_automatic"]) and not is_true(row["is_register_indicator"])


@pytest.fixture(scope="module")
def indicators() -> list[Row]:
    return read_seed("qof_indicators.csv")


@pytest.fixture(scope="module")
def payment_parameters() -> list[Row]:
    return read_seed("qof_payment_parameters.csv")


@pytest.fixture(scope="module")
def pca_reasons() -> list[Row]:
    return read_seed("qof_pca_reasons.csv")


@pytest.fixture(scope="module")
def registers() -> list[Row]:
    return read_seed("qof_registers.csv")


@pytest.fixture(scope="module")
def national_prevalence() -> list[Row]:
    return read_seed("qof_national_prevalence.csv")


@pytest.mark.parametrize("seed_name", sorted(EXPECTED_COLUMNS))
def test_seed_columns_in_order(seed_name: str) -> None:
    assert read_header(seed_name) == EXPECTED_COLUMNS[seed_name]


@pytest.mark.parametrize("seed_name", sorted(BOOLEAN_COLUMNS))
def test_booleans_are_lowercase_true_false(seed_name: str) -> None:
    for row in read_seed(seed_name):
        for column in BOOLEAN_COLUMNS[seed_name]:
            assert row[column] in {"true", "false"}, (seed_name, column, row)


def test_points_per_year(indicators: list[Row]) -> None:
    totals: dict[str, int] = defaultdict(int)
    for row in indicators:
        totals[row["qof_year"]] += int(row["points"])
    assert dict(totals) == EXPECTED_POINTS


def test_indicator_count_per_year(indicators: list[Row]) -> None:
    counts = Counter(row["qof_year"] for row in indicators)
    assert dict(counts) == EXPECTED_COUNTS


def test_indicator_key_is_unique(indicators: list[Row]) -> None:
    keys = Counter((row["qof_year"], row["indicator_code"]) for row in indicators)
    assert [key for key, n in keys.items() if n > 1] == []


def test_total_points_match_payment_parameters(indicators: list[Row], payment_parameters: list[Row]) -> None:
    by_year = {row["qof_year"]: row for row in payment_parameters}
    for year, points in EXPECTED_POINTS.items():
        assert int(by_year[year]["total_points"]) == points


def test_threshold_indicators_have_valid_thresholds(indicators: list[Row]) -> None:
    for row in indicators:
        if not is_threshold_indicator(row):
            continue
        lower = float(row["lower_threshold"])
        upper = float(row["upper_threshold"])
        assert 0 <= lower < upper <= 100, row["qof_year"] + " " + row["indicator_code"]
        assert row["threshold_confidence"] != "not-applicable", row["indicator_code"]


def test_register_and_manual_indicators_have_no_thresholds(indicators: list[Row]) -> None:
    for row in indicators:
        if is_threshold_indicator(row):
            continue
        assert row["lower_threshold"] == "", row["indicator_code"]
        assert row["upper_threshold"] == "", row["indicator_code"]
        assert row["threshold_confidence"] == "not-applicable", row["indicator_code"]
        assert row["is_provisional_threshold"] == "false", row["indicator_code"]


def test_register_indicator_set(indicators: list[Row], registers: list[Row]) -> None:
    expected = {row["register_indicator_code"] for row in registers} - {""}
    for year in ("2023-24", "2024-25"):
        actual = {
            row["indicator_code"]
            for row in indicators
            if row["qof_year"] == year and is_true(row["is_register_indicator"])
        }
        assert actual == expected
        assert len(actual) == 19
    assert not any(
        is_true(row["is_register_indicator"]) for row in indicators if row["qof_year"] == "2025-26"
    )


def test_provisional_thresholds_are_labelled(indicators: list[Row]) -> None:
    for row in indicators:
        provisional = is_true(row["is_provisional_threshold"])
        weak = row["threshold_confidence"] in {"recalled", "placeholder"}
        assert provisional == weak, row["qof_year"] + " " + row["indicator_code"]


def test_pounds_per_point_over_list_size_is_constant(payment_parameters: list[Row]) -> None:
    by_year = {row["qof_year"]: row for row in payment_parameters}
    for year in CONSTANT_RATIO_YEARS:
        ratio = float(by_year[year]["pounds_per_point"]) / float(by_year[year]["national_average_list_size"])
        assert f"{ratio:.4g}" == f"{PENCE_PER_PATIENT_PER_POINT:.4g}", year


def test_income_protected_points_2024_25(indicators: list[Row]) -> None:
    protected = [
        row for row in indicators if row["qof_year"] == "2024-25" and is_true(row["is_income_protected"])
    ]
    assert len(protected) == 32
    assert sum(int(row["points"]) for row in protected) == 212
    others = [row for row in indicators if row["qof_year"] != "2024-25"]
    assert not any(is_true(row["is_income_protected"]) for row in others)


def test_reason_codes_are_unique(pca_reasons: list[Row]) -> None:
    counts = Counter(row["reason_code"] for row in pca_reasons)
    assert [code for code, n in counts.items() if n > 1] == []


def test_registers(registers: list[Row]) -> None:
    assert {row["register_code"] for row in registers} == REGISTER_CODES
    assert len(registers) == len(REGISTER_CODES)
    min_ages = {row["register_code"]: int(row["min_age"]) for row in registers}
    assert min_ages["DM"] == 17
    assert min_ages["AST"] == 6
    assert min_ages["OST"] == 50
    assert min_ages["RA"] == 16
    assert all(min_ages[code] == 18 for code in ("CKD", "DEP", "EP", "NDH", "OB"))


def test_indicator_registers_exist(indicators: list[Row]) -> None:
    register_codes = {row["register_code"] for row in indicators} - {""}
    assert register_codes <= REGISTER_CODES


def test_national_prevalence(national_prevalence: list[Row]) -> None:
    for row in national_prevalence:
        register = int(row["national_register"])
        list_size = int(row["national_list_size"])
        prevalence = float(row["national_prevalence"])
        assert 0 < prevalence < 1, row
        assert abs(prevalence - register / list_size) < 5e-7, row
    whole_list = {
        (row["qof_year"], row["register_code"])
        for row in national_prevalence
        if row["prevalence_basis"] == "whole_list"
    }
    for year in EXPECTED_POINTS:
        assert {code for y, code in whole_list if y == year} == REGISTER_CODES, year


def test_2023_24_points_match_official_control_file(
    indicators: list[Row], shared_path: Callable[[str], Path]
) -> None:
    with shared_path(OFFICIAL_CONTROL).open(newline="", encoding="cp1252") as handle:
        official = {
            row["INDICATOR_CODE"]: int(row["INDICATOR_POINT_VALUE"]) for row in csv.DictReader(handle)
        }
    ours = {row["indicator_code"]: int(row["points"]) for row in indicators if row["qof_year"] == "2023-24"}
    assert ours == official


def test_a_missing_shared_file_fails_unless_skipping_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = "data/no-such-file.csv"
    monkeypatch.delenv(ALLOW_MISSING_SHARED, raising=False)
    with pytest.raises(pytest.fail.Exception, match="no-such-file.csv is missing"):
        find_shared_path(missing)
    monkeypatch.setenv(ALLOW_MISSING_SHARED, "1")
    with pytest.raises(pytest.skip.Exception, match="no-such-file.csv is missing"):
        find_shared_path(missing)
