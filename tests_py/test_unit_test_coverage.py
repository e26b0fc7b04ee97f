"""Every indicator cascade has unit tests that can catch a wrong rule.

For each `indicator__<code>` macro (macros/indicators/) whose indicator is in the
qof_indicators seed for some QOF year, the dbt unit tests of `int_indicator_cascades` that
compile it (their `overrides.vars.qof_indicators_only` lists it) must together expect

- a `numerator` row (a patient who meets the indicator),
- a `pca` row (a personalised care adjustment), and
- an `excluded` row or a boundary case: an expected `denominator` row, i.e. a patient who is in
  the denominator because they just miss a window or a threshold (a patient who falls through
  every rule).

An expected row counts for the indicator named in its `indicator_code`; a row without one
counts for every indicator the test compiles.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MACRO_DIR = PROJECT_ROOT / "macros" / "indicators"
MODEL_DIR = PROJECT_ROOT / "models"
INDICATORS_SEED = PROJECT_ROOT / "seeds" / "reference" / "qof_indicators.csv"

CASCADE_MODEL = "int_indicator_cascades"
MACRO_PATTERN = re.compile(r"\{%-?\s*macro\s+indicator__([a-z0-9_]+)\s*\(")

# What each indicator's unit tests must expect between them: a requirement is met by an
# expected row whose cascade_outcome is any of the listed outcomes.
REQUIREMENTS: dict[str, frozenset[str]] = {
    "numerator row": frozenset({"numerator"}),
    "pca row": frozenset({"pca"}),
    "excluded row or boundary (denominator) row": frozenset({"excluded", "denominator"}),
}


def indicators_with_macros() -> set[str]:
    codes = set()
    for path in MACRO_DIR.glob("*.sql"):
        codes |= {name.upper() for name in MACRO_PATTERN.findall(path.read_text(encoding="utf-8"))}
    return codes


def indicators_in_seed() -> set[str]:
    with INDICATORS_SEED.open(newline="", encoding="utf-8") as handle:
        return {row["indicator_code"] for row in csv.DictReader(handle)}


def cascade_unit_tests() -> list[tuple[Path, dict[str, object]]]:
    """Every unit test of the cascade model in any models/**/*.yml file."""
    tests = []
    for path in sorted(MODEL_DIR.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for test in document.get("unit_tests") or []:
            if test.get("model") == CASCADE_MODEL:
                tests.append((path, test))
    return tests


def expected_outcomes(tests: list[tuple[Path, dict[str, object]]]) -> dict[str, set[str]]:
    """Indicator code -> the cascade outcomes its unit tests expect."""
    outcomes: dict[str, set[str]] = defaultdict(set)
    for path, test in tests:
        overrides = test.get("overrides") or {}
        only = (overrides.get("vars") or {}).get("qof_indicators_only") or []
        compiled = {str(code).upper() for code in only}
        expect = test.get("expect") or {}
        rows = expect.get("rows")
        assert isinstance(rows, list), f"{path.name} {test.get('name')}: expect rows must be a YAML list"
        for row in rows:
            outcome = row.get("cascade_outcome")
            if outcome is None:
                continue
            code = row.get("indicator_code")
            for indicator in [str(code).upper()] if code else compiled:
                if indicator in compiled:
                    outcomes[indicator].add(str(outcome))
    return outcomes


def shortfalls(outcomes: dict[str, set[str]], indicators: set[str]) -> dict[str, list[str]]:
    """Indicator code -> the requirements its unit tests do not meet, for those short of any."""
    short = {}
    for indicator in sorted(indicators):
        missing = [
            requirement
            for requirement, accepted in REQUIREMENTS.items()
            if not accepted & outcomes.get(indicator, set())
        ]
        if missing:
            short[indicator] = missing
    return short


def test_the_checker_finds_indicators_and_unit_tests() -> None:
    # Guards against a checker that passes because it parsed nothing.
    assert len(indicators_with_macros() & indicators_in_seed()) >= 40
    assert len(cascade_unit_tests()) >= 30
    assert {"numerator", "pca", "excluded", "denominator"} <= set().union(
        *expected_outcomes(cascade_unit_tests()).values()
    )


def test_the_checker_names_what_each_indicator_lacks() -> None:
    def unit_test(only: list[str], rows: list[dict[str, str]]) -> tuple[Path, dict[str, object]]:
        test = {"overrides": {"vars": {"qof_indicators_only": only}}, "expect": {"rows": rows}}
        return Path("example.yml"), test

    tests = [
        unit_test(["AAA001", "BBB001"], [{"indicator_code": "AAA001", "cascade_outcome": "numerator"}]),
        unit_test(["AAA001"], [{"cascade_outcome": "pca"}, {"cascade_outcome": "denominator"}]),
        # a row for an indicator the test does not compile counts for nothing
        unit_test(["CCC001"], [{"indicator_code": "BBB001", "cascade_outcome": "pca"}]),
        unit_test(["CCC001"], [{"indicator_code": "CCC001", "cascade_outcome": "excluded"}]),
    ]
    outcomes = expected_outcomes(tests)
    assert shortfalls(outcomes, {"AAA001", "BBB001", "CCC001", "DDD001"}) == {
        "BBB001": ["numerator row", "pca row", "excluded row or boundary (denominator) row"],
        "CCC001": ["numerator row", "pca row"],
        "DDD001": ["numerator row", "pca row", "excluded row or boundary (denominator) row"],
    }


def test_every_indicator_cascade_has_numerator_pca_and_exclusion_or_boundary_cases() -> None:
    short = shortfalls(
        expected_outcomes(cascade_unit_tests()), indicators_with_macros() & indicators_in_seed()
    )
    message = "\n".join(f"{indicator}: no {'; no '.join(missing)}" for indicator, missing in short.items())
    assert not short, (
        "These indicators lack unit tests of int_indicator_cascades "
        f"(overrides.vars.qof_indicators_only) that expect:\n{message}"
    )
