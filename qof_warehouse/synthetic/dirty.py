"""Dirty rows of the kinds the extract contract lists, each tagged with its class.

Every dirty row is an *extra* row (a copy of a clean row with one defect, or a new row), so the
clean part of an extract is identical whatever `dirty_share` is. Each dirty row carries
exactly one defect. The warehouse quarantines every dirty row except those of the
value-plausibility classes (VALUE_PLAUSIBILITY_CLASSES): by default (implausible_value_policy
keep_and_alert) it stages those with their value, as the QOF business rules count them, and
alerts the practice; with implausible_value_policy quarantine it quarantines them too, and then
computes the same registers and achievement as on the clean extract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from qof_warehouse.synthetic.common import (
    NEVER,
    UNIT_KG_M2,
    UNIT_MMHG,
    UNIT_MMOL_MOL,
    Calendar,
    ClusterCodes,
    EventColumns,
    child_rng,
    to_day,
    uniform_days,
)
from qof_warehouse.synthetic.monitoring import MedicationColumns
from qof_warehouse.synthetic.population import Population, unique_id_numbers
from qof_warehouse.synthetic.tables import (
    EVENT_ID_WIDTH,
    MEDICATION_ID_BASE,
    PATIENT_ID_WIDTH,
    DirtyRows,
    Lookups,
    event_batch,
    medication_batch,
    patient_batch,
    registration_batch,
)

EVENT_CLASSES: tuple[str, ...] = (
    "duplicate_event",
    "code_whitespace",
    "code_non_numeric",
    "placeholder_date",
    "future_date",
    "event_before_birth",
    "event_after_death",
    "implausible_value",
    "systolic_below_diastolic",
    "blank_identifier",
    "unknown_patient",
    "unparseable_date",
    "non_numeric_value",
)
REGISTRATION_CLASSES: tuple[str, ...] = (
    "blank_identifier",
    "unknown_practice",
    "overlapping_registration",
)
PATIENT_CLASSES: tuple[str, ...] = ("duplicate_patient", "patient_without_registration")
MEDICATION_CLASSES: tuple[str, ...] = ("duplicate_event", "blank_identifier", "unknown_patient")
# Dirty classes whose rows fail a value-plausibility check rather than a structural one: staged
# and alerted under the warehouse's default implausible_value_policy, quarantined under
# 'quarantine'.
VALUE_PLAUSIBILITY_CLASSES: frozenset[str] = frozenset({"implausible_value", "systolic_below_diastolic"})
MIN_PER_CLASS = 3

PLACEHOLDER_DATE = "1900-01-01"
UNPARSEABLE_DATES = ("2023-13-45", "2023-02-30", "31/12/2023", "20230115", "2023-00-10")
NON_NUMERIC_VALUES = ("abc", "n/a", "see text", "1..2", "<>")
BLANKS: tuple[str | None, ...] = (None, "", " ")
UNKNOWN_PRACTICE_PREFIX = "Z9"  # no generated practice code starts with Z


def per_class(n_rows: int, n_classes: int, share: float, n_patients: int = 1000) -> int:
    """Rows per dirty class: `share` of the table spread over its classes; at least a few once
    the extract has 1,000 patients (one in smaller extracts, so they are not mostly dirt)."""
    if share <= 0 or n_rows == 0:
        return 0
    minimum = MIN_PER_CLASS if n_patients >= 1000 else 1
    return max(minimum, int(np.ceil(share * n_rows / n_classes)))


@dataclass(frozen=True)
class DirtySource:
    """The clean extract the dirty rows are made from."""

    cal: Calendar
    codes: ClusterCodes
    pop: Population
    n_practices: int
    events: EventColumns
    event_practice: np.ndarray
    meds: MedicationColumns
    med_practice: np.ndarray
    look: Lookups
    sex_text: pa.Array
    seed: int


def _ids(start: int, count: int, width: int = EVENT_ID_WIDTH) -> list[str | None]:
    return [f"{i:0{width}d}" for i in range(start, start + count)]


def _future(date_text: str, j: int) -> str:
    """A date far beyond the extract date: a catch-all or a mistyped century."""
    if j % 2 == 0:
        return "2099-12-31"
    year, month, day = date_text.split("-")
    day = "28" if (month, day) == ("02", "29") else day
    return f"{int(year) + 200:04d}-{month}-{day}"


class _EventDirt:
    """Builds the dirty event rows class by class."""

    def __init__(self, src: DirtySource, k: int, fake_ids: list[str]) -> None:
        self.src = src
        self.k = k
        self.fake_ids = fake_ids
        self.rng = child_rng(src.seed, "dirty:events")
        self.out = DirtyRows()
        self.n = len(src.events)
        self.next_id = self.n + 1

    def new_ids(self, count: int) -> list[str | None]:
        ids = _ids(self.next_id, count)
        self.next_id += count
        return ids

    def positions(self, count: int) -> np.ndarray:
        return self.rng.integers(0, self.n + 1, size=count)

    def templates(self, rows: np.ndarray) -> dict[str, list[str | None]]:
        src = self.src
        return event_batch(src.events, rows, src.event_practice, src.look).to_pydict()

    def synthesize(
        self, patient: np.ndarray, day: np.ndarray, code: np.ndarray, value: np.ndarray, unit: np.ndarray
    ) -> dict[str, list[str | None]]:
        cols = EventColumns(
            patient.astype(np.int32), day.astype(np.int32), code.astype(np.int32),
            value.astype(np.float64), unit.astype(np.int8),
        )  # fmt: skip
        practice = self.src.pop.practice_on(cols.patient, cols.day)
        rendered = event_batch(cols, np.arange(len(patient)), practice, self.src.look).to_pydict()
        rendered["event_id"] = self.new_ids(len(patient))
        return rendered

    def copies(self, cls: str, rows: np.ndarray) -> None:
        """Template copies with one defect each."""
        k = len(rows)
        t = self.templates(rows)
        if cls != "duplicate_event":
            t["event_id"] = self.new_ids(k)
        for j in range(k):
            code = t["snomed_code"][j] or ""
            if cls == "code_whitespace":
                t["snomed_code"][j] = (f" {code}", f"{code} ", f"{code[:3]} {code[3:]}", f" {code} ")[j % 4]
            elif cls == "code_non_numeric":
                t["snomed_code"][j] = (code[:-1] + "X", code[:2] + "O" + code[3:], code + ".0")[j % 3]
            elif cls == "placeholder_date":
                t["event_date"][j] = PLACEHOLDER_DATE
            elif cls == "future_date":
                t["event_date"][j] = _future(t["event_date"][j] or "2024-01-01", j)
            elif cls == "blank_identifier":
                column = ("patient_id", "event_id", "practice_code")[j % 3]
                t[column][j] = BLANKS[(j // 3) % len(BLANKS)]
            elif cls == "unknown_patient":
                t["patient_id"][j] = self.fake_ids[j]
            elif cls == "unparseable_date":
                t["event_date"][j] = UNPARSEABLE_DATES[j % len(UNPARSEABLE_DATES)]
            elif cls == "non_numeric_value":
                t["value"][j] = NON_NUMERIC_VALUES[j % len(NON_NUMERIC_VALUES)]
        if cls == "event_before_birth":
            src = self.src
            dob = src.pop.dob_written[src.events.patient[rows]].astype(np.int64)
            floor = to_day(date(1900, 1, 2))
            day = np.maximum(dob - self.rng.integers(1, 3651, size=k), floor)
            t["event_date"] = [str(d) for d in np.array(day, dtype="datetime64[D]")]
        self.out.add(cls, t, self.positions(k))

    def after_death(self) -> None:
        src, rng = self.src, self.rng
        dead = np.flatnonzero(src.pop.death != NEVER)
        if len(dead) == 0 or self.n == 0:
            return
        pts = rng.choice(dead, size=self.k, replace=len(dead) < self.k)
        death = src.pop.death[pts].astype(np.int64)
        room = np.clip(src.cal.ach_day - death, 1, 365)
        day = death + 1 + np.floor(rng.random(self.k) * room).astype(np.int64)
        tmpl = rng.choice(self.n, size=self.k)
        ev = src.events
        rows = self.synthesize(pts, day, ev.code[tmpl], ev.value[tmpl], ev.unit[tmpl])
        self.out.add("event_after_death", rows, self.positions(self.k))

    def adults_in_window(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        src, rng = self.src, self.rng
        pool = np.flatnonzero(src.pop.gms_at_ach & (src.pop.age_at_ach >= 18))
        if len(pool) == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        pts = rng.choice(pool, size=count, replace=len(pool) < count)
        low = np.full(count, src.cal.window_excl + 1)
        day = uniform_days(rng, low, np.full(count, src.cal.ach_day))
        return pts.astype(np.int64), day.astype(np.int64)

    def implausible(self) -> set[int]:
        """HbA1c 0 or 999, systolic 9999, BMI 400 (those whose clusters exist)."""
        codes = self.src.codes
        kinds: list[tuple[str, tuple[float, ...], int]] = []
        if codes.has("IFCCHBAM_COD"):
            kinds.append(("IFCCHBAM_COD", (0.0, 999.0), UNIT_MMOL_MOL))
        if codes.has("SYSBP_COD"):
            kinds.append(("SYSBP_COD", (9999.0,), UNIT_MMHG))
        bmi = codes.first_present(("BMIVAL_COD", "BMI_COD"))
        if bmi:
            kinds.append((bmi, (400.0,), UNIT_KG_M2))
        pts, day = self.adults_in_window(self.k if kinds else 0)
        if not kinds or len(pts) == 0:
            return set()
        kind = np.arange(self.k) % len(kinds)
        code = np.array([codes.indexes(kinds[i][0])[0] for i in kind])
        value = np.array([kinds[i][1][(j // len(kinds)) % len(kinds[i][1])] for j, i in enumerate(kind)])
        unit = np.array([kinds[i][2] for i in kind])
        rows = self.synthesize(pts, day, code, value, unit)
        self.out.add("implausible_value", rows, self.positions(self.k))
        return set((pts << 20 | day).tolist())

    def systolic_below_diastolic(self, taken: set[int]) -> None:
        src, codes, rng = self.src, self.src.codes, self.rng
        if not codes.has("SYSBP_COD", "DIABP_COD"):
            return
        pairs = max(2, int(np.ceil(self.k / 2)))
        bp = np.concatenate(
            [codes.indexes(c) for c in ("SYSBP_COD", "DIABP_COD", "HOMESYSBP_COD", "HOMEDIABP_COD")]
        )
        ev = src.events
        mask = np.isin(ev.code, bp)
        existing = np.unique(ev.patient[mask].astype(np.int64) << 20 | ev.day[mask])
        if taken:
            existing = np.union1d(existing, np.fromiter(taken, dtype=np.int64))
        pts, day = self.adults_in_window(pairs)
        if len(pts) == 0:
            return
        for _ in range(8):
            clash = np.isin(pts << 20 | day, existing)
            if not clash.any():
                break
            fresh_pts, fresh_day = self.adults_in_window(int(clash.sum()))
            pts[clash], day[clash] = fresh_pts, fresh_day
        keys = pts << 20 | day
        _, first = np.unique(keys, return_index=True)
        keep = np.zeros(len(keys), dtype=bool)
        keep[first] = True
        keep &= ~np.isin(keys, existing)
        pts, day = pts[keep], day[keep]
        m = len(pts)
        sys = rng.integers(60, 86, size=m).astype(np.float64)
        dia = sys + rng.integers(5, 31, size=m)
        code = np.concatenate(
            [np.full(m, codes.indexes("SYSBP_COD")[0]), np.full(m, codes.indexes("DIABP_COD")[0])]
        )
        rows = self.synthesize(
            np.concatenate([pts, pts]), np.concatenate([day, day]), code,
            np.concatenate([sys, dia]), np.full(2 * m, UNIT_MMHG),
        )  # fmt: skip
        # Keep each pair together: the diastolic row sits right after its systolic row.
        order = np.ravel(np.column_stack([np.arange(m), np.arange(m) + m]))
        paired = {c: [v[i] for i in order] for c, v in rows.items()}
        self.out.add("systolic_below_diastolic", paired, np.repeat(self.positions(m), 2))

    def build(self) -> DirtyRows:
        if self.k == 0 or self.n == 0:
            return self.out
        rng, ev = self.rng, self.src.events
        valued = np.flatnonzero(~np.isnan(ev.value))
        taken: set[int] = set()
        for cls in EVENT_CLASSES:
            if cls == "event_after_death":
                self.after_death()
            elif cls == "implausible_value":
                taken = self.implausible()
            elif cls == "systolic_below_diastolic":
                self.systolic_below_diastolic(taken)
            else:
                pool = valued if cls == "non_numeric_value" and len(valued) else np.arange(self.n)
                rows = rng.choice(pool, size=self.k, replace=len(pool) < self.k)
                self.copies(cls, rows)
        return self.out


def _dirty_registrations(src: DirtySource, share: float) -> DirtyRows:
    pop, cal = src.pop, src.cal
    regs = pop.registrations
    out = DirtyRows()
    k = per_class(len(regs), len(REGISTRATION_CLASSES), share, pop.n)
    if k == 0:
        return out
    rng = child_rng(src.seed, "dirty:registrations")
    n = len(regs)

    def positions(count: int) -> np.ndarray:
        return rng.integers(0, n + 1, size=count)

    def render(
        patient: np.ndarray, practice: np.ndarray, kind: np.ndarray, start: np.ndarray, end: np.ndarray
    ) -> dict[str, list[str | None]]:
        rows = np.arange(len(patient))
        return registration_batch(src.look, patient, practice, kind, start, end, rows).to_pydict()

    rows = rng.choice(n, size=k, replace=n < k)
    t = registration_batch(
        src.look, regs.patient, regs.practice, regs.kind, regs.start, regs.end, rows
    ).to_pydict()
    for j in range(k):
        t[("patient_id", "practice_code")[j % 2]][j] = BLANKS[(j // 2) % len(BLANKS)]
    out.add("blank_identifier", t, positions(k))

    pool = np.flatnonzero(pop.gms_at_ach)
    if len(pool):
        pts = rng.choice(pool, size=k, replace=len(pool) < k)
        low = np.maximum(cal.history_start, pop.dob[pts])
        start = uniform_days(rng, low, np.maximum(low, cal.ach_day - 30))
        end = np.minimum(start + rng.integers(14, 366, size=k), cal.ach_day - 1)
        end = np.maximum(end, start)
        kind = np.where(np.arange(k) % 2 == 0, 0, 1).astype(np.int8)
        t = render(pts, np.zeros(k, dtype=np.int32), kind, start, end)
        t["practice_code"] = [f"{UNKNOWN_PRACTICE_PREFIX}{j % 10000:04d}" for j in range(1, k + 1)]
        out.add("unknown_practice", t, positions(k))

    settled = np.flatnonzero(pop.gms_at_ach & (pop.final_start <= cal.ach_day - 60))
    if len(settled):
        pts = rng.choice(settled, size=k, replace=len(settled) < k)
        _, first = np.unique(pts, return_index=True)
        pts = pts[np.sort(first)]  # one overlapping episode per patient
        m = len(pts)
        start = uniform_days(rng, pop.final_start[pts] + 1, np.full(m, cal.ach_day - 30))
        shift = 1 + rng.integers(0, max(src.n_practices - 1, 1), size=m)
        practice = ((pop.practice[pts] + shift) % src.n_practices).astype(np.int32)
        end = np.where(np.arange(m) % 2 == 0, NEVER, start + rng.integers(7, 121, size=m))
        t = render(pts, practice, np.zeros(m, dtype=np.int8), start, end.astype(np.int32))
        out.add("overlapping_registration", t, positions(m))
    return out


def _dirty_patients(src: DirtySource, share: float, fake_ids: list[str]) -> DirtyRows:
    pop, cal = src.pop, src.cal
    out = DirtyRows()
    k = per_class(pop.n, len(PATIENT_CLASSES), share, pop.n)
    if k == 0:
        return out
    rng = child_rng(src.seed, "dirty:patients")
    rows = rng.choice(pop.n, size=k, replace=pop.n < k)
    t = patient_batch(src.look, pop.dob_written, src.sex_text, pop.death, rows).to_pydict()
    out.add("duplicate_patient", t, rng.integers(0, pop.n + 1, size=k))
    dob = cal.ach_day - rng.integers(18 * 365, 80 * 365, size=k)
    t = {
        "patient_id": list(fake_ids[:k]),
        "date_of_birth": [str(d) for d in dob.astype("datetime64[D]")],
        "sex": [("M", "F")[j % 2] for j in range(k)],
        "date_of_death": [None] * k,
    }
    out.add("patient_without_registration", t, rng.integers(0, pop.n + 1, size=k))
    return out


def _dirty_medications(src: DirtySource, share: float, fake_ids: list[str]) -> DirtyRows:
    meds = src.meds
    out = DirtyRows()
    n = len(meds)
    k = per_class(n, len(MEDICATION_CLASSES), share, src.pop.n)
    if k == 0:
        return out
    rng = child_rng(src.seed, "dirty:medications")
    next_id = MEDICATION_ID_BASE + n + 1
    for cls in MEDICATION_CLASSES:
        rows = rng.choice(n, size=k, replace=n < k)
        t = medication_batch(
            src.look, meds.patient, src.med_practice, meds.day, meds.code, meds.quantity, rows
        ).to_pydict()
        if cls != "duplicate_event":
            t["event_id"] = _ids(next_id, k)
            next_id += k
        for j in range(k):
            if cls == "blank_identifier":
                t[("patient_id", "event_id", "practice_code")[j % 3]][j] = BLANKS[(j // 3) % 3]
            elif cls == "unknown_patient":
                t["patient_id"][j] = fake_ids[j]
        out.add(cls, t, rng.integers(0, n + 1, size=k))
    return out


def inject_dirty(src: DirtySource, share: float) -> dict[str, DirtyRows]:
    """Dirty rows for every table (empty when share is 0)."""
    n_events = len(src.events)
    n = src.pop.n
    k_events = per_class(n_events, len(EVENT_CLASSES), share, n)
    k_patients = per_class(n, len(PATIENT_CLASSES), share, n)
    k_meds = per_class(len(src.meds), len(MEDICATION_CLASSES), share, n)
    rng = child_rng(src.seed, "dirty:ids")
    fake = unique_id_numbers(rng, k_events + k_patients + k_meds, exclude=src.pop.id_number)
    fake_text = [f"{int(x):0{PATIENT_ID_WIDTH}d}" for x in fake]
    return {
        "events": _EventDirt(src, k_events, fake_text[:k_events]).build(),
        "registrations": _dirty_registrations(src, share),
        "patients": _dirty_patients(src, share, fake_text[k_events : k_events + k_patients]),
        "medications": _dirty_medications(src, share, fake_text[k_events + k_patients :]),
    }


def split_by_default_policy(
    rows_by_table: dict[str, dict[str, int]],
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Dirty row counts per table and class, split into the rows the warehouse quarantines by
    default and the rows it stages and alerts (VALUE_PLAUSIBILITY_CLASSES); tables without
    rows on a side are left out of it."""
    quarantined: dict[str, dict[str, int]] = {}
    alerted: dict[str, dict[str, int]] = {}
    for table, classes in rows_by_table.items():
        for cls, rows in classes.items():
            side = alerted if cls in VALUE_PLAUSIBILITY_CLASSES else quarantined
            side.setdefault(table, {})[cls] = rows
    return quarantined, alerted
