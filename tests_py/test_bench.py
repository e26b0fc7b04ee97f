"""The scale benchmark's plumbing: its commands, result tables, growth factors, child process
handling and memory measurement. Nothing here times anything or asserts a timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qof_warehouse import PROJECT_ROOT, bench
from qof_warehouse.cli import build_parser
from qof_warehouse.dbt_runner import DEFAULT_DUCKDB

CHILD_TIMEOUT = 60.0


def _step(seconds: float, peak_mb: float = 100.0) -> bench.StepResult:
    return bench.StepResult(seconds, peak_mb)


def _result(patients: int, scan: float, build: float, trajectory: float, report: float) -> bench.SizeResult:
    return bench.SizeResult(
        patients=patients,
        practices=patients // 2500,
        event_rows=patients * 15,
        medication_rows=patients * 14,
        generate=_step(12.0),
        scan=_step(scan, 300.0),
        build=_step(build, 900.0),
        trajectory=_step(trajectory, 1200.0),
        report=_step(report, 250.0),
        build_dbt_seconds=build - 5,
        slowest=[bench.NodeTime("model.qof_warehouse.int_clustered_events", "model", 7.25)],
    )


def _python(code: str) -> bench.Command:
    return bench.Command([sys.executable, "-c", code])


# --- results --------------------------------------------------------------------------------


def test_results_table_has_a_row_per_size_with_ratios_to_the_scan() -> None:
    table = bench.format_results([_result(100_000, 4.0, 60.0, 200.0, 20.0)]).splitlines()

    assert table[0] == bench._row(bench.RESULT_COLUMNS)
    assert len(table) == 3
    cells = [cell.strip() for cell in table[2].strip("|").split("|")]
    row = dict(zip(bench.RESULT_COLUMNS, cells, strict=True))
    assert row["patients"] == "100,000"
    assert row["event rows"] == "1,500,000"
    assert row["medication rows"] == "1,400,000"
    assert row["build / scan"] == "15.0"
    assert row["total run s"] == "280.0"
    assert row["run / scan"] == "70.0"
    assert row["peak memory MB"] == "1,200"


def test_growth_factor_is_the_ratio_of_cost_per_patient() -> None:
    million = _result(1_000_000, 10.0, 100.0, 300.0, 100.0)
    five_million = _result(5_000_000, 50.0, 700.0, 1800.0, 500.0)

    factors = bench.growth([five_million, million])

    assert len(factors) == 1
    assert (factors[0].smaller, factors[0].larger) == (1_000_000, 5_000_000)
    # Run: 3000 s / 5M against 500 s / 1M is 1.2 times the cost per patient; build 1.4; scan 1.0.
    assert factors[0].run == pytest.approx(1.2)
    assert factors[0].build == pytest.approx(1.4)
    assert factors[0].scan == pytest.approx(1.0)
    assert "1,000,000 -> 5,000,000" in bench.format_growth(factors)


def test_report_names_the_memory_method_and_shows_growth_only_with_two_sizes() -> None:
    one = [_result(100_000, 4.0, 60.0, 200.0, 20.0)]
    two = [*one, _result(1_000_000, 40.0, 500.0, 1500.0, 100.0)]

    assert "growth" not in bench.format_report(one, bench.PSS_METHOD, 2)
    report = bench.format_report(two, bench.PSS_METHOD, 2)
    assert bench.PSS_METHOD in report
    assert "growth 100,000 -> 1,000,000 patients" in report
    assert report.count("Where the time goes") == 2


def test_results_json_and_markdown_are_written(tmp_path: Path) -> None:
    results = [_result(100_000, 4.0, 60.0, 200.0, 20.0), _result(1_000_000, 40.0, 500.0, 1500.0, 100.0)]

    bench.write_results(results, tmp_path, bench.CGROUP_METHOD, 2)

    payload = json.loads((tmp_path / "results.json").read_text())
    assert payload["memory_method"] == bench.CGROUP_METHOD
    assert [size["patients"] for size in payload["sizes"]] == [100_000, 1_000_000]
    assert payload["sizes"][1]["run_seconds"] == pytest.approx(2100.0)
    assert payload["sizes"][1]["run_to_scan"] == pytest.approx(52.5)
    assert payload["growth"][0]["larger"] == 1_000_000
    assert (tmp_path / "results.md").read_text() == bench.format_report(results, bench.CGROUP_METHOD, 2)
    assert "int_clustered_events" in (tmp_path / "where_the_time_goes_1000000.md").read_text()


def test_slowest_nodes_are_the_longest_of_the_run_results(tmp_path: Path) -> None:
    nodes = [(f"model.qof_warehouse.m{index}", float(index)) for index in range(20)]
    nodes.append(("test.qof_warehouse.not_null_x", 30.0))
    run_results = tmp_path / "run_results.json"
    results = [{"unique_id": node, "execution_time": seconds} for node, seconds in nodes]
    run_results.write_text(json.dumps({"elapsed_time": 12.5, "results": results}))

    slowest = bench.slowest_nodes(run_results)

    assert len(slowest) == bench.SLOWEST_NODES
    assert slowest[0] == bench.NodeTime("test.qof_warehouse.not_null_x", "test", 30.0)
    assert [node.seconds for node in slowest[1:]] == [float(index) for index in range(19, 5, -1)]
    assert bench.dbt_elapsed(run_results) == 12.5


# --- commands -------------------------------------------------------------------------------


def _project_path_options(subcommand: str) -> dict[str, str]:
    """The options of a `qof` subcommand whose default is a path inside the project (the CLI's
    path defaults are absolute: PROJECT_ROOT / ...)."""
    defaults = vars(build_parser().parse_args([subcommand]))
    return {
        name: value
        for name, value in defaults.items()
        if isinstance(value, str) and Path(value).is_absolute() and Path(value).is_relative_to(PROJECT_ROOT)
    }


def test_network_sizes_follow_about_2500_patients_a_practice() -> None:
    assert bench.network_sizes(20_000) == (20, 4, 2)
    assert bench.network_sizes(1_000_000) == (400, 80, 2)
    assert bench.network_sizes(5_000_000) == (2000, 400, 5)


def test_every_path_a_size_point_uses_is_inside_the_bench_dir(tmp_path: Path) -> None:
    plan = bench.size_plan(1_000_000, tmp_path)
    prefix = len(bench.qof_command())
    commands = {"generate": bench.generate_command(plan), **bench.run_commands(plan)}

    assert list(commands) == ["generate", "build", "trajectory", "report"]
    for subcommand, command in commands.items():
        options = _project_path_options(subcommand)
        assert options, f"qof {subcommand} has no project-path options to override"
        parsed = vars(build_parser().parse_args(command.args[prefix:]))
        assert parsed["command"] == subcommand
        for name in options:
            chosen = Path(parsed[name]).resolve()
            assert chosen.is_relative_to(tmp_path), f"qof {subcommand} --{name} = {chosen}"
            assert not chosen.is_relative_to(PROJECT_ROOT / "output")
            assert chosen != DEFAULT_DUCKDB.resolve()
    for step in ("build", "trajectory", "report"):
        for variable in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):
            assert Path(commands[step].env[variable]).is_relative_to(tmp_path)


def test_the_run_steps_share_one_warehouse_and_the_report_links_the_builds_outputs(tmp_path: Path) -> None:
    plan = bench.size_plan(100_000, tmp_path)
    prefix = len(bench.qof_command())
    parsed = {
        step: vars(build_parser().parse_args(command.args[prefix:]))
        for step, command in bench.run_commands(plan).items()
    }

    assert {values["duckdb"] for values in parsed.values()} == {str(plan.warehouse)}
    assert parsed["build"]["extract_dir"] == parsed["trajectory"]["extract_dir"] == str(plan.extract)
    assert parsed["report"]["alerts_dir"] == parsed["build"]["alerts_dir"]
    assert parsed["report"]["worklists_dir"] == parsed["build"]["worklists_dir"]


def test_generate_command_asks_for_the_size_and_its_networks(tmp_path: Path) -> None:
    plan = bench.size_plan(5_000_000, tmp_path)
    args = build_parser().parse_args(bench.generate_command(plan).args[len(bench.qof_command()) :])

    assert (args.patients, args.practices, args.pcns, args.icbs) == (5_000_000, 2000, 400, 5)
    assert Path(args.out) == tmp_path / "extract_5000000"


def test_floor_scan_reads_every_events_and_medications_file(tmp_path: Path) -> None:
    plan = bench.size_plan(3, tmp_path)
    plan.extract.mkdir()
    header = '"event_id","patient_id","practice_code","event_date","snomed_code","value","unit"\n'
    (plan.extract / "events.csv").write_text(header + "1,p1,A1,2023-01-02,111,,\n2,p1,A1,2023-05-06,111,,\n")
    (plan.extract / "events_2.csv").write_text(header + "3,p2,A1,not a date,222,,\n")
    medications = '"event_id","patient_id","practice_code","issue_date","dmd_code","quantity"\n'
    (plan.extract / "medications.csv").write_text(medications + "4,p1,A1,2024-02-03,999,28\n")
    (plan.extract / "patients.csv").write_text('"patient_id"\np1\np2\np3\n')
    log = tmp_path / "scan.log"

    bench.run_step(bench.scan_command(plan, 2), log, timeout=CHILD_TIMEOUT)

    scanned = json.loads(log.read_text().splitlines()[-1])
    assert scanned == {"patient_codes": 3, "source_rows": 4, "latest": "2024-02-03"}
    assert bench.count_rows(plan.extract / "events*.csv") == 3


# --- child processes ------------------------------------------------------------------------


def test_a_child_writing_megabytes_to_stderr_and_stdout_does_not_hang(tmp_path: Path) -> None:
    noisy = _python("import sys; sys.stderr.write('e' * 3_000_000); sys.stdout.write('o' * 2_000_000)")
    log = tmp_path / "noisy.log"

    result = bench.run_step(noisy, log, timeout=CHILD_TIMEOUT)

    assert log.stat().st_size == 5_000_000
    assert result.peak_mb > 0


def test_a_failing_step_raises_with_the_end_of_its_log(tmp_path: Path) -> None:
    failing = _python("import sys\nfor n in range(100): print(f'line {n}', file=sys.stderr)\nsys.exit(3)")

    with pytest.raises(bench.StepFailed) as raised:
        bench.run_step(failing, tmp_path / "failing.log", timeout=CHILD_TIMEOUT)

    message = str(raised.value)
    assert "exited 3" in message
    assert "line 99" in message
    assert "line 59" not in message


def test_a_step_past_its_time_limit_is_stopped(tmp_path: Path) -> None:
    with pytest.raises(bench.StepFailed, match="ran past"):
        bench.run_step(_python("import time; time.sleep(30)"), tmp_path / "slow.log", timeout=0.5)


def test_pss_of_a_live_child_and_its_children_is_positive() -> None:
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
            "print(child.pid, flush=True)\n"
            "child.wait()",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        grandchild = int(parent.stdout.readline())
        assert grandchild in bench.process_tree(parent.pid)
        assert bench.pss_kb(grandchild) > 0
        assert bench.tree_pss_mb(parent.pid) > bench.pss_kb(parent.pid) / 1024
    finally:
        for pid in bench.process_tree(parent.pid)[::-1]:
            subprocess.run(["kill", str(pid)], check=False)
        parent.wait()


def test_peak_memory_of_a_step_sees_what_the_child_allocated(tmp_path: Path) -> None:
    allocating = _python("import time; block = bytearray(80 * 2**20); time.sleep(1)")

    result = bench.run_step(allocating, tmp_path / "allocating.log", timeout=CHILD_TIMEOUT)

    assert result.peak_mb >= 80


def test_no_cgroup_is_made_where_the_machine_has_no_cgroup_v2_memory_accounting(tmp_path: Path) -> None:
    assert bench.own_cgroup("0::/a/b\n", tmp_path) is None
    (tmp_path / "cgroup.controllers").write_text("cpu io memory\n")
    assert bench.own_cgroup("4:memory:/x\n0::/a/b\n", tmp_path) == tmp_path / "a" / "b"
    # A plain directory gives no memory.peak: no cgroup, and nothing left behind.
    assert bench.new_cgroup(tmp_path, "qof-bench-test") is None
    assert not (tmp_path / "qof-bench-test").exists()
