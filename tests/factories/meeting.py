"""Factories for meeting logs (REL-1, REL-5), holiday periods (REL-4) and a minimal agreement."""

from datetime import timedelta

import factory
from django.utils import timezone

from koppel.matches.models import Agreement, HolidayPeriod, MeetingLog
from tests.factories import MatchFactory, ProgrammeFactory


class MeetingLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingLog

    match = factory.SubFactory(MatchFactory)
    mentor = factory.LazyAttribute(lambda o: o.match.mentors.first())
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    duration_minutes = 60
    place = "free"
    activity = "fun"
    note = "Samen gevoetbald"
    how_it_went = "good"


class HolidayPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HolidayPeriod

    programme = factory.SubFactory(ProgrammeFactory, kind="school")
    name = "Herfstvakantie"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=2))


def agree(match, *, interval_days: int, number: int = 1) -> Agreement:
    """A version of the match's agreement with its meeting interval (consents left out)."""
    return Agreement.objects.create(
        match=match,
        number=number,
        start_date=match.started_on or timezone.localdate(),
        duration_months=12,
        meeting_interval_days=interval_days,
        place="free",
        approach="combined",
        contact_after="programme",
    )
