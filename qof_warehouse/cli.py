"""The `qof` command: generate a synthetic extract, check an extract, build the warehouse."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from qof_warehouse.dbt_runner import DEFAULT_DUCKDB, DEFAULT_EXTRACT_DIR, BuildSettings, run_dbt
from qof_warehouse.extract_check import ExtractError, check_extract
from qof_warehouse.summary import collect_summary, format_summary


def _generate(args: argparse.Namespace) -> int:
    from qof_warehouse.generator import GeneratorConfig, generate_extract

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
    try:
        layout = check_extract(Path(args.extract_dir))
    except ExtractError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    print(f"extract OK: {layout.file_format}, {layout.layout}")
    return 0


def _settings(args: argparse.Namespace, file_format: str, layout: str) -> BuildSettings:
    return BuildSettings(
        extract_dir=Path(args.extract_dir),
        duckdb_path=Path(args.duckdb),
        extract_format=file_format,
        extract_layout=layout,
        achievement_date=args.achievement_date,
        qof_year=args.qof_year,
    )


def _build(args: argparse.Namespace) -> int:
    try:
        layout = check_extract(Path(args.extract_dir))
    except ExtractError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    settings = _settings(args, layout.file_format, layout.layout)
    result = run_dbt(["build", *args.dbt_args], settings)
    if result.returncode != 0:
        print("ERROR: dbt build failed; see the log above", file=sys.stderr)
        return result.returncode
    print(format_summary(*collect_summary(settings.duckdb_path)))
    return 0


def _summary(args: argparse.Namespace) -> int:
    print(format_summary(*collect_summary(Path(args.duckdb))))
    return 0


def _add_warehouse_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--extract-dir", default=str(DEFAULT_EXTRACT_DIR))
    parser.add_argument("--duckdb", default=str(DEFAULT_DUCKDB))
    parser.add_argument("--achievement-date", default=None, help="e.g. 2024-03-31")
    parser.add_argument("--qof-year", default=None, help="e.g. 2023-24")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qof", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write a synthetic GP extract")
    generate.add_argument("--out", default=str(DEFAULT_EXTRACT_DIR))
    generate.add_argument("--patients", type=int, default=50_000)
    generate.add_argument("--practices", type=int, default=20)
    generate.add_argument("--pcns", type=int, default=4)
    generate.add_argument("--icbs", type=int, default=2)
    generate.add_argument("--seed", type=int, default=42)
    generate.add_argument("--achievement-date", default="2024-03-31")
    generate.add_argument("--format", choices=["csv", "parquet"], default="csv")
    generate.add_argument("--dirty-share", type=float, default=0.002)
    generate.set_defaults(handler=_generate)

    check = commands.add_parser("check", help="check an extract's files and columns")
    check.add_argument("--extract-dir", default=str(DEFAULT_EXTRACT_DIR))
    check.set_defaults(handler=_check)

    build = commands.add_parser("build", help="check the extract, run dbt build, print a summary")
    _add_warehouse_args(build)
    build.add_argument("dbt_args", nargs=argparse.REMAINDER, help="extra dbt arguments")
    build.set_defaults(handler=_build)

    summary = commands.add_parser("summary", help="print the summary of a built warehouse")
    summary.add_argument("--duckdb", default=str(DEFAULT_DUCKDB))
    summary.set_defaults(handler=_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
