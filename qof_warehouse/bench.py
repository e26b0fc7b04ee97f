"""Benchmark: generate extracts of several sizes and, in the same run, time generation, the
warehouse build and one group-by scan of the events file (the baseline the build is compared
with). Prints the figures and writes them to target/bench/results.json and results.md.

    python -m qof_warehouse.bench [--sizes 100000 1000000] [--out target/bench]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from qof_warehouse import PROJECT_ROOT

SCAN_SQL = (
    "select snomed_code, count(*), avg(try_cast(value as double)) "
    "from read_csv('{pattern}', header = true, all_varchar = true) group by snomed_code"
)


@dataclass(frozen=True)
class StepResult:
    seconds: float
    peak_rss_mb: float


@dataclass(frozen=True)
class SizeResult:
    patients: int
    event_rows: int
    generate: StepResult
    build: StepResult
    scan: StepResult

    @property
    def build_to_scan_ratio(self) -> float:
        return self.build.seconds / self.scan.seconds


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _process_tree(pid: int) -> list[int]:
    """The process and all its descendants (dbt runs as a child of `qof build`)."""
    tree, queue = [], [pid]
    while queue:
        current = queue.pop()
        tree.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return tree


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, now (MB)."""
    return sum(_status_kb(member, "VmRSS:") for member in _process_tree(pid)) / 1024


def run_step(args: list[str]) -> StepResult:
    """Run a command to completion, returning wall seconds and the peak resident memory of
    the command and its child processes (sampled every 50 ms)."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _tree_rss_mb(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        stderr = process.stderr.read().decode() if process.stderr else ""
        raise RuntimeError(f"{' '.join(args)} failed:\n{stderr[-2000:]}")
    return StepResult(seconds=round(seconds, 2), peak_rss_mb=round(peak, 1))


def _count_events(extract: Path) -> int:
    import duckdb

    pattern = str(extract / "events*.csv")
    with duckdb.connect() as connection:
        query = f"select count(*) from read_csv('{pattern}', header = true)"
        return int(connection.execute(query).fetchone()[0])


def bench_size(patients: int, out_dir: Path) -> SizeResult:
    extract = out_dir / f"extract_{patients}"
    warehouse = out_dir / f"warehouse_{patients}.duckdb"
    python = sys.executable
    practices = max(20, patients // 2500)
    generate = run_step(
        [
            python,
            "-m",
            "qof_warehouse.cli",
            "generate",
            "--out",
            str(extract),
            "--patients",
            str(patients),
            "--practices",
            str(practices),
            "--pcns",
            str(max(4, practices // 5)),
            "--icbs",
            "2",
        ]
    )
    cli = [python, "-m", "qof_warehouse.cli"]
    build = run_step([*cli, "build", "--extract-dir", str(extract), "--duckdb", str(warehouse)])
    scan_sql = SCAN_SQL.format(pattern=extract / "events*.csv")
    scan = run_step([python, "-c", f"import duckdb; duckdb.connect().execute({scan_sql!r}).fetchall()"])
    return SizeResult(patients, _count_events(extract), generate, build, scan)


def format_results(results: list[SizeResult]) -> str:
    header = (
        "| patients | event rows | generate s | build s | scan s | build/scan | "
        "generate peak MB | build peak MB | scan peak MB |"
    )
    lines = [header, "|" + "---|" * 9]
    for result in results:
        lines.append(
            f"| {result.patients:,} | {result.event_rows:,} | {result.generate.seconds} | "
            f"{result.build.seconds} | {result.scan.seconds} | {result.build_to_scan_ratio:.1f} | "
            f"{result.generate.peak_rss_mb} | {result.build.peak_rss_mb} | {result.scan.peak_rss_mb} |"
        )
    return "\n".join(lines)


def write_results(results: list[SizeResult], out_dir: Path) -> None:
    payload = [{**asdict(result), "build_to_scan_ratio": result.build_to_scan_ratio} for result in results]
    (out_dir / "results.json").write_text(json.dumps(payload, indent=2))
    (out_dir / "results.md").write_text(format_results(results) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--out", default=str(PROJECT_ROOT / "target" / "bench"))
    args = parser.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for patients in args.sizes:
        results.append(bench_size(patients, out_dir))
        print(format_results(results), flush=True)
    write_results(results, out_dir)
    print(f"results written to {out_dir / 'results.json'} and results.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
