"""Tests of the synthetic GP extract generator (`qof_warehouse.synthetic.generator`).

The checks read the written files back and recompute everything independently of the
generator's own arrays (registers, pairs, dirty classes), so a generator bug shows up as a
failing comparison rather than being checked against itself.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from cluster_seed import cluster_seed_frame

from qof_warehouse import PROJECT_ROOT
from qof_warehouse.synthetic.generator import GeneratorConfig, generate_extract

# Copied from the extract contract on purpose (not imported), so drift in either fails here.
CONTRACT_COLUMNS: dict[str, list[str]] = {
    "practices": ["practice_code", "practice_name", "pcn_code", "pcn_name", "icb_code", "icb_name"],
    "patients": ["patient_id", "date_of_birth", "sex", "date_of_death"],
    "registrations": ["patient_id", "practice_code", "registration_type", "start_date", "end_date"],
    "events": ["event_id", "patient_id", "practice_code", "event_date", "snomed_code", "value", "unit"],
    "medications": ["event_id", "patient_id", "practice_code", "issue_date", "dmd_code", "quantity"],
    "manual_achievement": ["practice_code", "indicator_code", "achievement_date", "achieved"],
}
DIRTY_CLASSES: dict[str, set[str]] = {
    "events": {
        "duplicate_event", "code_whitespace", "code_non_numeric", "placeholder_date",
        "future_date", "event_before_birth", "event_after_death", "implausible_value",
        "systolic_below_diastolic", "blank_identifier", "unknown_patient", "unparseable_date",
        "non_numeric_value",
    },
    "registrations": {"blank_identifier", "unknown_practice", "overlapping_registration"},
    "patients": {"duplicate_patient", "patient_without_registration"},
}  # fmt: skip
ACH = date(2024, 3, 31)
WINDOW_START = "2023-04-01"  # first day of the 12 months up to and including PPED
SEED_DIR = PROJECT_ROOT / "seeds" / "clusters"
BP_CLUSTERS = {"SYSBP_COD": "sys", "HOMESYSBP_COD": "sys", "DIABP_COD": "dia", "HOMEDIABP_COD": "dia"}
PLAUSIBLE = {
    "IFCCHBAM_COD": (15, 200),
    "SYSBP_COD": (40, 300),
    "DIABP_COD": (20, 200),
    "BMIVAL_COD": (10, 100),
}

# Extra clusters (test-only dm+d ids; real SNOMED ids from the reference notes) for the check
# that registers and prescriptions appear once their clusters are in the seed.
EXTRA_SEED_ROWS = """cluster_code,code,code_system,term,code_source
AST_COD,195967001,snomed,Asthma,test
ASTRES_COD,162660004,snomed,Asthma resolved,test
CHD_COD,22298006,snomed,Myocardial infarction,test
CHD_COD,194828000,snomed,Angina,test
STRK_COD,230690007,snomed,Cerebrovascular accident,test
TIA_COD,266257000,snomed,Transient ischemic attack,test
AFIB_COD,49436004,snomed,Atrial fibrillation,test
BMIVAL_COD,60621009,snomed,Body mass index,test
STAT_COD,900000000000001,dmd,Test statin A,test
STAT_COD,900000000000002,dmd,Test statin B,test
ACEI_COD,900000000000011,dmd,Test ACE inhibitor,test
ARB_COD,900000000000021,dmd,Test ARB,test
"""


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


def read_table(path: Path) -> pd.DataFrame:
    """A written table as text columns; an empty unquoted CSV field reads as None."""
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pandas()
    header = next(iter(pa_csv.read_csv(path).schema.names), None)
    assert header is not None
    names = pa_csv.read_csv(path).schema.names
    options = pa_csv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    return pa_csv.read_csv(path, convert_options=options).to_pandas()


def load(out_dir: Path) -> dict[str, pd.DataFrame]:
    manifest = json.loads((out_dir / "manifest.json").read_text())
    return {t: read_table(out_dir / f) for t, f in manifest["files"].items()}


def seed_codes(seed: Path = SEED_DIR) -> pd.DataFrame:
    return cluster_seed_frame(seed)


def is_blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype(object).fillna("").astype(str).str.strip() == "")


def parse_dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="%Y-%m-%d", errors="coerce")


def age_at(dob: pd.Series, at: date) -> pd.Series:
    born = parse_dates(dob)
    later_birthday = (born.dt.month > at.month) | ((born.dt.month == at.month) & (born.dt.day > at.day))
    return at.year - born.dt.year - later_birthday.astype(int)


def gms_population(ex: dict[str, pd.DataFrame], at: date = ACH) -> pd.DataFrame:
    """Patients registered for GMS on `at` (latest such registration), alive, with age."""
    regs = ex["registrations"]
    stamp = pd.Timestamp(at)
    start, end = parse_dates(regs["start_date"]), parse_dates(regs["end_date"])
    current = regs[(regs["registration_type"] == "GMS") & (start <= stamp) & (end.isna() | (end > stamp))]
    current = current.assign(start=parse_dates(current["start_date"])).sort_values("start")
    current = current.drop_duplicates("patient_id", keep="last")
    pats = ex["patients"].drop_duplicates("patient_id")
    pop = current.merge(pats, on="patient_id")
    death = parse_dates(pop["date_of_death"])
    pop = pop[death.isna() | (death > stamp)]
    return pop.assign(age=age_at(pop["date_of_birth"], at))


def clustered_events(ex: dict[str, pd.DataFrame], seed: Path = SEED_DIR) -> pd.DataFrame:
    ev = ex["events"].merge(
        seed_codes(seed)[["cluster_code", "code"]], left_on="snomed_code", right_on="code"
    )
    return ev.assign(day=parse_dates(ev["event_date"]), num=pd.to_numeric(ev["value"], errors="coerce"))


def register(ex: dict[str, pd.DataFrame], diag: str, resolved: str, min_age: int) -> pd.DataFrame:
    """Latest diagnosis not followed by a resolved code, GMS population at PPED, age >= min."""
    ev = clustered_events(ex)
    ev = ev[ev["day"] <= pd.Timestamp(ACH)]
    last_diag = ev[ev["cluster_code"] == diag].groupby("patient_id")["day"].max().rename("diag")
    last_res = ev[ev["cluster_code"] == resolved].groupby("patient_id")["day"].max().rename("res")
    both = pd.concat([last_diag, last_res], axis=1).dropna(subset=["diag"])
    on = both[both["res"].isna() | (both["res"] <= both["diag"])]
    pop = gms_population(ex)
    return pop[pop["patient_id"].isin(on.index) & (pop["age"] >= min_age)]


def rows_as_tuples(df: pd.DataFrame) -> Counter:
    return Counter(map(tuple, df.astype(object).where(df.notna(), None).itertuples(index=False)))


def extra_rows(clean: pd.DataFrame, dirty: pd.DataFrame) -> pd.DataFrame:
    """Rows of `dirty` beyond the multiset of rows of `clean` (fails if a clean row is gone)."""
    c, d = rows_as_tuples(clean), rows_as_tuples(dirty)
    assert not (c - d), "a clean row is missing from the dirty extract"
    extra = d - c
    return pd.DataFrame(list(extra.elements()), columns=list(dirty.columns))


# ------------------------------------------------------------------------------------------
# Fixtures
# ------------------------------------------------------------------------------------------

# The generator tests run on the diabetes and hypertension clusters only, so their premises
# (which registers exist, no dm+d clusters) hold however many clusters the project ships. The
# core seed is written from the shipped lists (published and curated) of those clusters.
CORE_CLUSTERS = frozenset(
    "BLDTESTDEC_COD BPDEC_COD DIABP_COD DMINVITE_COD DMMAX_COD DMPCADEC_COD DMPCAPU_COD "
    "DMRES_COD DMTYPE1_COD DMTYPE2_COD DM_COD HOMEDIABP_COD HOMESYSBP_COD HTMAX_COD "
    "HYPINVITE_COD HYPPCADEC_COD HYPPCAPU_COD HYPRES_COD HYP_COD IFCCHBAM_COD MILDFRAIL_COD "
    "MODFRAIL_COD SERFRUC_COD SEVFRAIL_COD SYSBP_COD".split()
)


def _write_core_seed() -> Path:
    path = Path(tempfile.mkdtemp(prefix="qof-core-seed-")) / "core_clusters.csv"
    core = cluster_seed_frame()
    core = core[core["cluster_code"].isin(CORE_CLUSTERS)].assign(term="", code_source="test core")
    core.to_csv(path, index=False)
    return path


CORE_SEED = _write_core_seed()
CONFIG_20K = GeneratorConfig(
    n_patients=20_000,
    n_practices=20,
    n_pcns=4,
    n_icbs=2,
    seed=5,
    dirty_share=0.0,
    cluster_seed_path=CORE_SEED,
)


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean20k")
    generate_extract(out, CONFIG_20K)
    return out


@pytest.fixture(scope="module")
def clean(clean_dir: Path) -> dict[str, pd.DataFrame]:
    return load(clean_dir)


@pytest.fixture(scope="module")
def dirty_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dirty20k")
    counts = generate_extract(out, GeneratorConfig(**{**CONFIG_20K.__dict__, "dirty_share": 0.002}))
    (out / "returned_counts.json").write_text(json.dumps(counts))
    return out


@pytest.fixture(scope="module")
def dirty(dirty_dir: Path) -> dict[str, pd.DataFrame]:
    return load(dirty_dir)


@pytest.fixture(scope="module")
def extended_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seed = tmp_path_factory.mktemp("seed")
    shutil.copy(CORE_SEED, seed / CORE_SEED.name)
    (seed / "zz_test_extra.csv").write_text(EXTRA_SEED_ROWS)
    return seed


@pytest.fixture(scope="module")
def extended_dir(tmp_path_factory: pytest.TempPathFactory, extended_seed: Path) -> Path:
    out = tmp_path_factory.mktemp("extended")
    config = GeneratorConfig(
        n_patients=8_000, n_practices=6, seed=3, dirty_share=0.0, cluster_seed_path=extended_seed
    )
    generate_extract(out, config)
    return out


# ------------------------------------------------------------------------------------------
# Shape, determinism, formats, manifest
# ------------------------------------------------------------------------------------------


def test_writes_every_table_with_exactly_the_contract_columns(clean_dir: Path) -> None:
    assert sorted(p.name for p in clean_dir.iterdir()) == sorted(
        [f"{t}.csv" for t in CONTRACT_COLUMNS] + ["manifest.json"]
    )
    for table, columns in CONTRACT_COLUMNS.items():
        header = (clean_dir / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert [c.strip('"') for c in header.split(",")] == columns, table


def test_same_config_gives_identical_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    config = GeneratorConfig(n_patients=2_000, n_practices=5, seed=9, dirty_share=0.002)
    generate_extract(tmp_path / "a", config)
    generate_extract(tmp_path / "b", config)
    generate_extract(tmp_path / "c", GeneratorConfig(**{**config.__dict__, "seed": 10}))
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "events.csv").read_bytes() != (tmp_path / "c" / "events.csv").read_bytes()


def test_parquet_holds_the_same_rows_as_csv(tmp_path: Path) -> None:
    config = GeneratorConfig(n_patients=2_500, n_practices=4, seed=21, dirty_share=0.002)
    csv_counts = generate_extract(tmp_path / "csv", config)
    pq_counts = generate_extract(
        tmp_path / "pq", GeneratorConfig(**{**config.__dict__, "file_format": "parquet"})
    )
    assert csv_counts == pq_counts
    for table, columns in CONTRACT_COLUMNS.items():
        parquet = pq.read_table(tmp_path / "pq" / f"{table}.parquet")
        assert parquet.schema.names == columns
        assert all(pa.types.is_string(f.type) for f in parquet.schema)
        from_csv = read_table(tmp_path / "csv" / f"{table}.csv")
        pd.testing.assert_frame_equal(parquet.to_pandas(), from_csv, check_dtype=False, obj=table)
    assert sorted(p.suffix for p in (tmp_path / "pq").iterdir()) == [".json"] + [".parquet"] * 6


def test_manifest_row_counts_match_the_files(dirty_dir: Path, dirty: dict[str, pd.DataFrame]) -> None:
    manifest = json.loads((dirty_dir / "manifest.json").read_text())
    returned = json.loads((dirty_dir / "returned_counts.json").read_text())
    assert returned == manifest["rows"]
    for table, frame in dirty.items():
        assert len(frame) == manifest["rows"][table], table
        injected = sum(manifest["dirty"]["rows_by_table"].get(table, {}).values())
        assert manifest["clean_rows"][table] + injected == len(frame), table
    assert manifest["config"]["dirty_share"] == 0.002
    assert manifest["achievement_date"] == "2024-03-31"


# ------------------------------------------------------------------------------------------
# A clean extract is clean
# ------------------------------------------------------------------------------------------


def test_clean_extract_has_no_bad_rows(clean: dict[str, pd.DataFrame]) -> None:
    events, regs, pats, practices = (
        clean["events"],
        clean["registrations"],
        clean["patients"],
        clean["practices"],
    )
    assert events["event_id"].is_unique and pats["patient_id"].is_unique
    assert practices["practice_code"].is_unique
    for table, cols in (
        ("events", ["event_id", "patient_id", "practice_code", "event_date", "snomed_code"]),
        ("registrations", ["patient_id", "practice_code", "registration_type", "start_date"]),
        ("patients", ["patient_id", "date_of_birth", "sex"]),
    ):
        for col in cols:
            assert not is_blank(clean[table][col]).any(), (table, col)
    known = set(practices["practice_code"])
    assert set(regs["practice_code"]) <= known and set(events["practice_code"]) <= known
    assert set(events["patient_id"]) <= set(pats["patient_id"])
    assert set(pats["patient_id"]) == set(regs["patient_id"])  # nobody without a registration
    assert set(events["snomed_code"]) <= set(seed_codes()["code"])
    assert events["snomed_code"].str.fullmatch(r"[0-9]{6,18}").all()
    for frame, col in ((events, "event_date"), (regs, "start_date"), (pats, "date_of_birth")):
        assert parse_dates(frame[col]).notna().all(), col
    assert parse_dates(regs["end_date"]).notna().sum() == regs["end_date"].notna().sum()
    values = pd.to_numeric(events["value"], errors="coerce")
    assert values.notna().sum() == events["value"].notna().sum()  # every value is numeric
    assert not events.duplicated(["patient_id", "event_date", "snomed_code", "value"]).any()


def test_clean_dates_lie_within_each_patients_life_and_registration(clean: dict[str, pd.DataFrame]) -> None:
    ev = clean["events"].merge(clean["patients"], on="patient_id")
    day, dob, dod = (
        parse_dates(ev["event_date"]),
        parse_dates(ev["date_of_birth"]),
        parse_dates(ev["date_of_death"]),
    )
    assert (day >= dob).all()
    assert (day <= pd.Timestamp(ACH)).all()
    assert ((dod.isna()) | (day <= dod)).all()
    regs = clean["registrations"].merge(clean["patients"], on="patient_id")
    start, end = parse_dates(regs["start_date"]), parse_dates(regs["end_date"])
    assert (start >= parse_dates(regs["date_of_birth"])).all()
    assert ((end.isna()) | (end >= start)).all()
    death = parse_dates(regs["date_of_death"])
    assert (death.isna() | (start <= death)).all()
    # Nothing is recorded after a patient's last registration has ended.
    last_end = clean["registrations"].assign(end=parse_dates(clean["registrations"]["end_date"]))
    closed = last_end.groupby("patient_id")["end"].agg(lambda s: pd.NaT if s.isna().any() else s.max())
    ev = clean["events"].assign(day=parse_dates(clean["events"]["event_date"]))
    ev = ev.merge(closed.rename("closed"), left_on="patient_id", right_index=True)
    assert ((ev["closed"].isna()) | (ev["day"] <= ev["closed"])).all()


def test_gms_registrations_never_overlap_in_a_clean_extract(clean: dict[str, pd.DataFrame]) -> None:
    gms = clean["registrations"][clean["registrations"]["registration_type"] == "GMS"].copy()
    gms["start"] = parse_dates(gms["start_date"])
    gms["end"] = parse_dates(gms["end_date"]).fillna(pd.Timestamp("2999-12-31"))
    gms = gms.sort_values(["patient_id", "start"])
    previous_end = gms.groupby("patient_id")["end"].shift()
    assert not (previous_end > gms["start"]).any()


# ------------------------------------------------------------------------------------------
# Clinical content
# ------------------------------------------------------------------------------------------


def test_register_prevalence_is_plausible_and_matches_the_manifest(
    clean_dir: Path, clean: dict[str, pd.DataFrame]
) -> None:
    pop = gms_population(clean)
    hyp = register(clean, "HYP_COD", "HYPRES_COD", 0)
    dm = register(clean, "DM_COD", "DMRES_COD", 17)
    hyp_share = len(hyp) / len(pop)
    dm_share = len(dm) / int((pop["age"] >= 17).sum())
    assert 0.10 <= hyp_share <= 0.18, hyp_share
    assert 0.055 <= dm_share <= 0.10, dm_share
    expected = json.loads((clean_dir / "manifest.json").read_text())["expected"]
    assert expected["population_gms_at_achievement_date"] == len(pop)
    assert expected["registers"]["HYP"]["register"] == len(hyp)
    assert expected["registers"]["DM"]["register"] == len(dm)
    # Hypertension rises steeply with age.
    by_age = pop.assign(on=pop["patient_id"].isin(hyp["patient_id"])).groupby(pop["age"] // 20)["on"].mean()
    assert by_age.is_monotonic_increasing and by_age.iloc[-1] > 10 * max(by_age.iloc[1], 1e-3)


def test_some_diagnoses_are_resolved_and_some_rediagnosed(clean: dict[str, pd.DataFrame]) -> None:
    ev = clustered_events(clean)
    for diag, res in (("DM_COD", "DMRES_COD"), ("HYP_COD", "HYPRES_COD")):
        diagnosed = ev[ev["cluster_code"] == diag].groupby("patient_id")["day"].agg(["min", "max"])
        resolved = ev[ev["cluster_code"] == res].groupby("patient_id")["day"].max().rename("res")
        joined = diagnosed.join(resolved, how="inner")
        assert (joined["res"] > joined["min"]).all()  # a resolved code follows a diagnosis
        share = len(joined) / len(diagnosed)
        assert 0.005 <= share <= 0.03, (diag, share)
        assert (joined["max"] > joined["res"]).any(), f"no re-diagnosis after {res}"


def test_diabetes_types_and_hba1c_achievement(clean: dict[str, pd.DataFrame]) -> None:
    ev = clustered_events(clean)
    dm = register(clean, "DM_COD", "DMRES_COD", 17)
    type1 = set(ev.loc[ev["cluster_code"] == "DMTYPE1_COD", "patient_id"])
    type2 = set(ev.loc[ev["cluster_code"] == "DMTYPE2_COD", "patient_id"])
    assert not (type1 & type2)
    t1_share = dm["patient_id"].isin(type1).mean()
    assert 0.05 <= t1_share <= 0.12, t1_share
    hba1c = ev[(ev["cluster_code"] == "IFCCHBAM_COD") & (ev["event_date"] >= WINDOW_START)]
    assert (hba1c["unit"] == "mmol/mol").all()
    latest = hba1c.sort_values("day").groupby("patient_id")["num"].last()
    value = dm["patient_id"].map(latest)
    controlled, missing = (value <= 58).mean(), value.isna().mean()
    assert 0.55 <= controlled <= 0.75, controlled
    assert 0.10 <= missing <= 0.20, missing
    frail = ev[ev["cluster_code"].isin(["MODFRAIL_COD", "SEVFRAIL_COD"])]
    elderly = dm[dm["age"] >= 65]
    assert 0.04 <= elderly["patient_id"].isin(frail["patient_id"]).mean() <= 0.2
    for cluster in ("DMMAX_COD", "DMPCAPU_COD", "DMPCADEC_COD", "BLDTESTDEC_COD"):
        in_year = ev[(ev["cluster_code"] == cluster) & (ev["event_date"] >= WINDOW_START)]
        share = dm["patient_id"].isin(in_year["patient_id"]).mean()
        assert 0.003 <= share <= 0.05, (cluster, share)
    fructosamine = ev[(ev["cluster_code"] == "SERFRUC_COD") & (ev["event_date"] >= WINDOW_START)]
    assert len(fructosamine) > 0 and not fructosamine["patient_id"].isin(hba1c["patient_id"]).any()


def test_blood_pressure_comes_in_same_day_pairs_with_systolic_above_diastolic(
    clean: dict[str, pd.DataFrame],
) -> None:
    ev = clustered_events(clean)
    bp = ev[ev["cluster_code"].isin(list(BP_CLUSTERS))].assign(
        role=lambda f: f["cluster_code"].map(BP_CLUSTERS),
        home=lambda f: f["cluster_code"].str.startswith("HOME"),
    )
    assert len(bp) > 0 and (bp["unit"] == "mmHg").all()
    days = (
        bp.groupby(["patient_id", "event_date", "home", "role"])["num"]
        .agg(["count", "min", "max"])
        .unstack("role")
    )
    assert (days[("count", "sys")] == days[("count", "dia")]).all()
    assert (days[("min", "sys")] > days[("min", "dia")]).all()
    assert (days[("max", "sys")] > days[("max", "dia")]).all()
    assert (days[("count", "sys")] == 2).any()  # some days have two readings
    assert bp["home"].any()


def test_hypertension_bp_control_in_the_year(clean: dict[str, pd.DataFrame]) -> None:
    ev = clustered_events(clean)
    hyp = register(clean, "HYP_COD", "HYPRES_COD", 0)
    young = hyp[hyp["age"] < 80]
    bp = ev[ev["cluster_code"].isin(list(BP_CLUSTERS)) & (ev["event_date"] >= WINDOW_START)]
    latest_day = bp.groupby("patient_id")["day"].max().rename("latest")
    last = bp.merge(latest_day, left_on="patient_id", right_index=True)
    last = last[last["day"] == last["latest"]]
    low = last.groupby(["patient_id", "cluster_code"])["num"].min().unstack()
    clinic_ok = (low["SYSBP_COD"] <= 140) & (low["DIABP_COD"] <= 90)
    home_ok = (low.get("HOMESYSBP_COD") <= 135) & (low.get("HOMEDIABP_COD") <= 85)
    ok = set(low.index[clinic_ok.fillna(False) | home_ok.fillna(False)])
    share = young["patient_id"].isin(ok).mean()
    assert 0.58 <= share <= 0.78, share
    for cluster in ("HTMAX_COD", "HYPPCAPU_COD", "HYPPCADEC_COD", "BPDEC_COD"):
        in_year = ev[(ev["cluster_code"] == cluster) & (ev["event_date"] >= WINDOW_START)]
        assert 0.003 <= hyp["patient_id"].isin(in_year["patient_id"]).mean() <= 0.06, cluster


def test_invitations_include_pairs_6_and_7_days_apart(clean: dict[str, pd.DataFrame]) -> None:
    ev = clustered_events(clean)
    for cluster in ("DMINVITE_COD", "HYPINVITE_COD"):
        inv = ev[(ev["cluster_code"] == cluster) & (ev["event_date"] >= WINDOW_START)].sort_values("day")
        gaps = inv.groupby("patient_id")["day"].diff().dt.days.dropna()
        assert {6, 7} <= set(gaps.astype(int)), cluster
        assert gaps.between(5, 30).mean() > 0.8
        older = ev[(ev["cluster_code"] == cluster) & (ev["event_date"] < WINDOW_START)]
        assert len(inv) > len(older) / 6  # most invitations fall in the year before PPED


def test_population_looks_like_england(clean: dict[str, pd.DataFrame]) -> None:
    pop = gms_population(clean)
    age = pop["age"]
    assert 0.15 <= (age < 15).mean() <= 0.21
    assert 0.16 <= (age >= 65).mean() <= 0.23
    assert 0.015 <= (age >= 85).mean() <= 0.035
    sex = pop["sex"].value_counts(normalize=True)
    assert 0.47 <= sex["F"] <= 0.53 and 0.47 <= sex["M"] <= 0.53
    assert 0 < sex.get("I", 0) + sex.get("U", 0) < 0.003
    sizes = pop.groupby("practice_code").size()
    assert sizes.max() / sizes.min() >= 2
    old = pop.assign(old=pop["age"] >= 65).groupby("practice_code")["old"].mean()
    assert old.max() - old.min() >= 0.08  # young urban and old coastal practices
    assert clean["practices"]["pcn_code"].isna().sum() == 1  # one unaligned practice
    assert clean["practices"]["pcn_code"].dropna().str.fullmatch(r"U[0-9]{5}").all()
    assert clean["practices"]["practice_code"].str.fullmatch(r"[A-Z][0-9]{5}").all()
    assert clean["patients"]["patient_id"].str.fullmatch(r"[0-9]{10}").all()
    assert clean["patients"]["patient_id"].str.startswith("0").any()  # leading zeros kept


def test_registrations_have_movers_deaths_newcomers_and_other_types(clean: dict[str, pd.DataFrame]) -> None:
    regs, pats = clean["registrations"], clean["patients"]
    n = len(pats)
    gms = regs[regs["registration_type"] == "GMS"]
    movers = gms.groupby("patient_id")["practice_code"].nunique()
    assert 0.03 <= (movers >= 2).sum() / n <= 0.05
    other = regs[regs["registration_type"] != "GMS"]
    assert set(other["registration_type"]) == {"TEMP", "PRIVATE", "OTHER"}
    assert 0.005 <= other["patient_id"].nunique() / n <= 0.02
    dead = pats[pats["date_of_death"].notna()]
    assert 0.04 <= len(dead) / n <= 0.065
    dead_regs = regs.merge(dead, on="patient_id")
    last = dead_regs.sort_values("start_date").groupby("patient_id").last()
    assert (last["end_date"] == last["date_of_death"]).all()
    age_at_death = age_at(dead["date_of_birth"], ACH) - (2024 - parse_dates(dead["date_of_death"]).dt.year)
    assert (age_at_death >= 75).mean() > 0.5
    pop = gms_population(clean)
    start = parse_dates(pop["start_date"])
    assert 0.015 <= (start > pd.Timestamp("2023-06-30")).mean() <= 0.03
    assert (start > pd.Timestamp("2023-12-31")).any()
    assert (start == pd.Timestamp(ACH)).any()
    left = regs[parse_dates(regs["end_date"]) < pd.Timestamp(ACH)]
    alive_left = set(left["patient_id"]) - set(dead["patient_id"]) - set(pop["patient_id"])
    assert 0.005 <= len(alive_left) / n <= 0.015


def test_events_are_recorded_at_the_practice_current_on_the_event_date(
    clean: dict[str, pd.DataFrame],
) -> None:
    gms = clean["registrations"][clean["registrations"]["registration_type"] == "GMS"].copy()
    gms["start"] = parse_dates(gms["start_date"])
    counts = gms.groupby("patient_id")["practice_code"].transform("nunique")
    movers = gms[counts == 2].sort_values(["patient_id", "start"])
    first = movers.groupby("patient_id").first()
    second = movers.groupby("patient_id").last()
    ev = clean["events"].merge(
        first[["practice_code"]].rename(columns={"practice_code": "old"}),
        left_on="patient_id",
        right_index=True,
    )
    ev = ev.merge(
        second[["practice_code", "start"]].rename(columns={"practice_code": "new"}),
        left_on="patient_id",
        right_index=True,
    )
    before = parse_dates(ev["event_date"]) < ev["start"]
    assert before.any() and (~before).any()
    assert (ev.loc[before, "practice_code"] == ev.loc[before, "old"]).all()
    assert (ev.loc[~before, "practice_code"] == ev.loc[~before, "new"]).all()


def test_practices_differ_in_prevalence_and_exception_reporting(clean: dict[str, pd.DataFrame]) -> None:
    pop = gms_population(clean)
    hyp = register(clean, "HYP_COD", "HYPRES_COD", 0)
    prevalence = (
        pop.assign(on=pop["patient_id"].isin(hyp["patient_id"])).groupby("practice_code")["on"].mean()
    )
    assert prevalence.max() / prevalence.min() >= 1.3
    ev = clustered_events(clean)
    pca = ev[ev["cluster_code"].str.contains("PCA") & (ev["event_date"] >= WINDOW_START)]
    rate = pca.groupby("practice_code").size() / pop.groupby("practice_code").size()
    assert rate.max() >= 2 * rate.median()


def test_no_medications_without_dmd_clusters(clean: dict[str, pd.DataFrame]) -> None:
    assert len(clean["medications"]) == 0
    assert list(clean["medications"].columns) == CONTRACT_COLUMNS["medications"]


def test_manual_achievement_attests_qi_indicators(clean: dict[str, pd.DataFrame]) -> None:
    manual = clean["manual_achievement"]
    assert len(manual) == 6 * len(clean["practices"])
    assert set(manual["indicator_code"]) == {"QI013", "QI014", "QI016", "QI017", "QI018", "QI019"}
    assert set(manual["achievement_date"]) == {"2024-03-31"}
    assert 2 <= (manual["achieved"] == "false").sum() <= len(manual) * 0.1
    assert set(manual["achieved"]) == {"true", "false"}


def test_new_registers_and_prescriptions_appear_when_the_seed_has_their_clusters(
    extended_dir: Path, extended_seed: Path
) -> None:
    ex = load(extended_dir)
    seed = seed_codes(extended_seed)
    ev = clustered_events(ex, extended_seed)
    for cluster in ("AST_COD", "CHD_COD", "STRK_COD", "TIA_COD", "AFIB_COD", "BMIVAL_COD"):
        assert (ev["cluster_code"] == cluster).any(), cluster
    registers = json.loads((extended_dir / "manifest.json").read_text())["expected"]["registers"]
    assert {"HYP", "DM", "AST", "CHD", "STIA", "AF"} <= set(registers)
    assert "COPD" not in registers  # no COPD_COD in the seed: skipped, not invented
    assert 0.045 <= registers["AST"]["prevalence"] <= 0.085
    assert 0.02 <= registers["CHD"]["prevalence"] <= 0.04
    meds = ex["medications"]
    dmd = seed[seed["code_system"] == "dmd"]
    assert len(meds) > 0 and set(meds["dmd_code"]) <= set(dmd["code"])
    assert set(meds["practice_code"]) <= set(ex["practices"]["practice_code"])
    assert meds["event_id"].is_unique and not meds["event_id"].isin(ex["events"]["event_id"]).any()
    meds = meds.assign(day=parse_dates(meds["issue_date"])).sort_values(["patient_id", "dmd_code", "day"])
    gaps = meds.groupby(["patient_id", "dmd_code"])["day"].diff().dt.days.dropna()
    assert gaps.between(21, 63).all()
    statin = set(
        meds.loc[meds["dmd_code"].isin(dmd.loc[dmd["cluster_code"] == "STAT_COD", "code"]), "patient_id"]
    )
    chd = set(ev.loc[ev["cluster_code"] == "CHD_COD", "patient_id"])
    diabetic = set(ev.loc[ev["cluster_code"] == "DM_COD", "patient_id"])
    assert statin and statin <= chd | diabetic | set(
        ev.loc[ev["cluster_code"].isin(["STRK_COD", "TIA_COD"]), "patient_id"]
    )
    bmi = ev[ev["cluster_code"] == "BMIVAL_COD"]
    assert bmi["num"].between(10, 100).all() and (bmi["unit"] == "kg/m2").all()


# ------------------------------------------------------------------------------------------
# Dirty rows
# ------------------------------------------------------------------------------------------


def test_every_dirty_class_is_injected_a_few_times(dirty_dir: Path) -> None:
    manifest = json.loads((dirty_dir / "manifest.json").read_text())
    by_table = manifest["dirty"]["rows_by_table"]
    for table, classes in DIRTY_CLASSES.items():
        assert set(by_table[table]) == classes, table
        assert min(by_table[table].values()) >= 3, table
    clean_manifest = manifest["clean_rows"]["events"]
    assert sum(by_table["events"].values()) <= 0.004 * clean_manifest + 3 * len(DIRTY_CLASSES["events"])


def test_a_clean_extract_records_no_dirty_rows(clean_dir: Path) -> None:
    manifest = json.loads((clean_dir / "manifest.json").read_text())
    assert manifest["dirty"]["rows_by_table"] == {}
    assert manifest["clean_rows"] == manifest["rows"]


def _classify_event(row: pd.Series, ctx: dict[str, object]) -> str:
    """First matching defect of one extra event row, checked most fundamental first."""
    ids, pats, clean_by_id = ctx["practices"], ctx["patients"], ctx["clean_by_id"]
    if any(is_blank(pd.Series([row[c]])).iloc[0] for c in ("event_id", "patient_id", "practice_code")):
        return "blank_identifier"
    as_tuple = tuple(None if pd.isna(v) else v for v in row)
    if row["event_id"] in clean_by_id and as_tuple == clean_by_id[row["event_id"]]:
        return "duplicate_event"
    day = parse_dates(pd.Series([row["event_date"]])).iloc[0]
    if pd.isna(day):
        return "unparseable_date"
    if day <= pd.Timestamp("1900-01-01"):
        return "placeholder_date"
    if day > pd.Timestamp(ctx["extract_date"]):
        return "future_date"
    if re.search(r"\s", row["snomed_code"]):
        return "code_whitespace"
    if not re.fullmatch(r"[0-9]{6,18}", row["snomed_code"]):
        return "code_non_numeric"
    if pd.notna(row["value"]) and pd.isna(pd.to_numeric(row["value"], errors="coerce")):
        return "non_numeric_value"
    if row["patient_id"] not in pats:
        return "unknown_patient"
    assert row["practice_code"] in ids
    dob, dod = pats[row["patient_id"]]
    if day < dob:
        return "event_before_birth"
    if dod is not None and day > dod:
        return "event_after_death"
    cluster = ctx["cluster_of"].get(row["snomed_code"])
    if cluster in PLAUSIBLE and pd.notna(row["value"]):
        low, high = PLAUSIBLE[cluster]
        if not low <= float(row["value"]) <= high:
            return "implausible_value"
    if cluster in BP_CLUSTERS:
        return "bp_pair_candidate"
    return "unclassified"


def test_dirty_rows_are_extra_rows_each_with_the_recorded_defect(
    dirty_dir: Path, clean: dict[str, pd.DataFrame], dirty: dict[str, pd.DataFrame]
) -> None:
    manifest = json.loads((dirty_dir / "manifest.json").read_text())
    by_table = manifest["dirty"]["rows_by_table"]
    pats = {
        r.patient_id: (
            parse_dates(pd.Series([r.date_of_birth])).iloc[0],
            parse_dates(pd.Series([r.date_of_death])).iloc[0] if r.date_of_death else None,
        )
        for r in clean["patients"].itertuples()
    }
    ctx: dict[str, object] = {
        "practices": set(clean["practices"]["practice_code"]),
        "patients": pats,
        "clean_by_id": {
            r[0]: tuple(r)
            for r in clean["events"]
            .astype(object)
            .where(clean["events"].notna(), None)
            .itertuples(index=False)
        },
        "extract_date": manifest["extract_date"],
        "cluster_of": dict(zip(seed_codes()["code"], seed_codes()["cluster_code"], strict=False)),
    }

    # Events: classify every extra row; BP candidates must form systolic <= diastolic pairs.
    extra = extra_rows(clean["events"], dirty["events"])
    classes = extra.apply(lambda r: _classify_event(r, ctx), axis=1)
    pairs = extra[classes == "bp_pair_candidate"].assign(
        role=lambda f: f["snomed_code"].map(ctx["cluster_of"]).map(BP_CLUSTERS)
    )
    per_day = (
        pairs.groupby(["patient_id", "event_date", "role"])["value"]
        .apply(lambda v: float(v.iloc[0]))
        .unstack()
    )
    assert (per_day["sys"] <= per_day["dia"]).all()
    classes = classes.replace("bp_pair_candidate", "systolic_below_diastolic")
    assert dict(Counter(classes)) == by_table["events"]

    # Registrations: blank ids, unknown practices, GMS episodes overlapping the current one.
    extra = extra_rows(clean["registrations"], dirty["registrations"])
    current = gms_population(clean).set_index("patient_id")["start_date"]
    found: Counter = Counter()
    for row in extra.itertuples():
        if is_blank(pd.Series([row.patient_id, row.practice_code])).any():
            found["blank_identifier"] += 1
        elif row.practice_code not in ctx["practices"]:
            found["unknown_practice"] += 1
        else:
            assert row.registration_type == "GMS" and row.start_date > current[row.patient_id]
            found["overlapping_registration"] += 1
    assert dict(found) == by_table["registrations"]

    # Patients: exact duplicates of clean rows, or new patients nobody registered.
    extra = extra_rows(clean["patients"], dirty["patients"])
    registered = set(dirty["registrations"]["patient_id"].dropna())
    duplicate = extra["patient_id"].isin(set(clean["patients"]["patient_id"]))
    assert not extra.loc[~duplicate, "patient_id"].isin(registered).any()
    assert (
        dict(Counter(np.where(duplicate, "duplicate_patient", "patient_without_registration")))
        == by_table["patients"]
    )

    for table in ("practices", "manual_achievement", "medications"):
        assert rows_as_tuples(clean[table]) == rows_as_tuples(dirty[table]), table


def test_dirty_prescriptions_are_extra_rows_too(tmp_path: Path, extended_seed: Path) -> None:
    base = GeneratorConfig(
        n_patients=3_000, n_practices=4, seed=8, dirty_share=0.0, cluster_seed_path=extended_seed
    )
    generate_extract(tmp_path / "clean", base)
    generate_extract(tmp_path / "dirty", GeneratorConfig(**{**base.__dict__, "dirty_share": 0.002}))
    manifest = json.loads((tmp_path / "dirty" / "manifest.json").read_text())
    expected = manifest["dirty"]["rows_by_table"]["medications"]
    assert set(expected) == {"duplicate_event", "blank_identifier", "unknown_patient"}
    clean = read_table(tmp_path / "clean" / "medications.csv")
    extra = extra_rows(clean, read_table(tmp_path / "dirty" / "medications.csv"))
    patients = set(read_table(tmp_path / "clean" / "patients.csv")["patient_id"])
    blank = is_blank(extra["event_id"]) | is_blank(extra["patient_id"]) | is_blank(extra["practice_code"])
    duplicate = ~blank & extra["event_id"].isin(set(clean["event_id"]))
    unknown = ~blank & ~duplicate & ~extra["patient_id"].isin(patients)
    assert (blank | duplicate | unknown).all()
    assert {
        "blank_identifier": blank.sum(),
        "duplicate_event": duplicate.sum(),
        "unknown_patient": unknown.sum(),
    } == expected


# ------------------------------------------------------------------------------------------
# Configuration
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"file_format": "xlsx"},
        {"n_patients": 0},
        {"dirty_share": -0.1},
        {"history_years": 0},
        {"n_practices": 0},
    ],
)
def test_bad_config_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        GeneratorConfig(**bad)  # type: ignore[arg-type]


def test_tiny_extract_with_one_practice_still_writes_every_table(tmp_path: Path) -> None:
    counts = generate_extract(tmp_path, GeneratorConfig(n_patients=60, n_practices=1, dirty_share=0.002))
    assert set(counts) == set(CONTRACT_COLUMNS)
    assert counts["practices"] == 1 and counts["patients"] >= 60
    assert read_table(tmp_path / "practices.csv")["pcn_code"].notna().all()
