"""Coded care histories: HbA1c, blood pressure, frailty, exception (PCA) codes, invitations,
BMI and repeat prescriptions, all drawn from clusters of the cluster seed, then every
clinical-area plugin of `care/`.

Each history is built for many patients at once: a reading schedule (`histories`) is a
patients x slots matrix of days counted back from each patient's latest reading, masked where it
falls before the patient's first monitored day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qof_warehouse.synthetic.care import add_plugin_histories, plugin_medication_parts
from qof_warehouse.synthetic.common import (
    DAYS_PER_YEAR,
    NEVER,
    UNIT_KG_M2,
    UNIT_MMHG,
    UNIT_MMOL_MOL,
    UNIT_UMOL_L,
    ClusterCodes,
    uniform_days,
)
from qof_warehouse.synthetic.conditions import ConditionState
from qof_warehouse.synthetic.histories import (
    CareOutcome,
    Context,
    add_exception_codes,
    add_invitations,
    latest_per_owner,
    schedule_readings,
)

# National rates of the calibrated care processes (docs/calibration.md), before each practice's
# shortfall (Practices.care_rate). Blood pressure: the latest reading at target for hypertension,
# a reading in the 12 months and the latest at target for secondary prevention (CHD, stroke/TIA,
# PAD); the share of adults 40+ off those registers whose BP is checked every few years (BP002).
SECONDARY_PREVENTION = ("CHD", "STIA", "PAD")
BP_CONTROL_HYP = 0.76
BP_RECALL_SECONDARY = 0.94
BP_CONTROL_SECONDARY = 0.88
BP_CHECKED_SHARE = 0.86
# Repeat prescribing of the calibrated treatments: stops within the history for this share of
# patients (the others' issues run to their last day).
CALIBRATED_STOP_SHARE = 0.03
DEFAULT_STOP_SHARE = 0.08


# --------------------------------------------------------------------------------------------
# Diabetes: frailty, HbA1c, fructosamine
# --------------------------------------------------------------------------------------------


def add_frailty(ctx: Context, idx: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Frailty codes for elderly patients; True where the latest is moderate or severe."""
    codes = ctx.codes
    rng = ctx.rng("frailty")
    modsev = np.zeros(len(idx), dtype=bool)
    if not codes.has("MODFRAIL_COD") and not codes.has("SEVFRAIL_COD"):
        return modsev
    age = ctx.pop.age_ref[idx]
    p_modsev = np.where(age >= 85, 0.2, np.where(age >= 75, 0.12, np.where(age >= 65, 0.06, 0.0)))
    p_mild = np.where(age >= 65, 0.1, 0.0) if codes.has("MILDFRAIL_COD") else np.zeros(len(idx))
    u = rng.random(len(idx))
    modsev = u < p_modsev
    mild = (~modsev) & (u < p_modsev + p_mild)
    low = np.maximum(start, ctx.pop.ref_end[idx] - 3 * 365)
    ok = low <= end
    modsev &= ok
    mild &= ok
    day = uniform_days(rng, low, np.maximum(low, end))
    severe = modsev & (rng.random(len(idx)) < 0.3)
    sev_cluster = "SEVFRAIL_COD" if codes.has("SEVFRAIL_COD") else "MODFRAIL_COD"
    mod_cluster = "MODFRAIL_COD" if codes.has("MODFRAIL_COD") else "SEVFRAIL_COD"
    for mask, cluster in ((severe, sev_cluster), (modsev & ~severe, mod_cluster)):
        ctx.buf.add(idx[mask], day[mask], codes.pick_cluster(rng, cluster, int(mask.sum())))
    if codes.has("MILDFRAIL_COD"):
        ctx.buf.add(idx[mild], day[mild], codes.pick_cluster(rng, "MILDFRAIL_COD", int(mild.sum())))
        # Some moderately/severely frail patients were mildly frail a year or two before;
        # a few mildly frail ones were coded moderate before (latest code is what counts).
        earlier = day - rng.integers(200, 730, size=len(idx))
        before_mild = modsev & (rng.random(len(idx)) < 0.3) & (earlier >= start)
        ctx.buf.add(
            idx[before_mild],
            earlier[before_mild],
            codes.pick_cluster(rng, "MILDFRAIL_COD", int(before_mild.sum())),
        )
        improved = mild & (rng.random(len(idx)) < 0.05) & (earlier >= start)
        ctx.buf.add(
            idx[improved], earlier[improved], codes.pick_cluster(rng, mod_cluster, int(improved.sum()))
        )
        ctx.edges.add("frailty_moderate_then_mild_latest", int(improved.sum()))
    ctx.edges.add("diabetes_moderate_or_severe_frailty", int(modsev.sum()))
    return modsev


def _hba1c_latest(rng: np.random.Generator, threshold: np.ndarray, controlled: np.ndarray) -> np.ndarray:
    """Latest HbA1c (mmol/mol) on or under the threshold when controlled, above it otherwise."""
    n = len(threshold)
    under = np.minimum(threshold, np.round(rng.normal(threshold - 9.0, 5.5, n)))
    over = threshold + 1 + np.floor(rng.gamma(1.5, 9.0, n))
    return np.clip(np.where(controlled, under, over), 30, 150)


def add_diabetes_care(ctx: Context, dm: ConditionState) -> CareOutcome | None:
    """HbA1c history (plus fructosamine and frailty) for every diabetic patient."""
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    idx = np.flatnonzero(dm.has).astype(np.int32)
    if len(idx) == 0:
        return None
    rng = ctx.rng("diabetes_care")
    start = np.maximum.reduce([dm.diagnosis[idx], np.full(len(idx), cal.history_start), pop.dob[idx]])
    end = np.minimum(pop.ref_end[idx], dm.care_stop[idx]).astype(np.int32)
    wl = ctx.window_low(idx)
    modsev = add_frailty(ctx, idx, start, end)
    practice = pop.practice[idx]
    type1_index = next((i for i, s in enumerate(dm.condition.subtypes) if s.cluster == "DMTYPE1_COD"), -2)
    type1 = dm.subtype[idx] == type1_index
    recall = ctx.practices.recall[practice] * np.where(pop.age_ref[idx] < 40, 0.92, 1.0)
    recent = rng.random(len(idx)) < recall
    threshold = np.where(modsev, 75.0, 58.0)
    p_ctrl = np.where(modsev, 0.85, np.where(type1, 0.35, 0.83)) * ctx.practices.control[practice]
    controlled = rng.random(len(idx)) < np.clip(p_ctrl, 0.02, 0.98)
    latest_value = _hba1c_latest(rng, threshold, controlled)

    latest_recent = np.full(len(idx), -1, dtype=np.int32)
    if codes.has("IFCCHBAM_COD"):
        alive = pop.ref_end[idx] == cal.ach_day
        readings = schedule_readings(rng, start, end, wl, recent, (120, 365), (alive, ctx.edges, "hba1c"))
        value = np.where(
            readings.latest,
            latest_value[readings.owner],
            np.clip(np.round(latest_value[readings.owner] + rng.normal(0, 7, len(readings.day))), 30, 150),
        )
        code = codes.pick_cluster(rng, "IFCCHBAM_COD", len(readings.day))
        ctx.buf.add(idx[readings.owner], readings.day, code, value, UNIT_MMOL_MOL)
        latest_day = latest_per_owner(readings, len(idx))
        latest_recent = np.where(latest_day > wl, latest_day, -1).astype(np.int32)

    no_reading = latest_recent < 0
    if codes.has("SERFRUC_COD"):
        fruc = no_reading & (rng.random(len(idx)) < 0.06) & (np.maximum(start, wl + 1) <= end)
        lo = np.maximum(start, wl + 1)[fruc]
        day = uniform_days(rng, lo, end[fruc])
        value = np.clip(np.round(rng.normal(300, 50, int(fruc.sum()))), 150, 600)
        code = codes.pick_cluster(rng, "SERFRUC_COD", int(fruc.sum()))
        ctx.buf.add(idx[fruc], day, code, value, UNIT_UMOL_L)
        ctx.edges.add("fructosamine_without_hba1c_in_year", int(fruc.sum()))
    achieved = ~no_reading & controlled
    return CareOutcome(idx, latest_recent, achieved)


# --------------------------------------------------------------------------------------------
# Blood pressure
# --------------------------------------------------------------------------------------------


def _bp_pairs(
    rng: np.random.Generator, sys_t: np.ndarray, dia_t: np.ndarray, controlled: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Systolic and diastolic values: within both thresholds when controlled, else above one."""
    n = len(sys_t)
    c_sys = np.clip(np.minimum(sys_t, np.round(rng.normal(sys_t - 15, 9, n))), 95, None)
    c_dia = np.clip(np.minimum(dia_t, np.round(rng.normal(dia_t - 12, 7, n))), 50, None)
    systolic_high = rng.random(n) < 0.75
    u_sys = np.where(
        systolic_high,
        sys_t + 1 + np.floor(rng.gamma(2.0, 7.0, n)),
        np.clip(np.round(rng.normal(sys_t - 10, 8, n)), 100, sys_t),
    )
    u_dia = np.where(
        systolic_high,
        np.clip(np.round(rng.normal(84, 8, n)), 55, 115),
        dia_t + 1 + np.floor(rng.gamma(1.5, 4.0, n)),
    )
    sys = np.where(controlled, c_sys, u_sys)
    dia = np.where(controlled, c_dia, u_dia)
    low_gap = sys < dia + 15
    sys = np.where(low_gap, dia + 15 + rng.integers(0, 11, n), sys)
    return sys, dia


def _bp_codes(
    codes: ClusterCodes, rng: np.random.Generator, home: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Matched systolic/diastolic codes (the n-th code of each cluster pairs with the n-th)."""
    n = len(home)
    sys_code = np.empty(n, dtype=np.int32)
    dia_code = np.empty(n, dtype=np.int32)
    for is_home, (s_cl, d_cl) in (
        (False, ("SYSBP_COD", "DIABP_COD")),
        (True, ("HOMESYSBP_COD", "HOMEDIABP_COD")),
    ):
        rows = home == is_home
        if not rows.any():
            continue
        if is_home:
            s_idx, d_idx = codes.indexes(s_cl), codes.indexes(d_cl)
        else:  # clinic readings: the BP codes that are not home or ambulatory codes
            s_idx = codes.indexes_without(s_cl, "HOMESYSBP_COD", "HOMEDIABP_COD")
            d_idx = codes.indexes_without(d_cl, "HOMESYSBP_COD", "HOMEDIABP_COD")
        pos = codes.pick(rng, np.arange(len(s_idx), dtype=np.int32), int(rows.sum()))
        sys_code[rows] = s_idx[pos]
        dia_code[rows] = d_idx[pos % len(d_idx)]
    return sys_code, dia_code


def _write_bp(
    ctx: Context,
    rng: np.random.Generator,
    patient: np.ndarray,
    day: np.ndarray,
    home: np.ndarray,
    sys: np.ndarray,
    dia: np.ndarray,
) -> None:
    sys_code, dia_code = _bp_codes(ctx.codes, rng, home)
    ctx.buf.add(patient, day, sys_code, sys, UNIT_MMHG)
    ctx.buf.add(patient, day, dia_code, dia, UNIT_MMHG)


def add_blood_pressure_care(ctx: Context, states: dict[str, ConditionState]) -> CareOutcome | None:
    """BP pairs every ~6-12 months for patients on BP-monitored registers (HYP, DM, CHD, ...)."""
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    drivers = [s for s in states.values() if s.condition.monitor_bp]
    if not drivers or not codes.has("SYSBP_COD", "DIABP_COD"):
        return None
    rng = ctx.rng("blood_pressure_care")
    n = pop.n
    first = np.full(n, NEVER, dtype=np.int64)
    stop = np.full(n, -1, dtype=np.int64)
    for s in drivers:
        first = np.where(s.has, np.minimum(first, s.diagnosis), first)
        stop = np.where(s.has, np.maximum(stop, np.minimum(pop.ref_end, s.care_stop)), stop)
    idx = np.flatnonzero(stop >= 0).astype(np.int32)
    start = np.maximum.reduce([first[idx], np.full(len(idx), cal.history_start), pop.dob[idx]])
    end = stop[idx].astype(np.int32)
    start = start.astype(np.int32)
    wl = ctx.window_low(idx)
    practice = pop.practice[idx]
    hyp = states["HYP"].has[idx] if "HYP" in states else np.zeros(len(idx), dtype=bool)
    secondary = np.zeros(len(idx), dtype=bool)
    for name in SECONDARY_PREVENTION:
        if name in states:
            secondary |= states[name].has[idx]
    # Hypertension and secondary prevention follow the calibrated national rates with each
    # practice's shortfall (docs/calibration.md); other BP-monitored patients the older model.
    calibrated = hyp | secondary
    p_recent = np.where(
        secondary,
        ctx.practices.care_rate(BP_RECALL_SECONDARY, practice),
        np.clip(ctx.practices.recall[practice] + 0.02, 0, 0.99),
    )
    recent = rng.random(len(idx)) < p_recent
    p_ctrl = np.where(
        calibrated,
        ctx.practices.care_rate(np.where(secondary, BP_CONTROL_SECONDARY, BP_CONTROL_HYP), practice),
        np.clip(0.82 * ctx.practices.control[practice], 0.02, 0.98),
    )
    controlled = rng.random(len(idx)) < p_ctrl
    alive = pop.ref_end[idx] == cal.ach_day
    readings = schedule_readings(rng, start, end, wl, recent, (180, 365), (alive, ctx.edges, "bp"))
    owner = readings.owner
    has_home = codes.has("HOMESYSBP_COD", "HOMEDIABP_COD")
    home = (rng.random(len(owner)) < 0.1) & has_home
    old = pop.age_at_ach[idx[owner]] >= 80
    sys_t = np.where(home, np.where(old, 145.0, 135.0), np.where(old, 150.0, 140.0))
    dia_t = np.where(home, 85.0, 90.0)
    sys, dia = _bp_pairs(rng, sys_t, dia_t, controlled[owner])
    # Earlier readings wander around the patient's latest one.
    latest_row = np.full(len(idx), -1, dtype=np.int64)
    latest_row[owner[readings.latest]] = np.flatnonzero(readings.latest)
    base = latest_row[owner]
    jitter_s = np.round(rng.normal(0, 10, len(owner)))
    jitter_d = np.round(rng.normal(0, 6, len(owner)))
    sys = np.where(readings.latest, sys, np.clip(sys[base] + jitter_s, 90, 230))
    dia = np.where(readings.latest, dia, np.clip(dia[base] + jitter_d, 45, 130))
    sys = np.maximum(sys, dia + 15)
    _write_bp(ctx, rng, idx[owner], readings.day, home, sys, dia)

    # Some days have a second, lower reading (the same-day policy then matters).
    again = rng.random(len(owner)) < 0.03
    sys2 = sys[again] - rng.integers(3, 13, int(again.sum()))
    dia2 = np.minimum(dia[again] - rng.integers(1, 7, int(again.sum())), sys2 - 10)
    _write_bp(ctx, rng, idx[owner[again]], readings.day[again], home[again], sys2, dia2)
    ctx.edges.add("bp_second_reading_same_day", int(again.sum()))

    latest_day = latest_per_owner(readings, len(idx))
    latest_recent = np.where(latest_day > wl, latest_day, -1).astype(np.int32)
    achieved = (latest_recent >= 0) & controlled
    return CareOutcome(idx, latest_recent, achieved)


def add_opportunistic_bp(ctx: Context, monitored: np.ndarray) -> None:
    """Occasional BP checks for adults 40+ who are not on a BP-monitored register."""
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    if not codes.has("SYSBP_COD", "DIABP_COD"):
        return
    rng = ctx.rng("opportunistic_bp")
    candidates = (
        ~monitored
        & (pop.age_ref >= 40)
        & (rng.random(pop.n) < ctx.practices.care_rate(BP_CHECKED_SHARE, pop.practice))
    )
    idx = np.flatnonzero(candidates).astype(np.int32)
    start = np.maximum(cal.history_start, pop.dob[idx] + int(40 * DAYS_PER_YEAR)).astype(np.int32)
    end = pop.ref_end[idx]
    recent = rng.random(len(idx)) < 0.35
    readings = schedule_readings(rng, start, end, ctx.window_low(idx), recent, (365, 1460))
    age = pop.age_ref[idx[readings.owner]]
    sys = np.clip(np.round(rng.normal(121 + 0.45 * (age - 40), 13)), 90, 200)
    dia = np.clip(np.round(rng.normal(77, 8, len(age))), 45, 115)
    sys = np.maximum(sys, dia + 15)
    home = np.zeros(len(age), dtype=bool)
    _write_bp(ctx, rng, idx[readings.owner], readings.day, home, sys, dia)


# --------------------------------------------------------------------------------------------
# Other measurements
# --------------------------------------------------------------------------------------------


def add_bmi(ctx: Context, states: dict[str, ConditionState]) -> None:
    """BMI readings for adults, if the seed has a BMI value cluster."""
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    cluster = codes.first_present(("BMIVAL_COD", "BMI_COD"))
    if cluster is None:
        return
    rng = ctx.rng("bmi")
    chronic = np.zeros(pop.n, dtype=bool)
    for s in states.values():
        chronic |= s.has
    measured = (pop.age_ref >= 18) & (rng.random(pop.n) < 0.75)
    idx = np.flatnonzero(measured).astype(np.int32)
    recent = rng.random(len(idx)) < np.where(chronic[idx], 0.6, 0.25)
    start = np.maximum(cal.history_start, pop.dob[idx] + int(18 * DAYS_PER_YEAR)).astype(np.int32)
    readings = schedule_readings(rng, start, pop.ref_end[idx], ctx.window_low(idx), recent, (365, 1095))
    level = np.exp(rng.normal(np.log(27.0), 0.17, len(idx))) + np.where(chronic[idx], 1.5, 0.0)
    value = np.round(np.clip(level[readings.owner] + rng.normal(0, 0.8, len(readings.day)), 14, 70), 1)
    code = codes.pick_cluster(rng, cluster, len(readings.day))
    ctx.buf.add(idx[readings.owner], readings.day, code, value, UNIT_KG_M2)


def add_ndh_monitoring(ctx: Context, ndh: ConditionState) -> None:
    """Yearly HbA1c (42-47 mmol/mol) for most patients with non-diabetic hyperglycaemia."""
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    if not codes.has("IFCCHBAM_COD"):
        return
    rng = ctx.rng("ndh_monitoring")
    idx = np.flatnonzero(ndh.on_register).astype(np.int32)
    start = np.maximum.reduce([ndh.diagnosis[idx], np.full(len(idx), cal.history_start), pop.dob[idx]])
    recent = rng.random(len(idx)) < 0.85 * ctx.practices.recall[pop.practice[idx]]
    readings = schedule_readings(
        rng, start.astype(np.int32), pop.ref_end[idx], ctx.window_low(idx), recent, (300, 450)
    )
    value = rng.integers(42, 48, size=len(readings.day)).astype(np.float64)
    code = codes.pick_cluster(rng, "IFCCHBAM_COD", len(readings.day))
    ctx.buf.add(idx[readings.owner], readings.day, code, value, UNIT_MMOL_MOL)


# --------------------------------------------------------------------------------------------
# Repeat prescriptions (dm+d)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Treatment:
    """Repeat prescribing of one dm+d cluster to a share of a register's patients."""

    clusters: tuple[str, ...]  # alternative names; the first present in the seed is used
    conditions: tuple[str, ...]
    share: float
    min_age: int = 0
    group: str = ""  # at most one treatment of a group per patient (e.g. ACE-I or ARB)
    calibrated: bool = False  # share is a national rate with each practice's shortfall
    stop_share: float = DEFAULT_STOP_SHARE  # patients whose issues stop within the history


TREATMENTS: tuple[Treatment, ...] = (
    Treatment(("STAT_COD",), ("CHD", "STIA", "PAD"), 0.98, calibrated=True, stop_share=CALIBRATED_STOP_SHARE),
    Treatment(("STAT_COD",), ("DM",), 0.45, min_age=40),
    Treatment(("STAT_COD",), ("CKD",), 0.93, calibrated=True, stop_share=CALIBRATED_STOP_SHARE),
    Treatment(
        ("ACEI_COD", "ACE_COD"),
        ("HF",),
        0.85,
        group="raas",
        calibrated=True,
        stop_share=CALIBRATED_STOP_SHARE,
    ),
    Treatment(("ACEI_COD", "ACE_COD"), ("HYP",), 0.35, group="raas"),
    Treatment(("ARB_COD", "AII_COD"), ("HYP",), 0.2, group="raas"),
    Treatment(("ASTTRT_COD",), ("AST",), 0.85),
    Treatment(("EPILDRUG_COD",), ("EP",), 0.85),
    Treatment(("LIT_COD",), ("MH",), 0.08),
)


@dataclass
class MedicationColumns:
    patient: np.ndarray
    day: np.ndarray
    code: np.ndarray
    quantity: np.ndarray

    def __len__(self) -> int:
        return len(self.patient)


def build_medications(ctx: Context, states: dict[str, ConditionState]) -> MedicationColumns:
    """Repeat issues every ~28-56 days for treated patients (empty without dm+d clusters)."""
    codes, pop, cal = ctx.codes, ctx.pop, ctx.cal
    parts: list[tuple[np.ndarray, ...]] = []
    in_group: dict[str, np.ndarray] = {}
    starts: dict[str, np.ndarray] = {}
    stop_shares: dict[str, np.ndarray] = {}
    for t_no, treatment in enumerate(TREATMENTS):
        cluster = codes.first_present(treatment.clusters)
        if cluster is None or codes.system_of(cluster) != "dmd":
            continue
        triggers = [states[c] for c in treatment.conditions if c in states]
        if not triggers:
            continue
        rng = ctx.rng(f"treatment:{t_no}:{cluster}")
        diag = np.full(pop.n, NEVER, dtype=np.int64)
        for s in triggers:
            diag = np.where(s.on_register, np.minimum(diag, s.diagnosis), diag)
        share = (
            ctx.practices.care_rate(treatment.share, pop.practice)
            if treatment.calibrated
            else treatment.share
        )
        chosen = (diag != NEVER) & (pop.age_ref >= treatment.min_age) & (rng.random(pop.n) < share)
        if treatment.group:
            taken = in_group.setdefault(treatment.group, np.zeros(pop.n, dtype=bool))
            chosen &= ~taken
            taken |= chosen
        begin = np.where(chosen, diag + rng.integers(0, 181, pop.n), NEVER)
        earlier = starts.get(cluster, np.full(pop.n, NEVER, np.int64))
        # A patient's issues stop (or not) as the treatment that started them first says.
        stop = stop_shares.get(cluster, np.full(pop.n, DEFAULT_STOP_SHARE))
        stop_shares[cluster] = np.where(begin < earlier, treatment.stop_share, stop)
        starts[cluster] = np.minimum(earlier, begin)
    for cluster, begin in starts.items():
        rng = ctx.rng(f"issues:{cluster}")
        idx = np.flatnonzero(begin <= pop.ref_end).astype(np.int32)
        first = np.maximum(begin[idx], cal.history_start)
        stop = pop.ref_end[idx].astype(np.int64)
        stopped = rng.random(len(idx)) < stop_shares[cluster][idx]
        stop = np.where(stopped, first + np.floor(rng.random(len(idx)) * (stop - first + 1)), stop)
        interval = rng.choice([28, 56], size=len(idx), p=[0.6, 0.4])
        n_issues = np.where(stop >= first, (stop - first) // interval + 1, 0).astype(np.int64)
        owner = np.repeat(np.arange(len(idx)), n_issues)
        k = np.arange(int(n_issues.sum())) - np.repeat(np.cumsum(n_issues) - n_issues, n_issues)
        day = first[owner] + k * interval[owner] + rng.integers(-3, 4, size=len(owner))
        day = np.clip(day, first[owner], stop[owner])
        dmd = codes.pick_cluster(rng, cluster, len(idx))
        parts.append((idx[owner], day.astype(np.int32), dmd[owner], interval[owner].astype(np.float64)))
    parts.extend(plugin_medication_parts(ctx, states))
    if not parts:
        empty = np.empty(0, dtype=np.int32)
        return MedicationColumns(empty, empty.copy(), empty.copy(), np.empty(0))
    cols = [np.concatenate([p[i] for p in parts]) for i in range(4)]
    order = np.lexsort((cols[2], cols[1], cols[0]))
    return MedicationColumns(*(c[order] for c in cols))


def add_care_histories(ctx: Context, states: dict[str, ConditionState]) -> None:
    """Every coded care history the seed's clusters allow."""
    pop = ctx.pop
    dm_care = add_diabetes_care(ctx, states["DM"]) if "DM" in states else None
    bp_care = add_blood_pressure_care(ctx, states)
    if dm_care is not None:
        dm = states["DM"]
        start = np.maximum(dm.diagnosis[dm_care.idx], pop.dob[dm_care.idx])
        add_exception_codes(
            ctx, "DM", dm_care, start,
            (("DMMAX_COD", 0.015), ("DMPCAPU_COD", 0.015), ("DMPCADEC_COD", 0.02), ("BLDTESTDEC_COD", 0.015)),
        )  # fmt: skip
        add_invitations(ctx, "DM", "DMINVITE_COD", dm_care, start)
    if bp_care is not None and "HYP" in states:
        hyp = states["HYP"]
        rows = hyp.has[bp_care.idx]
        hyp_care = CareOutcome(bp_care.idx[rows], bp_care.latest_recent_day[rows], bp_care.achieved[rows])
        start = np.maximum(hyp.diagnosis[hyp_care.idx], pop.dob[hyp_care.idx])
        add_exception_codes(
            ctx, "HYP", hyp_care, start,
            (("HTMAX_COD", 0.02), ("HYPPCAPU_COD", 0.015), ("HYPPCADEC_COD", 0.02), ("BPDEC_COD", 0.015)),
        )  # fmt: skip
        add_invitations(ctx, "HYP", "HYPINVITE_COD", hyp_care, start)
    monitored = np.zeros(pop.n, dtype=bool)
    if bp_care is not None:
        monitored[bp_care.idx] = True
    add_opportunistic_bp(ctx, monitored)
    add_bmi(ctx, states)
    if "NDH" in states:
        add_ndh_monitoring(ctx, states["NDH"])
    add_plugin_histories(ctx, states)
