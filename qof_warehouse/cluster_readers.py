"""Which indicators read which cluster, derived from the SQL itself.

Every model and macro of the project is scanned for the cluster names it quotes
(`'DM_COD'`), the models it reads (`ref('...')`), the project macros it calls and the columns it
defines (`... as <column>`). An indicator (`indicator__<code>` macro) reads the clusters quoted
in its own macros, and, of each model those macros read, the clusters behind the columns its
rules name (followed through renames, and through the models upstream of that one in the same
way); a register indicator (e.g. DM017) reads the clusters of its register model. The result
is the seed `seeds/reference/qof_cluster_readers.csv`, which `dim_cluster` joins to say which
indicators a cluster with no codes starves. Regenerate it with
`python -m qof_warehouse.cluster_readers` after changing a rule; a test fails while it is stale.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qof_warehouse import PROJECT_ROOT

SEED_PATH = PROJECT_ROOT / "seeds" / "reference" / "qof_cluster_readers.csv"
CLUSTER = re.compile(r"'([A-Z0-9]+_COD)'")
REF = re.compile(r"ref\(\s*'([a-z0-9_]+)'\s*\)")
MACRO_BLOCK = re.compile(r"\{%-?\s*macro\s+([A-Za-z0-9_]+)\s*\((.*?)\{%-?\s*endmacro\s*-?%\}", re.S)
CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
REGISTER_CODE = re.compile(r"qof_register\(\s*'([A-Z0-9]+)'|'([A-Z0-9]+)' as register_code")
GENERIC_MODELS = frozenset({"int_population", "int_clustered_events", "int_patient_cluster_summary"})
ALIAS = re.compile(r"\bas\s+([a-z_][a-z0-9_]*)\b")
WORD = re.compile(r"\b[a-z_][a-z0-9_]*\b")


@dataclass
class Node:
    """A model or macro: the clusters it quotes, the models it reads, the macros it calls, the
    words of its text and the clusters behind each column it defines."""

    clusters: set[str] = field(default_factory=set)
    refs: set[str] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)
    register_codes: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    columns: dict[str, set[str]] = field(default_factory=dict)


def _scan(text: str) -> Node:
    return Node(
        clusters=set(CLUSTER.findall(text)),
        refs=set(REF.findall(text)),
        calls=set(CALL.findall(text)),
        register_codes={a or b for a, b in REGISTER_CODE.findall(text)},
        words=set(WORD.findall(text)),
        columns=_column_clusters(text),
    )


def _macros(root: Path) -> dict[str, Node]:
    macros: dict[str, Node] = {}
    for path in sorted((root / "macros").rglob("*.sql")):
        for name, body in MACRO_BLOCK.findall(path.read_text(encoding="utf-8")):
            macros[name] = _scan(body)
    return macros


def _models(root: Path) -> dict[str, Node]:
    return {p.stem: _scan(p.read_text(encoding="utf-8")) for p in sorted((root / "models").rglob("*.sql"))}


def _closure(start: Node, macros: dict[str, Node], models: dict[str, Node]) -> Node:
    """Everything reachable from `start` through macro calls and model refs."""
    out = Node()
    seen: set[str] = set()
    stack: list[Node] = [start]
    while stack:
        node = stack.pop()
        out.clusters |= node.clusters
        out.refs |= node.refs
        out.register_codes |= node.register_codes
        out.words |= node.words
        for name in node.calls & macros.keys():
            if "macro:" + name not in seen:
                seen.add("macro:" + name)
                stack.append(macros[name])
        for name in node.refs & models.keys():
            if "model:" + name not in seen:
                seen.add("model:" + name)
                stack.append(models[name])
    return out


def _expression_before(text: str, end: int) -> str:
    """The select-list item ending at `end`: back to a comma at bracket depth 0 or a keyword."""
    depth = 0
    i = end
    while i > 0:
        i -= 1
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            break
        elif depth == 0 and text[max(0, i - 6) : i + 1].lower().endswith("select"):
            break
    return text[i + 1 : end]


def _column_clusters(text: str) -> dict[str, set[str]]:
    """Column -> clusters behind it, for every `<expression> as <column>` of a model."""
    columns: dict[str, set[str]] = {}
    for match in ALIAS.finditer(text):
        expression = _expression_before(text, match.start())
        found = set(CLUSTER.findall(expression))
        for word in WORD.findall(expression):
            found |= columns.get(word, set())
        columns.setdefault(match.group(1), set()).update(found)
    return columns


def _model_clusters_for(
    name: str, words: set[str], macros: dict[str, Node], models: dict[str, Node], seen: set[str]
) -> set[str]:
    """Clusters of model `name` behind the columns named in `words`, and of its upstream models
    whose columns those are (generic models excepted)."""
    if name in seen or name not in models or name in GENERIC_MODELS:
        return set()
    seen.add(name)
    node = models[name]
    columns = node.columns
    used = columns.keys() & words
    found: set[str] = set()
    if used:
        # clusters in filters rather than in a column's expression concern every column
        found |= node.clusters - set().union(*columns.values(), set())
        for column in used:
            found |= columns[column]
    own_macros = _closure(Node(calls=node.calls), macros, {})
    found |= own_macros.clusters
    for upstream in node.refs | own_macros.refs:
        found |= _model_clusters_for(upstream, words, macros, models, seen)
    return found


def _indicator_clusters(name: str, macros: dict[str, Node], models: dict[str, Node]) -> set[str]:
    """Clusters quoted in an indicator's macros, and those behind the model columns they name."""
    own = _closure(Node(calls={name}), macros, {})
    found = set(own.clusters)
    seen: set[str] = set()
    for model in own.refs:
        found |= _model_clusters_for(model, own.words, macros, models, seen)
    return found


def _register_indicators(root: Path) -> dict[str, str]:
    """register_code -> register indicator code (qof_registers seed)."""
    with (root / "seeds" / "reference" / "qof_registers.csv").open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return {
            r["register_code"]: r["register_indicator_code"] for r in rows if r["register_indicator_code"]
        }


def derive_cluster_readers(root: Path = PROJECT_ROOT) -> list[tuple[str, str]]:
    """Sorted (cluster_code, indicator_code) pairs: the indicators whose rules read a cluster."""
    macros, models = _macros(root), _models(root)
    pairs: set[tuple[str, str]] = set()
    for name in macros:
        if name.startswith("indicator__"):
            code = name.removeprefix("indicator__").upper()
            pairs |= {(c, code) for c in _indicator_clusters(name, macros, models)}
    register_indicators = _register_indicators(root)
    for name, node in models.items():
        if name.startswith("int_registers__"):
            own = set().union(*(macros[m].register_codes for m in node.calls & macros.keys()), set())
            reach = _closure(node, macros, models)
            for register in own & register_indicators.keys():
                pairs |= {(c, register_indicators[register]) for c in reach.clusters}
    return sorted(pairs)


def write_cluster_readers(pairs: Iterable[tuple[str, str]], path: Path = SEED_PATH) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["cluster_code", "indicator_code"])
        writer.writerows(pairs)


def read_cluster_readers(path: Path = SEED_PATH) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [(r["cluster_code"], r["indicator_code"]) for r in csv.DictReader(handle)]


if __name__ == "__main__":
    readers = derive_cluster_readers()
    write_cluster_readers(readers)
    print(f"{len(readers)} cluster -> indicator pairs written to {SEED_PATH.relative_to(PROJECT_ROOT)}")
