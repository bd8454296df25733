"""Scoring with hand-computed values: reverse-scored items, missing answers, too few answers, sums."""

import pytest
from django.utils import timezone

from koppel.surveys.domain.scoring import compute_scores, item_value, score_subscale
from koppel.surveys.enums import AssignmentStatus, ScoreMethod
from tests.factories.survey import (
    AnswerFactory,
    AssignmentFactory,
    ItemFactory,
    SubscaleFactory,
    small_instrument,
)


def _score(values, *, method=ScoreMethod.MEAN, reverse=None, min_answered=1, minimum=1, maximum=5):
    return score_subscale(
        values,
        method=method,
        minimum=minimum,
        maximum=maximum,
        reverse_flags=reverse or [False] * len(values),
        min_answered=min_answered,
    )


def test_reverse_item_counts_as_min_plus_max_minus_answer():
    assert item_value(2, minimum=1, maximum=5, reverse=True) == 4
    assert item_value(2, minimum=1, maximum=5, reverse=False) == 2
    assert item_value(1, minimum=1, maximum=4, reverse=True) == 4
    assert item_value(0, minimum=0, maximum=3, reverse=True) == 3


def test_mean_with_a_reverse_item():
    # 4, 5 and reversed 2 -> 4: (4 + 5 + 4) / 3 = 13 / 3
    assert _score([4, 5, 2], reverse=[False, False, True]) == pytest.approx(13 / 3)


def test_mean_of_the_answered_items_when_one_is_missing():
    # 4 and reversed 1 -> 5: (4 + 5) / 2 = 4.5
    assert _score([4, None, 1], reverse=[False, False, True], min_answered=2) == 4.5


def test_no_score_below_min_answered():
    assert _score([4, None, None], min_answered=2) is None
    assert _score([None, None, None], min_answered=1) is None
    assert _score([], min_answered=1) is None


def test_sum_is_prorated_for_missing_items():
    # All answered: 2 + 3 + 4 = 9.
    assert _score([2, 3, 4], method=ScoreMethod.SUM) == 9
    # One missing: mean of 2 and 4 is 3, times 3 items = 9 (not 6).
    assert _score([2, None, 4], method=ScoreMethod.SUM, min_answered=2) == 9
    # With a reverse item on a 0-3 scale: 1, reversed 0 -> 3, missing: (1 + 3) / 2 * 3 = 6.
    assert (
        _score([1, 0, None], method=ScoreMethod.SUM, reverse=[False, True, False], minimum=0, maximum=3) == 6
    )


def test_reverse_flags_must_match_the_items():
    with pytest.raises(ValueError, match="one reverse flag per item"):
        _score([1, 2], reverse=[True])


@pytest.mark.django_db
def test_compute_scores_creates_a_score_with_the_assignment_facts():
    instrument = small_instrument()  # q1, q2, q3 (reverse), mean, at least 2 answered
    assignment = AssignmentFactory(
        instrument=instrument, status=AssignmentStatus.SUBMITTED, moment="during", months=6
    )
    items = {i.key: i for i in instrument.items.all()}
    AnswerFactory(assignment=assignment, item=items["q1"], value=2)
    AnswerFactory(assignment=assignment, item=items["q3"], value=1)  # reversed: 5
    [score] = compute_scores(assignment)
    assert score.value == 3.5  # (2 + 5) / 2
    assert (score.answered, score.items) == (2, 3)
    assert score.programme_id == assignment.programme_id
    assert score.youth_id == assignment.youth_id
    assert (score.respondent, score.moment, score.months) == ("youth", "during", 6)
    assert score.domain == "trust"
    assert score.submitted_on == timezone.localdate()
    # Computing again refreshes the same row.
    AnswerFactory(assignment=assignment, item=items["q2"], value=5)
    [again] = compute_scores(assignment)
    assert again.pk == score.pk and again.value == pytest.approx(4.0)  # (2 + 5 + 5) / 3


@pytest.mark.django_db
def test_compute_scores_keeps_a_row_without_value_when_too_few_answers():
    instrument = small_instrument()
    assignment = AssignmentFactory(instrument=instrument, status=AssignmentStatus.SUBMITTED)
    AnswerFactory(assignment=assignment, item=instrument.items.get(key="q1"), value=4)
    [score] = compute_scores(assignment)
    assert score.value is None and score.answered == 1


@pytest.mark.django_db
def test_compute_scores_sum_subscale():
    instrument = small_instrument()
    subscale = SubscaleFactory(
        instrument=instrument, key="sum", method=ScoreMethod.SUM, min_answered=1, domain="helping"
    )
    a = ItemFactory(subscale=subscale, key="s1")
    ItemFactory(subscale=subscale, key="s2")
    assignment = AssignmentFactory(instrument=instrument, status=AssignmentStatus.SUBMITTED)
    AnswerFactory(assignment=assignment, item=a, value=4)
    scores = {s.subscale.key: s for s in compute_scores(assignment)}
    assert scores["sum"].value == 8  # 4 prorated over 2 items
    assert scores["sum"].domain == "helping"
