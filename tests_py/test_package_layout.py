"""The package's import structure: the synthetic generator lives in `qof_warehouse.synthetic`,
and no import of the package goes round in a circle, in particular none between the care-history
plugins (`synthetic/care/`) and the module that runs them.

Imports are read from the source with `ast`, every one counted: module level, inside functions
and under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = "qof_warehouse"
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE
CARE = f"{PACKAGE}.synthetic.care"

Graph = dict[str, set[str]]


def module_files(package_dir: Path) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    modules: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [package_dir.name, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imported_names(tree: ast.AST, module: str, is_package: bool, modules: set[str]) -> Iterator[str]:
    """Dotted names a module imports: `import a.b` gives a.b; `from a import b` gives a.b when
    that is a module, else a. (A package is run before its modules; that is no edge here.)"""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                name = f"{base}.{alias.name}"
                yield name if name in modules else base


def import_graph(package_dir: Path) -> Graph:
    """Module -> the package's modules it imports (a name that is not a module is its package's)."""
    modules = module_files(package_dir)
    graph: Graph = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = _imported_names(tree, module, path.name == "__init__.py", set(modules))
        graph[module] = {name for name in names if name in modules and name != module}
    return graph


def reachable(graph: Graph, start: set[str]) -> set[str]:
    """Every module imported, directly or through others, by the modules in `start`."""
    seen: set[str] = set()
    todo = [target for module in start for target in graph[module]]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph[module])
    return seen


def import_cycle(graph: Graph) -> list[str] | None:
    """One circle of imports (first module repeated at the end), or None."""
    for start in sorted(graph):
        path = [start]
        stack = [iter(sorted(graph[start]))]
        while stack:
            target = next(stack[-1], None)
            if target is None:
                stack.pop()
                path.pop()
            elif target == start:
                return [*path, start]
            elif target not in path and target > start:
                path.append(target)
                stack.append(iter(sorted(graph[target])))
    return None


def in_care(module: str) -> bool:
    return module == CARE or module.startswith(f"{CARE}.")


@pytest.fixture(scope="module")
def graph() -> Graph:
    return import_graph(PACKAGE_DIR)


def test_generator_modules_live_in_the_synthetic_package(graph: Graph) -> None:
    flat = sorted(module for module in graph if module.startswith(f"{PACKAGE}.generator"))
    assert flat == []
    assert {f"{PACKAGE}.synthetic.generator", f"{PACKAGE}.synthetic.histories", CARE} <= set(graph)
    assert len([module for module in graph if in_care(module)]) >= 5  # the package and its plugins


def test_care_plugins_never_import_a_module_that_imports_them(graph: Graph) -> None:
    care = {module for module in graph if in_care(module)}
    runners = {module for module in graph if module not in care and graph[module] & care}
    assert runners, "some module outside synthetic/care must run the plugins"
    assert sorted(reachable(graph, care) & runners) == []


def test_no_import_cycle_in_the_package(graph: Graph) -> None:
    assert import_cycle(graph) is None


def test_cycle_finder_sees_a_circle() -> None:
    circle = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycle(circle) == ["a", "b", "c", "a"]
    assert import_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
