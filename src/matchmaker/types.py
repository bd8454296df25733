"""Plain typed input and output of the matching engine.

The Django app builds these from its models in one adapter; the engine never sees a model.
Codes follow `koppel.people.enums` (genders, language codes, availability slots like "mon-pm",
SCHOOL_STAGE 1 primary .. 4 graduated, Importance not/nice/important/required).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

# (x_km, y_km) on a flat city map; the adapter derives it from the postcode.
Location = tuple[float, float]

NO_WISH = ""

# What a round maximises (Rules.objective). YOUTH_FIRST (MAT-1 youth first, REL-3): the number of
# youth with a mentor (in a team programme: a complete team) first, then the total score among the
# matchings with that number. BEST_TOTAL: the total score alone, even if fewer youth get a mentor.
YOUTH_FIRST = "youth_first"
BEST_TOTAL = "best_total"
OBJECTIVES = (YOUTH_FIRST, BEST_TOTAL)


@dataclass(frozen=True)
class Profile:
    """What the engine reads alike of a youth and a mentor: who they are, where, and what they like,
    think and have time for."""

    id: int
    age: int
    gender: str = ""
    languages: frozenset[str] = frozenset()
    cultural_background: str = ""
    location: Location | None = None
    school_stage: int | None = None
    interests: frozenset[str] = frozenset()
    personality: Mapping[str, int] = field(default_factory=dict)
    values: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Youth(Profile):
    """A waiting youth with the wishes recorded at intake (YTH-3)."""

    goals: frozenset[str] = frozenset()
    neighbourhood: str = ""  # compared case- and whitespace-insensitively with Mentor.neighbourhoods
    # Wishes. Gender and language wishes are hard (MAT-5: what the youth or family marked).
    wish_gender: str = NO_WISH
    wish_language: str = NO_WISH
    cultural_match: str = "not"  # not / nice / important / required (MAT-5)
    wish_interests: frozenset[str] = frozenset()
    wish_age_min: int | None = None
    wish_age_max: int | None = None
    waiting_days: int = 0


@dataclass(frozen=True)
class Mentor(Profile):
    """A mentor as far as matching is concerned."""

    motives: frozenset[str] = frozenset()  # career / personal / altruism (REC-2)
    ready: bool = True
    disqualified: bool = False  # SCR-3
    trained: bool = True  # TRN-1
    has_adult_supervisor: bool = False  # MAT-4, only relevant under 18
    capacity: int = 1
    # Neighbourhoods the mentor is willing to go to, whatever the distance (travel constraint).
    neighbourhoods: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Weights:
    """Weight per score factor; defaults follow the factsheet.

    Youth's own wishes first (MAT-1, YTH-3); perceived similarity (interests, personality, values)
    above demographic similarity (MAT-2); the rest in between.
    """

    wishes: float = 3.0
    interests: float = 2.0
    personality: float = 1.5
    values: float = 1.5
    age_gap: float = 1.0
    mutual_benefit: float = 1.0
    culture: float = 1.0
    demographics: float = 0.5
    availability: float = 1.0
    distance: float = 1.0
    waiting: float = 1.0

    def as_dict(self) -> dict[str, float]:
        """Factor name -> weight, in declaration order."""
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class Rules:
    """Programme rules for one match round."""

    min_age_gap: int = 2  # MAT-3 gate
    preferred_age_gap: int = 10  # MAT-3 default
    min_availability_overlap: int = 1
    max_travel_km: float = 10.0
    online: bool = False  # then distance does not apply
    team_min: int = 1  # REL-3: 1/1 individual, 2..4 team
    team_max: int = 1
    min_score: float = 0.0
    weights: Weights = field(default_factory=Weights)
    locked: frozenset[tuple[int, int]] = frozenset()  # (youth_id, mentor_id) kept on a re-run
    excluded: frozenset[tuple[int, int]] = frozenset()  # (youth_id, mentor_id) never proposed
    candidates_k: int = 100  # k = 50 lost 0.001 % against the exact optimum at 2,000 x 2,000
    alternatives: int = 3
    objective: str = YOUTH_FIRST  # YOUTH_FIRST or BEST_TOTAL (above)


@dataclass(frozen=True)
class PairDetails:
    """What one youth and one mentor have in common, for the explanation of a pair.

    Interests are the engine's strings (managed interests' slugs and the people's own words); the
    caller names them. `wish_*` repeat the youth's wish ("" or None: no wish) with whether this
    mentor meets it. Nothing about values, beliefs or personality answers is named here: the
    explanation shows those only as factor bars.
    """

    mentor_id: int
    shared_interests: tuple[str, ...] = ()
    wished_interests_met: tuple[str, ...] = ()
    wished_interests_missed: tuple[str, ...] = ()
    wish_gender: str = NO_WISH
    wish_gender_met: bool = False
    wish_language: str = NO_WISH
    wish_language_met: bool = False
    wish_age_min: int | None = None
    wish_age_max: int | None = None
    wish_age_met: bool = False
    mentor_age: int = 0
    # The family asked for a shared cultural background (nice, important or required) and they share it.
    background_wish_met: bool = False
    age_gap: int = 0  # the mentor's age minus the youth's, in years (MAT-3)
    next_school_level: bool = False  # the mentor is at a higher school stage than the youth (MAT-3)

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly copy (tuples as lists)."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in fields(self)}


@dataclass(frozen=True)
class Proposal:
    """A youth with their proposed mentor(s).

    `score` is the mean pair score over the mentors; `factors` are the weighted contributions per
    factor (also averaged over the mentors), and they add up to `score`. `details` says per mentor
    (in `mentor_ids` order) what the two have in common and which wishes this mentor meets.
    """

    youth_id: int
    mentor_ids: tuple[int, ...]
    score: float
    factors: dict[str, float]
    locked: tuple[int, ...] = ()
    details: tuple[PairDetails, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """A next-best mentor for a youth."""

    mentor_id: int
    score: float


@dataclass(frozen=True)
class Unmatched:
    """A youth left unmatched, with the reason as a code and as English text.

    `codes` names every constraint of a combination that together rules out all mentors (in the
    order found; `reason` is the first); `params` holds the values the text uses (e.g. "language":
    "ar", "km": "10") so a caller can build a translated text itself; `counts` says per constraint
    how many mentors it rules out on its own.
    """

    youth_id: int
    reason: str
    text: str
    counts: dict[str, int] = field(default_factory=dict)
    codes: tuple[str, ...] = ()
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PoolGap:
    """What the mentor pool lacks for one youth (MAT-5 pool analysis).

    `unmet`: the youth-side constraints that no considered mentor (ready, trained, not disqualified)
    passes on its own, in reason order; `feasible_mentors`: how many considered mentors pass every
    hard constraint.
    """

    youth_id: int
    unmet: tuple[str, ...]
    feasible_mentors: int


@dataclass(frozen=True)
class Result:
    """The outcome of a match round."""

    proposals: tuple[Proposal, ...]
    alternatives: dict[int, tuple[Alternative, ...]]
    unmatched: tuple[Unmatched, ...]
    dropped_locks: tuple[tuple[int, int, str], ...] = ()
    # False only when the team solver (REL-3) hit its time limit before proving the optimum.
    optimal: bool = True

    @property
    def total_score(self) -> float:
        """Sum of pair scores over all proposed pairs (what the solver maximises)."""
        return sum(p.score * len(p.mentor_ids) for p in self.proposals)
