"""The package as a user installs it: build the wheel, install it with its dependencies into a new
virtual environment, and run `qof` from there.

The new environment is made without the system's or this test run's site-packages, and the wheel
is installed with the dependencies it declares, resolved by pip from the package index (at the
versions requirements.txt pins, so mostly from pip's cache: about half a minute). A faster way
would borrow this test run's installed packages, but then a dependency the wheel forgot to declare
would go unnoticed; the system Python has none to borrow (`--system-site-packages` gives nothing).

The wheel holds only the Python package; the generator reads the dbt project's cluster seed,
found through QOF_PROJECT_DIR (qof_warehouse/__init__.py), here this checkout.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from qof_warehouse import PROJECT_DIR_ENV, PROJECT_ROOT
from qof_warehouse.synthetic.generator import GeneratorConfig, generate_extract

PACKAGE = "qof_warehouse"
PACKAGE_DIR = PROJECT_ROOT / PACKAGE
INSTALL_TIMEOUT = 600  # seconds; a warm pip cache takes about 30
EXTRACT_FILES = (
    "practices.csv",
    "patients.csv",
    "registrations.csv",
    "events.csv",
    "medications.csv",
    "manual_achievement.csv",
    "manifest.json",
)
GENERATE_ARGS = ("--patients", "200", "--practices", "2", "--pcns", "1", "--icbs", "1", "--seed", "11")
# Lists every file of the installed package, relative to it, and where it was imported from.
LIST_INSTALLED = """
import json, pathlib, qof_warehouse
root = pathlib.Path(qof_warehouse.__file__).parent
files = sorted(
    p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
)
print(json.dumps({"location": str(root), "files": files}))
"""
# Imports every module of the installed package (so every dependency it needs must be there).
IMPORT_ALL = """
import importlib, pkgutil, qof_warehouse
names = [m.name for m in pkgutil.walk_packages(qof_warehouse.__path__, "qof_warehouse.")]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name


def source_files(package_dir: Path) -> list[str]:
    """The package's files as a wheel must hold them (no bytecode caches)."""
    return sorted(
        path.relative_to(package_dir).as_posix()
        for path in package_dir.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def _clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything that would point Python at this checkout."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    return {**env, **extra}


def _run(args: list[str | Path], cwd: Path, timeout: int = 120, **env: str) -> str:
    process = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert process.returncode == 0, f"{args[0]} failed:\n{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
    return process.stdout


def _build_wheel(root: Path) -> Path:
    """The wheel, built from a copy of the sources so the checkout gets no build/ or egg-info."""
    source = root / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(PACKAGE_DIR, source / PACKAGE, ignore=ignore)
    shutil.copy2(PROJECT_ROOT / "pyproject.toml", source / "pyproject.toml")
    wheels = root / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source], cwd=root)
    (wheel,) = wheels.glob("*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("package")
    wheel = _build_wheel(root)
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=root)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "-q", "--only-binary", ":all:"]
    _run([*pip, "-c", PROJECT_ROOT / "requirements.txt", wheel], cwd=root, timeout=INSTALL_TIMEOUT)
    yield Installed(wheel, venv)
    shutil.rmtree(venv, ignore_errors=True)  # most of a gigabyte


def test_wheel_holds_every_module_template_and_asset(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        in_wheel = sorted(
            name.removeprefix(f"{PACKAGE}/") for name in wheel.namelist() if name.startswith(f"{PACKAGE}/")
        )
    expected = source_files(PACKAGE_DIR)
    assert {"synthetic/care/__init__.py", "report/templates/base.html.j2", "report/assets/report.css"} <= set(
        expected
    )
    assert in_wheel == expected


def test_installed_package_is_the_wheel_not_the_checkout(installed: Installed, tmp_path: Path) -> None:
    listing = json.loads(_run([installed.bin("python"), "-c", LIST_INSTALLED], cwd=tmp_path))
    assert Path(listing["location"]).is_relative_to(installed.venv)
    assert listing["files"] == source_files(PACKAGE_DIR)


def test_every_installed_module_imports(installed: Installed, tmp_path: Path) -> None:
    count = int(_run([installed.bin("python"), "-c", IMPORT_ALL], cwd=tmp_path))
    assert count == len([name for name in source_files(PACKAGE_DIR) if name.endswith(".py")]) - 1


def test_installed_qof_help(installed: Installed, tmp_path: Path) -> None:
    text = _run([installed.bin("qof"), "--help"], cwd=tmp_path)
    for command in ("generate", "build", "trajectory", "report"):
        assert command in text


def test_installed_qof_generate_writes_the_same_extract(installed: Installed, tmp_path: Path) -> None:
    out = tmp_path / "installed"
    env = {PROJECT_DIR_ENV: str(PROJECT_ROOT)}
    printed = _run([installed.bin("qof"), "generate", "--out", out, *GENERATE_ARGS], cwd=tmp_path, **env)
    assert "patients" in printed
    assert sorted(path.name for path in out.iterdir()) == sorted(EXTRACT_FILES)
    here = tmp_path / "here"
    generate_extract(here, GeneratorConfig(n_patients=200, n_practices=2, n_pcns=1, n_icbs=1, seed=11))
    for name in EXTRACT_FILES:
        assert (out / name).read_bytes() == (here / name).read_bytes(), name


def _third_party_imports(package_dir: Path) -> set[str]:
    """Top-level names of the modules the package imports from outside itself and the standard library."""
    names: set[str] = set()
    for path in package_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {PACKAGE, "__future__"}


def _normalised(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def test_wheel_declares_every_imported_distribution(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        (metadata,) = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
        lines = wheel.read(metadata).decode("utf-8").splitlines()
    required = {
        _normalised(match.group(1))
        for line in lines
        if (match := re.match(r"Requires-Dist:\s*([A-Za-z0-9._-]+)", line))
    }
    distributions = packages_distributions()
    imported = _third_party_imports(PACKAGE_DIR)
    assert {"duckdb", "numpy", "yaml", "jinja2"} <= imported
    missing = {
        module: distributions.get(module)
        for module in imported
        if not {_normalised(d) for d in distributions.get(module, [module])} & required
    }
    assert missing == {}
    assert "dbt-duckdb" in required  # run as `dbt`, never imported
