"""Answering a survey: answers are saved as the respondent goes, so an interrupted survey resumes;
submitting computes the scores (scoring.py) and the OUT-4 alerts (alerts.py).

Every change locks the assignment row first, so two open tabs never interleave badly. Answers are
not written to the activity log one by one (too noisy), and values are never logged anywhere.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.matches.models import Closure
from koppel.surveys.domain.alerts import check_quality
from koppel.surveys.domain.scoring import compute_scores
from koppel.surveys.enums import ANSWERABLE, AssignmentStatus, Moment
from koppel.surveys.models import Answer, Assignment, Item, answer_columns, given_answers


def is_answerable(assignment: Assignment, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return assignment.status in ANSWERABLE and today <= assignment.closes_on


def _locked(assignment: Assignment) -> Assignment:
    """The assignment row, locked until the transaction ends, refused when it cannot be answered."""
    locked = Assignment.objects.select_for_update().select_related("instrument").get(pk=assignment.pk)
    if locked.status == AssignmentStatus.SUBMITTED:
        raise DomainError(_("This survey has already been sent in."))
    if locked.status == AssignmentStatus.CANCELLED:
        raise DomainError(_("This survey was cancelled."))
    if not is_answerable(locked):
        raise DomainError(
            _("This survey is closed: it could be answered until %(day)s.") % {"day": locked.closes_on}
        )
    return locked


def _allowed_values(assignment: Assignment, item: Item) -> set[int]:
    scale = assignment.instrument.scales.get(item.scale) or {}
    return {option["value"] for option in scale.get("options", [])}


def _check_value(assignment: Assignment, item: Item, value: int | None) -> None:
    if item.instrument_id != assignment.instrument_id:
        raise DomainError(_("This question is not part of this survey."))
    if value is not None and value not in _allowed_values(assignment, item):
        raise DomainError(_("That answer is not one of the choices for this question."))


def _mark_started(assignment: Assignment) -> None:
    if assignment.status == AssignmentStatus.OPEN:
        assignment.status = AssignmentStatus.STARTED
        assignment.started_at = timezone.now()
        assignment.version += 1
        assignment.save(update_fields=["status", "started_at", "version", "updated_at"])


def _write(assignment: Assignment, item: Item, value: int | None) -> None:
    if value is None:
        Answer.objects.filter(assignment=assignment, item_id=item.pk).delete()
    else:
        # An answer to a sensitive item is stored encrypted (answer_columns).
        Answer.objects.update_or_create(
            assignment=assignment, item=item, defaults={"item": item, **answer_columns(item, value)}
        )


def save_answer(
    assignment: Assignment, *, item: Item, value: int | None, by: User | None = None
) -> Assignment:
    """Save (or with None, remove) one answer.

    Side effects: the first answer sets the status to started and started_at. Raises DomainError when
    the survey cannot be answered, the item is not the instrument's or the value not on its scale."""
    with transaction.atomic():
        locked = _locked(assignment)
        _check_value(locked, item, value)
        _write(locked, item, value)
        if value is not None:
            _mark_started(locked)
    return locked


def save_answers(
    assignment: Assignment, *, values: dict[int, int | None], by: User | None = None
) -> Assignment:
    """Save several answers at once (item id -> value, None removes), for the plain-form fallback.
    All are checked before any is written."""
    with transaction.atomic():
        locked = _locked(assignment)
        items = {i.pk: i for i in Item.objects.filter(instrument_id=locked.instrument_id)}
        for item_id, value in values.items():
            item = items.get(item_id)
            if item is None:
                raise DomainError(_("This question is not part of this survey."))
            _check_value(locked, item, value)
        for item_id, value in values.items():
            _write(locked, items[item_id], value)
        if any(v is not None for v in values.values()):
            _mark_started(locked)
    return locked


def answers_of(assignment: Assignment) -> dict[int, int]:
    """The answers so far (item id -> value), to resume an interrupted survey."""
    return given_answers(Answer.objects.filter(assignment=assignment))


def submit_assignment(assignment: Assignment, *, by: User | None = None) -> Assignment:
    """Send in a survey. Unanswered items are allowed (scoring handles missing answers).

    Side effects: status submitted and submitted_at; one Score per subscale (compute_scores); OUT-4
    alerts (check_quality); for a follow-up survey about a match, Closure.follow_up_done_on (OUT-2)
    when still empty; `surveys.assignment.submitted` in the activity log (never the answers)."""
    with transaction.atomic():
        locked = _locked(assignment)
        now = timezone.now()
        locked.status = AssignmentStatus.SUBMITTED
        locked.submitted_at = now
        if locked.started_at is None:
            locked.started_at = now
        locked.version += 1
        locked.save(update_fields=["status", "submitted_at", "started_at", "version", "updated_at"])
        scores = compute_scores(locked)
        check_quality(scores)
        if locked.moment == Moment.FOLLOW_UP and locked.match_id is not None:
            # OUT-2: the follow-up about 12 months after closure is done.
            closure = Closure.objects.filter(match_id=locked.match_id, follow_up_done_on__isnull=True).first()
            if closure is not None:
                closure.follow_up_done_on = timezone.localdate(now)
                closure.version += 1
                closure.save(update_fields=["follow_up_done_on", "version", "updated_at"])
                log_action(closure, "matches.closure.follow_up_done", by=by, fields=["follow_up_done_on"])
        log_action(locked, "surveys.assignment.submitted", by=by, fields=["status", "submitted_at"])
    return locked
