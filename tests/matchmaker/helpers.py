"""Small builders for engine tests: a youth and a mentor who pass every hard constraint."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from matchmaker.types import Mentor, Youth

SLOTS = [
    f"{day}-{part}"
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for part in ("am", "pm", "ev")
]
INTERESTS = [f"interest-{i}" for i in range(12)]


def a_youth(**changes: Any) -> Youth:
    base = Youth(
        id=1,
        age=14,
        gender="female",
        languages=frozenset({"nl"}),
        location=(0.0, 0.0),
        school_stage=2,
        availability=frozenset({"mon-pm", "wed-pm"}),
    )
    return replace(base, **changes)


def a_mentor(**changes: Any) -> Mentor:
    base = Mentor(
        id=1,
        age=30,
        gender="female",
        languages=frozenset({"nl"}),
        location=(3.0, 4.0),
        school_stage=4,
        availability=frozenset({"mon-pm", "fri-ev"}),
    )
    return replace(base, **changes)


def random_youth(rnd: random.Random, i: int) -> Youth:
    return Youth(
        id=i,
        age=rnd.randint(10, 18),
        gender=rnd.choice(["female", "male"]),
        languages=frozenset(rnd.sample(["nl", "ar", "tr"], rnd.randint(1, 2))),
        cultural_background=rnd.choice(["", "Moroccan", "Turkish", "dutch"]),
        location=(rnd.uniform(0, 16), rnd.uniform(0, 13)),
        school_stage=rnd.choice([1, 2, 3]),
        interests=frozenset(rnd.sample(INTERESTS, rnd.randint(0, 4))),
        personality={"calm": rnd.randint(1, 5), "curious": rnd.randint(1, 5)},
        values=frozenset(rnd.sample(["faith", "family", "sport"], rnd.randint(0, 2))),
        availability=frozenset(rnd.sample(SLOTS, rnd.randint(2, 8))),
        goals=frozenset(rnd.sample(["school", "confidence", "leisure"], rnd.randint(0, 2))),
        wish_gender=rnd.choice(["", "", "", "female", "male"]),
        wish_language=rnd.choice(["", "", "", "", "ar"]),
        cultural_match=rnd.choice(["not", "nice", "important", "required"]),
        wish_interests=frozenset(rnd.sample(INTERESTS, rnd.randint(0, 2))),
        wish_age_min=rnd.choice([None, 20]),
        wish_age_max=rnd.choice([None, 35]),
        waiting_days=rnd.randint(0, 500),
        neighbourhood=rnd.choice(["", "North", "south "]),
    )


def random_mentor(rnd: random.Random, i: int) -> Mentor:
    return Mentor(
        id=i,
        age=rnd.randint(16, 60),
        gender=rnd.choice(["female", "male"]),
        languages=frozenset(rnd.sample(["nl", "ar", "tr"], rnd.randint(1, 2))),
        cultural_background=rnd.choice(["", "moroccan ", "Turkish", "Dutch"]),
        location=(rnd.uniform(0, 16), rnd.uniform(0, 13)),
        school_stage=rnd.choice([2, 3, 4]),
        interests=frozenset(rnd.sample(INTERESTS, rnd.randint(0, 4))),
        personality={"calm": rnd.randint(1, 5)},
        values=frozenset(rnd.sample(["faith", "family", "sport"], rnd.randint(0, 2))),
        availability=frozenset(rnd.sample(SLOTS, rnd.randint(2, 8))),
        motives=frozenset(rnd.sample(["career", "personal", "altruism"], rnd.randint(1, 2))),
        ready=rnd.random() > 0.05,
        disqualified=rnd.random() < 0.03,
        trained=rnd.random() > 0.05,
        has_adult_supervisor=rnd.random() < 0.5,
        capacity=rnd.choice([1, 1, 1, 2]),
        neighbourhoods=frozenset(rnd.sample(["north", "South", "East"], rnd.randint(0, 2))),
    )
