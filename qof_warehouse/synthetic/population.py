"""Practices, patients and registration episodes of the synthetic extract.

Everything is vectorised over patients; the only Python loops run over practices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qof_warehouse.synthetic.common import (
    BEFORE_ALL,
    DAYS_PER_YEAR,
    NEVER,
    REGISTRATION_TYPES,
    SEX_CODES,
    Calendar,
    EdgeCounter,
    child_rng,
    first_of_month,
    full_years,
    uniform_days,
)

# England, ONS mid-year estimate shape: (first age, last age + 1, % of population).
AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (0, 5, 5.4), (5, 10, 5.9), (10, 15, 6.1), (15, 20, 5.8), (20, 25, 6.1), (25, 30, 6.6),
    (30, 35, 6.9), (35, 40, 6.8), (40, 45, 6.4), (45, 50, 6.1), (50, 55, 6.7), (55, 60, 6.7),
    (60, 65, 5.9), (65, 70, 5.0), (70, 75, 4.7), (75, 80, 3.9), (80, 85, 2.6), (85, 90, 1.5),
    (90, 105, 0.9),
)  # fmt: skip
MAX_AGE = 105
# Deaths in England by age at death: (first age, last age + 1, share).
DEATH_AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (0, 45, 0.04), (45, 65, 0.13), (65, 75, 0.15), (75, 85, 0.27), (85, 105, 0.41),
)  # fmt: skip
AGE_TILT_STRENGTH = 0.5  # how far a young (urban) or old (coastal) practice leans
# Practice quality of the calibrated care processes (docs/calibration.md): each practice's
# shortfall from the national rate is the national shortfall times a factor drawn from a gamma
# distribution of mean 1 and this shape, so most practices sit a little above the national rate
# and a few well below it.
SHORTFALL_SHAPE = 1.6
SHORTFALL_POOL = 20_000  # draws the practices' stratified quantiles are taken from
CARE_RATE_FLOOR = 0.05
CARE_RATE_CEILING = 0.995

DEATH_RATE_PER_YEAR = 0.009
LEFT_SHARE = 0.01  # deregistered (left the area) before the achievement date
RECENT_SHARE = 0.01  # registered in the last 9 months (newborns and movers add to this)
RECENT_3M_SHARE = 0.35  # of those, registered in the last 3 months
MOVER_SHARE = 0.04
NON_GMS_FINAL_SHARE = 0.005  # current registration TEMP / PRIVATE / OTHER
TEMP_EPISODE_SHARE = 0.005  # an extra, ended TEMP episode at another practice

ICBS: tuple[tuple[str, str], ...] = (
    ("QHM", "NHS North East and North Cumbria ICB"),
    ("QOQ", "NHS Humber and North Yorkshire ICB"),
    ("QF7", "NHS South Yorkshire ICB"),
    ("QWO", "NHS West Yorkshire ICB"),
    ("QOP", "NHS Greater Manchester ICB"),
    ("QYG", "NHS Cheshire and Merseyside ICB"),
    ("QE1", "NHS Lancashire and South Cumbria ICB"),
    ("QJ2", "NHS Derby and Derbyshire ICB"),
    ("QT1", "NHS Nottingham and Nottinghamshire ICB"),
    ("QJM", "NHS Lincolnshire ICB"),
    ("QHL", "NHS Birmingham and Solihull ICB"),
    ("QUA", "NHS Black Country ICB"),
    ("QWU", "NHS Coventry and Warwickshire ICB"),
    ("QGH", "NHS Herefordshire and Worcestershire ICB"),
    ("QNC", "NHS Staffordshire and Stoke-on-Trent ICB"),
    ("QPM", "NHS Northamptonshire ICB"),
    ("QUE", "NHS Cambridgeshire and Peterborough ICB"),
    ("QM7", "NHS Hertfordshire and West Essex ICB"),
    ("QMM", "NHS Norfolk and Waveney ICB"),
    ("QJG", "NHS Suffolk and North East Essex ICB"),
    ("QH8", "NHS Mid and South Essex ICB"),
    ("QMJ", "NHS North Central London ICB"),
    ("QMF", "NHS North East London ICB"),
    ("QKK", "NHS South East London ICB"),
    ("QWE", "NHS South West London ICB"),
    ("QRV", "NHS North West London ICB"),
    ("QKS", "NHS Kent and Medway ICB"),
    ("QXU", "NHS Surrey Heartlands ICB"),
    ("QNX", "NHS Sussex ICB"),
    ("QRL", "NHS Hampshire and Isle of Wight ICB"),
    ("QNQ", "NHS Frimley ICB"),
    ("QSL", "NHS Somerset ICB"),
    ("QR1", "NHS Gloucestershire ICB"),
    ("QVV", "NHS Dorset ICB"),
    ("QJK", "NHS Devon ICB"),
    ("QT6", "NHS Cornwall and the Isles of Scilly ICB"),
)
ODS_REGION_LETTERS = "ABCDFGHJKLMNPY"
PLACES: tuple[str, ...] = (
    "Riverside", "Parkside", "Abbey", "Market Street", "Castle", "Northgate", "Moorland",
    "Beacon", "Meadowbank", "Oakwood", "Westfield", "Elm Tree", "Priory", "Hillview",
    "Seaview", "Kingsway", "Bridge Street", "Station Road", "Harbour", "Millbrook",
    "Church Lane", "Victoria", "Orchard", "Greenway", "Brookside", "Cliff Road", "Forest",
    "Highfield", "Southgate", "Manor",
)  # fmt: skip
PRACTICE_KINDS: tuple[str, ...] = (
    "Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice",
)  # fmt: skip
PCN_AREAS: tuple[str, ...] = (
    "Central", "North", "South", "East", "West", "Riverside", "Coastal", "Valley", "Rural",
    "City", "Moorland", "Forest", "Harbour", "Upper", "Lower", "Inner",
)  # fmt: skip


@dataclass(frozen=True)
class Practices:
    """Practice reference data plus each practice's behaviour in the simulation."""

    code: tuple[str, ...]
    name: tuple[str, ...]
    pcn_code: tuple[str | None, ...]
    pcn_name: tuple[str | None, ...]
    icb_code: tuple[str, ...]
    icb_name: tuple[str, ...]
    weight: np.ndarray  # relative list size
    age_tilt: np.ndarray  # -1 young (urban) .. +1 old (coastal)
    coding_intensity: np.ndarray  # multiplies how often a condition is coded
    recall: np.ndarray  # chance a monitored patient has a reading in the year
    control: np.ndarray  # multiplies the chance the latest reading is on target
    pca_propensity: np.ndarray  # multiplies exception (PCA) coding
    month_of_birth_only: np.ndarray  # the clinical system exports the 1st of the birth month
    shortfall: np.ndarray  # multiplies the shortfall from the national rate of calibrated care

    def __len__(self) -> int:
        return len(self.code)

    def care_rate(self, national: float | np.ndarray, practice: np.ndarray) -> np.ndarray:
        """Per patient (practice index), the chance of a calibrated care process: the national
        rate with the practice's shortfall, 1 - (1 - national) x shortfall, kept within bounds."""
        rate = 1.0 - (1.0 - np.asarray(national, dtype=np.float64)) * self.shortfall[practice]
        return np.clip(rate, CARE_RATE_FLOOR, CARE_RATE_CEILING)


@dataclass
class Registrations:
    """Registration episodes as numpy columns (end NEVER = still registered)."""

    patient: np.ndarray
    practice: np.ndarray
    kind: np.ndarray  # index into REGISTRATION_TYPES
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.patient)


@dataclass
class Population:
    """Patients as numpy columns, indexed 0..n-1 in the order they are written."""

    id_number: np.ndarray  # int64, written zero-padded to 10 digits
    dob: np.ndarray  # true day of birth
    dob_written: np.ndarray  # as exported (1st of month at some practices)
    sex: np.ndarray  # index into SEX_CODES
    death: np.ndarray  # NEVER when alive
    practice: np.ndarray  # practice of the latest registration
    prev_practice: np.ndarray  # practice before a move (-1: no move)
    move_day: np.ndarray  # first day at `practice` for movers, BEFORE_ALL otherwise
    ref_end: np.ndarray  # last day anything can be recorded (death, leaving or PPED)
    final_start: np.ndarray  # start of the latest registration
    gms_at_ach: np.ndarray  # registered for GMS on the achievement date
    age_at_ach: np.ndarray  # full years at PPED from the exported date of birth
    age_ref: np.ndarray  # years at ref_end from the true date of birth
    registrations: Registrations

    @property
    def n(self) -> int:
        return len(self.id_number)

    def practice_on(self, patient: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The practice whose registration was current on each (patient, day)."""
        moved_later = day < self.move_day[patient]
        return np.where(moved_later, self.prev_practice[patient], self.practice[patient]).astype(np.int32)


def _spread(rng: np.random.Generator, n: int) -> np.ndarray:
    """n values evenly spread over [-1, 1] in random order (stratified draws)."""
    return ((rng.permutation(n) + rng.random(n)) / max(n, 1) * 2.0 - 1.0).astype(np.float64)


def _split(total: int, parts: int) -> np.ndarray:
    """Near-equal integer split of `total` into `parts` (larger parts first)."""
    base = np.full(parts, total // parts, dtype=np.int64)
    base[: total % parts] += 1
    return base


def _allocate(weights: np.ndarray, total: int) -> np.ndarray:
    """Integer counts proportional to weights that add up to `total` (largest remainder)."""
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    remainder = total - counts.sum()
    if remainder:
        counts[np.argsort(-(exact - counts), kind="stable")[:remainder]] += 1
    return counts


def _unique_names(
    rng: np.random.Generator, n: int, stems: tuple[str, ...], suffixes: tuple[str, ...]
) -> list[str]:
    combos = [f"{a} {b}" for a in stems for b in suffixes]
    order = rng.permutation(len(combos))
    return [
        combos[order[i % len(combos)]] + ("" if i < len(combos) else f" {i // len(combos) + 1}")
        for i in range(n)
    ]


def _shortfall(seed: int, n_practices: int) -> np.ndarray:
    """Practice shortfall factors: stratified quantiles of a gamma distribution of mean 1 in
    random order, so even a few practices span the low, typical and high ends."""
    rng = child_rng(seed, "practice_shortfall")
    pool = rng.gamma(SHORTFALL_SHAPE, 1.0 / SHORTFALL_SHAPE, SHORTFALL_POOL)
    quantiles = (rng.permutation(n_practices) + rng.random(n_practices)) / max(n_practices, 1)
    return np.quantile(pool, quantiles).astype(np.float64)


def build_practices(n_practices: int, n_pcns: int, n_icbs: int, seed: int) -> Practices:
    """Practices grouped into PCNs within ICBs, with their list-size weights and behaviour."""
    rng = child_rng(seed, "practices")
    icb_of_practice = np.repeat(np.arange(n_icbs), _split(n_practices, n_icbs))
    pcns_per_icb = _split(n_pcns, n_icbs)
    pcn_of_practice = np.empty(n_practices, dtype=np.int64)
    next_pcn = 0
    for icb in range(n_icbs):
        members = np.flatnonzero(icb_of_practice == icb)
        pcn_sizes = _split(len(members), int(pcns_per_icb[icb]))
        pcn_of_practice[members] = next_pcn + np.repeat(np.arange(len(pcn_sizes)), pcn_sizes)
        next_pcn += len(pcn_sizes)
    # One practice stays outside any PCN (as a handful do in England) when it can.
    unaligned = -1
    if n_practices >= 15:
        last = n_practices - 1
        if np.count_nonzero(pcn_of_practice == pcn_of_practice[last]) >= 2:
            unaligned = last

    pcn_numbers = rng.choice(np.arange(10000, 100000), size=n_pcns, replace=False)
    pcn_codes = [f"U{int(x):05d}" for x in pcn_numbers]
    pcn_names = [
        f"{name} PCN"
        for name in _unique_names(rng, n_pcns, PCN_AREAS, ("Health", "Care", "Community", "Primary Care"))
    ]
    names = _unique_names(rng, n_practices, PLACES, PRACTICE_KINDS)
    codes = tuple(
        f"{ODS_REGION_LETTERS[int(icb) % len(ODS_REGION_LETTERS)]}{81001 + j:05d}"
        for j, icb in enumerate(icb_of_practice)
    )

    weight = np.clip(rng.lognormal(np.log(8000.0), 0.45, n_practices), 3000.0, 15000.0)
    age_tilt = _spread(rng, n_practices)
    coding_intensity = np.clip(rng.lognormal(0.0, 0.13, n_practices), 0.75, 1.3)
    recall = np.clip(rng.normal(0.86, 0.05, n_practices), 0.68, 0.97)
    control = np.clip(rng.normal(1.0, 0.07, n_practices), 0.82, 1.15)
    pca = np.clip(rng.lognormal(0.0, 0.25, n_practices), 0.5, 1.8)
    if n_practices >= 2:
        high = rng.choice(n_practices, size=2 if n_practices >= 5 else 1, replace=False)
        pca[high] *= 3.5
    month_only = rng.random(n_practices) < 0.4

    return Practices(
        code=codes,
        name=tuple(names),
        pcn_code=tuple(None if j == unaligned else pcn_codes[int(p)] for j, p in enumerate(pcn_of_practice)),
        pcn_name=tuple(None if j == unaligned else pcn_names[int(p)] for j, p in enumerate(pcn_of_practice)),
        icb_code=tuple(ICBS[int(i)][0] for i in icb_of_practice),
        icb_name=tuple(ICBS[int(i)][1] for i in icb_of_practice),
        weight=weight,
        age_tilt=age_tilt,
        coding_intensity=coding_intensity,
        recall=recall,
        control=control,
        pca_propensity=pca,
        month_of_birth_only=month_only,
        shortfall=_shortfall(seed, n_practices),
    )


def _band_weights(bands: tuple[tuple[int, int, float], ...]) -> np.ndarray:
    """Single-year weights from bands; the open top band thins out with age."""
    weights = np.zeros(MAX_AGE, dtype=np.float64)
    for low, high, share in bands:
        width = high - low
        shape = 0.78 ** np.arange(width) if width > 5 else np.ones(width)
        weights[low:high] = share * shape / shape.sum()
    return weights / weights.sum()


def age_distributions(practices: Practices) -> np.ndarray:
    """Per-practice single-year age distribution (rows sum to 1)."""
    base = _band_weights(AGE_BANDS)
    ages = np.arange(MAX_AGE, dtype=np.float64)
    tilt = np.exp(AGE_TILT_STRENGTH * practices.age_tilt[:, None] * (ages[None, :] - 40.0) / 40.0)
    dist = base[None, :] * tilt
    return dist / dist.sum(axis=1, keepdims=True)


def _sample_by_group(rng: np.random.Generator, group: np.ndarray, dists: np.ndarray) -> np.ndarray:
    """One draw per row from its group's distribution (loops over groups, not rows)."""
    out = np.empty(len(group), dtype=np.int64)
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(dists.shape[0] + 1))
    for g in range(dists.shape[0]):
        rows = order[bounds[g] : bounds[g + 1]]
        if len(rows):
            out[rows] = rng.choice(dists.shape[1], size=len(rows), p=dists[g])
    return out


def unique_id_numbers(rng: np.random.Generator, n: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """n distinct pseudonymous 10-digit numbers (about 1 in 10 written with a leading zero)."""
    out = np.empty(0, dtype=np.int64)
    while len(out) < n:
        draw = rng.integers(0, 10**10, size=int((n - len(out)) * 1.02) + 16, dtype=np.int64)
        if exclude is not None and len(exclude):
            draw = draw[~np.isin(draw, exclude)]
        merged = np.concatenate([out, draw])
        _, first = np.unique(merged, return_index=True)
        out = merged[np.sort(first)]
    return out[:n]


def _exact_count(n: int, per_patient: float) -> int:
    """A small deliberate count: at least one once the extract has 1,000 patients."""
    if n < 1000:
        return 1 if n >= 100 else 0
    return max(1, int(round(n * per_patient)))


def build_population(
    cal: Calendar, practices: Practices, n: int, seed: int, edges: EdgeCounter
) -> Population:
    """Patients, their deaths and registration histories."""
    rng = child_rng(seed, "population")
    ach = cal.ach_day
    n_pr = len(practices)
    years = cal.history_years
    n_dead = int(round(n * DEATH_RATE_PER_YEAR * years / (1 + DEATH_RATE_PER_YEAR * years)))
    n_left = int(round(n * LEFT_SHARE))
    n_alive = n - n_dead - n_left
    alive = np.arange(n) < n_alive
    left = (np.arange(n) >= n_alive) & (np.arange(n) < n_alive + n_left)
    dead = np.arange(n) >= n_alive + n_left

    w = practices.weight / practices.weight.sum()
    practice = np.empty(n, dtype=np.int32)
    practice[:n_alive] = rng.permutation(np.repeat(np.arange(n_pr), _allocate(w, n_alive)))
    w_left = w * (1.0 - 0.3 * practices.age_tilt)
    w_dead = w * (1.0 + 0.5 * practices.age_tilt)
    practice[left] = rng.choice(n_pr, size=n_left, p=w_left / w_left.sum())
    practice[dead] = rng.choice(n_pr, size=n_dead, p=w_dead / w_dead.sum())

    # Ages: the living follow their practice's pyramid; the dead the age-at-death shape.
    age = _sample_by_group(rng, practice, age_distributions(practices)).astype(np.float64)
    death_age = rng.choice(MAX_AGE, size=n_dead, p=_band_weights(DEATH_AGE_BANDS))
    age[dead] = death_age
    age[left] = np.maximum(age[left], 1.0)
    age_days = np.floor((age + rng.random(n)) * DAYS_PER_YEAR).astype(np.int32)

    death = np.full(n, NEVER, dtype=np.int32)
    death[dead] = uniform_days(
        rng, np.full(n_dead, cal.history_start, np.int32), np.full(n_dead, ach - 1, np.int32)
    )
    dob = np.where(dead, death - age_days, ach - age_days).astype(np.int32)
    ref_end = np.full(n, ach, dtype=np.int32)
    ref_end[dead] = death[dead]
    left_low = np.maximum(cal.history_start, dob[left] + 60)
    ref_end[left] = uniform_days(rng, np.minimum(left_low, ach - 1), np.full(n_left, ach - 1))

    # Sex: a few more women at older ages; a handful indeterminate or unknown.
    age_ref = (ref_end - dob) / DAYS_PER_YEAR
    p_female = 0.49 + 0.11 * np.clip((age_ref - 60.0) / 30.0, 0.0, 1.0)
    sex = np.where(rng.random(n) < p_female, 1, 0).astype(np.int8)
    odd = rng.choice(n, size=min(n, _exact_count(n, 1e-4) + _exact_count(n, 1.5e-4)), replace=False)
    n_i = _exact_count(n, 1e-4)
    sex[odd[:n_i]] = SEX_CODES.index("I")
    sex[odd[n_i:]] = SEX_CODES.index("U")

    # Latest registration: most registered for years (or since birth).
    duration = np.floor((rng.exponential(11.0, n) + 0.76) * DAYS_PER_YEAR).astype(np.int32)
    start = ref_end - duration
    from_birth = start < dob
    room = np.minimum(43, ref_end[from_birth] - dob[from_birth] + 1)
    start[from_birth] = dob[from_birth] + np.floor(rng.random(int(from_birth.sum())) * room)
    start = np.minimum(start, ref_end)
    kind = np.zeros(n, dtype=np.int8)
    end = np.where(alive, NEVER, ref_end).astype(np.int32)

    adult_alive = alive & (age >= 1)
    recent = adult_alive & (rng.random(n) < RECENT_SHARE)
    recent_idx = np.flatnonzero(recent)
    within_3m = rng.random(len(recent_idx)) < RECENT_3M_SHARE
    back = np.where(
        within_3m,
        rng.integers(0, 90, size=len(recent_idx)),
        rng.integers(90, 273, size=len(recent_idx)),
    )
    start[recent_idx] = ach - back
    on_ach = recent_idx[: _exact_count(n, 1e-4)]
    start[on_ach] = ach

    movers = np.zeros(n, dtype=bool)
    prev_practice = np.full(n, -1, dtype=np.int32)
    move_day = np.full(n, BEFORE_ALL, dtype=np.int32)
    reg_parts: list[tuple[np.ndarray, ...]] = []
    if n_pr >= 2:
        movers = alive & ~recent & (age >= 3) & (rng.random(n) < MOVER_SHARE)
        m_idx = np.flatnonzero(movers)
        low = np.maximum(cal.history_start + 60, dob[m_idx] + 400)
        move_day[m_idx] = uniform_days(rng, low, np.full(len(m_idx), ach - 1))
        prev_practice[m_idx] = (practice[m_idx] + 1 + rng.integers(0, n_pr - 1, size=len(m_idx))) % n_pr
        gap = np.where(rng.random(len(m_idx)) < 0.7, 1, rng.integers(2, 46, size=len(m_idx)))
        prev_end = move_day[m_idx] - gap
        prev_dur = np.floor((rng.exponential(7.0, len(m_idx)) + 0.2) * DAYS_PER_YEAR)
        prev_start = (prev_end - prev_dur).astype(np.int32)
        early = prev_start < dob[m_idx]
        prev_start[early] = dob[m_idx][early] + rng.integers(0, 43, size=int(early.sum()))
        prev_start = np.minimum(prev_start, prev_end - 1)
        start[m_idx] = move_day[m_idx]
        reg_parts.append((m_idx, prev_practice[m_idx], np.zeros(len(m_idx), np.int8), prev_start, prev_end))
        edges.add("movers", len(m_idx))

    settled = alive & ~recent & ~movers
    non_gms = settled & (rng.random(n) < NON_GMS_FINAL_SHARE)
    ng_idx = np.flatnonzero(non_gms)
    kind[ng_idx] = rng.choice([1, 2, 3], size=len(ng_idx), p=[0.2, 0.4, 0.4])
    temp_final = ng_idx[kind[ng_idx] == 1]
    start[temp_final] = ach - rng.integers(0, 90, size=len(temp_final))

    if n_pr >= 2:
        temp = settled & ~non_gms & (rng.random(n) < TEMP_EPISODE_SHARE) & (age >= 1)
        t_idx = np.flatnonzero(temp)
        t_low = np.maximum(cal.history_start, dob[t_idx] + 1)
        t_start = uniform_days(rng, t_low, np.full(len(t_idx), ach - 100))
        t_end = t_start + rng.integers(14, 91, size=len(t_idx))
        t_practice = (practice[t_idx] + 1 + rng.integers(0, n_pr - 1, size=len(t_idx))) % n_pr
        reg_parts.append((t_idx, t_practice, np.ones(len(t_idx), np.int8), t_start, t_end))
        edges.add("temporary_resident_episodes", len(t_idx))

    after_pool = np.flatnonzero(settled & ~non_gms)
    after = after_pool[
        rng.choice(len(after_pool), size=min(len(after_pool), _exact_count(n, 1e-4)), replace=False)
    ]
    end[after] = ach + rng.integers(1, 15, size=len(after))

    reg_parts.insert(0, (np.arange(n, dtype=np.int32), practice, kind, start, end))
    regs = Registrations(*(np.concatenate([p[i] for p in reg_parts]) for i in range(5)))

    gms_at_ach = alive & (kind == 0) & (start <= ach)
    dob_written = np.where(practices.month_of_birth_only[practice], first_of_month(dob), dob)
    dob_written = dob_written.astype(np.int32)

    edges.add("deaths", n_dead)
    edges.add("deregistered_before_achievement_date", n_left)
    edges.add(
        "registered_in_last_9_months", int(np.count_nonzero(gms_at_ach & (start > cal.months_before(9))))
    )
    edges.add(
        "registered_in_last_3_months", int(np.count_nonzero(gms_at_ach & (start > cal.months_before(3))))
    )
    edges.add("registered_on_achievement_date", int(np.count_nonzero(gms_at_ach & (start == ach))))
    edges.add("deregistered_after_achievement_date", len(after))
    edges.add("current_registration_not_gms", len(ng_idx))

    # Patients are written in a random order, not grouped by how they were made.
    perm = rng.permutation(n)
    inverse = np.empty(n, dtype=np.int32)
    inverse[perm] = np.arange(n, dtype=np.int32)
    regs.patient = inverse[regs.patient]
    order = np.lexsort((regs.start, regs.patient))
    regs = Registrations(*(getattr(regs, f)[order] for f in ("patient", "practice", "kind", "start", "end")))

    return Population(
        id_number=unique_id_numbers(rng, n),
        dob=dob[perm],
        dob_written=dob_written[perm],
        sex=sex[perm],
        death=death[perm],
        practice=practice[perm],
        prev_practice=prev_practice[perm],
        move_day=move_day[perm],
        ref_end=ref_end[perm],
        final_start=start[perm],
        gms_at_ach=gms_at_ach[perm],
        age_at_ach=full_years(dob_written[perm], cal.achievement),
        age_ref=age_ref[perm],
        registrations=regs,
    )


__all__ = [
    "REGISTRATION_TYPES",
    "Population",
    "Practices",
    "Registrations",
    "build_population",
    "build_practices",
    "unique_id_numbers",
]
