"""The soft score: each factor a documented function scaled 0..1.

    score = sum(weight_i * factor_i) / sum(weight_i)

so the contributions `weight_i * factor_i / sum(weight_i)` add up to the score and explain it.
Every factor works on encoded Sides broadcast against each other: a list of pairs or a block of
youth x mentors. A factor that has nothing to compare (no wishes, no goals, no location) gives a
documented neutral value instead of punishing the youth for a missing answer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matchmaker.constraints import distance_km
from matchmaker.encode import (
    Array,
    Side,
    build_vocabularies,
    encode_mentors,
    encode_youths,
    popcount,
    popcount_and,
)
from matchmaker.types import Mentor, Rules, Weights, Youth

# A wished age outside the range loses 1/AGE_WISH_SLACK per year off.
AGE_WISH_SLACK = 5.0
# Shared availability counts up to this many slots.
FULL_AVAILABILITY = 4.0
# The waiting factor reaches 1 after a year on the waiting list.
FULL_WAIT_DAYS = 365.0


def _ratio(num: Array, den: Array, empty: float) -> Array:
    """num / den, `empty` where den is 0."""
    num = np.asarray(num, dtype=np.float32)
    den = np.asarray(den, dtype=np.float32)
    return np.where(den > 0, num / np.maximum(den, 1), np.float32(empty)).astype(np.float32)


def wishes__MAT_1(y: Side, m: Side, rules: Rules) -> Array:
    """MAT-1, YTH-3: the youth's own soft wishes, mean of those the youth expressed.

    - wished interests: the share of wished interests the mentor has;
    - wished age range: 1 inside, minus 1/5 per year outside (0 from five years off).
    Nothing wished: 1 (nothing asked, nothing missed). Gender and language wishes are hard (MAT-5).
    """
    n_wish = popcount(y.wish_interests)
    has_interest = n_wish > 0
    has_age = ~(np.isnan(y.wish_age_min) & np.isnan(y.wish_age_max))
    # Per-youth weights of the two parts (shape of the youth side only, so cheap).
    count = has_interest.astype(np.float32) + has_age.astype(np.float32)
    w_interest = np.where(has_interest, 1 / np.maximum(count, 1), 0).astype(np.float32)
    w_age = np.where(has_age, 1 / np.maximum(count, 1), 0).astype(np.float32)
    out = np.broadcast_to(
        np.where(count == 0, np.float32(1), np.float32(0)), np.broadcast_shapes(y.age.shape, m.age.shape)
    ).copy()
    if has_interest.any():
        shared = popcount_and(y.wish_interests, m.interests).astype(np.float32)
        out += w_interest * shared / np.maximum(n_wish, 1).astype(np.float32)
    if has_age.any():
        lo = np.where(np.isnan(y.wish_age_min), -np.inf, y.wish_age_min).astype(np.float32)
        hi = np.where(np.isnan(y.wish_age_max), np.inf, y.wish_age_max).astype(np.float32)
        off = np.maximum(lo - m.age, 0) + np.maximum(m.age - hi, 0)
        out += w_age * np.clip(1 - off / np.float32(AGE_WISH_SLACK), 0, 1)
    return out


def interests__MAT_2(y: Side, m: Side, rules: Rules) -> Array:
    """MAT-2: perceived similarity in interests, Jaccard |shared| / |either|; 0 when neither has any."""
    shared = popcount_and(y.interests, m.interests)
    return _ratio(shared, popcount(y.interests) + popcount(m.interests) - shared, 0.0)


def personality__MAT_2(y: Side, m: Side, rules: Rules) -> Array:
    """MAT-2: 1 - mean |difference| / 4 over traits both answered (1..5 scale); 0.5 when none."""
    if y.personality.ndim == 3 and y.personality.shape[1] == 1 and m.personality.shape[0] == 1:
        # A block of youth x all mentors: both sums are matrix products over one-hot answers.
        yp, mp = y.personality[:, 0, :], m.personality[0, :, :]
        total = _one_hot(yp) @ _abs_diff_tile(yp.shape[1]) @ _one_hot(mp).T
        count = (~np.isnan(yp)).astype(np.float32) @ (~np.isnan(mp)).astype(np.float32).T
    else:
        diff = np.abs(y.personality - m.personality)
        answered = ~np.isnan(diff)
        total = np.where(answered, diff, np.float32(0)).sum(axis=-1)
        count = answered.sum(axis=-1)
    return _ratio(count - total / 4, count, 0.5)


def _one_hot(answers: Array) -> Array:
    """(n, traits) answers 1..5 (NaN unanswered) -> (n, traits * 5) float32 one-hot."""
    n, traits = answers.shape
    out = np.zeros((n, traits, 5), dtype=np.float32)
    rows, cols = np.nonzero(~np.isnan(answers))
    out[rows, cols, np.clip(answers[rows, cols].astype(np.int64) - 1, 0, 4)] = 1
    return out.reshape(n, traits * 5)


def _abs_diff_tile(traits: int) -> Array:
    """Block-diagonal |v - w| for answers v, w in 1..5, one block per trait."""
    one = np.abs(np.subtract.outer(np.arange(5), np.arange(5))).astype(np.float32)
    return np.kron(np.eye(traits, dtype=np.float32), one)


def values__MAT_2(y: Side, m: Side, rules: Rules) -> Array:
    """MAT-2: shared values and beliefs, Jaccard; 0 when neither has any."""
    shared = popcount_and(y.values, m.values)
    return _ratio(shared, popcount(y.values) + popcount(m.values) - shared, 0.0)


def age_gap__MAT_3(y: Side, m: Side, rules: Rules) -> Array:
    """MAT-3: gap / preferred gap, 1 from the preferred gap (10 years) up; 0 for no gap."""
    gap = m.age - y.age
    return np.clip(gap / max(rules.preferred_age_gap, 1), 0, 1).astype(np.float32)


def mutual_benefit__MAT_1(y: Side, m: Side, rules: Rules) -> Array:
    """MAT-1: the mentor's motives against the youth's goals.

    Per goal: 1 when a career motive meets a school/work goal or a personal-development motive meets
    a personal goal (see encode.CAREER_GOALS / PERSONAL_GOALS), else 0.5 when the mentor is
    altruistic, else 0; the mean over goals. No goals: 0.5.
    """
    served = m.motive_career * y.goals_career + m.motive_personal * y.goals_personal
    rest = y.goals_total - served
    return _ratio(served + 0.5 * m.motive_altruism * rest, y.goals_total, 0.5)


def culture__MAT_5(y: Side, m: Side, rules: Rules) -> Array:
    """MAT-5: a shared cultural background only as much as the family asked for.

    not important: 1 for everyone; nice: 1 shared, 0.5 not; important: 1 shared, 0 not;
    required is a hard constraint, so every feasible mentor shares it (1).
    """
    shared = ((y.background >= 0) & (y.background == m.background)).astype(np.float32)
    level = y.cultural_match
    out = np.where(level == 1, 0.5 + 0.5 * shared, shared)
    return np.where(level == 0, np.float32(1), out).astype(np.float32)


def demographics__MAT_2(y: Side, m: Side, rules: Rules) -> Array:
    """MAT-2: actual demographic similarity, kept light: mean of same gender and any shared language."""
    same_gender = ((y.gender >= 0) & (y.gender == m.gender)).astype(np.float32)
    shared_language = (popcount_and(y.languages, m.languages) > 0).astype(np.float32)
    return (same_gender + shared_language) / 2


def availability(y: Side, m: Side, rules: Rules) -> Array:
    """Shared weekly slots, min(shared, 4) / 4."""
    return (
        np.minimum(popcount_and(y.availability, m.availability), FULL_AVAILABILITY) / FULL_AVAILABILITY
    ).astype(np.float32)


def distance(y: Side, m: Side, rules: Rules) -> Array:
    """A shorter journey: 1 - km / max km (0 at the limit); 1 online; 0.5 with an unknown location."""
    if rules.online:
        return np.ones(np.broadcast_shapes(y.x.shape, m.x.shape), dtype=np.float32)
    km = distance_km(y, m)
    near = np.clip(1 - km / max(rules.max_travel_km, 1e-9), 0, 1)
    return np.where(np.isnan(km), np.float32(0.5), near).astype(np.float32)


def waiting(y: Side, m: Side, rules: Rules) -> Array:
    """Time on the waiting list, days / 365 up to 1, so the longest-waiting are not passed over."""
    days = np.clip(y.waiting_days / FULL_WAIT_DAYS, 0, 1).astype(np.float32)
    return np.broadcast_to(days, np.broadcast_shapes(y.age.shape, m.age.shape))


Factor = Callable[[Side, Side, Rules], Array]

# Weight name -> factor function.
FACTORS: dict[str, Factor] = {
    "wishes": wishes__MAT_1,
    "interests": interests__MAT_2,
    "personality": personality__MAT_2,
    "values": values__MAT_2,
    "age_gap": age_gap__MAT_3,
    "mutual_benefit": mutual_benefit__MAT_1,
    "culture": culture__MAT_5,
    "demographics": demographics__MAT_2,
    "availability": availability,
    "distance": distance,
    "waiting": waiting,
}


def _normalised(weights: Weights) -> dict[str, float]:
    w = weights.as_dict()
    total = sum(w.values())
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    return {name: value / total for name, value in w.items()}


def score(y: Side, m: Side, rules: Rules) -> Array:
    """The weighted score, 0..1, as float32 (broadcast shape of y and m)."""
    out = np.zeros(np.broadcast_shapes(y.age.shape, m.age.shape), dtype=np.float32)
    for name, weight in _normalised(rules.weights).items():
        if weight:
            out += np.float32(weight) * FACTORS[name](y, m, rules)
    return out


def contributions(y: Side, m: Side, rules: Rules) -> dict[str, Array]:
    """Per factor, `weight * factor / sum(weights)`; they add up to `score`."""
    return {
        name: (np.float32(weight) * FACTORS[name](y, m, rules)).astype(np.float64)
        for name, weight in _normalised(rules.weights).items()
    }


def factor_values(youth: Youth, mentor: Mentor, rules: Rules) -> dict[str, float]:
    """The raw 0..1 value of every factor for one pair (for explanations and tests)."""
    y, m = _encode_pair(youth, mentor)
    return {name: float(np.asarray(f(y, m, rules)).reshape(-1)[0]) for name, f in FACTORS.items()}


def score_pair(youth: Youth, mentor: Mentor, rules: Rules) -> tuple[float, dict[str, float]]:
    """Score and contributions for one pair, e.g. a pair a coordinator proposes by hand (MAT-6)."""
    y, m = _encode_pair(youth, mentor)
    parts = {name: float(np.asarray(v).reshape(-1)[0]) for name, v in contributions(y, m, rules).items()}
    return float(np.asarray(score(y, m, rules)).reshape(-1)[0]), parts


def _encode_pair(youth: Youth, mentor: Mentor) -> tuple[Side, Side]:
    v = build_vocabularies([youth], [mentor])
    return encode_youths([youth], v), encode_mentors([mentor], v)
