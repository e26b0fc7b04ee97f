"""Every clinical target and register age limit, written out by hand from the published rules
and compared exactly with seeds/reference/qof_indicator_targets.csv and qof_registers.csv.

The dbt unit tests supply targets and register ages as fixtures, so a wrong value in a seed
(e.g. CHD015 systolic 150 instead of 140) passes them; this test does not. The values below
are not read from the seeds: each is typed from the source named beside it. A new seed row
fails here until it is pinned below, so every target is checked against its source once.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT_ROOT / "seeds" / "reference"

Y2324, Y2425, Y2526 = "2023-24", "2024-25", "2025-26"
ALL_YEARS = (Y2324, Y2425, Y2526)
UNTIL_2425 = (Y2324, Y2425)

# (indicator, target_name, value, QOF years). Sources: NHS England QOF business rules v48.2
# (2023/24) and v49.0 (2024/25) Diabetes ("BR Diabetes"); the NHS Digital 2023/24 PCA reference
# and indicator wording ("PCA ref"); the published indicator wording for 2024/25 and 2025/26.
PINNED_TARGETS: list[tuple[str, str, str, tuple[str, ...]]] = [
    # BR Diabetes DM020 / DM021 rule 2: latest IFCC-HbA1c <= 58 / <= 75 mmol/mol.
    ("DM020", "hba1c_max_mmol_mol", "58", ALL_YEARS),
    ("DM021", "hba1c_max_mmol_mol", "75", ALL_YEARS),
    # BR Diabetes DM033 rules 2-3: clinic <= 140/90, home <= 135/85; no age limit. DM036
    # (2025/26 wording) is DM033 for patients aged 79 or under.
    ("DM033", "systolic_max", "140", UNTIL_2425),
    ("DM033", "diastolic_max", "90", UNTIL_2425),
    ("DM033", "home_systolic_max", "135", UNTIL_2425),
    ("DM033", "home_diastolic_max", "85", UNTIL_2425),
    ("DM036", "systolic_max", "140", (Y2526,)),
    ("DM036", "diastolic_max", "90", (Y2526,)),
    ("DM036", "home_systolic_max", "135", (Y2526,)),
    ("DM036", "home_diastolic_max", "85", (Y2526,)),
    ("DM036", "age_max", "79", (Y2526,)),
    # HYP008 / CHD015 / STIA014 wording: aged 79 or under, 140/90 (home 135/85); PCA ref PAT_AGEO79.
    *[
        (code, name, value, ALL_YEARS)
        for code in ("HYP008", "CHD015", "STIA014")
        for name, value in (
            ("systolic_max", "140"),
            ("diastolic_max", "90"),
            ("home_systolic_max", "135"),
            ("home_diastolic_max", "85"),
            ("age_max", "79"),
        )
    ],
    # HYP009 / CHD016 / STIA015 wording: aged 80 or over, 150/90 (home 145/85); PCA ref PAT_AGEU80.
    *[
        (code, name, value, ALL_YEARS)
        for code in ("HYP009", "CHD016", "STIA015")
        for name, value in (
            ("systolic_max", "150"),
            ("diastolic_max", "90"),
            ("home_systolic_max", "145"),
            ("home_diastolic_max", "85"),
            ("age_min", "80"),
        )
    ],
    # BR Diabetes DM033 rule 6 (BPORHBPDEC): v48.2 BP or home BP declined; v49.0 adds ambulatory
    # BP declined (ABPMDEC_COD), carried into 2025/26. The same decline rule for the HYP, CHD
    # and STIA BP indicators. 1 = ambulatory BP declined counts.
    *[(code, "abpm_declined_counts", "0", (Y2324,)) for code in ("DM033", "HYP008", "HYP009")],
    *[(code, "abpm_declined_counts", "0", (Y2324,)) for code in ("CHD015", "CHD016", "STIA014", "STIA015")],
    *[(code, "abpm_declined_counts", "1", (Y2425,)) for code in ("DM033", "HYP008", "HYP009")],
    *[(code, "abpm_declined_counts", "1", (Y2425,)) for code in ("CHD015", "CHD016", "STIA014", "STIA015")],
    *[(code, "abpm_declined_counts", "1", (Y2526,)) for code in ("DM036", "HYP008", "HYP009")],
    *[(code, "abpm_declined_counts", "1", (Y2526,)) for code in ("CHD015", "CHD016", "STIA014", "STIA015")],
    # BR Diabetes DM022 rule 1 (PAT_AGEU39: age < 40 rejected) and rule 4 (DMTYPE2: CVD risk
    # score under 10 %); DM034 is DM022's 2025/26 successor.
    ("DM022", "age_min", "40", UNTIL_2425),
    ("DM022", "cvd_risk_score_min", "10", UNTIL_2425),
    ("DM034", "age_min", "40", (Y2526,)),
    ("DM034", "cvd_risk_score_min", "10", (Y2526,)),
    # BR Diabetes DM014 rule 5: referral within 279 days of the diagnosis.
    ("DM014", "referral_max_days", "279", ALL_YEARS),
    # CS005 / CS006 wording and PCA ref P_AGE25_49 / P_AGE50_64: women aged 25-49 and 50-64.
    ("CS005", "age_min", "25", ALL_YEARS),
    ("CS005", "age_max", "49", ALL_YEARS),
    ("CS006", "age_min", "50", ALL_YEARS),
    ("CS006", "age_max", "64", ALL_YEARS),
    # CAN004 wording: review within 12 months of diagnosis. CAN005: within 3 months, read as 93
    # days (docs/assumptions.md). Both retired in 2025/26; the rows feed the cancer worklist.
    ("CAN004", "review_max_months_after_diagnosis", "12", ALL_YEARS),
    ("CAN005", "support_max_days_after_diagnosis", "93", ALL_YEARS),
    # DEP004 wording: reviewed not earlier than 10 and not later than 56 days after diagnosis.
    ("DEP004", "review_min_days_after_diagnosis", "10", UNTIL_2425),
    ("DEP004", "review_max_days_after_diagnosis", "56", UNTIL_2425),
    # MH011 wording: overweight is BMI 23 or above (25 or above for White ethnicity, not applied).
    ("MH011", "bmi_lipid_risk_min", "23", ALL_YEARS),
    # OST004 register wording: 75 or over with a fragility fracture; under 75 DXA-confirmed
    # (T-score -2.5 or lower).
    ("OST004", "age_fracture_only_min", "75", ALL_YEARS),
    ("OST004", "dxa_t_score_max", "-2.5", ALL_YEARS),
    # AST008 wording: aged 19 or under (PCA ref PAT_AGEO19); retired in 2025/26.
    ("AST008", "age_max", "19", UNTIL_2425),
    # Review elements recorded on the review date or up to 1 month later (docs/assumptions.md OA1).
    ("AST007", "review_element_months", "1", ALL_YEARS),
    ("COPD010", "review_element_months", "1", ALL_YEARS),
    # COPD015 register wording: post-bronchodilator FEV1/FVC below 0.7.
    ("COPD015", "fev1_fvc_ratio_max", "0.7", ALL_YEARS),
    # OB003 register wording: latest BMI in the preceding 12 months of 30 or more.
    ("OB003", "bmi_min", "30", ALL_YEARS),
    # SMOK002 / SMOK004 / SMOK005 population: aged 15 or over (15OV); never smoked recorded on or
    # after the 25th birthday need not be repeated (docs/assumptions.md). SMOK005 retired 2025/26.
    ("SMOK002", "age_min", "15", ALL_YEARS),
    ("SMOK002", "never_smoked_age_min", "25", ALL_YEARS),
    ("SMOK004", "age_min", "15", ALL_YEARS),
    ("SMOK005", "age_min", "15", UNTIL_2425),
    # VI001 wording: reached 8 months, at least 3 DTP-containing doses; 28 days (4 weeks) is the
    # minimum interval between primary doses of the UK schedule.
    ("VI001", "target_age_months", "8", ALL_YEARS),
    ("VI001", "doses_min", "3", ALL_YEARS),
    ("VI001", "dose_interval_days_min", "28", ALL_YEARS),
    # VI002 wording: reached 18 months, at least 1 MMR between 12 and 18 months.
    ("VI002", "from_age_months", "12", ALL_YEARS),
    ("VI002", "target_age_months", "18", ALL_YEARS),
    ("VI002", "doses_min", "1", ALL_YEARS),
    ("VI002", "dose_interval_days_min", "28", ALL_YEARS),
    # VI003 wording: reached 5 years, DTaP/IPV booster and at least 2 MMR between 1 and 5.
    ("VI003", "from_age_months", "12", ALL_YEARS),
    ("VI003", "target_age_months", "60", ALL_YEARS),
    ("VI003", "mmr_doses_min", "2", ALL_YEARS),
    ("VI003", "booster_doses_min", "1", ALL_YEARS),
    ("VI003", "dose_interval_days_min", "28", ALL_YEARS),
    # VI004 wording: reached 80 in the year; vaccinated from 70, single dose before the 80th
    # birthday, two-dose course before the 81st.
    ("VI004", "age_in_year", "80", ALL_YEARS),
    ("VI004", "vaccine_age_min", "70", ALL_YEARS),
    ("VI004", "single_dose_age_max", "80", ALL_YEARS),
    ("VI004", "second_dose_age_max", "81", ALL_YEARS),
    # PCA ref CHAD_VAL2 (AF006) and CHADVASC (AF008): CHADS2 / CHA2DS2-VASc score 2 or more.
    ("AF006", "stroke_risk_score_min", "2", ALL_YEARS),
    ("AF008", "stroke_risk_score_min", "2", ALL_YEARS),
    # BP002 wording and PCA ref PAT_AGEU45: aged 45 or over.
    ("BP002", "age_min", "45", ALL_YEARS),
    # CHOL002 (2023/24) wording: non-HDL lower than 2.5 mmol/L, else LDL lower than 1.8.
    ("CHOL002", "non_hdl_below", "2.5", (Y2324,)),
    ("CHOL002", "ldl_below", "1.8", (Y2324,)),
    # CHOL004 (from 2024/25) wording: LDL 2.0 mmol/L or less, else non-HDL 2.6 or less.
    ("CHOL004", "ldl_max", "2.0", (Y2425, Y2526)),
    ("CHOL004", "non_hdl_max", "2.6", (Y2425, Y2526)),
]

# register_code: (min_age, max_age) from the NHS Digital 2023/24 indicator reference (the
# register's age list: 06OV, 17OV, 18OV, 16OV, 50OV; none = all ages) and the register wording.
# The registers seed has no QOF year: the limits are the same in every year.
PINNED_REGISTER_AGES: dict[str, tuple[int, int | None]] = {
    "AF": (0, None),
    "AST": (6, None),
    "CAN": (0, None),
    "CHD": (0, None),
    "CKD": (18, None),
    "COPD": (0, None),
    "DEM": (0, None),
    "DEP": (18, None),
    "DM": (17, None),
    "EP": (18, None),
    "HF": (0, None),
    "HYP": (0, None),
    "LD": (0, None),
    "MH": (0, None),
    "NDH": (18, None),
    "OB": (18, None),
    "OST": (50, None),
    "PAD": (0, None),
    "PC": (0, None),
    "RA": (16, None),
    "STIA": (0, None),
}


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def pinned_targets() -> dict[tuple[str, str, str], Decimal]:
    pinned: dict[tuple[str, str, str], Decimal] = {}
    for indicator, name, value, years in PINNED_TARGETS:
        for year in years:
            key = (year, indicator, name)
            assert key not in pinned, f"{key} is pinned twice"
            pinned[key] = Decimal(value)
    return pinned


def target_problems(rows: list[dict[str, str]]) -> list[str]:
    """Every difference between the target seed rows and the pinned values."""
    pinned = pinned_targets()
    seeded: dict[tuple[str, str, str], Decimal] = {}
    for row in rows:
        key = (row["qof_year"], row["indicator_code"], row["target_name"])
        assert key not in seeded, f"{key} appears twice in qof_indicator_targets.csv"
        seeded[key] = Decimal(row["target_value"])
    problems = [
        f"{key}: seed has {seeded[key]}, the published rule gives {pinned[key]}"
        for key in sorted(seeded.keys() & pinned.keys())
        if seeded[key] != pinned[key]
    ]
    problems += [
        f"{key}: in the seed but not pinned; pin it in tests_py/test_pinned_targets.py from its source"
        for key in sorted(seeded.keys() - pinned.keys())
    ]
    problems += [f"{key}: pinned but missing from the seed" for key in sorted(pinned.keys() - seeded.keys())]
    return problems


def test_every_target_row_matches_its_pinned_value_in_every_year() -> None:
    problems = target_problems(read_seed("qof_indicator_targets.csv"))
    assert not problems, "\n".join(problems)


def test_a_changed_extra_or_missing_target_is_reported() -> None:
    rows = [
        {"qof_year": year, "indicator_code": code, "target_name": name, "target_value": str(value)}
        for (year, code, name), value in pinned_targets().items()
    ]
    assert target_problems(rows) == []
    changed = [
        {**row, "target_value": "150"}
        if (row["qof_year"], row["indicator_code"], row["target_name"]) == (Y2425, "CHD015", "systolic_max")
        else row
        for row in rows
    ]
    extra = [
        *rows,
        {"qof_year": Y2425, "indicator_code": "DM014", "target_name": "new_target", "target_value": "1"},
    ]
    missing = [
        row for row in rows if (row["indicator_code"], row["target_name"]) != ("DM020", "hba1c_max_mmol_mol")
    ]
    assert target_problems(changed) == [
        "('2024-25', 'CHD015', 'systolic_max'): seed has 150, the published rule gives 140"
    ]
    assert [problem.split(":")[0] for problem in target_problems(extra)] == [
        "('2024-25', 'DM014', 'new_target')"
    ]
    assert len(target_problems(missing)) == len(ALL_YEARS)


def test_every_register_age_limit_matches_its_pinned_value() -> None:
    seeded = {
        row["register_code"]: (int(row["min_age"]), int(row["max_age"]) if row["max_age"] else None)
        for row in read_seed("qof_registers.csv")
    }
    problems = [
        f"{code}: seed has ages {seeded[code]}, the published rule gives {PINNED_REGISTER_AGES[code]}"
        for code in sorted(seeded.keys() & PINNED_REGISTER_AGES.keys())
        if seeded[code] != PINNED_REGISTER_AGES[code]
    ]
    problems += [
        f"{code}: in qof_registers.csv but not pinned; pin its age limits in tests_py/test_pinned_targets.py"
        for code in sorted(seeded.keys() - PINNED_REGISTER_AGES.keys())
    ]
    problems += [
        f"{code}: pinned but missing from qof_registers.csv"
        for code in sorted(PINNED_REGISTER_AGES.keys() - seeded.keys())
    ]
    assert not problems, "\n".join(problems)
