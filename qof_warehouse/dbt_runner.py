"""Run dbt for the warehouse with the extract, warehouse file and rules year as settings.

`safe_build` is how the warehouse is rebuilt: dbt writes a new DuckDB file next to the
warehouse and the new file replaces the old one (an atomic rename) only when every model and
test passed. A failed or interrupted build leaves the previous warehouse readable and
unchanged; its leftovers are cleared by the next build, and a lock file keeps two builds of
the same warehouse from running at once.

An extract whose CSV files are not UTF-8 (`extract_encoding`, e.g. cp1252) is read through
UTF-8 copies written beside the build's new file and removed when dbt is done; the extract
directory itself is only ever read.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from qof_warehouse import PROJECT_ROOT
from qof_warehouse.extract_check import DEFAULT_ENCODING, needs_transcoding, transcode_extract

DEFAULT_EXTRACT_DIR = PROJECT_ROOT / "data" / "synthetic"
DEFAULT_DUCKDB = PROJECT_ROOT / "target" / "qof_warehouse.duckdb"
EXTRACT_DIR_ENV = "QOF_EXTRACT_DIR"
DUCKDB_ENV = "QOF_DUCKDB"


def default_extract_dir() -> Path:
    """The extract directory when none is given: env QOF_EXTRACT_DIR, else data/synthetic."""
    return Path(os.environ.get(EXTRACT_DIR_ENV) or DEFAULT_EXTRACT_DIR)


def default_duckdb() -> Path:
    """The warehouse file when none is given: env QOF_DUCKDB, else target/qof_warehouse.duckdb."""
    return Path(os.environ.get(DUCKDB_ENV) or DEFAULT_DUCKDB)


@dataclass(frozen=True)
class BuildSettings:
    """Where the extract is, where the warehouse goes and which rules apply.

    `extract_encoding` is the encoding of the extract's CSV files; `source_dir` is set on the
    settings that read UTF-8 copies of them and names the directory they were copied from.
    """

    extract_dir: Path = field(default_factory=default_extract_dir)
    duckdb_path: Path = field(default_factory=default_duckdb)
    extract_format: str = "csv"
    extract_layout: str = "files"
    achievement_date: str | None = None
    qof_year: str | None = None
    extra_vars: dict[str, object] = field(default_factory=dict)
    extract_encoding: str = DEFAULT_ENCODING
    source_dir: Path | None = None

    def dbt_vars(self) -> dict[str, object]:
        values: dict[str, object] = {
            "extract_dir": str(self.extract_dir.resolve()),
            "extract_format": self.extract_format,
            "extract_layout": self.extract_layout,
        }
        if self.source_dir:
            values["extract_source_dir"] = str(self.source_dir.resolve())
        if self.achievement_date:
            values["achievement_date"] = self.achievement_date
        if self.qof_year:
            values["qof_year"] = self.qof_year
        values.update(self.extra_vars)
        return values

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env[DUCKDB_ENV] = str(self.duckdb_path.resolve())
        env[EXTRACT_DIR_ENV] = str(self.extract_dir.resolve())
        env.setdefault("DO_NOT_TRACK", "1")
        env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        env.setdefault("DBT_VERSION_CHECK", "false")
        return env


@contextmanager
def utf8_extract(settings: BuildSettings, work_dir: Path) -> Iterator[BuildSettings]:
    """Settings whose extract dbt can read: the same settings for a UTF-8 or Parquet extract;
    else settings reading UTF-8 copies of the CSV files, written to `work_dir` (cleared first)
    and removed when the block ends."""
    if settings.extract_format != "csv" or not needs_transcoding(settings.extract_encoding):
        yield settings
        return
    shutil.rmtree(work_dir, ignore_errors=True)
    try:
        copies = transcode_extract(settings.extract_dir, settings.extract_encoding, work_dir)
        yield replace(
            settings,
            extract_dir=copies,
            extract_encoding=DEFAULT_ENCODING,
            source_dir=settings.source_dir or settings.extract_dir,
        )
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


@contextmanager
def readable_extract(settings: BuildSettings) -> Iterator[BuildSettings]:
    """`utf8_extract` with the copies in a fresh directory beside the warehouse, for runs that
    write into the warehouse in place (the trajectory) rather than through `safe_build`."""
    if settings.extract_format != "csv" or not needs_transcoding(settings.extract_encoding):
        yield settings
        return
    warehouse = settings.duckdb_path.resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{warehouse.stem}.extract-", dir=warehouse.parent) as work:
        with utf8_extract(settings, Path(work) / "extract") as readable:
            yield readable


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


class BuildLockedError(RuntimeError):
    """Another build of the same warehouse file is running."""


@dataclass(frozen=True)
class WarehouseFiles:
    """The warehouse file and the files a safe build keeps next to it.

    The build and failed files insert a tag before the suffix (`qof.building.duckdb`): DuckDB
    names a database after the file name up to its first dot, so the views dbt creates in the
    new file name the same catalog as the warehouse it replaces.
    """

    target: Path

    def _sibling(self, tag: str) -> Path:
        return self.target.with_name(f"{self.target.stem}.{tag}{self.target.suffix}")

    @property
    def building(self) -> Path:
        """Where a build writes before it is swapped in."""
        return self._sibling("building")

    @property
    def failed(self) -> Path:
        """The last failed build, kept for inspection until the next successful one."""
        return self._sibling("failed")

    @property
    def lock(self) -> Path:
        return self.target.with_name(f"{self.target.name}.lock")

    @property
    def extract_copy(self) -> Path:
        """Where a build writes UTF-8 copies of an extract in another encoding."""
        return self.target.with_name(f"{self.target.stem}.building.extract")


def _companions(path: Path) -> list[Path]:
    """A DuckDB file with its write-ahead log and spill directory."""
    return [path, path.with_name(f"{path.name}.wal"), path.with_name(f"{path.name}.tmp")]


def remove_database(path: Path) -> None:
    """Delete a DuckDB file and its companions, if present."""
    for item in _companions(path):
        if item.is_dir():
            shutil.rmtree(item)
        elif item.exists():
            item.unlink()


@contextmanager
def build_lock(files: WarehouseFiles) -> Iterator[None]:
    """Hold the warehouse's build lock; released when the process ends, however it ends."""
    files.lock.parent.mkdir(parents=True, exist_ok=True)
    with files.lock.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BuildLockedError(
                f"{files.target}: another build of this warehouse is running (lock {files.lock})"
            ) from error
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file so the file alone holds the warehouse."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("checkpoint")


def swap_in(built: Path, target: Path) -> None:
    """Replace `target` by `built` in one rename; a stale log of the old file goes first."""
    checkpoint(built)
    shutil.rmtree(built.with_name(f"{built.name}.tmp"), ignore_errors=True)
    stale_wal = target.with_name(f"{target.name}.wal")
    if stale_wal.exists():
        stale_wal.unlink()
    os.replace(built, target)


def keep_failed_build(files: WarehouseFiles) -> Path | None:
    """Keep a failed build as the `.failed` file for inspection (replacing an older one)."""
    remove_database(files.failed)
    if not files.building.exists():
        return None
    try:
        checkpoint(files.building)
        os.replace(files.building, files.failed)
    except duckdb.Error:
        return None
    finally:
        remove_database(files.building)
    return files.failed


@dataclass(frozen=True)
class SafeBuildResult:
    """The dbt process, and where a failed build was kept."""

    process: subprocess.CompletedProcess[str]
    warehouse: Path
    failed_build: Path | None

    @property
    def ok(self) -> bool:
        return self.process.returncode == 0


def safe_build(command: list[str], settings: BuildSettings, capture: bool = False) -> SafeBuildResult:
    """Run `dbt <command>` into a new file and swap it in only if dbt succeeded."""
    files = WarehouseFiles(settings.duckdb_path.resolve())
    with build_lock(files):
        remove_database(files.building)
        shutil.rmtree(files.extract_copy, ignore_errors=True)
        with utf8_extract(settings, files.extract_copy) as readable:
            process = run_dbt(command, replace(readable, duckdb_path=files.building), capture=capture)
        if process.returncode != 0:
            return SafeBuildResult(process, files.target, keep_failed_build(files))
        swap_in(files.building, files.target)
        remove_database(files.failed)
        return SafeBuildResult(process, files.target, None)
