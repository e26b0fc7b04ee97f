"""Cancer screening and cancer care histories of the synthetic extract.

Screening (cervical, bowel, breast): each eligible person is a regular attender (screened every
round, so covered), lapsed (screened in the past, overdue now) or never screened, with rates near
the national ones and varying by practice. Overdue people collect invitations, non-response
findings, declines and the cervical "no response to three invitations" PCA code; some women have
a total hysterectomy (cervix removed: excluded), a subtotal or unspecified one (the worklist asks
to check it), are pregnant or unsuitable. A few latest tests sit exactly on a look-back boundary.

Cancer care: the most recent cancer episode of each patient on the cancer register (the latest
CAN_COD code the conditions step wrote) is followed by a cancer care review after a realistic
delay (most within 93 days, some later, some never); unreviewed recent patients get care review
invitations. A few people have non-melanoma skin cancer codes (never on the register).

Every code comes from the cluster seed; a history whose clusters are absent is skipped.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from qof_warehouse.synthetic.common import DAYS_PER_YEAR, SEX_CODES, interpolate_curve, to_day, uniform_days

if TYPE_CHECKING:
    from qof_warehouse.synthetic.conditions import ConditionState
    from qof_warehouse.synthetic.histories import Context

FEMALE = SEX_CODES.index("F")
YEAR = int(round(DAYS_PER_YEAR))
MONTH = DAYS_PER_YEAR / 12
HISTORY_YEARS = 15  # no screening test is written more than this long before the achievement date
BOUNDARY_SHARE = 0.02  # latest tests exactly on the excluded day of a look-back window, or the day after
FIT_FROM = to_day(date(2019, 6, 1))  # FIT replaced FOBt in the bowel programme


def _years(value: float) -> int:
    return int(round(value * DAYS_PER_YEAR))


def _add(ctx: Context, rng: np.random.Generator, patients: np.ndarray, days: np.ndarray, cluster: str) -> int:
    """Write one code of `cluster` per (patient, day); returns the rows written."""
    if len(patients) == 0 or not ctx.codes.has(cluster):
        return 0
    ctx.buf.add(patients, days.astype(np.int32), ctx.codes.pick_cluster(rng, cluster, len(patients)))
    return len(patients)


def _practice_factor(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Practices that recall well also screen well (about +-10%)."""
    return np.clip(ctx.practices.recall[ctx.pop.practice[idx]] / 0.86, 0.8, 1.15)


def _schedule(
    rng: np.random.Generator,
    latest: np.ndarray,
    interval: np.ndarray,
    rounds: int,
    jitter: int,
    first_allowed: np.ndarray,
    last_allowed: np.ndarray,
    active: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Test days going back from `latest` one `interval` per round: (row, day) of every test
    on or after `first_allowed` and on or before `last_allowed`, for `active` rows."""
    m = len(latest)
    back = np.arange(rounds)[None, :] * interval[:, None].astype(np.int64)
    shake = rng.integers(-jitter, jitter + 1, size=(m, rounds))
    shake[:, 0] = 0
    days = latest[:, None].astype(np.int64) - back + shake
    ok = active[:, None] & (days >= first_allowed[:, None]) & (days <= last_allowed[:, None])
    rows, cols = np.nonzero(ok)
    return rows, days[rows, cols]


def _boundary(
    ctx: Context,
    rng: np.random.Generator,
    latest: np.ndarray,
    eligible: np.ndarray,
    months: int,
    name: str,
) -> np.ndarray:
    """Put a few latest tests exactly on PPED - `months` (outside the window) or the day after."""
    excluded_day = ctx.cal.months_before(months)
    pick = eligible & (rng.random(len(latest)) < BOUNDARY_SHARE)
    on_day = pick & (rng.random(len(latest)) < 0.5)
    after = pick & ~on_day
    ctx.edges.add(f"{name}_latest_test_{months}_months_before_achievement_date", int(on_day.sum()))
    ctx.edges.add(f"{name}_latest_test_day_after_{months}_months_before", int(after.sum()))
    return np.where(on_day, excluded_day, np.where(after, excluded_day + 1, latest))


def _invitations(
    rng: np.random.Generator, ref: np.ndarray, earliest: np.ndarray, wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Up to 4 invitations per row, 4-17 weeks apart, the first up to about two years before
    `ref`: (row, day) of each written invitation and the count written per row."""
    m = len(ref)
    first = ref - rng.integers(30, 700, size=m)
    gaps = rng.integers(28, 120, size=(m, 4))
    gaps[:, 0] = 0
    days = first[:, None] + np.cumsum(gaps, axis=1)
    ok = (np.arange(4)[None, :] < wanted[:, None]) & (days <= ref[:, None]) & (days >= earliest[:, None])
    rows, cols = np.nonzero(ok)
    return rows, days[rows, cols], ok.sum(axis=1)


def _latest_code_day(ctx: Context, cluster: str) -> np.ndarray:
    """Per patient, the latest day any code of `cluster` was written so far (-1: none)."""
    latest = np.full(ctx.pop.n, -1, dtype=np.int64)
    members = ctx.codes.indexes(cluster)
    for part in ctx.buf._parts:  # the events written by the steps before this one
        rows = np.isin(part.code, members)
        if rows.any():
            np.maximum.at(latest, part.patient[rows], part.day[rows].astype(np.int64))
    return latest


# --------------------------------------------------------------------------------------------
# Cervical screening
# --------------------------------------------------------------------------------------------


def _add_cervical(ctx: Context) -> None:
    pop, cal = ctx.pop, ctx.cal
    if not ctx.codes.has("SMEAR_COD"):
        return
    rng = ctx.rng("cancer_screening:cervical")
    idx = np.flatnonzero((pop.sex == FEMALE) & (pop.age_ref >= 24) & (pop.age_ref < 70)).astype(np.int32)
    m = len(idx)
    age = pop.age_ref[idx]
    ref = pop.ref_end[idx].astype(np.int64)
    dob = pop.dob[idx].astype(np.int64)
    first_test = dob + _years(24.5)
    alive = ref == cal.ach_day
    young = age < 50
    interval = np.where(young, 3 * YEAR, 5 * YEAR)
    lookback = np.where(young, cal.ach_day - cal.months_before(42), cal.ach_day - cal.months_before(66))

    p_regular = np.where(age < 30, 0.62, np.where(young, 0.71, 0.76)) * _practice_factor(ctx, idx)
    u = rng.random(m)
    regular = u < p_regular
    lapsed = ~regular & (u < p_regular + 0.6 * (1 - p_regular))
    latest = np.where(
        regular,
        ref - np.floor(rng.random(m) * interval * 1.05).astype(np.int64),
        ref - lookback - 1 - np.floor(rng.random(m) * 3 * YEAR).astype(np.int64),
    )
    just_started = regular & (latest < first_test) & (first_test <= ref)
    latest[just_started] = uniform_days(rng, first_test[just_started], ref[just_started])
    latest = np.where(
        young,
        _boundary(ctx, rng, latest, alive & regular & (age >= 29) & (age < 49), 42, "cervical"),
        _boundary(ctx, rng, latest, alive & regular & (age >= 51) & (age < 64), 66, "cervical"),
    )
    tested = (regular | lapsed) & (latest >= first_test)

    # Hysterectomy: total (cervix removed, NOCX) more often with age; tests stop after it.
    p_total = interpolate_curve(((30, 0.0), (40, 0.01), (45, 0.03), (50, 0.06), (60, 0.10), (70, 0.12)), age)
    total = rng.random(m) < p_total
    hyst_low = np.maximum(dob + _years(30), ref - 25 * YEAR)
    total &= hyst_low <= ref
    hyst_day = np.where(total, uniform_days(rng, np.minimum(hyst_low, ref), ref), ref + 1)
    _add(ctx, rng, idx[total], hyst_day[total], "NOCX_COD")
    ctx.edges.add("cervical_cervix_removed", int(total.sum()))

    rows, days = _schedule(
        rng, latest, interval, 5, 30, np.maximum(first_test, cal.ach_day - HISTORY_YEARS * YEAR),
        np.minimum(ref, hyst_day - 1), tested,
    )  # fmt: skip
    _add(ctx, rng, idx[rows], days, "SMEAR_COD")
    result = rng.random(len(rows)) < 0.5  # a second (result) code on the day for half the tests
    _add(ctx, rng, idx[rows[result]], days[result], "SMEAR_COD")
    before_test = (rng.random(len(rows)) < 0.35) & (days - 60 >= first_test[rows])
    _add(
        ctx,
        rng,
        idx[rows[before_test]],
        days[before_test] - rng.integers(14, 60, int(before_test.sum())),
        "CSINVITE_COD",
    )

    covered = tested & (latest > ref - lookback) & (latest < hyst_day)
    due = ~covered & ~total & (age >= 25)
    # Overdue women: invitations, non-response findings, inadequate samples, declines, PCAs.
    wanted = np.where(due, rng.choice([0, 1, 2, 3, 4], size=m, p=[0.18, 0.27, 0.25, 0.22, 0.08]), 0)
    inv_rows, inv_days, written = _invitations(rng, ref, first_test, wanted)
    _add(ctx, rng, idx[inv_rows], inv_days, "CSINVITE_COD")
    last_invite = np.full(m, -1, dtype=np.int64)
    np.maximum.at(last_invite, inv_rows, inv_days)
    ctx.edges.add("cervical_overdue_with_three_or_more_invitations", int((written >= 3).sum()))
    ctx.edges.add("cervical_overdue_with_two_invitations", int((written == 2).sum()))

    after_invite = last_invite + rng.integers(42, 120, size=m)
    nonresp = (written >= 1) & (rng.random(m) < 0.3) & (after_invite <= ref)
    _add(ctx, rng, idx[nonresp], after_invite[nonresp], "CSNONRESP_COD")
    pca_day = last_invite + rng.integers(14, 90, size=m)
    no_response_pca = (written >= 3) & (rng.random(m) < 0.55) & (pca_day <= ref)
    _add(ctx, rng, idx[no_response_pca], pca_day[no_response_pca], "CSPCAINVITE_COD")
    inadequate = due & lapsed & (rng.random(m) < 0.1)
    inadequate_day = uniform_days(rng, np.maximum(ref - lookback + 30, first_test), ref)
    inadequate &= inadequate_day <= ref
    _add(ctx, rng, idx[inadequate], inadequate_day[inadequate], "SMEARINADEQ_COD")

    year_low = np.maximum(ref - 364, first_test)
    for cluster, recent_rate, old_rate in (("CSDEC_COD", 0.05, 0.025), ("CSPU_COD", 0.012, 0.006)):
        v = rng.random(m)
        recent = due & (v < recent_rate) & (year_low <= ref)
        old = due & (v >= recent_rate) & (v < recent_rate + old_rate) & (ref - 366 >= first_test)
        _add(ctx, rng, idx[recent], uniform_days(rng, year_low[recent], ref[recent]), cluster)
        old_low = np.maximum(ref - 3 * YEAR, first_test)[old]
        _add(ctx, rng, idx[old], uniform_days(rng, old_low, ref[old] - 366), cluster)
        ctx.edges.add(f"{cluster}_in_window", int(recent.sum()))

    # Pregnancy (CS005 PCA) in women of child-bearing age; other hysterectomies (cervix kept or
    # not stated) for a few older women.
    pregnant = (age >= 25) & (age < 45) & (rng.random(m) < 0.08)
    preg_day = ref - rng.integers(0, 2 * YEAR, size=m)
    pregnant &= preg_day >= first_test
    _add(ctx, rng, idx[pregnant], preg_day[pregnant], "PREG_COD")
    other_hyst = (age >= 40) & ~total & (rng.random(m) < 0.015)
    other_low = np.maximum(dob + _years(35), ref - 20 * YEAR)
    other_hyst &= other_low <= ref
    _add(ctx, rng, idx[other_hyst], uniform_days(rng, other_low[other_hyst], ref[other_hyst]), "HYSTOTH_COD")


# --------------------------------------------------------------------------------------------
# Bowel and breast screening
# --------------------------------------------------------------------------------------------


def _add_bowel(ctx: Context) -> None:
    pop, cal, codes = ctx.pop, ctx.cal, ctx.codes
    if not codes.has("COLCANSCR_COD"):
        return
    rng = ctx.rng("cancer_screening:bowel")
    idx = np.flatnonzero((pop.age_ref >= 58) & (pop.age_ref < 77)).astype(np.int32)
    m = len(idx)
    age = pop.age_ref[idx]
    ref = pop.ref_end[idx].astype(np.int64)
    first_test = pop.dob[idx].astype(np.int64) + _years(60)
    window = cal.ach_day - cal.months_before(30)
    p_regular = 0.68 * _practice_factor(ctx, idx)
    u = rng.random(m)
    regular = u < p_regular
    lapsed = ~regular & (u < p_regular + 0.4 * (1 - p_regular))
    latest = np.where(
        regular,
        ref - np.floor(rng.random(m) * 25 * MONTH).astype(np.int64),
        ref - window - 1 - np.floor(rng.random(m) * 3 * YEAR).astype(np.int64),
    )
    just_started = regular & (latest < first_test) & (first_test <= ref)
    latest[just_started] = uniform_days(rng, first_test[just_started], ref[just_started])
    alive = ref == cal.ach_day
    latest = _boundary(ctx, rng, latest, alive & regular & (age >= 61) & (age < 74), 30, "bowel")
    tested = (regular | lapsed) & (latest >= first_test)
    rows, days = _schedule(
        rng, latest, np.full(m, 2 * YEAR), 7, 45,
        np.maximum(first_test, cal.ach_day - HISTORY_YEARS * YEAR), ref, tested,
    )  # fmt: skip
    # FIT from June 2019, FOBt before; about 3% abnormal (the curated cluster's first four codes).
    members = codes.indexes("COLCANSCR_COD")
    if len(members) >= 4:
        abnormal = (rng.random(len(rows)) < 0.03).astype(np.int64)
        which = np.where(days >= FIT_FROM, 0, 2) + abnormal
        ctx.buf.add(idx[rows], days.astype(np.int32), members[which])
    else:
        _add(ctx, rng, idx[rows], days, "COLCANSCR_COD")

    covered = tested & (latest > ref - window)
    due = ~covered & (age >= 60)
    spoilt = due & (rng.random(m) < 0.15)
    spoilt_low = np.maximum(ref - window + 1, first_test)
    spoilt &= spoilt_low <= ref
    _add(ctx, rng, idx[spoilt], uniform_days(rng, spoilt_low[spoilt], ref[spoilt]), "COLCANSCRNR_COD")
    declined = due & (rng.random(m) < 0.04)
    _add(
        ctx, rng, idx[declined], ref[declined] - rng.integers(0, 364, int(declined.sum())), "COLCANSCRDEC_COD"
    )


def _add_breast(ctx: Context) -> None:
    pop, cal = ctx.pop, ctx.cal
    if not ctx.codes.has("BRCANSCR_COD"):
        return
    rng = ctx.rng("cancer_screening:breast")
    idx = np.flatnonzero((pop.sex == FEMALE) & (pop.age_ref >= 50) & (pop.age_ref < 74)).astype(np.int32)
    m = len(idx)
    age = pop.age_ref[idx]
    ref = pop.ref_end[idx].astype(np.int64)
    first_test = pop.dob[idx].astype(np.int64) + _years(50) + rng.integers(0, 3 * YEAR, size=m)
    window = cal.ach_day - cal.months_before(36)
    p_regular = 0.72 * _practice_factor(ctx, idx)
    u = rng.random(m)
    regular = u < p_regular
    lapsed = ~regular & (u < p_regular + 0.5 * (1 - p_regular))
    latest = np.where(
        regular,
        ref - np.floor(rng.random(m) * 35 * MONTH).astype(np.int64),
        ref - window - 1 - np.floor(rng.random(m) * 3 * YEAR).astype(np.int64),
    )
    just_started = regular & (latest < first_test) & (first_test <= ref)
    latest[just_started] = uniform_days(rng, first_test[just_started], ref[just_started])
    alive = ref == cal.ach_day
    latest = _boundary(ctx, rng, latest, alive & regular & (age >= 54) & (age < 70), 36, "breast")
    tested = (regular | lapsed) & (latest >= first_test)
    rows, days = _schedule(
        rng, latest, np.full(m, 3 * YEAR), 5, 60,
        np.maximum(first_test, cal.ach_day - HISTORY_YEARS * YEAR), ref, tested,
    )  # fmt: skip
    _add(ctx, rng, idx[rows], days, "BRCANSCR_COD")
    due = ~(tested & (latest > ref - window)) & (age >= 53)
    v = rng.random(m)
    recent = due & (v < 0.04)
    old = due & (v >= 0.04) & (v < 0.06)
    _add(ctx, rng, idx[recent], ref[recent] - rng.integers(0, 364, int(recent.sum())), "BRCANSCRDEC_COD")
    _add(ctx, rng, idx[old], ref[old] - rng.integers(366, 3 * YEAR, int(old.sum())), "BRCANSCRDEC_COD")


# --------------------------------------------------------------------------------------------
# Cancer care
# --------------------------------------------------------------------------------------------


def _add_cancer_care(ctx: Context, can: ConditionState) -> None:
    pop, cal = ctx.pop, ctx.cal
    rng = ctx.rng("cancer_screening:cancer_care")
    latest_code = _latest_code_day(ctx, "CAN_COD")
    idx = np.flatnonzero(can.has & (latest_code >= 0)).astype(np.int32)
    m = len(idx)
    episode = latest_code[idx]
    ref = pop.ref_end[idx].astype(np.int64)

    # Cancer care review after the most recent episode: most within 93 days (which also counts
    # as the support discussion), some later in the first year, a few after it, some never.
    u = rng.random(m)
    delay = np.select(
        [u < 0.62, u < 0.80, u < 0.86],
        [rng.integers(7, 94, size=m), rng.integers(94, 366, size=m), rng.integers(366, 500, size=m)],
        default=-1,
    ).astype(np.int64)
    recent = episode > cal.months_before(15)
    edge = recent & (delay >= 0) & (rng.random(m) < 0.15)
    edge_delay = np.where(rng.random(m) < 0.5, 93, 94)
    delay = np.where(edge, edge_delay, delay)
    review_day = episode + delay
    reviewed = (delay >= 0) & (review_day <= ref)
    _add(ctx, rng, idx[reviewed], review_day[reviewed], "MDRV_COD")
    ctx.edges.add("cancer_review_93_days_after_diagnosis", int((edge & reviewed & (delay == 93)).sum()))
    ctx.edges.add("cancer_review_94_days_after_diagnosis", int((edge & reviewed & (delay == 94)).sum()))
    support = reviewed & (delay <= 93) & (rng.random(m) < 0.3)
    _add(ctx, rng, idx[support], review_day[support], "CANPCSUPP_COD")

    # Care review invitations for recent patients not (yet) reviewed: two or three letters
    # 5-30 days apart (a few exactly 6 or 7 days) in the 12 months up to their last day.
    window_low = ctx.window_low(idx).astype(np.int64)
    pending = (episode > cal.months_before(24)) & (~reviewed | (review_day > window_low))
    invited = pending & (rng.random(m) < 0.45)
    count = rng.choice([1, 2, 3], size=m, p=[0.2, 0.55, 0.25])
    gaps = rng.integers(5, 31, size=(m, 2))
    forced = rng.random(m)
    gaps[:, 0] = np.where(forced < 0.12, 7, np.where(forced < 0.2, 6, gaps[:, 0]))
    low = np.maximum(window_low + 1, episode)
    high = np.where(reviewed, np.minimum(review_day - 1, ref), ref) - gaps.sum(axis=1)
    invited &= low <= high
    first = uniform_days(rng, np.minimum(low, high), np.maximum(low, high)).astype(np.int64)
    for k, day in enumerate((first, first + gaps[:, 0], first + gaps[:, 0] + gaps[:, 1])):
        rows = invited & (count > k)
        _add(ctx, rng, idx[rows], day[rows], "CANINVITE_COD")
    ctx.edges.add("cancer_invitation_sets_in_window", int(invited.sum()))

    for cluster, rate in (("CANPCADEC_COD", 0.02), ("CANPCAPU_COD", 0.02)):
        chosen = pending & (rng.random(m) < rate)
        _add(ctx, rng, idx[chosen], uniform_days(rng, np.minimum(low, ref)[chosen], ref[chosen]), cluster)


def _add_skin_cancer(ctx: Context) -> None:
    """Basal and squamous cell skin cancers: coded, never on the cancer register."""
    pop, cal = ctx.pop, ctx.cal
    if not ctx.codes.has("NMSC_COD"):
        return
    rng = ctx.rng("cancer_screening:skin_cancer")
    chosen = (pop.age_ref >= 50) & (rng.random(pop.n) < 0.02)
    idx = np.flatnonzero(chosen).astype(np.int32)
    low = np.maximum(pop.dob[idx].astype(np.int64) + _years(40), cal.ach_day - 10 * YEAR)
    ref = pop.ref_end[idx].astype(np.int64)
    keep = low <= ref
    written = _add(ctx, rng, idx[keep], uniform_days(rng, low[keep], ref[keep]), "NMSC_COD")
    ctx.edges.add("non_melanoma_skin_cancer_coded", written)


def add_histories(ctx: Context, states: dict[str, ConditionState]) -> None:
    """Screening histories, cancer care reviews and skin cancer codes."""
    _add_cervical(ctx)
    _add_bowel(ctx)
    _add_breast(ctx)
    if "CAN" in states:
        _add_cancer_care(ctx, states["CAN"])
    _add_skin_cancer(ctx)
