"""The `qof` command: generate, check and build the warehouse, and report on its data quality.

Each subcommand is a `_register_<name>` function that adds its parser and handler; a handler
takes the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml

from qof_warehouse import PROJECT_ROOT
from qof_warehouse.alerts import collect_dq_summary, format_dq_summary, published_directory, write_alerts
from qof_warehouse.cluster_coverage import collect_cluster_coverage, format_cluster_coverage
from qof_warehouse.dbt_runner import (
    DEFAULT_EXTRACT_DIR,
    BuildLockedError,
    BuildSettings,
    default_duckdb,
    default_extract_dir,
    readable_extract,
    safe_build,
)
from qof_warehouse.exports import write_cqrs_csv
from qof_warehouse.extract_check import ExtractError, ExtractLayout, check_extract, default_encoding
from qof_warehouse.summary import collect_summary, format_summary
from qof_warehouse.trajectory import TrajectoryError, default_trajectory_dates, run_trajectory
from qof_warehouse.worklists import write_worklists

DEFAULT_ALERTS_DIR = PROJECT_ROOT / "output" / "data_quality"
DEFAULT_WORKLISTS_DIR = PROJECT_ROOT / "output" / "worklists"
DEFAULT_CQRS_DIR = PROJECT_ROOT / "output" / "cqrs"
DEFAULT_REPORT_DIR = PROJECT_ROOT / "output" / "report"
DEFAULT_QOF_YEAR = "2023-24"
EXIT_BAD_EXTRACT = 2
EXIT_LOCKED = 3
EXIT_EXPECTATIONS_FAILED = 4

Commands = argparse._SubParsersAction  # type: ignore[type-arg]


def _error(message: str) -> None:
    print(f"ERROR: {message}", file=sys.stderr, flush=True)


def _encoding(args: argparse.Namespace) -> str:
    """The extract's CSV encoding: --encoding, else env QOF_EXTRACT_ENCODING, else UTF-8."""
    return str(args.encoding or default_encoding())


def _add_encoding_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--encoding",
        default=None,
        help="encoding of the extract's CSV files, e.g. cp1252 for files written by Windows systems "
        "(default: env QOF_EXTRACT_ENCODING, else utf-8)",
    )


def _add_extract_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--extract-dir",
        default=str(default_extract_dir()),
        help="the extract directory (default: env QOF_EXTRACT_DIR, else data/synthetic)",
    )


def _add_duckdb_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--duckdb",
        default=str(default_duckdb()),
        help="the warehouse file (default: env QOF_DUCKDB, else target/qof_warehouse.duckdb)",
    )


def _checked_extract(extract_dir: str, encoding: str) -> ExtractLayout | None:
    """The extract's layout, or None after printing the file-level problem that stops the run."""
    try:
        return check_extract(Path(extract_dir), encoding)
    except ExtractError as error:
        _error(str(error))
        return None


def _generate(args: argparse.Namespace) -> int:
    from qof_warehouse.synthetic.generator import GeneratorConfig, generate_extract

    config = GeneratorConfig(
        n_patients=args.patients,
        n_practices=args.practices,
        n_pcns=args.pcns,
        n_icbs=args.icbs,
        seed=args.seed,
        achievement_date=date.fromisoformat(args.achievement_date),
        file_format=args.format,
        dirty_share=args.dirty_share,
    )
    counts = generate_extract(Path(args.out), config)
    for table, rows in counts.items():
        print(f"{table:<20}{rows:>12,}")
    return 0


def _check(args: argparse.Namespace) -> int:
    layout = _checked_extract(args.extract_dir, _encoding(args))
    if layout is None:
        return EXIT_BAD_EXTRACT
    print(f"extract OK: {layout.file_format}, {layout.layout}")
    for table, rows in layout.row_counts.items():
        print(f"  {table:<20}{rows:>12,} rows")
    return 0


def _publish_reports(duckdb_path: Path, alerts_dir: Path) -> int:
    """Write every practice's alert and the PCN/ICB summaries, then run the GX checkpoint."""
    from qof_warehouse.gx_checks import read_profile, run_checkpoint

    previous = read_profile(alerts_dir / "great_expectations")
    with published_directory(alerts_dir) as folder:
        written = write_alerts(duckdb_path, folder)
        outcome = run_checkpoint(duckdb_path, folder / "great_expectations", previous)
    print(
        f"alerts: {written.practices} practice folders ({written.alerts} findings), "
        f"{written.pcns} PCN and {written.icbs} ICB summaries in {alerts_dir}"
    )
    results = alerts_dir / "great_expectations"
    if not outcome.success:
        failed = f"{len(outcome.failed)} of {outcome.evaluated}"
        _error(f"Great Expectations: {failed} expectations failed; see {results}")
        for failure in outcome.failed:
            print(f"  {failure}", file=sys.stderr)
        return EXIT_EXPECTATIONS_FAILED
    compared = "drift checked against the last run" if outcome.compared_with_previous else "no run to compare"
    print(f"Great Expectations: all {outcome.evaluated} expectations met ({compared}); results in {results}")
    return 0


def split_dbt_args(dbt_args: list[str]) -> tuple[dict[str, object], list[str]]:
    """Extra dbt arguments (after `--`) with any `--vars` taken out, to merge with the build's own."""
    rest = dbt_args[1:] if dbt_args[:1] == ["--"] else list(dbt_args)
    extra_vars: dict[str, object] = {}
    while "--vars" in rest:
        position = rest.index("--vars")
        extra_vars.update(yaml.safe_load(rest[position + 1]) or {})
        del rest[position : position + 2]
    return extra_vars, rest


def _build(args: argparse.Namespace) -> int:
    layout = _checked_extract(args.extract_dir, _encoding(args))
    if layout is None:
        return EXIT_BAD_EXTRACT
    extra_vars, dbt_args = split_dbt_args(args.dbt_args)
    settings = BuildSettings(
        extract_dir=Path(args.extract_dir),
        duckdb_path=Path(args.duckdb),
        extract_format=layout.file_format,
        extract_layout=layout.layout,
        achievement_date=args.achievement_date,
        qof_year=args.qof_year,
        extra_vars=extra_vars,
        extract_encoding=_encoding(args),
    )
    try:
        result = safe_build(["build", *dbt_args], settings)
    except BuildLockedError as error:
        _error(str(error))
        return EXIT_LOCKED
    except ExtractError as error:
        _error(str(error))
        return EXIT_BAD_EXTRACT
    if not result.ok:
        kept = f"; the failed build is kept at {result.failed_build}" if result.failed_build else ""
        _error(f"dbt build failed (see the log above); the warehouse {result.warehouse} is unchanged{kept}")
        return result.process.returncode
    print(format_summary(*collect_summary(result.warehouse)))
    print()
    print(format_cluster_coverage(collect_cluster_coverage(result.warehouse)))
    print()
    print(format_dq_summary(collect_dq_summary(result.warehouse), layout.row_counts))
    if args.no_alerts:
        return 0
    status = _publish_reports(result.warehouse, Path(args.alerts_dir))
    worklists = write_worklists(result.warehouse, Path(args.worklists_dir))
    print(f"{len(worklists)} screening and cancer-care worklist files written to {args.worklists_dir}")
    print(f"CQRS-shaped results written to {write_cqrs_csv(result.warehouse, Path(args.cqrs_dir))}")
    return status


def _alerts(args: argparse.Namespace) -> int:
    print(format_dq_summary(collect_dq_summary(Path(args.duckdb))))
    return _publish_reports(Path(args.duckdb), Path(args.out))


def _summary(args: argparse.Namespace) -> int:
    print(format_summary(*collect_summary(Path(args.duckdb))))
    print()
    print(format_cluster_coverage(collect_cluster_coverage(Path(args.duckdb))))
    print()
    print(format_dq_summary(collect_dq_summary(Path(args.duckdb))))
    return 0


def _worklists(args: argparse.Namespace) -> int:
    written = write_worklists(Path(args.duckdb), Path(args.out))
    print(f"{len(written)} worklist files written to {args.out}")
    return 0


def _trajectory(args: argparse.Namespace) -> int:
    layout = _checked_extract(args.extract_dir, _encoding(args))
    if layout is None:
        return EXIT_BAD_EXTRACT
    settings = BuildSettings(
        extract_dir=Path(args.extract_dir),
        duckdb_path=Path(args.duckdb),
        extract_format=layout.file_format,
        extract_layout=layout.layout,
        qof_year=args.qof_year,
        extract_encoding=_encoding(args),
    )
    dates = args.dates or default_trajectory_dates(args.qof_year or DEFAULT_QOF_YEAR, not args.this_year_only)
    try:
        with readable_extract(settings) as readable:
            built = run_trajectory(readable, dates)
    except ExtractError as error:
        _error(str(error))
        return EXIT_BAD_EXTRACT
    except TrajectoryError as error:
        _error(str(error))
        return 1
    print(f"trajectory built at {len(built)} month-ends: {built[0]} to {built[-1]}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from qof_warehouse.report import ReportError, build_report

    try:
        index = build_report(
            Path(args.duckdb), Path(args.out), Path(args.worklists_dir), Path(args.alerts_dir)
        )
    except ReportError as error:
        _error(str(error))
        return 1
    print(f"Report written to {index}")
    return 0


def _register_generate(commands: Commands) -> None:
    parser = commands.add_parser("generate", help="write a synthetic GP extract")
    parser.add_argument(
        "--out",
        default=str(DEFAULT_EXTRACT_DIR),
        help="where to write the extract (default: data/synthetic; env QOF_EXTRACT_DIR is not read, "
        "so an extract it names is never overwritten)",
    )
    parser.add_argument("--patients", type=int, default=50_000)
    parser.add_argument("--practices", type=int, default=20)
    parser.add_argument("--pcns", type=int, default=4)
    parser.add_argument("--icbs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--achievement-date", default="2024-03-31")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--dirty-share", type=float, default=0.002)
    parser.set_defaults(handler=_generate)


def _register_check(commands: Commands) -> None:
    parser = commands.add_parser("check", help="check an extract's files and columns")
    _add_extract_dir_option(parser)
    _add_encoding_option(parser)
    parser.set_defaults(handler=_check)


def _register_build(commands: Commands) -> None:
    parser = commands.add_parser(
        "build",
        help="check the extract, build the warehouse safely, print summaries, write alerts",
        description="Check the extract's files, run dbt build into a new warehouse file and swap it "
        "in only when every model and test passed, print the QOF and data-quality summaries, then "
        "write every practice's data-quality alert and run the Great Expectations checkpoint.",
    )
    _add_extract_dir_option(parser)
    _add_encoding_option(parser)
    _add_duckdb_option(parser)
    parser.add_argument("--achievement-date", default=None, help="e.g. 2024-03-31")
    parser.add_argument("--qof-year", default=None, help="e.g. 2023-24")
    parser.add_argument("--alerts-dir", default=str(DEFAULT_ALERTS_DIR), help="where the alerts are written")
    parser.add_argument("--worklists-dir", default=str(DEFAULT_WORKLISTS_DIR), help="where the worklists go")
    parser.add_argument("--cqrs-dir", default=str(DEFAULT_CQRS_DIR), help="where cqrs_submission.csv goes")
    parser.add_argument(
        "--no-alerts", action="store_true", help="skip the alerts, worklists and the GX checkpoint"
    )
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER, help="extra dbt arguments")
    parser.set_defaults(handler=_build)


def _register_alerts(commands: Commands) -> None:
    parser = commands.add_parser(
        "alerts",
        help="write every practice's data-quality alert and run the GX checkpoint",
        description="From a built warehouse, write one folder per practice (alerts.csv, "
        "alert_records.csv, index.html), PCN and ICB summaries, the extract page and the Great "
        "Expectations results.",
    )
    _add_duckdb_option(parser)
    parser.add_argument("--out", default=str(DEFAULT_ALERTS_DIR))
    parser.set_defaults(handler=_alerts)


def _register_summary(commands: Commands) -> None:
    parser = commands.add_parser("summary", help="print the QOF and data-quality summaries of a warehouse")
    _add_duckdb_option(parser)
    parser.set_defaults(handler=_summary)


def _register_worklists(commands: Commands) -> None:
    parser = commands.add_parser(
        "worklists",
        help="write each practice's screening and cancer-care worklists as CSV files",
    )
    _add_duckdb_option(parser)
    parser.add_argument("--out", default=str(DEFAULT_WORKLISTS_DIR))
    parser.set_defaults(handler=_worklists)


def _register_trajectory(commands: Commands) -> None:
    parser = commands.add_parser(
        "trajectory",
        help="build the month-by-month trajectory into a warehouse",
        description="Build fct_practice_indicator_trajectory at every month-end of the QOF year "
        "and of the year before (or at --dates), adding only the months not yet built.",
    )
    _add_extract_dir_option(parser)
    _add_encoding_option(parser)
    _add_duckdb_option(parser)
    parser.add_argument("--qof-year", default=None, help=f"e.g. 2023-24 (default {DEFAULT_QOF_YEAR})")
    parser.add_argument("--dates", nargs="+", default=None, help="month-end dates, e.g. 2023-04-30")
    parser.add_argument("--this-year-only", action="store_true", help="skip the same months last year")
    parser.set_defaults(handler=_trajectory)


def _register_report(commands: Commands) -> None:
    parser = commands.add_parser(
        "report",
        help="write the static report site (ICB, PCN and practice pages with charts)",
        description="From a built warehouse's marts, write a static site that opens from disk: "
        "index.html and one page per ICB, PCN and practice, linking the worklists and "
        "data-quality alerts found under --worklists-dir and --alerts-dir.",
    )
    _add_duckdb_option(parser)
    parser.add_argument("--out", default=str(DEFAULT_REPORT_DIR), help="folder of the site")
    parser.add_argument("--worklists-dir", default=str(DEFAULT_WORKLISTS_DIR), help="worklists to link")
    parser.add_argument("--alerts-dir", default=str(DEFAULT_ALERTS_DIR), help="alert pages to link")
    parser.set_defaults(handler=_report)


REGISTRARS: tuple[Callable[[Commands], None], ...] = (
    _register_generate,
    _register_check,
    _register_build,
    _register_alerts,
    _register_summary,
    _register_worklists,
    _register_trajectory,
    _register_report,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qof", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    for register in REGISTRARS:
        register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
