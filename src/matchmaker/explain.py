"""What a youth and a mentor have in common, in words a coordinator can check (the factor bars say
how much each factor adds; this says what matched).

One plain function on one pair, used for every proposal of a round and for a pair checked by hand
(MAT-6), so both explain a pair the same way.
"""

from __future__ import annotations

from matchmaker.encode import normalise_background
from matchmaker.types import NO_WISH, Mentor, PairDetails, Youth

# A cultural background the family marked at least "nice" counts as a wish (MAT-5).
BACKGROUND_WISHES = frozenset({"nice", "important", "required"})


def pair_details(youth: Youth, mentor: Mentor) -> PairDetails:
    """Shared interests, the youth's wishes this mentor meets or misses (YTH-3, MAT-5), the age gap
    in years and whether the mentor is at a higher school stage (MAT-3)."""
    age_wished = youth.wish_age_min is not None or youth.wish_age_max is not None
    ours = normalise_background(youth.cultural_background)
    stages_known = youth.school_stage is not None and mentor.school_stage is not None
    return PairDetails(
        mentor_id=mentor.id,
        shared_interests=tuple(sorted(youth.interests & mentor.interests)),
        wished_interests_met=tuple(sorted(youth.wish_interests & mentor.interests)),
        wished_interests_missed=tuple(sorted(youth.wish_interests - mentor.interests)),
        wish_gender=youth.wish_gender,
        wish_gender_met=youth.wish_gender != NO_WISH and mentor.gender == youth.wish_gender,
        wish_language=youth.wish_language,
        wish_language_met=youth.wish_language != NO_WISH and youth.wish_language in mentor.languages,
        wish_age_min=youth.wish_age_min,
        wish_age_max=youth.wish_age_max,
        wish_age_met=age_wished
        and (youth.wish_age_min is None or mentor.age >= youth.wish_age_min)
        and (youth.wish_age_max is None or mentor.age <= youth.wish_age_max),
        mentor_age=mentor.age,
        background_wish_met=youth.cultural_match in BACKGROUND_WISHES
        and bool(ours)
        and ours == normalise_background(mentor.cultural_background),
        age_gap=mentor.age - youth.age,
        next_school_level=stages_known and mentor.school_stage > youth.school_stage,  # type: ignore[operator]
    )
