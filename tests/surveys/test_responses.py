"""Answering a survey: saved as you go, resumable, refused when closed; submitting scores it."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.matches.models import Closure
from koppel.surveys.domain.responses import answers_of, save_answer, save_answers, submit_assignment
from koppel.surveys.enums import AssignmentStatus
from koppel.surveys.models import Answer, Score
from tests.factories import MatchFactory
from tests.factories.survey import AssignmentFactory, small_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment():
    return AssignmentFactory(instrument=small_instrument())


def _items(assignment):
    return {i.key: i for i in assignment.instrument.items.all()}


def test_first_answer_starts_the_survey_and_answers_resume(assignment):
    items = _items(assignment)
    result = save_answer(assignment, item=items["q1"], value=4)
    assert result.status == AssignmentStatus.STARTED and result.started_at is not None
    save_answer(assignment, item=items["q2"], value=2)
    save_answer(assignment, item=items["q2"], value=3)  # changed their mind
    assert answers_of(assignment) == {items["q1"].pk: 4, items["q2"].pk: 3}
    save_answer(assignment, item=items["q1"], value=None)  # cleared
    assert answers_of(assignment) == {items["q2"].pk: 3}


def test_answers_are_not_logged(assignment):
    save_answer(assignment, item=_items(assignment)["q1"], value=4)
    assert not ActivityLog.objects.filter(
        object_id=assignment.pk, action__startswith="surveys.assignment"
    ).exists()


def test_value_must_be_on_the_items_scale(assignment):
    with pytest.raises(DomainError, match="not one of the choices"):
        save_answer(assignment, item=_items(assignment)["q1"], value=6)
    assert not Answer.objects.exists()


def test_item_of_another_instrument_is_refused(assignment):
    other = small_instrument().items.first()
    with pytest.raises(DomainError, match="not part of this survey"):
        save_answer(assignment, item=other, value=3)


@pytest.mark.parametrize(
    ("status", "closes_in", "message"),
    [
        (AssignmentStatus.SUBMITTED, 10, "already been sent in"),
        (AssignmentStatus.CANCELLED, 10, "cancelled"),
        (AssignmentStatus.EXPIRED, 10, "closed"),
        (AssignmentStatus.STARTED, -1, "closed"),
    ],
)
def test_not_answerable(status, closes_in, message):
    assignment = AssignmentFactory(
        instrument=small_instrument(),
        status=status,
        closes_on=timezone.localdate() + timedelta(days=closes_in),
    )
    item = assignment.instrument.items.first()
    with pytest.raises(DomainError, match=message):
        save_answer(assignment, item=item, value=3)
    with pytest.raises(DomainError, match=message):
        submit_assignment(assignment)


def test_save_answers_checks_all_before_writing_any(assignment):
    items = _items(assignment)
    with pytest.raises(DomainError):
        save_answers(assignment, values={items["q1"].pk: 4, items["q2"].pk: 9})
    assert not Answer.objects.exists()
    with pytest.raises(DomainError):
        save_answers(assignment, values={items["q1"].pk: 4, small_instrument().items.first().pk: 3})
    result = save_answers(assignment, values={items["q1"].pk: 4, items["q2"].pk: 5, items["q3"].pk: None})
    assert result.status == AssignmentStatus.STARTED
    assert answers_of(assignment) == {items["q1"].pk: 4, items["q2"].pk: 5}


def test_submit_scores_and_logs_without_values(assignment):
    items = _items(assignment)
    save_answers(assignment, values={items["q1"].pk: 5, items["q3"].pk: 2})  # q2 left open
    result = submit_assignment(assignment)
    assert result.status == AssignmentStatus.SUBMITTED and result.submitted_at is not None
    score = Score.objects.get(assignment=assignment)
    assert score.value == 4.5  # (5 + reversed 2 = 4) / 2
    log = ActivityLog.objects.get(action="surveys.assignment.submitted", object_id=assignment.pk)
    assert "5" not in str(log.data) and sorted(log.fields) == ["status", "submitted_at"]
    with pytest.raises(DomainError):
        submit_assignment(assignment)


def test_submit_without_any_answer_is_allowed(assignment):
    submit_assignment(assignment)
    assert Score.objects.get(assignment=assignment).value is None


def test_follow_up_submission_sets_the_closure_follow_up__OUT_2():
    match = MatchFactory(state="closed")
    closure = Closure.objects.create(
        match=match,
        kind="planned",
        reason="duration_reached",
        ends_on=timezone.localdate() - timedelta(days=365),
        contact_after="none",
    )
    assignment = AssignmentFactory(
        instrument=small_instrument(), youth=match.youth, match=match, moment="follow_up", months=12
    )
    submit_assignment(assignment)
    closure.refresh_from_db()
    assert closure.follow_up_done_on == timezone.localdate()
    # A second follow-up survey does not move the date.
    Closure.objects.filter(pk=closure.pk).update(follow_up_done_on=date(2025, 1, 1))
    submit_assignment(
        AssignmentFactory(
            instrument=small_instrument(), youth=match.youth, match=match, moment="follow_up", months=12
        )
    )
    closure.refresh_from_db()
    assert closure.follow_up_done_on == date(2025, 1, 1)
