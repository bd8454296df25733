"""Role-matrix rows for reminders and the mentor's calendar feed (item 9)."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from koppel.common.models.outbox import OutgoingMail
from koppel.common.models.reminders import Reminder
from koppel.people.domain.calendar import calendar_feed_token
from tests.matrix import LOGIN, NO_PORTAL_ROLE, NOT_STAFF, ROLES, Redirect, Row, expect, url

# Failing reminders are the administrators' to fix (the mail server, an address): coordinators 403.
ADMIN_ONLY = expect(anonymous=LOGIN, admin=200, coordinator=403, other_coordinator=403, **NOT_STAFF)


def _failed_reminder(cast) -> str:
    now = timezone.now()
    reminder = Reminder.objects.create(
        kind="meeting_not_logged",
        key=f"matrix:{cast.match.pk}",
        email="mentor@example.org",
        language="nl",
        content_type=ContentType.objects.get_for_model(cast.match),
        object_id=cast.match.pk,
        context={"programme_id": cast.programme.pk, "since": "2026-03-02"},
        due_at=now,
        next_attempt_at=now,
        status="failed",
        attempts=6,
    )
    return reverse("staff:reminder_retry", args=[reminder.pk])


def _failed_mail(cast) -> str:
    mail = OutgoingMail.objects.create(
        to="coordinator@example.org",
        language="nl",
        subject="Nieuwe zorg",
        body="...",
        log_ref="matrix",
        programme_id=cast.programme.pk,
        message_id=f"<matrix.{uuid.uuid4().hex}@example.org>",
        next_attempt_at=timezone.now(),
        status="failed",
        attempts=6,
    )
    return reverse("staff:mail_retry", args=[mail.pk])


def _feed(cast) -> str:
    return reverse("feeds:calendar", args=[calendar_feed_token(cast.mentor_row)])


ROWS: dict[str, Row] = {
    "staff:reminders": Row(url("staff:reminders"), ADMIN_ONLY),
    "staff:reminder_retry": Row(
        _failed_reminder,
        expect(
            anonymous=LOGIN,
            admin=Redirect("staff:reminders"),
            coordinator=403,
            other_coordinator=403,
            **NOT_STAFF,
        ),
        method="post",
    ),
    # A failing outbox mail of the programme: the administrators' to retry, like a reminder.
    "staff:mail_retry": Row(
        _failed_mail,
        expect(
            anonymous=LOGIN,
            admin=Redirect("staff:reminders"),
            coordinator=403,
            other_coordinator=403,
            **NOT_STAFF,
        ),
        method="post",
    ),
    # The mentor's own page; youth and guardians have no feed.
    "portal:calendar": Row(
        url("portal:calendar"),
        expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=200, youth=403, guardian=403),
    ),
    # Public: a calendar app cannot log in; the signed token in the URL is the key.
    "feeds:calendar": Row(_feed, expect(**dict.fromkeys(ROLES, 200))),
}
