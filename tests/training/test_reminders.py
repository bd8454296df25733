"""Reminders of the training app: training hours in the last week of the month (TRN-2)."""

from datetime import timedelta

from koppel.common.domain import reminders as r
from koppel.common.models.reminders import Reminder, ReminderKind
from tests.reminder_helpers import last_week_day

K = ReminderKind


def test_training_hours_are_reminded_of_in_the_last_week_of_the_month_only__TRN_2(cast):
    day = last_week_day()
    cast.match.started_on = day - timedelta(days=60)
    cast.match.save()
    r.propose_reminders(today=day.replace(day=10))
    assert not Reminder.objects.filter(kind=K.TRAINING_HOURS).exists()
    r.propose_reminders(today=day)
    reminder = Reminder.objects.get(kind=K.TRAINING_HOURS)
    assert (reminder.email, reminder.key) == (
        cast.mentor_row.email,
        f"training:{cast.mentor_row.pk}:{day:%Y-%m}",
    )
    assert reminder.context["hours"] == "0"
