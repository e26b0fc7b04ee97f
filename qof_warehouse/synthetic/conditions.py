"""Conditions (disease registers) of the synthetic extract, as a data-driven table.

Each entry names its diagnosis and resolved clusters, an age-specific prevalence curve, a sex
ratio and the register prevalence to reach at the achievement date. An entry whose diagnosis
clusters are all absent from the cluster seed is skipped, so a register appears in the extract
as soon as its clusters are added to `seeds/reference/qof_cluster_codes.csv`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qof_warehouse.synthetic.common import (
    DAYS_PER_YEAR,
    NEVER,
    SEX_CODES,
    ClusterCodes,
    EdgeCounter,
    EventBuffer,
    child_rng,
    interpolate_curve,
)
from qof_warehouse.synthetic.population import Population, Practices

PREVALENCE_CAP = 0.9  # no age group is ever certain to have a condition
REPEAT_CODE_SHARE = 0.2  # diagnoses coded again later (e.g. at a review)
GENERIC_FIRST_SHARE = 0.15  # subtyped conditions first coded with an unspecific code


@dataclass(frozen=True)
class Subtype:
    """A share of a condition's patients coded with a subtype cluster (e.g. type 1 diabetes).

    `age_weights` shapes who gets the subtype; the share is reached among register patients at
    or above the condition's minimum age. The last subtype of a condition takes the rest.
    """

    cluster: str
    share: float
    age_weights: tuple[tuple[float, float], ...] = ((0.0, 1.0), (105.0, 1.0))


@dataclass(frozen=True)
class Condition:
    """One register-like condition."""

    name: str
    diagnosis_clusters: tuple[str, ...]
    prevalence: float  # register share of GMS patients aged >= min_age at the achievement date
    age_curve: tuple[tuple[float, float], ...]  # (age, relative risk) knots
    resolved_cluster: str | None = None
    min_age: int = 0
    male_ratio: float = 1.0  # risk of males relative to females
    mean_years_since_diagnosis: float = 8.0
    min_onset_age: float = 0.0
    resolved_share: float = 0.015  # of diagnosed patients, later resolved
    rediagnosed_share: float = 0.25  # of resolved patients, diagnosed again later
    cluster_weights: tuple[float, ...] = ()  # how diagnoses split over diagnosis_clusters
    comorbidity: tuple[tuple[str, float], ...] = ()  # risk multipliers from earlier entries
    exclusive_with: tuple[str, ...] = ()  # never on the register together with these
    subtypes: tuple[Subtype, ...] = ()
    monitor_bp: bool = False  # blood pressure is recorded as part of the register's care


# Order matters: comorbidity and exclusions refer to entries listed earlier.
CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "HYP", ("HYP_COD",), 0.14,
        ((0, 0.0), (15, 0.0005), (20, 0.004), (30, 0.02), (40, 0.06), (50, 0.15), (60, 0.28),
         (70, 0.42), (80, 0.55), (90, 0.6), (105, 0.6)),
        resolved_cluster="HYPRES_COD", male_ratio=1.1, mean_years_since_diagnosis=9.0,
        min_onset_age=12, monitor_bp=True,
    ),
    Condition(
        "DM", ("DM_COD",), 0.075,
        ((0, 0.0005), (10, 0.002), (16, 0.003), (20, 0.006), (30, 0.015), (40, 0.04),
         (50, 0.08), (60, 0.13), (70, 0.18), (80, 0.19), (90, 0.15), (105, 0.12)),
        resolved_cluster="DMRES_COD", min_age=17, male_ratio=1.35,
        mean_years_since_diagnosis=9.0, min_onset_age=1, comorbidity=(("HYP", 1.8),),
        subtypes=(
            Subtype("DMTYPE1_COD", 0.08, ((0, 40.0), (16.9, 40.0), (17, 5.0), (39, 5.0), (40, 1.0))),
            Subtype("DMTYPE2_COD", 0.92),
        ),
        monitor_bp=True,
    ),
    Condition(
        "CHD", ("CHD_COD",), 0.03,
        ((0, 0.0), (30, 0.001), (40, 0.005), (50, 0.02), (60, 0.05), (70, 0.10), (80, 0.16),
         (90, 0.18), (105, 0.18)),
        male_ratio=2.0, mean_years_since_diagnosis=9.0, min_onset_age=25,
        comorbidity=(("HYP", 1.8), ("DM", 1.8)), resolved_share=0.0, monitor_bp=True,
    ),
    Condition(
        "AF", ("AFIB_COD", "AF_COD"), 0.02,
        ((0, 0.0), (30, 0.001), (50, 0.008), (60, 0.02), (70, 0.05), (80, 0.10), (90, 0.14),
         (105, 0.14)),
        resolved_cluster="AFIBRES_COD", male_ratio=1.4, mean_years_since_diagnosis=6.0,
        min_onset_age=20, comorbidity=(("HYP", 1.6),), resolved_share=0.02,
    ),
    Condition(
        "STIA", ("STRK_COD", "TIA_COD"), 0.019,
        ((0, 0.0), (20, 0.0005), (40, 0.003), (50, 0.008), (60, 0.02), (70, 0.045), (80, 0.08),
         (90, 0.11), (105, 0.11)),
        male_ratio=1.2, mean_years_since_diagnosis=7.0, min_onset_age=18,
        cluster_weights=(0.7, 0.3), comorbidity=(("HYP", 1.8), ("AF", 2.0)),
        resolved_share=0.0, monitor_bp=True,
    ),
    Condition(
        "HF", ("HF_COD",), 0.01,
        ((0, 0.0), (40, 0.001), (50, 0.003), (60, 0.008), (70, 0.02), (80, 0.045), (90, 0.08),
         (105, 0.08)),
        resolved_cluster="HFRES_COD", male_ratio=1.5, mean_years_since_diagnosis=5.0,
        min_onset_age=30, comorbidity=(("CHD", 3.0), ("AF", 2.5), ("HYP", 1.5)),
        resolved_share=0.02, monitor_bp=True,
    ),
    Condition(
        "PAD", ("PAD_COD",), 0.006,
        ((0, 0.0), (40, 0.001), (50, 0.003), (60, 0.008), (70, 0.018), (80, 0.03), (105, 0.03)),
        male_ratio=1.6, mean_years_since_diagnosis=7.0, min_onset_age=35,
        comorbidity=(("DM", 2.0),), resolved_share=0.0, monitor_bp=True,
    ),
    Condition(
        "CKD", ("CKD_COD",), 0.04,
        ((0, 0.0), (18, 0.002), (40, 0.005), (50, 0.015), (60, 0.04), (70, 0.10), (80, 0.20),
         (90, 0.30), (105, 0.3)),
        resolved_cluster="CKDRES_COD", min_age=18, male_ratio=0.8,
        mean_years_since_diagnosis=6.0, min_onset_age=18,
        comorbidity=(("HYP", 2.0), ("DM", 2.0)), resolved_share=0.02, monitor_bp=True,
    ),
    Condition(
        "AST", ("AST_COD",), 0.065,
        ((0, 0.01), (6, 0.06), (15, 0.09), (25, 0.07), (50, 0.065), (70, 0.07), (90, 0.05),
         (105, 0.05)),
        resolved_cluster="ASTRES_COD", min_age=6, male_ratio=0.85,
        mean_years_since_diagnosis=11.0, min_onset_age=1, resolved_share=0.03,
    ),
    Condition(
        "COPD", ("COPD_COD",), 0.019,
        ((0, 0.0), (35, 0.0), (40, 0.004), (50, 0.01), (60, 0.03), (70, 0.055), (80, 0.07),
         (90, 0.06), (105, 0.05)),
        resolved_cluster="COPDRES_COD", male_ratio=1.1, mean_years_since_diagnosis=8.0,
        min_onset_age=35, resolved_share=0.005,
    ),
    Condition(
        "CAN", ("CAN_COD",), 0.035,
        ((0, 0.0005), (30, 0.005), (50, 0.025), (60, 0.05), (70, 0.09), (80, 0.12),
         (105, 0.12)),
        mean_years_since_diagnosis=6.0, resolved_share=0.0,
    ),
    Condition(
        "PC", ("PALCARE_COD",), 0.005,
        ((0, 0.0002), (40, 0.001), (60, 0.004), (70, 0.008), (80, 0.015), (90, 0.03),
         (105, 0.04)),
        resolved_cluster="PALCARENI_COD", mean_years_since_diagnosis=1.2,
        comorbidity=(("CAN", 4.0), ("HF", 2.0)), resolved_share=0.05,
    ),
    Condition(
        "DEM", ("DEM_COD",), 0.007,
        ((0, 0.0), (50, 0.0), (65, 0.01), (70, 0.02), (75, 0.04), (80, 0.08), (85, 0.14),
         (90, 0.22), (105, 0.3)),
        male_ratio=0.7, mean_years_since_diagnosis=3.0, min_onset_age=50, resolved_share=0.0,
    ),
    Condition(
        "MH", ("MH_COD",), 0.01,
        ((0, 0.0), (15, 0.0), (18, 0.005), (25, 0.01), (40, 0.012), (60, 0.01), (80, 0.008),
         (105, 0.006)),
        resolved_cluster="MHREM_COD", male_ratio=1.1, mean_years_since_diagnosis=12.0,
        min_onset_age=15, resolved_share=0.1,
    ),
    Condition(
        "DEP", ("DEPR_COD",), 0.13,
        ((0, 0.0), (15, 0.0), (18, 0.08), (25, 0.15), (40, 0.16), (60, 0.14), (80, 0.11),
         (105, 0.1)),
        resolved_cluster="DEPRES_COD", min_age=18, male_ratio=0.55,
        mean_years_since_diagnosis=6.0, min_onset_age=15, resolved_share=0.05,
    ),
    Condition(
        "EP", ("EPIL_COD",), 0.008,
        ((0, 0.004), (18, 0.008), (60, 0.009), (80, 0.01), (105, 0.01)),
        resolved_cluster="EPILRES_COD", min_age=18, male_ratio=1.1,
        mean_years_since_diagnosis=15.0, resolved_share=0.02,
    ),
    Condition(
        "LD", ("LD_COD",), 0.006,
        ((0, 0.004), (10, 0.007), (30, 0.006), (60, 0.004), (80, 0.002), (105, 0.001)),
        male_ratio=1.6, mean_years_since_diagnosis=20.0, resolved_share=0.0,
    ),
    Condition(
        "OST", ("OSTEO_COD",), 0.009,
        ((0, 0.0), (49, 0.0), (50, 0.002), (60, 0.005), (70, 0.012), (80, 0.025), (90, 0.04),
         (105, 0.04)),
        min_age=50, male_ratio=0.2, mean_years_since_diagnosis=5.0, min_onset_age=45,
        resolved_share=0.0,
    ),
    Condition(
        "RA", ("RARTH_COD",), 0.008,
        ((0, 0.0), (16, 0.001), (30, 0.004), (50, 0.01), (70, 0.016), (90, 0.015),
         (105, 0.015)),
        min_age=16, male_ratio=0.4, mean_years_since_diagnosis=10.0, min_onset_age=16,
        resolved_share=0.0,
    ),
    Condition(
        "NDH", ("NDH_COD", "IGT_COD", "PRD_COD"), 0.06,
        ((0, 0.0), (17, 0.0), (18, 0.005), (30, 0.015), (40, 0.04), (50, 0.07), (60, 0.1),
         (70, 0.13), (80, 0.13), (105, 0.1)),
        min_age=18, mean_years_since_diagnosis=4.0, min_onset_age=18, resolved_share=0.0,
        cluster_weights=(0.8, 0.12, 0.08), exclusive_with=("DM",),
    ),
)  # fmt: skip


@dataclass
class ConditionState:
    """One condition across all patients (diagnosed or not)."""

    condition: Condition
    has: np.ndarray  # ever diagnosed
    diagnosis: np.ndarray  # first diagnosis day (NEVER when not diagnosed)
    resolved: np.ndarray  # resolved code recorded after the diagnosis
    resolve_day: np.ndarray
    rediagnosed: np.ndarray  # diagnosed again after the resolved code
    rediagnosis_day: np.ndarray
    subtype: np.ndarray  # index into condition.subtypes, -1 when none
    codes_used: dict[str, int] = field(default_factory=dict)

    @property
    def on_register(self) -> np.ndarray:
        """Latest diagnosis not followed by a resolved code (at the patient's last day)."""
        return self.has & (~self.resolved | self.rediagnosed)

    @property
    def care_stop(self) -> np.ndarray:
        """Last day the condition is actively cared for (the day before an unreversed resolution)."""
        return np.where(self.resolved & ~self.rediagnosed, self.resolve_day - 1, NEVER)


def active_conditions(codes: ClusterCodes) -> tuple[Condition, ...]:
    """The conditions whose diagnosis clusters the seed holds."""
    return tuple(c for c in CONDITIONS if any(codes.has(k) for k in c.diagnosis_clusters))


def _calibrate(p: np.ndarray, eligible: np.ndarray, target: float) -> float:
    """Scale k so that mean(min(k * p, cap)) over the eligible patients equals target."""
    base = p[eligible]
    if len(base) == 0 or base.sum() <= 0:
        return 0.0
    k = target / base.mean()
    for _ in range(40):
        reached = np.minimum(k * base, PREVALENCE_CAP).mean()
        if reached <= 0 or abs(reached - target) < 1e-7:
            break
        k *= target / reached
    return float(k)


def _diagnosis_day(rng: np.random.Generator, cond: Condition, pop: Population, idx: np.ndarray) -> np.ndarray:
    """First diagnosis day: years before the patient's last day, not before the onset age."""
    ref = pop.ref_end[idx].astype(np.int64)
    onset = pop.dob[idx] + np.ceil(cond.min_onset_age * DAYS_PER_YEAR).astype(np.int64)
    onset = np.minimum(onset, ref)
    back = np.floor(rng.exponential(cond.mean_years_since_diagnosis, len(idx)) * DAYS_PER_YEAR)
    day = ref - back.astype(np.int64)
    too_early = day < onset
    day[too_early] = onset[too_early] + np.floor(
        rng.random(int(too_early.sum())) * (ref[too_early] - onset[too_early] + 1)
    ).astype(np.int64)
    return day.astype(np.int32)


def _subtypes(
    rng: np.random.Generator, cond: Condition, codes: ClusterCodes, pop: Population, idx: np.ndarray
) -> np.ndarray:
    """Subtype index per diagnosed patient; shares are reached among the register ages."""
    present = [i for i, s in enumerate(cond.subtypes) if codes.has(s.cluster)]
    out = np.full(len(idx), -1, dtype=np.int8)
    if not present:
        return out
    remaining = np.ones(len(idx), dtype=bool)
    adult = pop.age_ref[idx] >= cond.min_age
    for i in present[:-1]:
        sub = cond.subtypes[i]
        weight = interpolate_curve(sub.age_weights, pop.age_ref[idx])
        c = _calibrate(weight, adult, sub.share) if adult.any() else 0.0
        chosen = remaining & (rng.random(len(idx)) < np.minimum(c * weight, 1.0))
        out[chosen] = i
        remaining &= ~chosen
    out[remaining] = present[-1]
    return out


def _own_codes(cond: Condition, cluster: str, codes: ClusterCodes) -> np.ndarray:
    """Codes of a diagnosis cluster that no other condition's diagnosis clusters hold (the
    published lists share some, e.g. psychotic depression is in both DEPR_COD and MH_COD), so a
    generated diagnosis puts the patient on its own register only; all its codes when none is
    its own."""
    others = {c for other in CONDITIONS if other.name != cond.name for c in other.diagnosis_clusters}
    own = codes.indexes_without(cluster, *sorted(others - set(cond.diagnosis_clusters)))
    return own if len(own) else codes.indexes(cluster)


def _code_pools(cond: Condition, codes: ClusterCodes) -> tuple[list[str], np.ndarray]:
    """Diagnosis clusters present and the codes not specific to any subtype."""
    clusters = [c for c in cond.diagnosis_clusters if codes.has(c)]
    subtype_codes = np.concatenate(
        [codes.indexes(s.cluster) for s in cond.subtypes] or [np.empty(0, np.int32)]
    )
    pool = np.concatenate([codes.indexes(c) for c in clusters])
    generic = pool[~np.isin(pool, subtype_codes)]
    return clusters, generic


def _pick_diagnosis_codes(
    rng: np.random.Generator,
    cond: Condition,
    codes: ClusterCodes,
    subtype: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Diagnosis code per patient, plus a subtype-only code where the subtype's codes are not
    diagnosis codes (-1 when not needed)."""
    n = len(subtype)
    clusters, generic = _code_pools(cond, codes)
    weights = np.array(
        cond.cluster_weights[: len(cond.diagnosis_clusters)] or [1.0] * len(cond.diagnosis_clusters)
    )
    present_w = np.array([weights[cond.diagnosis_clusters.index(c)] for c in clusters])
    which = rng.choice(len(clusters), size=n, p=present_w / present_w.sum())
    out = np.empty(n, dtype=np.int32)
    for k, cluster in enumerate(clusters):
        rows = which == k
        out[rows] = codes.pick(rng, _own_codes(cond, cluster, codes), int(rows.sum()))
    extra = np.full(n, -1, dtype=np.int32)
    diagnosis_codes = np.concatenate([codes.indexes(c) for c in clusters])
    for i, sub in enumerate(cond.subtypes):
        rows = subtype == i
        if not rows.any():
            continue
        sub_codes = codes.indexes(sub.cluster)
        typed = sub_codes[np.isin(sub_codes, diagnosis_codes)]
        if len(typed):
            out[rows] = codes.pick(rng, typed, int(rows.sum()))
        else:
            extra[rows] = codes.pick(rng, sub_codes, int(rows.sum()))
            if len(generic):
                out[rows] = codes.pick(rng, generic, int(rows.sum()))
    return out, extra


def _uniform_after(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """A day in (first, last], or NEVER where there is no such day."""
    span = last.astype(np.int64) - first.astype(np.int64)
    day = first + 1 + np.floor(rng.random(len(span)) * np.maximum(span, 1)).astype(np.int64)
    return np.where(span >= 1, day, NEVER).astype(np.int32)


def assign_condition(  # one recipe per condition, driven by the table entry
    cond: Condition,
    codes: ClusterCodes,
    pop: Population,
    practices: Practices,
    states: dict[str, ConditionState],
    buf: EventBuffer,
    seed: int,
    edges: EdgeCounter,
) -> ConditionState:
    """Diagnose patients with one condition and write its diagnosis and resolved events."""
    rng = child_rng(seed, f"condition:{cond.name}")
    n = pop.n
    risk = interpolate_curve(cond.age_curve, pop.age_ref)
    male = pop.sex == SEX_CODES.index("M")
    risk = risk * np.where(male, 2 * cond.male_ratio / (1 + cond.male_ratio), 2 / (1 + cond.male_ratio))
    risk = risk * practices.coding_intensity[pop.practice]
    for other, factor in cond.comorbidity:
        if other in states:
            risk = np.where(states[other].has, risk * factor, risk)
    for other in cond.exclusive_with:
        if other in states:
            risk = np.where(states[other].has, 0.0, risk)

    resolved_share = (
        cond.resolved_share if cond.resolved_cluster and codes.has(cond.resolved_cluster) else 0.0
    )
    net_loss = resolved_share * (1 - cond.rediagnosed_share)
    eligible = pop.gms_at_ach & (pop.age_at_ach >= cond.min_age)
    k = _calibrate(risk, eligible, cond.prevalence / max(1e-9, 1 - net_loss))
    has = rng.random(n) < np.minimum(k * risk, PREVALENCE_CAP)
    idx = np.flatnonzero(has).astype(np.int32)

    diagnosis = np.full(n, NEVER, dtype=np.int32)
    diagnosis[idx] = _diagnosis_day(rng, cond, pop, idx)
    subtype = np.full(n, -1, dtype=np.int8)
    subtype[idx] = _subtypes(rng, cond, codes, pop, idx)

    ref = pop.ref_end[idx]
    diag = diagnosis[idx]
    can_resolve = (ref.astype(np.int64) - diag) >= 60
    resolved_i = can_resolve & (rng.random(len(idx)) < resolved_share)
    frac = rng.uniform(0.3, 0.95, len(idx))
    resolve_i = np.where(resolved_i, diag + np.floor(frac * (ref - diag)).astype(np.int32), NEVER)
    rediag_i = _uniform_after(rng, resolve_i, ref)
    rediag_i = np.where(resolved_i & (rng.random(len(idx)) < cond.rediagnosed_share), rediag_i, NEVER).astype(
        np.int32
    )
    rediagnosed_i = rediag_i != NEVER

    # Events: first diagnosis (with a generic code first for some subtyped patients),
    # a repeat code for some, the resolved code and any later re-diagnosis.
    first_code, extra_code = _pick_diagnosis_codes(rng, cond, codes, subtype[idx])
    typed_code = first_code.copy()
    _, generic = _code_pools(cond, codes)
    generic_first = (subtype[idx] >= 0) & (rng.random(len(idx)) < GENERIC_FIRST_SHARE)
    if len(generic):
        first_code = np.where(generic_first, codes.pick(rng, generic, len(idx)), first_code)
    buf.add(idx, diag, first_code)
    typed_row = extra_code >= 0
    buf.add(idx[typed_row], diag[typed_row], extra_code[typed_row])

    stop = np.where(resolved_i, resolve_i - 1, ref)
    repeat = _uniform_after(rng, diag, stop)
    wants_repeat = generic_first | (rng.random(len(idx)) < REPEAT_CODE_SHARE)
    rows = wants_repeat & (repeat != NEVER)
    buf.add(idx[rows], repeat[rows], typed_code[rows])

    if resolved_share > 0:
        res_code = codes.pick_cluster(rng, cond.resolved_cluster or "", int(resolved_i.sum()))
        buf.add(idx[resolved_i], resolve_i[resolved_i], res_code)
        buf.add(idx[rediagnosed_i], rediag_i[rediagnosed_i], typed_code[rediagnosed_i])

    resolved = np.zeros(n, dtype=bool)
    resolved[idx] = resolved_i
    resolve_day = np.full(n, NEVER, dtype=np.int32)
    resolve_day[idx] = resolve_i
    rediagnosed = np.zeros(n, dtype=bool)
    rediagnosed[idx] = rediagnosed_i
    rediagnosis_day = np.full(n, NEVER, dtype=np.int32)
    rediagnosis_day[idx] = rediag_i

    if resolved_share > 0:
        edges.add(f"{cond.name}_resolved", int(resolved_i.sum()))
        edges.add(f"{cond.name}_resolved_then_rediagnosed", int(rediagnosed_i.sum()))
    return ConditionState(cond, has, diagnosis, resolved, resolve_day, rediagnosed, rediagnosis_day, subtype)


def assign_conditions(
    codes: ClusterCodes,
    pop: Population,
    practices: Practices,
    buf: EventBuffer,
    seed: int,
    edges: EdgeCounter,
) -> dict[str, ConditionState]:
    """Every active condition, in table order."""
    states: dict[str, ConditionState] = {}
    for cond in active_conditions(codes):
        states[cond.name] = assign_condition(cond, codes, pop, practices, states, buf, seed, edges)
    return states
