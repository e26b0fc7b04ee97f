"""Loading the NHS Digital refset files instead of (on top of) the curated clusters.

Uses the published primary care domain refsets in ../shared/data/codelists: the tests fail when
they are missing unless QOF_ALLOW_MISSING_SHARED=1 is set (tests_py/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from hand_extract import EXPECTED, write_hand_extract

from qof_warehouse.dbt_runner import BuildSettings, run_dbt

REFSETS = "data/codelists"
DM_REFSET = "nhsd-primary-care-domain-refsets-dm_cod.csv"


@pytest.fixture(scope="module")
def refset_dir(shared_path: Callable[[str], Path]) -> Path:
    return shared_path(REFSETS)


@pytest.fixture(scope="module")
def refset_warehouse(tmp_path_factory: pytest.TempPathFactory, refset_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("refsets")
    settings = BuildSettings(
        extract_dir=write_hand_extract(root / "extract"),
        duckdb_path=root / "refsets.duckdb",
        extra_vars={"cluster_refset_dir": str(refset_dir)},
    )
    selection = [
        "build",
        "--select",
        "+fct_cqrs_submission",
        "--indirect-selection",
        "cautious",
        "--exclude",
        "resource_type:unit_test",
    ]
    result = run_dbt(selection, settings, capture=True)
    assert result.returncode == 0, result.stdout[-4000:]
    return settings.duckdb_path


def test_refset_clusters_are_named_from_their_files(refset_warehouse: Path, refset_dir: Path) -> None:
    with duckdb.connect(str(refset_warehouse), read_only=True) as connection:
        sizes = dict(
            connection.execute(
                "select cluster_code, count(*) from stg_reference__cluster_codes "
                "where code_source like 'refset_dir:%' group by cluster_code"
            ).fetchall()
        )
    expected_rows = sum(1 for _ in (refset_dir / DM_REFSET).open()) - 1
    assert sizes["DM_COD"] == expected_rows
    assert "HYP_COD" in sizes and "IFCCHBAM_COD" in sizes


def test_refsets_give_the_hand_worked_results(refset_warehouse: Path) -> None:
    with duckdb.connect(str(refset_warehouse), read_only=True) as connection:
        for (practice, indicator), expected in EXPECTED.items():
            row = connection.execute(
                "select register, denominator, numerator, pca_count, exclusion_count, points "
                "from fct_practice_indicator_achievement where practice_code = ? and indicator_code = ?",
                [practice, indicator],
            ).fetchone()
            assert tuple(row) == expected, (practice, indicator)
