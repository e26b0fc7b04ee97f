"""A small GP extract coded only with the published code lists, its QOF results worked out by hand.

Every SNOMED CT and dm+d code below is taken from the published lists the warehouse ships as its
default clusters (`qof_warehouse.codelists.published_rows`), picked by cluster from the middle of
each list rather than its first code, so the extract exercises the published lists themselves and
not the few codes the curated files and other tests use. No code is taken from a curated file.

Achievement date 2024-03-31 (QOF 2023/24). The windows, each a strict lower bound on the payment
period end date (PPED):
    12 months: on or after 2023-04-01    9 months: on or after 2023-07-01
    6 months:  on or after 2023-10-01    3 months: on or after 2024-01-01
    15 months: on or after 2023-01-01    21 months: after 2022-06-30 (DM014)
    5 years:   on or after 2019-04-01    3 years: after 2021-03-31 (CVD risk score)

The expected outcomes (`EXPECTED_REGISTERS`, `EXPECTED_OUTCOMES`) are worked out patient by
patient in the comments from the official rules:
    DM BR    NHS England QOF business rules v48.2 (2023/24) Diabetes (rule numbers counted from 1),
             including its field definitions (DM_DAT the earliest diabetes code ever; FRAILLAT_DAT
             the latest frailty code of any grade; DMINVITE1 the first invitation of the year)
    PCAREF   NHS Digital 2023/24 PCA reference (CQRS short names of PCAs and exclusions)
    QOF 23/24 NHS England QOF guidance for 2023/24, indicator and register wording
and, where the official text leaves a reading open, the warehouse's documented reading
(docs/assumptions.md). Reasons are the warehouse's reason codes (qof_pca_reasons seed): the
official CQRS names, and NOTMDSEVFRAIL for DM021's frailty rule applied in reverse.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from hand_extract import write_extract_tables

from qof_warehouse.codelists import CLUSTER_DIR, cluster_rows, published_rows

ACHIEVEMENT_DATE = "2024-03-31"
QOF_YEAR = "2023-24"

# Lists shipped for reference that no rule of the warehouse reads: a code's membership of them
# never changes an outcome, so it does not disqualify the code.
UNREAD_CLUSTERS = frozenset(
    {
        "C19CAN_COD",
        "OPENSAFELY_ASTHMA_REVIEW",
        "OPENSAFELY_COPD_REVIEW",
        "OPENSAFELY_HBA1C_TESTS",
        "OPENSAFELY_SYSTOLIC_BP",
    }
)


@cache
def published_lists() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each published list: cluster -> (code system, codes in the order of the published file)."""
    lists: dict[str, tuple[str, list[str]]] = {}
    for cluster, code, system in published_rows():
        lists.setdefault(cluster, (system, []))[1].append(code)
    return {cluster: (system, tuple(codes)) for cluster, (system, codes) in lists.items()}


@cache
def cluster_membership() -> dict[tuple[str, str], frozenset[str]]:
    """(code system, code) -> every cluster the warehouse reads it in (published and curated)."""
    membership: dict[tuple[str, str], set[str]] = {}
    for cluster, code, system in cluster_rows():
        membership.setdefault((system, code), set()).add(cluster)
    return {key: frozenset(clusters) for key, clusters in membership.items()}


# code -> the published list it was picked from; filled by `pick` and `pick_by_term`.
PICKED: dict[str, str] = {}


def _middle_out(count: int) -> list[int]:
    """Indexes of a list of `count` codes from the middle outwards (middle, +1, -1, +2, ...),
    leaving out the first code unless it is the only one."""
    middle = count // 2
    order = [middle]
    for step in range(1, count):
        order.extend(index for index in (middle + step, middle - step) if 0 <= index < count)
    return [index for index in order if index > 0 or count == 1]


def pick(cluster: str, *, nth: int = 0, also: Iterable[str] = (), needs: Iterable[str] = ()) -> str:
    """The `nth` suitable code of the published `cluster` list, counting from the middle of the
    list outwards. A code is suitable when every other cluster the warehouse reads it in is one
    of `also` (or unread) and it is in each of `needs`: the picked code then means one thing."""
    system, codes = published_lists()[cluster]
    allowed = set(also) | set(needs) | UNREAD_CLUSTERS | {cluster}
    suitable = [
        codes[index]
        for index in _middle_out(len(codes))
        if cluster_membership()[(system, codes[index])] <= allowed
        and set(needs) <= cluster_membership()[(system, codes[index])]
    ]
    code = suitable[nth]
    PICKED[code] = cluster
    return code


def pick_by_term(cluster: str, term: str) -> str:
    """The code of the published `cluster` list whose term is `term`."""
    provenance = CLUSTER_DIR.parent / "reference" / "qof_published_codelists.csv"
    with provenance.open(newline="", encoding="utf-8") as handle:
        file_name = next(row["file_name"] for row in csv.DictReader(handle) if row["cluster_code"] == cluster)
    with (CLUSTER_DIR / "published" / file_name).open(newline="", encoding="utf-8") as handle:
        code = next(row["code"].strip() for row in csv.DictReader(handle) if row["term"].strip() == term)
    PICKED[code] = cluster
    return code


# --- Codes (SNOMED CT events) -------------------------------------------------------------
DIABETES = pick("DM_COD")
DIABETES_OTHER = pick("DM_COD", nth=1)
DIABETES_TYPE2 = pick("DMTYPE2_COD", needs=("DM_COD",))  # a type 2 code that is also a DM_COD code
DIABETES_RESOLVED = pick("DMRES_COD")
HBA1C = pick("IFCCHBAM_COD")
FRUCTOSAMINE = pick("SERFRUC_COD")
DM_INVITE = [pick("DMINVITE_COD", nth=index) for index in range(3)]
MILD_FRAILTY = pick("MILDFRAIL_COD")
MODERATE_FRAILTY = pick("MODFRAIL_COD")
SEVERE_FRAILTY = pick("SEVFRAIL_COD")
# Clinic readings: BP codes that are no home or ambulatory reading.
CLINIC_SYSTOLIC = pick("SYSBP_COD", also=("BP_COD",))
CLINIC_DIASTOLIC = pick("DIABP_COD", also=("BP_COD",))
# Home readings, members of the published SYSBP_COD / DIABP_COD lists, judged against the home targets.
HOME_SYSTOLIC = pick_by_term("SYSBP_COD", "Average home systolic blood pressure")
HOME_DIASTOLIC = pick_by_term("DIABP_COD", "Average home diastolic blood pressure")
BP_DECLINED = pick("BPDEC_COD")
CVD_RISK_SCORE = pick("CVDASS2_COD")
MICROALBUMINURIA = [pick("MAL_COD", nth=index) for index in range(2)]
PROTEINURIA = pick("PRT_COD")
CHD = [pick("CHD_COD", nth=index) for index in range(5)]
PAD = pick("PAD_COD")
STROKE = pick("STRK_COD", needs=("OSTR_COD",))  # a stroke code that is not haemorrhagic
HAEMORRHAGIC_STROKE = pick("HSTRK_COD", needs=("STRK_COD",))  # in both STRK_COD and HSTRK_COD
TIA = pick("TIA_COD")
CKD_STAGE_3_TO_5 = pick("CKD_COD")
CKD_STAGE_1_OR_2 = pick("CKD1AND2_COD")
IMPAIRED_GLUCOSE_TOLERANCE = pick("IGT_COD")
CURRENT_SMOKER = pick("LSMOK_COD")
EX_SMOKER = pick("EXSMOK_COD")
HYPERTENSION = pick("HYP_COD")
HYPERTENSION_RESOLVED = pick("HYPRES_COD")
HYP_DISSENT = pick("HYPPCADEC_COD")
MAXIMAL_BP_THERAPY = pick("HTMAX_COD")
HYP_INVITE = [pick("HYPINVITE_COD", nth=index) for index in range(2)]
ATRIAL_FIBRILLATION = pick("AFIB_COD")
COPD = pick("COPD_COD")
COPD_RESOLVED = pick("COPDRES_COD")
COPD_REVIEW = pick("COPDRVW_COD")
FEV1_FVC_RATIO = pick("FEV1FVC_COD")
ASTHMA = pick("AST_COD")
ASTHMA_REVIEW = [pick("REV_COD", nth=index) for index in range(2)]
ASTHMA_PLAN = pick("WRITPASTP_COD")
ASTHMA_CONTROL = pick("ASTCONTASS_COD")
ASTHMA_EXACERBATIONS = pick("ASTEXACB_COD")
EPILEPSY = pick("EPIL_COD")
LEARNING_DISABILITY = pick("LD_COD")
PSYCHOSIS = pick("MH_COD")
DEMENTIA = pick("DEM_COD")
CANCER = [pick("CAN_COD", nth=index) for index in range(2)]
DEPRESSION = pick("DEPR_COD")
DEPRESSION_REVIEW = pick("DEPRVW_COD")
PALLIATIVE_CARE = pick("PALCARE_COD")
PALLIATIVE_CARE_NOT_INDICATED = pick("PALCARENI_COD")
FRAGILITY_FRACTURE = pick("FF_COD")
OSTEOPOROSIS = pick("OSTEO_COD")
DXA_OSTEOPOROTIC = pick("DXA_COD")
RHEUMATOID_ARTHRITIS = pick("RARTH_COD")
BMI = pick("BMIVAL_COD")

# --- Codes (dm+d medication issues) -------------------------------------------------------
STATIN = pick("STAT_COD")
ACE_INHIBITOR = pick("ACE_COD")
ARB = pick("AII_COD")
ASPIRIN = pick("SAL_COD")
DOAC = pick("DOAC_COD")
ASTHMA_DRUG = pick("ASTTRT_COD")
ANTIEPILEPTIC = pick("EPILDRUG_COD")
LITHIUM = pick("LIT_COD")

PRACTICES = [
    ("B00001", "Published Practice One", "U10001", "Published PCN One", "QCC", "Published ICB C"),
    ("B00002", "Published Practice Two", "U10001", "Published PCN One", "QCC", "Published ICB C"),
    ("B00003", "Published Practice Three", "U10002", "Published PCN Two", "QDD", "Published ICB D"),
]

# patient_id, date_of_birth, sex, date_of_death
PATIENTS = [
    ("q01", "1960-05-01", "M", ""),
    ("q02", "1950-01-01", "F", ""),
    ("q03", "1955-01-01", "M", ""),
    ("q04", "1945-01-01", "F", ""),
    ("q05", "1970-01-01", "M", ""),
    ("q06", "1948-03-15", "F", ""),
    ("q07", "1965-06-01", "M", ""),
    ("q08", "2007-03-31", "F", ""),
    ("q09", "2007-04-01", "M", ""),
    ("q10", "1958-01-01", "M", ""),
    ("q11", "1952-01-01", "F", ""),
    ("q12", "1960-02-02", "M", ""),
    ("q13", "1962-07-07", "F", ""),
    ("q14", "1961-03-03", "M", ""),
    ("q15", "1963-04-04", "F", ""),
    ("q16", "1966-06-06", "M", ""),
    ("q17", "1964-05-05", "F", ""),
    ("q18", "1969-08-08", "M", ""),
    ("q19", "1956-06-06", "F", ""),
    ("q20", "1980-01-01", "M", ""),
    ("q21", "1975-07-07", "F", ""),
    ("q22", "1970-01-01", "M", ""),
    ("q23", "1939-01-01", "F", ""),
    ("q24", "1965-01-01", "M", ""),
    ("q25", "1960-01-01", "F", ""),
    ("q26", "1972-01-01", "M", ""),
    ("q27", "1980-01-01", "F", ""),
    ("q28", "1950-01-01", "M", ""),
    ("q29", "1968-01-01", "F", ""),
    ("q30", "1955-05-05", "M", ""),
    ("q31", "1985-01-01", "F", ""),
    ("q32", "1940-06-01", "M", ""),
    ("q33", "1955-01-01", "F", ""),
    ("q34", "1950-02-02", "M", ""),
    ("q35", "1945-05-05", "F", ""),
    ("q36", "1938-01-01", "M", ""),
    ("q37", "1955-09-09", "M", ""),
    ("q38", "1960-10-10", "F", ""),
    ("q39", "1950-03-03", "M", ""),
    ("q40", "1990-01-01", "F", ""),
    ("q41", "1985-04-04", "M", ""),
    ("q42", "1985-05-05", "M", ""),
    ("q43", "1990-02-02", "F", ""),
    ("q44", "2000-01-01", "M", ""),
    ("q45", "1975-03-03", "F", ""),
    ("q46", "1980-04-04", "M", ""),
    ("q47", "1970-01-01", "F", ""),
    ("q48", "1935-01-01", "F", ""),
    ("q49", "1950-05-05", "M", ""),
    ("q50", "1940-08-08", "F", ""),
    ("q51", "1985-08-08", "F", ""),
    ("q52", "1990-09-09", "M", ""),
    ("q53", "1945-02-02", "M", ""),
    ("q54", "1948-02-02", "F", ""),
    ("q55", "1945-06-06", "F", ""),
    ("q56", "1960-06-06", "F", ""),
    ("q57", "1970-07-07", "M", ""),
    ("q58", "2008-06-06", "F", ""),
    ("q59", "1972-12-12", "F", ""),
]

# Diabetes at B00001 (q01-q21); hypertension and the other cardiovascular registers at B00002
# (q22-q36); respiratory, neurology, mental health and the remaining registers at B00003.
_PRACTICE_OF = {patient: "B00001" for patient in (f"q{number:02d}" for number in range(1, 22))}
_PRACTICE_OF.update({f"q{number:02d}": "B00002" for number in range(22, 37)})
_PRACTICE_OF.update({f"q{number:02d}": "B00003" for number in range(37, 60)})
_REGISTERED_FROM = {"q08": "2007-04-10", "q09": "2007-04-10", "q31": "2023-09-01"}

# patient_id, practice_code, registration_type, start_date, end_date
REGISTRATIONS = [
    (patient, _PRACTICE_OF[patient], "GMS", _REGISTERED_FROM.get(patient, "2005-01-01"), "")
    for patient, _, _, _ in PATIENTS
]

# The extract, patient by patient: coded events (patient, date, code, value) and medication
# issues (patient, date, dm+d code), with the working of every expected outcome.
EVENTS: list[tuple[str, str, str, str]] = []
MEDICATIONS: list[tuple[str, str, str]] = []
# (patient, register_code): on the register at the achievement date
EXPECTED_REGISTERS: dict[tuple[str, str], bool] = {}
# (patient, indicator): (outcome, reason); outcome numerator / denominator / pca / excluded
EXPECTED_OUTCOMES: dict[tuple[str, str], tuple[str, str | None]] = {}

NUMERATOR = ("numerator", None)
DENOMINATOR = ("denominator", None)


def pca(reason: str) -> tuple[str, str]:
    return ("pca", reason)


def excluded(reason: str) -> tuple[str, str]:
    return ("excluded", reason)


def _events(patient: str, *rows: tuple[str, str] | tuple[str, str, str]) -> None:
    for row in rows:
        day, code = row[0], row[1]
        EVENTS.append((patient, day, code, row[2] if len(row) > 2 else ""))


def _issues(patient: str, *rows: tuple[str, str]) -> None:
    MEDICATIONS.extend((patient, day, code) for day, code in rows)


def _bp(patient: str, day: str, systolic: int, diastolic: int, *, home: bool = False) -> None:
    codes = (HOME_SYSTOLIC, HOME_DIASTOLIC) if home else (CLINIC_SYSTOLIC, CLINIC_DIASTOLIC)
    _events(patient, (day, codes[0], str(systolic)), (day, codes[1], str(diastolic)))


# q01, 63: diabetes since 2015 (not a type 2 code), an earlier impaired glucose tolerance code,
# HbA1c 50 and clinic BP 130/80 in the year, a current-smoker code, a statin in the 6 months.
_events(
    "q01", ("2012-06-01", IMPAIRED_GLUCOSE_TOLERANCE), ("2015-01-01", DIABETES), ("2023-10-01", HBA1C, "50")
)
_bp("q01", "2023-10-01", 130, 80)
_events("q01", ("2023-10-01", CURRENT_SMOKER))
_issues("q01", ("2024-01-15", STATIN))
EXPECTED_REGISTERS[("q01", "DM")] = True
# NDH register: hyperglycaemia code but on the DM register (PCAREF NDHDMIFCC; QOF 23/24 NDH002).
EXPECTED_REGISTERS[("q01", "NDH")] = False
# DM BR DM020 R1 no frailty, R2 latest HbA1c 50 <= 58 in the 12 months: selected.
EXPECTED_OUTCOMES[("q01", "DM020")] = NUMERATOR
# DM BR DM021 R1: no moderate or severe frailty, rejected.
EXPECTED_OUTCOMES[("q01", "DM021")] = excluded("NOTMDSEVFRAIL")
# DM BR DM033 R2: latest clinic reading 130/80 <= 140/90 in the 12 months, the overall latest.
EXPECTED_OUTCOMES[("q01", "DM033")] = NUMERATOR
# DM BR DM022 R1-R4 pass (63, no CVD, no frailty, latest DM code not type 2), R5 statin 15 Jan.
EXPECTED_OUTCOMES[("q01", "DM022")] = NUMERATOR
# DM BR DM023 R1: no CVD history, rejected (CVDNOHIST).
EXPECTED_OUTCOMES[("q01", "DM023")] = excluded("CVDNOHIST")
# DM BR DM006 R1: no proteinuria or micro-albuminuria code ever, rejected.
EXPECTED_OUTCOMES[("q01", "DM006")] = excluded("PRT_COD")
# DM BR DM012 R1: no foot risk classification (FRC_COD); R2-R11 do not apply: denominator.
EXPECTED_OUTCOMES[("q01", "DM012")] = DENOMINATOR
# DM BR DM014 R2: DM_DAT 2015-01-01 <= PPED - 21 months (2022-06-30), rejected.
EXPECTED_OUTCOMES[("q01", "DM014")] = excluded("DM_DAT2")
# SMOK002 (QOF 23/24): a listed condition (DM) and smoking status recorded in the 12 months -
# a current-smoker code (LSMOK_COD) is a smoking status.
EXPECTED_OUTCOMES[("q01", "SMOK002")] = NUMERATOR
# SMOK004 / SMOK005: latest status current smoker, no offer of support: denominator.
EXPECTED_OUTCOMES[("q01", "SMOK004")] = DENOMINATOR
EXPECTED_OUTCOMES[("q01", "SMOK005")] = DENOMINATOR
# BP002: 45 or over with a BP in the 5 years.
EXPECTED_OUTCOMES[("q01", "BP002")] = NUMERATOR

# q02, 74: HbA1c 70 on 1 Jun, then invitations on 1 Jul and 8 Jul (exactly 7 days apart); no BP.
_events("q02", ("2010-01-01", DIABETES), ("2023-06-01", HBA1C, "70"))
_events("q02", ("2023-07-01", DM_INVITE[0]), ("2023-07-08", DM_INVITE[1]))
# DM BR DM020 R8: HbA1c in the year above 58, DMINVITE1 (1 Jul) after it, DMINVITE2 (>= +7 days).
EXPECTED_OUTCOMES[("q02", "DM020")] = pca("DMIFINVITE")
# DM BR DM033 R8: INVITE2 present and no reading at all.
EXPECTED_OUTCOMES[("q02", "DM033")] = pca("DMBPINVITE")
# DM BR DM012 R9 / DM022 R12: two invitations at least 7 days apart in the year.
EXPECTED_OUTCOMES[("q02", "DM012")] = pca("DMINVITE")
EXPECTED_OUTCOMES[("q02", "DM022")] = pca("DMINVITE")

# q03, 69: the first invitation of the year (1 May) came before HbA1c 70 and clinic BP 150/95
# (1 Jun); two more invitations followed on 1 Jul and 10 Jul.
_events("q03", ("2010-01-01", DIABETES), ("2023-05-01", DM_INVITE[0]), ("2023-06-01", HBA1C, "70"))
_bp("q03", "2023-06-01", 150, 95)
_events("q03", ("2023-07-01", DM_INVITE[1]), ("2023-07-10", DM_INVITE[2]))
# DM BR DM020 R8: DMINVITE1 is the first invitation of the year (1 May), not after the reading;
# the second branch needs no reading in the year. R9, R10 no: denominator.
EXPECTED_OUTCOMES[("q03", "DM020")] = DENOMINATOR
# DM BR DM033 R8: likewise DMINVITE1 (1 May) is not after the latest reading (1 Jun).
EXPECTED_OUTCOMES[("q03", "DM033")] = DENOMINATOR
# DM BR DM012 R9: INVITE1 1 May, INVITE2 1 Jul: a process indicator needs only the pair.
EXPECTED_OUTCOMES[("q03", "DM012")] = pca("DMINVITE")

# q04, 79: severe frailty (2022), HbA1c 70 and clinic BP 150/95 in January.
_events("q04", ("2012-01-01", DIABETES), ("2022-06-01", SEVERE_FRAILTY), ("2024-01-10", HBA1C, "70"))
_bp("q04", "2024-01-10", 150, 95)
# DM BR DM020 R1 / DM033 R1 / DM022 R3: latest frailty is severe, rejected.
EXPECTED_OUTCOMES[("q04", "DM020")] = excluded("MDSEVFRAIL")
EXPECTED_OUTCOMES[("q04", "DM033")] = excluded("MDSEVFRAIL")
EXPECTED_OUTCOMES[("q04", "DM022")] = excluded("MDSEVFRAIL")
# DM BR DM021 R1 true -> next, R2 70 <= 75 in the year.
EXPECTED_OUTCOMES[("q04", "DM021")] = NUMERATOR

# q05, 54: mild and moderate frailty coded the same day; HbA1c 60 in November.
_events("q05", ("2014-01-01", DIABETES), ("2023-05-01", MILD_FRAILTY), ("2023-05-01", MODERATE_FRAILTY))
_events("q05", ("2023-11-01", HBA1C, "60"))
# DM BR fields: MODFRAIL_DAT = FRAILLAT_DAT, so a tie with mild counts as moderate/severe.
EXPECTED_OUTCOMES[("q05", "DM020")] = excluded("MDSEVFRAIL")
EXPECTED_OUTCOMES[("q05", "DM021")] = NUMERATOR

# q06, 76: severe frailty (2020) superseded by mild frailty (2023); HbA1c 58 and clinic BP
# 140/90 on the achievement date itself.
_events("q06", ("2011-01-01", DIABETES), ("2020-02-01", SEVERE_FRAILTY), ("2023-09-01", MILD_FRAILTY))
_events("q06", ("2024-03-31", HBA1C, "58"))
_bp("q06", "2024-03-31", 140, 90)
# FRAILLAT_DAT is the mild code: not moderate/severe. 58 <= 58 and 140/90 <= 140/90, inclusive.
EXPECTED_OUTCOMES[("q06", "DM020")] = NUMERATOR
EXPECTED_OUTCOMES[("q06", "DM021")] = excluded("NOTMDSEVFRAIL")
EXPECTED_OUTCOMES[("q06", "DM033")] = NUMERATOR

# q07, 58: diabetes 2015, resolved 2018, diabetes coded again on 1 Oct 2023; no readings.
_events("q07", ("2015-03-01", DIABETES), ("2018-01-01", DIABETES_RESOLVED), ("2023-10-01", DIABETES_OTHER))
# DM BR register R1: the resolved code precedes the latest diabetes code: on the register.
EXPECTED_REGISTERS[("q07", "DM")] = True
# DM_DAT is the earliest diabetes code ever (2015), ignoring the resolution: not newly
# diagnosed, so DM020 / DM033 R9 (DIAG1_DT9M) and DM012 R10 (DIAG1_DAT) do not apply.
EXPECTED_OUTCOMES[("q07", "DM020")] = DENOMINATOR
EXPECTED_OUTCOMES[("q07", "DM033")] = DENOMINATOR
EXPECTED_OUTCOMES[("q07", "DM012")] = DENOMINATOR
# DM BR DM014 R2: DM_DAT 2015 <= 2022-06-30.
EXPECTED_OUTCOMES[("q07", "DM014")] = excluded("DM_DAT2")

# q08, 17 on the achievement date (born 31 Mar 2007): diabetes since 1 Jan 2023.
_events("q08", ("2023-01-01", DIABETES))
# DM BR register R2: PAT_AGE 17 is not < 17.
EXPECTED_REGISTERS[("q08", "DM")] = True
# DM BR DM020: no reading; DM_DAT 1 Jan 2023 is before the 9-month window: denominator.
EXPECTED_OUTCOMES[("q08", "DM020")] = DENOMINATOR
# DM BR DM014: DM_DAT after 2022-06-30 (R2 no), before 1 Jul 2023 (R3 no), not referred: no
# rule rejects, denominator.
EXPECTED_OUTCOMES[("q08", "DM014")] = DENOMINATOR
# DM BR DM022 R1: aged under 40.
EXPECTED_OUTCOMES[("q08", "DM022")] = excluded("PAT_AGEU39")

# q09, 16 on the achievement date (born 1 Apr 2007): diabetes since 1 Jan 2023.
_events("q09", ("2023-01-01", DIABETES))
# DM BR register R2: PAT_AGE 16 < 17, rejected.
EXPECTED_REGISTERS[("q09", "DM")] = False

# q10, 66: diabetes with coronary heart disease (two CHD codes), micro-albuminuria, an ACE
# inhibitor and a statin in the 6 months, HbA1c 48 and clinic BP 138/88 in the year.
_events("q10", ("2012-01-01", DIABETES), ("2016-05-01", CHD[0]), ("2019-04-01", MICROALBUMINURIA[0]))
_events("q10", ("2020-02-01", CHD[1]), ("2023-09-01", HBA1C, "48"))
_bp("q10", "2023-09-01", 138, 88)
_issues("q10", ("2023-11-20", STATIN), ("2024-02-10", ACE_INHIBITOR))
EXPECTED_REGISTERS[("q10", "CHD")] = True
# DM BR DM006 R1 micro-albuminuria present, R2 ACE inhibitor in the 6 months.
EXPECTED_OUTCOMES[("q10", "DM006")] = NUMERATOR
# DM BR DM022 R2: CHD ever is CVD history.
EXPECTED_OUTCOMES[("q10", "DM022")] = excluded("CVDHIST")
# DM BR DM023 R1 CVD -> next, R2 no haemorrhagic stroke, R3 statin 20 Nov (in the 6 months).
EXPECTED_OUTCOMES[("q10", "DM023")] = NUMERATOR
# CHD015 (QOF 23/24): aged 79 or under, latest BP 138/88 <= 140/90 in the year.
EXPECTED_OUTCOMES[("q10", "CHD015")] = NUMERATOR
EXPECTED_OUTCOMES[("q10", "CHD016")] = excluded("PAT_AGEU80")
# CHD005: no antiplatelet or anticoagulant in the year and no PCA: denominator.
EXPECTED_OUTCOMES[("q10", "CHD005")] = DENOMINATOR

# q11, 72: diabetes with peripheral arterial disease and micro-albuminuria; the statin and the
# ACE inhibitor were last issued on 30 Sep 2023, exactly 6 months before PPED.
_events("q11", ("2013-01-01", DIABETES), ("2018-01-01", MICROALBUMINURIA[1]), ("2019-01-01", PAD))
_issues("q11", ("2023-09-30", STATIN), ("2023-09-30", ACE_INHIBITOR))
EXPECTED_REGISTERS[("q11", "PAD")] = True
# DM BR: "currently treated" is an issue after PPED - 6 months (30 Sep excluded). No PCA.
EXPECTED_OUTCOMES[("q11", "DM006")] = DENOMINATOR
EXPECTED_OUTCOMES[("q11", "DM023")] = DENOMINATOR
EXPECTED_OUTCOMES[("q11", "DM022")] = excluded("CVDHIST")

# q12, 64: diabetes and a haemorrhagic stroke (a code of both STRK_COD and HSTRK_COD); statin.
_events("q12", ("2014-01-01", DIABETES), ("2020-03-01", HAEMORRHAGIC_STROKE))
_issues("q12", ("2024-02-01", STATIN))
EXPECTED_REGISTERS[("q12", "STIA")] = True
# DM BR DM022 R2: any stroke code (STRK_COD) ever is CVD history.
EXPECTED_OUTCOMES[("q12", "DM022")] = excluded("CVDHIST")
# DM BR DM023 R1 CVD -> next, R2 haemorrhagic stroke ever: rejected (in neither indicator).
EXPECTED_OUTCOMES[("q12", "DM023")] = excluded("HSTRK")
# STIA007 (PCAREF OSTREXCL): no non-haemorrhagic stroke (a STRK_COD code not in HSTRK_COD) or TIA.
EXPECTED_OUTCOMES[("q12", "STIA007")] = excluded("OSTREXCL")

# q13, 61: diabetes with CKD stage 3-5 never superseded, proteinuria, an ARB issued on
# 1 Oct 2023 (first day of the 6 months) and a statin.
_events("q13", ("2014-01-01", DIABETES), ("2020-01-01", PROTEINURIA), ("2021-05-01", CKD_STAGE_3_TO_5))
_issues("q13", ("2023-10-01", ARB), ("2024-03-01", STATIN))
# CKD register: 18+, latest CKD_COD not followed by a stage 1-2 or resolved code.
EXPECTED_REGISTERS[("q13", "CKD")] = True
# DM BR DM022 R2 / DM023 R1: unresolved CKD 3-5 is CVD history.
EXPECTED_OUTCOMES[("q13", "DM022")] = excluded("CVDHIST")
EXPECTED_OUTCOMES[("q13", "DM023")] = NUMERATOR
# DM BR DM006 R2: ARB on 1 Oct 2023 > PPED - 6 months.
EXPECTED_OUTCOMES[("q13", "DM006")] = NUMERATOR

# q14, 63: diabetes; CKD stage 3-5 in 2019 superseded by a stage 1-2 code in 2022; no statin.
_events("q14", ("2014-01-01", DIABETES), ("2019-01-01", CKD_STAGE_3_TO_5), ("2022-01-01", CKD_STAGE_1_OR_2))
EXPECTED_REGISTERS[("q14", "CKD")] = False
# DM BR DM022 R2: CKD1AND2_DAT after CKD_DAT, so no CVD history; R3-R14 no: denominator.
EXPECTED_OUTCOMES[("q14", "DM022")] = DENOMINATOR
EXPECTED_OUTCOMES[("q14", "DM023")] = excluded("CVDNOHIST")

# q15, 60: type 2 diabetes (its only diabetes code is a type 2 code), CVD risk score 8% in
# May 2022 (within 3 years), no statin.
_events("q15", ("2016-01-01", DIABETES_TYPE2), ("2022-05-01", CVD_RISK_SCORE, "8"))
# DM BR DM022 R4: DMTYPE2_DAT = DMLAT_DAT, a score < 10% after ACHV - 3 years, none >= 10% later.
EXPECTED_OUTCOMES[("q15", "DM022")] = excluded("DMTYPE2")

# q16, 57: clinic BP 150/95 in June, then a home reading 134/84 in February.
_events("q16", ("2010-01-01", DIABETES))
_bp("q16", "2023-06-01", 150, 95)
_bp("q16", "2024-02-01", 134, 84, home=True)
# DM BR DM033 R3: the home reading is the overall latest and <= 135/85.
EXPECTED_OUTCOMES[("q16", "DM033")] = NUMERATOR

# q17, 59: a home reading 138/84 only (within the clinic target, above the home one).
_events("q17", ("2010-01-01", DIABETES))
_bp("q17", "2024-02-01", 138, 84, home=True)
# DM BR DM033 R3: 138 > 135; R4-R10 no: denominator.
EXPECTED_OUTCOMES[("q17", "DM033")] = DENOMINATOR

# q18, 54: BP declined in August, no BP ever; HbA1c 45 in August.
_events("q18", ("2012-01-01", DIABETES), ("2023-08-01", BP_DECLINED), ("2023-08-01", HBA1C, "45"))
# DM BR DM033 R6 (BPORHBPDEC): BP declined in the 12 months.
EXPECTED_OUTCOMES[("q18", "DM033")] = pca("BPORHBPDEC")
EXPECTED_OUTCOMES[("q18", "DM020")] = NUMERATOR
# BP002: no BP in 5 years, BP declined in them (PCAREF BPDEC1).
EXPECTED_OUTCOMES[("q18", "BP002")] = pca("BPDEC1")

# q19, 67: last HbA1c in December 2022; serum fructosamine in December 2023.
_events("q19", ("2012-01-01", DIABETES), ("2022-12-01", HBA1C, "80"), ("2023-12-01", FRUCTOSAMINE, "300"))
# DM BR DM020 R3 (IFCCHBA): no HbA1c in the year and fructosamine in it.
EXPECTED_OUTCOMES[("q19", "DM020")] = pca("IFCCHBA")

# q20, 44: diabetes diagnosed 1 Sep 2022; HbA1c 50 on 31 Mar 2023, exactly 12 months before.
_events("q20", ("2022-09-01", DIABETES), ("2023-03-31", HBA1C, "50"))
# DM BR DM020 R2: the reading is not after PPED - 12 months; R3 no fructosamine; R9 DM_DAT not
# in the 9 months: denominator.
EXPECTED_OUTCOMES[("q20", "DM020")] = DENOMINATOR
# DM BR DM014: DM_DAT in (2022-06-30, 2023-07-01): R2, R3 no; never referred: denominator.
EXPECTED_OUTCOMES[("q20", "DM014")] = DENOMINATOR
# DM BR DM022: 44, no CVD, no statin, no PCA: denominator.
EXPECTED_OUTCOMES[("q20", "DM022")] = DENOMINATOR

# q21, 48: diabetes first coded 15 Aug 2023; no readings.
_events("q21", ("2023-08-15", DIABETES))
# DM BR DM020 R9 / DM033 R9: DM_DAT in the 9 months.
EXPECTED_OUTCOMES[("q21", "DM020")] = pca("DIAG1_DT9M")
EXPECTED_OUTCOMES[("q21", "DM033")] = pca("DIAG1_DT9M")
# DM BR DM014 R3: diagnosed in the 9 months and not yet referred.
EXPECTED_OUTCOMES[("q21", "DM014")] = excluded("DM_DAT3")
# DM BR DM012 R10: DIAG1_DAT is 3 months, 15 Aug is before it: denominator.
EXPECTED_OUTCOMES[("q21", "DM012")] = DENOMINATOR

# q22, 54: hypertension, clinic BP 138/88 in December, an ex-smoker code in May.
_events("q22", ("2012-01-01", HYPERTENSION), ("2023-05-01", EX_SMOKER))
_bp("q22", "2023-12-01", 138, 88)
EXPECTED_REGISTERS[("q22", "HYP")] = True
# HYP008 (QOF 23/24): 79 or under, latest BP 138/88 <= 140/90 in the year.
EXPECTED_OUTCOMES[("q22", "HYP008")] = NUMERATOR
EXPECTED_OUTCOMES[("q22", "HYP009")] = excluded("PAT_AGEU80")
# SMOK002: hypertension, smoking status (an ex-smoker code, EXSMOK_COD) in the year.
EXPECTED_OUTCOMES[("q22", "SMOK002")] = NUMERATOR
# SMOK004 (PCAREF CSMOK): latest status is not current smoker.
EXPECTED_OUTCOMES[("q22", "SMOK004")] = excluded("CSMOK")

# q23, 85: hypertension, clinic BP 148/88 in February.
_events("q23", ("2012-01-01", HYPERTENSION))
_bp("q23", "2024-02-01", 148, 88)
# HYP009: 80 or over, 148/88 <= 150/90.
EXPECTED_OUTCOMES[("q23", "HYP009")] = NUMERATOR
EXPECTED_OUTCOMES[("q23", "HYP008")] = excluded("PAT_AGEO79")

# q24, 59: hypertension, a home reading 138/84 in January.
_events("q24", ("2012-01-01", HYPERTENSION))
_bp("q24", "2024-01-01", 138, 84, home=True)
# HYP008: a home reading is judged against 135/85: 138 > 135; no PCA: denominator.
EXPECTED_OUTCOMES[("q24", "HYP008")] = DENOMINATOR

# q25, 64: hypertension, a home reading 134/85 in January.
_events("q25", ("2012-01-01", HYPERTENSION))
_bp("q25", "2024-01-01", 134, 85, home=True)
# HYP008: 134/85 <= 135/85 (inclusive).
EXPECTED_OUTCOMES[("q25", "HYP008")] = NUMERATOR

# q26, 52: hypertension, informed dissent in May, clinic BP 152/92 in February.
_events("q26", ("2012-01-01", HYPERTENSION), ("2023-05-01", HYP_DISSENT))
_bp("q26", "2024-02-01", 152, 92)
# HYP008: above target; HTMAX, HYPPCAPU, BPORHBPDEC no; HYPPCADEC in the year.
EXPECTED_OUTCOMES[("q26", "HYP008")] = pca("HYPPCADEC")

# q27, 44: hypertension first coded 1 Aug 2023; no BP.
_events("q27", ("2023-08-01", HYPERTENSION))
# HYP008: earliest hypertension code in the 9 months (PCAREF DIAG1_DT9M).
EXPECTED_OUTCOMES[("q27", "HYP008")] = pca("DIAG1_DT9M")

# q28, 74: hypertension 2010, resolved 2020.
_events("q28", ("2010-01-01", HYPERTENSION), ("2020-01-01", HYPERTENSION_RESOLVED))
EXPECTED_REGISTERS[("q28", "HYP")] = False

# q29, 56: clinic BP 150/95 on 1 Jun, then hypertension invitations on 1 Jul and 8 Jul.
_events("q29", ("2012-01-01", HYPERTENSION), ("2023-07-01", HYP_INVITE[0]), ("2023-07-08", HYP_INVITE[1]))
_bp("q29", "2023-06-01", 150, 95)
# HYP008 (PCAREF HYPBPINV): latest BP above target, followed by two invitations 7 days apart.
EXPECTED_OUTCOMES[("q29", "HYP008")] = pca("HYPBPINV")

# q30, 69: maximal BP therapy coded with a clinic BP of 160/100 in November.
_events("q30", ("2011-01-01", HYPERTENSION), ("2023-11-01", MAXIMAL_BP_THERAPY))
_bp("q30", "2023-11-01", 160, 100)
# HYP008: above target, then HTMAX in the year.
EXPECTED_OUTCOMES[("q30", "HYP008")] = pca("HTMAX")

# q31, 39: registered on 1 Sep 2023 with hypertension from 2015; no BP.
_events("q31", ("2015-01-01", HYPERTENSION))
# HYP008: not newly diagnosed, registered in the 9 months (PCAREF REG1_DAT9).
EXPECTED_OUTCOMES[("q31", "HYP008")] = pca("REG1_DAT9")
# BP002: under 45 (PCAREF PAT_AGEU45).
EXPECTED_OUTCOMES[("q31", "BP002")] = excluded("PAT_AGEU45")

# q32, 83: coronary heart disease coded three times, clinic BP 148/89 in March, aspirin.
_events("q32", ("2010-01-01", CHD[0]), ("2015-01-01", CHD[1]), ("2020-01-01", CHD[2]))
_bp("q32", "2024-03-01", 148, 89)
_issues("q32", ("2023-12-01", ASPIRIN))
EXPECTED_REGISTERS[("q32", "CHD")] = True
# CHD016: 80 or over, 148/89 <= 150/90. CHD015: over 79.
EXPECTED_OUTCOMES[("q32", "CHD016")] = NUMERATOR
EXPECTED_OUTCOMES[("q32", "CHD015")] = excluded("PAT_AGEO79")
# CHD005: aspirin issued in the year.
EXPECTED_OUTCOMES[("q32", "CHD005")] = NUMERATOR

# q33, 69: two further coronary heart disease codes, clinic BP 142/80 in January.
_events("q33", ("2018-01-01", CHD[3]), ("2018-06-01", CHD[4]))
_bp("q33", "2024-01-05", 142, 80)
EXPECTED_REGISTERS[("q33", "CHD")] = True
# CHD015: 142 > 140; no PCA: denominator. CHD005: no antiplatelet: denominator.
EXPECTED_OUTCOMES[("q33", "CHD015")] = DENOMINATOR
EXPECTED_OUTCOMES[("q33", "CHD005")] = DENOMINATOR

# q34, 74: atrial fibrillation since 2019, a DOAC in February, no stroke risk score.
_events("q34", ("2019-01-01", ATRIAL_FIBRILLATION))
_issues("q34", ("2024-02-01", DOAC))
EXPECTED_REGISTERS[("q34", "AF")] = True
# AF008 (PCAREF CHADVASC): no CHADS2 / CHA2DS2-VASc score, excluded.
EXPECTED_OUTCOMES[("q34", "AF008")] = excluded("CHADVASC")
# AF006: no earlier score >= 2 (CHAD_VAL2 no), no assessment in the year, no PCA: denominator.
EXPECTED_OUTCOMES[("q34", "AF006")] = DENOMINATOR

# q35, 78: a non-haemorrhagic stroke (2018), aspirin and clinic BP 138/85 in January.
_events("q35", ("2018-01-01", STROKE))
_bp("q35", "2024-01-10", 138, 85)
_issues("q35", ("2024-01-10", ASPIRIN))
EXPECTED_REGISTERS[("q35", "STIA")] = True
EXPECTED_OUTCOMES[("q35", "STIA007")] = NUMERATOR
EXPECTED_OUTCOMES[("q35", "STIA014")] = NUMERATOR
EXPECTED_OUTCOMES[("q35", "STIA015")] = excluded("PAT_AGEU80")

# q36, 86: a TIA in 2021, no antiplatelet, no BP.
_events("q36", ("2021-01-01", TIA))
EXPECTED_REGISTERS[("q36", "STIA")] = True
# STIA007: a TIA, no antiplatelet, no PCA: denominator. STIA015: no BP, no PCA: denominator.
EXPECTED_OUTCOMES[("q36", "STIA007")] = DENOMINATOR
EXPECTED_OUTCOMES[("q36", "STIA015")] = DENOMINATOR
EXPECTED_OUTCOMES[("q36", "STIA014")] = excluded("PAT_AGEO79")

# q37, 68: COPD since 2015 (before 1 Apr 2023), a COPD review in October with no exacerbation
# count or MRC grade.
_events("q37", ("2015-01-01", COPD), ("2023-10-01", COPD_REVIEW))
EXPECTED_REGISTERS[("q37", "COPD")] = True
# COPD010: the review lacks its elements; no PCA: denominator.
EXPECTED_OUTCOMES[("q37", "COPD010")] = DENOMINATOR

# q38, 63: COPD first coded 1 Sep 2023, FEV1/FVC 0.65 two weeks later.
_events("q38", ("2023-09-01", COPD), ("2023-09-15", FEV1_FVC_RATIO, "0.65"))
# COPD015: diagnosed from 1 Apr 2023 with FEV1/FVC < 0.7 from 93 days before to 186 days after.
EXPECTED_REGISTERS[("q38", "COPD")] = True
# COPD010: no review; diagnosed before the 3 months: denominator.
EXPECTED_OUTCOMES[("q38", "COPD010")] = DENOMINATOR

# q39, 74: COPD 2010, resolved 2020.
_events("q39", ("2010-01-01", COPD), ("2020-01-01", COPD_RESOLVED))
EXPECTED_REGISTERS[("q39", "COPD")] = False

# q40, 34: asthma with an inhaler in November; a review in June with its written plan, control
# questionnaire and exacerbation count the same day, and a later review in February alone.
_events("q40", ("2010-01-01", ASTHMA), ("2023-06-01", ASTHMA_REVIEW[0]), ("2023-06-01", ASTHMA_PLAN))
_events("q40", ("2023-06-01", ASTHMA_CONTROL, "20"), ("2023-06-01", ASTHMA_EXACERBATIONS, "1"))
_events("q40", ("2024-02-01", ASTHMA_REVIEW[1]))
_issues("q40", ("2023-11-01", ASTHMA_DRUG))
# AST005 (QOF 23/24): 6 or over, unresolved asthma, an asthma drug in the 12 months.
EXPECTED_REGISTERS[("q40", "AST")] = True
# AST007: a review in the year with its elements (the June review; any review counts,
# docs/assumptions.md OA1).
EXPECTED_OUTCOMES[("q40", "AST007")] = NUMERATOR

# q41, 38: asthma, the last inhaler issued on 31 Mar 2023, exactly 12 months before.
_events("q41", ("2015-01-01", ASTHMA))
_issues("q41", ("2023-03-31", ASTHMA_DRUG))
# AST005: no asthma drug in the 12 months: not on the register.
EXPECTED_REGISTERS[("q41", "AST")] = False

# q42, 38: epilepsy with an anti-epileptic drug in January.
_events("q42", ("2010-01-01", EPILEPSY))
_issues("q42", ("2024-01-20", ANTIEPILEPTIC))
# EP001 (QOF 23/24): 18 or over, epilepsy, on drug treatment (an issue in the 6 months).
EXPECTED_REGISTERS[("q42", "EP")] = True

# q43, 34: epilepsy, the last anti-epileptic drug issued on 30 Sep 2023 (6 months before).
_events("q43", ("2010-01-01", EPILEPSY))
_issues("q43", ("2023-09-30", ANTIEPILEPTIC))
EXPECTED_REGISTERS[("q43", "EP")] = False

# q44, 24: learning disability.
_events("q44", ("2005-01-01", LEARNING_DISABILITY))
EXPECTED_REGISTERS[("q44", "LD")] = True

# q45, 49: psychosis since 2012, clinic BP and a BMI of 27 in November, no care plan.
_events("q45", ("2012-01-01", PSYCHOSIS), ("2023-11-01", BMI, "27"))
_bp("q45", "2023-11-01", 125, 80)
EXPECTED_REGISTERS[("q45", "MH")] = True
EXPECTED_OUTCOMES[("q45", "MH002")] = DENOMINATOR
EXPECTED_OUTCOMES[("q45", "MH003")] = NUMERATOR
EXPECTED_OUTCOMES[("q45", "MH006")] = NUMERATOR

# q46, 43: lithium issued in November and January, no psychosis code.
_issues("q46", ("2023-11-10", LITHIUM), ("2024-01-10", LITHIUM))
# MH001 (QOF 23/24): on lithium therapy (an issue in the 6 months).
EXPECTED_REGISTERS[("q46", "MH")] = True

# q47, 54: lithium last issued on 1 Sep 2023 (before the 6 months), no psychosis code.
_issues("q47", ("2023-09-01", LITHIUM))
EXPECTED_REGISTERS[("q47", "MH")] = False

# q48, 89: dementia first coded 1 Feb 2024; no BP ever.
_events("q48", ("2024-02-01", DEMENTIA))
EXPECTED_REGISTERS[("q48", "DEM")] = True
# DEM004: no care plan review; diagnosed in the 3 months (DIAG1_DAT).
EXPECTED_OUTCOMES[("q48", "DEM004")] = pca("DIAG1_DAT")
# BP002: 45 or over, no BP and no decline in 5 years, registered long ago: denominator.
EXPECTED_OUTCOMES[("q48", "BP002")] = DENOMINATOR

# q49, 73: cancer diagnosed 1 Jun 2023, no review and no support information yet.
_events("q49", ("2023-06-01", CANCER[0]))
EXPECTED_REGISTERS[("q49", "CAN")] = True
# CAN004 (PCAREF DIAGCRV12M): diagnosed in the 12 months and not yet reviewed: excluded.
EXPECTED_OUTCOMES[("q49", "CAN004")] = excluded("DIAGCRV12M")
# CAN005: diagnosed in the 12 months, more than 3 months ago, no support information: denominator.
EXPECTED_OUTCOMES[("q49", "CAN005")] = DENOMINATOR

# q50, 83: cancer diagnosed in 2001.
_events("q50", ("2001-01-01", CANCER[1]))
# CAN001 (QOF 23/24): diagnosed on or after 1 April 2003.
EXPECTED_REGISTERS[("q50", "CAN")] = False

# q51, 38: depression first coded 1 Nov 2023, reviewed 19 days later.
_events("q51", ("2023-11-01", DEPRESSION), ("2023-11-20", DEPRESSION_REVIEW))
EXPECTED_REGISTERS[("q51", "DEP")] = True
# DEP004: a new diagnosis reviewed 10 to 56 days after it.
EXPECTED_OUTCOMES[("q51", "DEP004")] = NUMERATOR

# q52, 33: depression first coded in 2021.
_events("q52", ("2021-01-01", DEPRESSION))
EXPECTED_REGISTERS[("q52", "DEP")] = True
# DEP004 (PCAREF DEPR_DAT2): diagnosed 15 months or more before PPED.
EXPECTED_OUTCOMES[("q52", "DEP004")] = excluded("DEPR_DAT2")

# q53, 79: palliative care coded in December.
_events("q53", ("2023-12-01", PALLIATIVE_CARE))
EXPECTED_REGISTERS[("q53", "PC")] = True

# q54, 76: palliative care 2022, later "no longer indicated" (PCAREF PALCARDAT2).
_events("q54", ("2022-01-01", PALLIATIVE_CARE), ("2023-06-01", PALLIATIVE_CARE_NOT_INDICATED))
EXPECTED_REGISTERS[("q54", "PC")] = False

# q55, 78: a fragility fracture in 2020.
_events("q55", ("2020-05-01", FRAGILITY_FRACTURE))
# OST004 (QOF 23/24): 75 or over with a fragility fracture on or after 1 April 2014.
EXPECTED_REGISTERS[("q55", "OST")] = True

# q56, 63: a fragility fracture, osteoporosis and an osteoporotic DXA result in 2019.
_events(
    "q56", ("2019-03-01", FRAGILITY_FRACTURE), ("2019-03-01", OSTEOPOROSIS), ("2019-03-10", DXA_OSTEOPOROTIC)
)
# OST004: 50 to 74 with a fracture on or after 1 April 2012 and DXA-confirmed osteoporosis.
EXPECTED_REGISTERS[("q56", "OST")] = True

# q57, 53: rheumatoid arthritis; a BMI of 32 in September.
_events("q57", ("2015-01-01", RHEUMATOID_ARTHRITIS), ("2023-09-01", BMI, "32"))
# RA001: 16 or over. OB003: 18 or over, latest BMI in the 12 months >= 30.
EXPECTED_REGISTERS[("q57", "RA")] = True
EXPECTED_REGISTERS[("q57", "OB")] = True

# q58, 15: rheumatoid arthritis coded in 2022.
_events("q58", ("2022-01-01", RHEUMATOID_ARTHRITIS))
EXPECTED_REGISTERS[("q58", "RA")] = False

# q59, 51: impaired glucose tolerance (2022), HbA1c 44 in October; BMI 33 in December 2022 and
# 29 in June 2023.
_events("q59", ("2022-01-01", IMPAIRED_GLUCOSE_TOLERANCE), ("2022-12-01", BMI, "33"))
_events("q59", ("2023-06-01", BMI, "29"), ("2023-10-10", HBA1C, "44"))
# NDH002 register: 18 or over, non-diabetic hyperglycaemia, never diabetic.
EXPECTED_REGISTERS[("q59", "NDH")] = True
EXPECTED_OUTCOMES[("q59", "NDH002")] = NUMERATOR
# OB003: the latest BMI in the 12 months is 29; the 33 is older than 12 months.
EXPECTED_REGISTERS[("q59", "OB")] = False


def write_published_extract(directory: Path) -> Path:
    """Write the extract as CSV files into `directory` and return it."""
    events = [
        (f"e{index:04d}", patient, _PRACTICE_OF[patient], day, code, value, "")
        for index, (patient, day, code, value) in enumerate(EVENTS, start=1)
    ]
    medications = [
        (f"m{index:04d}", patient, _PRACTICE_OF[patient], day, code, "28")
        for index, (patient, day, code) in enumerate(MEDICATIONS, start=1)
    ]
    return write_extract_tables(directory, PRACTICES, PATIENTS, REGISTRATIONS, events, medications)
