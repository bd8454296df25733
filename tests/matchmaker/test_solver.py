"""The match round: optimality, capacity, teams (REL-3), locks, exclusions and unmatched reasons."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matchmaker.solver import BELOW_MIN_SCORE, TAKEN, TEAM_INCOMPLETE, feasible_score_matrix, match
from matchmaker.types import Rules

from .helpers import a_mentor, a_youth, random_mentor, random_youth


def exact_optimum(youths, mentors, rules) -> float:
    """Best total score by dense assignment, mentors repeated once per capacity slot."""
    dense = feasible_score_matrix(youths, mentors, rules)
    cols = [j for j, m in enumerate(mentors) for _ in range(m.capacity)]
    if not youths or not cols:
        return 0.0
    matrix = np.where(np.isfinite(dense), dense, 0.0)[:, cols]
    rows, chosen = linear_sum_assignment(matrix, maximize=True)
    return float(matrix[rows, chosen].sum())


def pools(seed: int, n_youth: int, n_mentor: int):
    rnd = random.Random(seed)
    return [random_youth(rnd, i) for i in range(n_youth)], [
        random_mentor(rnd, 100 + j) for j in range(n_mentor)
    ]


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    n_youth=st.integers(1, 9),
    n_mentor=st.integers(1, 9),
    min_score=st.sampled_from([0.0, 0.4, 0.55]),
    k=st.sampled_from([2, 50]),
)
def test_total_score_equals_exact_optimum(seed, n_youth, n_mentor, min_score, k):
    """Exact with k >= the pool; a tiny k (2) may lose score but never exceeds the optimum."""
    youths, mentors = pools(seed, n_youth, n_mentor)
    rules = Rules(min_score=min_score, candidates_k=k, max_travel_km=25, online=seed % 3 == 0)
    result = match(youths, mentors, rules)
    optimum = exact_optimum(youths, mentors, rules)
    if k >= max(n_youth, n_mentor):
        assert result.total_score == pytest.approx(optimum, abs=1e-4)
    else:
        assert result.total_score <= optimum + 1e-4


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_every_proposal_is_feasible_respects_capacity_and_minimum_score(seed):
    youths, mentors = pools(seed, 8, 5)
    rules = Rules(min_score=0.3, max_travel_km=25)
    result = match(youths, mentors, rules)
    dense = feasible_score_matrix(youths, mentors, rules)
    load = {m.id: 0 for m in mentors}
    for p in result.proposals:
        assert len(p.mentor_ids) == 1
        for mid in p.mentor_ids:
            load[mid] += 1
            assert np.isfinite(dense[p.youth_id, mid - 100])
        assert sum(p.factors.values()) == pytest.approx(p.score)
        assert p.score >= 0.3 - 1e-6
    assert all(load[m.id] <= m.capacity for m in mentors)


def test_mentor_with_capacity_two_takes_two_youth():
    youths = [a_youth(id=1), a_youth(id=2)]
    result = match(youths, [a_mentor(id=7, capacity=2)], Rules())
    assert sorted(p.youth_id for p in result.proposals) == [1, 2]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000), team=st.sampled_from([(2, 2), (2, 4), (3, 4)]))
def test_team_sizes_stay_within_programme_min_and_max__REL_3(seed, team):
    youths, mentors = pools(seed, 5, 12)
    rules = Rules(team_min=team[0], team_max=team[1], max_travel_km=25, online=True)
    result = match(youths, mentors, rules)
    load: dict[int, int] = {}
    for p in result.proposals:
        assert team[0] <= len(p.mentor_ids) <= team[1]
        assert len(set(p.mentor_ids)) == len(p.mentor_ids)
        for mid in p.mentor_ids:
            load[mid] = load.get(mid, 0) + 1
    capacity = {m.id: m.capacity for m in mentors}
    assert all(n <= capacity[mid] for mid, n in load.items())


def test_team_youth_left_unmatched_when_team_cannot_be_formed__REL_3():
    youths = [a_youth(id=1, waiting_days=300), a_youth(id=2)]
    mentors = [a_mentor(id=10), a_mentor(id=11), a_mentor(id=12)]
    result = match(youths, mentors, Rules(team_min=2, team_max=2))
    assert len(result.proposals) == 1
    assert result.proposals[0].youth_id == 1
    assert [u.reason for u in result.unmatched] == [TEAM_INCOMPLETE]


def test_locked_pair_kept_on_rerun_even_when_not_optimal():
    youths = [a_youth(id=1), a_youth(id=2, location=(10.0, 0.0))]
    mentors = [a_mentor(id=10, location=(0.0, 0.0)), a_mentor(id=11, location=(10.0, 0.0))]
    free = match(youths, mentors, Rules())
    assert {(p.youth_id, p.mentor_ids) for p in free.proposals} == {(1, (10,)), (2, (11,))}
    locked = match(youths, mentors, Rules(locked=frozenset({(1, 11)})))
    pairs = {(p.youth_id, p.mentor_ids) for p in locked.proposals}
    assert (1, (11,)) in pairs
    assert next(p for p in locked.proposals if p.youth_id == 1).locked == (11,)
    assert (2, (10,)) in pairs


def test_excluded_pair_avoided_on_rerun():
    youths = [a_youth(id=1)]
    mentors = [a_mentor(id=10, location=(0.0, 0.0)), a_mentor(id=11, location=(6.0, 0.0))]
    first = match(youths, mentors, Rules())
    assert first.proposals[0].mentor_ids == (10,)
    second = match(youths, mentors, Rules(excluded=frozenset({(1, 10)})))
    assert second.proposals[0].mentor_ids == (11,)


def test_lock_that_breaks_a_hard_constraint_is_dropped__SCR_3():
    result = match([a_youth(id=1)], [a_mentor(id=10, disqualified=True)], Rules(locked=frozenset({(1, 10)})))
    assert result.proposals == ()
    assert result.dropped_locks == ((1, 10, "mentor_disqualified"),)


def test_unmatched_reason_names_the_constraint_that_eliminated_most_mentors():
    youths = [a_youth(id=1, wish_language="ar")]
    mentors = [a_mentor(id=10), a_mentor(id=11, languages=frozenset({"ar"}), location=(30.0, 0.0))]
    result = match(youths, mentors, Rules())
    (unmatched,) = result.unmatched
    assert unmatched.reason == "required_language"
    assert unmatched.counts == {"required_language": 1, "too_far": 1}
    assert unmatched.text.startswith("no available mentor speaks Arabic")


def test_unmatched_reason_below_minimum_score():
    result = match([a_youth(id=1)], [a_mentor(id=10)], Rules(min_score=0.99))
    assert [u.reason for u in result.unmatched] == [BELOW_MIN_SCORE]


def test_unmatched_reason_all_suitable_mentors_taken():
    result = match([a_youth(id=1, waiting_days=200), a_youth(id=2)], [a_mentor(id=10)], Rules())
    assert result.proposals[0].youth_id == 1  # the longer wait wins the only mentor
    assert [(u.youth_id, u.reason) for u in result.unmatched] == [(2, TAKEN)]


def test_alternatives_are_next_best_mentors_not_proposed():
    youths = [a_youth(id=1)]
    mentors = [a_mentor(id=10 + j, location=(float(j), 0.0)) for j in range(5)]
    result = match(youths, mentors, Rules(alternatives=3))
    assert result.proposals[0].mentor_ids == (10,)
    alternatives = result.alternatives[1]
    assert [a.mentor_id for a in alternatives] == [11, 12, 13]
    assert alternatives[0].score > alternatives[-1].score


def test_empty_pools():
    assert match([], [], Rules()).proposals == ()
    assert match([a_youth()], [], Rules()).unmatched[0].reason == "no_mentors"
