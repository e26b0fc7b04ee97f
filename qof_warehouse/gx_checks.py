"""Great Expectations checks over the marts, with their results stored as JSON.

Each mart is read into a pandas DataFrame through a read-only DuckDB connection (the GX SQL
path does not work on DuckDB) and validated by a checkpoint holding that mart's expectation
suite. Results go to `<directory>/<mart>.json`, and `checkpoint_summary.json` lists every
expectation with its outcome.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import duckdb  # noqa: E402
import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
import pandas as pd  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

Expectations = list[gxe.Expectation]
EXTRACT_TABLES = ["practices", "patients", "registrations", "events", "medications", "manual_achievement"]
SEVERITIES = ["high", "medium", "low", "info"]


def _indicator_achievement(_: duckdb.DuckDBPyConnection) -> Expectations:
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="practice_code"),
        gxe.ExpectColumnValuesToNotBeNull(column="indicator_code"),
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["practice_code", "indicator_code", "achievement_date"]
        ),
        gxe.ExpectColumnValuesToBeBetween(column="achievement", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="pca_rate", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="points", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="denominator", column_B="numerator", or_equal=True
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="max_points", column_B="points", or_equal=True),
    ]


def _patient_indicator(_: duckdb.DuckDBPyConnection) -> Expectations:
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="patient_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="practice_code"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["patient_id", "indicator_code", "achievement_date"]),
    ]


def _prevalence(_: duckdb.DuckDBPyConnection) -> Expectations:
    return [
        gxe.ExpectColumnValuesToBeBetween(column="prevalence", min_value=0, max_value=1),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="list_size", column_B="register", or_equal=True),
    ]


def _row_accounting(_: duckdb.DuckDBPyConnection) -> Expectations:
    return [
        gxe.ExpectTableRowCountToEqual(value=len(EXTRACT_TABLES)),
        gxe.ExpectColumnDistinctValuesToEqualSet(column="table_name", value_set=EXTRACT_TABLES),
        gxe.ExpectColumnValuesToBeBetween(column="rows_unaccounted", min_value=0, max_value=0),
        gxe.ExpectColumnValuesToBeInSet(column="is_balanced", value_set=[True]),
    ]


def _staged_practices(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute("select practice_code from stg_gp_extract__practices").fetchall()
    return [row[0] for row in rows]


def _practice_alerts(connection: duckdb.DuckDBPyConnection) -> Expectations:
    practices = _staged_practices(connection)
    return [
        gxe.ExpectColumnDistinctValuesToEqualSet(column="practice_code", value_set=practices),
        gxe.ExpectColumnValuesToBeInSet(column="severity", value_set=SEVERITIES),
        gxe.ExpectColumnValuesToBeBetween(column="affected_count", min_value=0),
        gxe.ExpectColumnValuesToNotBeNull(column="title"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["practice_code", "check_code", "check_subject"]),
    ]


def _alert_details(connection: duckdb.DuckDBPyConnection) -> Expectations:
    practices = _staged_practices(connection)
    return [
        gxe.ExpectColumnValuesToBeInSet(column="practice_code", value_set=practices),
        gxe.ExpectColumnValuesToNotBeNull(column="check_code"),
    ]


SUITES: dict[str, Callable[[duckdb.DuckDBPyConnection], Expectations]] = {
    "fct_practice_indicator_achievement": _indicator_achievement,
    "fct_patient_indicator": _patient_indicator,
    "fct_practice_prevalence": _prevalence,
    "dq_row_accounting": _row_accounting,
    "dq_practice_alerts": _practice_alerts,
    "dq_alert_details": _alert_details,
}


@dataclass(frozen=True)
class CheckpointOutcome:
    """The outcome of the marts checkpoint: per mart, expectations evaluated and failed."""

    success: bool
    evaluated: int
    failed: list[str]
    directory: Path


def _context() -> Any:
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _expectation_outcomes(result: Any) -> list[dict[str, object]]:
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        outcomes.append(
            {
                "expectation": config.type,
                "kwargs": {key: value for key, value in config.kwargs.items() if key != "batch_id"},
                "success": bool(item.success),
                "unexpected_count": (item.result or {}).get("unexpected_count"),
                "raised_exception": bool((item.exception_info or {}).get("raised_exception")),
            }
        )
    return outcomes


def validate_mart(context: Any, name: str, frame: pd.DataFrame, expectations: Expectations) -> dict[str, Any]:
    """Validate one mart with a checkpoint and return the JSON-ready result."""
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
    batch = context.data_sources.add_pandas(name=name).add_dataframe_asset(name=name)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(
            name=name, data=batch.add_batch_definition_whole_dataframe("all"), suite=suite
        )
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name=f"{name}_checkpoint", validation_definitions=[definition])
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    validation = next(iter(result.run_results.values()))
    return {
        "mart": name,
        "rows": len(frame),
        "success": bool(result.success),
        "statistics": validation.statistics,
        "expectations": _expectation_outcomes(validation),
        "gx_result": validation.to_json_dict(),
    }


def run_checkpoint(duckdb_path: Path, directory: Path) -> CheckpointOutcome:
    """Validate every mart in SUITES and store the results under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    context = _context()
    summary: list[dict[str, object]] = []
    failed: list[str] = []
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        for name, build_expectations in SUITES.items():
            frame = connection.execute(f"select * from {name}").df()
            outcome = validate_mart(context, name, frame, build_expectations(connection))
            (directory / f"{name}.json").write_text(json.dumps(outcome, indent=2, default=str) + "\n")
            summary.append({key: outcome[key] for key in ("mart", "rows", "success", "expectations")})
            failed += [
                f"{name}: {item['expectation']} {item['kwargs']}"
                for item in outcome["expectations"]
                if not item["success"]
            ]
    success = not failed
    evaluated = sum(len(item["expectations"]) for item in summary)  # type: ignore[arg-type]
    (directory / "checkpoint_summary.json").write_text(
        json.dumps({"success": success, "evaluated": evaluated, "marts": summary}, indent=2, default=str)
        + "\n"
    )
    return CheckpointOutcome(success=success, evaluated=evaluated, failed=failed, directory=directory)
