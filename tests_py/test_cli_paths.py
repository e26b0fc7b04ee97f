"""Where `qof` reads and writes: the extract directory and warehouse file come from --extract-dir /
--duckdb, else env QOF_EXTRACT_DIR / QOF_DUCKDB (as the README says), else the project defaults;
and the test build of `make dbt-test` writes nothing into the user's output/ or
target/qof_warehouse.duckdb.

dbt itself never runs here: the build's runner and writers are replaced by fakes that record the
paths they are given.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from hand_extract import write_hand_extract

from qof_warehouse import PROJECT_ROOT, cli
from qof_warehouse.dbt_runner import DEFAULT_DUCKDB, DEFAULT_EXTRACT_DIR, BuildSettings
from qof_warehouse.extract_check import ExtractLayout

DUCKDB_COMMANDS = ("build", "alerts", "summary", "worklists", "trajectory", "report")
EXTRACT_DIR_COMMANDS = ("check", "build", "trajectory")
USER_OUTPUTS = (
    DEFAULT_DUCKDB,
    cli.DEFAULT_ALERTS_DIR,
    cli.DEFAULT_WORKLISTS_DIR,
    cli.DEFAULT_CQRS_DIR,
    cli.DEFAULT_REPORT_DIR,
)


@pytest.fixture(autouse=True)
def no_path_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with neither variable set, whatever the shell running pytest has."""
    monkeypatch.delenv("QOF_DUCKDB", raising=False)
    monkeypatch.delenv("QOF_EXTRACT_DIR", raising=False)


def parse(argv: list[str]) -> argparse.Namespace:
    return cli.build_parser().parse_args(argv)


@pytest.mark.parametrize("command", DUCKDB_COMMANDS)
def test_duckdb_comes_from_qof_duckdb(command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert Path(parse([command]).duckdb) == DEFAULT_DUCKDB
    monkeypatch.setenv("QOF_DUCKDB", str(tmp_path / "env.duckdb"))
    assert Path(parse([command]).duckdb) == tmp_path / "env.duckdb"
    given = tmp_path / "given.duckdb"
    assert Path(parse([command, "--duckdb", str(given)]).duckdb) == given


@pytest.mark.parametrize("command", EXTRACT_DIR_COMMANDS)
def test_extract_dir_comes_from_qof_extract_dir(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert Path(parse([command]).extract_dir) == DEFAULT_EXTRACT_DIR
    monkeypatch.setenv("QOF_EXTRACT_DIR", str(tmp_path / "env_extract"))
    assert Path(parse([command]).extract_dir) == tmp_path / "env_extract"
    given = tmp_path / "given"
    assert Path(parse([command, "--extract-dir", str(given)]).extract_dir) == given


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QOF_DUCKDB", "")
    monkeypatch.setenv("QOF_EXTRACT_DIR", "")
    args = parse(["build"])
    assert (Path(args.duckdb), Path(args.extract_dir)) == (DEFAULT_DUCKDB, DEFAULT_EXTRACT_DIR)


def test_generate_never_writes_into_qof_extract_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QOF_EXTRACT_DIR", str(tmp_path / "real_extract"))
    assert Path(parse(["generate"]).out) == DEFAULT_EXTRACT_DIR


def test_build_settings_default_to_the_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert (BuildSettings().extract_dir, BuildSettings().duckdb_path) == (DEFAULT_EXTRACT_DIR, DEFAULT_DUCKDB)
    monkeypatch.setenv("QOF_DUCKDB", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("QOF_EXTRACT_DIR", str(tmp_path / "x"))
    assert (BuildSettings().extract_dir, BuildSettings().duckdb_path) == (
        tmp_path / "x",
        tmp_path / "w.duckdb",
    )


@dataclass
class Recorded:
    """What the faked build was asked to read and write."""

    settings: list[BuildSettings] = field(default_factory=list)
    written: dict[str, Path] = field(default_factory=dict)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Recorded:
    """`qof build` and `qof trajectory` with dbt and every writer replaced by recorders; the
    build succeeds, the warehouse it names is "built"."""
    record = Recorded()

    def fake_safe_build(command: list[str], settings: BuildSettings) -> SimpleNamespace:
        record.settings.append(settings)
        record.written["duckdb"] = settings.duckdb_path
        return SimpleNamespace(ok=True, warehouse=settings.duckdb_path)

    def fake_publish(warehouse: Path, alerts_dir: Path) -> int:
        record.written["alerts"] = alerts_dir
        return 0

    def fake_worklists(warehouse: Path, out: Path) -> list[Path]:
        record.written["worklists"] = out
        return []

    def fake_cqrs(warehouse: Path, out: Path) -> Path:
        record.written["cqrs"] = out
        return out / "cqrs_submission.csv"

    def fake_trajectory(settings: BuildSettings, dates: list[date]) -> list[date]:
        record.settings.append(settings)
        return [date(2024, 3, 31)]

    monkeypatch.setattr(cli, "safe_build", fake_safe_build)
    monkeypatch.setattr(cli, "_publish_reports", fake_publish)
    monkeypatch.setattr(cli, "write_worklists", fake_worklists)
    monkeypatch.setattr(cli, "write_cqrs_csv", fake_cqrs)
    monkeypatch.setattr(cli, "run_trajectory", fake_trajectory)
    for name in ("collect_summary", "collect_cluster_coverage", "collect_dq_summary"):
        monkeypatch.setattr(cli, name, lambda warehouse: ())
    for name in ("format_summary", "format_cluster_coverage", "format_dq_summary"):
        monkeypatch.setattr(cli, name, lambda *parts: "")
    return record


def test_build_resolves_settings_from_the_variables(
    recorded: Recorded, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    extract = write_hand_extract(tmp_path / "extract")
    warehouse = tmp_path / "warehouse" / "env.duckdb"
    monkeypatch.setenv("QOF_EXTRACT_DIR", str(extract))
    monkeypatch.setenv("QOF_DUCKDB", str(warehouse))
    assert cli.main(["build", "--no-alerts"]) == 0
    assert cli.main(["trajectory", "--dates", "2024-03-31"]) == 0
    for settings in recorded.settings:
        assert (settings.extract_dir, settings.duckdb_path) == (extract, warehouse)
        assert settings.environment()["QOF_DUCKDB"] == str(warehouse.resolve())
    assert len(recorded.settings) == 2


@dataclass(frozen=True)
class MakeRecipe:
    """The `qof generate` and `qof build` command lines of `make dbt-test`, as make expands them."""

    generate: list[str]
    build: list[str]


def _qof_commands(dry_run: str) -> Iterator[list[str]]:
    for line in dry_run.replace("\\\n", " ").splitlines():
        words = shlex.split(line)
        for position, word in enumerate(words):
            if Path(word).name == "qof":
                yield words[position + 1 :]


@pytest.fixture(scope="module")
def dbt_test_recipe() -> MakeRecipe:
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is needed to read the dbt-test recipe (apt-get install make)")
    dry_run = subprocess.run(
        [make, "--dry-run", "-C", str(PROJECT_ROOT), "dbt-test"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = {words[0]: words for words in _qof_commands(dry_run)}
    return MakeRecipe(commands["generate"], commands["build"])


def _under(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def test_make_dbt_test_writes_only_under_target(
    dbt_test_recipe: MakeRecipe, recorded: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = ExtractLayout("csv", "files", {}, {})
    monkeypatch.setattr(cli, "_checked_extract", lambda extract_dir, encoding: layout)
    monkeypatch.chdir(PROJECT_ROOT)  # make runs the recipe there: its relative paths start there
    assert cli.main(dbt_test_recipe.build) == 0
    assert sorted(recorded.written) == ["alerts", "cqrs", "duckdb", "worklists"]
    for kind, path in recorded.written.items():
        assert _under(path, PROJECT_ROOT / "target"), (kind, path)
        assert not _under(path, PROJECT_ROOT / "output"), (kind, path)
        assert all(path.resolve() != default.resolve() for default in USER_OUTPUTS), (kind, path)
    (settings,) = recorded.settings
    generated = Path(dbt_test_recipe.generate[dbt_test_recipe.generate.index("--out") + 1])
    assert settings.extract_dir.resolve() == generated.resolve()
    assert _under(generated, PROJECT_ROOT / "target")


def test_a_build_without_output_options_is_caught(
    recorded: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: a build naming only its warehouse writes to output/."""
    layout = ExtractLayout("csv", "files", {}, {})
    monkeypatch.setattr(cli, "_checked_extract", lambda extract_dir, encoding: layout)
    assert cli.main(["build", "--duckdb", "target/test_warehouse.duckdb"]) == 0
    assert _under(recorded.written["worklists"], PROJECT_ROOT / "output")
    assert _under(recorded.written["cqrs"], PROJECT_ROOT / "output")
