"""Building blocks of every coded care history: the context a history builder works in,
reading schedules, and the exception (PCA) codes and invitations written around a care process.

Both the core histories (`monitoring`) and the clinical-area plugins (`care/`) build on these;
this module imports neither, so the plugins never import the module that runs them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qof_warehouse.synthetic.common import (
    Calendar,
    ClusterCodes,
    EdgeCounter,
    EventBuffer,
    child_rng,
    uniform_days,
)
from qof_warehouse.synthetic.population import Population, Practices

BOUNDARY_SHARE = 0.004  # latest readings placed exactly on PPED or on PPED - 12 months


@dataclass(frozen=True)
class Context:
    """What every history builder needs."""

    cal: Calendar
    codes: ClusterCodes
    pop: Population
    practices: Practices
    buf: EventBuffer
    seed: int
    edges: EdgeCounter

    def rng(self, name: str) -> np.random.Generator:
        return child_rng(self.seed, name)

    def window_low(self, idx: np.ndarray) -> np.ndarray:
        """Per patient, the excluded day before its 12-month window: PPED - 12 months for
        patients still registered, else 365 days before their last day."""
        end = self.pop.ref_end[idx]
        return np.where(end == self.cal.ach_day, self.cal.window_excl, end - 365).astype(np.int32)


@dataclass
class Readings:
    """A reading schedule: row `owner` (index into the scheduled patients) on `day`."""

    owner: np.ndarray
    day: np.ndarray
    latest: np.ndarray  # the patient's latest reading


def schedule_readings(
    rng: np.random.Generator,
    start: np.ndarray,
    end: np.ndarray,
    window_low: np.ndarray,
    recent: np.ndarray,
    gap: tuple[int, int],
    boundary: tuple[np.ndarray, EdgeCounter, str] | None = None,
) -> Readings:
    """Readings between start and end; the latest inside (window_low, end] where `recent`,
    else in the year before the window. Gaps vary around a per-patient mean in `gap`.

    `boundary` = (eligible mask, counter, name): a small share of eligible patients get their
    latest reading exactly on `end` (inside) or exactly on `window_low` (just outside).
    """
    m = len(start)
    lo_recent = np.maximum(start, window_low + 1)
    lo_stale = np.maximum(start, window_low - 365)
    latest = np.where(
        recent,
        uniform_days(rng, lo_recent, np.maximum(lo_recent, end)),
        uniform_days(rng, lo_stale, np.maximum(lo_stale, window_low)),
    )
    ok = np.where(recent, lo_recent <= end, lo_stale <= window_low) & (start <= end)
    if boundary is not None:
        eligible, edges, name = boundary
        pick = eligible & ok & (rng.random(m) < BOUNDARY_SHARE)
        on_end = pick & recent
        on_low = pick & ~recent
        latest = np.where(on_end, end, np.where(on_low, window_low, latest))
        edges.add(f"{name}_latest_on_achievement_date", int(on_end.sum()))
        edges.add(f"{name}_latest_on_excluded_day_12_months_before", int(on_low.sum()))
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        empty = np.empty(0, dtype=np.int32)
        return Readings(empty, empty.copy(), np.empty(0, dtype=bool))
    latest = latest[rows].astype(np.int64)
    first = start[rows].astype(np.int64)
    mean_gap = rng.integers(gap[0], gap[1] + 1, size=len(rows)).astype(np.float64)
    slots = int(min(400, np.max((latest - first) // int(0.8 * gap[0])) + 1))
    steps = np.round(mean_gap[:, None] * rng.uniform(0.8, 1.2, (len(rows), max(slots - 1, 0))))
    back = np.concatenate([np.zeros((len(rows), 1)), np.cumsum(steps, axis=1)], axis=1)
    days = latest[:, None] - back.astype(np.int64)
    mask = days >= first[:, None]
    r, col = np.nonzero(mask)
    return Readings(rows[r].astype(np.int32), days[r, col].astype(np.int32), col == 0)


def latest_per_owner(readings: Readings, m: int) -> np.ndarray:
    """Day of each owner's latest reading (-1 when none)."""
    out = np.full(m, -1, dtype=np.int32)
    out[readings.owner[readings.latest]] = readings.day[readings.latest]
    return out


@dataclass
class CareOutcome:
    """Per scheduled patient: latest reading in the 12 months (-1: none) and whether on target."""

    idx: np.ndarray
    latest_recent_day: np.ndarray
    achieved: np.ndarray


# --------------------------------------------------------------------------------------------
# Exception codes and invitations
# --------------------------------------------------------------------------------------------


def add_exception_codes(
    ctx: Context,
    name: str,
    care: CareOutcome,
    start: np.ndarray,
    rates: tuple[tuple[str, float], ...],
) -> None:
    """PCA-type codes (maximal therapy, unsuitable, declined, ...), mostly for non-achievers,
    mostly in the 12-month window; a fifth sit in the year before it (and do not count)."""
    pop, codes = ctx.pop, ctx.codes
    rng = ctx.rng(f"exceptions:{name}")
    idx = care.idx
    end = pop.ref_end[idx]
    wl = ctx.window_low(idx)
    propensity = ctx.practices.pca_propensity[pop.practice[idx]]
    lean = np.where(care.achieved, 0.45, 2.2)
    for cluster, rate in rates:
        if not codes.has(cluster):
            continue
        chosen = rng.random(len(idx)) < np.clip(rate * propensity * lean, 0, 0.9)
        in_window = rng.random(len(idx)) < 0.8
        lo = np.where(in_window, np.maximum(start, wl + 1), np.maximum(start, wl - 365))
        hi = np.where(in_window, end, np.minimum(end, wl))
        ok = chosen & (lo <= hi)
        day = uniform_days(rng, lo[ok], hi[ok])
        ctx.buf.add(idx[ok], day, codes.pick_cluster(rng, cluster, int(ok.sum())))
        ctx.edges.add(f"{cluster}_in_window", int((ok & in_window).sum()))


def add_invitations(ctx: Context, name: str, cluster: str, care: CareOutcome, start: np.ndarray) -> None:
    """Care-review invitations: two or three letters 5-30 days apart for many non-attenders or
    patients above target (after their latest reading), a single one before most reviews."""
    pop, codes = ctx.pop, ctx.codes
    if not codes.has(cluster):
        return
    rng = ctx.rng(f"invitations:{name}")
    idx = care.idx
    m = len(idx)
    end = pop.ref_end[idx].astype(np.int64)
    wl = ctx.window_low(idx).astype(np.int64)
    propensity = ctx.practices.pca_propensity[pop.practice[idx]]
    has_reading = care.latest_recent_day >= 0
    invited = ~care.achieved & (rng.random(m) < np.clip(0.45 * propensity, 0, 0.95))

    count = rng.choice([1, 2, 3], size=m, p=[0.15, 0.55, 0.3])
    gaps = rng.integers(5, 31, size=(m, 2))
    forced = rng.random(m)
    gaps[:, 0] = np.where(forced < 0.1, 7, np.where(forced < 0.18, 6, gaps[:, 0]))
    span = np.where(count >= 2, gaps[:, 0], 0) + np.where(count >= 3, gaps[:, 1], 0)
    lo = np.maximum.reduce(
        [wl + 1, start.astype(np.int64), np.where(has_reading, care.latest_recent_day + 1, 0)]
    )
    fits = lo <= end - span
    count = np.where(fits, count, 1)
    span = np.where(fits, span, 0)
    invited &= lo <= end
    first = lo + np.floor(rng.random(m) * (end - span - lo + 1)).astype(np.int64)
    # Most sets fall in the year before PPED; some belong to the year before that.
    previous_year = rng.random(m) < 0.15
    first = np.where(previous_year, first - 365, first)
    invited &= first >= np.maximum(start, pop.dob[idx])

    days = [first, first + gaps[:, 0], first + gaps[:, 0] + gaps[:, 1]]
    for k in range(3):
        rows = invited & (count > k)
        ctx.buf.add(idx[rows], days[k][rows], codes.pick_cluster(rng, cluster, int(rows.sum())))
    counted = invited & ~previous_year & (end == ctx.cal.ach_day)
    ctx.edges.add(f"{cluster}_sets_in_window", int(counted.sum()))
    ctx.edges.add(f"{cluster}_pairs_6_days_apart", int((counted & (count == 2) & (gaps[:, 0] == 6)).sum()))
    ctx.edges.add(f"{cluster}_pairs_7_days_apart", int((counted & (count >= 2) & (gaps[:, 0] == 7)).sum()))

    # A routine single invitation one to four weeks before most in-year readings.
    routine = has_reading & (rng.random(m) < 0.35)
    day = care.latest_recent_day - rng.integers(7, 29, size=m)
    routine &= day >= np.maximum(start, pop.dob[idx])
    ctx.buf.add(idx[routine], day[routine], codes.pick_cluster(rng, cluster, int(routine.sum())))
