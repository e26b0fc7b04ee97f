"""The cluster coverage message of a build: how many clusters come from published lists, from
curated codes or from a `cluster_refset_dir` release, and every cluster a rule reads that holds
no code, with the indicators it starves (read from the `dim_cluster` mart)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

COVERAGE_QUERY = """
select coverage_status, count(*)
from dim_cluster
where is_read_by_rules
group by coverage_status
order by coverage_status
"""

STARVING_QUERY = """
select cluster_code, reading_indicators
from dim_cluster
where is_starving_indicators
order by cluster_code
"""


@dataclass(frozen=True)
class ClusterCoverage:
    by_status: dict[str, int]  # clusters read by rules, by coverage_status
    starving: list[tuple[str, str]]  # (cluster, indicators reading it) with no codes


def collect_cluster_coverage(duckdb_path: Path) -> ClusterCoverage:
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        by_status = {status: int(n) for status, n in connection.execute(COVERAGE_QUERY).fetchall()}
        starving = [
            (cluster, readers or "") for cluster, readers in connection.execute(STARVING_QUERY).fetchall()
        ]
    return ClusterCoverage(by_status, starving)


def format_cluster_coverage(coverage: ClusterCoverage) -> str:
    total = sum(coverage.by_status.values())
    parts = ", ".join(f"{n} {status}" for status, n in sorted(coverage.by_status.items()))
    lines = [f"clusters read by the rules: {total} ({parts})"]
    if coverage.starving:
        lines.append(
            f"warning: {len(coverage.starving)} clusters read by the rules hold no code, so these rules "
            "never fire until codes are added (seeds/clusters or cluster_refset_dir, docs/clusters.md):"
        )
        lines += [f"  {cluster:<22}starves {readers}" for cluster, readers in coverage.starving]
    return "\n".join(lines)
