"""Tests of the cancer screening and cancer care plugin (`qof_warehouse.synthetic.care.cancer_screening`).

A small clean extract is generated from the project's cluster seed and read back; coverage,
exclusions, invitations and review delays are recomputed from the written files (codes mapped
to clusters through the seed), not taken from the plugin's own arrays.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from cluster_seed import cluster_seed_frame

from qof_warehouse.synthetic.generator import GeneratorConfig, generate_extract

ACH = pd.Timestamp(date(2024, 3, 31))
# Excluded lower bound of each programme's look-back window at the achievement date.
WINDOW_START = {
    "cervical_young": pd.Timestamp(date(2020, 9, 30)),  # 42 months
    "cervical_old": pd.Timestamp(date(2018, 9, 30)),  # 66 months
    "bowel": pd.Timestamp(date(2021, 9, 30)),  # 30 months
    "breast": pd.Timestamp(date(2021, 3, 31)),  # 36 months
}


def _read(path: Path) -> pd.DataFrame:
    names = pa_csv.read_csv(path).schema.names
    options = pa_csv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True)
    return pa_csv.read_csv(path, convert_options=options).to_pandas()


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("cancer_screening")
    generate_extract(out, GeneratorConfig(n_patients=8_000, n_practices=6, n_pcns=2, seed=5, dirty_share=0.0))
    manifest = json.loads((out / "manifest.json").read_text())
    tables: dict[str, object] = {t: _read(out / f) for t, f in manifest["files"].items()}
    tables["manifest"] = manifest
    return tables


@pytest.fixture(scope="module")
def events(extract: dict[str, object]) -> pd.DataFrame:
    seed = cluster_seed_frame()
    snomed = seed[seed["code_system"] == "snomed"][["cluster_code", "code"]].drop_duplicates()
    ev = extract["events"].merge(snomed, left_on="snomed_code", right_on="code")
    return ev.assign(day=pd.to_datetime(ev["event_date"]))


@pytest.fixture(scope="module")
def population(extract: dict[str, object]) -> pd.DataFrame:
    """GMS-registered and alive at the achievement date, with age in full years."""
    regs = extract["registrations"]
    start, end = pd.to_datetime(regs["start_date"]), pd.to_datetime(regs["end_date"])
    current = regs[(regs["registration_type"] == "GMS") & (start <= ACH) & (end.isna() | (end > ACH))]
    pats = extract["patients"].drop_duplicates("patient_id")
    pop = pats[pats["patient_id"].isin(current["patient_id"])].copy()
    death = pd.to_datetime(pop["date_of_death"])
    pop = pop[death.isna() | (death > ACH)]
    born = pd.to_datetime(pop["date_of_birth"])
    later = (born.dt.month > ACH.month) | ((born.dt.month == ACH.month) & (born.dt.day > ACH.day))
    return pop.assign(age=ACH.year - born.dt.year - later.astype(int), born=born)


def coverage(events: pd.DataFrame, people: pd.DataFrame, cluster: str, window_start: pd.Timestamp) -> float:
    tests = events[(events["cluster_code"] == cluster) & (events["day"] > window_start)]
    return float(people["patient_id"].isin(tests["patient_id"]).mean())


def test_coverage_of_each_programme_is_near_the_national_level(
    events: pd.DataFrame, population: pd.DataFrame
) -> None:
    women = population[population["sex"] == "F"]
    no_cervix = set(events.loc[events["cluster_code"] == "NOCX_COD", "patient_id"])
    young = women[women["age"].between(25, 49) & ~women["patient_id"].isin(no_cervix)]
    old = women[women["age"].between(50, 64) & ~women["patient_id"].isin(no_cervix)]
    assert 0.6 <= coverage(events, young, "SMEAR_COD", WINDOW_START["cervical_young"]) <= 0.8
    assert 0.65 <= coverage(events, old, "SMEAR_COD", WINDOW_START["cervical_old"]) <= 0.85
    bowel = population[population["age"].between(60, 74)]
    assert 0.55 <= coverage(events, bowel, "COLCANSCR_COD", WINDOW_START["bowel"]) <= 0.8
    breast = women[women["age"].between(53, 70)]
    assert 0.6 <= coverage(events, breast, "BRCANSCR_COD", WINDOW_START["breast"]) <= 0.85


def test_tests_go_to_the_right_people_at_the_right_ages(
    events: pd.DataFrame, extract: dict[str, object]
) -> None:
    pats = extract["patients"].drop_duplicates("patient_id")
    ev = events.merge(pats, on="patient_id")
    age_at = (ev["day"] - pd.to_datetime(ev["date_of_birth"])).dt.days / 365.25
    for cluster in ("SMEAR_COD", "BRCANSCR_COD", "NOCX_COD", "CSINVITE_COD", "PREG_COD", "HYSTOTH_COD"):
        rows = ev["cluster_code"] == cluster
        assert rows.any(), cluster
        assert (ev.loc[rows, "sex"] == "F").all(), cluster
    assert (age_at[ev["cluster_code"] == "SMEAR_COD"] >= 24.4).all()  # first invitation at 24.5
    assert (age_at[ev["cluster_code"] == "COLCANSCR_COD"] >= 59.9).all()
    assert (age_at[ev["cluster_code"] == "BRCANSCR_COD"] >= 49.9).all()
    # Total hysterectomy (cervix removed) grows with age; no test is recorded after it.
    women = pats[pats["sex"] == "F"]
    hyst = ev[ev["cluster_code"] == "NOCX_COD"].groupby("patient_id")["day"].min()
    smears = ev[ev["cluster_code"] == "SMEAR_COD"].merge(
        hyst.rename("hyst"), left_on="patient_id", right_index=True
    )
    assert (smears["day"] < smears["hyst"]).all()
    assert 0.01 <= len(hyst) / len(women) <= 0.1


def test_overdue_women_have_invitations_non_responses_and_pcas(
    events: pd.DataFrame, population: pd.DataFrame
) -> None:
    women = population[(population["sex"] == "F") & population["age"].between(25, 49)]
    recent = events[
        (events["cluster_code"] == "SMEAR_COD") & (events["day"] > WINDOW_START["cervical_young"])
    ]
    overdue = women[~women["patient_id"].isin(recent["patient_id"])]
    invites = events[
        (events["cluster_code"] == "CSINVITE_COD")
        & (events["day"] > WINDOW_START["cervical_young"])
        & events["patient_id"].isin(overdue["patient_id"])
    ]
    per_woman = invites.groupby("patient_id")["day"].nunique()
    assert (per_woman >= 3).sum() > 10 and (per_woman == 2).sum() > 10  # three vs two invitations
    assert (per_woman.reindex(overdue["patient_id"]).fillna(0) == 0).sum() > 10  # never invited
    pca = events[events["cluster_code"] == "CSPCAINVITE_COD"]
    assert len(pca) > 0
    ordered = invites.drop_duplicates(["patient_id", "day"]).sort_values(["patient_id", "day"])
    ordered = ordered.assign(n=ordered.groupby("patient_id").cumcount())
    third = ordered[ordered["n"] == 2][["patient_id", "day"]].rename(columns={"day": "third"})
    with_pca = pca.merge(third, on="patient_id")
    assert len(with_pca) > 0
    assert (with_pca["day"] > with_pca["third"]).all()  # coded only after a third invitation
    for cluster in ("CSDEC_COD", "CSPU_COD", "CSNONRESP_COD", "SMEARINADEQ_COD", "COLCANSCRNR_COD"):
        assert (events["cluster_code"] == cluster).any(), cluster


def test_cancer_reviews_follow_the_latest_episode(events: pd.DataFrame, population: pd.DataFrame) -> None:
    can = events[events["cluster_code"] == "CAN_COD"]
    episode = can.groupby("patient_id")["day"].max().rename("episode")
    reviews = events[events["cluster_code"] == "MDRV_COD"]
    assert reviews["patient_id"].isin(episode.index).all()
    first_review = (
        reviews.merge(episode, left_on="patient_id", right_index=True)
        .query("day >= episode")
        .groupby("patient_id")["day"]
        .min()
        .rename("review")
    )
    recent = episode[(episode > ACH - pd.DateOffset(months=24)) & (episode <= ACH - pd.DateOffset(months=12))]
    recent = recent[recent.index.isin(population["patient_id"])]
    assert len(recent) >= 10
    delay = (first_review.reindex(recent.index) - recent).dt.days
    within_year = (delay <= 365).mean()
    assert 0.6 <= within_year <= 0.95, within_year
    assert 0.45 <= (delay <= 93).mean() <= 0.85
    assert (delay.dropna() >= 0).all()
    invites = events[events["cluster_code"] == "CANINVITE_COD"].sort_values("day")
    gaps = invites.groupby("patient_id")["day"].diff().dt.days.dropna()
    # The generic QOF invitation code is also used by other areas' invitations, so only most
    # gaps come from the cancer pairs (5-30 days, some exactly 6 or 7).
    assert {6, 7} <= set(gaps.astype(int)) and gaps.between(5, 30).mean() > 0.5


def test_skin_cancer_is_coded_for_people_off_the_register(events: pd.DataFrame) -> None:
    skin = set(events.loc[events["cluster_code"] == "NMSC_COD", "patient_id"])
    can = set(events.loc[events["cluster_code"] == "CAN_COD", "patient_id"])
    assert len(skin) > 20 and len(skin - can) > 10


def test_manifest_counts_boundary_cases(extract: dict[str, object]) -> None:
    edges = extract["manifest"]["edge_cases"]
    assert (
        edges["cervical_latest_test_day_after_42_months_before"]
        + edges["cervical_latest_test_42_months_before_achievement_date"]
        > 0
    )
    assert edges["cervical_overdue_with_three_or_more_invitations"] > 0
    assert edges["cancer_review_93_days_after_diagnosis"] + edges["cancer_review_94_days_after_diagnosis"] > 0
