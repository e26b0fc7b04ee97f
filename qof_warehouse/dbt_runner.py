"""Run dbt for the warehouse with the extract, warehouse file and rules year as settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from qof_warehouse import PROJECT_ROOT

DEFAULT_EXTRACT_DIR = PROJECT_ROOT / "data" / "synthetic"
DEFAULT_DUCKDB = PROJECT_ROOT / "target" / "qof_warehouse.duckdb"


@dataclass(frozen=True)
class BuildSettings:
    """Where the extract is, where the warehouse goes and which rules apply."""

    extract_dir: Path = DEFAULT_EXTRACT_DIR
    duckdb_path: Path = DEFAULT_DUCKDB
    extract_format: str = "csv"
    extract_layout: str = "files"
    achievement_date: str | None = None
    qof_year: str | None = None
    extra_vars: dict[str, object] = field(default_factory=dict)

    def dbt_vars(self) -> dict[str, object]:
        values: dict[str, object] = {
            "extract_dir": str(self.extract_dir.resolve()),
            "extract_format": self.extract_format,
            "extract_layout": self.extract_layout,
        }
        if self.achievement_date:
            values["achievement_date"] = self.achievement_date
        if self.qof_year:
            values["qof_year"] = self.qof_year
        values.update(self.extra_vars)
        return values

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env["QOF_DUCKDB"] = str(self.duckdb_path.resolve())
        env["QOF_EXTRACT_DIR"] = str(self.extract_dir.resolve())
        env.setdefault("DO_NOT_TRACK", "1")
        env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        env.setdefault("DBT_VERSION_CHECK", "false")
        return env


def dbt_executable() -> str:
    """The dbt next to the running interpreter (the project's venv), else dbt on PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(
    command: list[str], settings: BuildSettings, capture: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <command>` in the project directory with the settings' vars and warehouse."""
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    args = [
        dbt_executable(),
        *command,
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROJECT_ROOT),
        "--vars",
        json.dumps(settings.dbt_vars()),
    ]
    return subprocess.run(
        args,
        cwd=PROJECT_ROOT,
        env=settings.environment(),
        text=True,
        capture_output=capture,
        check=False,
    )
