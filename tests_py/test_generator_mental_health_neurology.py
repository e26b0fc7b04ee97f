"""Care histories of the mental health / neurology / osteoporosis plugin
(`qof_warehouse.synthetic.care.mental_health_neurology`), checked from the written files."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from cluster_seed import cluster_seed_frame

from qof_warehouse.synthetic.generator import GeneratorConfig, generate_extract

ACH = pd.Timestamp(date(2024, 3, 31))
WINDOW_START = pd.Timestamp(date(2023, 4, 1))  # first day of the 12 months up to PPED


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("neuro_ms")
    generate_extract(
        out, GeneratorConfig(n_patients=12_000, n_practices=6, n_pcns=2, seed=11, dirty_share=0.0)
    )
    tables = {t: pd.read_csv(out / f"{t}.csv", dtype=str) for t in ("events", "medications", "patients")}
    seed = cluster_seed_frame()
    snomed = seed[seed["code_system"] == "snomed"][["cluster_code", "code"]].drop_duplicates()
    dmd = seed[seed["code_system"] == "dmd"][["cluster_code", "code"]].drop_duplicates()
    events = tables["events"].merge(snomed, left_on="snomed_code", right_on="code")
    events["day"] = pd.to_datetime(events["event_date"])
    meds = tables["medications"].merge(dmd, left_on="dmd_code", right_on="code")
    meds["day"] = pd.to_datetime(meds["issue_date"])
    return {"events": events, "meds": meds, "patients": tables["patients"]}


SHIPS_REMISSION_CODES = bool((cluster_seed_frame()["cluster_code"] == "MHREM_COD").any())


def patients_with(events: pd.DataFrame, cluster: str, since: pd.Timestamp | None = None) -> set[str]:
    rows = events[events["cluster_code"] == cluster]
    if since is not None:
        rows = rows[rows["day"] >= since]
    return set(rows["patient_id"])


def test_dementia_care_plan_reviews_and_exceptions(extract: dict[str, pd.DataFrame]) -> None:
    ev = extract["events"]
    dementia = patients_with(ev, "DEM_COD")
    assert len(dementia) >= 30
    reviewed = patients_with(ev, "DEMCPRVW_COD", WINDOW_START) & dementia
    assert 0.45 <= len(reviewed) / len(dementia) <= 0.95
    assert patients_with(ev, "DEMCPRVW_COD") <= dementia
    exceptions = set().union(
        *(patients_with(ev, c) for c in ("DEMPCAPU_COD", "DEMCPDEC_COD", "DEMPCADEC_COD"))
    )
    assert exceptions and exceptions <= dementia
    assert patients_with(ev, "DEMINVITE_COD") <= dementia


def test_depression_reviews_fall_around_the_10_to_56_day_window(extract: dict[str, pd.DataFrame]) -> None:
    ev = extract["events"]
    diagnoses = ev[ev["cluster_code"] == "DEPR_COD"].groupby("patient_id")["day"].min().rename("diagnosed")
    reviews = ev[ev["cluster_code"] == "DEPRVW_COD"].groupby("patient_id")["day"].min().rename("reviewed")
    joined = reviews.to_frame().join(diagnoses, how="inner")
    assert len(joined) == len(reviews)  # every review belongs to a depression patient
    offset = (joined["reviewed"] - joined["diagnosed"]).dt.days
    first_episode = offset[offset >= 0]
    in_window = first_episode.between(10, 56)
    assert 0.6 <= in_window.mean() <= 0.95
    assert {10, 56} <= set(first_episode) and ({9, 57} & set(first_episode))
    # Episodes that began in the last months of the previous year were often reviewed then.
    assert (joined["reviewed"] < WINDOW_START).any() and (joined["reviewed"] >= WINDOW_START).any()


def test_smi_physical_health_check_elements(extract: dict[str, pd.DataFrame]) -> None:
    ev = extract["events"]
    smi = patients_with(ev, "MH_COD")
    assert len(smi) >= 60
    # Shares over everyone ever coded (including patients who left, died or are in remission).
    for cluster, low in (("MHP_COD", 0.4), ("SYSBP_COD", 0.55), ("ALC_COD", 0.45), ("CHOL2_COD", 0.4)):
        share = len(patients_with(ev, cluster, WINDOW_START) & smi) / len(smi)
        assert low <= share <= 1.0, (cluster, share)
    smoking = set().union(
        *(patients_with(ev, c, WINDOW_START) for c in ("LSMOK_COD", "EXSMOK_COD", "NSMOK_COD"))
    )
    assert len(smoking & smi) / len(smi) >= 0.45
    excepted = patients_with(ev, "MHPCADEC_COD", WINDOW_START) | patients_with(
        ev, "MHPCAPU_COD", WINDOW_START
    )
    assert 0.02 <= len(excepted & smi) / len(smi) <= 0.3
    remission = patients_with(ev, "MHREM_COD")
    if SHIPS_REMISSION_CODES:
        assert remission and remission <= smi
    else:  # MHREM_COD has no published list and no curated code: none is invented
        assert not remission


def test_lithium_for_patients_in_remission_and_without_a_psychosis_code(
    extract: dict[str, pd.DataFrame],
) -> None:
    ev, meds = extract["events"], extract["meds"]
    lithium = meds[meds["cluster_code"] == "LIT_COD"]
    on_lithium = set(lithium["patient_id"])
    if SHIPS_REMISSION_CODES:  # in remission, kept on the register by lithium
        assert on_lithium & patients_with(ev, "MHREM_COD")
    assert on_lithium - patients_with(ev, "MH_COD")  # lithium without a psychosis code
    gaps = (
        lithium.sort_values(["patient_id", "dmd_code", "day"])
        .groupby(["patient_id", "dmd_code"])["day"]
        .diff()
    )
    assert gaps.dt.days.dropna().between(21, 63).all()
    aed = meds[meds["cluster_code"] == "EPILDRUG_COD"]
    assert set(aed["patient_id"]) <= patients_with(ev, "EPIL_COD")


def test_osteoporosis_fractures_and_dxa(extract: dict[str, pd.DataFrame]) -> None:
    ev = extract["events"]
    osteoporosis = patients_with(ev, "OSTEO_COD")
    fractured = patients_with(ev, "FF_COD")
    assert osteoporosis and osteoporosis <= fractured
    assert 0.6 <= len(patients_with(ev, "DXA_COD") & osteoporosis) / len(osteoporosis) < 1.0
    fracture_only = fractured - osteoporosis
    assert fracture_only
    dob = extract["patients"].set_index("patient_id")["date_of_birth"].map(pd.Timestamp)
    age = (ACH - dob.loc[sorted(fracture_only)]).dt.days / 365.25
    assert (age >= 75).all()
