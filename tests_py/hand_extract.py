"""A small hand-written GP extract whose QOF results are worked out by hand.

Achievement date 2024-03-31. The expected counts are in `EXPECTED` and the reasoning, patient
by patient, in the comments next to each patient.
"""

from __future__ import annotations

import csv
from pathlib import Path

PRACTICES = [
    ("A00001", "Hand Practice One", "U00001", "Hand PCN One", "QAA", "Hand ICB A"),
    ("A00002", "Hand Practice Two", "U00001", "Hand PCN One", "QAA", "Hand ICB A"),
    ("A00003", "Hand Practice Three", "U00002", "Hand PCN Two", "QBB", "Hand ICB B"),
]

# patient_id, date_of_birth, sex, date_of_death
PATIENTS = [
    ("p01", "1960-05-01", "M", ""),  # DM, HbA1c 52 in year, BP 130/80: DM020 and DM033 numerator
    ("p02", "1950-01-01", "F", ""),  # DM, HbA1c 70 then invitations 7 days apart: DMIFINVITE, DMBPINVITE
    ("p03", "2007-03-31", "F", ""),  # DM, 17 on the achievement date: on register, no readings: denominator
    ("p04", "2007-04-01", "M", ""),  # DM, 16 on the achievement date: not on the register
    ("p05", "1970-01-01", "M", ""),  # DM resolved after diagnosis: not on the register
    ("p06", "1955-01-01", "M", ""),  # DM and resolved on the same day: on register; invitations 6 days apart
    ("p07", "1940-01-01", "F", ""),  # DM with severe frailty: DM020/DM033 excluded, DM021 numerator (70)
    ("p08", "1970-01-01", "M", ""),  # HYP, BP 138/88: HYP008 numerator
    ("p09", "1939-01-01", "F", ""),  # HYP aged 85, BP 152/80, informed dissent: HYP009 PCA HYPPCADEC
    ("p10", "1980-01-01", "M", ""),  # HYP diagnosed 2023-08-01, no BP: HYP008 PCA DIAG1_DT9M
    ("p11", "1975-01-01", "F", ""),  # HYP, moved to A00002 on the achievement date, BP 160/95: REG1_DAT9
    ("p12", "1965-01-01", "M", ""),  # HYP, BP 120/70 and unsuitable code: numerator wins
    ("p13", "1965-01-01", "F", ""),  # HYP, deregistered on the achievement date: not in the population
    ("p14", "1945-01-01", "M", "2024-01-01"),  # HYP, died before the achievement date
    ("p15", "1990-01-01", "F", ""),  # HYP, temporary resident only: not in the population
    ("p16", "1960-01-01", "M", ""),  # HYP, BP exactly 12 months before the PPED: outside the window
    ("p17", "1960-01-01", "F", ""),  # HYP, BP on 2023-04-01: inside the window, numerator
    ("p18", "1960-01-01", "M", ""),  # HYP, home BP 138/84 (home target 135/85): denominator only
]

# patient_id, practice_code, registration_type, start_date, end_date
REGISTRATIONS = [
    ("p01", "A00001", "GMS", "2005-01-01", ""),
    ("p02", "A00001", "GMS", "2005-01-01", ""),
    ("p03", "A00001", "GMS", "2007-04-10", ""),
    ("p04", "A00001", "GMS", "2007-04-10", ""),
    ("p05", "A00001", "GMS", "2005-01-01", ""),
    ("p06", "A00001", "GMS", "2005-01-01", ""),
    ("p07", "A00001", "GMS", "2005-01-01", ""),
    ("p08", "A00001", "GMS", "2005-01-01", ""),
    ("p09", "A00001", "GMS", "2005-01-01", ""),
    ("p10", "A00001", "GMS", "2005-01-01", ""),
    ("p11", "A00001", "GMS", "2005-01-01", "2024-03-30"),
    ("p11", "A00002", "GMS", "2024-03-31", ""),
    ("p12", "A00001", "GMS", "2005-01-01", ""),
    ("p13", "A00001", "GMS", "2005-01-01", "2024-03-31"),
    ("p14", "A00001", "GMS", "2005-01-01", "2024-01-01"),
    ("p15", "A00001", "TEMP", "2023-06-01", ""),
    ("p16", "A00003", "GMS", "2005-01-01", ""),
    ("p17", "A00003", "GMS", "2005-01-01", ""),
    ("p18", "A00003", "GMS", "2005-01-01", ""),
]

DM = "44054006"
DM_RESOLVED = "315051004"
HYP = "59621000"
HBA1C = "999791000000106"
SYSTOLIC = "271649006"
DIASTOLIC = "271650006"
HOME_SYSTOLIC = "413606001"
HOME_DIASTOLIC = "413605002"
DM_INVITE = "185756006"
SEVERE_FRAILTY = "925861000000102"
HYP_DISSENT = "716771000000106"
HYP_UNSUITABLE = "716821000000100"

# patient_id, practice_code, event_date, snomed_code, value
EVENTS = [
    ("p01", "A00001", "2015-01-01", DM, ""),
    ("p01", "A00001", "2023-10-01", HBA1C, "52"),
    ("p01", "A00001", "2023-10-01", SYSTOLIC, "130"),
    ("p01", "A00001", "2023-10-01", DIASTOLIC, "80"),
    ("p02", "A00001", "2010-01-01", DM, ""),
    ("p02", "A00001", "2023-06-01", HBA1C, "70"),
    ("p02", "A00001", "2023-07-01", DM_INVITE, ""),
    ("p02", "A00001", "2023-07-08", DM_INVITE, ""),
    ("p03", "A00001", "2023-01-01", DM, ""),
    ("p04", "A00001", "2023-01-01", DM, ""),
    ("p05", "A00001", "2018-01-01", DM, ""),
    ("p05", "A00001", "2020-01-01", DM_RESOLVED, ""),
    ("p06", "A00001", "2019-05-05", DM, ""),
    ("p06", "A00001", "2019-05-05", DM_RESOLVED, ""),
    ("p06", "A00001", "2023-09-01", DM_INVITE, ""),
    ("p06", "A00001", "2023-09-07", DM_INVITE, ""),
    ("p07", "A00001", "2012-01-01", DM, ""),
    ("p07", "A00001", "2022-06-01", SEVERE_FRAILTY, ""),
    ("p07", "A00001", "2024-01-10", HBA1C, "70"),
    ("p08", "A00001", "2012-01-01", HYP, ""),
    ("p08", "A00001", "2023-12-01", SYSTOLIC, "138"),
    ("p08", "A00001", "2023-12-01", DIASTOLIC, "88"),
    ("p09", "A00001", "2012-01-01", HYP, ""),
    ("p09", "A00001", "2023-05-01", HYP_DISSENT, ""),
    ("p09", "A00001", "2024-02-01", SYSTOLIC, "152"),
    ("p09", "A00001", "2024-02-01", DIASTOLIC, "80"),
    ("p10", "A00001", "2023-08-01", HYP, ""),
    ("p11", "A00001", "2015-01-01", HYP, ""),
    ("p11", "A00001", "2023-06-01", SYSTOLIC, "160"),
    ("p11", "A00001", "2023-06-01", DIASTOLIC, "95"),
    ("p12", "A00001", "2012-01-01", HYP, ""),
    ("p12", "A00001", "2023-11-11", SYSTOLIC, "120"),
    ("p12", "A00001", "2023-11-11", DIASTOLIC, "70"),
    ("p12", "A00001", "2023-12-01", HYP_UNSUITABLE, ""),
    ("p13", "A00001", "2012-01-01", HYP, ""),
    ("p14", "A00001", "2012-01-01", HYP, ""),
    ("p15", "A00001", "2012-01-01", HYP, ""),
    ("p16", "A00003", "2012-01-01", HYP, ""),
    ("p16", "A00003", "2023-03-31", SYSTOLIC, "120"),
    ("p16", "A00003", "2023-03-31", DIASTOLIC, "70"),
    ("p17", "A00003", "2012-01-01", HYP, ""),
    ("p17", "A00003", "2023-04-01", SYSTOLIC, "120"),
    ("p17", "A00003", "2023-04-01", DIASTOLIC, "70"),
    ("p18", "A00003", "2012-01-01", HYP, ""),
    ("p18", "A00003", "2024-01-01", HOME_SYSTOLIC, "138"),
    ("p18", "A00003", "2024-01-01", HOME_DIASTOLIC, "84"),
]

# (practice, indicator): (register, denominator, numerator, pca_count, exclusion_count, points)
EXPECTED: dict[tuple[str, str], tuple[int, int, int, int, int, float]] = {
    ("A00001", "DM017"): (5, 0, 0, 0, 0, 6.0),
    ("A00001", "DM020"): (5, 3, 1, 1, 1, 0.0),
    ("A00001", "DM021"): (5, 1, 1, 0, 4, 10.0),
    ("A00001", "DM033"): (5, 3, 1, 1, 1, 0.0),
    ("A00001", "HYP001"): (4, 0, 0, 0, 0, 6.0),
    ("A00001", "HYP008"): (4, 2, 2, 1, 1, 14.0),
    ("A00001", "HYP009"): (4, 0, 0, 1, 3, 0.0),
    ("A00002", "DM017"): (0, 0, 0, 0, 0, 0.0),
    ("A00002", "HYP001"): (1, 0, 0, 0, 0, 6.0),
    ("A00002", "HYP008"): (1, 0, 0, 1, 0, 0.0),
    ("A00003", "HYP008"): (3, 3, 1, 0, 0, 0.0),
}

EXPECTED_PCA_REASONS = {
    ("p02", "DM020"): "DMIFINVITE",
    ("p02", "DM033"): "DMBPINVITE",
    ("p09", "HYP009"): "HYPPCADEC",
    ("p10", "HYP008"): "DIAG1_DT9M",
    ("p11", "HYP008"): "REG1_DAT9",
}


def _write(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_extract_tables(
    directory: Path,
    practices: list[tuple[str, ...]],
    patients: list[tuple[str, ...]],
    registrations: list[tuple[str, ...]],
    events: list[tuple[str, ...]],
    medications: list[tuple[str, ...]],
) -> Path:
    """Write the five tables of an extract, already in contract column order, as CSV files
    into `directory` and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    _write(
        directory / "practices.csv",
        ["practice_code", "practice_name", "pcn_code", "pcn_name", "icb_code", "icb_name"],
        practices,
    )
    _write(directory / "patients.csv", ["patient_id", "date_of_birth", "sex", "date_of_death"], patients)
    _write(
        directory / "registrations.csv",
        ["patient_id", "practice_code", "registration_type", "start_date", "end_date"],
        registrations,
    )
    _write(
        directory / "events.csv",
        ["event_id", "patient_id", "practice_code", "event_date", "snomed_code", "value", "unit"],
        events,
    )
    _write(
        directory / "medications.csv",
        ["event_id", "patient_id", "practice_code", "issue_date", "dmd_code", "quantity"],
        medications,
    )
    return directory


def write_hand_extract(directory: Path) -> Path:
    """Write the hand extract as CSV files into `directory` and return it."""
    events = [
        (f"e{index:04d}", patient, practice, day, code, value, "")
        for index, (patient, practice, day, code, value) in enumerate(EVENTS, start=1)
    ]
    return write_extract_tables(directory, PRACTICES, PATIENTS, REGISTRATIONS, events, [])
