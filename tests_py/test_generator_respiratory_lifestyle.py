"""Tests of the respiratory and lifestyle care histories of the synthetic generator
(`qof_warehouse.synthetic.care.respiratory_lifestyle`): asthma, COPD, smoking, obesity,
non-diabetic hyperglycaemia and vaccinations.

The checks read the written files back and join them to the cluster seed, so they test what
the warehouse will see.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from cluster_seed import cluster_seed_frame

from qof_warehouse.synthetic.generator import GeneratorConfig, generate_extract

ACH = pd.Timestamp(date(2024, 3, 31))
WINDOW_START = pd.Timestamp(date(2023, 4, 1))  # first day of the 12 months up to PPED
CONFIG = GeneratorConfig(n_patients=12_000, n_practices=6, n_pcns=2, n_icbs=1, seed=11, dirty_share=0.0)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def extract_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("resp_ls")
    generate_extract(out, CONFIG)
    return out


@pytest.fixture(scope="module")
def events(extract_dir: Path) -> pd.DataFrame:
    """Clean events joined to every cluster of their code, with dates and numeric values."""
    seed = cluster_seed_frame()
    ev = _read(extract_dir / "events.csv").merge(
        seed[["cluster_code", "code"]], left_on="snomed_code", right_on="code"
    )
    return ev.assign(day=pd.to_datetime(ev["event_date"]), num=pd.to_numeric(ev["value"], errors="coerce"))


@pytest.fixture(scope="module")
def patients(extract_dir: Path) -> pd.DataFrame:
    pats = _read(extract_dir / "patients.csv").drop_duplicates("patient_id")
    return pats.assign(dob=pd.to_datetime(pats["date_of_birth"])).set_index("patient_id")


@pytest.fixture(scope="module")
def manifest(extract_dir: Path) -> dict[str, object]:
    return json.loads((extract_dir / "manifest.json").read_text())


def _cluster(events: pd.DataFrame, *clusters: str) -> pd.DataFrame:
    return events[events["cluster_code"].isin(clusters)]


def _in_window(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["day"] >= WINDOW_START) & (frame["day"] <= ACH)]


def test_asthma_reviews_carry_a_plan_control_and_exacerbation_count(events: pd.DataFrame) -> None:
    reviews = _in_window(_cluster(events, "REV_COD"))
    latest = reviews.groupby("patient_id")["day"].max()
    asthma = set(_cluster(events, "AST_COD")["patient_id"])
    assert len(latest) > 0.4 * len(asthma)  # most asthma patients are reviewed in the year
    plans = set(map(tuple, _cluster(events, "WRITPASTP_COD")[["patient_id", "day"]].to_numpy()))
    same_day = pd.Series([(p, d) in plans for p, d in latest.items()])
    assert 0.75 <= same_day.mean() <= 0.97, same_day.mean()
    control = _cluster(events, "ASTCONTASS_COD").merge(latest.rename("review"), on="patient_id")
    gap = (control["review"] - control["day"]).dt.days
    recent = control[(gap >= 0) & (gap <= 31)]["patient_id"].nunique() / len(latest)
    assert 0.8 <= recent <= 0.98, recent
    assert ((gap == 32) | (gap == 28)).any()  # boundary cases just outside and inside the month
    for cluster in ("ASTPCAPU_COD", "ASTMONDEC_COD", "ASTPCADEC_COD", "ASTINVITE_COD"):
        assert len(_in_window(_cluster(events, cluster))) > 0, cluster


def test_new_asthma_diagnoses_get_objective_tests_around_diagnosis(events: pd.DataFrame) -> None:
    first = _cluster(events, "AST_COD").groupby("patient_id")["day"].min()
    new = first[first >= ACH - pd.Timedelta(days=400)]
    assert len(new) >= 10
    spirometry = _cluster(events, "ASTSPIR_COD").merge(new.rename("diagnosis"), on="patient_id")
    offset = (spirometry["day"] - spirometry["diagnosis"]).dt.days
    tested = spirometry[offset.between(-93, 186)]["patient_id"].nunique() / len(new)
    assert 0.35 <= tested <= 0.9, tested
    others = _cluster(events, "FENO_COD", "PEFR_COD", "BDREVERS_COD")
    all_spirometry = set(_cluster(events, "ASTSPIR_COD")["patient_id"])
    assert others["patient_id"].isin(all_spirometry).all()  # second tests go with spirometry
    exceptions = _cluster(
        events, "SPIRPU_COD", "SPIRPCASU_COD", "FENOPCASU_COD", "ASTPCASU_COD", "SPIRDEC_COD"
    )
    assert len(exceptions) > 0 and exceptions["patient_id"].isin(set(first.index)).all()
    assert (exceptions["day"] >= WINDOW_START - pd.Timedelta(days=200)).all()


def test_young_asthma_patients_have_smoke_exposure_recorded(
    events: pd.DataFrame, patients: pd.DataFrame
) -> None:
    exposure = _in_window(_cluster(events, "SMOKEXPOS_COD", "NOSMOKEXPOS_COD"))
    assert len(exposure) > 0
    age = (ACH - patients.loc[exposure["patient_id"], "dob"]).dt.days / 365.25
    assert (age < 20.5).all()
    assert exposure["patient_id"].isin(set(_cluster(events, "AST_COD")["patient_id"])).all()


def test_copd_spirometry_reviews_and_rehabilitation(events: pd.DataFrame) -> None:
    ratio = _cluster(events, "FEV1FVC_COD")
    assert len(ratio) > 0 and ratio["num"].between(30, 95).all() and ratio["unit"].isna().all()
    first = _cluster(events, "COPD_COD").groupby("patient_id")["day"].min()
    new = first[first >= pd.Timestamp(date(2023, 4, 1))]
    near = ratio.merge(new.rename("diagnosis"), on="patient_id")
    near = near[(near["day"] - near["diagnosis"]).dt.days.between(-93, 186)]
    assert near["patient_id"].nunique() >= 0.6 * len(new)
    assert (near["num"] < 70).mean() > 0.6 and (near["num"] >= 70).any()  # some not confirmed
    reviews = _in_window(_cluster(events, "COPDRVW_COD"))
    copd = set(_cluster(events, "COPD_COD")["patient_id"])
    assert len(reviews) > 0 and reviews["patient_id"].isin(copd).all()
    mrc = _in_window(_cluster(events, "MRC_COD"))
    assert mrc["patient_id"].isin(set(reviews["patient_id"])).mean() > 0.9
    high = _in_window(_cluster(events, "MRC1_COD"))
    assert 0.2 <= high["patient_id"].nunique() / mrc["patient_id"].nunique() <= 0.6
    offers = _cluster(events, "PULRHBOFF_COD", "PULRHBDEC_COD")
    assert offers["patient_id"].isin(set(high["patient_id"])).mean() > 0.8
    assert len(_cluster(events, "PULRHBATT_COD")) > 0


def test_smoking_status_is_recorded_and_smokers_are_offered_support(
    events: pd.DataFrame, patients: pd.DataFrame
) -> None:
    status = _cluster(events, "LSMOK_COD", "EXSMOK_COD", "NSMOK_COD")
    adults = patients[(ACH - patients["dob"]).dt.days >= 15 * 366]
    recorded = adults.index.isin(status["patient_id"]).mean()
    assert 0.75 <= recorded <= 0.95, recorded
    born = patients.loc[status["patient_id"], "dob"].to_numpy()
    assert ((status["day"].to_numpy() - born) >= pd.Timedelta(days=int(15 * 365.25))).all()
    latest = status.sort_values("day").groupby("patient_id")["cluster_code"].last()
    current = (latest == "LSMOK_COD").mean()
    assert 0.1 <= current <= 0.25, current
    offers = _cluster(events, "REFERSSSA_COD", "PHARM_COD")
    assert len(_in_window(offers)) > 0
    smokers = set(status.loc[status["cluster_code"] == "LSMOK_COD", "patient_id"])
    assert offers["patient_id"].isin(smokers).all()
    for cluster in ("SMOKSTATDEC_COD", "SMOKPCAPU_COD", "SMOKPCADEC_COD", "SMOKINVITE_COD"):
        assert len(_in_window(_cluster(events, cluster))) > 0, cluster


def test_bmi_boundaries_and_ndh_fasting_glucose(events: pd.DataFrame, manifest: dict[str, object]) -> None:
    bmi = _cluster(events, "BMIVAL_COD")
    on_day = bmi[bmi["day"] == ACH]
    assert (on_day["num"] == 30.0).any() and (on_day["num"] == 29.9).any()
    assert len(_in_window(_cluster(events, "BMI30_COD"))) > 0
    glucose = _cluster(events, "FASPLASGLUC_COD")
    assert len(glucose) > 0 and glucose["num"].between(5.5, 7.0).all()
    ndh = set(_cluster(events, "NDH_COD", "IGT_COD", "PRD_COD")["patient_id"])
    assert glucose["patient_id"].isin(ndh).all()
    assert len(_cluster(events, "IGT_COD")) > 0 and len(_cluster(events, "PRD_COD")) > 0
    for cluster in ("NDHPU_COD", "NDHPCADEC_COD", "NDHINVITE_COD"):  # GLUCDEC_COD is shared with MH012
        assert _cluster(events, cluster)["patient_id"].isin(ndh).all(), cluster
    assert manifest["edge_cases"]["bmi_exactly_30_on_achievement_date"] > 0


def test_childhood_vaccinations_follow_the_schedule(events: pd.DataFrame, patients: pd.DataFrame) -> None:
    dob = patients["dob"]
    eight_months = dob + pd.DateOffset(months=8)
    cohort = eight_months[(eight_months > ACH - pd.DateOffset(years=1)) & (eight_months <= ACH)]
    assert len(cohort) >= 40
    dtp = _cluster(events, "6IN1VAC_COD", "5IN1VAC_COD").merge(cohort.rename("cutoff"), on="patient_id")
    doses = dtp[dtp["day"] < dtp["cutoff"]].groupby("patient_id")["day"].nunique()
    complete = (doses.reindex(cohort.index, fill_value=0) >= 3).mean()
    assert 0.8 <= complete <= 0.98, complete
    first = _cluster(events, "6IN1VAC_COD", "5IN1VAC_COD").groupby("patient_id")["day"].min()
    age_days = (first - dob.loc[first.index]).dt.days
    assert age_days.between(28, 120).mean() > 0.95  # first dose at about 8 weeks
    mmr = _cluster(events, "MMRVAC1_COD", "MMRVAC2_COD")
    mmr_age = (
        (mmr["day"].to_numpy() - dob.loc[mmr["patient_id"]].to_numpy()).astype("timedelta64[D]").astype(int)
    )
    assert (mmr_age >= 300).all() and (mmr_age < 6 * 366).all()
    booster = _cluster(events, "DTAPIPVVACBOOST_COD")
    booster_age = (booster["day"].to_numpy() - dob.loc[booster["patient_id"]].to_numpy()).astype(
        "timedelta64[D]"
    )
    assert (booster_age.astype(int) > 3 * 365).all()
    for cluster in ("DTPCON_COD", "MMRCON_COD", "DTAPIPVCON_COD"):
        assert len(_cluster(events, cluster)) > 0, cluster


def test_shingles_courses_for_patients_around_80(events: pd.DataFrame, patients: pd.DataFrame) -> None:
    shingles = _cluster(events, "SHVACGP_COD", "SHCON_COD", "SHDEC_COD")
    age = (ACH - patients.loc[shingles["patient_id"], "dob"]).dt.days / 365.25
    assert age.between(77.5, 83.5).all()
    live = set(map(tuple, _cluster(events, "SHVACLIVE_COD")[["patient_id", "day"]].to_numpy()))
    course = _cluster(events, "SHVACGP_COD")
    course = course[[(p, d) not in live for p, d in course[["patient_id", "day"]].to_numpy()]]
    assert len(live) > 0 and len(course) > 0
    assert (course["day"] >= pd.Timestamp(date(2021, 9, 1))).all()
    per_patient = course.groupby("patient_id")["day"].agg(["count", "min", "max"])
    two = per_patient[per_patient["count"] == 2]
    assert len(two) > 0 and ((two["max"] - two["min"]).dt.days.between(56, 182)).all()
    assert (per_patient["count"] == 1).any()  # some still await the second dose
    assert len(_cluster(events, "SHDEC_COD")) > 0 and len(_cluster(events, "SHCON_COD")) > 0


def test_histories_are_deterministic(tmp_path: Path) -> None:
    config = GeneratorConfig(n_patients=1500, n_practices=2, n_pcns=1, n_icbs=1, seed=4, dirty_share=0.0)
    first, second = tmp_path / "a", tmp_path / "b"
    generate_extract(first, config)
    generate_extract(second, config)
    assert (first / "events.csv").read_bytes() == (second / "events.csv").read_bytes()
