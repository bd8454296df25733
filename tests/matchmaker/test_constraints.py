"""Every hard constraint, named after its rule, and the vectorised twins agree with the plain ones."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker import constraints as c
from matchmaker.solver import feasible_score_matrix
from matchmaker.types import Rules

from .helpers import a_mentor, a_youth, random_mentor, random_youth

RULES = Rules()


def test_baseline_pair_breaks_nothing():
    assert c.broken_constraints(a_youth(), a_mentor(), RULES) == []


def test_pair_refused_when_mentor_not_ready():
    assert c.broken_constraints(a_youth(), a_mentor(ready=False), RULES) == [c.NOT_READY]


def test_pair_refused_when_mentor_not_trained__TRN_1():
    assert c.broken_constraints(a_youth(), a_mentor(trained=False), RULES) == [c.NOT_TRAINED]


def test_pair_refused_when_mentor_disqualified__SCR_3():
    assert c.broken_constraints(a_youth(), a_mentor(disqualified=True), RULES) == [c.DISQUALIFIED]


def test_pair_refused_when_age_gap_below_two_years__MAT_3():
    youth = a_youth(age=14, school_stage=2)
    assert c.broken_constraints(
        youth, a_mentor(age=15, school_stage=2, has_adult_supervisor=True), RULES
    ) == [c.AGE_GAP]


def test_pair_allowed_with_two_years_gap__MAT_3():
    assert c.age_gap__MAT_3(a_youth(age=14), a_mentor(age=16, school_stage=2), RULES) is None


def test_pair_allowed_when_mentor_at_next_school_stage__MAT_3():
    youth = a_youth(age=15, school_stage=2)
    assert c.age_gap__MAT_3(youth, a_mentor(age=16, school_stage=3), RULES) is None


def test_pair_refused_when_mentor_under_18_without_adult_supervisor__MAT_4():
    mentor = a_mentor(age=17, has_adult_supervisor=False)
    assert c.broken_constraints(a_youth(age=12), mentor, RULES) == [c.MINOR_UNSUPERVISED]
    assert c.broken_constraints(a_youth(age=12), a_mentor(age=17, has_adult_supervisor=True), RULES) == []


def test_pair_refused_when_required_gender_differs__MAT_5():
    assert c.broken_constraints(a_youth(wish_gender="male"), a_mentor(gender="female"), RULES) == [c.GENDER]


def test_pair_refused_when_required_language_missing__MAT_5():
    assert c.broken_constraints(a_youth(wish_language="ar"), a_mentor(), RULES) == [c.LANGUAGE]
    assert (
        c.broken_constraints(a_youth(wish_language="ar"), a_mentor(languages=frozenset({"nl", "ar"})), RULES)
        == []
    )


def test_pair_refused_when_required_background_differs__MAT_5():
    youth = a_youth(cultural_match="required", cultural_background="Moroccan")
    assert c.broken_constraints(youth, a_mentor(cultural_background="Turkish"), RULES) == [c.BACKGROUND]


def test_required_background_compares_case_insensitively__MAT_5():
    youth = a_youth(cultural_match="required", cultural_background="Moroccan")
    assert c.broken_constraints(youth, a_mentor(cultural_background=" moroccan"), RULES) == []


def test_background_not_enforced_when_only_important__MAT_5():
    youth = a_youth(cultural_match="important", cultural_background="Moroccan")
    assert c.broken_constraints(youth, a_mentor(cultural_background="Turkish"), RULES) == []


def test_pair_refused_below_minimum_availability_overlap():
    mentor = a_mentor(availability=frozenset({"sun-am"}))
    assert c.broken_constraints(a_youth(), mentor, RULES) == [c.AVAILABILITY]


def test_pair_refused_beyond_max_travel_distance():
    mentor = a_mentor(location=(8.0, 7.0))  # 10.6 km
    assert c.broken_constraints(a_youth(), mentor, RULES) == [c.DISTANCE]


def test_distance_does_not_apply_online():
    mentor = a_mentor(location=(80.0, 70.0))
    assert c.broken_constraints(a_youth(), mentor, Rules(online=True)) == []


def test_pair_allowed_beyond_max_travel_distance_when_mentor_goes_to_youth_neighbourhood():
    youth = a_youth(neighbourhood="Noord")
    mentor = a_mentor(location=(8.0, 7.0), neighbourhoods=frozenset({"Zuid", "Noord"}))  # 10.6 km
    assert c.broken_constraints(youth, mentor, RULES) == []


def test_neighbourhood_compares_case_and_whitespace_insensitively():
    youth = a_youth(neighbourhood="  Oud  West ")
    mentor = a_mentor(location=(30.0, 0.0), neighbourhoods=frozenset({"oud west"}))
    assert c.travel_distance(youth, mentor, RULES) is None


def test_pair_refused_beyond_max_travel_distance_when_mentor_goes_to_other_neighbourhoods():
    mentor = a_mentor(location=(8.0, 7.0), neighbourhoods=frozenset({"Zuid"}))
    assert c.travel_distance(a_youth(neighbourhood="Noord"), mentor, RULES) == c.DISTANCE
    assert c.travel_distance(a_youth(neighbourhood=""), mentor, RULES) == c.DISTANCE


def test_travel_distance_passes_with_unknown_location():
    assert c.travel_distance(a_youth(location=None), a_mentor(location=(80.0, 0.0)), RULES) is None
    assert c.travel_distance(a_youth(), a_mentor(location=None), RULES) is None


def test_vectorised_travel_distance_agrees_on_neighbourhoods():
    youths = [a_youth(id=i, neighbourhood=n) for i, n in enumerate(["Noord", " noord", "Zuid", ""])]
    mentors = [
        a_mentor(id=0, location=(30.0, 0.0), neighbourhoods=frozenset({"NOORD"})),
        a_mentor(id=1, location=(30.0, 0.0)),
        a_mentor(id=2, location=(1.0, 0.0), neighbourhoods=frozenset({"zuid"})),
    ]
    dense = feasible_score_matrix(youths, mentors, RULES)
    expected = [[True, False, True], [True, False, True], [False, False, True], [False, False, True]]
    assert (np.isfinite(dense) == np.array(expected)).all()


def test_pair_refused_when_excluded_by_coordinator():
    rules = Rules(excluded=frozenset({(1, 1)}))
    assert c.broken_constraints(a_youth(), a_mentor(), rules) == [c.EXCLUDED]


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10_000), online=st.booleans())
def test_vectorised_constraints_agree_with_plain_ones(seed, online):
    rnd = random.Random(seed)
    youths = [random_youth(rnd, i) for i in range(6)]
    mentors = [random_mentor(rnd, i) for i in range(6)]
    rules = Rules(online=online, excluded=frozenset({(0, 0)}), min_availability_overlap=2)
    dense = feasible_score_matrix(youths, mentors, rules)
    plain = np.array([[not c.broken_constraints(y, m, rules) for m in mentors] for y in youths])
    assert (np.isfinite(dense) == plain).all()
