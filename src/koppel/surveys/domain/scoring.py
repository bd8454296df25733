"""Scoring a submitted survey: one score per subscale, computed once on submission.

The rules (docs/surveys.md):
- a reverse-scored item counts as (min + max - answer);
- missing answers are left out: the mean is over the answered items, and a sum is that mean times the
  number of items in the subscale (prorated), so a skipped item does not lower a sum;
- with fewer than `min_answered` answered items the subscale has no score (None).
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from koppel.surveys.domain.baselines import pair_key, refresh_baselines
from koppel.surveys.enums import ScoreMethod
from koppel.surveys.models import Answer, Assignment, Score, given_answers


def item_value(value: int, *, minimum: int, maximum: int, reverse: bool) -> int:
    """The value an answer counts for: reversed on a reverse-scored item."""
    return minimum + maximum - value if reverse else value


def score_subscale(
    values: Sequence[int | None],
    *,
    method: str,
    minimum: int,
    maximum: int,
    reverse_flags: Sequence[bool],
    min_answered: int,
) -> float | None:
    """The score of one subscale from its items' answers in order (None = not answered).

    >>> score_subscale([4, None, 2], method="mean", minimum=1, maximum=5,
    ...                reverse_flags=[False, False, True], min_answered=2)
    4.0
    """
    if len(values) != len(reverse_flags):
        raise ValueError("one reverse flag per item")
    counted = [
        item_value(v, minimum=minimum, maximum=maximum, reverse=r)
        for v, r in zip(values, reverse_flags, strict=True)
        if v is not None
    ]
    if not counted or len(counted) < min_answered:
        return None
    mean = sum(counted) / len(counted)
    if method == ScoreMethod.SUM:
        return mean * len(values)
    return mean


def compute_scores(assignment: Assignment) -> list[Score]:
    """Create (or refresh) one Score per subscale of the assignment's instrument, with the
    assignment's facts copied for the reports. A subscale with too few answers gets a Score whose
    value is None, so reports can count who answered too little."""
    instrument = assignment.instrument
    subscales = list(instrument.subscales.prefetch_related("items").order_by("position", "id"))
    answers = given_answers(Answer.objects.filter(assignment=assignment))
    submitted_at = assignment.submitted_at or timezone.now()
    scores = []
    with transaction.atomic():
        for subscale in subscales:
            items = sorted(subscale.items.all(), key=lambda i: (i.position, i.id))
            if not items:
                continue
            scale = instrument.scales[items[0].scale]
            values = [answers.get(i.id) for i in items]
            value = score_subscale(
                values,
                method=subscale.method,
                minimum=scale["min"],
                maximum=scale["max"],
                reverse_flags=[i.reverse for i in items],
                min_answered=subscale.min_answered,
            )
            score, _created = Score.objects.update_or_create(
                assignment=assignment,
                subscale=subscale,
                defaults={
                    "value": value,
                    "answered": sum(1 for v in values if v is not None),
                    "items": len(items),
                    "programme_id": assignment.programme_id,
                    "youth_id": assignment.youth_id,
                    "match_id": assignment.match_id,
                    "respondent": assignment.respondent,
                    "moment": assignment.moment,
                    "months": assignment.months,
                    "domain": subscale.domain,
                    "submitted_on": timezone.localdate(submitted_at),
                    "pair_key": pair_key(
                        instrument_key=instrument.key,
                        subscale_key=subscale.key,
                        respondent=assignment.respondent,
                        person_id=assignment.mentor_id or assignment.guardian_id,
                    ),
                },
            )
            score.subscale = subscale
            score.assignment = assignment
            scores.append(score)
        refresh_baselines([assignment.youth_id])
    for score in scores:
        score.refresh_from_db(fields=["baseline"])
    return scores
