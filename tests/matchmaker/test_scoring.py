"""The score's factors with hand-computed values, and explanations that add up."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker import kernel
from matchmaker.constraints import broken_constraints
from matchmaker.encode import build_vocabularies, encode_mentors, encode_youths
from matchmaker.scoring import factor_values, score, score_pair
from matchmaker.solver import feasible_score_matrix
from matchmaker.types import Rules, Weights

from .helpers import a_mentor, a_youth, random_mentor, random_youth

YOUTH = a_youth(
    interests=frozenset({"a", "b", "c"}),
    personality={"calm": 1, "curious": 5},
    values=frozenset({"faith"}),
    goals=frozenset({"school", "confidence", "other"}),
    wish_interests=frozenset({"a", "d"}),
    wish_age_min=20,
    wish_age_max=25,
    waiting_days=73,
    cultural_match="nice",
    cultural_background="Moroccan",
)
MENTOR = a_mentor(
    interests=frozenset({"a", "b", "d", "e"}),
    personality={"calm": 3, "curious": 5, "outgoing": 2},
    values=frozenset({"faith", "family"}),
    motives=frozenset({"career"}),
    cultural_background="Turkish",
)
EXPECTED = {
    "wishes": 0.5,  # both wished interests (1.0) and five years above the wished age range (0.0)
    "interests": 0.4,  # 2 shared of 5
    "personality": 0.75,  # mean |difference| 1 on a 4-point range
    "values": 0.5,  # 1 shared of 2
    "age_gap": 1.0,  # 16 years, above the preferred 10
    "mutual_benefit": 1 / 3,  # career motive serves "school" only
    "culture": 0.5,  # "nice", background not shared
    "demographics": 1.0,  # same gender, shared language
    "availability": 0.25,  # one shared slot of four
    "distance": 0.5,  # 5 km of 10
    "waiting": 0.2,  # 73 days of 365
}


def test_factor_values_hand_computed():
    assert factor_values(YOUTH, MENTOR, Rules()) == pytest.approx(EXPECTED, abs=1e-6)


def test_score_hand_computed_with_default_weights():
    total, _ = score_pair(YOUTH, MENTOR, Rules())
    assert total == pytest.approx(7.458333 / 14.5, abs=1e-5)


def test_own_wishes_weigh_most_and_perceived_similarity_above_demographics__MAT_1__MAT_2():
    w = Weights()
    assert w.wishes == max(w.as_dict().values())
    assert min(w.interests, w.personality, w.values) > w.demographics


def test_age_gap_above_ten_years_scores_full__MAT_3():
    assert factor_values(a_youth(age=14), a_mentor(age=25), Rules())["age_gap"] == 1.0
    assert factor_values(a_youth(age=14), a_mentor(age=19), Rules())["age_gap"] == pytest.approx(0.5)


def test_culture_counts_only_as_much_as_asked__MAT_5():
    mentor = a_mentor(cultural_background="Turkish")
    values = {
        level: factor_values(a_youth(cultural_match=level, cultural_background="Moroccan"), mentor, Rules())[
            "culture"
        ]
        for level in ("not", "nice", "important")
    }
    assert values == {"not": 1.0, "nice": 0.5, "important": 0.0}


def test_no_wishes_scores_neutral__YTH_3():
    assert factor_values(a_youth(), a_mentor(), Rules())["wishes"] == 1.0


def test_distance_is_neutral_online():
    assert factor_values(a_youth(), a_mentor(location=(50.0, 0.0)), Rules(online=True))["distance"] == 1.0


def test_zero_weight_removes_factor_from_score():
    weights = Weights(**dict.fromkeys(Weights().as_dict(), 0.0) | {"interests": 1.0})
    total, parts = score_pair(YOUTH, MENTOR, Rules(weights=weights))
    assert total == pytest.approx(0.4)
    assert parts["interests"] == pytest.approx(0.4)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_explanations_add_up_to_the_score(seed):
    rnd = random.Random(seed)
    total, parts = score_pair(random_youth(rnd, 1), random_mentor(rnd, 1), Rules())
    assert sum(parts.values()) == pytest.approx(total, abs=1e-5)
    assert 0.0 <= total <= 1.0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_block_scores_equal_pair_scores(seed):
    """The block path (matrix products, youth x all mentors) agrees with scoring one pair at a time."""
    rnd = random.Random(seed)
    youths = [random_youth(rnd, i) for i in range(5)]
    mentors = [random_mentor(rnd, j) for j in range(4)]
    rules = Rules(online=True, min_availability_overlap=0)
    v = build_vocabularies(youths, mentors)
    ys, ms = encode_youths(youths, v), encode_mentors(mentors, v)
    block = score(ys.pick(slice(None), expand=1), ms.pick(slice(None), expand=0), rules)
    for i, youth in enumerate(youths):
        for j, mentor in enumerate(mentors):
            assert block[i, j] == pytest.approx(score_pair(youth, mentor, rules)[0], abs=1e-5)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), online=st.booleans(), full_personality=st.booleans())
def test_fast_block_path_agrees_with_reference_scores_and_constraints(seed, online, full_personality):
    """The candidate graph's matrix-product path (kernel.py) gives the reference score on every
    feasible pair and marks exactly the pairs the plain constraints refuse."""
    rnd = random.Random(seed)
    youths = [random_youth(rnd, i) for i in range(7)]
    mentors = [random_mentor(rnd, 100 + j) for j in range(6)]
    traits = {"calm": 3, "curious": 2}
    if full_personality:
        youths = [replace(y, personality=traits) for y in youths]
        mentors = [replace(m, personality={"calm": 1, "curious": 5}) for m in mentors]
    youths[0] = replace(
        youths[0], location=None, wish_interests=frozenset(), wish_age_min=None, wish_age_max=None
    )
    mentors[0] = replace(mentors[0], location=None)
    rules = Rules(online=online, max_travel_km=8, min_availability_overlap=2)
    dense = feasible_score_matrix(youths, mentors, rules)
    for i, youth in enumerate(youths):
        for j, mentor in enumerate(mentors):
            feasible = not broken_constraints(youth, mentor, rules)
            assert np.isfinite(dense[i, j]) == feasible
            if feasible:
                assert dense[i, j] == pytest.approx(score_pair(youth, mentor, rules)[0], abs=1e-5)


def test_single_threaded_blas_restores_the_thread_count():
    from threadpoolctl import threadpool_info, threadpool_limits

    def blas_threads() -> list[int]:
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    if not blas_threads():
        pytest.skip("no BLAS thread pool in this process")
    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        with kernel.single_threaded_blas():
            assert set(blas_threads()) == {1}
        assert blas_threads() == before
