"""The cluster codelists the warehouse ships, read the way `stg_reference__cluster_codes` reads
them: the published lists of `seeds/clusters/published` (each file mapped to its cluster and
code system by `seeds/reference/qof_published_codelists.csv`), then the curated
`seeds/clusters/*.csv` files for clusters with no published list."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from qof_warehouse import PROJECT_ROOT

CLUSTER_DIR = PROJECT_ROOT / "seeds" / "clusters"
CURATED_COLUMNS = ("cluster_code", "code", "code_system")


def curated_files(path: Path) -> list[Path]:
    """The curated cluster CSV files: the file itself, or a directory's `*.csv` in name order."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.csv") if p.is_file())
        if not files:
            raise FileNotFoundError(f"no cluster seed CSV files in {path}")
        return files
    if not path.is_file():
        raise FileNotFoundError(f"cluster seed not found: {path}")
    return [path]


def published_rows(path: Path = CLUSTER_DIR) -> Iterator[tuple[str, str, str]]:
    """(cluster, code, code system) of every published list in `path/published`; nothing when
    `path` is not a cluster directory holding published lists."""
    folder = path / "published"
    provenance = path.parent / "reference" / "qof_published_codelists.csv"
    if not path.is_dir() or not folder.is_dir() or not provenance.is_file():
        return
    with provenance.open(newline="", encoding="utf-8") as handle:
        lists = list(csv.DictReader(handle))
    for entry in lists:
        with (folder / entry["file_name"]).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                code = (row["code"] or "").strip()
                if code:
                    yield entry["cluster_code"], code, entry["code_system"]


def curated_rows(path: Path = CLUSTER_DIR) -> Iterator[tuple[str, str, str]]:
    """(cluster, code, code system) of the curated CSV file(s) at `path`."""
    for file in curated_files(path):
        with file.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = set(CURATED_COLUMNS) - set(reader.fieldnames or [])
            if missing:
                raise ValueError(f"{file}: missing column(s) {', '.join(sorted(missing))}")
            for row in reader:
                cluster = (row["cluster_code"] or "").strip()
                code = (row["code"] or "").strip()
                if cluster and code:
                    yield cluster, code, (row["code_system"] or "").strip().lower()


def cluster_rows(path: Path = CLUSTER_DIR) -> Iterator[tuple[str, str, str]]:
    """Every (cluster, code, code system) row the warehouse reads by default: published lists
    first, then curated codes."""
    yield from published_rows(path)
    yield from curated_rows(path)
