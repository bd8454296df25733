"""Hard constraints: a pair that breaks one is never proposed.

Each constraint exists twice: a plain function on one youth and one mentor that returns None or a
reason code (for a pair proposed by hand, MAT-6, and for reading), and a vectorised twin on encoded
arrays that returns a boolean "passes" array for the pool. Tests check that the twins agree.
Mentor capacity is not a pair constraint; the solver holds it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from matchmaker.encode import Array, Side, has_code, normalise_background, normalise_name, popcount_and
from matchmaker.types import Mentor, Rules, Youth

# Reason codes, in the order reasons are reported.
NOT_READY = "mentor_not_ready"
NOT_TRAINED = "mentor_not_trained"
DISQUALIFIED = "mentor_disqualified"
AGE_GAP = "age_gap_too_small"
MINOR_UNSUPERVISED = "minor_mentor_without_supervisor"
GENDER = "required_gender"
LANGUAGE = "required_language"
BACKGROUND = "required_background"
AVAILABILITY = "too_little_availability_overlap"
DISTANCE = "too_far"
EXCLUDED = "excluded_by_coordinator"


def mentor_ready(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """The mentor's status is "ready to match" (screened and approved)."""
    return None if mentor.ready else NOT_READY


def mentor_trained__TRN_1(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """TRN-1: the mentor has had the required training before being matched."""
    return None if mentor.trained else NOT_TRAINED


def mentor_not_disqualified__SCR_3(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """SCR-3: a disqualified mentor is never matched."""
    return DISQUALIFIED if mentor.disqualified else None


def age_gap__MAT_3(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """MAT-3: at least `min_age_gap` years older, or at a next school stage."""
    if mentor.age - youth.age >= rules.min_age_gap:
        return None
    stages_known = youth.school_stage is not None and mentor.school_stage is not None
    if stages_known and mentor.school_stage > youth.school_stage:  # type: ignore[operator]
        return None
    return AGE_GAP


def minor_mentor_supervised__MAT_4(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """MAT-4: a mentor under 18 only with an adult supervisor recorded."""
    return MINOR_UNSUPERVISED if mentor.age < 18 and not mentor.has_adult_supervisor else None


def required_gender__MAT_5(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """MAT-5: the mentor gender the youth or family asked for."""
    return GENDER if youth.wish_gender and mentor.gender != youth.wish_gender else None


def required_language__MAT_5(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """MAT-5: the language the youth or family asked for."""
    return LANGUAGE if youth.wish_language and youth.wish_language not in mentor.languages else None


def required_background__MAT_5(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """MAT-5: a shared cultural background when the family marked it "required"."""
    if youth.cultural_match != "required":
        return None
    ours = normalise_background(youth.cultural_background)
    if ours and ours == normalise_background(mentor.cultural_background):
        return None
    return BACKGROUND


def availability_overlap(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """At least the programme's minimum number of shared weekly slots."""
    shared = len(youth.availability & mentor.availability)
    return None if shared >= rules.min_availability_overlap else AVAILABILITY


def travel_distance(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """Within the maximum travel distance, unless the programme is online or the mentor is willing to
    go to the youth's neighbourhood (compared case- and whitespace-insensitively).

    A missing location cannot be checked and passes; the distance factor then scores it neutrally.
    """
    if rules.online or youth.location is None or mentor.location is None:
        return None
    ours = normalise_name(youth.neighbourhood)
    if ours and ours in {normalise_name(n) for n in mentor.neighbourhoods}:
        return None
    km = math.dist(youth.location, mentor.location)
    return DISTANCE if km > rules.max_travel_km + 1e-9 else None


def not_excluded(youth: Youth, mentor: Mentor, rules: Rules) -> str | None:
    """A pair the coordinator excluded is never proposed again."""
    return EXCLUDED if (youth.id, mentor.id) in rules.excluded else None


PAIR_CONSTRAINTS: tuple[Callable[[Youth, Mentor, Rules], str | None], ...] = (
    mentor_ready,
    mentor_trained__TRN_1,
    mentor_not_disqualified__SCR_3,
    age_gap__MAT_3,
    minor_mentor_supervised__MAT_4,
    required_gender__MAT_5,
    required_language__MAT_5,
    required_background__MAT_5,
    availability_overlap,
    travel_distance,
    not_excluded,
)


def broken_constraints(youth: Youth, mentor: Mentor, rules: Rules) -> list[str]:
    """Every reason code this pair breaks; empty when the pair may be proposed."""
    return [code for check in PAIR_CONSTRAINTS if (code := check(youth, mentor, rules)) is not None]


# --- vectorised twins: youth `y` and mentors `m` are Sides broadcast against each other ---


def distance_km(y: Side, m: Side) -> Array:
    """Straight-line distance in km; NaN where a location is missing."""
    return np.hypot(y.x - m.x, y.y - m.y)


def passes_age_gap(y: Side, m: Side, rules: Rules) -> Array:
    """Vectorised `age_gap__MAT_3`."""
    next_stage = (y.stage >= 0) & (m.stage >= 0) & (m.stage > y.stage)
    return ((m.age - y.age) >= rules.min_age_gap) | next_stage


def passes_minor_supervised(y: Side, m: Side, rules: Rules) -> Array:
    """Vectorised `minor_mentor_supervised__MAT_4` (mentor-only)."""
    return (m.age >= 18) | m.supervised


def passes_gender(y: Side, m: Side, rules: Rules) -> Array:
    """Vectorised `required_gender__MAT_5`."""
    return (y.wish_gender < 0) | (y.wish_gender == m.gender)


def passes_language(y: Side, m: Side, rules: Rules) -> Array:
    """Vectorised `required_language__MAT_5` (language codes are bit positions)."""
    return (y.wish_language < 0) | has_code(y.wish_language, m.languages)


def passes_background(y: Side, m: Side, rules: Rules) -> Array:
    """Vectorised `required_background__MAT_5`."""
    return (y.cultural_match != 3) | ((y.background >= 0) & (y.background == m.background))


def passes_availability(y: Side, m: Side, rules: Rules) -> Array:
    """Vectorised `availability_overlap`."""
    return popcount_and(y.availability, m.availability) >= rules.min_availability_overlap


def passes_distance(y: Side, m: Side, rules: Rules) -> Array:
    """Vectorised `travel_distance`; NaN distances (unknown location) pass."""
    if rules.online:
        return np.ones(np.broadcast_shapes(y.x.shape, m.x.shape), dtype=bool)
    near = ~(distance_km(y, m) > rules.max_travel_km + 1e-6)
    if m.neighbourhoods.any():
        near |= has_code(y.neighbourhood, m.neighbourhoods)
    return near


def passes_mentor_status(m: Side) -> tuple[Array, Array, Array]:
    """Vectorised ready / trained (TRN-1) / not disqualified (SCR-3), mentor-only."""
    return m.ready, m.trained, ~m.disqualified


PairCheck = Callable[[Side, Side, Rules], Array]

# Reason code -> vectorised pair check (mentor-status and exclusions are handled by the solver).
VECTOR_PAIR_CHECKS: tuple[tuple[str, PairCheck], ...] = (
    (AGE_GAP, passes_age_gap),
    (MINOR_UNSUPERVISED, passes_minor_supervised),
    (GENDER, passes_gender),
    (LANGUAGE, passes_language),
    (BACKGROUND, passes_background),
    (AVAILABILITY, passes_availability),
    (DISTANCE, passes_distance),
)

REASON_ORDER: tuple[str, ...] = (
    NOT_READY,
    NOT_TRAINED,
    DISQUALIFIED,
    *(code for code, _ in VECTOR_PAIR_CHECKS),
    EXCLUDED,
)


def feasibility(y: Side, m: Side, rules: Rules) -> tuple[Array, dict[str, Array]]:
    """All-pass mask and, per reason code, where that constraint fails (exclusions not included)."""
    ready, trained, clean = passes_mentor_status(m)
    fails: dict[str, Array] = {NOT_READY: ~ready, NOT_TRAINED: ~trained, DISQUALIFIED: ~clean}
    for code, check in VECTOR_PAIR_CHECKS:
        fails[code] = ~check(y, m, rules)
    shape = np.broadcast_shapes(y.age.shape, m.age.shape)
    ok = np.ones(shape, dtype=bool)
    for fail in fails.values():
        ok &= ~fail
    return ok, fails
