"""Pool analysis (MAT-5): the wishes no mentor in the pool can meet, on hand-built pools."""

from __future__ import annotations

import random

from matchmaker import constraints as c
from matchmaker.analysis import pool_gaps
from matchmaker.types import PoolGap, Rules

from .helpers import a_mentor, a_youth, random_mentor, random_youth

RULES = Rules()


def test_pool_gap_names_wished_language_no_mentor_speaks__MAT_5():
    youths = [a_youth(id=1, wish_language="ar"), a_youth(id=2)]
    mentors = [a_mentor(id=10), a_mentor(id=11, location=(0.0, 1.0))]
    assert pool_gaps(youths, mentors, RULES) == (
        PoolGap(youth_id=1, unmet=(c.LANGUAGE,), feasible_mentors=0),
        PoolGap(youth_id=2, unmet=(), feasible_mentors=2),
    )


def test_pool_gap_lists_every_unmet_constraint_in_reason_order__MAT_5():
    youth = a_youth(
        id=1,
        age=14,
        school_stage=4,
        wish_gender="male",
        cultural_match="required",
        cultural_background="Somali",
        availability=frozenset({"sun-ev"}),
    )
    mentors = [a_mentor(id=10, age=15, school_stage=4, has_adult_supervisor=True), a_mentor(id=11, age=40)]
    (gap,) = pool_gaps([youth], mentors, RULES)
    assert gap.unmet == (c.GENDER, c.BACKGROUND, c.AVAILABILITY)
    assert gap.feasible_mentors == 0


def test_pool_gap_empty_when_each_constraint_is_met_by_some_mentor_but_none_meets_all():
    youth = a_youth(id=1, wish_language="ar")
    near_dutch = a_mentor(id=10)
    far_arabic = a_mentor(id=11, languages=frozenset({"ar"}), location=(30.0, 0.0))
    assert pool_gaps([youth], [near_dutch, far_arabic], RULES) == (PoolGap(1, (), 0),)


def test_pool_gap_ignores_mentors_not_ready_untrained_or_disqualified__TRN_1__SCR_3():
    youth = a_youth(id=1, wish_language="ar")
    arabic = frozenset({"ar"})
    mentors = [
        a_mentor(id=10, languages=arabic, ready=False),
        a_mentor(id=11, languages=arabic, trained=False),
        a_mentor(id=12, languages=arabic, disqualified=True),
        a_mentor(id=13),
    ]
    assert pool_gaps([youth], mentors, RULES) == (PoolGap(1, (c.LANGUAGE,), 0),)


def test_pool_gap_counts_feasible_mentors_without_minors_unsupervised_and_excluded__MAT_4():
    youth = a_youth(id=1, age=12)
    mentors = [
        a_mentor(id=10),
        a_mentor(id=11, age=17, has_adult_supervisor=False),
        a_mentor(id=12),
        a_mentor(id=13, location=(0.0, 2.0)),
    ]
    rules = Rules(excluded=frozenset({(1, 12)}))
    assert pool_gaps([youth], mentors, rules) == (PoolGap(1, (), 2),)


def test_pool_gap_distance_met_by_neighbourhood_or_online():
    youth = a_youth(id=1, neighbourhood="Noord")
    far = a_mentor(id=10, location=(30.0, 0.0))
    assert pool_gaps([youth], [far], RULES) == (PoolGap(1, (c.DISTANCE,), 0),)
    goes_there = a_mentor(id=10, location=(30.0, 0.0), neighbourhoods=frozenset({"noord"}))
    assert pool_gaps([youth], [goes_there], RULES) == (PoolGap(1, (), 1),)
    assert pool_gaps([youth], [far], Rules(online=True)) == (PoolGap(1, (), 1),)


def test_pool_gap_without_considered_mentors():
    assert pool_gaps([a_youth(id=1)], [a_mentor(ready=False)], RULES) == (PoolGap(1, (), 0),)
    assert pool_gaps([], [a_mentor()], RULES) == ()


def test_pool_gaps_agree_with_pair_by_pair_checks():
    rnd = random.Random(5)
    youths = [random_youth(rnd, i) for i in range(25)]
    mentors = [random_mentor(rnd, 100 + j) for j in range(15)]
    rules = Rules(excluded=frozenset({(0, 100), (1, 101)}), min_availability_overlap=2)
    considered = [m for m in mentors if m.ready and m.trained and not m.disqualified]
    expected = []
    for y in youths:
        broken = [c.broken_constraints(y, m, rules) for m in considered]
        unmet = tuple(
            code for code in c.REASON_ORDER if code in _YOUTH_SIDE and all(code in b for b in broken)
        )
        expected.append(PoolGap(y.id, unmet, sum(not b for b in broken)))
    assert pool_gaps(youths, mentors, rules) == tuple(expected)


_YOUTH_SIDE = {c.GENDER, c.LANGUAGE, c.BACKGROUND, c.AGE_GAP, c.AVAILABILITY, c.DISTANCE}


def test_pool_gaps_of_2000_by_2000_cover_every_youth():
    # The time this takes is a figure of benchmarks/matchmaker_bench.py, not an assertion here.
    rnd = random.Random(1)
    youths = [random_youth(rnd, i) for i in range(2000)]
    mentors = [random_mentor(rnd, j) for j in range(2000)]
    gaps = pool_gaps(youths, mentors, RULES)
    assert [g.youth_id for g in gaps] == [y.id for y in youths]
    assert any(g.unmet for g in gaps)
    assert any(g.feasible_mentors for g in gaps)
