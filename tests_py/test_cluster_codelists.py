"""The published code lists the warehouse ships as its default clusters, a newer release dropped
in cluster by cluster through `cluster_refset_dir`, and the cluster coverage mart and message."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from hand_extract import write_hand_extract

from qof_warehouse import PROJECT_ROOT
from qof_warehouse.cluster_coverage import collect_cluster_coverage, format_cluster_coverage
from qof_warehouse.cluster_readers import derive_cluster_readers, read_cluster_readers
from qof_warehouse.codelists import curated_rows, published_rows
from qof_warehouse.dbt_runner import BuildSettings, run_dbt

PUBLISHED_DIR = PROJECT_ROOT / "seeds" / "clusters" / "published"
PROVENANCE = PROJECT_ROOT / "seeds" / "reference" / "qof_published_codelists.csv"


def _provenance() -> list[dict[str, str]]:
    with PROVENANCE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _codes(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row["code"].strip() for row in csv.DictReader(handle) if row["code"].strip()]


def test_every_shipped_list_has_its_provenance_and_every_code() -> None:
    rows = _provenance()
    assert {r["file_name"] for r in rows} == {p.name for p in PUBLISHED_DIR.glob("*.csv")}
    for row in rows:
        assert len(_codes(PUBLISHED_DIR / row["file_name"])) == int(row["code_rows"]), row["file_name"]
        assert row["code_system"] in {"snomed", "dmd"}
        assert row["source_repo"] and row["source_commit"] and row["version"], row["file_name"]


def test_shipped_lists_are_the_published_files_unchanged(shared_path: Callable[[str], Path]) -> None:
    published = shared_path("data/codelists")
    for row in _provenance():
        shipped = (PUBLISHED_DIR / row["file_name"]).read_bytes()
        assert shipped == (published / row["file_name"]).read_bytes(), row["file_name"]


def test_drug_lists_are_matched_to_medications() -> None:
    systems = {r["cluster_code"]: r["code_system"] for r in _provenance()}
    for drug_cluster in ("ASTTRT_COD", "EPILDRUG_COD", "LIT_COD", "STAT_COD", "ACE_COD", "AII_COD"):
        assert systems[drug_cluster] == "dmd", drug_cluster
    for cluster in ("DM_COD", "HYP_COD", "CHD_COD", "LD_COD", "EPIL_COD", "MH_COD"):
        assert systems[cluster] == "snomed", cluster


def test_curated_codes_only_fill_clusters_with_no_published_list() -> None:
    published_clusters = {cluster for cluster, _, _ in published_rows()}
    curated_clusters = {cluster for cluster, _, _ in curated_rows()}
    assert curated_clusters and not curated_clusters & published_clusters


def test_cluster_readers_seed_matches_the_sql() -> None:
    assert read_cluster_readers() == derive_cluster_readers(), (
        "seeds/reference/qof_cluster_readers.csv is stale: run `python -m qof_warehouse.cluster_readers`"
    )


def test_cluster_readers_follow_the_rules_columns() -> None:
    readers = set(read_cluster_readers())
    assert ("FRC_COD", "DM012") in readers and ("IFCCHBAM_COD", "DM020") in readers
    assert ("DM_COD", "DM017") in readers and ("HYP_COD", "HYP008") in readers
    assert ("FRC_COD", "DM020") not in readers  # DM020's rules never read the foot checks


@pytest.fixture(scope="module")
def refset_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A newer release of three lists: HYP_COD (snomed, by cluster file name), LIT_COD (dm+d,
    by cluster file name) and the oral vitamin K antagonists (dm+d, by the shipped file name)."""
    folder = tmp_path_factory.mktemp("release")
    files = {
        "nhsd-primary-care-domain-refsets-hyp_cod.csv": ["38341003", "59621000"],
        "nhsd-primary-care-domain-refsets-lit_cod.csv": ["321729005"],
        "nhs-drug-refset-93141000001109-oral-vitamin-k-antagonists.csv": ["319733000", "319734006"],
    }
    for name, codes in files.items():
        (folder / name).write_text("code,term\n" + "".join(f"{c},term {c}\n" for c in codes))
    return folder


@pytest.fixture(scope="module")
def release_warehouse(tmp_path_factory: pytest.TempPathFactory, refset_release: Path) -> Path:
    root = tmp_path_factory.mktemp("release_build")
    settings = BuildSettings(
        extract_dir=write_hand_extract(root / "extract"),
        duckdb_path=root / "release.duckdb",
        extra_vars={"cluster_refset_dir": str(refset_release)},
    )
    result = run_dbt(["build", "--select", "+stg_reference__cluster_codes"], settings, capture=True)
    assert result.returncode == 0, result.stdout[-4000:]
    return settings.duckdb_path


def _cluster(warehouse: Path, cluster: str) -> list[tuple[str, str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            "select code, code_system, code_source from stg_reference__cluster_codes "
            "where cluster_code = ? order by code",
            [cluster],
        ).fetchall()


def test_a_newer_release_replaces_its_clusters_only(release_warehouse: Path) -> None:
    hyp = _cluster(release_warehouse, "HYP_COD")
    assert [(c, s) for c, s, _ in hyp] == [("38341003", "snomed"), ("59621000", "snomed")]
    assert all(source.startswith("refset_dir:") for _, _, source in hyp)
    dm = _cluster(release_warehouse, "DM_COD")
    shipped = {r["cluster_code"]: int(r["code_rows"]) for r in _provenance()}
    assert len(dm) == shipped["DM_COD"] and {s for _, _, s in dm} == {"nhsd_pcd_refset"}


def test_a_newer_release_reads_the_code_system_of_each_list(release_warehouse: Path) -> None:
    assert _cluster(release_warehouse, "LIT_COD") == [
        ("321729005", "dmd", "refset_dir:nhsd-primary-care-domain-refsets-lit_cod.csv")
    ]
    vka = _cluster(release_warehouse, "VITKANTAG_COD")
    assert [(c, s) for c, s, _ in vka] == [("319733000", "dmd"), ("319734006", "dmd")]


@pytest.fixture(scope="module")
def coverage_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("coverage")
    settings = BuildSettings(
        extract_dir=write_hand_extract(root / "extract"), duckdb_path=root / "cov.duckdb"
    )
    result = run_dbt(
        [
            "build",
            "--select",
            "+dim_cluster",
            "--indirect-selection",
            "cautious",
            "--exclude",
            "resource_type:unit_test",
        ],
        settings,
        capture=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return settings.duckdb_path


def test_dim_cluster_says_where_each_cluster_comes_from(coverage_warehouse: Path) -> None:
    with duckdb.connect(str(coverage_warehouse), read_only=True) as connection:
        rows = {
            r[0]: r[1:]
            for r in connection.execute(
                "select cluster_code, coverage_status, code_count, is_starving_indicators, "
                "reading_indicators, "
                "extract_rows_matched from dim_cluster"
            ).fetchall()
        }
    shipped = {r["cluster_code"]: int(r["code_rows"]) for r in _provenance()}
    assert rows["HYP_COD"][:3] == ("published", shipped["HYP_COD"], False)
    assert rows["DSEP_COD"][0] == "curated"
    status, count, starving, readers, matched = rows["FRC_COD"]
    assert (status, count, starving, matched) == ("empty", 0, True, 0) and "DM012" in readers
    # hand extract: p01, p02, p03, p06 and p07 carry a diabetes code in the population; p05's
    # resolved diabetes and p04 (aged 16) still count as matched rows of DM_COD.
    assert rows["DM_COD"][4] >= 5


def test_build_message_names_starving_clusters_and_their_indicators(coverage_warehouse: Path) -> None:
    message = format_cluster_coverage(collect_cluster_coverage(coverage_warehouse))
    assert "published" in message.splitlines()[0]
    frc = next(line for line in message.splitlines() if line.strip().startswith("FRC_COD"))
    assert "DM012" in frc
