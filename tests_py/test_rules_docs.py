"""Checks that docs/rules covers the registry and that code citations point at real files.

docs/rules/<area>.md states each register's and indicator's rules with their official source.
These tests keep it complete as the seeds grow: every indicator of the indicator registry and
every register of the register seed must appear as a heading or a table row in some
docs/rules file, and every `docs/rules/<file>.md` cited in models/, macros/ or seeds/ must
exist. Plain file reads only; no dbt run."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RULES = PROJECT_ROOT / "docs" / "rules"
SEEDS = PROJECT_ROOT / "seeds" / "reference"
CITED_IN = ("models", "macros", "seeds")
CITATION = re.compile(r"docs/rules/([A-Za-z0-9_\-]+\.md)")


def _seed_column(file_name: str, column: str) -> set[str]:
    with (SEEDS / file_name).open(newline="", encoding="utf-8") as handle:
        return {row[column] for row in csv.DictReader(handle) if row[column]}


def _entry_lines() -> list[str]:
    """Headings and table rows of every docs/rules file: the places an entry is named."""
    lines = []
    for path in sorted(RULES.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or line.lstrip().startswith("|"):
                lines.append(line)
    return lines


def _named(code: str, lines: list[str]) -> bool:
    pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(code)}(?![A-Za-z0-9_])")
    return any(pattern.search(line) for line in lines)


def test_rules_index_exists() -> None:
    assert (RULES / "README.md").is_file()
    assert (RULES / "citations.md").is_file()


@pytest.mark.parametrize("code", sorted(_seed_column("qof_indicators.csv", "indicator_code")))
def test_every_indicator_has_an_entry(code: str) -> None:
    message = f"{code} is in qof_indicators but has no heading or table row in docs/rules"
    assert _named(code, _entry_lines()), message


def test_every_register_has_an_entry() -> None:
    lines = _entry_lines()
    registers = _seed_column("qof_registers.csv", "register_code")
    register_indicators = _seed_column("qof_registers.csv", "register_indicator_code")
    missing = sorted(code for code in registers | register_indicators if not _named(code, lines))
    assert not missing, f"registers with no heading or table row in docs/rules: {missing}"


def test_every_register_model_has_an_area_file() -> None:
    models = PROJECT_ROOT / "models" / "intermediate" / "registers"
    areas = {path.stem.removeprefix("int_registers__") for path in models.glob("int_registers__*.sql")}
    missing = sorted(area for area in areas if not (RULES / f"{area}.md").is_file())
    assert not missing, f"register models with no docs/rules/<area>.md: {missing}"


def test_cited_rules_files_exist() -> None:
    cited: dict[str, set[str]] = {}
    for top in CITED_IN:
        for path in (PROJECT_ROOT / top).rglob("*"):
            if path.suffix not in {".sql", ".yml", ".yaml", ".csv", ".md"} or not path.is_file():
                continue
            for name in CITATION.findall(path.read_text(encoding="utf-8", errors="replace")):
                cited.setdefault(name, set()).add(str(path.relative_to(PROJECT_ROOT)))
    assert cited, "no docs/rules citation found in models/, macros/ or seeds/"
    missing = {name: sorted(paths) for name, paths in cited.items() if not (RULES / name).is_file()}
    assert not missing, f"cited docs/rules files that do not exist: {missing}"
