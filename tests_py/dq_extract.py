"""A dirty GP extract for the data-quality tests, and one shared warehouse built from it.

The extract is the hand-worked extract (tests_py/hand_extract.py) plus
* extra practices A00004-A00006 (PCN U00003) whose coding trips each clinical coding check, and
* extra rows with exactly one defect each, listed in DIRTY with the quarantine reason and
  record id each must get, and
* extra readings whose value fails a plausibility check, listed in IMPLAUSIBLE with the check
  and record id: staged with their value and alerted under the default
  implausible_value_policy, quarantined with that reason under `quarantine`.
Every dirty row is an extra row, and the implausible readings are dated so that they are not
the latest reading any rule looks at, so the hand-worked results must come out unchanged
under either policy. A BMI codelist is supplied through `cluster_refset_dir`, as a user would
add one, so the data-driven plausibility rule for BMIVAL_COD is exercised too.
"""

from __future__ import annotations

import atexit
import csv
import functools
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hand_extract import (
    DIASTOLIC,
    DM,
    DM_RESOLVED,
    EVENTS,
    HBA1C,
    PATIENTS,
    PRACTICES,
    REGISTRATIONS,
    SYSTOLIC,
    write_hand_extract,
)

from qof_warehouse.dbt_runner import BuildSettings, safe_build

HEADERS = {
    "practices": ["practice_code", "practice_name", "pcn_code", "pcn_name", "icb_code", "icb_name"],
    "patients": ["patient_id", "date_of_birth", "sex", "date_of_death"],
    "registrations": ["patient_id", "practice_code", "registration_type", "start_date", "end_date"],
    "events": ["event_id", "patient_id", "practice_code", "event_date", "snomed_code", "value", "unit"],
    "medications": ["event_id", "patient_id", "practice_code", "issue_date", "dmd_code", "quantity"],
    "manual_achievement": ["practice_code", "indicator_code", "achievement_date", "achieved"],
}

DM_TYPE_1 = "46635009"
DM_INFORMED_DISSENT = "716031000000106"
BMI = "60621009"
BMI_REFSET_FILE = "nhsd-primary-care-domain-refsets-bmival_cod.csv"
UNDER_CODED_PRACTICE = "A00004"
HIGH_PCA_PRACTICE = "A00005"
SCENARIO_PRACTICE = "A00006"
SCENARIO_PRACTICE_NAME = "Sixth <Surgery> & Partners"
CLEAN_PRACTICE = "A00003"  # no dirty row and no coding problem reaches it

SCENARIO_PRACTICES = [
    (UNDER_CODED_PRACTICE, "Under Coded Surgery", "U00003", "Scenario PCN", "QBB", "Hand ICB B"),
    (HIGH_PCA_PRACTICE, "High PCA Surgery", "U00003", "Scenario PCN", "QBB", "Hand ICB B"),
    (SCENARIO_PRACTICE, SCENARIO_PRACTICE_NAME, "U00003", "Scenario PCN", "QBB", "Hand ICB B"),
]
CLEAN_MEDICATION = ("m0001", "p01", "A00001", "2023-10-01", "322236009", "28")
CLEAN_MANUAL = ("A00001", "QI011", "2024-03-31", "true")


Row = tuple[str, ...]


@dataclass(frozen=True)
class Dirty:
    """One extra row with one defect: its table, the reason it must get and its record id."""

    table: str
    reason: str
    record_id: str | None
    row: Row


def _event(
    event_id: str, patient: str, day: str, code: str, value: str = "", practice: str = "A00001"
) -> Row:
    return (event_id, patient, practice, day, code, value, "")


def _medication(med_id: str, patient: str, day: str, code: str = "322236009", quantity: str = "28") -> Row:
    return (med_id, patient, "A00001", day, code, quantity)


DIRTY: list[Dirty] = [
    # practices
    Dirty("practices", "blank_identifier", None, (" ", "Blank Practice", "U00001", "PCN", "QAA", "ICB")),
    Dirty("practices", "invalid_practice_code", "A-1!", ("A-1!", "Bad Code", "U00001", "PCN", "QAA", "ICB")),
    Dirty(
        "practices",
        "duplicate_practice",
        "A00002",
        ("A00002", "Hand Practice Two", "U00001", "X", "QAA", "Y"),
    ),
    # patients
    Dirty("patients", "blank_identifier", None, ("", "1970-01-01", "M", "")),
    Dirty("patients", "duplicate_patient", "p01", ("p01", "1960-05-01", "M", "")),
    Dirty("patients", "unparseable_date", "d_unparseable", ("d_unparseable", "01/05/1960", "M", "")),
    Dirty("patients", "missing_date", "d_missing", ("d_missing", "", "F", "")),
    Dirty("patients", "placeholder_date", "d_placeholder", ("d_placeholder", "1900-01-01", "F", "")),
    Dirty("patients", "future_date", "d_future", ("d_future", "2099-01-01", "F", "")),
    Dirty("patients", "death_before_birth", "d_death", ("d_death", "1970-01-01", "M", "1960-01-01")),
    Dirty("patients", "implausible_age", "d_old", ("d_old", "1901-06-01", "M", "")),
    Dirty("patients", "invalid_sex", "d_sex", ("d_sex", "1970-01-01", "X", "")),
    Dirty("patients", "patient_without_registration", "d_noreg", ("d_noreg", "1970-01-01", "F", "")),
    # registrations
    Dirty("registrations", "blank_identifier", "A00001|2005-01-01", ("", "A00001", "GMS", "2005-01-01", "")),
    Dirty("registrations", "unparseable_date", "p01|A00001", ("p01", "A00001", "GMS", "2005-13-01", "")),
    Dirty("registrations", "missing_date", "p02|A00001", ("p02", "A00001", "GMS", "", "")),
    Dirty(
        "registrations",
        "placeholder_date",
        "p02|A00001|1900-01-01",
        ("p02", "A00001", "GMS", "1900-01-01", "1901-01-01"),
    ),
    Dirty(
        "registrations", "future_date", "p02|A00001|2099-01-01", ("p02", "A00001", "GMS", "2099-01-01", "")
    ),
    Dirty(
        "registrations",
        "end_before_start",
        "p08|A00001|2010-01-01",
        ("p08", "A00001", "TEMP", "2010-01-01", "2009-01-01"),
    ),
    Dirty(
        "registrations",
        "invalid_registration_type",
        "p08|A00001|2010-03-01",
        ("p08", "A00001", "NHS", "2010-03-01", "2010-04-01"),
    ),
    Dirty(
        "registrations",
        "unknown_patient",
        "nobody|A00001|2010-01-01",
        ("nobody", "A00001", "GMS", "2010-01-01", ""),
    ),
    Dirty(
        "registrations",
        "patient_quarantined",
        "d_sex|A00001|2010-01-01",
        ("d_sex", "A00001", "GMS", "2010-01-01", ""),
    ),
    Dirty(
        "registrations",
        "unknown_practice",
        "p08|Z99999|2010-05-01",
        ("p08", "Z99999", "TEMP", "2010-05-01", "2010-06-01"),
    ),
    Dirty(
        "registrations",
        "registration_before_birth",
        "p01|A00001|1950-01-01",
        ("p01", "A00001", "TEMP", "1950-01-01", "1950-02-01"),
    ),
    Dirty(
        "registrations",
        "registration_after_death",
        "p14|A00001|2024-02-01",
        ("p14", "A00001", "TEMP", "2024-02-01", "2024-02-10"),
    ),
    Dirty(
        "registrations",
        "duplicate_registration",
        "p08|A00001|2005-01-01",
        ("p08", "A00001", "GMS", "2005-01-01", ""),
    ),
    Dirty(
        "registrations",
        "overlapping_registration",
        "p08|A00002|2020-01-01",
        ("p08", "A00002", "GMS", "2020-01-01", ""),
    ),
    # events (p01: DM, HbA1c 52 on 2023-10-01; p13 left on 2024-03-31; p14 died 2024-01-01)
    Dirty("events", "blank_identifier", None, _event("", "p01", "2023-11-01", HBA1C, "99")),
    Dirty("events", "duplicate_event", "e0002", _event("e0002", "p01", "2023-10-01", HBA1C, "52")),
    Dirty("events", "duplicate_event_id", "e0003", _event("e0003", "p01", "2023-12-01", SYSTOLIC, "190")),
    Dirty(
        "events",
        "unparseable_date",
        "x_unparseable",
        _event("x_unparseable", "p01", "2023-02-30", HBA1C, "99"),
    ),
    Dirty("events", "missing_date", "x_missing_date", _event("x_missing_date", "p01", "", HBA1C, "99")),
    Dirty("events", "placeholder_date", "x_placeholder", _event("x_placeholder", "p01", "1900-01-01", DM)),
    Dirty("events", "future_date", "x_future", _event("x_future", "p01", "2099-12-31", HBA1C, "99")),
    Dirty(
        "events", "missing_code", "x_missing_code", _event("x_missing_code", "p01", "2023-11-01", "", "99")
    ),
    Dirty(
        "events",
        "code_whitespace",
        "x_whitespace",
        _event("x_whitespace", "p01", "2023-11-01", f" {HBA1C}", "99"),
    ),
    Dirty(
        "events",
        "code_non_numeric",
        "x_non_numeric",
        _event("x_non_numeric", "p01", "2023-11-01", "XaXbX1", "99"),
    ),
    Dirty(
        "events",
        "non_numeric_value",
        "x_value_text",
        _event("x_value_text", "p01", "2023-11-01", HBA1C, "abc"),
    ),
    Dirty("events", "unknown_patient", "x_ghost", _event("x_ghost", "ghost", "2023-11-01", HBA1C, "99")),
    Dirty(
        "events", "patient_quarantined", "x_bad_patient", _event("x_bad_patient", "d_sex", "2023-11-01", DM)
    ),
    Dirty(
        "events",
        "unknown_practice",
        "x_unknown_practice",
        _event("x_unknown_practice", "p01", "2023-11-01", HBA1C, "99", practice="Z99999"),
    ),
    Dirty(
        "events", "event_before_birth", "x_before_birth", _event("x_before_birth", "p01", "1950-01-01", DM)
    ),
    Dirty(
        "events",
        "event_after_death",
        "x_after_death",
        _event("x_after_death", "p14", "2024-02-01", HBA1C, "99"),
    ),
    Dirty(
        "events",
        "event_after_deregistration",
        "x_after_left",
        _event("x_after_left", "p13", "2024-04-05", SYSTOLIC, "190"),
    ),
    Dirty(
        "events",
        "near_duplicate_event",
        "x_near_copy",
        _event("x_near_copy", "p01", "2023-10-01", HBA1C, "52"),
    ),
    # medications
    Dirty("medications", "blank_identifier", None, _medication("", "p01", "2023-10-02")),
    Dirty("medications", "duplicate_event", "m0001", CLEAN_MEDICATION),
    Dirty("medications", "duplicate_event_id", "m0001", _medication("m0001", "p02", "2023-10-02")),
    Dirty(
        "medications", "unparseable_date", "m_unparseable", _medication("m_unparseable", "p01", "2023/10/02")
    ),
    Dirty("medications", "missing_date", "m_missing_date", _medication("m_missing_date", "p01", "")),
    Dirty(
        "medications", "placeholder_date", "m_placeholder", _medication("m_placeholder", "p01", "1900-01-01")
    ),
    Dirty("medications", "future_date", "m_future", _medication("m_future", "p01", "2099-01-01")),
    Dirty(
        "medications",
        "missing_code",
        "m_missing_code",
        _medication("m_missing_code", "p01", "2023-10-02", ""),
    ),
    Dirty(
        "medications",
        "code_whitespace",
        "m_whitespace",
        _medication("m_whitespace", "p01", "2023-10-02", "3222 36009"),
    ),
    Dirty(
        "medications",
        "code_non_numeric",
        "m_non_numeric",
        _medication("m_non_numeric", "p01", "2023-10-02", "ABC123"),
    ),
    Dirty(
        "medications",
        "non_numeric_value",
        "m_quantity",
        _medication("m_quantity", "p01", "2023-10-02", quantity="ten"),
    ),
    Dirty("medications", "unknown_patient", "m_ghost", _medication("m_ghost", "ghost", "2023-10-02")),
    Dirty(
        "medications",
        "patient_quarantined",
        "m_bad_patient",
        _medication("m_bad_patient", "d_sex", "2023-10-02"),
    ),
    Dirty(
        "medications",
        "event_before_birth",
        "m_before_birth",
        _medication("m_before_birth", "p01", "1955-01-01"),
    ),
    Dirty(
        "medications", "event_after_death", "m_after_death", _medication("m_after_death", "p14", "2024-02-01")
    ),
    Dirty(
        "medications",
        "event_after_deregistration",
        "m_after_left",
        _medication("m_after_left", "p13", "2024-04-05"),
    ),
    Dirty("medications", "near_duplicate_event", "m_near_copy", ("m_near_copy", *CLEAN_MEDICATION[1:])),
    Dirty(
        "medications",
        "unknown_practice",
        "m_unknown_practice",
        ("m_unknown_practice", "p01", "Z99999", "2023-10-02", "322236009", "28"),
    ),
    # manual achievement
    Dirty("manual_achievement", "blank_identifier", "QI011", ("", "QI011", "2024-03-31", "true")),
    Dirty(
        "manual_achievement", "unparseable_date", "A00001|QI012", ("A00001", "QI012", "31/03/2024", "true")
    ),
    Dirty("manual_achievement", "missing_date", "A00001|QI013", ("A00001", "QI013", "", "true")),
    Dirty(
        "manual_achievement", "invalid_boolean", "A00001|QI014", ("A00001", "QI014", "2024-03-31", "maybe")
    ),
    Dirty(
        "manual_achievement", "unknown_practice", "Z99999|QI011", ("Z99999", "QI011", "2024-03-31", "true")
    ),
    Dirty("manual_achievement", "duplicate_manual_achievement", "A00001|QI011", CLEAN_MANUAL),
]


# Readings whose value fails a plausibility check. p01's HbA1c 52 on 2023-10-01 stays the latest
# HbA1c and p08's 138/88 on 2023-12-01 the latest blood pressure; the BMI is more than 12
# months old; p01 already has an issue of the same medicine in the 6 months.
IMPLAUSIBLE: list[Dirty] = [
    Dirty(
        "events", "implausible_value", "x_hba1c_999", _event("x_hba1c_999", "p01", "2023-09-01", HBA1C, "999")
    ),
    Dirty("events", "implausible_value", "x_hba1c_0", _event("x_hba1c_0", "p01", "2023-09-02", HBA1C, "0")),
    Dirty("events", "implausible_value", "x_bmi_400", _event("x_bmi_400", "p01", "2022-11-03", BMI, "400")),
    Dirty(
        "events",
        "systolic_below_diastolic",
        "x_sys_low",
        _event("x_sys_low", "p08", "2023-06-15", SYSTOLIC, "70"),
    ),
    Dirty(
        "events",
        "systolic_below_diastolic",
        "x_dia_high",
        _event("x_dia_high", "p08", "2023-06-15", DIASTOLIC, "110"),
    ),
    Dirty(
        "medications",
        "implausible_value",
        "m_negative",
        _medication("m_negative", "p01", "2023-10-03", quantity="-5"),
    ),
]


def _scenario_patients() -> tuple[list[Row], list[Row], list[Row]]:
    """Patients, registrations and events of the three scenario practices.

    Thirty patients aged 60-69 at each practice, half men and half women. A00004 codes no
    diabetes (far below the extract's rate: register_under_coding). A00005 has 20 diabetics,
    5 of whom have an informed-dissent PCA and no HbA1c (pca_rate_above_network against the
    PCN, and register_never_monitored). A00006 has 29 well-monitored diabetics, one also coded
    type 1 (conflicting_codes), and one non-diabetic with a diabetes resolved code and no
    diagnosis (resolved_without_diagnosis) and a blood pressure without a value
    (reading_without_value).
    """
    patients: list[Row] = []
    registrations: list[Row] = []
    events: list[Row] = []
    for practice, diabetics in ((UNDER_CODED_PRACTICE, 0), (HIGH_PCA_PRACTICE, 20), (SCENARIO_PRACTICE, 29)):
        for number in range(30):
            patient = f"{practice.lower()}_{number:02d}"
            patients.append((patient, f"{1955 + number % 10}-06-01", "MF"[number % 2], ""))
            registrations.append((patient, practice, "GMS", "2000-01-01", ""))
            if number < diabetics:
                events.append((patient, practice, "2015-01-01", DM, ""))
                if practice == HIGH_PCA_PRACTICE and number < 5:
                    events.append((patient, practice, "2023-06-01", DM_INFORMED_DISSENT, ""))
                else:
                    events.append((patient, practice, "2023-09-01", HBA1C, "50"))
    scenario = SCENARIO_PRACTICE.lower()
    events += [
        (f"{scenario}_00", SCENARIO_PRACTICE, "2016-01-01", DM_TYPE_1, ""),
        (f"{scenario}_29", SCENARIO_PRACTICE, "2020-01-01", DM_RESOLVED, ""),
        (f"{scenario}_29", SCENARIO_PRACTICE, "2024-01-10", SYSTOLIC, ""),
    ]
    return patients, registrations, events


def _write(path: Path, header: list[str], rows: list[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def dirty_rows(table: str) -> list[Row]:
    return [dirty.row for dirty in DIRTY + IMPLAUSIBLE if dirty.table == table]


def table_rows() -> dict[str, list[Row]]:
    """Every row of every table of the dirty extract, as written."""
    patients, registrations, scenario_events = _scenario_patients()
    events = [
        (f"e{index:04d}", patient, practice, day, code, value, "")
        for index, (patient, practice, day, code, value) in enumerate(EVENTS + scenario_events, start=1)
    ]
    return {
        "practices": PRACTICES + SCENARIO_PRACTICES + dirty_rows("practices"),
        "patients": PATIENTS + patients + dirty_rows("patients"),
        "registrations": REGISTRATIONS + registrations + dirty_rows("registrations"),
        "events": events + dirty_rows("events"),
        "medications": [CLEAN_MEDICATION] + dirty_rows("medications"),
        "manual_achievement": [CLEAN_MANUAL] + dirty_rows("manual_achievement"),
    }


def write_dirty_extract(directory: Path) -> Path:
    """Write the dirty extract as CSV files into `directory` and return it."""
    write_hand_extract(directory)
    for table, rows in table_rows().items():
        _write(directory / f"{table}.csv", HEADERS[table], rows)
    return directory


def write_bmi_refset(directory: Path) -> Path:
    """A one-code BMIVAL_COD refset file, in the layout of the NHS Digital refset downloads."""
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / BMI_REFSET_FILE, ["code", "term"], [(BMI, "Body mass index")])
    return directory


@dataclass(frozen=True)
class DirtyBuild:
    extract: Path
    warehouse: Path
    settings: BuildSettings


@functools.cache
def dirty_build(implausible_value_policy: str | None = None) -> DirtyBuild:
    """The dirty extract built once per test session and policy (safe build, dbt unit tests
    excluded); `implausible_value_policy` None keeps the project's default."""
    root = Path(tempfile.mkdtemp(prefix="qof_dq_"))
    atexit.register(shutil.rmtree, root, True)
    extract = write_dirty_extract(root / "extract")
    extra_vars: dict[str, object] = {"cluster_refset_dir": str(write_bmi_refset(root / "refsets"))}
    if implausible_value_policy:
        extra_vars["implausible_value_policy"] = implausible_value_policy
    settings = BuildSettings(extract_dir=extract, duckdb_path=root / "dirty.duckdb", extra_vars=extra_vars)
    result = safe_build(["build", "--exclude", "resource_type:unit_test"], settings, capture=True)
    assert result.ok, result.process.stdout[-6000:]
    return DirtyBuild(extract, result.warehouse, settings)
