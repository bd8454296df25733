"""Helpers of the reminder tests (tests/*/test_reminders.py)."""

import calendar
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone, translation

from koppel.common.domain import reminders as r
from koppel.common.models.reminders import Reminder
from koppel.matches.models import Agreement, Consent


def agreement_of(match, *, number=1, interval=7, start=None):
    return Agreement.objects.create(
        match=match,
        number=number,
        start_date=start or match.started_on or timezone.localdate(),
        duration_months=12,
        meeting_interval_days=interval,
        place="free",
        approach="developmental",
        contact_after="none",
    )


def pending_consent(agreement, *, days_ago=4, **party):
    kind = next(iter(party))
    consent = Consent.objects.create(agreement=agreement, party=kind, **party)
    Consent.objects.filter(pk=consent.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return consent


def last_week_day(today=None):
    today = today or timezone.localdate()
    return today.replace(day=calendar.monthrange(today.year, today.month)[1] - 2)


def send_only(kind):
    """Send the proposed reminders of one kind (the cast's match makes others due as well)."""
    Reminder.objects.exclude(kind=kind).delete()
    call_command("send_reminders", "--inline", "--no-propose", verbosity=0)


def subject_in(kind, language):
    with translation.override(language):
        return str(r.KINDS[kind].subject)
