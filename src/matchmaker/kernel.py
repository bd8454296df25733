"""The fast block path: hard constraints and score of a block of youth x all mentors in few passes.

`scoring.score` and `constraints.feasibility` are the readable reference (one function per factor
and per constraint); this module computes the same numbers for the candidate graph, where a round of
10,000 x 10,000 checks and scores 100 million pairs. Most factors and constraints depend on the
youth and on one small mentor attribute (age and school stage, gender, background, motives, set of
languages) or are linear in a mentor's items (wished interests, personality answers), so they become
one matrix product `A @ B.T`: B holds per mentor a one-hot of each attribute's value and its items,
A per youth the factor value (times its weight) for each attribute value. A broken hard constraint
subtracts `penalty(rules)` in the same product, so "feasible" is "above -penalty / 2". What is not
linear (Jaccard of interests and of values, shared slots, distance) comes from small products and a
few in-place passes. Tests check this path against the reference on random pools.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from matchmaker.encode import Array, Side, has_code, popcount, popcount_and
from matchmaker.scoring import AGE_WISH_SLACK, FULL_AVAILABILITY, FULL_WAIT_DAYS, _normalised
from matchmaker.types import Rules

F32 = np.float32


def _bits(bitsets: Array, items: Array | int) -> Array:
    """(n, words) uint64 bitsets -> 0/1 float32 columns: the first `items`, or those listed."""
    raw = np.unpackbits(np.ascontiguousarray(bitsets).view(np.uint8), axis=1, bitorder="little")
    cols = raw[:, :items] if isinstance(items, int) else raw[:, items]
    return np.ascontiguousarray(cols, dtype=F32)


def _used(*bitsets: Array) -> Array:
    """Bit positions set in any row of any of these bitset arrays (columns worth multiplying)."""
    either = np.zeros(bitsets[0].shape[1], dtype=np.uint64)
    for b in bitsets:
        either |= np.bitwise_or.reduce(b, axis=0) if len(b) else np.uint64(0)
    return np.flatnonzero(_bits(either[None, :], either.shape[0] * 64)[0])


def _codes(columns: list[Array]) -> tuple[Array, Array]:
    """Unique rows of the stacked mentor attribute columns: (unique values, code per mentor)."""
    stacked = np.stack(columns, axis=1)
    values, codes = np.unique(stacked, axis=0, return_inverse=True)
    return values, codes.reshape(-1)


def _one_hot(codes: Array, n: int) -> Array:
    out = np.zeros((len(codes), n), dtype=F32)
    out[np.arange(len(codes)), codes] = 1
    return out


@dataclass(frozen=True)
class MentorTables:
    """Everything about the mentors the block path needs, computed once per round."""

    b: Array  # (mentors, K) float32: one-hots of the attribute values, items, constant, status fails
    interest_items: Array  # bit positions of the interests anyone has (or wishes)
    value_items: Array
    slot_items: Array
    distance: Array  # (mentors, 4) float32: 1, |p|^2, x, y of the centred location (0 when unknown)
    centre: tuple[float, float]
    interests: Array  # (mentors, items) 0/1 float32, the numerator side of the Jaccard
    interests_den: Array  # (mentors, items + 2): items, 1, count: the denominator side
    values: Array
    values_den: Array
    slots: Array
    unknown_location: Array  # bool per mentor
    neighbourhoods: Array | None  # (mentors, neighbourhood items) 0/1, None when no mentor lists any
    age_stage: Array  # unique (age, stage) values, (n, 2)
    gender: Array  # unique gender codes
    background: Array
    motives: Array  # unique (career, personal, altruism)
    languages: Array  # unique language bitsets (n, words)
    personality_linear: bool  # every youth and mentor answered every trait: personality is linear


def mentor_tables(ys: Side, ms: Side) -> MentorTables:
    """Precompute the mentor side of the matrix product (ys only decides the personality path)."""
    n_m = len(ms)
    interest_items = _used(ys.interests, ys.wish_interests, ms.interests)
    value_items = _used(ys.values, ms.values)
    slot_items = _used(ys.availability, ms.availability)
    age_stage, c_as = _codes([ms.age.astype(np.float64), ms.stage.astype(np.float64)])
    gender, c_g = _codes([ms.gender])
    background, c_b = _codes([ms.background])
    motives, c_mo = _codes([ms.motive_career, ms.motive_personal, ms.motive_altruism])
    languages, c_l = np.unique(ms.languages, axis=0, return_inverse=True)
    personality_linear = bool(
        ms.personality.size and not np.isnan(ms.personality).any() and not np.isnan(ys.personality).any()
    )
    parts = [
        _one_hot(c_as, len(age_stage)),
        _one_hot(c_g, len(gender)),
        _one_hot(c_b, len(background)),
        _one_hot(c_mo, len(motives)),
        _one_hot(c_l.reshape(-1), len(languages)),
        _bits(ms.interests, interest_items),  # for wished interests
        _personality_one_hot(ms.personality) if personality_linear else np.zeros((n_m, 0), F32),
        np.ones((n_m, 1), dtype=F32),  # per-youth constant
        (
            (~ms.ready.astype(bool)).astype(F32)
            + (~ms.trained.astype(bool)).astype(F32)
            + ms.disqualified.astype(F32)
            + ~((ms.age >= 18) | ms.supervised.astype(bool))
        ).reshape(-1, 1),  # mentor-only broken constraints
    ]
    interests = _bits(ms.interests, interest_items)
    values = _bits(ms.values, value_items)
    unknown = np.isnan(ms.x) | np.isnan(ms.y)
    # Distances come from one small matrix product, |p - q|^2 = |p|^2 + |q|^2 - 2 p.q, on locations
    # centred on the pool (coordinates of a few km keep float32 rounding near 1e-5 km^2).
    known = np.concatenate([ms.x[~unknown], ys.x[~(np.isnan(ys.x) | np.isnan(ys.y))]]).astype(np.float64)
    known_y = np.concatenate([ms.y[~unknown], ys.y[~(np.isnan(ys.x) | np.isnan(ys.y))]]).astype(np.float64)
    centre = (float(known.mean()) if len(known) else 0.0, float(known_y.mean()) if len(known_y) else 0.0)
    return MentorTables(
        b=np.ascontiguousarray(np.concatenate(parts, axis=1), dtype=F32),
        interest_items=interest_items,
        value_items=value_items,
        slot_items=slot_items,
        distance=_distance_columns(ms, unknown, centre, mentor_side=True),
        centre=centre,
        interests=interests,
        interests_den=_jaccard_den(interests, mentor_side=True),
        values=values,
        values_den=_jaccard_den(values, mentor_side=True),
        slots=_bits(ms.availability, slot_items),
        unknown_location=unknown,
        neighbourhoods=_bits(ms.neighbourhoods, ms.neighbourhoods.shape[1] * 64)
        if ms.neighbourhoods.any()
        else None,
        age_stage=age_stage,
        gender=gender.reshape(-1),
        background=background.reshape(-1),
        motives=motives,
        languages=languages,
        personality_linear=personality_linear,
    )


def _jaccard_den(items: Array, mentor_side: bool) -> Array:
    """Columns whose product of a youth row and a mentor row is |either| = |y| + |m| - |shared|.

    An empty youth row gets a huge count instead of 0, so 0 shared / huge = 0 (not 0 / 0 when the
    mentor has no items either)."""
    count = items.sum(axis=1, keepdims=True)
    one = np.ones_like(count)
    if mentor_side:
        return np.ascontiguousarray(np.concatenate([items, one, count], axis=1), dtype=F32)
    count = np.where(count > 0, count, F32(1e6))
    return np.ascontiguousarray(np.concatenate([-items, count, one], axis=1), dtype=F32)


def _distance_columns(side: Side, unknown: Array, centre: tuple[float, float], mentor_side: bool) -> Array:
    """Columns whose product of a youth row and a mentor row is the squared distance."""
    x = np.where(unknown, 0, side.x.astype(np.float64) - centre[0])
    y = np.where(unknown, 0, side.y.astype(np.float64) - centre[1])
    norm = x * x + y * y
    one = np.ones_like(x)
    cols = [one, norm, x, y] if mentor_side else [norm, one, -2 * x, -2 * y]
    return np.stack(cols, axis=1).astype(F32)


def _personality_one_hot(answers: Array) -> Array:
    """(n, traits) answers 1..5 -> (n, traits * 5) one-hot."""
    n, traits = answers.shape
    out = np.zeros((n, traits, 5), dtype=F32)
    rows, cols = np.nonzero(~np.isnan(answers))
    out[rows, cols, np.clip(answers[rows, cols].astype(np.int64) - 1, 0, 4)] = 1
    return out.reshape(n, traits * 5)


def penalty(rules: Rules) -> float:
    """What one broken hard constraint subtracts; far below any score (scores are within -1..1 times the
    sum of absolute normalised weights)."""
    return 4.0 * (1.0 + sum(abs(w) for w in _normalised(rules.weights).values()))


def youth_rows(y: Side, t: MentorTables, rules: Rules) -> Array:
    """(rows, K) float32: the youth side of the matrix product for youth `y` (a Side of 1-D rows)."""
    w = _normalised(rules.weights)
    pen = penalty(rules)
    n = len(y.age)
    f64 = np.float64
    age = y.age.astype(f64)[:, None]
    # wishes (MAT-1): per-youth weights of the two parts
    n_wish = popcount(y.wish_interests).astype(f64)
    has_interest = n_wish > 0
    has_age = ~(np.isnan(y.wish_age_min) & np.isnan(y.wish_age_max))
    count = has_interest.astype(f64) + has_age
    w_interest = np.where(has_interest, 1 / np.maximum(count, 1), 0)
    w_age = np.where(has_age, 1 / np.maximum(count, 1), 0)

    # (age, stage) of the mentor: age gap factor, wished age range, age gap constraint (MAT-3)
    m_age, m_stage = t.age_stage[:, 0][None, :], t.age_stage[:, 1][None, :]
    gap = m_age - age
    lo = np.where(np.isnan(y.wish_age_min), -np.inf, y.wish_age_min).astype(f64)[:, None]
    hi = np.where(np.isnan(y.wish_age_max), np.inf, y.wish_age_max).astype(f64)[:, None]
    off = np.maximum(lo - m_age, 0) + np.maximum(m_age - hi, 0)
    stage = y.stage.astype(f64)[:, None]
    next_stage = (stage >= 0) & (m_stage >= 0) & (m_stage > stage)
    age_ok = (gap >= rules.min_age_gap) | next_stage
    col_as = (
        w["age_gap"] * np.clip(gap / max(rules.preferred_age_gap, 1), 0, 1)
        + w["wishes"] * w_age[:, None] * np.clip(1 - off / AGE_WISH_SLACK, 0, 1)
        - pen * ~age_ok
    )
    # gender: demographics half, required gender (MAT-5)
    g = t.gender[None, :]
    same = (y.gender[:, None] >= 0) & (y.gender[:, None] == g)
    wrong = (y.wish_gender[:, None] >= 0) & (y.wish_gender[:, None] != g)
    col_g = w["demographics"] * 0.5 * same - pen * wrong
    # background: culture factor, required background (MAT-5)
    b = t.background[None, :]
    shared = (y.background[:, None] >= 0) & (y.background[:, None] == b)
    level = y.cultural_match[:, None]
    culture = np.where(level == 0, 1.0, np.where(level == 1, 0.5 + 0.5 * shared, shared.astype(f64)))
    col_b = w["culture"] * culture - pen * ((level == 3) & ~shared)
    # motives: mutual benefit (MAT-1)
    mc, mp, ma = (t.motives[:, k].astype(f64)[None, :] for k in range(3))
    total, career, personal = (
        v.astype(f64)[:, None] for v in (y.goals_total, y.goals_career, y.goals_personal)
    )
    served = mc * career + mp * personal
    benefit = np.where(total > 0, (served + 0.5 * ma * (total - served)) / np.maximum(total, 1), 0.5)
    col_mo = w["mutual_benefit"] * benefit
    # set of languages: demographics half, required language (MAT-5)
    langs = t.languages[None, :, :]
    any_shared = popcount_and(y.languages[:, None, :], langs) > 0
    speaks = has_code(y.wish_language[:, None], langs)
    col_l = w["demographics"] * 0.5 * any_shared - pen * ((y.wish_language[:, None] >= 0) & ~speaks)
    # wished interests (MAT-1)
    wish_bits = _bits(y.wish_interests, t.interest_items).astype(f64)
    col_tags = w["wishes"] * (w_interest / np.maximum(n_wish, 1))[:, None] * wish_bits
    # personality (MAT-2), when linear: 1 - sum |difference| / (4 * traits)
    const = w["wishes"] * (count == 0) + w["waiting"] * np.clip(y.waiting_days / FULL_WAIT_DAYS, 0, 1)
    # Distance: weight * (1 - km / max km) = weight - weight / max km * km; the constant part here.
    const = const + w["distance"]
    if t.personality_linear:
        traits = y.personality.shape[1]
        one = np.abs(np.subtract.outer(np.arange(5), np.arange(5))).astype(f64)
        tile = np.kron(np.eye(traits), one)
        col_p = -w["personality"] / (4 * traits) * (_personality_one_hot(y.personality).astype(f64) @ tile)
        const = const + w["personality"]
    else:
        col_p = np.zeros((n, 0))
    return np.concatenate(
        [col_as, col_g, col_b, col_mo, col_l, col_tags, col_p, const[:, None], np.full((n, 1), -pen)], axis=1
    ).astype(F32)


@dataclass(frozen=True)
class YouthTables:
    """The youth side, computed once per round."""

    a: Array
    interests: Array  # times the interests weight
    interests_den: Array
    values: Array  # times the values weight
    values_den: Array
    slots: Array
    distance: Array
    unknown_location: Array
    neighbourhood: Array  # code, -1 for none
    personality: Array  # raw answers, for the non-linear path


def youth_tables(ys: Side, t: MentorTables, rules: Rules) -> YouthTables:
    interests = _bits(ys.interests, t.interest_items)
    values = _bits(ys.values, t.value_items)
    unknown = np.isnan(ys.x) | np.isnan(ys.y)
    w = _normalised(rules.weights)
    return YouthTables(
        a=youth_rows(ys, t, rules),
        interests=interests * F32(w["interests"]),
        interests_den=_jaccard_den(interests, mentor_side=False),
        values=values * F32(w["values"]),
        values_den=_jaccard_den(values, mentor_side=False),
        slots=_bits(ys.availability, t.slot_items) * F32(_normalised(rules.weights)["availability"] / 4 or 1),
        distance=_distance_columns(ys, unknown, t.centre, mentor_side=False),
        unknown_location=unknown,
        neighbourhood=ys.neighbourhood,
        personality=ys.personality,
    )


def block_scores(
    yt: YouthTables, rows: slice | Array, t: MentorTables, ms_personality: Array, rules: Rules
) -> Array:
    """Scores of youth `rows` x all mentors, float32; a pair that breaks a hard constraint (exclusions
    aside) is below -penalty(rules) / 2."""
    w = _normalised(rules.weights)
    pen = F32(penalty(rules))
    s = yt.a[rows] @ t.b.T
    if not t.personality_linear and w["personality"]:
        s += F32(w["personality"]) * _personality_ratio(yt.personality[rows], ms_personality)
    if w["interests"]:
        _add_jaccard(s, yt.interests[rows], yt.interests_den[rows], t.interests, t.interests_den)
    if w["values"]:
        _add_jaccard(s, yt.values[rows], yt.values_den[rows], t.values, t.values_den)
    # availability: weight * min(shared, 4) / 4, and the minimum overlap; the youth's slot columns
    # carry weight / 4 (1 when the weight is 0), so `shared` is already scaled.
    scale = F32(w["availability"] / FULL_AVAILABILITY or 1)
    shared = yt.slots[rows] @ t.slots.T
    broken = shared < F32(rules.min_availability_overlap) * scale - scale / 2
    if w["availability"]:
        np.minimum(shared, F32(FULL_AVAILABILITY) * scale, out=shared)
        s += shared
    del shared
    if not rules.online:
        _add_distance(s, broken, yt, rows, t, rules, w["distance"])
    # (`out=..., where=mask` is ten times slower than subtracting mask * penalty.)
    s -= broken * pen
    return s


def _add_jaccard(s: Array, ya: Array, ya_den: Array, ma: Array, ma_den: Array) -> None:
    """s += weight * |shared| / |either|, both from matrix products (`ya` carries the weight)."""
    shared = ya @ ma.T
    either = ya_den @ ma_den.T
    np.divide(shared, either, out=shared)
    s += shared


def _add_distance(
    s: Array,
    broken: Array,
    yt: YouthTables,
    rows: slice | Array,
    t: MentorTables,
    rules: Rules,
    weight: float,
) -> None:
    """The travel constraint (too-far pairs are added to `broken`) and the distance factor's per-pair
    part, -weight / max km * km (its
    constant part is in the youth's constant column); an unknown location passes and scores 0.5."""
    d2 = yt.distance[rows] @ t.distance.T
    limit = rules.max_travel_km + 1e-6
    too_far = d2 > F32(limit * limit)
    unknown_rows = yt.unknown_location[rows]
    if unknown_rows.any():
        too_far[unknown_rows] = False
    if t.unknown_location.any():
        too_far[:, t.unknown_location] = False
    codes, places = yt.neighbourhood[rows], t.neighbourhoods
    goes = places is not None and bool((codes >= 0).any())
    if places is not None and goes:
        too_far &= ~(places[:, np.maximum(codes, 0)].T.astype(bool) & (codes >= 0)[:, None])
    broken |= too_far
    del too_far
    if not weight:
        return
    np.maximum(d2, 0, out=d2)  # rounding can make a zero distance slightly negative
    np.sqrt(d2, out=d2)
    np.multiply(d2, F32(-weight / max(rules.max_travel_km, 1e-9)), out=d2)
    if goes:  # a pair allowed by the neighbourhood rule may lie beyond the maximum: factor 0, not less
        np.maximum(d2, F32(-weight), out=d2)
    if unknown_rows.any():
        d2[unknown_rows] = F32(-0.5 * weight)
    if t.unknown_location.any():
        d2[:, t.unknown_location] = F32(-0.5 * weight)
    s += d2


def _personality_ratio(yp: Array, mp: Array) -> Array:
    """The general personality factor (some answers missing): 1 - mean |difference| / 4; 0.5 when none."""
    total = (
        _personality_one_hot(yp)
        @ np.kron(
            np.eye(yp.shape[1], dtype=F32), np.abs(np.subtract.outer(np.arange(5), np.arange(5))).astype(F32)
        )
        @ _personality_one_hot(mp).T
    )
    count = (~np.isnan(yp)).astype(F32) @ (~np.isnan(mp)).astype(F32).T
    return np.where(count > 0, (count - total / 4) / np.maximum(count, 1), F32(0.5)).astype(F32)


# --- BLAS threads -----------------------------------------------------------------------------------
# The candidate graph scores blocks in its own threads; OpenBLAS starting two more threads per matrix
# product then makes each product 2-15 times slower on a busy 2-core machine (measured: 200 x 10,000
# x 165 took 7 ms with one BLAS thread, 10-15 ms with two). threadpoolctl (the library scikit-learn
# uses for this) limits BLAS to one thread for the duration and restores it afterwards.


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run matrix products on one BLAS thread for the duration (and restore the previous count)."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield
