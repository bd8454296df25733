"""Turn lists of Youth and Mentor into numpy arrays for vectorised constraints and scoring.

Sets of strings become bitsets (rows of uint64 words) so that shared items are a popcount of an AND.
A `Side` holds one array per attribute; `Side.pick` selects rows and adds a broadcast axis, so the
same vectorised functions work on a list of pairs (1-D) and on a block of youth x all mentors (2-D).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from matchmaker.types import Mentor, Youth

Array = npt.NDArray[Any]

IMPORTANCE = {"not": 0, "nice": 1, "important": 2, "required": 3}
# Mutual benefit (MAT-1): which youth goals a mentor's motive serves. Altruism serves any goal halfway.
CAREER_GOALS = frozenset({"school", "study", "work", "internship", "career", "homework", "job"})
PERSONAL_GOALS = frozenset({"confidence", "social", "emotions", "leisure", "hobby", "friends", "family"})


class Vocabulary:
    """Maps strings to small integers, shared by both sides so codes compare."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def code(self, value: str) -> int:
        """The code of `value`, -1 for the empty string."""
        if not value:
            return -1
        return self.codes.setdefault(value, len(self.codes))

    def add_all(self, values: Iterable[str]) -> None:
        """Register every value."""
        for value in values:
            self.code(value)


def _words(vocab: Vocabulary) -> int:
    return max(1, (len(vocab.codes) + 63) // 64)


def _bitsets(rows: Sequence[frozenset[str]], vocab: Vocabulary) -> Array:
    """Rows of sets -> (n, words) uint64 bitsets over `vocab` (which must already hold every item)."""
    out = np.zeros((len(rows), _words(vocab)), dtype=np.uint64)
    codes = vocab.codes
    flat = np.array([codes[item] for row in rows for item in row], dtype=np.int64)
    if len(flat):
        row = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
        np.bitwise_or.at(out, (row, flat // 64), np.left_shift(np.uint64(1), (flat % 64).astype(np.uint64)))
    return out


def popcount_and(a: Array, b: Array) -> Array:
    """Number of shared items of two bitset arrays (broadcast over all but the last axis)."""
    if a.shape[-1] == 1:  # the common case: one word, no sum needed
        return np.bitwise_count(a[..., 0] & b[..., 0])
    return np.bitwise_count(a & b).sum(axis=-1, dtype=np.int32)


def has_code(code: Array, bits: Array) -> Array:
    """Whether bitset `bits` holds item `code` (False for code -1), broadcast over all but the last axis."""
    safe = np.maximum(code, 0)
    has = np.zeros(np.broadcast_shapes(code.shape, bits.shape[:-1]), dtype=bool)
    for w in range(bits.shape[-1]):
        in_word = (safe // 64) == w
        bit = np.left_shift(np.uint64(1), (safe % 64).astype(np.uint64))
        has |= in_word & ((bits[..., w] & bit) != 0)
    return (code >= 0) & has


def popcount(a: Array) -> Array:
    """Number of items in a bitset array."""
    if a.shape[-1] == 1:
        return np.bitwise_count(a[..., 0])
    return np.bitwise_count(a).sum(axis=-1, dtype=np.int32)


@dataclass(frozen=True)
class Side:
    """Column arrays for one side (youth or mentors); fields that do not apply are zero-width."""

    age: Array
    gender: Array
    languages: Array
    background: Array
    x: Array
    y: Array
    stage: Array
    interests: Array
    personality: Array
    values: Array
    availability: Array
    # youth only
    wish_gender: Array
    wish_language: Array
    cultural_match: Array
    wish_interests: Array
    wish_age_min: Array
    wish_age_max: Array
    waiting_days: Array
    neighbourhood: Array
    goals_total: Array
    goals_career: Array
    goals_personal: Array
    # mentors only
    motive_career: Array
    motive_personal: Array
    motive_altruism: Array
    ready: Array
    disqualified: Array
    trained: Array
    supervised: Array
    neighbourhoods: Array

    def pick(self, index: Array | slice, expand: int | None = None) -> Side:
        """Rows at `index`, with a new axis at `expand` (1 for youth, 0 for mentors) to broadcast."""
        values = {}
        for f in fields(self):
            arr = getattr(self, f.name)[index]
            values[f.name] = arr if expand is None else np.expand_dims(arr, expand)
        return Side(**values)

    def __len__(self) -> int:
        return len(self.age)


@dataclass(frozen=True)
class Vocabularies:
    """The string vocabularies shared by both sides."""

    gender: Vocabulary
    language: Vocabulary
    background: Vocabulary
    tags: Vocabulary
    slots: Vocabulary
    traits: Vocabulary
    neighbourhood: Vocabulary


def build_vocabularies(youths: Sequence[Youth], mentors: Sequence[Mentor]) -> Vocabularies:
    """Collect every string used by either side, in sorted order (so codes do not depend on the
    iteration order of sets, which changes between processes)."""
    v = Vocabularies(*(Vocabulary() for _ in range(7)))
    people: list[Youth | Mentor] = [*youths, *mentors]
    v.gender.add_all(sorted({p.gender for p in people} | {y.wish_gender for y in youths}))
    v.language.add_all(
        sorted(set().union(*(p.languages for p in people)) | {y.wish_language for y in youths})
    )
    v.background.add_all(sorted({normalise_background(p.cultural_background) for p in people}))
    v.tags.add_all(
        sorted(
            set().union(
                *(p.interests for p in people),
                *(p.values for p in people),
                *(y.wish_interests for y in youths),
            )
        )
    )
    v.slots.add_all(sorted(set().union(*(p.availability for p in people))))
    v.traits.add_all(sorted(set().union(*(p.personality for p in people))))
    v.neighbourhood.add_all(
        sorted(
            {normalise_name(y.neighbourhood) for y in youths}
            | {normalise_name(n) for m in mentors for n in m.neighbourhoods}
        )
    )
    return v


def normalise_name(text: str) -> str:
    """Backgrounds and neighbourhoods compare case- and whitespace-insensitively."""
    return " ".join(text.casefold().split())


normalise_background = normalise_name


def _common(people: Sequence[Youth | Mentor], v: Vocabularies) -> dict[str, Array]:
    n = len(people)
    loc = np.full((n, 2), np.nan)
    personality = np.full((n, max(1, len(v.traits.codes))), np.nan, dtype=np.float32)
    for i, person in enumerate(people):
        if person.location is not None:
            loc[i] = person.location
        for trait, answer in person.personality.items():
            personality[i, v.traits.codes[trait]] = answer
    return {
        "age": np.array([p.age for p in people], dtype=np.float32),
        "gender": np.array([v.gender.code(p.gender) for p in people], dtype=np.int32),
        "languages": _bitsets([p.languages for p in people], v.language),
        "background": np.array(
            [v.background.code(normalise_background(p.cultural_background)) for p in people], dtype=np.int32
        ),
        "x": loc[:, 0].astype(np.float32),
        "y": loc[:, 1].astype(np.float32),
        "stage": np.array([-1 if p.school_stage is None else p.school_stage for p in people], dtype=np.int8),
        "interests": _bitsets([p.interests for p in people], v.tags),
        "personality": personality,
        "values": _bitsets([p.values for p in people], v.tags),
        "availability": _bitsets([p.availability for p in people], v.slots),
    }


def _empty(n: int) -> Array:
    return np.zeros(n, dtype=np.int8)


def encode_youths(youths: Sequence[Youth], v: Vocabularies) -> Side:
    """Arrays for the youth side."""
    n = len(youths)
    words_tags = max(1, (len(v.tags.codes) + 63) // 64)
    return Side(
        **_common(youths, v),
        wish_gender=np.array([v.gender.code(y.wish_gender) for y in youths], dtype=np.int32),
        wish_language=np.array([v.language.code(y.wish_language) for y in youths], dtype=np.int32),
        cultural_match=np.array([IMPORTANCE[y.cultural_match] for y in youths], dtype=np.int8),
        wish_interests=_bitsets([y.wish_interests for y in youths], v.tags).reshape(n, words_tags),
        wish_age_min=np.array(
            [np.nan if y.wish_age_min is None else y.wish_age_min for y in youths], np.float32
        ),
        wish_age_max=np.array(
            [np.nan if y.wish_age_max is None else y.wish_age_max for y in youths], np.float32
        ),
        waiting_days=np.array([y.waiting_days for y in youths], dtype=np.float32),
        neighbourhood=np.array(
            [v.neighbourhood.code(normalise_name(y.neighbourhood)) for y in youths], np.int32
        ),
        goals_total=np.array([len(y.goals) for y in youths], dtype=np.float32),
        goals_career=np.array([len(y.goals & CAREER_GOALS) for y in youths], dtype=np.float32),
        goals_personal=np.array([len(y.goals & PERSONAL_GOALS) for y in youths], dtype=np.float32),
        motive_career=_empty(n),
        motive_personal=_empty(n),
        motive_altruism=_empty(n),
        ready=_empty(n),
        disqualified=_empty(n),
        trained=_empty(n),
        supervised=_empty(n),
        neighbourhoods=np.zeros((n, _words(v.neighbourhood)), dtype=np.uint64),
    )


def encode_mentors(mentors: Sequence[Mentor], v: Vocabularies) -> Side:
    """Arrays for the mentor side."""
    n = len(mentors)
    zero = np.zeros(n, dtype=np.float32)
    words_tags = max(1, (len(v.tags.codes) + 63) // 64)
    return Side(
        **_common(mentors, v),
        wish_gender=np.full(n, -1, dtype=np.int32),
        wish_language=np.full(n, -1, dtype=np.int32),
        cultural_match=_empty(n),
        wish_interests=np.zeros((n, words_tags), dtype=np.uint64),
        wish_age_min=zero,
        wish_age_max=zero,
        waiting_days=zero,
        neighbourhood=np.full(n, -1, dtype=np.int32),
        goals_total=zero,
        goals_career=zero,
        goals_personal=zero,
        motive_career=np.array(["career" in m.motives for m in mentors], dtype=bool),
        motive_personal=np.array(["personal" in m.motives for m in mentors], dtype=bool),
        motive_altruism=np.array(["altruism" in m.motives for m in mentors], dtype=bool),
        ready=np.array([m.ready for m in mentors], dtype=bool),
        disqualified=np.array([m.disqualified for m in mentors], dtype=bool),
        trained=np.array([m.trained for m in mentors], dtype=bool),
        supervised=np.array([m.has_adult_supervisor for m in mentors], dtype=bool),
        neighbourhoods=_bitsets(
            [frozenset(normalise_name(n) for n in m.neighbourhoods) - {""} for m in mentors], v.neighbourhood
        ),
    )
