"""Shared pytest set-up: dbt runs started by tests write their compiled files and logs to a
temporary directory of the test session, never to the project's target/ and logs/; and the
reference files kept next to the project (../shared) are looked up through one fixture."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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
