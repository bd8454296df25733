"""The match round: optimality, capacity, teams (REL-3), locks, exclusions and unmatched reasons."""

from __future__ import annotations

import random
import threading
from dataclasses import replace
from functools import cache
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matchmaker import constraints as c
from matchmaker import kernel, solver
from matchmaker.encode import build_vocabularies, encode_mentors, encode_youths
from matchmaker.solver import (
    BELOW_MIN_SCORE,
    NOT_FOUND_IN_TIME,
    OUTSIDE_CANDIDATES,
    TAKEN,
    TAKEN_FOR_BEST_TOTAL,
    TEAM_INCOMPLETE,
    feasible_score_matrix,
    match,
)
from matchmaker.types import BEST_TOTAL, YOUTH_FIRST, Rules, Weights

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


def exact_youth_first_optimum(youths, mentors, rules) -> tuple[int, float]:
    """The most youth with a mentor, then the best total score among those assignments, by dense
    assignment: each feasible pair is worth more than any total score (scores are at most 1 each)."""
    dense = feasible_score_matrix(youths, mentors, rules)
    cols = [j for j, m in enumerate(mentors) for _ in range(m.capacity)]
    if not youths or not cols:
        return 0, 0.0
    feasible = np.isfinite(dense)[:, cols]
    scores = np.where(feasible, dense[:, cols], 0.0)
    bonus = len(youths) + 1.0
    rows, chosen = linear_sum_assignment(scores + bonus * feasible, maximize=True)
    pairs = feasible[rows, chosen]
    return int(pairs.sum()), float(scores[rows, chosen][pairs].sum())


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
    """The best total score (BEST_TOTAL): exact with k >= the pool; a tiny k (2) may lose score but
    never exceeds the optimum."""
    youths, mentors = pools(seed, n_youth, n_mentor)
    rules = Rules(
        min_score=min_score, candidates_k=k, max_travel_km=25, online=seed % 3 == 0, objective=BEST_TOTAL
    )
    result = match(youths, mentors, rules)
    optimum = exact_optimum(youths, mentors, rules)
    if k >= max(n_youth, n_mentor):
        assert result.total_score == pytest.approx(optimum, abs=1e-4)
    else:
        assert result.total_score <= optimum + 1e-4


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    n_youth=st.integers(1, 9),
    n_mentor=st.integers(1, 9),
    min_score=st.sampled_from([0.0, 0.4, 0.55]),
)
def test_youth_first_matches_the_most_youth_then_the_best_total__MAT_1(seed, n_youth, n_mentor, min_score):
    """YOUTH_FIRST (the default): as many youth as any assignment can match, and among those
    assignments the highest total score, against an exact dense assignment."""
    youths, mentors = pools(seed, n_youth, n_mentor)
    rules = Rules(min_score=min_score, max_travel_km=25, online=seed % 3 == 0)
    assert rules.objective == YOUTH_FIRST
    result = match(youths, mentors, rules)
    count, total = exact_youth_first_optimum(youths, mentors, rules)
    assert len(result.proposals) == count
    assert result.total_score == pytest.approx(total, abs=1e-4)
    assert len(result.proposals) >= len(
        match(youths, mentors, replace(rules, objective=BEST_TOTAL)).proposals
    )


def _on_a_line(**places):
    """Youth (lower case) and mentors (upper case) at these kilometres on one road; only the distance
    counts in the score, so each pair's score is 1 - km / 10."""
    youths = [
        a_youth(id=i, location=(float(x), 0.0))
        for i, (name, x) in enumerate(places.items())
        if name.islower()
    ]
    mentors = [
        a_mentor(id=100 + i, location=(float(x), 0.0))
        for i, (name, x) in enumerate(places.items())
        if name.isupper()
    ]
    names = dict(enumerate(places)) | {100 + i: name for i, name in enumerate(places)}
    only_distance = Weights(**dict.fromkeys(Weights().as_dict(), 0.0) | {"distance": 1.0})
    return youths, mentors, names, Rules(weights=only_distance)


def test_individual_round_matches_the_most_youth_first__MAT_1():
    """Youth a prefers X, but b can only reach X: youth first gives a the farther Y so b gets X too;
    the best total keeps a with X and says b could have had a mentor."""
    youths, mentors, names, rules = _on_a_line(Y=-9, X=0, a=0, b=9)
    first = match(youths, mentors, rules)
    assert {(names[p.youth_id], names[p.mentor_ids[0]]) for p in first.proposals} == {("a", "Y"), ("b", "X")}
    assert first.unmatched == ()

    best = match(youths, mentors, replace(rules, objective=BEST_TOTAL))
    assert [(names[p.youth_id], names[p.mentor_ids[0]]) for p in best.proposals] == [("a", "X")]
    assert best.total_score > first.total_score
    (unmatched,) = best.unmatched
    assert (names[unmatched.youth_id], unmatched.reason) == ("b", TAKEN_FOR_BEST_TOTAL)
    assert unmatched.params == {"mentors": "2", "suitable": "1"}
    assert unmatched.text.startswith("the suitable mentors went to other youth: the programme chooses")


def ten_youth_and_thirty_five_places():
    """Nine youth score higher with every mentor (a shared interest, a long wait) than the tenth."""
    youths = [
        a_youth(id=i, waiting_days=300, interests=frozenset({"football"})) if i < 9 else a_youth(id=i)
        for i in range(10)
    ]
    mentors = [a_mentor(id=100 + j, interests=frozenset({"football"})) for j in range(35)]
    return youths, mentors, Rules(team_min=2, team_max=4)


def test_team_round_matches_every_youth_when_places_allow__REL_3():
    """10 youth who need at least 2 mentors and 35 free places: every youth gets a team (the best
    total alone made eight teams of 4 and one of 3 and left the tenth youth out)."""
    youths, mentors, rules = ten_youth_and_thirty_five_places()
    result = match(youths, mentors, rules)
    assert sorted(p.youth_id for p in result.proposals) == list(range(10))
    assert all(2 <= len(p.mentor_ids) <= 4 for p in result.proposals)
    assert sum(len(p.mentor_ids) for p in result.proposals) == 35
    assert result.unmatched == ()
    assert result.optimal


def test_team_round_for_the_best_total_says_the_mentors_went_to_larger_teams__REL_3():
    youths, mentors, rules = ten_youth_and_thirty_five_places()
    result = match(youths, mentors, replace(rules, objective=BEST_TOTAL))
    assert sorted(len(p.mentor_ids) for p in result.proposals) == [3, 4, 4, 4, 4, 4, 4, 4, 4]
    (unmatched,) = result.unmatched
    assert unmatched.youth_id == 9
    # Not "too few suitable mentors were free": the teams of 4 could each spare two.
    assert unmatched.reason == TAKEN_FOR_BEST_TOTAL
    assert unmatched.params == {"mentors": "35", "suitable": "35", "team_min": "2"}
    assert unmatched.text.startswith("the suitable mentors went to larger teams: the programme chooses")


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
    # True: one of the three suitable mentors is left, and a team of two cannot spare one.
    assert result.unmatched[0].params == {"mentors": "3", "suitable": "3", "team_min": "2", "free": "1"}
    assert result.optimal


def exact_team_optimum(youths, mentors, rules) -> tuple[int, float]:
    """The best (youth with a team, total score) over every assignment of 0 or team_min..team_max
    feasible mentors per youth: the highest total (BEST_TOTAL), or the most youth and then the highest
    total (YOUTH_FIRST, compared as a pair)."""
    dense = feasible_score_matrix(youths, mentors, rules)
    options = []
    for row in dense:
        ok = np.flatnonzero(np.isfinite(row)).tolist()
        sizes = range(rules.team_min, rules.team_max + 1)
        options.append(
            [(combo, float(row[list(combo)].sum())) for n in sizes for combo in combinations(ok, n)]
        )

    def key(value: tuple[int, float]):
        return value if rules.objective == YOUTH_FIRST else value[1]

    @cache
    def best(i: int, left: tuple[int, ...]) -> tuple[int, float]:
        if i == len(youths):
            return 0, 0.0
        out = best(i + 1, left)
        for combo, value in options[i]:
            if all(left[j] > 0 for j in combo):
                rest = tuple(n - (j in combo) for j, n in enumerate(left))
                count, total = best(i + 1, rest)
                out = max(out, (count + 1, total + value), key=key)
        return out

    return best(0, tuple(m.capacity for m in mentors))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    n_youth=st.integers(1, 6),
    n_mentor=st.integers(1, 7),
    team=st.sampled_from([(2, 2), (2, 3), (3, 3)]),
    min_score=st.sampled_from([0.0, 0.5]),
)
def test_team_total_score_equals_exhaustive_optimum__REL_3(seed, n_youth, n_mentor, team, min_score):
    """BEST_TOTAL: the highest total score over every assignment."""
    rnd = random.Random(seed)
    youths = [random_youth(rnd, i) for i in range(n_youth)]
    mentors = [replace(random_mentor(rnd, 100 + j), capacity=rnd.randint(1, 2)) for j in range(n_mentor)]
    rules = Rules(
        team_min=team[0],
        team_max=team[1],
        min_score=min_score,
        max_travel_km=25,
        online=seed % 2 == 0,
        objective=BEST_TOTAL,
    )
    result = match(youths, mentors, rules)
    assert result.optimal
    _count, total = exact_team_optimum(youths, mentors, rules)
    assert result.total_score == pytest.approx(total, abs=1e-4)
    for p in result.proposals:
        assert team[0] <= len(p.mentor_ids) <= team[1]


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    n_youth=st.integers(1, 6),
    n_mentor=st.integers(1, 7),
    team=st.sampled_from([(2, 2), (2, 3), (3, 3), (2, 4)]),
    min_score=st.sampled_from([0.0, 0.5]),
)
def test_team_youth_first_equals_exhaustive_lexicographic_optimum__REL_3(
    seed, n_youth, n_mentor, team, min_score
):
    """YOUTH_FIRST: the most youth with a complete team over every assignment, then the highest total
    score among those."""
    rnd = random.Random(seed)
    youths = [random_youth(rnd, i) for i in range(n_youth)]
    mentors = [replace(random_mentor(rnd, 100 + j), capacity=rnd.randint(1, 2)) for j in range(n_mentor)]
    rules = Rules(
        team_min=team[0], team_max=team[1], min_score=min_score, max_travel_km=25, online=seed % 2 == 0
    )
    result = match(youths, mentors, rules)
    assert result.optimal
    count, total = exact_team_optimum(youths, mentors, rules)
    assert len(result.proposals) == count
    assert result.total_score == pytest.approx(total, abs=1e-4)
    for p in result.proposals:
        assert team[0] <= len(p.mentor_ids) <= team[1]


def test_team_lock_kept_and_youth_with_lock_may_stay_below_minimum__REL_3():
    youths = [a_youth(id=1), a_youth(id=2)]
    mentors = [a_mentor(id=10), a_mentor(id=11), a_mentor(id=12, disqualified=True)]
    result = match(youths, mentors, Rules(team_min=2, team_max=3, locked=frozenset({(1, 10)})))
    by_youth = {p.youth_id: p for p in result.proposals}
    assert by_youth[1].locked == (10,)
    assert set(by_youth[1].mentor_ids) == {10, 11}
    assert 2 not in by_youth


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


def test_unmatched_reason_names_language_and_distance_together():
    """A coordinator's example: no mentor speaks Arabic and lives within 10 km, though some do either."""
    youths = [a_youth(id=1, wish_language="ar")]
    mentors = [a_mentor(id=10), a_mentor(id=11, languages=frozenset({"ar"}), location=(30.0, 0.0))]
    (unmatched,) = match(youths, mentors, Rules()).unmatched
    assert unmatched.reason == c.LANGUAGE
    assert unmatched.codes == (c.LANGUAGE, c.DISTANCE)
    assert unmatched.counts == {c.LANGUAGE: 1, c.DISTANCE: 1}
    assert unmatched.text == (
        "no available mentor speaks Arabic and lives within 10 km (together these rule out all 2 mentors)"
    )
    assert unmatched.params == {"mentors": "2", "language": "ar", "km": "10"}


def test_unmatched_reason_names_gender_and_availability_together__MAT_5():
    youths = [a_youth(id=1, wish_gender="male")]
    mentors = [a_mentor(id=10), a_mentor(id=11, gender="male", availability=frozenset({"sun-am"}))]
    (unmatched,) = match(youths, mentors, Rules()).unmatched
    assert unmatched.codes == (c.GENDER, c.AVAILABILITY)
    assert unmatched.text.startswith("no available mentor is male (MAT-5) and shares 1+ weekly time slots")
    assert unmatched.params == {"mentors": "2", "gender": "male", "slots": "1"}


def test_unmatched_reason_names_three_constraints_wishes_first__MAT_5():
    youths = [a_youth(id=1, wish_language="ar", wish_gender="female")]
    arabic = frozenset({"ar", "nl"})
    mentors = [
        a_mentor(id=10),  # no Arabic
        a_mentor(id=11, languages=arabic, gender="male"),
        a_mentor(id=12, languages=arabic, location=(30.0, 0.0)),
    ]
    (unmatched,) = match(youths, mentors, Rules()).unmatched
    assert unmatched.codes == (c.LANGUAGE, c.GENDER, c.DISTANCE)
    assert unmatched.text.startswith("no available mentor speaks Arabic, is female (MAT-5) and lives within")


def test_unmatched_reason_leaves_out_a_wish_the_other_constraints_make_redundant():
    youths = [a_youth(id=1, wish_gender="female")]
    far, no_slots = (30.0, 0.0), frozenset({"sun-am"})
    mentors = [
        a_mentor(id=10, gender="male", location=far, availability=no_slots),
        a_mentor(id=11, location=far),
        a_mentor(id=12, availability=no_slots),
    ]
    (unmatched,) = match(youths, mentors, Rules()).unmatched
    assert unmatched.codes == (c.AVAILABILITY, c.DISTANCE)
    assert unmatched.counts == {c.GENDER: 1, c.AVAILABILITY: 2, c.DISTANCE: 2}


SINGLE_REASONS = [
    ({}, {"ready": False}, {}, c.NOT_READY, "no mentor is ready to match"),
    ({}, {"trained": False}, {}, c.NOT_TRAINED, "the mentors have not finished their training (TRN-1)"),
    ({}, {"disqualified": True}, {}, c.DISQUALIFIED, "the mentors are disqualified (SCR-3)"),
    (
        {"age": 14, "school_stage": 2},
        {"age": 15, "school_stage": 2, "has_adult_supervisor": True},
        {"gap": "2"},
        c.AGE_GAP,
        "no mentor is 2 years older or at a next school stage (MAT-3)",
    ),
    (
        {"age": 12},
        {"age": 17},
        {},
        c.MINOR_UNSUPERVISED,
        "the mentors under 18 have no adult supervisor (MAT-4)",
    ),
    ({"wish_gender": "male"}, {}, {"gender": "male"}, c.GENDER, "no available mentor is male (MAT-5)"),
    ({"wish_language": "tr"}, {}, {"language": "tr"}, c.LANGUAGE, "no available mentor speaks Turkish"),
    (
        {"cultural_match": "required", "cultural_background": "Moroccan"},
        {"cultural_background": "Turkish"},
        {"background": "Moroccan"},
        c.BACKGROUND,
        "no available mentor shares the required background 'Moroccan'",
    ),
    (
        {},
        {"availability": frozenset({"sun-am"})},
        {"slots": "1"},
        c.AVAILABILITY,
        "no available mentor shares 1+ weekly time slots",
    ),
    ({}, {"location": (8.0, 7.0)}, {"km": "10"}, c.DISTANCE, "no available mentor lives within 10 km"),
]


@pytest.mark.parametrize(("youth", "mentor", "params", "code", "text"), SINGLE_REASONS)
def test_unmatched_reason_names_the_single_constraint_that_rules_out_every_mentor(
    youth, mentor, params, code, text
):
    mentors = [a_mentor(id=10, **mentor), a_mentor(id=11, **mentor)]
    (unmatched,) = match([a_youth(id=1, **youth)], mentors, Rules()).unmatched
    assert (unmatched.reason, unmatched.codes) == (code, (code,))
    assert unmatched.text == f"{text} (2 of 2 mentors ruled out)"
    assert unmatched.counts == {code: 2}
    assert unmatched.params == {"mentors": "2", "ruled_out": "2"} | params


def test_unmatched_reason_excluded_by_coordinator():
    rules = Rules(excluded=frozenset({(1, 10), (1, 11)}))
    (unmatched,) = match([a_youth(id=1)], [a_mentor(id=10), a_mentor(id=11)], rules).unmatched
    assert unmatched.codes == (c.EXCLUDED,)
    assert unmatched.text == "the coordinator excluded the remaining mentors (2 of 2 mentors ruled out)"


def test_unmatched_reason_prefers_the_youths_wish_when_several_rule_out_everyone__MAT_5():
    mentors = [a_mentor(id=10, location=(30.0, 0.0))]
    (unmatched,) = match([a_youth(id=1, wish_language="ar")], mentors, Rules()).unmatched
    assert unmatched.codes == (c.LANGUAGE,)
    assert unmatched.counts == {c.LANGUAGE: 1, c.DISTANCE: 1}


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


def test_progress_reports_each_stage_in_order_from_the_calling_thread(monkeypatch):
    monkeypatch.setattr(solver, "BLOCK_PAIRS", 60)  # 2 youth rows per block: 15 scored blocks
    youths, mentors = pools(3, 30, 30)
    calls = []
    threads = set()

    def progress(fraction: float, stage: str) -> None:
        calls.append((fraction, stage))
        threads.add(threading.get_ident())

    match(youths, mentors, Rules(), progress=progress)
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions)
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert calls[-1] == (1.0, "done")
    stages = [stage for _, stage in calls]
    assert [s for i, s in enumerate(stages) if i == 0 or s != stages[i - 1]] == [
        "encoding",
        "scoring",
        "solving",
        "explaining",
        "done",
    ]
    assert stages.count("scoring") >= 15
    assert threads == {threading.get_ident()}


def test_empty_pools():
    assert match([], [], Rules()).proposals == ()
    assert match([a_youth()], [], Rules()).unmatched[0].reason == "no_mentors"


def test_packed_sort_orders_like_a_lexsort_by_mentor_score_then_youth():
    rng = np.random.default_rng(3)
    scores = np.array([0.0, -0.0, 0.25, 0.5, -0.3, 1.0, 1e-8, -1e-8], dtype=np.float32)
    py = rng.integers(0, 3000, 5000).astype(np.int32)
    pm = rng.integers(0, 40, 5000).astype(np.int32)
    ps = rng.choice(scores, 5000)
    order = np.lexsort((py, -ps, pm))
    got = solver._sorted_by_mentor_score_youth(py, pm, ps)
    for got_part, want in zip(got, (py[order], pm[order], ps[order]), strict=True):
        assert np.array_equal(got_part, want)


def test_unique_edges_drops_pairs_listed_twice_and_keeps_their_scores():
    ey = np.array([3, 1, 3, 0, 1], dtype=np.int32)
    em = np.array([2, 0, 2, 5, 0], dtype=np.int32)
    es = np.array([0.5, 0.25, 0.5, 0.75, 0.25], dtype=np.float32)
    uy, um, us = solver._unique_edges(ey, em, es, 6)
    assert list(zip(uy.tolist(), um.tolist(), us.tolist(), strict=True)) == [
        (0, 5, 0.75),
        (1, 0, 0.25),
        (3, 2, 0.5),
    ]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 100_000), k=st.sampled_from([1, 2, 3]), min_score=st.sampled_from([0.0, 0.5]))
def test_candidate_graph_is_the_union_of_youth_and_mentor_top_k_with_fixed_tie_rule(
    monkeypatch_module, seed, k, min_score
):
    """Against the dense matrix: a youth keeps every mentor scoring at least its k-th best (a tie is
    kept whole); a mentor keeps its k best youth, ties to the lower youth index. Tiny blocks force
    many blocks and merges of the mentor-side pool."""
    rnd = random.Random(seed)
    base = [random_youth(rnd, i) for i in range(12)]
    youths = base + [replace(y, id=100 + y.id) for y in base[:6]]  # copies score the same: ties
    mentors = [random_mentor(rnd, 200 + j) for j in range(5)]
    rules = Rules(candidates_k=k, min_score=min_score, max_travel_km=25)
    v = build_vocabularies(youths, mentors)
    ys, ms = encode_youths(youths, v), encode_mentors(mentors, v)
    # The scores as the graph computes them: blocks of two rows (a matrix product may round a pair's
    # score differently, by about 1e-7, depending on the row's place in its block).
    tables = kernel.mentor_tables(ys, ms)
    youth = kernel.youth_tables(ys, tables, rules)
    dense = np.concatenate(
        [
            solver.block_candidates(youth, slice(start, start + 2), tables, ms, rules, {}).scores
            for start in range(0, len(youths), 2)
        ]
    )
    expected = set()
    for i, row in enumerate(dense):
        finite = np.sort(row[np.isfinite(row)])[::-1]
        if len(finite):
            kth = finite[min(k, len(finite)) - 1]
            expected |= {(i, j) for j in np.flatnonzero(row >= kth).tolist()}
    for j in range(len(mentors)):
        col = [(-dense[i, j], i) for i in range(len(youths)) if np.isfinite(dense[i, j])]
        expected |= {(i, j) for _, i in sorted(col)[:k]}
    with monkeypatch_module.context() as patch:
        patch.setattr(solver, "BLOCK_PAIRS", 10)  # two youth rows per block
        graph = solver.candidate_graph(ys, ms, rules)
    assert set(zip(graph.youth.tolist(), graph.mentor.tolist(), strict=True)) == expected
    assert np.array_equal(graph.score, dense[graph.youth, graph.mentor])


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_team_round_out_of_time_keeps_sizes_and_says_it_may_not_be_optimal__REL_3(monkeypatch):
    """With no time left the heuristic drops short teams without re-solving and CP-SAT does not run."""
    monkeypatch.setattr(solver, "TEAM_TIME_LIMIT", 0.0)
    youths = [a_youth(id=1, waiting_days=300), a_youth(id=2)]
    mentors = [a_mentor(id=10), a_mentor(id=11), a_mentor(id=12)]
    result = match(youths, mentors, Rules(team_min=2, team_max=2))
    assert not result.optimal
    assert [len(p.mentor_ids) for p in result.proposals] == [2]
    assert [u.reason for u in result.unmatched] == [TEAM_INCOMPLETE]


def test_team_round_whose_first_flow_has_no_short_team_is_optimal_without_cp_sat__REL_3(monkeypatch):
    def no_cp_sat(*args, **kwargs):
        raise AssertionError("CP-SAT should not run")

    monkeypatch.setattr(solver, "solve_teams", no_cp_sat)
    youths = [a_youth(id=1), a_youth(id=2)]
    mentors = [a_mentor(id=10 + j) for j in range(4)]
    result = match(youths, mentors, Rules(team_min=2, team_max=2))
    assert result.optimal
    assert sorted(len(p.mentor_ids) for p in result.proposals) == [2, 2]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), n_youth=st.integers(1, 10), n_mentor=st.integers(1, 10))
def test_taken_for_best_total_is_said_exactly_when_youth_first_matches_more__MAT_1(seed, n_youth, n_mentor):
    """For one mentor per youth the reason is exact: some youth hears "taken for the best total" if and
    only if matching as many youth as possible first would match more."""
    youths, mentors = pools(seed, n_youth, n_mentor)
    rules = Rules(max_travel_km=25, min_score=0.3 if seed % 2 else 0.0, objective=BEST_TOTAL)
    best = match(youths, mentors, rules)
    first = match(youths, mentors, replace(rules, objective=YOUTH_FIRST))
    said = [u.reason for u in best.unmatched].count(TAKEN_FOR_BEST_TOTAL) > 0
    assert said == (len(first.proposals) > len(best.proposals))
    assert TAKEN_FOR_BEST_TOTAL not in {u.reason for u in first.unmatched}


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000), team=st.sampled_from([(2, 3), (2, 4), (3, 4)]))
def test_team_reasons_are_true__REL_3(seed, team):
    """ "Taken for the best total" only when youth first matches more youth; "too few were free" never
    while another team could spare enough mentors (youth first, proven optimal)."""
    rnd = random.Random(seed)
    youths = [random_youth(rnd, i) for i in range(rnd.randint(2, 6))]
    mentors = [
        replace(random_mentor(rnd, 100 + j), capacity=rnd.randint(1, 2)) for j in range(rnd.randint(2, 9))
    ]
    rules = Rules(team_min=team[0], team_max=team[1], max_travel_km=25, online=True)
    first = match(youths, mentors, rules)
    best = match(youths, mentors, replace(rules, objective=BEST_TOTAL))
    if TAKEN_FOR_BEST_TOTAL in {u.reason for u in best.unmatched}:
        assert len(first.proposals) > len(best.proposals)
    assert first.optimal
    assert {u.reason for u in first.unmatched} <= {TEAM_INCOMPLETE, BELOW_MIN_SCORE} | set(c.REASON_ORDER)


def test_unmatched_reason_outside_candidates():
    """With each youth's and each mentor's best 1 only, c loses X to b, and the mentor with room (Y or
    Z) is not among c's candidate pairs: the round says so instead of "all suitable mentors taken"."""
    youths, mentors, names, rules = _on_a_line(a=0, Z=0, Y=1, b=5, X=5, c=5.2)
    result = match(youths, mentors, replace(rules, candidates_k=1))
    (unmatched,) = result.unmatched
    assert (names[unmatched.youth_id], unmatched.reason) == ("c", OUTSIDE_CANDIDATES)
    assert unmatched.params == {"mentors": "3", "suitable": "3", "k": "1"}
    assert len(match(youths, mentors, rules).proposals) == 3  # with every pair compared


def test_unmatched_reason_not_found_in_time__REL_3(monkeypatch):
    """Out of time, the heuristic drops b's and c's short teams; two mentors then have room for
    either of them, so "too few were free" would be untrue."""
    monkeypatch.setattr(solver, "TEAM_TIME_LIMIT", 0.0)
    youths, mentors, names, rules = _on_a_line(a=0, M1=0, M3=0, c=11, M2=15, b=20, M4=20)
    rules = replace(rules, team_min=2, team_max=3)
    result = match(youths, mentors, rules)
    assert not result.optimal
    assert [names[p.youth_id] for p in result.proposals] == ["a"]
    assert {names[u.youth_id]: u.reason for u in result.unmatched} == {
        "b": NOT_FOUND_IN_TIME,
        "c": NOT_FOUND_IN_TIME,
    }
    monkeypatch.undo()
    assert sorted(names[p.youth_id] for p in match(youths, mentors, rules).proposals) == ["a", "b"]


def test_youth_first_costs_stay_within_int64_and_cp_sat_limits():
    """The youth-first bonus grows with the pool; up to 100,000 youth (individual) and 10,000 youth in
    teams of up to 4 the costs stay exact; far beyond, the engine refuses rather than overflow."""
    n = 100_000
    bonus = n * solver.COST_SCALE + 1  # a bound on any total score, plus one
    solver.check_flow_costs(bonus, 2 * n + 2, n)
    n_teams, team_max, team_min = 10_000, 4, 2
    total = n_teams * team_max * solver.COST_SCALE
    solver.check_team_objective(total, (total // team_min + 1) * team_min, n_teams)
    with pytest.raises(ValueError, match="too large"):
        solver.check_flow_costs(2**60, 2 * n + 2, n)
    with pytest.raises(ValueError, match="too large"):
        solver.check_team_objective(total, 2**50, n_teams)


def test_unit_bonus_outweighs_any_total_score():
    ey = np.array([0, 0, 1, 1, 1], dtype=np.int32)
    es = np.array([0.9, 0.8, 0.7, 0.6, 0.5], dtype=np.float32)
    cap = np.array([2, 2], dtype=np.int64)
    bound = solver.score_bound(ey, solver.scaled_scores(es), cap)
    assert bound == round((0.9 + 0.8 + 0.7 + 0.6) * solver.COST_SCALE)
    rules = Rules(team_min=2, team_max=2)
    assert solver.unit_bonus(rules, ey, es, cap) * 2 > bound
    assert solver.unit_bonus(replace(rules, objective=BEST_TOTAL), ey, es, cap) == 0


def test_proposal_details_name_the_shared_and_wished_interests__MAT_1():
    """The youth wished a mentor who likes football: the football mentor's proposal says so."""
    youth = a_youth(
        id=1,
        interests=frozenset({"football", "music"}),
        wish_interests=frozenset({"football", "drawing"}),
        wish_gender="female",
        wish_age_min=25,
        wish_age_max=35,
        age=14,
        school_stage=2,
    )
    mentor = a_mentor(id=10, interests=frozenset({"football", "music", "chess"}), age=30, school_stage=4)
    (proposal,) = match([youth], [mentor], Rules()).proposals
    (details,) = proposal.details
    assert details.mentor_id == 10
    assert details.shared_interests == ("football", "music")
    assert details.wished_interests_met == ("football",)
    assert details.wished_interests_missed == ("drawing",)
    assert (details.wish_gender, details.wish_gender_met) == ("female", True)
    assert (details.wish_age_min, details.wish_age_max, details.wish_age_met) == (25, 35, True)
    assert (details.age_gap, details.next_school_level) == (16, True)
    assert details.as_dict()["shared_interests"] == ["football", "music"]
