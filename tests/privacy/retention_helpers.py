"""Builders for the retention tests: people whose role ended on a given day, closed matches."""

from datetime import date, datetime, time

from django.utils import timezone

from koppel.common.dates import add_months
from koppel.matches.enums import MatchState
from koppel.people.models import PipelineEvent, Youth
from tests import factories as f

# A fixed "today": every domain function takes the day as an argument.
TODAY = date(2026, 6, 15)


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def months_before(day: date, months: int) -> date:
    return add_months(day, -months)


def ended_mentor(programme, *, on: date, status: str = "withdrawn", matched: bool = False, **kwargs):
    """A mentor whose pipeline stepped to `status` (withdrawn, rejected) on `on`; `matched`: after a
    match that ended a month before (so not an applicant who never matched)."""
    mentor = f.MentorFactory(programme=programme, status=status, **kwargs)
    if matched:
        closed_match(f.YouthFactory(programme=programme), [mentor], ended_on=add_months(on, -1))
    step = PipelineEvent.objects.create(
        mentor=mentor, from_status="in_screening", to_status=status, reason="Past niet bij het programma"
    )
    PipelineEvent.objects.filter(pk=step.pk).update(at=aware(on))
    return mentor


def closed_match(youth, mentors, *, ended_on: date):
    return f.MatchFactory(
        youth=youth,
        mentors=mentors,
        state=MatchState.CLOSED,
        started_on=add_months(ended_on, -12),
        ended_on=ended_on,
    )


def backdate_youth(youth, day: date) -> None:
    Youth.objects.filter(pk=youth.pk).update(updated_at=aware(day))
