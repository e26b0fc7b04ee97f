"""Shared pytest set-up: dbt runs started by tests write their compiled files and logs to a
temporary directory of the test session, never to the project's target/ and logs/; the session
fails if any test wrote into the user's output/ or target/qof_warehouse.duckdb; and the
reference files kept next to the project (../shared) are looked up through one fixture."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hand_extract import write_hand_extract

from qof_warehouse.dbt_runner import BuildSettings, run_dbt

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_ROOT = PROJECT_ROOT.parent / "shared"
# Set to 1 to skip (instead of fail) the tests whose ../shared files are missing, e.g. on a
# laptop without them. CI (.ci/run) never sets it, so a missing ../shared fails the build.
ALLOW_MISSING_SHARED = "QOF_ALLOW_MISSING_SHARED"


@pytest.fixture(scope="session", autouse=True)
def isolated_dbt_artifacts() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="qof-dbt-") as directory:
        previous = {name: os.environ.get(name) for name in ("DBT_TARGET_PATH", "DBT_LOG_PATH")}
        os.environ["DBT_TARGET_PATH"] = str(Path(directory) / "target")
        os.environ["DBT_LOG_PATH"] = str(Path(directory) / "logs")
        os.environ.setdefault("DO_NOT_TRACK", "1")
        yield Path(directory)
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def user_outputs() -> dict[str, tuple[int, int]]:
    """Every file of the user's output/ and warehouse (target/qof_warehouse.duckdb and its
    companions) with its modification time and size."""
    files = [*(PROJECT_ROOT / "output").rglob("*"), *(PROJECT_ROOT / "target").glob("qof_warehouse.duckdb*")]
    return {
        str(path.relative_to(PROJECT_ROOT)): (path.stat().st_mtime_ns, path.stat().st_size)
        for path in files
        if path.is_file()
    }


@pytest.fixture(scope="session", autouse=True)
def user_outputs_untouched() -> Iterator[None]:
    """Tests write into temporary directories only: a file of the user's outputs that appears,
    changes or goes during the session fails it (running `qof build` or `make run` in the same
    checkout while the tests run would too)."""
    before = user_outputs()
    yield
    after = user_outputs()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    if changed:
        shown = ", ".join(changed[:10]) + (f" and {len(changed) - 10} more" if len(changed) > 10 else "")
        pytest.fail(f"tests wrote into the user's outputs: {shown}", pytrace=False)


def find_shared_path(relative: str) -> Path:
    """The path `relative` under ../shared. When it does not exist the calling test fails,
    naming the path, unless QOF_ALLOW_MISSING_SHARED=1 is set: then it is skipped."""
    path = SHARED_ROOT / relative
    if path.exists():
        return path
    message = f"{path} is missing (the reference files next to the project, ../shared)"
    if os.environ.get(ALLOW_MISSING_SHARED) == "1":
        pytest.skip(f"{message}; skipped because {ALLOW_MISSING_SHARED}=1")
    pytest.fail(f"{message}; set {ALLOW_MISSING_SHARED}=1 to skip the tests that need it", pytrace=False)


@pytest.fixture(scope="session")
def shared_path() -> Callable[[str], Path]:
    """Look up a file or directory under ../shared: `shared_path("data/codelists")`."""
    return find_shared_path


@pytest.fixture(scope="session")
def hand_build(tmp_path_factory: pytest.TempPathFactory) -> BuildSettings:
    """The hand-worked extract (tests_py/hand_extract.py) built once with every data test by
    real dbt, shared read-only by the modules that compare its figures with hand-worked ones."""
    root = tmp_path_factory.mktemp("hand")
    extract = write_hand_extract(root / "extract")
    settings = BuildSettings(extract_dir=extract, duckdb_path=root / "hand.duckdb")
    result = run_dbt(["build", "--exclude", "resource_type:unit_test"], settings, capture=True)
    assert result.returncode == 0, result.stdout[-4000:]
    return settings
