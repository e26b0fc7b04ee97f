"""Scale benchmark: for each extract size, in one run, generate a synthetic extract, time the
floor scan (one DuckDB group-by over every events and medications file, the least work any
build must do) and the warehouse run exactly as `make run` does it (`qof build`, then
`qof trajectory`, then `qof report`), and compare them.

Everything a size writes (extract, warehouse, alerts, worklists, CQRS file, report, dbt's
target and log directories) goes under the bench directory, never into `output/` or
`target/qof_warehouse.duckdb`. Results go to `<bench dir>/results.json` and `results.md`, with
per size dbt's run_results.json of the build and of the last trajectory run and the models and
tests that took longest. See docs/scale.md.

    python -m qof_warehouse.bench [--sizes 100000 1000000 [5000000]] [--out target/bench]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from qof_warehouse import PROJECT_ROOT

DEFAULT_SIZES = [100_000, 1_000_000]
DEFAULT_BENCH_DIR = PROJECT_ROOT / "target" / "bench"
SAMPLE_SECONDS = 0.1
SLOWEST_NODES = 15
LOG_TAIL_LINES = 40
PSS_METHOD = (
    f"highest sum of Pss (/proc/<pid>/smaps_rollup) over the process tree, sampled every {SAMPLE_SECONDS} s"
)
CGROUP_METHOD = "memory.peak of a transient cgroup v2 holding the step"
CHILD_ENV = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "False",
}
# The floor scan: read every events and medications file once and group by patient and code.
# The outer aggregate reads both per-group figures, so neither can be optimised away.
FLOOR_SCAN_SQL = """
select count(*) as patient_codes, sum(n) as source_rows, max(latest) as latest
from (
    select patient_id, code, count(*) as n, max(d) as latest
    from (
        select patient_id, snomed_code as code, try_cast(event_date as date) as d
        from read_csv('{events}', header = true, all_varchar = true)
        union all
        select patient_id, dmd_code as code, try_cast(issue_date as date) as d
        from read_csv('{medications}', header = true, all_varchar = true)
    )
    group by all
)
"""
SCAN_SCRIPT = """
import json, sys
import duckdb
connection = duckdb.connect(config={"threads": int(sys.argv[1])})
groups, rows, latest = connection.execute(sys.argv[2]).fetchone()
print(json.dumps({"patient_codes": groups, "source_rows": int(rows), "latest": str(latest)}))
"""


class StepFailed(RuntimeError):
    """A benchmark step exited non-zero or ran past its time limit."""


# --- what a size runs ---------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A step's arguments and the environment variables it sets on top of the bench's own."""

    args: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SizePlan:
    """Where one size's files go and the commands that produce them."""

    patients: int
    practices: int
    pcns: int
    icbs: int
    bench_dir: Path

    @property
    def extract(self) -> Path:
        return self.bench_dir / f"extract_{self.patients}"

    @property
    def run_dir(self) -> Path:
        """Everything the warehouse run writes for this size."""
        return self.bench_dir / f"run_{self.patients}"

    @property
    def warehouse(self) -> Path:
        return self.run_dir / "warehouse.duckdb"

    @property
    def output(self) -> Path:
        """Stands in for the project's output/ directory."""
        return self.run_dir / "output"

    def dbt_target(self, step: str) -> Path:
        return self.run_dir / f"dbt_{step}" / "target"

    def dbt_env(self, step: str) -> dict[str, str]:
        """dbt's target and log directories for a step, inside the bench directory."""
        return {
            "DBT_TARGET_PATH": str(self.dbt_target(step)),
            "DBT_LOG_PATH": str(self.run_dir / f"dbt_{step}" / "logs"),
        }

    def log(self, step: str) -> Path:
        return self.run_dir / f"{step}.log"


def network_sizes(patients: int) -> tuple[int, int, int]:
    """Practices, PCNs and ICBs for an extract of `patients` (about 2,500 patients a practice)."""
    practices = max(20, patients // 2500)
    return practices, max(4, practices // 5), max(2, practices // 400)


def size_plan(patients: int, bench_dir: Path) -> SizePlan:
    practices, pcns, icbs = network_sizes(patients)
    return SizePlan(patients, practices, pcns, icbs, bench_dir.resolve())


def qof_command() -> list[str]:
    """The `qof` of the running interpreter's environment (as `make run` calls .venv/bin/qof)."""
    script = Path(sys.executable).parent / "qof"
    return [str(script)] if script.exists() else [sys.executable, "-m", "qof_warehouse.cli"]


def generate_command(plan: SizePlan) -> Command:
    sizes = ["--patients", plan.patients, "--practices", plan.practices, "--pcns", plan.pcns]
    args = [*qof_command(), "generate", "--out", plan.extract, *sizes, "--icbs", plan.icbs]
    return Command([str(arg) for arg in args])


def scan_command(plan: SizePlan, threads: int) -> Command:
    return Command([sys.executable, "-c", SCAN_SCRIPT, str(threads), floor_scan_sql(plan.extract)])


def run_commands(plan: SizePlan) -> dict[str, Command]:
    """`make run`'s three steps with the warehouse, extract and every output inside the bench."""
    qof, output = qof_command(), plan.output
    alerts, worklists = str(output / "data_quality"), str(output / "worklists")
    warehouse, extract = str(plan.warehouse), str(plan.extract)
    build = [*qof, "build", "--extract-dir", extract, "--duckdb", warehouse, "--alerts-dir", alerts]
    build += ["--worklists-dir", worklists, "--cqrs-dir", str(output / "cqrs")]
    trajectory = [*qof, "trajectory", "--extract-dir", extract, "--duckdb", warehouse]
    report = [*qof, "report", "--duckdb", warehouse, "--out", str(output / "report")]
    report += ["--worklists-dir", worklists, "--alerts-dir", alerts]
    return {
        "build": Command(build, plan.dbt_env("build")),
        "trajectory": Command(trajectory, plan.dbt_env("trajectory")),
        "report": Command(report, plan.dbt_env("report")),
    }


def floor_scan_sql(extract: Path) -> str:
    return FLOOR_SCAN_SQL.format(events=extract / "events*.csv", medications=extract / "medications*.csv")


def build_threads() -> int:
    """The thread count the build's dbt profile runs with."""
    profiles = yaml.safe_load((PROJECT_ROOT / "profiles.yml").read_text())
    profile = profiles["qof_warehouse"]
    return int(profile["outputs"][profile["target"]]["threads"])


# --- running a step and its memory ----------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (dbt runs as a child of `qof build`)."""
    tree, queue = [], [pid]
    while queue:
        current = queue.pop()
        tree.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue.extend(int(child) for child in children.read_text().split())
            except OSError:
                continue
    return tree


def pss_kb(pid: int) -> int:
    """Proportional set size of one process: shared pages count as their share, once overall."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_mb(pid: int) -> float:
    """Memory of a process tree, now, without counting shared pages twice (MB)."""
    return sum(pss_kb(member) for member in process_tree(pid)) / 1024


@dataclass(frozen=True)
class Cgroup:
    """A transient cgroup v2 a step runs in; its memory.peak is the step's peak memory."""

    path: Path

    def join(self) -> None:
        """Move the calling process into the cgroup (run in the child before exec)."""
        (self.path / "cgroup.procs").write_text("0")

    def peak_mb(self) -> float:
        return int((self.path / "memory.peak").read_text()) / 2**20

    def remove(self) -> None:
        try:
            self.path.rmdir()
        except OSError:
            pass


def own_cgroup(proc_cgroup: str, root: Path) -> Path | None:
    """This process's cgroup v2 directory, from /proc/self/cgroup text ("0::/path")."""
    if not (root / "cgroup.controllers").is_file():
        return None
    for line in proc_cgroup.splitlines():
        if line.startswith("0::"):
            return root / line[3:].strip().lstrip("/")
    return None


def new_cgroup(parent: Path, name: str) -> Cgroup | None:
    """A child cgroup with memory accounting, or None when the parent cannot have one."""
    try:
        (parent / name).mkdir()
    except OSError:
        return None
    cgroup = Cgroup(parent / name)
    if not (cgroup.path / "memory.peak").is_file():
        cgroup.remove()
        return None
    return cgroup


def cgroup_parent(root: Path = Path("/sys/fs/cgroup")) -> Path | None:
    """Where this machine lets the bench make transient cgroups that account memory, or None.

    Checked by running a trivial process in a new child cgroup and reading its memory.peak.
    """
    try:
        parent = own_cgroup(Path("/proc/self/cgroup").read_text(), root)
    except OSError:
        return None
    probe = new_cgroup(parent, f"qof-bench-probe-{os.getpid()}") if parent else None
    if probe is None:
        return None
    try:
        subprocess.run([sys.executable, "-c", "pass"], preexec_fn=probe.join, check=True)
        return parent if probe.peak_mb() > 0 else None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    finally:
        probe.remove()


@dataclass(frozen=True)
class StepResult:
    seconds: float
    peak_mb: float


def log_tail(log: Path, lines: int = LOG_TAIL_LINES) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _environment(extra: Mapping[str, str]) -> dict[str, str]:
    return {**os.environ, **CHILD_ENV, **extra}


def _wait(process: subprocess.Popen[bytes], sample: bool, deadline: float) -> float:
    """Wait for the process, sampling its tree's Pss when asked; the peak seen (MB)."""
    peak = 0.0
    while process.poll() is None:
        if sample:
            peak = max(peak, tree_pss_mb(process.pid))
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise TimeoutError
        time.sleep(SAMPLE_SECONDS)
    return peak


def run_step(
    command: Command, log: Path, cgroups: Path | None = None, timeout: float | None = None
) -> StepResult:
    """Run a command to completion with its stdout and stderr written to `log` as it runs.

    Returns wall seconds and peak memory: the memory.peak of a transient cgroup when `cgroups`
    names where to make one, else the highest sampled Pss of the process tree. Raises
    StepFailed with the end of the log when the command fails or runs past `timeout` seconds.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    cgroup = new_cgroup(cgroups, f"qof-bench-{os.getpid()}-{time.monotonic_ns()}") if cgroups else None
    deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
    try:
        with log.open("ab") as output:
            start = time.perf_counter()
            process = subprocess.Popen(
                command.args,
                cwd=PROJECT_ROOT,
                env=_environment(command.env),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                preexec_fn=cgroup.join if cgroup else None,
            )
            try:
                sampled = _wait(process, cgroup is None, deadline)
            except TimeoutError as error:
                raise StepFailed(
                    f"{command.args[0]} ran past {timeout} s; log {log}:\n{log_tail(log)}"
                ) from error
            seconds = time.perf_counter() - start
        if process.returncode != 0:
            name = " ".join(command.args[:3])
            raise StepFailed(f"{name} exited {process.returncode}; end of {log}:\n{log_tail(log)}")
        return StepResult(round(seconds, 3), round(cgroup.peak_mb() if cgroup else sampled, 1))
    finally:
        if cgroup:
            cgroup.remove()


# --- one size -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeTime:
    """One model, test or seed of a dbt run and how long it took."""

    unique_id: str
    resource_type: str
    seconds: float


@dataclass(frozen=True)
class SizeResult:
    patients: int
    practices: int
    event_rows: int
    medication_rows: int
    generate: StepResult
    scan: StepResult
    build: StepResult
    trajectory: StepResult
    report: StepResult
    build_dbt_seconds: float
    slowest: list[NodeTime]

    @property
    def run_seconds(self) -> float:
        """The warehouse run as `make run` does it: build, trajectory and report."""
        return self.build.seconds + self.trajectory.seconds + self.report.seconds

    @property
    def build_to_scan(self) -> float:
        return self.build.seconds / self.scan.seconds

    @property
    def run_to_scan(self) -> float:
        return self.run_seconds / self.scan.seconds

    @property
    def peak_mb(self) -> float:
        """The highest peak memory of the run's steps."""
        return max(self.build.peak_mb, self.trajectory.peak_mb, self.report.peak_mb)

    def as_json(self) -> dict[str, object]:
        derived = {"run_seconds": round(self.run_seconds, 3), "peak_mb": self.peak_mb}
        ratios = {"build_to_scan": round(self.build_to_scan, 2), "run_to_scan": round(self.run_to_scan, 2)}
        return {**asdict(self), **derived, **ratios}


def slowest_nodes(run_results: Path, limit: int = SLOWEST_NODES) -> list[NodeTime]:
    """The models, tests and seeds of a dbt run_results.json that took longest."""
    results = json.loads(run_results.read_text())["results"]
    nodes = [
        NodeTime(result["unique_id"], result["unique_id"].split(".")[0], round(result["execution_time"], 3))
        for result in results
    ]
    return sorted(nodes, key=lambda node: node.seconds, reverse=True)[:limit]


def dbt_elapsed(run_results: Path) -> float:
    return round(float(json.loads(run_results.read_text())["elapsed_time"]), 3)


def count_rows(pattern: Path) -> int:
    import duckdb

    with duckdb.connect() as connection:
        query = f"select count(*) from read_csv('{pattern}', header = true, all_varchar = true)"
        row = connection.execute(query).fetchone()
    return int(row[0]) if row else 0


def keep_run_results(plan: SizePlan) -> dict[str, Path]:
    """Copy the build's and the last trajectory run's run_results.json beside the results."""
    kept = {}
    for step in ("build", "trajectory"):
        copy = plan.bench_dir / f"run_results_{plan.patients}_{step}.json"
        shutil.copyfile(plan.dbt_target(step) / "run_results.json", copy)
        kept[step] = copy
    return kept


def bench_size(plan: SizePlan, threads: int, cgroups: Path | None) -> SizeResult:
    """Generate the size's extract, then time the floor scan and the warehouse run."""
    for directory in (plan.extract, plan.run_dir):
        shutil.rmtree(directory, ignore_errors=True)
    plan.run_dir.mkdir(parents=True)
    generate = run_step(generate_command(plan), plan.log("generate"), cgroups)
    scan = run_step(scan_command(plan, threads), plan.log("scan"), cgroups)
    steps = {name: run_step(command, plan.log(name), cgroups) for name, command in run_commands(plan).items()}
    kept = keep_run_results(plan)
    return SizeResult(
        patients=plan.patients,
        practices=plan.practices,
        event_rows=count_rows(plan.extract / "events*.csv"),
        medication_rows=count_rows(plan.extract / "medications*.csv"),
        generate=generate,
        scan=scan,
        build_dbt_seconds=dbt_elapsed(kept["build"]),
        slowest=slowest_nodes(kept["build"]),
        **steps,
    )


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    """How the cost per patient changes from a smaller size to a larger one (1 = linear)."""

    smaller: int
    larger: int
    run: float
    build: float
    scan: float


def growth_factor(smaller: SizeResult, larger: SizeResult, seconds: Callable[[SizeResult], float]) -> float:
    """(seconds per patient at the larger size) / (seconds per patient at the smaller size)."""
    return (seconds(larger) / larger.patients) / (seconds(smaller) / smaller.patients)


def growth(results: Sequence[SizeResult]) -> list[Growth]:
    """The growth factors between each size and the next larger one."""
    ordered = sorted(results, key=lambda result: result.patients)
    return [
        Growth(
            smaller.patients,
            larger.patients,
            run=round(growth_factor(smaller, larger, lambda r: r.run_seconds), 2),
            build=round(growth_factor(smaller, larger, lambda r: r.build.seconds), 2),
            scan=round(growth_factor(smaller, larger, lambda r: r.scan.seconds), 2),
        )
        for smaller, larger in zip(ordered, ordered[1:], strict=False)
    ]


RESULT_COLUMNS = [
    "patients",
    "event rows",
    "medication rows",
    "generate s",
    "floor scan s",
    "build s",
    "build / scan",
    "trajectory s",
    "report s",
    "total run s",
    "run / scan",
    "peak memory MB",
]


def _row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    return [_row(columns), _row("---" for _ in columns), *(_row(row) for row in rows)]


def format_results(results: Sequence[SizeResult]) -> str:
    rows = [
        [
            f"{r.patients:,}",
            f"{r.event_rows:,}",
            f"{r.medication_rows:,}",
            f"{r.generate.seconds:.1f}",
            f"{r.scan.seconds:.1f}",
            f"{r.build.seconds:.1f}",
            f"{r.build_to_scan:.1f}",
            f"{r.trajectory.seconds:.1f}",
            f"{r.report.seconds:.1f}",
            f"{r.run_seconds:.1f}",
            f"{r.run_to_scan:.1f}",
            f"{r.peak_mb:,.0f}",
        ]
        for r in results
    ]
    return "\n".join(_table(RESULT_COLUMNS, rows))


def format_growth(factors: Sequence[Growth]) -> str:
    return "\n".join(
        f"growth {g.smaller:,} -> {g.larger:,} patients, cost per patient ratio (1.0 = linear): "
        f"run {g.run:.2f}, build {g.build:.2f}, floor scan {g.scan:.2f}"
        for g in factors
    )


def format_slowest(result: SizeResult) -> str:
    """Where the build's time goes: its slowest models and tests."""
    heading = (
        f"Where the time goes, {result.patients:,} patients: the {len(result.slowest)} slowest nodes of "
        f"the build's dbt run ({result.build_dbt_seconds:.1f} s of dbt in a {result.build.seconds:.1f} s "
        f"build step; nodes run {build_threads()} at a time)"
    )
    rows = [
        [rank, node.resource_type, f"`{node.unique_id}`", f"{node.seconds:.1f}"]
        for rank, node in enumerate(result.slowest, start=1)
    ]
    return "\n".join([heading, "", *_table(["#", "type", "node", "seconds"], rows)])


def format_report(results: Sequence[SizeResult], memory_method: str, threads: int) -> str:
    parts = [
        "# Benchmark",
        "",
        format_results(results),
        "",
        f"Floor scan and build run with {threads} threads. Peak memory: {memory_method}.",
    ]
    factors = growth(results)
    if factors:
        parts += ["", format_growth(factors)]
    for result in results:
        parts += ["", format_slowest(result)]
    return "\n".join(parts) + "\n"


def write_results(results: Sequence[SizeResult], out_dir: Path, memory_method: str, threads: int) -> None:
    payload = {
        "memory_method": memory_method,
        "threads": threads,
        "cpus": os.cpu_count(),
        "sizes": [result.as_json() for result in results],
        "growth": [asdict(factor) for factor in growth(results)],
    }
    (out_dir / "results.json").write_text(json.dumps(payload, indent=2) + "\n")
    (out_dir / "results.md").write_text(format_report(results, memory_method, threads))
    for result in results:
        (out_dir / f"where_the_time_goes_{result.patients}.md").write_text(format_slowest(result) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, help="patients per extract")
    parser.add_argument(
        "--out", default=str(DEFAULT_BENCH_DIR), help="bench directory (default target/bench)"
    )
    args = parser.parse_args(argv)
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    cgroups, threads = cgroup_parent(), build_threads()
    memory_method = CGROUP_METHOD if cgroups else PSS_METHOD
    print(f"peak memory: {memory_method}; floor scan threads: {threads}", flush=True)
    results: list[SizeResult] = []
    for patients in args.sizes:
        results.append(bench_size(size_plan(patients, out_dir), threads, cgroups))
        write_results(results, out_dir, memory_method, threads)
        print(format_results(results), flush=True)
    print(format_report(results, memory_method, threads))
    print(f"results written to {out_dir / 'results.json'} and {out_dir / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
