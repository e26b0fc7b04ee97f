"""Deterministic synthetic GP extract generator.

Writes one directory in the shape of the GP extract contract (docs/extract_contract.md): practices,
patients, registrations, events, medications and manual_achievement (CSV or Parquet, every
column text) plus `manifest.json` (config, row counts, dirty rows per table and class, clean
edge cases and the registers the generator intended).

Same config, same bytes. Every SNOMED CT / dm+d code comes from the project's cluster seed,
looked up by cluster name; registers and care histories whose clusters the seed lacks are
simply left out, and appear once the clusters are added.

Usage::

    from qof_warehouse.synthetic.generator import GeneratorConfig, generate_extract
    counts = generate_extract(Path("data/synthetic"), GeneratorConfig(n_patients=50_000))
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from qof_warehouse import PROJECT_ROOT
from qof_warehouse.codelists import cluster_rows
from qof_warehouse.synthetic.common import (
    SEX_CODES,
    Calendar,
    ClusterCodes,
    EdgeCounter,
    EventBuffer,
    EventColumns,
    child_rng,
    from_day,
)
from qof_warehouse.synthetic.conditions import ConditionState, assign_conditions
from qof_warehouse.synthetic.dirty import DirtySource, inject_dirty, split_by_default_policy
from qof_warehouse.synthetic.histories import Context
from qof_warehouse.synthetic.monitoring import MedicationColumns, add_care_histories, build_medications
from qof_warehouse.synthetic.population import (
    ICBS,
    Population,
    Practices,
    build_population,
    build_practices,
)
from qof_warehouse.synthetic.tables import (
    PATIENT_ID_WIDTH,
    TABLE_COLUMNS,
    DirtyRows,
    Lookups,
    batches,
    event_batch,
    id_strings,
    interleave,
    medication_batch,
    patient_batch,
    registration_batch,
    text_table,
    write_table,
)

FILE_FORMATS = ("csv", "parquet")
QI_INDICATORS = ("QI013", "QI014", "QI016", "QI017", "QI018", "QI019")
MANIFEST_VERSION = 1
# The generator's name in every manifest; a fixed name, not this module's path, so that the
# same config still gives the same bytes wherever the module lives.
GENERATOR_NAME = "qof_warehouse.generator"


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. Defaults give a 50,000-patient, 20-practice CSV extract."""

    n_patients: int = 50_000
    n_practices: int = 20
    n_pcns: int = 4
    n_icbs: int = 2
    seed: int = 42
    achievement_date: date = date(2024, 3, 31)
    history_years: int = 6
    file_format: str = "csv"  # "csv" or "parquet"
    dirty_share: float = 0.002  # share of rows made dirty, per table
    # A cluster seed CSV, or a directory of them (every *.csv is read).
    cluster_seed_path: Path = PROJECT_ROOT / "seeds/clusters"

    def __post_init__(self) -> None:
        if self.n_patients < 1:
            raise ValueError("n_patients must be at least 1")
        if self.n_practices < 1 or self.n_pcns < 1 or self.n_icbs < 1:
            raise ValueError("n_practices, n_pcns and n_icbs must each be at least 1")
        if self.n_practices > 18_000:
            raise ValueError("n_practices above 18,000 is not supported")
        if min(self.n_icbs, self.n_pcns, self.n_practices) > len(ICBS):
            raise ValueError(f"at most {len(ICBS)} ICBs can be generated")
        if not 1 <= self.history_years <= 50:
            raise ValueError("history_years must be between 1 and 50")
        if self.file_format not in FILE_FORMATS:
            raise ValueError(f"file_format must be one of {FILE_FORMATS}, not {self.file_format!r}")
        if not 0.0 <= self.dirty_share <= 0.2:
            raise ValueError("dirty_share must be between 0 and 0.2")

    @property
    def effective_pcns(self) -> int:
        """PCNs actually made (never more than practices)."""
        return min(self.n_pcns, self.n_practices)

    @property
    def effective_icbs(self) -> int:
        """ICBs actually made (never more than PCNs)."""
        return min(self.n_icbs, self.effective_pcns)


def _finalize_events(ev: EventColumns) -> tuple[EventColumns, int]:
    """Sort by patient, date, code and value; drop exact content repeats (same patient, date,
    code and value), which a warehouse would rightly treat as duplicates."""
    vkey = np.where(np.isnan(ev.value), -1, np.round(ev.value * 10)).astype(np.int64)
    order = np.lexsort((vkey, ev.code, ev.day, ev.patient))
    ev = ev.take(order)
    vkey = vkey[order]
    repeat = np.zeros(len(ev), dtype=bool)
    if len(ev) > 1:
        repeat[1:] = (
            (ev.patient[1:] == ev.patient[:-1])
            & (ev.day[1:] == ev.day[:-1])
            & (ev.code[1:] == ev.code[:-1])
            & (vkey[1:] == vkey[:-1])
        )
    return ev.take(~repeat), int(repeat.sum())


def _practices_table(practices: Practices) -> pa.Table:
    return text_table(
        {
            "practice_code": list(practices.code),
            "practice_name": list(practices.name),
            "pcn_code": list(practices.pcn_code),
            "pcn_name": list(practices.pcn_name),
            "icb_code": list(practices.icb_code),
            "icb_name": list(practices.icb_name),
        },
        TABLE_COLUMNS["practices"],
    )


def _manual_achievement_table(practices: Practices, cal: Calendar, seed: int) -> pa.Table:
    """QI attestations: achieved for most, not for a couple."""
    rng = child_rng(seed, "manual_achievement")
    n = len(practices) * len(QI_INDICATORS)
    achieved = np.ones(n, dtype=bool)
    n_false = max(2, int(round(0.03 * n))) if n >= 6 else 0
    achieved[rng.choice(n, size=min(n_false, n), replace=False)] = False
    return text_table(
        {
            "practice_code": [c for c in practices.code for _ in QI_INDICATORS],
            "indicator_code": list(QI_INDICATORS) * len(practices),
            "achievement_date": [cal.achievement.isoformat()] * n,
            "achieved": ["true" if a else "false" for a in achieved],
        },
        TABLE_COLUMNS["manual_achievement"],
    )


def _expected(pop: Population, practices: Practices, states: dict[str, ConditionState]) -> dict[str, object]:
    """What the generator intended at the achievement date, for reconciliation."""
    gms = pop.gms_at_ach
    list_sizes = np.bincount(pop.practice[gms], minlength=len(practices))
    registers: dict[str, dict[str, object]] = {}
    for name, state in states.items():
        cond = state.condition
        base = gms & (pop.age_at_ach >= cond.min_age)
        on = base & state.on_register
        entry: dict[str, object] = {
            "diagnosis_clusters": list(cond.diagnosis_clusters),
            "resolved_cluster": cond.resolved_cluster,
            "min_age": cond.min_age,
            "register": int(on.sum()),
            "eligible_population": int(base.sum()),
            "prevalence": round(float(on.sum()) / max(1, int(base.sum())), 5),
        }
        if cond.subtypes:
            entry["subtypes"] = {
                s.cluster: int((on & (state.subtype == i)).sum()) for i, s in enumerate(cond.subtypes)
            }
        registers[name] = entry
    return {
        "rule": (
            "register = GMS-registered on the achievement date, age in full years at that date "
            ">= min_age, latest diagnosis code not followed by a resolved code (no same-day "
            "ties are generated); QOF rules beyond the diagnosis (drug treatment, staging) "
            "are not applied here"
        ),
        "population_gms_at_achievement_date": int(gms.sum()),
        "list_sizes": {practices.code[i]: int(v) for i, v in enumerate(list_sizes)},
        "registers": registers,
    }


def _seed_digest(path: Path) -> str:
    """Digest of every (cluster, code, code system) row the generator drew codes from."""
    digest = hashlib.sha256()
    for row in cluster_rows(path):
        digest.update("\t".join(row).encode("utf-8") + b"\n")
    return digest.hexdigest()


def _config_json(config: GeneratorConfig) -> dict[str, object]:
    raw = asdict(config)
    raw["achievement_date"] = config.achievement_date.isoformat()
    seed_path = Path(config.cluster_seed_path).resolve()
    inside = seed_path.is_relative_to(PROJECT_ROOT)
    raw["cluster_seed_path"] = str(seed_path.relative_to(PROJECT_ROOT) if inside else seed_path)
    return raw


def _write_manifest(
    out_dir: Path,
    config: GeneratorConfig,
    cal: Calendar,
    counts: dict[str, int],
    dirty: dict[str, DirtyRows],
    edges: EdgeCounter,
    expected: dict[str, object],
    files: dict[str, str],
) -> None:
    dirty_tables = {t: dict(sorted(d.counts.items())) for t, d in dirty.items() if d.counts}
    classes: dict[str, int] = {}
    for table_counts in dirty_tables.values():
        for cls, n in table_counts.items():
            classes[cls] = classes.get(cls, 0) + n
    quarantined_tables, alerted_tables = split_by_default_policy(dirty_tables)
    manifest = {
        "generator": GENERATOR_NAME,
        "manifest_version": MANIFEST_VERSION,
        "config": _config_json(config),
        "cluster_seed_sha256": _seed_digest(Path(config.cluster_seed_path)),
        "achievement_date": cal.achievement.isoformat(),
        "extract_date": from_day(cal.extract_day).isoformat(),
        "history_start": from_day(cal.history_start).isoformat(),
        "effective": {
            "n_practices": config.n_practices,
            "n_pcns": config.effective_pcns,
            "n_icbs": config.effective_icbs,
        },
        "files": files,
        "rows": counts,
        "clean_rows": {
            t: counts[t] - sum(dirty[t].counts.values()) if t in dirty else counts[t] for t in counts
        },
        "dirty": {
            "rows_by_table": dirty_tables,
            "rows_by_class": dict(sorted(classes.items())),
            # Under the warehouse's default implausible_value_policy (keep_and_alert): the rows
            # it quarantines, and the value-plausibility rows it stages and alerts instead.
            "quarantined_by_table": quarantined_tables,
            "staged_and_alerted_by_table": alerted_tables,
            "notes": {
                "every dirty row is an extra row with exactly one defect": True,
                "clean rows are identical whatever dirty_share is": True,
                "blank_identifier": "an id column null, empty or a single space",
                "implausible_value": "HbA1c 0 or 999, systolic 9999, BMI 400 (clusters present only)",
                "unparseable_date": "e.g. 2023-13-45, 2023-02-30, 31/12/2023, 20230115",
                "non_numeric_value": "e.g. abc, n/a, see text",
                "event_before_birth": "dated up to 10 years before the date of birth as written",
                "event_after_death": "dated after the date of death, on or before the achievement date",
                "duplicate_event": "exact copy of a clean row, same event_id",
                "duplicate_patient": "exact copy of a clean patient row",
                "systolic_below_diastolic": "counted in rows: 2 per pair (systolic and diastolic)",
                "overlapping_registration": (
                    "extra GMS episode starting inside the patient's current GMS episode "
                    "(the later-starting episode is the dirty one)"
                ),
                "future_date": "after the extract date (2099-12-31 or a year mistyped +200)",
                "unknown_practice": "registration at a practice code starting Z9",
            },
        },
        "edge_cases": dict(sorted(edges.counts.items())),
        "expected": expected,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def generate_extract(out_dir: Path, config: GeneratorConfig) -> dict[str, int]:
    """Write a synthetic extract into `out_dir`; returns rows written per table."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    codes = ClusterCodes.load(Path(config.cluster_seed_path))
    cal = Calendar(config.achievement_date, config.history_years)
    edges = EdgeCounter()

    practices = build_practices(config.n_practices, config.effective_pcns, config.effective_icbs, config.seed)
    pop = build_population(cal, practices, config.n_patients, config.seed, edges)
    buf = EventBuffer()
    states = assign_conditions(codes, pop, practices, buf, config.seed, edges)
    ctx = Context(cal, codes, pop, practices, buf, config.seed, edges)
    add_care_histories(ctx, states)
    events, repeats = _finalize_events(buf.build())
    buf.clear()
    edges.add("content_repeats_dropped", repeats)
    meds: MedicationColumns = build_medications(ctx, states)
    event_practice = pop.practice_on(events.patient, events.day)
    med_practice = pop.practice_on(meds.patient, meds.day)

    look = Lookups(
        patient_id=id_strings(pop.id_number, PATIENT_ID_WIDTH),
        practice_code=pa.array(list(practices.code), type=pa.string()),
        code=pa.array(list(codes.codes), type=pa.string()),
    )
    sex_text = pa.array(list(SEX_CODES), type=pa.string()).take(pa.array(pop.sex.astype(np.int32)))
    source = DirtySource(
        cal, codes, pop, len(practices), events, event_practice, meds, med_practice, look,
        sex_text, config.seed,
    )  # fmt: skip
    dirty = inject_dirty(source, config.dirty_share)

    ext = config.file_format
    files = {table: f"{table}.{ext}" for table in TABLE_COLUMNS}
    regs = pop.registrations
    counts: dict[str, int] = {}

    def write(table: str, n_clean: int, make: Callable[[np.ndarray], pa.Table]) -> None:
        names = TABLE_COLUMNS[table]
        parts = interleave(batches(n_clean, make), n_clean, dirty.get(table, DirtyRows()), names)
        counts[table] = write_table(out_dir / files[table], ext, names, parts)

    counts["practices"] = write_table(
        out_dir / files["practices"], ext, TABLE_COLUMNS["practices"], iter([_practices_table(practices)])
    )
    write("patients", pop.n, lambda r: patient_batch(look, pop.dob_written, sex_text, pop.death, r))
    write(
        "registrations",
        len(regs),
        lambda r: registration_batch(look, regs.patient, regs.practice, regs.kind, regs.start, regs.end, r),
    )
    write("events", len(events), lambda r: event_batch(events, r, event_practice, look))
    write(
        "medications",
        len(meds),
        lambda r: medication_batch(look, meds.patient, med_practice, meds.day, meds.code, meds.quantity, r),
    )
    counts["manual_achievement"] = write_table(
        out_dir / files["manual_achievement"],
        ext,
        TABLE_COLUMNS["manual_achievement"],
        iter([_manual_achievement_table(practices, cal, config.seed)]),
    )
    _write_manifest(out_dir, config, cal, counts, dirty, edges, _expected(pop, practices, states), files)
    return counts
