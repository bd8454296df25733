"""Scores that act (OUT-4): a relationship-quality score below its subscale's threshold, or a sharp
drop since the same respondent's previous score, asks the coordinator for an extra support contact.

An alert is open while nobody marked it handled and no support contact with the respondent's side
(the mentor after a mentor's score, the youth after the youth's) was logged for the match after the
alert was raised, held on or after its day; open alerts are a worklist section
(staff/worklist/surveys.py).
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.matches.models import SupportContact
from koppel.surveys.enums import AlertReason, AssignmentStatus
from koppel.surveys.models import QualityAlert, Score

# Float scores (means) are compared with a little slack: 4.333... - 3.333... is a drop of 1.0.
EPSILON = 1e-9


def previous_score(score: Score) -> Score | None:
    """The same respondent's previous submitted score on the same subscale about the same youth in
    the same match (same instrument key, any revision; same respondent kind and person)."""
    assignment = score.assignment
    # None matches None here (the youth answers with neither a mentor nor a guardian set).
    same_person: dict[str, Any] = {
        "match_id": score.match_id,
        "assignment__mentor_id": assignment.mentor_id,
        "assignment__guardian_id": assignment.guardian_id,
    }
    return (
        Score.objects.filter(
            youth_id=score.youth_id,
            respondent=score.respondent,
            subscale__key=score.subscale.key,
            subscale__instrument__key=score.subscale.instrument.key,
            **same_person,
            assignment__status=AssignmentStatus.SUBMITTED,
            assignment__submitted_at__lt=assignment.submitted_at,
            value__isnull=False,
        )
        .exclude(assignment_id=assignment.pk)
        .order_by("-assignment__submitted_at", "-id")
        .first()
    )


def _worse(value: float, than: float, *, higher_is_better: bool) -> float:
    """How much worse `value` is than `than` (negative when it is better)."""
    return than - value if higher_is_better else value - than


def check_quality(scores: Iterable[Score]) -> list[QualityAlert]:
    """Create the alerts the scores call for and return them (existing ones included: idempotent
    through the unique score + reason). Only for surveys about a match."""
    alerts = []
    for score in scores:
        subscale = score.subscale
        if score.value is None or score.match_id is None:
            continue
        if subscale.threshold is not None and (
            _worse(score.value, subscale.threshold, higher_is_better=subscale.higher_is_better) > EPSILON
        ):
            alert, created = QualityAlert.objects.get_or_create(
                score=score,
                reason=AlertReason.BELOW_THRESHOLD,
                defaults={"match_id": score.match_id, "value": score.value, "threshold": subscale.threshold},
            )
            if created:
                log_action(alert, "surveys.alert.raised", by=None, fields=["reason"])
            alerts.append(alert)
        if subscale.drop is not None:
            previous = previous_score(score)
            if previous is not None and previous.value is not None:
                fell = _worse(score.value, previous.value, higher_is_better=subscale.higher_is_better)
                if fell >= subscale.drop - EPSILON:
                    alert, created = QualityAlert.objects.get_or_create(
                        score=score,
                        reason=AlertReason.SHARP_DROP,
                        defaults={
                            "match_id": score.match_id,
                            "value": score.value,
                            "previous": previous.value,
                        },
                    )
                    if created:
                        log_action(alert, "surveys.alert.raised", by=None, fields=["reason"])
                    alerts.append(alert)
    return alerts


def open_alerts(programme_ids: Iterable[int]) -> QuerySet[QualityAlert]:
    """Alerts nobody handled and after which no support contact with the respondent's side was
    logged for the match (OUT-4): a contact with a parent, or one held (or logged) before the alert
    came in, does not answer it. `ContactWith` and `Respondent` share their values."""
    contact_since = SupportContact.objects.filter(
        match_id=OuterRef("match_id"),
        with_whom=OuterRef("score__respondent"),
        held_on__gte=OuterRef("day"),
        created_at__gte=OuterRef("created_at"),
    )
    return (
        QualityAlert.objects.filter(match__programme_id__in=programme_ids, handled_at__isnull=True)
        .annotate(day=TruncDate("created_at"))
        .exclude(Exists(contact_since))
        .order_by("created_at", "id")
    )


def handle_alert(alert: QualityAlert, *, by: User) -> QualityAlert:
    """Mark an alert handled (the extra contact happened or is not needed), and with it the match's
    other open alerts: one low survey raises one per aspect, and one extra contact answers them all.

    Side effects: sets handled_at/handled_by, bumps the version, writes `surveys.alert.handled` for
    each alert it closes."""
    with transaction.atomic():
        alert = QualityAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.handled_at is not None:
            raise DomainError(_("This alert was already marked as handled."))
        now = timezone.now()
        siblings = list(
            QualityAlert.objects.select_for_update().filter(match_id=alert.match_id, handled_at__isnull=True)
        )
        for each in siblings:
            each.handled_at = now
            each.handled_by = by
            each.version += 1
            each.save(update_fields=["handled_at", "handled_by", "version", "updated_at"])
            log_action(each, "surveys.alert.handled", by=by, fields=["handled_at", "handled_by"])
        alert.refresh_from_db()
    return alert
