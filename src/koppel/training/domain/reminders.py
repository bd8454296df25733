"""The training app's reminders: training hours (TRN-2), registered in TrainingConfig.ready."""

import calendar
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from koppel.common.domain.reminders import ReminderSpec, new_reminder
from koppel.common.models.reminders import Reminder, ReminderKind
from koppel.people.domain.recipients import person_recipient
from koppel.people.enums import MentorStatus
from koppel.people.models import Mentor
from koppel.programmes.domain.queries import active_programmes
from koppel.programmes.models import Programme
from koppel.training.domain.ledger import mentors_below_monthly_hours

K = ReminderKind


def in_last_week_of_month(day: date) -> bool:
    return day.day > calendar.monthrange(day.year, day.month)[1] - 7


def training_reminders(programmes: Iterable[Programme], *, today: date, now: datetime) -> list[Reminder]:
    """TRN-2: in the last week of the month, each matched mentor still short of the month's hours."""
    if not in_last_week_of_month(today):
        return []
    month = today.strftime("%Y-%m")
    found = []
    for programme in programmes:
        for shortfall in mentors_below_monthly_hours(programme, month=today):
            mentor = shortfall.mentor
            to = person_recipient(mentor)
            if to is None:
                continue
            found.append(
                new_reminder(
                    K.TRAINING_HOURS,
                    f"training:{mentor.pk}:{month}",
                    to,
                    mentor,
                    programme_id=programme.pk,
                    now=now,
                    month=month,
                    hours=str(shortfall.hours),
                    missing=str(shortfall.missing),
                )
            )
    return found


def _find_training(*, today: date, now: datetime) -> list[Reminder]:
    return training_reminders(active_programmes(), today=today, now=now)


def _training_context(reminder: Reminder, mentor: Mentor) -> dict[str, Any]:
    return {"mentor": mentor, "link": settings.SITE_URL + reverse("portal:home")}


def _training_still_needed(reminder: Reminder, mentor: Mentor) -> bool:
    return mentor.status != MentorStatus.DISQUALIFIED  # SCR-3


REMINDERS = [
    ReminderSpec(
        kind=K.TRAINING_HOURS,
        subject=_("Your training hours this month"),
        find=_find_training,
        context=_training_context,
        still_needed=_training_still_needed,
    ),
]
