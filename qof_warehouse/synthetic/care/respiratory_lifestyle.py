"""Care histories for asthma, COPD, smoking, obesity, non-diabetic hyperglycaemia and
vaccinations.

AST: yearly asthma reviews, most with a written action plan the same day and a control
questionnaire and exacerbation count in the month up to the review (AST007), some with a piece
missing or recorded too early; smoking status or second-hand smoke exposure for the under-20s
(AST008); for asthma diagnosed in the last ~15 months, spirometry plus a second objective test
around the diagnosis (or around a later registration) for most, one test only, late tests,
spirometry/FeNO/service exception codes and invitation pairs for others (AST011); exception
codes and invitations. Asthma drugs (ASTTRT_COD) come from the core treatment table.
COPD: spirometry (FEV1/FVC as a percentage) around diagnoses from 1 April 2023: below 70 for
most, exactly 70 or above for some (off the register), none for a few (COPD015); yearly reviews
with an exacerbation count and an MRC grade (COPD010); for an MRC grade of 3 or more in the year,
an offer of referral to pulmonary rehabilitation after it, a declined referral, an offer made
too early, earlier attendance, rehabilitation unsuitable or unavailable (COPD014).
SMOK: a smoking status (current, ex- or never) for everyone aged 15 or over, recorded yearly
for patients with a listed long-term condition and every few years for the rest, ex-smokers
often recorded as smokers before; offers of support and treatment for current smokers in the
12 or 24 months (SMOK002/004/005); exception codes and invitations.
OB: a few "BMI 30+" codes without a value and BMI readings of exactly 30.0 and 29.9 on the
achievement date (BMI values themselves come from the core BMI history).
NDH: fasting plasma glucose for some, exception codes and invitations (HbA1c comes from the
core NDH monitoring).
VI: the DTP-containing primary course, MMR doses and the DTaP/IPV booster for children, with
late, missing and early doses, contraindications and doses on the exact age boundaries; a
single-dose (live) or two-dose shingles course for patients aged 78-82, declines,
contraindications and courses still awaiting the second dose.

Every random stream comes from ctx.rng("respiratory_lifestyle:...").
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from qof_warehouse.synthetic.common import (
    DAYS_PER_YEAR,
    NEVER,
    UNIT_KG_M2,
    to_day,
    uniform_days,
)
from qof_warehouse.synthetic.histories import (
    CareOutcome,
    Context,
    Readings,
    add_exception_codes,
    add_invitations,
    latest_per_owner,
    schedule_readings,
)

if TYPE_CHECKING:
    from qof_warehouse.synthetic.conditions import ConditionState

AREA = "respiratory_lifestyle"
COPD_SPIROMETRY_RULE_START = to_day(date(2023, 4, 1))  # COPD015: later diagnoses need spirometry
SHINGRIX_START = to_day(date(2023, 9, 1))  # two-dose (non-live) shingles course for everyone
SHINGRIX_EARLY_START = to_day(date(2021, 9, 1))  # two-dose course for the immunosuppressed
SMOKING_CONDITIONS = ("CHD", "PAD", "STIA", "HYP", "DM", "COPD", "CKD", "AST", "MH")
UNIT_NONE = 0  # FEV1/FVC (a percentage) and fasting glucose (mmol/L) are written without a unit
MONTH_BEFORE_INSIDE = 28  # days before a review that are always inside "the month up to it"
MONTH_BEFORE_OUTSIDE = 32  # days before a review that are always outside it


def _rng(ctx: Context, name: str) -> np.random.Generator:
    return ctx.rng(f"{AREA}:{name}")


def _episode_start(state: ConditionState) -> np.ndarray:
    """Diagnosis day of the current episode (the re-diagnosis after a resolved code)."""
    return np.where(state.rediagnosed, state.rediagnosis_day, state.diagnosis).astype(np.int64)


def _add(
    ctx: Context,
    rng: np.random.Generator,
    idx: np.ndarray,
    day: np.ndarray,
    cluster: str,
    value: np.ndarray | None = None,
    unit: int = 0,
    codes: np.ndarray | None = None,
) -> np.ndarray:
    """Write one `cluster` event per patient in `idx` on `day` (codes drawn from the cluster, or
    from `codes`), only where the day lies within the patient's life and record. Returns the
    mask of rows written."""
    pool = ctx.codes.indexes(cluster) if codes is None else codes
    day = np.asarray(day, dtype=np.int64)
    ok = (day >= ctx.pop.dob[idx]) & (day <= ctx.pop.ref_end[idx]) & (day != NEVER)
    if len(pool) == 0 or not ok.any():
        return np.zeros(len(idx), dtype=bool)
    n = int(ok.sum())
    ctx.buf.add(
        idx[ok],
        day[ok].astype(np.int32),
        ctx.codes.pick(rng, pool, n),
        None if value is None else value[ok],
        unit,
    )
    return ok


def _add_months(days: np.ndarray, months: int | np.ndarray) -> np.ndarray:
    """Day numbers `months` calendar months later (day clipped to the month's length), as the
    warehouse's `date + interval` does."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_of_month = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months, dtype=np.int64)
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    out = target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)
    return out.astype(np.int64)


def _between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A uniform day in [low, high], or NEVER where high < low."""
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    day = uniform_days(rng, low, np.maximum(low, high)).astype(np.int64)
    return np.where(high >= low, day, NEVER)


def _care_span(ctx: Context, state: ConditionState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Patients on the register (at their last day), first monitored day and last care day."""
    pop, cal = ctx.pop, ctx.cal
    idx = np.flatnonzero(state.on_register).astype(np.int32)
    start = np.maximum.reduce(
        [_episode_start(state)[idx], np.full(len(idx), cal.history_start), pop.dob[idx]]
    )
    end = np.minimum(pop.ref_end[idx], state.care_stop[idx]).astype(np.int32)
    return idx, start.astype(np.int32), end


def _review_elements(
    ctx: Context,
    rng: np.random.Generator,
    idx: np.ndarray,
    reviews: Readings,
    elements: tuple[tuple[str, float, bool], ...],
    name: str,
) -> np.ndarray:
    """Elements recorded with each review: (cluster, share, same day only). A same-day element
    is on the review day, a few of them the day before (not counted); the others on the day or
    up to four weeks before, a few just over a month before (not counted). Returns, per review,
    whether every element was recorded in time."""
    complete = np.ones(len(reviews.day), dtype=bool)
    for cluster, share, same_day in elements:
        if not ctx.codes.has(cluster):
            continue
        u = rng.random(len(reviews.day))
        present = u < share
        early = present & (rng.random(len(reviews.day)) < 0.03)
        if same_day:
            back = np.where(early, 1, 0)
        else:
            back = np.where(
                rng.random(len(reviews.day)) < 0.7,
                0,
                rng.integers(1, MONTH_BEFORE_INSIDE + 1, len(reviews.day)),
            )
            back = np.where(early, MONTH_BEFORE_OUTSIDE, back)
        on_edge = present & ~early & ~same_day & (rng.random(len(reviews.day)) < 0.02)
        back = np.where(on_edge, MONTH_BEFORE_INSIDE, back)
        _add(ctx, rng, idx[reviews.owner[present]], reviews.day[present] - back[present], cluster)
        complete &= present & ~early
        latest = reviews.latest
        ctx.edges.add(f"{name}_{cluster}_recorded_too_early", int((latest & early).sum()))
    return complete


# ------------------------------------------------------------------------------------------
# Asthma
# ------------------------------------------------------------------------------------------


def _asthma(ctx: Context, ast: ConditionState) -> None:
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    if not codes.has("REV_COD"):
        return
    rng = _rng(ctx, "asthma")
    idx, start, end = _care_span(ctx, ast)
    m = len(idx)
    wl = ctx.window_low(idx)
    recall = np.clip(0.8 * ctx.practices.recall[pop.practice[idx]], 0.3, 0.95)
    recent = rng.random(m) < recall
    alive = pop.ref_end[idx] == cal.ach_day
    reviews = schedule_readings(rng, start, end, wl, recent, (330, 420), (alive, ctx.edges, "asthma_review"))
    _add(ctx, rng, idx[reviews.owner], reviews.day, "REV_COD")
    complete = _review_elements(
        ctx, rng, idx, reviews,
        (("WRITPASTP_COD", 0.9, True), ("ASTCONTASS_COD", 0.92, False), ("ASTEXACB_COD", 0.93, False)),
        "asthma_review",
    )  # fmt: skip
    latest = latest_per_owner(reviews, m)
    latest_recent = np.where(latest > wl, latest, -1).astype(np.int32)
    complete_latest = np.zeros(m, dtype=bool)
    complete_latest[reviews.owner[reviews.latest]] = complete[reviews.latest]
    care = CareOutcome(idx, latest_recent, (latest_recent >= 0) & complete_latest)
    exception_start = np.maximum(ast.diagnosis[idx], pop.dob[idx])
    add_exception_codes(
        ctx, f"{AREA}:AST", care, exception_start,
        (("ASTPCAPU_COD", 0.02), ("ASTMONDEC_COD", 0.02), ("ASTPCADEC_COD", 0.02)),
    )  # fmt: skip
    add_invitations(ctx, f"{AREA}:AST", "ASTINVITE_COD", care, exception_start)

    # AST008: smoking status (from the smoking history) or second-hand smoke exposure.
    young = pop.age_at_ach[idx] <= 19
    exposure = young & (rng.random(m) < 0.55)
    day = _between(rng, np.maximum(start, wl + 1), end)
    exposed = rng.random(m) < 0.2
    _add(ctx, rng, idx[exposure & exposed], day[exposure & exposed], "SMOKEXPOS_COD")
    _add(ctx, rng, idx[exposure & ~exposed], day[exposure & ~exposed], "NOSMOKEXPOS_COD")
    declined = young & ~exposure & (rng.random(m) < 0.05)
    _add(ctx, rng, idx[declined], day[declined], "SMOKSTATDEC_COD")
    _new_asthma_diagnoses(ctx, ast)


def _new_asthma_diagnoses(ctx: Context, ast: ConditionState) -> None:
    """AST011: objective tests around diagnoses of the last ~15 months (and registrations)."""
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    if not codes.has("ASTSPIR_COD"):
        return
    rng = _rng(ctx, "asthma_diagnosis")
    episode = _episode_start(ast)
    new = ast.on_register & (episode != NEVER) & (episode >= cal.ach_day - 460) & (episode <= pop.ref_end)
    idx = np.flatnonzero(new).astype(np.int32)
    m = len(idx)
    diag = episode[idx]
    registered_later = (pop.final_start[idx] > diag) & (pop.final_start[idx] > cal.ach_day - 365)
    anchor = np.where(registered_later & (rng.random(m) < 0.7), pop.final_start[idx], diag).astype(np.int64)
    u = rng.random(m)
    both = u < 0.5
    spirometry_only = (u >= 0.5) & (u < 0.58)
    late = (u >= 0.58) & (u < 0.63)
    offset = np.where(rng.random(m) < 0.8, rng.integers(-30, 61, m), rng.integers(-93, 187, m))
    edge = rng.random(m)
    offset = np.where(edge < 0.04, -93, np.where(edge < 0.08, 186, offset))
    test_day = np.where(late, anchor + rng.integers(190, 260, m), anchor + offset)
    spirometry = both | spirometry_only | late
    _add(ctx, rng, idx[spirometry], test_day[spirometry], "ASTSPIR_COD")
    other = both | late
    second_day = test_day + rng.integers(0, 15, m)
    kind = rng.choice(np.array(["PEFR_COD", "FENO_COD", "BDREVERS_COD"]), size=m, p=[0.5, 0.3, 0.2])
    for cluster in ("PEFR_COD", "FENO_COD", "BDREVERS_COD"):
        rows = other & (kind == cluster)
        _add(ctx, rng, idx[rows], second_day[rows], cluster)
    ctx.edges.add("asthma_tests_on_window_edge", int(((both | spirometry_only) & (edge < 0.08)).sum()))
    # The rest: exception codes in the 6 months after the anchor, or an invitation pair.
    rest = ~(both | spirometry_only | late)
    after = _between(rng, anchor, np.minimum(anchor + 186, pop.ref_end[idx]))
    v = rng.random(m)
    for cluster, low, high in (
        ("SPIRPU_COD", 0.0, 0.14),
        ("SPIRPCASU_COD", 0.14, 0.26),
        ("FENOPCASU_COD", 0.26, 0.36),
        ("ASTPCASU_COD", 0.36, 0.46),
        ("SPIRDEC_COD", 0.46, 0.6),
    ):
        rows = rest & (v >= low) & (v < high)
        _add(ctx, rng, idx[rows], after[rows], cluster)
    invited = rest & (v >= 0.6) & (v < 0.9)
    first = _between(rng, anchor, np.minimum(anchor + 170, pop.ref_end[idx]))
    gap = np.where(rng.random(m) < 0.5, 7, rng.integers(8, 15, m))
    ok = _add(ctx, rng, idx[invited], first[invited], "ASTINVITE_COD")
    _add(ctx, rng, idx[invited][ok], (first[invited] + gap[invited])[ok], "ASTINVITE_COD")
    ctx.edges.add("asthma_new_diagnoses", m)


# ------------------------------------------------------------------------------------------
# COPD
# ------------------------------------------------------------------------------------------


def _copd(ctx: Context, copd: ConditionState) -> None:
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    if not codes.has("COPDRVW_COD"):
        return
    rng = _rng(ctx, "copd")
    idx, start, end = _care_span(ctx, copd)
    m = len(idx)
    wl = ctx.window_low(idx)

    # COPD015: spirometry around diagnoses from 1 April 2023 (percent FEV1/FVC).
    diag = _episode_start(copd)[idx]
    new = diag >= COPD_SPIROMETRY_RULE_START
    u = rng.random(m)
    ratio = np.where(u < 0.8, rng.integers(40, 70, m), np.where(u < 0.86, 70, rng.integers(71, 86, m)))
    has_spirometry = (new & (rng.random(m) < 0.9)) | (~new & (rng.random(m) < 0.3))
    spirometry_day = diag + np.where(new, rng.integers(-93, 187, m), rng.integers(-60, 120, m))
    spirometry_day = np.minimum(spirometry_day, pop.ref_end[idx])
    ratio = np.where(new, ratio, rng.integers(35, 70, m)).astype(np.float64)
    _add(
        ctx,
        rng,
        idx[has_spirometry],
        spirometry_day[has_spirometry],
        "FEV1FVC_COD",
        ratio[has_spirometry],
        UNIT_NONE,
    )
    ctx.edges.add("copd_new_diagnosis_ratio_exactly_70", int((new & has_spirometry & (ratio == 70)).sum()))
    ctx.edges.add("copd_new_diagnosis_without_spirometry", int((new & ~has_spirometry).sum()))

    # COPD010: reviews with an exacerbation count and an MRC grade.
    recall = np.clip(0.85 * ctx.practices.recall[pop.practice[idx]], 0.3, 0.95)
    recent = rng.random(m) < recall
    alive = pop.ref_end[idx] == cal.ach_day
    reviews = schedule_readings(rng, start, end, wl, recent, (330, 420), (alive, ctx.edges, "copd_review"))
    _add(ctx, rng, idx[reviews.owner], reviews.day, "COPDRVW_COD")
    complete = _review_elements(ctx, rng, idx, reviews, (("COPDEXACB_COD", 0.92, False),), "copd_review")
    grade = rng.choice(np.arange(1, 5), size=m, p=[0.2, 0.4, 0.25, 0.15])
    review_grade = np.clip(grade[reviews.owner] + rng.choice([-1, 0, 0, 0, 1], size=len(reviews.day)), 1, 4)
    review_grade = np.where(reviews.latest, grade[reviews.owner], review_grade)
    with_mrc = rng.random(len(reviews.day)) < 0.9
    grade_codes = (
        {g: codes.indexes("MRC_COD")[g - 1 : g] for g in range(1, 5)}
        if len(codes.indexes("MRC_COD")) >= 4
        else {}
    )
    mrc_day = reviews.day - np.where(
        rng.random(len(reviews.day)) < 0.8, 0, rng.integers(1, MONTH_BEFORE_INSIDE, len(reviews.day))
    )
    for g, pool in grade_codes.items():
        rows = with_mrc & (review_grade == g)
        _add(ctx, rng, idx[reviews.owner[rows]], mrc_day[rows], "MRC_COD", codes=pool)
    complete &= with_mrc
    latest = latest_per_owner(reviews, m)
    latest_recent = np.where(latest > wl, latest, -1).astype(np.int32)
    complete_latest = np.zeros(m, dtype=bool)
    complete_latest[reviews.owner[reviews.latest]] = complete[reviews.latest]
    care = CareOutcome(idx, latest_recent, (latest_recent >= 0) & complete_latest)
    exception_start = np.maximum(copd.diagnosis[idx], pop.dob[idx])
    add_exception_codes(
        ctx, f"{AREA}:COPD", care, exception_start, (("COPDPCAPU_COD", 0.02), ("COPDPCADEC_COD", 0.02))
    )
    add_invitations(ctx, f"{AREA}:COPD", "COPDINVITE_COD", care, exception_start)

    # COPD014: pulmonary rehabilitation after a grade of 3 or more in the year.
    high = (latest_recent >= 0) & (grade >= 3)
    mrc_latest = np.full(m, -1, dtype=np.int64)
    rows = reviews.latest & with_mrc
    mrc_latest[reviews.owner[rows]] = mrc_day[rows]
    high &= mrc_latest > wl
    v = rng.random(m)
    offered = high & (v < 0.5)
    declined = high & (v >= 0.5) & (v < 0.6)
    too_early = high & (v >= 0.6) & (v < 0.66)
    attended = high & (v >= 0.66) & (v < 0.76)
    unsuitable = high & (v >= 0.76) & (v < 0.81)
    unavailable = high & (v >= 0.81) & (v < 0.85)
    after_mrc = mrc_latest + np.where(rng.random(m) < 0.4, 0, rng.integers(1, 60, m))
    _add(ctx, rng, idx[offered], after_mrc[offered], "PULRHBOFF_COD")
    _add(ctx, rng, idx[declined], after_mrc[declined], "PULRHBDEC_COD")
    early_day = np.maximum(mrc_latest - rng.integers(30, 300, m), diag)
    _add(ctx, rng, idx[too_early], early_day[too_early], "PULRHBOFF_COD")
    attended_day = _between(rng, diag, mrc_latest - 1)
    _add(ctx, rng, idx[attended], attended_day[attended], "PULRHBATT_COD")
    in_year = _between(rng, wl + 1, end)
    _add(ctx, rng, idx[unsuitable], in_year[unsuitable], "PULRHBPU_COD")
    unavailable_cluster = "PULRHBSU_COD" if rng.random() < 0.5 else "COPDPCASU_COD"
    _add(ctx, rng, idx[unavailable], in_year[unavailable], unavailable_cluster)
    # Attended after the MRC record: does not exclude (the offer still counts).
    later_attendance = offered & (rng.random(m) < 0.3)
    _add(ctx, rng, idx[later_attendance], after_mrc[later_attendance] + 30, "PULRHBATT_COD")
    ctx.edges.add("copd_mrc_3_or_more_in_year", int(high.sum()))
    ctx.edges.add("copd_rehab_offered_before_mrc", int(too_early.sum()))


# ------------------------------------------------------------------------------------------
# Smoking
# ------------------------------------------------------------------------------------------


def _smoking(ctx: Context, states: dict[str, ConditionState]) -> None:
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    if not codes.has("LSMOK_COD", "EXSMOK_COD", "NSMOK_COD"):
        return
    rng = _rng(ctx, "smoking")
    condition = np.zeros(pop.n, dtype=bool)
    for name in SMOKING_CONDITIONS:
        if name in states:
            condition |= states[name].on_register
    candidates = pop.age_ref >= 15
    idx = np.flatnonzero(candidates).astype(np.int32)
    m = len(idx)
    ltc = condition[idx]
    copd = states["COPD"].on_register[idx] if "COPD" in states else np.zeros(m, dtype=bool)
    p_current = np.where(copd, 0.33, np.where(ltc, 0.16, 0.13))
    p_ex = np.where(copd, 0.5, np.where(ltc, 0.3, 0.2))
    u = rng.random(m)
    current = u < p_current
    ex = (u >= p_current) & (u < p_current + p_ex)
    never = ~current & ~ex
    recorded = rng.random(m) < np.where(ltc, 0.97, 0.8)
    sub = np.flatnonzero(recorded)
    start = np.maximum(cal.history_start, pop.dob[idx[sub]] + int(15 * DAYS_PER_YEAR)).astype(np.int32)
    end = pop.ref_end[idx[sub]]
    wl = ctx.window_low(idx[sub])
    recall = ctx.practices.recall[pop.practice[idx[sub]]]
    recent = rng.random(len(sub)) < np.where(ltc[sub], np.clip(0.9 * recall, 0.3, 0.95), 0.22)
    gap = np.where(ltc[sub], 1, 0)
    readings_ltc = schedule_readings(
        rng, start[gap == 1], end[gap == 1], wl[gap == 1], recent[gap == 1], (330, 420)
    )
    readings_other = schedule_readings(
        rng, start[gap == 0], end[gap == 0], wl[gap == 0], recent[gap == 0], (700, 1800)
    )
    status_day = np.full(m, -1, dtype=np.int64)
    for mask, readings in ((gap == 1, readings_ltc), (gap == 0, readings_other)):
        rows = sub[mask][readings.owner]
        # Ex-smokers were often recorded as smokers before their latest record.
        was_smoker = ex[rows] & ~readings.latest & (rng.random(len(rows)) < 0.4)
        cluster = np.where(current[rows] | was_smoker, 0, np.where(ex[rows], 1, 2))
        for k, name in enumerate(("LSMOK_COD", "EXSMOK_COD", "NSMOK_COD")):
            hit = cluster == k
            _add(ctx, rng, idx[rows[hit]], readings.day[hit], name)
        status_day[sub[mask]] = latest_per_owner(readings, int(mask.sum()))
    wl_all = ctx.window_low(idx)
    in_year = status_day > wl_all
    ctx.edges.add(
        "smoking_never_smoked_recorded_before_the_year_only", int((never & ~in_year & (status_day > 0)).sum())
    )

    # Offers of support and treatment for current smokers (referral or pharmacotherapy).
    end_all = pop.ref_end[idx].astype(np.int64)
    v = rng.random(m)
    p12 = np.where(ltc, 0.62, 0.45) * ctx.practices.recall[pop.practice[idx]]
    offer_recent = current & (v < p12)
    offer_older = current & (v >= p12) & (v < p12 + 0.15)
    low = np.maximum(np.maximum(wl_all + 1, pop.dob[idx] + int(15 * DAYS_PER_YEAR)), cal.history_start)
    offer_day = np.where(
        offer_recent, _between(rng, low, end_all), _between(rng, np.maximum(wl_all - 365, low - 365), wl_all)
    )
    offered = (offer_recent | offer_older) & (status_day > 0)  # offers go with a recorded status
    referral = rng.random(m) < 0.6
    _add(ctx, rng, idx[offered & referral], offer_day[offered & referral], "REFERSSSA_COD")
    _add(ctx, rng, idx[offered & ~referral], offer_day[offered & ~referral], "PHARM_COD")

    # Exception codes and invitations: long-term conditions (status) and current smokers (offers).
    status_care = CareOutcome(
        idx[ltc], np.where(in_year[ltc], status_day[ltc], -1).astype(np.int32), in_year[ltc]
    )
    exception_start = np.maximum(pop.dob[idx] + int(15 * DAYS_PER_YEAR), cal.history_start)
    add_exception_codes(
        ctx, f"{AREA}:SMOK_STATUS", status_care, exception_start[ltc], (("SMOKSTATDEC_COD", 0.015),)
    )
    smokers = current
    offer_care = CareOutcome(
        idx[smokers], np.full(int(smokers.sum()), -1, dtype=np.int32), offer_recent[smokers]
    )
    add_exception_codes(
        ctx, f"{AREA}:SMOK", offer_care, exception_start[smokers],
        (("SMOKPCAPU_COD", 0.012), ("SMOKPCADEC_COD", 0.015)),
    )  # fmt: skip
    add_invitations(ctx, f"{AREA}:SMOK_STATUS", "SMOKINVITE_COD", status_care, exception_start[ltc])
    add_invitations(ctx, f"{AREA}:SMOK", "SMOKINVITE_COD", offer_care, exception_start[smokers])
    ctx.edges.add("smoking_current_smokers", int(current.sum()))


# ------------------------------------------------------------------------------------------
# Obesity and non-diabetic hyperglycaemia
# ------------------------------------------------------------------------------------------


def _obesity(ctx: Context) -> None:
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    rng = _rng(ctx, "obesity")
    adults = np.flatnonzero((pop.age_ref >= 18) & (pop.ref_end == cal.ach_day)).astype(np.int32)
    m = len(adults)
    wl = ctx.window_low(adults)
    u = rng.random(m)
    bmi30 = u < 0.012
    day = _between(rng, wl + 1, pop.ref_end[adults])
    _add(ctx, rng, adults[bmi30], day[bmi30], "BMI30_COD")
    cluster = codes.first_present(("BMIVAL_COD", "BMI_COD"))
    if cluster is None:
        return
    edge = (u >= 0.012) & (u < 0.018)
    value = np.where(rng.random(m) < 0.5, 30.0, 29.9)
    _add(ctx, rng, adults[edge], np.full(int(edge.sum()), cal.ach_day), cluster, value[edge], UNIT_KG_M2)
    ctx.edges.add("bmi_exactly_30_on_achievement_date", int((edge & (value == 30.0)).sum()))
    ctx.edges.add("bmi_29_9_on_achievement_date", int((edge & (value == 29.9)).sum()))


def _ndh(ctx: Context, ndh: ConditionState) -> None:
    codes, pop = ctx.codes, ctx.pop
    rng = _rng(ctx, "ndh")
    idx = np.flatnonzero(ndh.on_register).astype(np.int32)
    m = len(idx)
    start = np.maximum(_episode_start(ndh)[idx], pop.dob[idx])
    wl = ctx.window_low(idx)
    end = pop.ref_end[idx]
    in_year = _between(rng, np.maximum(start, wl + 1), end)
    fasting = rng.random(m) < 0.1
    value = np.round(rng.uniform(6.1, 6.9, m), 1)
    _add(ctx, rng, idx[fasting], in_year[fasting], "FASPLASGLUC_COD", value[fasting])
    care = CareOutcome(idx, np.full(m, -1, dtype=np.int32), rng.random(m) < 0.8)
    add_exception_codes(
        ctx, f"{AREA}:NDH", care, start,
        (("NDHPU_COD", 0.01), ("GLUCDEC_COD", 0.012), ("NDHPCADEC_COD", 0.012)),
    )  # fmt: skip
    add_invitations(ctx, f"{AREA}:NDH", "NDHINVITE_COD", care, start)
    if codes.has("NDHINVITE_COD"):
        ctx.edges.add("ndh_patients", m)


# ------------------------------------------------------------------------------------------
# Vaccinations
# ------------------------------------------------------------------------------------------


def _registered_late(
    ctx: Context, rng: np.random.Generator, idx: np.ndarray, cutoff: np.ndarray, lead_days: int, share: float
) -> np.ndarray:
    """Children who joined the practice from `lead_days` before a cut-off age to a year after it
    and are behind with that course (`share` of them): the automated registration PCAs."""
    start = ctx.pop.final_start[idx]
    return (start > cutoff - lead_days) & (start <= cutoff + 366) & (rng.random(len(idx)) < share)


def _childhood_immunisations(ctx: Context) -> None:
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    dtp = codes.first_present(("6IN1VAC_COD", "5IN1VAC_COD"))
    if dtp is None:
        return
    rng = _rng(ctx, "childhood")
    idx = np.flatnonzero(pop.dob >= cal.ach_day - 7 * 366).astype(np.int32)
    m = len(idx)
    dob = pop.dob_written[idx].astype(np.int64)  # the warehouse measures ages from this

    # VI001: three DTP-containing doses at about 8, 12 and 16 weeks; due before 8 months.
    eight_months = _add_months(dob, 8)
    u = rng.random(m)
    n_doses = np.where(u < 0.9, 3, np.where(u < 0.94, 2, np.where(u < 0.97, 1, 0)))
    dtp_contraindicated = rng.random(m) < 0.03
    behind = _registered_late(ctx, rng, idx, eight_months, 60, 0.7)
    n_doses = np.where(
        behind | (dtp_contraindicated & (rng.random(m) < 0.8)),
        np.minimum(n_doses, rng.integers(0, 3, m)),
        n_doses,
    )
    first = dob + 56 + rng.integers(0, 15, m)
    second = first + 28 + rng.integers(0, 22, m)
    third = second + 28 + rng.integers(0, 22, m)
    late_third = rng.random(m) < 0.04
    third = np.where(late_third, eight_months + rng.integers(5, 60, m), third)
    edge = rng.random(m)
    third = np.where(edge < 0.01, eight_months - 1, np.where(edge < 0.02, eight_months, third))
    ctx.edges.add("dtp_third_dose_day_before_8_months", int(((edge < 0.01) & (n_doses == 3)).sum()))
    ctx.edges.add(
        "dtp_third_dose_on_8_month_day", int(((edge >= 0.01) & (edge < 0.02) & (n_doses == 3)).sum())
    )
    five_in_one = codes.has("5IN1VAC_COD") & (rng.random(m) < 0.1)
    for k, day in enumerate((first, second, third)):
        rows = n_doses > k
        cluster_rows = rows & five_in_one
        _add(ctx, rng, idx[rows & ~cluster_rows], day[rows & ~cluster_rows], dtp)
        _add(ctx, rng, idx[cluster_rows], day[cluster_rows], "5IN1VAC_COD")
    contra_day = dob + rng.integers(60, 200, m)
    _add(ctx, rng, idx[dtp_contraindicated], contra_day[dtp_contraindicated], "DTPCON_COD")
    ctx.edges.add("children_registered_too_late_for_dtp", int(behind.sum()))

    # VI002: MMR from the first birthday, due before 18 months.
    twelve, eighteen = _add_months(dob, 12), _add_months(dob, 18)
    mmr_contraindicated = rng.random(m) < 0.03
    behind = _registered_late(ctx, rng, idx, eighteen, 30, 0.7) | (
        mmr_contraindicated & (rng.random(m) < 0.8)
    )
    v = rng.random(m)
    on_time = (v < 0.9) & ~behind
    late = (v >= 0.9) & (v < 0.94)
    early = (v >= 0.94) & (v < 0.96)
    mmr1 = np.where(
        on_time,
        twelve + rng.integers(0, 70, m),
        np.where(late, eighteen + rng.integers(0, 120, m), twelve - 20),
    )
    edge = rng.random(m)
    mmr1 = np.where(
        on_time & (edge < 0.02),
        twelve,
        np.where(on_time & (edge >= 0.02) & (edge < 0.03), eighteen - 1, mmr1),
    )
    has_mmr1 = on_time | late | early
    _add(ctx, rng, idx[has_mmr1], mmr1[has_mmr1], "MMRVAC1_COD")
    contra_day = dob + rng.integers(300, 540, m)
    _add(ctx, rng, idx[mmr_contraindicated], contra_day[mmr_contraindicated], "MMRCON_COD")
    ctx.edges.add("mmr_given_before_first_birthday", int(early.sum()))

    # VI003: MMR2 and the DTaP/IPV booster at about 3 years 4 months, due before 5 years.
    booster_age = _add_months(dob, 40) + rng.integers(0, 120, m)
    five = _add_months(dob, 60)
    booster_contraindicated = rng.random(m) < 0.04
    behind = _registered_late(ctx, rng, idx, five, 60, 0.7)
    w = rng.random(m)
    both = has_mmr1 & (w < 0.92) & ~behind & ~booster_contraindicated
    mmr2_only = has_mmr1 & ((w >= 0.92) & (w < 0.95) | booster_contraindicated) & ~behind
    # The booster alone: by chance, or because MMR is contraindicated (MMRDTAPCON).
    booster_only = ((w >= 0.95) & (w < 0.98) | (mmr_contraindicated & ~has_mmr1)) & ~behind
    booster_only &= ~booster_contraindicated
    _add(ctx, rng, idx[both | mmr2_only], booster_age[both | mmr2_only], "MMRVAC2_COD")
    booster = both | booster_only
    booster_day = np.where(rng.random(m) < 0.9, booster_age, booster_age + rng.integers(1, 30, m))
    booster_day = np.where(rng.random(m) < 0.01, five, booster_day)
    _add(ctx, rng, idx[booster], booster_day[booster], "DTAPIPVVACBOOST_COD")
    contra_day = dob + rng.integers(400, 1500, m)
    _add(ctx, rng, idx[booster_contraindicated], contra_day[booster_contraindicated], "DTAPIPVCON_COD")
    ctx.edges.add("children_registered_too_late_for_preschool_doses", int(behind.sum()))


def _shingles(ctx: Context) -> None:
    codes, pop = ctx.codes, ctx.pop
    if not codes.has("SHVACGP_COD"):
        return
    rng = _rng(ctx, "shingles")
    idx = np.flatnonzero((pop.age_at_ach >= 78) & (pop.age_at_ach <= 82)).astype(np.int32)
    m = len(idx)
    dob = pop.dob_written[idx].astype(np.int64)
    end = pop.ref_end[idx].astype(np.int64)
    age70, age80, age81 = _add_months(dob, 840), _add_months(dob, 960), _add_months(dob, 972)
    live_pool = codes.indexes("SHVACLIVE_COD")
    course_pool = np.setdiff1d(codes.indexes("SHVACGP_COD"), live_pool)
    u = rng.random(m)
    live = u < 0.45
    course = (u >= 0.45) & (u < 0.65)
    declined = (u >= 0.65) & (u < 0.73)
    contraindicated = (u >= 0.73) & (u < 0.76)
    outside = (u >= 0.76) & (u < 0.8)
    live_day = _between(rng, age70, np.minimum.reduce([age80 - 1, end, np.full(m, SHINGRIX_START - 1)]))
    _add(ctx, rng, idx[live], live_day[live], "SHVACLIVE_COD", codes=live_pool)
    outside_day = np.where(
        rng.random(m) < 0.5, age70 - rng.integers(1, 400, m), age80 + rng.integers(0, 200, m)
    )
    _add(ctx, rng, idx[outside], outside_day[outside], "SHVACLIVE_COD", codes=live_pool)
    first = _between(rng, np.maximum(age70, SHINGRIX_EARLY_START), np.minimum(age80 - 1, end))
    second = first + rng.integers(56, 183, m)
    gets_second = course & (rng.random(m) < 0.7)
    _add(ctx, rng, idx[course], first[course], "SHVACGP_COD", codes=course_pool)
    _add(ctx, rng, idx[gets_second], second[gets_second], "SHVACGP_COD", codes=course_pool)
    second_declined = course & ~gets_second & (rng.random(m) < 0.3)
    _add(ctx, rng, idx[second_declined], (first + rng.integers(60, 200, m))[second_declined], "SHDEC_COD")
    decline_day = _between(rng, age70, np.minimum(age80 - 1, end))
    _add(ctx, rng, idx[declined], decline_day[declined], "SHDEC_COD")
    contra_day = _between(rng, age70 - 3650, end)
    _add(ctx, rng, idx[contraindicated], contra_day[contraindicated], "SHCON_COD")
    awaiting = course & ~gets_second
    ctx.edges.add("shingles_course_awaiting_second_dose", int(awaiting.sum()))
    ctx.edges.add(
        "shingles_second_dose_after_80th_birthday",
        int((gets_second & (second >= age80) & (second < age81)).sum()),
    )


def add_histories(ctx: Context, states: dict[str, ConditionState]) -> None:
    """Every respiratory and lifestyle care history the seed's clusters allow."""
    if "AST" in states:
        _asthma(ctx, states["AST"])
    if "COPD" in states:
        _copd(ctx, states["COPD"])
    _smoking(ctx, states)
    _obesity(ctx)
    if "NDH" in states:
        _ndh(ctx, states["NDH"])
    _childhood_immunisations(ctx)
    _shingles(ctx)
