"""Great Expectations checks over the marts: what dbt's data tests cannot say.

dbt's tests already hold every row-level rule (keys, nulls, ranges, numerator not above
denominator, row accounting). Great Expectations adds two kinds of check that look at a mart
as a whole:

- **coverage**: every practice of the extract has its data-quality alert;
- **drift between two runs**: each run stores a profile of its marts (row counts, the
  distributions of practice achievement and PCA rate, mean prevalence) as `profile.json`; the
  next run at the same achievement date expects row counts within `ROW_COUNT_TOLERANCE`, the
  same distributions (Kullback-Leibler divergence below `KL_DIVERGENCE_LIMIT`) and mean
  prevalence within `PREVALENCE_TOLERANCE` of it. A rerun after a code-list, rule or extract
  change that moves the results a lot is stopped for a person to look at. A run at another
  achievement date (next month's extract) is not compared, as in-year figures move by design.

Each mart is read into a pandas DataFrame through a read-only DuckDB connection (the GX SQL
path does not work on DuckDB) and validated by a checkpoint holding that mart's expectation
suite. Results go to `<directory>/<mart>.json`; `checkpoint_summary.json` lists every
expectation with its outcome and says which previous profile, if any, was compared.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import duckdb  # noqa: E402
import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

Expectations = list[gxe.Expectation]
Profile = dict[str, Any]

PROFILE_FILE = "profile.json"
# A rerun may add or lose this share of a mart's rows before it counts as drift.
ROW_COUNT_TOLERANCE = 0.10
# Kullback-Leibler divergence (nats) of a rate's distribution over practice-indicators from
# the previous run's; 0.1 is about a tenth of the practice-indicators moving by one decile.
KL_DIVERGENCE_LIMIT = 0.1
# Mean prevalence over practices and registers may move by this share.
PREVALENCE_TOLERANCE = 0.05
# Rates are profiled in ten bins of 0-1; a bin empty last time gets this weight so a new value
# there counts as drift without an infinite divergence.
HISTOGRAM_BINS = [index / 10 for index in range(11)]
EMPTY_BIN_WEIGHT = 1e-3

PROFILED_MARTS = ["fct_practice_indicator_achievement", "fct_practice_prevalence", "fct_patient_indicator"]
PROFILED_RATES = {"fct_practice_indicator_achievement": ["achievement", "pca_rate"]}
PROFILED_MEANS = {"fct_practice_prevalence": "prevalence"}


def _practices(connection: duckdb.DuckDBPyConnection) -> list[str]:
    query = "select distinct practice_code from fct_practice_indicator_achievement"
    return sorted(row[0] for row in connection.execute(query).fetchall())


def _coverage(connection: duckdb.DuckDBPyConnection) -> dict[str, Expectations]:
    """Every practice with results has its data-quality alert (a cross-mart check)."""
    practices = _practices(connection)
    return {
        "dq_practice_alerts": [
            gxe.ExpectColumnDistinctValuesToEqualSet(column="practice_code", value_set=practices),
        ]
    }


def _histogram(values: pd.Series) -> dict[str, list[float]]:
    # Bins as numpy (and Great Expectations) count them: [0, 0.1), ..., [0.9, 1].
    counts, _ = np.histogram(values.dropna().clip(0, 1), bins=HISTOGRAM_BINS)
    total = int(counts.sum())
    weights = [int(count) / total if total else 0.0 for count in counts]
    return {"bins": list(HISTOGRAM_BINS), "weights": weights}


def _smoothed(histogram: dict[str, list[float]]) -> dict[str, list[float]]:
    weights = [max(weight, EMPTY_BIN_WEIGHT) for weight in histogram["weights"]]
    total = sum(weights)
    return {"bins": histogram["bins"], "weights": [weight / total for weight in weights]}


def _achievement_date(connection: duckdb.DuckDBPyConnection) -> str | None:
    query = "select max(achievement_date) from fct_practice_indicator_achievement"
    row = connection.execute(query).fetchone()
    day = row[0] if row else None
    return day.isoformat() if isinstance(day, date) else None


def build_profile(connection: duckdb.DuckDBPyConnection) -> Profile:
    """The profile of this run's marts that the next run is compared with."""
    profile: Profile = {
        "achievement_date": _achievement_date(connection),
        "row_counts": {},
        "histograms": {},
        "means": {},
    }
    for mart in PROFILED_MARTS:
        profile["row_counts"][mart] = connection.execute(f"select count(*) from {mart}").fetchone()[0]
    for mart, columns in PROFILED_RATES.items():
        frame = connection.execute(f"select {', '.join(columns)} from {mart}").df()
        for column in columns:
            profile["histograms"][f"{mart}.{column}"] = _histogram(frame[column])
    for mart, column in PROFILED_MEANS.items():
        mean = connection.execute(f"select avg({column}) from {mart}").fetchone()
        profile["means"][f"{mart}.{column}"] = mean[0] if mean else None
    return profile


def _comparable(previous: Profile | None, current: Profile) -> bool:
    return bool(previous) and previous.get("achievement_date") == current["achievement_date"]


def drift_expectations(previous: Profile, current: Profile) -> dict[str, Expectations]:
    """Expectations that this run's marts look like the previous run's at the same date."""
    suites: dict[str, Expectations] = {mart: [] for mart in PROFILED_MARTS}
    for mart, rows in previous["row_counts"].items():
        if mart in suites:
            suites[mart].append(
                gxe.ExpectTableRowCountToBeBetween(
                    min_value=int(rows * (1 - ROW_COUNT_TOLERANCE)),
                    max_value=int(rows * (1 + ROW_COUNT_TOLERANCE) + 0.5),
                )
            )
    for key, histogram in previous["histograms"].items():
        mart, column = key.split(".")
        if mart in suites and column in PROFILED_RATES.get(mart, []):
            suites[mart].append(
                gxe.ExpectColumnKLDivergenceToBeLessThan(
                    column=column, partition_object=_smoothed(histogram), threshold=KL_DIVERGENCE_LIMIT
                )
            )
    for key, mean in previous["means"].items():
        mart, column = key.split(".")
        if mart in suites and mean is not None:
            suites[mart].append(
                gxe.ExpectColumnMeanToBeBetween(
                    column=column,
                    min_value=mean * (1 - PREVALENCE_TOLERANCE),
                    max_value=mean * (1 + PREVALENCE_TOLERANCE),
                )
            )
    return {mart: expectations for mart, expectations in suites.items() if expectations}


def read_profile(directory: Path) -> Profile | None:
    """The profile a previous run left in `directory` (its great_expectations folder), if any."""
    path = directory / PROFILE_FILE
    if not path.is_file():
        return None
    try:
        loaded = json.loads(path.read_text())
    except json.JSONDecodeError:
        return None
    return loaded if isinstance(loaded, dict) else None


@dataclass(frozen=True)
class CheckpointOutcome:
    """The outcome of the marts checkpoint: per mart, expectations evaluated and failed."""

    success: bool
    evaluated: int
    failed: list[str]
    directory: Path
    compared_with_previous: bool


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
                "observed_value": (item.result or {}).get("observed_value"),
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


def _merge(*suites: dict[str, Expectations]) -> dict[str, Expectations]:
    merged: dict[str, Expectations] = {}
    for suite in suites:
        for mart, expectations in suite.items():
            merged.setdefault(mart, []).extend(expectations)
    return merged


def run_checkpoint(duckdb_path: Path, directory: Path, previous: Profile | None = None) -> CheckpointOutcome:
    """Validate the marts (coverage, and drift from `previous` when it is at the same
    achievement date), store the results and this run's profile under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    context = _context()
    summary: list[dict[str, object]] = []
    failed: list[str] = []
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        profile = build_profile(connection)
        compared = _comparable(previous, profile)
        suites = _merge(_coverage(connection), drift_expectations(previous, profile) if compared else {})
        for name, expectations in suites.items():
            frame = connection.execute(f"select * from {name}").df()
            outcome = validate_mart(context, name, frame, expectations)
            (directory / f"{name}.json").write_text(json.dumps(outcome, indent=2, default=str) + "\n")
            summary.append({key: outcome[key] for key in ("mart", "rows", "success", "expectations")})
            failed += [
                f"{name}: {item['expectation']} {item['kwargs'].get('column', '')}"
                f" observed {item['observed_value']}"
                for item in outcome["expectations"]
                if not item["success"]
            ]
    (directory / PROFILE_FILE).write_text(json.dumps(profile, indent=2, default=str) + "\n")
    success = not failed
    evaluated = sum(len(item["expectations"]) for item in summary)  # type: ignore[arg-type]
    previous_date = previous.get("achievement_date") if previous else None
    (directory / "checkpoint_summary.json").write_text(
        json.dumps(
            {
                "success": success,
                "evaluated": evaluated,
                "compared_with_previous_run": compared,
                "previous_achievement_date": previous_date,
                "achievement_date": profile["achievement_date"],
                "marts": summary,
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
    return CheckpointOutcome(success, evaluated, failed, directory, compared_with_previous=compared)
