"""Care histories and prescriptions of the cardiovascular areas and the diabetes processes.

AF: CHA2DS2-VASc scores (with values), DOAC or warfarin issues for most patients scoring 2 or
more, AF invitations and informed dissent. CHD / stroke / PAD: aspirin or clopidogrel issues,
CHD and stroke invitations, maximal BP therapy codes. HF: LVSD / reduced ejection fraction
codes, echocardiograms around diagnosis, annual reviews, ARB and beta-blocker issues (licensed
and unlicensed), HF invitations and dissent. CKD: stage 1-2 codes that supersede stage 3-5 for a
few. Lipids: LDL and non-HDL cholesterol values for the CHOL populations. Diabetes: proteinuria
and micro-albuminuria codes (with ARB issues), foot examinations, structured education referrals
after new diagnoses, QRISK scores for type 2 diabetes. Everything is vectorised over patients and
every random stream comes from ctx.rng("cardiovascular:..."), so the extract stays deterministic.
Clusters missing from the seed are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qof_warehouse.synthetic.common import DAYS_PER_YEAR, NEVER, uniform_days
from qof_warehouse.synthetic.conditions import ConditionState
from qof_warehouse.synthetic.histories import (
    CareOutcome,
    Context,
    add_exception_codes,
    add_invitations,
    latest_per_owner,
    schedule_readings,
)

RECENT_DIAGNOSIS_DAYS = 730  # DM014: diagnoses in the 24 months before PPED may get a referral

# National rates of the calibrated care processes (docs/calibration.md), before each practice's
# shortfall (Practices.care_rate): AF patients scoring 2 or more on a DOAC, and a vitamin K
# antagonist for some of the rest; a CHA2DS2-VASc score in the year; antiplatelets for
# vascular patients not anticoagulated; heart failure reviews in the year, licensed beta-blockers
# and ARBs for LVSD, echocardiograms in the 6 months before diagnosis; lipid tests in the year
# and results at target for secondary prevention.
AF_DOAC_SHARE = 0.985
AF_SCORE_RECALL = 0.8
ANTIPLATELET_SHARE = 0.97
HF_REVIEW_RECALL = 0.92
HF_LICENSED_BB_SHARE = 0.93
HF_ARB_SHARE = 0.6
HF_ECHO_BEFORE_SHARE = 0.92  # else a year or more before (HF_ECHO_LONG_BEFORE_SHARE) or none
HF_ECHO_LONG_BEFORE_SHARE = 0.04
LIPID_RECALL_SECONDARY = 0.9
LIPID_CONTROL_SECONDARY = 0.58
# Issues stopping within the history: anticoagulants, antiplatelets, HF ARBs and licensed
# beta-blockers (calibrated), and the other treatments.
CALIBRATED_STOP_SHARE = 0.02
DEFAULT_STOP_SHARE = 0.08


@dataclass
class Span:
    """Patients of one condition with the days their care can be recorded (start..end)."""

    idx: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.idx)


def _span(ctx: Context, state: ConditionState | None, registered_only: bool = False) -> Span:
    """Diagnosed patients from their diagnosis (or the history start) to their last care day."""
    if state is None:
        empty = np.empty(0, dtype=np.int32)
        return Span(empty, empty.copy(), empty.copy())
    mask = state.on_register if registered_only else state.has
    idx = np.flatnonzero(mask).astype(np.int32)
    pop, cal = ctx.pop, ctx.cal
    start = np.maximum.reduce([state.diagnosis[idx], np.full(len(idx), cal.history_start), pop.dob[idx]])
    end = np.minimum(pop.ref_end[idx], state.care_stop[idx])
    keep = start <= end
    return Span(idx[keep], start[keep].astype(np.int32), end[keep].astype(np.int32))


def _has(states: dict[str, ConditionState], name: str, n: int) -> np.ndarray:
    return states[name].has.copy() if name in states else np.zeros(n, dtype=bool)


def _codes(ctx: Context, rng: np.random.Generator, cluster: str, n: int) -> np.ndarray:
    return ctx.codes.pick_cluster(rng, cluster, n)


def _one_code_each(
    ctx: Context, rng: np.random.Generator, cluster: str, idx: np.ndarray, day: np.ndarray
) -> None:
    """One code of `cluster` per patient on the given day (skipped without the cluster)."""
    if ctx.codes.has(cluster) and len(idx):
        ctx.buf.add(idx, day, _codes(ctx, rng, cluster, len(idx)))


# --------------------------------------------------------------------------------------------
# Plans shared by the histories and the prescriptions (recomputed, deterministic)
# --------------------------------------------------------------------------------------------


@dataclass
class AfPlan:
    span: Span
    score: np.ndarray  # CHA2DS2-VASc at the last care day
    doac: np.ndarray
    warfarin: np.ndarray


def _af_plan(ctx: Context, states: dict[str, ConditionState]) -> AfPlan:
    """CHA2DS2-VASc score per AF patient (age, sex and comorbidities) and who is anticoagulated."""
    pop = ctx.pop
    span = _span(ctx, states.get("AF"))
    idx = span.idx
    rng = ctx.rng("cardiovascular:af_plan")
    age = pop.age_ref[idx]
    score = np.where(age >= 75, 2, np.where(age >= 65, 1, 0)) + (pop.sex[idx] == 1)
    for name, points in (("HYP", 1), ("DM", 1), ("STIA", 2), ("CHD", 1), ("PAD", 1), ("HF", 1)):
        score = score + points * _has(states, name, pop.n)[idx]
    score = np.clip(score, 0, 9).astype(np.int64)
    practice = pop.practice[idx]
    p_doac = np.where(
        score >= 2,
        ctx.practices.care_rate(AF_DOAC_SHARE, practice),
        np.clip(0.2 * ctx.practices.control[practice], 0, 0.97),
    )
    doac = rng.random(len(idx)) < p_doac
    warfarin = ~doac & (rng.random(len(idx)) < np.where(score >= 2, 0.35, 0.05))
    return AfPlan(span, score, doac, warfarin)


@dataclass
class HfPlan:
    span: Span
    lvsd: np.ndarray
    arb: np.ndarray
    licensed_bb: np.ndarray
    unlicensed_bb: np.ndarray


def _hf_plan(ctx: Context, states: dict[str, ConditionState]) -> HfPlan:
    """Which HF patients have LVSD / reduced ejection fraction and which drugs they take."""
    span = _span(ctx, states.get("HF"))
    rng = ctx.rng("cardiovascular:hf_plan")
    m = len(span)
    lvsd = rng.random(m) < 0.55
    arb = lvsd & (rng.random(m) < HF_ARB_SHARE)
    licensed_bb = lvsd & (
        rng.random(m) < ctx.practices.care_rate(HF_LICENSED_BB_SHARE, ctx.pop.practice[span.idx])
    )
    unlicensed_bb = ~licensed_bb & (rng.random(m) < np.where(lvsd, 0.25, 0.1))
    return HfPlan(span, lvsd, arb, licensed_bb, unlicensed_bb)


def _antithrombotic_plan(
    ctx: Context, states: dict[str, ConditionState]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Aspirin and clopidogrel for CHD, stroke/TIA and PAD patients (fewer when anticoagulated).

    Returns (patients, aspirin, clopidogrel) as arrays over the patients index."""
    pop = ctx.pop
    vascular = _has(states, "CHD", pop.n) | _has(states, "STIA", pop.n) | _has(states, "PAD", pop.n)
    idx = np.flatnonzero(vascular).astype(np.int32)
    rng = ctx.rng("cardiovascular:antithrombotic_plan")
    af = _af_plan(ctx, states)
    anticoagulated = np.zeros(pop.n, dtype=bool)
    anticoagulated[af.span.idx] = af.doac | af.warfarin
    stroke = _has(states, "STIA", pop.n)[idx]
    u = rng.random(len(idx))
    p_any = np.where(
        anticoagulated[idx], 0.25, ctx.practices.care_rate(ANTIPLATELET_SHARE, pop.practice[idx])
    )
    treated = u < p_any
    clopidogrel = treated & (rng.random(len(idx)) < np.where(stroke, 0.65, 0.2))
    aspirin = treated & ~clopidogrel
    return idx, aspirin, clopidogrel


# --------------------------------------------------------------------------------------------
# Histories
# --------------------------------------------------------------------------------------------


def _add_af(ctx: Context, states: dict[str, ConditionState]) -> None:
    plan = _af_plan(ctx, states)
    span = plan.span
    if len(span) == 0:
        return
    pop, cal, codes = ctx.pop, ctx.cal, ctx.codes
    rng = ctx.rng("cardiovascular:af_history")
    idx = span.idx
    wl = ctx.window_low(idx)
    recent = rng.random(len(idx)) < ctx.practices.care_rate(AF_SCORE_RECALL, pop.practice[idx])
    scored = rng.random(len(idx)) < 0.9
    latest_recent = np.full(len(idx), -1, dtype=np.int32)
    if codes.has("CHADVASC_COD"):
        alive = pop.ref_end[idx] == cal.ach_day
        sub = np.flatnonzero(scored)
        readings = schedule_readings(
            rng, span.start[sub], span.end[sub], wl[sub], recent[sub], (365, 900),
            (alive[sub], ctx.edges, "chadsvasc"),
        )  # fmt: skip
        owner = sub[readings.owner]
        # Earlier scores are the same or one lower (the patient was younger).
        value = np.where(
            readings.latest,
            plan.score[owner],
            np.maximum(plan.score[owner] - rng.integers(0, 2, len(owner)), 0),
        )
        ctx.buf.add(
            idx[owner], readings.day, _codes(ctx, rng, "CHADVASC_COD", len(owner)), value.astype(np.float64)
        )
        latest_day = np.full(len(idx), -1, dtype=np.int32)
        latest_day[sub] = latest_per_owner(readings, len(sub))
        latest_recent = np.where(latest_day > wl, latest_day, -1).astype(np.int32)
        ctx.edges.add(
            "af_score_2_or_more_older_than_12_months",
            int(((latest_day >= 0) & (latest_day <= wl) & (plan.score >= 2)).sum()),
        )
        # Newly diagnosed patients are scored on the day of diagnosis.
        diagnosis = states["AF"].diagnosis[idx]
        new = (diagnosis > wl) & (diagnosis >= span.start) & (diagnosis <= span.end)
        ctx.buf.add(
            idx[new],
            diagnosis[new],
            _codes(ctx, rng, "CHADVASC_COD", int(new.sum())),
            plan.score[new].astype(np.float64),
        )
        latest_recent = np.where(new, np.maximum(latest_recent, diagnosis), latest_recent).astype(np.int32)
    care = CareOutcome(idx, latest_recent, latest_recent >= 0)
    add_exception_codes(ctx, "AF", care, span.start, (("AFIBPCAPU_COD", 0.015), ("AFIBPCADEC_COD", 0.03)))
    add_invitations(ctx, "AF", "AFIBINVITE_COD", care, span.start)


def _add_vascular(ctx: Context, states: dict[str, ConditionState]) -> None:
    """Invitations and exception codes for CHD and stroke/TIA (process and BP indicators)."""
    pop = ctx.pop
    patients, aspirin, clopidogrel = _antithrombotic_plan(ctx, states)
    treated = np.zeros(pop.n, dtype=bool)
    treated[patients] = aspirin | clopidogrel
    for name, invite, unsuitable, dissent in (
        ("CHD", "CHDINVITE_COD", "CHDPCAPU_COD", "CHDPCADEC_COD"),
        ("STIA", "STIAINVITE_COD", "STIAPCAPU_COD", "STIAPCADEC_COD"),
    ):
        span = _span(ctx, states.get(name))
        if len(span) == 0:
            continue
        rng = ctx.rng(f"cardiovascular:{name}_achieved")
        # Achievement across the area's indicators: treated and a BP at target for most.
        achieved = treated[span.idx] & (rng.random(len(span)) < 0.8)
        care = CareOutcome(span.idx, np.full(len(span), -1, dtype=np.int32), achieved)
        add_exception_codes(
            ctx, name, care, span.start,
            ((unsuitable, 0.015), (dissent, 0.02), ("HTMAX_COD", 0.012), ("BPDEC_COD", 0.008)),
        )  # fmt: skip
        add_invitations(ctx, name, invite, care, span.start)


def _add_hf(ctx: Context, states: dict[str, ConditionState]) -> None:
    plan = _hf_plan(ctx, states)
    span = plan.span
    if len(span) == 0:
        return
    pop, cal, codes = ctx.pop, ctx.cal, ctx.codes
    rng = ctx.rng("cardiovascular:hf_history")
    idx = span.idx
    m = len(idx)
    diagnosis = states["HF"].diagnosis[idx]
    # LVSD / reduced ejection fraction coded at or soon after diagnosis.
    lvsd_cluster = np.where(rng.random(m) < 0.6, 0, 1)
    day = np.minimum(np.maximum(diagnosis, span.start) + rng.integers(0, 61, m), span.end)
    for k, cluster in enumerate(("HFLVSD_COD", "REDEJCFRAC_COD")):
        rows = plan.lvsd & (lvsd_cluster == k)
        _one_code_each(ctx, rng, cluster, idx[rows], day[rows])
    # Echocardiogram in the 6 months before diagnosis for most, a year or more before for a few.
    if codes.has("ECHO_COD"):
        # Echocardiograms of the most recent diagnoses are often still awaited.
        awaited = (diagnosis > span.end - 90) & (rng.random(m) < 0.5)
        u = np.where(awaited, 1.0, rng.random(m))
        before = diagnosis - rng.integers(0, 170, m)
        long_before = diagnosis - rng.integers(200, 420, m)
        long_limit = HF_ECHO_BEFORE_SHARE + HF_ECHO_LONG_BEFORE_SHARE
        echo_day = np.where(u < HF_ECHO_BEFORE_SHARE, before, np.where(u < long_limit, long_before, NEVER))
        ok = (
            (echo_day != NEVER)
            & (echo_day >= np.maximum(pop.dob[idx], cal.history_start))
            & (echo_day <= span.end)
        )
        _one_code_each(ctx, rng, "ECHO_COD", idx[ok], echo_day[ok].astype(np.int32))
        ctx.edges.add("hf_echo_in_6_months_before_diagnosis", int((ok & (u < HF_ECHO_BEFORE_SHARE)).sum()))
        # Movers diagnosed elsewhere: a few get their echocardiogram after registering.
        moved = pop.move_day[idx] > diagnosis
        after = moved & (rng.random(m) < 0.5)
        after_day = np.minimum(pop.move_day[idx] + rng.integers(0, 150, m), span.end)
        ok_after = after & (after_day >= pop.move_day[idx])
        _one_code_each(ctx, rng, "ECHO_COD", idx[ok_after], after_day[ok_after].astype(np.int32))
    # Annual heart failure reviews.
    wl = ctx.window_low(idx)
    recent = rng.random(m) < ctx.practices.care_rate(HF_REVIEW_RECALL, pop.practice[idx])
    latest_recent = np.full(m, -1, dtype=np.int32)
    if codes.has("HFREV_COD"):
        readings = schedule_readings(rng, span.start, span.end, wl, recent, (300, 420))
        ctx.buf.add(idx[readings.owner], readings.day, _codes(ctx, rng, "HFREV_COD", len(readings.day)))
        latest_day = latest_per_owner(readings, m)
        latest_recent = np.where(latest_day > wl, latest_day, -1).astype(np.int32)
    care = CareOutcome(idx, latest_recent, latest_recent >= 0)
    add_exception_codes(ctx, "HF", care, span.start, (("HFPCAPU_COD", 0.015), ("HFPCADEC_COD", 0.03)))
    add_invitations(ctx, "HF", "HFINVITE_COD", care, span.start)


def _add_ckd(ctx: Context, states: dict[str, ConditionState]) -> None:
    """Stage 1-2 codes: after the stage 3-5 code for a few (off the register), before it for more."""
    span = _span(ctx, states.get("CKD"))
    if len(span) == 0 or not ctx.codes.has("CKD1AND2_COD"):
        return
    rng = ctx.rng("cardiovascular:ckd_history")
    idx = span.idx
    m = len(idx)
    diagnosis = states["CKD"].diagnosis[idx]
    later = (rng.random(m) < 0.05) & (span.end > diagnosis + 30)
    later_day = uniform_days(rng, np.minimum(diagnosis + 30, span.end), span.end)
    _one_code_each(ctx, rng, "CKD1AND2_COD", idx[later], later_day[later])
    earlier = ~later & (rng.random(m) < 0.12)
    earlier_day = diagnosis - rng.integers(200, 1200, m)
    earlier &= earlier_day >= np.maximum(ctx.pop.dob[idx], ctx.cal.history_start)
    _one_code_each(ctx, rng, "CKD1AND2_COD", idx[earlier], earlier_day[earlier].astype(np.int32))
    ctx.edges.add("ckd_stage_1_2_after_stage_3_5", int(later.sum()))


def _add_lipids(ctx: Context, states: dict[str, ConditionState]) -> None:
    """LDL and non-HDL cholesterol for CHD, stroke/TIA, PAD, CKD and diabetes patients."""
    codes, pop = ctx.codes, ctx.pop
    if not codes.has("NONHDLCCHOL_COD") and not codes.has("LDLCCHOL_COD"):
        return
    rng = ctx.rng("cardiovascular:lipids")
    n = pop.n
    secondary = _has(states, "CHD", n) | _has(states, "STIA", n) | _has(states, "PAD", n)
    tested = secondary | _has(states, "CKD", n) | _has(states, "DM", n)
    idx = np.flatnonzero(tested).astype(np.int32)
    first = np.full(n, NEVER, dtype=np.int64)
    for name in ("CHD", "STIA", "PAD", "CKD", "DM"):
        if name in states:
            first = np.where(states[name].has, np.minimum(first, states[name].diagnosis), first)
    start = np.maximum.reduce([first[idx], np.full(len(idx), ctx.cal.history_start), pop.dob[idx]]).astype(
        np.int32
    )
    end = pop.ref_end[idx]
    keep = start <= end
    idx, start, end = idx[keep], start[keep], end[keep]
    m = len(idx)
    practice = pop.practice[idx]
    recent = rng.random(m) < np.where(
        secondary[idx],
        ctx.practices.care_rate(LIPID_RECALL_SECONDARY, practice),
        0.6 * ctx.practices.recall[practice],
    )
    readings = schedule_readings(
        rng,
        start,
        end,
        ctx.window_low(idx),
        recent,
        (300, 500),
        (pop.ref_end[idx] == ctx.cal.ach_day, ctx.edges, "lipids"),
    )
    owner = readings.owner
    controlled = (
        rng.random(m)
        < np.where(secondary[idx], LIPID_CONTROL_SECONDARY, 0.3) * ctx.practices.control[practice]
    )
    level = np.where(controlled, rng.uniform(1.6, 2.6, m), np.exp(rng.normal(np.log(3.4), 0.2, m)))
    # A few latest results exactly on the CHOL002 / CHOL004 cut-offs.
    on_cut = rng.random(m) < 0.03
    level = np.where(on_cut, rng.choice([2.0, 2.5, 2.6], size=m), level)
    non_hdl = np.round(
        np.where(readings.latest, level[owner], level[owner] * rng.uniform(0.85, 1.25, len(owner))), 1
    )
    ldl = np.round(np.clip(non_hdl * rng.uniform(0.68, 0.8, len(owner)), 0.3, None), 1)
    ldl = np.where(on_cut[owner] & readings.latest, np.round(level[owner] - 0.5, 1), ldl)
    with_non_hdl = rng.random(len(owner)) < 0.85
    with_ldl = ~with_non_hdl | (rng.random(len(owner)) < 0.7)
    for cluster, rows, value in (("NONHDLCCHOL_COD", with_non_hdl, non_hdl), ("LDLCCHOL_COD", with_ldl, ldl)):
        if codes.has(cluster):
            ctx.buf.add(
                idx[owner[rows]], readings.day[rows], _codes(ctx, rng, cluster, int(rows.sum())), value[rows]
            )
    ctx.edges.add("lipid_result_on_a_chol_cut_off", int((on_cut[owner] & readings.latest).sum()))


def _add_diabetes(ctx: Context, states: dict[str, ConditionState]) -> None:
    """Proteinuria, foot examinations, structured education referrals and QRISK for diabetes."""
    span = _span(ctx, states.get("DM"))
    if len(span) == 0:
        return
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    rng = ctx.rng("cardiovascular:diabetes_history")
    idx = span.idx
    m = len(idx)
    diagnosis = states["DM"].diagnosis[idx]
    # Nephropathy or micro-albuminuria, coded once some time after diagnosis.
    renal = _renal_diabetes(ctx, states)
    renal_day = uniform_days(rng, span.start, span.end)
    which = rng.random(m) < 0.35
    _one_code_each(ctx, rng, "PRT_COD", idx[renal & which], renal_day[renal & which])
    _one_code_each(ctx, rng, "MAL_COD", idx[renal & ~which], renal_day[renal & ~which])
    # Foot examinations with risk classification about yearly.
    if codes.has("FRC_COD"):
        recent = rng.random(m) < 0.86 * ctx.practices.recall[pop.practice[idx]]
        readings = schedule_readings(rng, span.start, span.end, ctx.window_low(idx), recent, (300, 450))
        ctx.buf.add(idx[readings.owner], readings.day, _codes(ctx, rng, "FRC_COD", len(readings.day)))
    # Structured education referral after a recent diagnosis: mostly within 9 months.
    if codes.has("DSEP_COD"):
        new = (diagnosis > cal.ach_day - RECENT_DIAGNOSIS_DAYS) & (rng.random(m) < 0.78)
        delay = np.where(rng.random(m) < 0.85, rng.integers(0, 250, m), rng.integers(290, 400, m))
        day = diagnosis + delay
        ok = new & (day <= span.end)
        _one_code_each(ctx, rng, "DSEP_COD", idx[ok], day[ok].astype(np.int32))
        ctx.edges.add("education_referral_after_9_months", int((ok & (delay >= 290)).sum()))
    # QRISK for adults with type 2 diabetes, in the 3 years before their last day.
    if codes.has("CVDASS2_COD"):
        type2_index = next(
            (i for i, s in enumerate(states["DM"].condition.subtypes) if s.cluster == "DMTYPE2_COD"), -2
        )
        scored = (states["DM"].subtype[idx] == type2_index) & (pop.age_ref[idx] >= 40) & (rng.random(m) < 0.6)
        low = np.maximum(span.start, span.end - int(3 * DAYS_PER_YEAR) + 1)
        ok = scored & (low <= span.end)
        day = uniform_days(rng, low[ok], span.end[ok])
        value = np.round(np.clip(np.exp(rng.normal(np.log(14.0), 0.55, int(ok.sum()))), 1, 80), 1)
        ctx.buf.add(idx[ok], day, _codes(ctx, rng, "CVDASS2_COD", int(ok.sum())), value)


def _renal_diabetes(ctx: Context, states: dict[str, ConditionState]) -> np.ndarray:
    """Diabetic patients (over the DM span) with nephropathy or micro-albuminuria."""
    span = _span(ctx, states.get("DM"))
    rng = ctx.rng("cardiovascular:renal_plan")
    return rng.random(len(span)) < 0.22


def _add_bp_declined(ctx: Context, states: dict[str, ConditionState]) -> None:
    """BP002: a few adults aged 45+ off the BP-monitored registers decline BP measurement."""
    if not ctx.codes.has("BPDEC_COD"):
        return
    pop = ctx.pop
    rng = ctx.rng("cardiovascular:bp_declined")
    monitored = np.zeros(pop.n, dtype=bool)
    for state in states.values():
        if state.condition.monitor_bp:
            monitored |= state.has
    chosen = ~monitored & (pop.age_ref >= 45) & (rng.random(pop.n) < 0.006)
    idx = np.flatnonzero(chosen).astype(np.int32)
    low = np.maximum(pop.ref_end[idx] - int(4 * DAYS_PER_YEAR), pop.dob[idx] + int(45 * DAYS_PER_YEAR))
    ok = low <= pop.ref_end[idx]
    day = uniform_days(rng, low[ok], pop.ref_end[idx][ok])
    _one_code_each(ctx, rng, "BPDEC_COD", idx[ok], day)


def add_histories(ctx: Context, states: dict[str, ConditionState]) -> None:
    """Every cardiovascular and diabetes-process history the seed's clusters allow."""
    _add_af(ctx, states)
    _add_vascular(ctx, states)
    _add_hf(ctx, states)
    _add_ckd(ctx, states)
    _add_lipids(ctx, states)
    _add_diabetes(ctx, states)
    _add_bp_declined(ctx, states)


# --------------------------------------------------------------------------------------------
# Prescriptions
# --------------------------------------------------------------------------------------------


def _issues(
    ctx: Context,
    name: str,
    cluster: str,
    idx: np.ndarray,
    begin: np.ndarray,
    stop: np.ndarray,
    stop_share: float = DEFAULT_STOP_SHARE,
) -> list[tuple[np.ndarray, ...]]:
    """Repeat issues every 28 or 56 days from `begin` to `stop` (`stop_share` stop earlier)."""
    if not ctx.codes.has(cluster) or ctx.codes.system_of(cluster) != "dmd" or len(idx) == 0:
        return []
    rng = ctx.rng(f"cardiovascular:issues:{name}")
    first = np.maximum(begin, ctx.cal.history_start).astype(np.int64)
    stop = stop.astype(np.int64)
    stopped = rng.random(len(idx)) < stop_share
    stop = np.where(stopped, first + np.floor(rng.random(len(idx)) * np.maximum(stop - first + 1, 1)), stop)
    keep = first <= stop
    idx, first, stop = idx[keep], first[keep], stop[keep]
    interval = rng.choice([28, 56], size=len(idx), p=[0.6, 0.4])
    n_issues = ((stop - first) // interval + 1).astype(np.int64)
    owner = np.repeat(np.arange(len(idx)), n_issues)
    k = np.arange(int(n_issues.sum())) - np.repeat(np.cumsum(n_issues) - n_issues, n_issues)
    day = np.clip(
        first[owner] + k * interval[owner] + rng.integers(-3, 4, size=len(owner)), first[owner], stop[owner]
    )
    code = ctx.codes.pick_cluster(rng, cluster, len(idx))
    return [(idx[owner], day.astype(np.int32), code[owner], interval[owner].astype(np.float64))]


def _start_after(
    ctx: Context, name: str, diagnosis: np.ndarray, delay: tuple[int, int] = (0, 120)
) -> np.ndarray:
    """First issue day: a uniform delay (days, inclusive) after the diagnosis."""
    rng = ctx.rng(f"cardiovascular:start:{name}")
    return diagnosis.astype(np.int64) + rng.integers(delay[0], delay[1] + 1, len(diagnosis))


def medication_parts(ctx: Context, states: dict[str, ConditionState]) -> list[tuple[np.ndarray, ...]]:
    """Anticoagulants, antiplatelets, ARBs and beta-blockers (statins and ACE inhibitors come from
    the core treatments)."""
    pop = ctx.pop
    parts: list[tuple[np.ndarray, ...]] = []
    af = _af_plan(ctx, states)
    if len(af.span):
        diag = states["AF"].diagnosis[af.span.idx]
        for name, cluster, rows in (
            ("doac", "DOAC_COD", af.doac),
            ("warfarin", "VITKANTAG_COD", af.warfarin),
        ):
            # Anticoagulation starts weeks to months after diagnosis (after the stroke risk review).
            begin = _start_after(ctx, name, diag, (14, 150))
            parts += _issues(
                ctx, name, cluster, af.span.idx[rows], begin[rows], af.span.end[rows], CALIBRATED_STOP_SHARE
            )
    patients, aspirin, clopidogrel = _antithrombotic_plan(ctx, states)
    if len(patients):
        first = np.full(pop.n, NEVER, dtype=np.int64)
        for name in ("CHD", "STIA", "PAD"):
            if name in states:
                first = np.where(states[name].has, np.minimum(first, states[name].diagnosis), first)
        begin = _start_after(ctx, "antiplatelet", first[patients])
        end = pop.ref_end[patients]
        for name, cluster, rows in (
            ("aspirin", "SAL_COD", aspirin),
            ("clopidogrel", "NONASPANTIPLTDRUG_COD", clopidogrel),
        ):
            parts += _issues(
                ctx, name, cluster, patients[rows], begin[rows], end[rows], CALIBRATED_STOP_SHARE
            )
    hf = _hf_plan(ctx, states)
    if len(hf.span):
        diag = states["HF"].diagnosis[hf.span.idx]
        for name, cluster, rows in (
            ("hf_arb", "AII_COD", hf.arb),
            ("licensed_bb", "LBB_COD", hf.licensed_bb),
            ("unlicensed_bb", "ULBB_COD", hf.unlicensed_bb),
        ):
            stop_share = DEFAULT_STOP_SHARE if name == "unlicensed_bb" else CALIBRATED_STOP_SHARE
            begin = _start_after(ctx, name, diag)[rows]
            parts += _issues(ctx, name, cluster, hf.span.idx[rows], begin, hf.span.end[rows], stop_share)
    dm = _span(ctx, states.get("DM"))
    if len(dm):
        rng = ctx.rng("cardiovascular:dm_arb_plan")
        arb = _renal_diabetes(ctx, states) & (rng.random(len(dm)) < 0.5)
        diag = states["DM"].diagnosis[dm.idx]
        parts += _issues(
            ctx, "dm_arb", "AII_COD", dm.idx[arb], _start_after(ctx, "dm_arb", diag)[arb], dm.end[arb]
        )
    return parts
