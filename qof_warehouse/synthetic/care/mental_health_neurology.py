"""Care histories for dementia, depression, severe mental illness and osteoporosis.

DEM: yearly dementia care plan reviews, exception codes and invitations (DEM004).
DEP: for depression episodes that began in the last ~16 months, a review 10-56 days after the
diagnosis for most, some too early (day 9) or too late (day 57) and some never; episodes
from January-March of the previous year were often reviewed then (DEP004, DEPRVW_DAT).
MH: the six elements of the SMI physical health check (blood pressure, BMI, alcohol, lipids,
glucose or HbA1c, smoking status) and a care plan, exception codes; lithium for some patients
in remission (on the register, excluded as MHREM_DAT) and for a few without a psychosis code
(on the register through lithium alone).
OST: fragility fractures around the osteoporosis diagnosis (some before 1 April 2012), a DXA
scan for most, and fracture-only patients aged 75 or over.

Every random stream comes from ctx.rng("mental_health_neurology:...").
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from qof_warehouse.synthetic.common import (
    DAYS_PER_YEAR,
    NEVER,
    UNIT_KG_M2,
    UNIT_MMHG,
    UNIT_MMOL_MOL,
    UNIT_UMOL_L,
    to_day,
    uniform_days,
)
from qof_warehouse.synthetic.histories import (
    CareOutcome,
    Context,
    add_exception_codes,
    add_invitations,
    latest_per_owner,
    schedule_readings,
)

if TYPE_CHECKING:
    from qof_warehouse.synthetic.conditions import ConditionState

AREA = "mental_health_neurology"
DEP_REVIEW_DAYS = (10, 56)  # DEP004: reviewed not earlier than 10, not later than 56 days after
LITHIUM_IN_REMISSION_SHARE = 0.6  # of patients whose psychosis is coded in remission
LITHIUM_ONLY_SHARE = 0.0015  # of adults without a psychosis code
FRACTURE_ONLY_75_SHARE = 0.015  # of patients aged 75+ without an osteoporosis code
OST_START = to_day(date(2012, 4, 1))  # fractures before this day do not count (OST004)


def _rng(ctx: Context, name: str) -> np.random.Generator:
    return ctx.rng(f"{AREA}:{name}")


def _episode_start(state: ConditionState) -> np.ndarray:
    """Diagnosis day of the current episode (the re-diagnosis after a resolved code)."""
    return np.where(state.rediagnosed, state.rediagnosis_day, state.diagnosis).astype(np.int64)


def _window_day(
    ctx: Context, rng: np.random.Generator, idx: np.ndarray, start: np.ndarray, recent: np.ndarray
) -> np.ndarray:
    """A day in the 12-month window where `recent`, else in the year before it; -1 where the
    patient's record does not reach that far."""
    end = ctx.pop.ref_end[idx].astype(np.int64)
    wl = ctx.window_low(idx).astype(np.int64)
    lo = np.where(recent, np.maximum(start, wl + 1), np.maximum(start, wl - 365))
    hi = np.where(recent, end, np.minimum(end, wl))
    day = uniform_days(rng, lo, np.maximum(lo, hi)).astype(np.int64)
    return np.where(lo <= hi, day, -1)


# ------------------------------------------------------------------------------------------
# Dementia
# ------------------------------------------------------------------------------------------


def _dementia(ctx: Context, dem: ConditionState) -> None:
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    if not codes.has("DEMCPRVW_COD"):
        return
    rng = _rng(ctx, "dementia")
    idx = np.flatnonzero(dem.on_register).astype(np.int32)
    start = np.maximum.reduce([dem.diagnosis[idx], np.full(len(idx), cal.history_start), pop.dob[idx]])
    start = start.astype(np.int32)
    end = pop.ref_end[idx]
    recall = np.clip(0.75 * ctx.practices.recall[pop.practice[idx]], 0.3, 0.95)
    recent = rng.random(len(idx)) < recall
    alive = end == cal.ach_day
    wl = ctx.window_low(idx)
    reviews = schedule_readings(rng, start, end, wl, recent, (330, 400), (alive, ctx.edges, "dem_review"))
    ctx.buf.add(idx[reviews.owner], reviews.day, codes.pick_cluster(rng, "DEMCPRVW_COD", len(reviews.day)))
    latest = latest_per_owner(reviews, len(idx))
    latest_recent = np.where(latest > wl, latest, -1).astype(np.int32)
    care = CareOutcome(idx, latest_recent, latest_recent >= 0)
    exception_start = np.maximum(dem.diagnosis[idx], pop.dob[idx])
    add_exception_codes(
        ctx, f"{AREA}:DEM", care, exception_start,
        (("DEMPCAPU_COD", 0.03), ("DEMCPDEC_COD", 0.025), ("DEMPCADEC_COD", 0.025)),
    )  # fmt: skip
    add_invitations(ctx, f"{AREA}:DEM", "DEMINVITE_COD", care, exception_start)


# ------------------------------------------------------------------------------------------
# Depression
# ------------------------------------------------------------------------------------------


def _depression(ctx: Context, dep: ConditionState) -> None:
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    if not codes.has("DEPRVW_COD"):
        return
    rng = _rng(ctx, "depression")
    episode = _episode_start(dep)
    recent_episode = dep.on_register & (episode != NEVER) & (episode >= cal.ach_day - 500)
    idx = np.flatnonzero(recent_episode & (episode <= pop.ref_end)).astype(np.int32)
    m = len(idx)
    diag = episode[idx]
    end = pop.ref_end[idx].astype(np.int64)
    propensity = ctx.practices.recall[pop.practice[idx]]
    u = rng.random(m)
    p_in_window = np.clip(0.66 * propensity, 0.3, 0.9)
    in_window = u < p_in_window
    too_early = (u >= p_in_window) & (u < p_in_window + 0.08)
    too_late = (u >= p_in_window + 0.08) & (u < p_in_window + 0.16)
    offset = rng.integers(DEP_REVIEW_DAYS[0], DEP_REVIEW_DAYS[1] + 1, size=m)
    boundary = rng.random(m)
    low, high = DEP_REVIEW_DAYS
    offset = np.where(boundary < 0.06, low, np.where(boundary < 0.12, high, offset))
    offset = np.where(too_early, np.where(rng.random(m) < 0.4, low - 1, rng.integers(1, low - 1, m)), offset)
    late = np.where(rng.random(m) < 0.4, high + 1, rng.integers(high + 2, 150, m))
    offset = np.where(too_late, late, offset)
    day = diag + offset
    reviewed = (in_window | too_early | too_late) & (day <= end)
    ctx.buf.add(idx[reviewed], day[reviewed], codes.pick_cluster(rng, "DEPRVW_COD", int(reviewed.sum())))
    # Some are reviewed again months later (a follow-up review does not make up for a missed window).
    again = reviewed & (rng.random(m) < 0.25)
    later = day + rng.integers(90, 200, size=m)
    again &= later <= end
    ctx.buf.add(idx[again], later[again], codes.pick_cluster(rng, "DEPRVW_COD", int(again.sum())))
    wl = ctx.window_low(idx).astype(np.int64)
    achieved = reviewed & in_window & (day > wl)
    ctx.edges.add("dep_review_on_day_10_or_56", int((reviewed & in_window & (boundary < 0.12)).sum()))
    ctx.edges.add("dep_review_on_day_9_or_57", int((reviewed & np.isin(offset, (low - 1, high + 1))).sum()))
    ctx.edges.add("dep_reviewed_in_previous_year", int((reviewed & (day <= wl)).sum()))
    latest_recent = np.where(reviewed & (day > wl), day, -1).astype(np.int32)
    care = CareOutcome(idx, latest_recent, achieved)
    start = np.maximum(diag, pop.dob[idx]).astype(np.int64)
    add_exception_codes(ctx, f"{AREA}:DEP", care, start, (("DEPRPCAPU_COD", 0.03), ("DEPRPCADEC_COD", 0.03)))
    add_invitations(ctx, f"{AREA}:DEP", "DEPRINVITE_COD", care, start)


# ------------------------------------------------------------------------------------------
# Severe mental illness
# ------------------------------------------------------------------------------------------


def _lithium_patients(ctx: Context, states: dict[str, ConditionState]) -> tuple[np.ndarray, np.ndarray]:
    """Patients given lithium here (never those the shared treatment table already covers):
    some in remission, a few adults without a psychosis code. Returns (in_remission, only)."""
    pop = ctx.pop
    none = np.zeros(pop.n, dtype=bool)
    if "MH" not in states or not ctx.codes.has("LIT_COD") or ctx.codes.system_of("LIT_COD") != "dmd":
        return none, none.copy()
    mh = states["MH"]
    rng = _rng(ctx, "lithium_patients")
    in_remission = mh.has & mh.resolved & ~mh.rediagnosed & (rng.random(pop.n) < LITHIUM_IN_REMISSION_SHARE)
    adult = (pop.age_ref >= 20) & (pop.age_ref <= 85)
    only = adult & ~mh.has & (rng.random(pop.n) < LITHIUM_ONLY_SHARE)
    return in_remission, only


def _write_pair(ctx: Context, rng: np.random.Generator, patient: np.ndarray, day: np.ndarray) -> None:
    """A clinic blood pressure pair (systolic above diastolic) on each day."""
    codes = ctx.codes
    n = len(patient)
    dia = np.clip(np.round(rng.normal(78, 9, n)), 50, 115)
    sys = np.maximum(np.clip(np.round(rng.normal(126, 14, n)), 90, 200), dia + 15)
    pos = rng.integers(0, min(len(codes.indexes("SYSBP_COD")), len(codes.indexes("DIABP_COD"))), size=n)
    ctx.buf.add(patient, day, codes.indexes("SYSBP_COD")[pos], sys, UNIT_MMHG)
    ctx.buf.add(patient, day, codes.indexes("DIABP_COD")[pos], dia, UNIT_MMHG)


def _mental_health(ctx: Context, states: dict[str, ConditionState]) -> None:
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    mh = states["MH"]
    _, lithium_only = _lithium_patients(ctx, states)
    cared = mh.on_register | lithium_only
    idx = np.flatnonzero(cared).astype(np.int32)
    m = len(idx)
    if m == 0:
        return
    rng = _rng(ctx, "smi_health_check")
    first = np.where(mh.has[idx], mh.diagnosis[idx], pop.ref_end[idx] - 2 * 365).astype(np.int64)
    start = np.maximum.reduce([first, np.full(m, cal.history_start), pop.dob[idx]]).astype(np.int64)
    recall = ctx.practices.recall[pop.practice[idx]]
    engaged = rng.random(m) < np.clip(recall, 0.5, 0.95)  # attends the yearly physical health check
    # Some decline or are unsuitable for the year's mental health care: coded in the window and
    # rarely checked (their missing elements then have a valid reason: PHCSMIPCA).
    propensity = ctx.practices.pca_propensity[pop.practice[idx]]
    excepted = rng.random(m) < np.clip(0.12 * propensity, 0.02, 0.3)
    engaged &= ~excepted
    for cluster, share in (("MHPCADEC_COD", 0.6), ("MHPCAPU_COD", 0.4)):
        if not codes.has(cluster):
            continue
        r = _rng(ctx, f"smi:{cluster}")
        rows = excepted & (r.random(m) < share)
        day = _window_day(ctx, r, idx, start, rows)
        rows &= day >= 0
        ctx.buf.add(idx[rows], day[rows], codes.pick_cluster(r, cluster, int(rows.sum())))
        ctx.edges.add(f"smi_{cluster.lower()}_in_window", int(rows.sum()))
    diabetic = states["DM"].has[idx] if "DM" in states else np.zeros(m, dtype=bool)
    ndh = states["NDH"].has[idx] if "NDH" in states else np.zeros(m, dtype=bool)
    received = np.ones(m, dtype=bool)

    def element(name: str, p_engaged: float, p_other: float) -> tuple[np.ndarray, np.ndarray]:
        r = _rng(ctx, f"smi:{name}")
        recent = r.random(m) < np.where(excepted, 0.1, np.where(engaged, p_engaged, p_other))
        day = _window_day(ctx, r, idx, start, recent)
        return day, recent & (day >= 0)

    if codes.has("MHP_COD"):
        day, _ = element("care_plan", 0.85, 0.3)
        ok = day >= 0
        ctx.buf.add(idx[ok], day[ok], codes.pick_cluster(rng, "MHP_COD", int(ok.sum())))
    if codes.has("SYSBP_COD", "DIABP_COD"):
        day, got = element("bp", 0.95, 0.45)
        ok = day >= 0
        _write_pair(ctx, rng, idx[ok], day[ok])
        received &= got
    bmi_cluster = codes.first_present(("BMIVAL_COD", "BMI_COD"))
    if bmi_cluster is not None:
        day, got = element("bmi", 0.93, 0.35)
        ok = day >= 0
        value = np.round(np.clip(np.exp(rng.normal(np.log(29.0), 0.18, int(ok.sum()))), 16, 60), 1)
        ctx.buf.add(idx[ok], day[ok], codes.pick_cluster(rng, bmi_cluster, int(ok.sum())), value, UNIT_KG_M2)
        received &= got
    if codes.has("ALC_COD"):
        day, got = element("alcohol", 0.9, 0.3)
        ok = day >= 0
        ctx.buf.add(idx[ok], day[ok], codes.pick_cluster(rng, "ALC_COD", int(ok.sum())))
        received &= got
    lipid_cluster = codes.first_present(("CHOL2_COD", "CHOL_COD"))
    if lipid_cluster is not None:
        day, got = element("lipids", 0.85, 0.25)
        # Some of the rest had one in the 12 months before the window (enough without risk factors).
        older = ~got & (rng.random(m) < 0.35)
        wl = ctx.window_low(idx).astype(np.int64)
        old_day = uniform_days(rng, np.maximum(start, wl - 364), np.maximum(np.maximum(start, wl - 364), wl))
        day = np.where(older & (np.maximum(start, wl - 364) <= wl), old_day, day)
        ok = day >= 0
        ctx.buf.add(idx[ok], day[ok], codes.pick_cluster(rng, lipid_cluster, int(ok.sum())))
        received &= got
    glucose_ok = np.zeros(m, dtype=bool)
    if codes.has("IFCCHBAM_COD"):
        day, got = element("hba1c", 0.75, 0.25)
        ok = (day >= 0) & ~diabetic  # diabetic patients' HbA1c comes from their diabetes care
        value = rng.integers(32, 47, size=int(ok.sum())).astype(np.float64)
        code = codes.pick_cluster(rng, "IFCCHBAM_COD", int(ok.sum()))
        ctx.buf.add(idx[ok], day[ok], code, value, UNIT_MMOL_MOL)
        glucose_ok |= got & ~diabetic
    glucose_cluster = codes.first_present(("GLUC_COD", "FASPLASGLUC_COD"))
    if glucose_cluster is not None:
        day, got = element("glucose", 0.5, 0.1)
        ok = (day >= 0) & ~glucose_ok & ~diabetic
        ctx.buf.add(idx[ok], day[ok], codes.pick_cluster(rng, glucose_cluster, int(ok.sum())))
        glucose_ok |= got & ok
    if codes.has("SERFRUC_COD"):
        # Fructosamine instead of HbA1c in the year (IFCCHBA) for a few without any glucose test.
        r = _rng(ctx, "smi:fructosamine")
        fruc = ~glucose_ok & ~diabetic & ~ndh & (r.random(m) < 0.1)
        day = _window_day(ctx, r, idx, start, np.ones(m, dtype=bool))
        fruc &= day >= 0
        value = np.clip(np.round(r.normal(260, 30, int(fruc.sum()))), 150, 400)
        code = codes.pick_cluster(r, "SERFRUC_COD", int(fruc.sum()))
        ctx.buf.add(idx[fruc], day[fruc], code, value, UNIT_UMOL_L)
        ctx.edges.add("smi_fructosamine_without_hba1c_in_year", int(fruc.sum()))
    received &= glucose_ok | diabetic
    status = [c for c in ("LSMOK_COD", "EXSMOK_COD", "NSMOK_COD") if codes.has(c)]
    if status:
        day, got = element("smoking", 0.9, 0.4)
        ok = day >= 0
        share = np.array([0.4, 0.3, 0.3][: len(status)])  # SMI: many current smokers
        which = rng.choice(len(status), size=m, p=share / share.sum())
        for k, cluster in enumerate(status):
            rows = ok & (which == k)
            ctx.buf.add(idx[rows], day[rows], codes.pick_cluster(rng, cluster, int(rows.sum())))
        received &= got
    ctx.edges.add("smi_all_six_health_check_elements", int(received.sum()))
    care = CareOutcome(idx, np.where(received, cal.ach_day, -1).astype(np.int32), received)
    exception_start = np.maximum(start, pop.dob[idx])
    add_exception_codes(
        ctx, f"{AREA}:MH", care, exception_start,
        (
            ("MHPCAPU_COD", 0.01), ("MHPCADEC_COD", 0.01), ("BPDEC_COD", 0.015), ("BMIDEC_COD", 0.015),
            ("BMIPU_COD", 0.008), ("ALCDEC_COD", 0.01), ("CHOLDEC_COD", 0.01), ("GLUCDEC_COD", 0.01),
            ("SMOKSTATDEC_COD", 0.008),
        ),
    )  # fmt: skip
    add_invitations(ctx, f"{AREA}:MH", "MHINVITE_COD", care, exception_start)


# ------------------------------------------------------------------------------------------
# Osteoporosis
# ------------------------------------------------------------------------------------------


def _osteoporosis(ctx: Context, states: dict[str, ConditionState]) -> None:
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    if not codes.has("FF_COD"):
        return
    rng = _rng(ctx, "osteoporosis")
    ost = states.get("OST")
    if ost is not None:
        idx = np.flatnonzero(ost.has).astype(np.int32)
        diag = ost.diagnosis[idx].astype(np.int64)
        floor = pop.dob[idx].astype(np.int64) + int(45 * DAYS_PER_YEAR)
        fracture = np.maximum(diag - rng.integers(0, 181, size=len(idx)), floor)
        fracture = np.minimum(fracture, pop.ref_end[idx])
        ctx.buf.add(idx, fracture, codes.pick_cluster(rng, "FF_COD", len(idx)))
        ctx.edges.add("ost_fracture_before_april_2012", int((fracture < OST_START).sum()))
        if codes.has("DXA_COD"):
            scanned = rng.random(len(idx)) < 0.85
            scan = np.clip(diag - rng.integers(0, 61, size=len(idx)), pop.dob[idx], pop.ref_end[idx])
            ctx.buf.add(idx[scanned], scan[scanned], codes.pick_cluster(rng, "DXA_COD", int(scanned.sum())))
            ctx.edges.add("ost_without_dxa", int((~scanned).sum()))
    # Aged 75 or over with a fragility fracture and no osteoporosis code (register part 2).
    has_ost = ost.has if ost is not None else np.zeros(pop.n, dtype=bool)
    old = (pop.age_ref >= 75) & ~has_ost & (rng.random(pop.n) < FRACTURE_ONLY_75_SHARE)
    idx = np.flatnonzero(old).astype(np.int32)
    lo = np.maximum(pop.dob[idx].astype(np.int64) + int(65 * DAYS_PER_YEAR), cal.ach_day - 12 * 365)
    hi = pop.ref_end[idx].astype(np.int64)
    ok = lo <= hi
    day = uniform_days(rng, lo[ok], hi[ok])
    ctx.buf.add(idx[ok], day, codes.pick_cluster(rng, "FF_COD", int(ok.sum())))
    ctx.edges.add("ost_fracture_only_aged_75_plus", int(ok.sum()))


# ------------------------------------------------------------------------------------------
# Plugin hooks
# ------------------------------------------------------------------------------------------


def add_histories(ctx: Context, states: dict[str, ConditionState]) -> None:
    """Dementia, depression, SMI and osteoporosis care histories."""
    if "DEM" in states:
        _dementia(ctx, states["DEM"])
    if "DEP" in states:
        _depression(ctx, states["DEP"])
    if "MH" in states:
        _mental_health(ctx, states)
    _osteoporosis(ctx, states)


def medication_parts(ctx: Context, states: dict[str, ConditionState]) -> list[tuple[np.ndarray, ...]]:
    """Lithium every 28 days for the patients of `_lithium_patients`; about one in ten
    stopped more than 6 months before the achievement date."""
    in_remission, only = _lithium_patients(ctx, states)
    idx = np.flatnonzero(in_remission | only).astype(np.int32)
    if len(idx) == 0:
        return []
    pop, cal, codes = ctx.pop, ctx.cal, ctx.codes
    rng = _rng(ctx, "lithium_issues")
    end = pop.ref_end[idx].astype(np.int64)
    earliest = np.maximum(cal.history_start, pop.dob[idx].astype(np.int64) + int(18 * DAYS_PER_YEAR))
    first = np.maximum(earliest, end - rng.integers(200, 5 * 365, size=len(idx)))
    stopped = rng.random(len(idx)) < 0.1
    stop = np.where(stopped, np.maximum(first, end - rng.integers(200, 400, size=len(idx))), end)
    n_issues = np.where(stop >= first, (stop - first) // 28 + 1, 0).astype(np.int64)
    owner = np.repeat(np.arange(len(idx)), n_issues)
    k = np.arange(int(n_issues.sum())) - np.repeat(np.cumsum(n_issues) - n_issues, n_issues)
    day = first[owner] + 28 * k
    dmd = codes.pick_cluster(rng, "LIT_COD", len(idx))
    ctx.edges.add("lithium_in_remission", int(in_remission.sum()))
    ctx.edges.add("lithium_without_psychosis_code", int(only.sum()))
    return [(idx[owner], day.astype(np.int32), dmd[owner], np.full(len(owner), 28.0))]
