"""Shared pieces of the synthetic extract generator.

Day arithmetic (dates are int32 day numbers since 1970-01-01 on the hot path), the project's
cluster seed (every code the generator writes comes from it, looked up by cluster name),
seeded random streams, and the buffer that collects coded events as numpy columns.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from qof_warehouse.codelists import cluster_rows

EPOCH = date(1970, 1, 1)
DAYS_PER_YEAR = 365.25
NEVER = np.int32(np.iinfo(np.int32).max)  # "no such day" (alive, still registered, no move)
BEFORE_ALL = np.int32(np.iinfo(np.int32).min)

# Unit strings as recorded; index 0 is "no unit" (written as null).
UNITS: tuple[str | None, ...] = (None, "mmol/mol", "mmHg", "umol/L", "kg/m2")
UNIT_MMOL_MOL = 1
UNIT_MMHG = 2
UNIT_UMOL_L = 3
UNIT_KG_M2 = 4

SEX_CODES: tuple[str, ...] = ("M", "F", "I", "U")
REGISTRATION_TYPES: tuple[str, ...] = ("GMS", "TEMP", "PRIVATE", "OTHER")


def to_day(value: date) -> int:
    """Day number of a date (days since 1970-01-01)."""
    return (value - EPOCH).days


def from_day(day: int) -> date:
    """Date of a day number."""
    return EPOCH + timedelta(days=int(day))


def shift_years(value: date, years: int) -> date:
    """The same calendar day `years` later (29 February falls back to the 28th)."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def child_rng(seed: int, name: str) -> np.random.Generator:
    """An independent, reproducible random stream for one named part of the generator.

    Streams are keyed by name, so adding a condition or a dirty class never changes the
    numbers drawn by the others.
    """
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def full_years(birth_days: np.ndarray, at: date) -> np.ndarray:
    """Age in completed years on `at` for each birth day number (calendar arithmetic)."""
    births = birth_days.astype("datetime64[D]")
    months = births.astype("datetime64[M]")
    year = births.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (births - months.astype("datetime64[D]")).astype(np.int64) + 1
    before_birthday = (month > at.month) | ((month == at.month) & (day > at.day))
    return (at.year - year - before_birthday).astype(np.int16)


def first_of_month(days: np.ndarray) -> np.ndarray:
    """Day number of the first of the month of each day number."""
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int32)


def uniform_days(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A uniform day in [low, high] (inclusive) for each pair; high >= low is assumed."""
    span = (high.astype(np.int64) - low.astype(np.int64) + 1).clip(min=1)
    return (low + np.floor(rng.random(len(span)) * span)).astype(np.int32)


def interpolate_curve(knots: Sequence[tuple[float, float]], x: np.ndarray) -> np.ndarray:
    """Piecewise-linear curve through (x, y) knots, flat beyond the ends."""
    xs = np.array([k[0] for k in knots], dtype=np.float64)
    ys = np.array([k[1] for k in knots], dtype=np.float64)
    return np.interp(x, xs, ys)


def zipf_weights(n: int) -> np.ndarray:
    """Code-choice weights: the first code of a cluster in the seed is the most used."""
    weights = 1.0 / np.arange(1, n + 1, dtype=np.float64)
    return weights / weights.sum()


@dataclass(frozen=True)
class ClusterCodes:
    """The cluster seed: distinct codes, their code systems and each cluster's members."""

    codes: tuple[str, ...]
    systems: tuple[str, ...]
    members: dict[str, np.ndarray] = field(hash=False)

    @classmethod
    def load(cls, path: Path) -> ClusterCodes:
        """Read the clusters the warehouse reads (`qof_warehouse.codelists.cluster_rows`): for a
        directory, its published lists then its curated `*.csv` files; or one curated
        `cluster_code,code,code_system,...` CSV. Codes stay strings."""
        index: dict[str, int] = {}
        systems: list[str] = []
        members: dict[str, list[int]] = {}

        def add(cluster: str, code: str, system: str) -> None:
            if not cluster or not code:
                return
            if code not in index:
                index[code] = len(systems)
                systems.append(system)
            bucket = members.setdefault(cluster, [])
            if index[code] not in bucket:
                bucket.append(index[code])

        for cluster, code, system in cluster_rows(path):
            add(cluster, code, system)
        return cls(
            codes=tuple(index),
            systems=tuple(systems),
            members={k: np.array(v, dtype=np.int32) for k, v in members.items()},
        )

    def has(self, *clusters: str) -> bool:
        """True when every named cluster has at least one code in the seed."""
        return all(len(self.members.get(c, ())) > 0 for c in clusters)

    def first_present(self, names: Sequence[str]) -> str | None:
        """The first of several alternative cluster names that the seed holds."""
        return next((n for n in names if self.has(n)), None)

    def indexes_without(self, cluster: str, *others: str) -> np.ndarray:
        """Code indexes of `cluster` that are in none of `others` (seed order)."""
        idx = self.indexes(cluster)
        drop = [self.indexes(o) for o in others]
        return idx[~np.isin(idx, np.concatenate(drop))] if drop else idx

    def indexes(self, cluster: str) -> np.ndarray:
        """Code indexes of a cluster in seed order (empty when absent)."""
        return self.members.get(cluster, np.empty(0, dtype=np.int32))

    def system_of(self, cluster: str) -> str | None:
        """The code system of a cluster's codes (`snomed`, `dmd`), None when absent."""
        idx = self.indexes(cluster)
        return self.systems[int(idx[0])] if len(idx) else None

    def pick(self, rng: np.random.Generator, candidates: np.ndarray, n: int) -> np.ndarray:
        """`n` code indexes drawn from `candidates`, earlier codes more often."""
        if n == 0 or len(candidates) == 0:
            return np.empty(n if len(candidates) else 0, dtype=np.int32)
        choice = rng.choice(len(candidates), size=n, p=zipf_weights(len(candidates)))
        return candidates[choice].astype(np.int32)

    def pick_cluster(self, rng: np.random.Generator, cluster: str, n: int) -> np.ndarray:
        """`n` code indexes drawn from one cluster."""
        return self.pick(rng, self.indexes(cluster), n)


@dataclass
class EventColumns:
    """Coded events as parallel numpy columns (one row per event)."""

    patient: np.ndarray  # int32 patient index
    day: np.ndarray  # int32 day number
    code: np.ndarray  # int32 code index into ClusterCodes.codes
    value: np.ndarray  # float64, NaN when no value
    unit: np.ndarray  # int8 index into UNITS

    def __len__(self) -> int:
        return len(self.patient)

    def take(self, order: np.ndarray) -> EventColumns:
        """Rows in the given order (or a boolean mask)."""
        return EventColumns(
            self.patient[order],
            self.day[order],
            self.code[order],
            self.value[order],
            self.unit[order],
        )


class EventBuffer:
    """Collects event columns from every part of the generator, then concatenates them."""

    def __init__(self) -> None:
        self._parts: list[EventColumns] = []

    def add(
        self,
        patient: np.ndarray,
        day: np.ndarray,
        code: np.ndarray | int,
        value: np.ndarray | None = None,
        unit: int = 0,
    ) -> None:
        """Append events; `code` may be one index for all rows, `value` None for no value."""
        n = len(patient)
        if n == 0:
            return
        codes = np.broadcast_to(np.asarray(code, dtype=np.int32), (n,)).copy()
        values = (
            np.full(n, np.nan, dtype=np.float64) if value is None else np.asarray(value, dtype=np.float64)
        )
        units = np.full(n, unit, dtype=np.int8)
        self._parts.append(
            EventColumns(
                np.asarray(patient, dtype=np.int32),
                np.asarray(day, dtype=np.int32),
                codes,
                values,
                units,
            )
        )

    def clear(self) -> None:
        """Forget the parts (after `build`), freeing their memory."""
        self._parts = []

    def build(self) -> EventColumns:
        """All events added so far, in the order they were added."""
        if not self._parts:
            empty_i = np.empty(0, dtype=np.int32)
            return EventColumns(empty_i, empty_i.copy(), empty_i.copy(), np.empty(0), np.empty(0, np.int8))
        return EventColumns(
            np.concatenate([p.patient for p in self._parts]),
            np.concatenate([p.day for p in self._parts]),
            np.concatenate([p.code for p in self._parts]),
            np.concatenate([p.value for p in self._parts]),
            np.concatenate([p.unit for p in self._parts]),
        )


@dataclass
class EdgeCounter:
    """Counts of deliberate clean edge cases, reported in the manifest."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + int(count)


EXTRACT_LAG_DAYS = 14  # the extract is taken two weeks after the achievement date


@dataclass(frozen=True)
class Calendar:
    """The reference days of one extract, as day numbers."""

    achievement: date
    history_years: int

    @property
    def ach_day(self) -> int:
        """The achievement date (PPED)."""
        return to_day(self.achievement)

    @property
    def history_start(self) -> int:
        """First day of the monitored history (the day after `history_years` before PPED)."""
        return to_day(shift_years(self.achievement, -self.history_years)) + 1

    @property
    def window_excl(self) -> int:
        """PPED minus 12 months: the excluded day just before the 12-month window."""
        return to_day(shift_years(self.achievement, -1))

    @property
    def extract_day(self) -> int:
        """The day the extract was taken."""
        return self.ach_day + EXTRACT_LAG_DAYS

    def months_before(self, months: int) -> int:
        """PPED minus a whole number of months (day clipped to the month's length)."""
        year = self.achievement.year + (self.achievement.month - 1 - months) // 12
        month = (self.achievement.month - 1 - months) % 12 + 1
        day = self.achievement.day
        while True:
            try:
                return to_day(date(year, month, day))
            except ValueError:
                day -= 1
