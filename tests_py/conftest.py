"""Shared pytest set-up: dbt runs started by tests write their compiled files and logs to a
temporary directory of the test session, never to the project's target/ and logs/."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


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
