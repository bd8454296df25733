"""Factories and helpers for closure tests (CLS-1, OUT-2)."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from koppel.matches.enums import MatchState
from koppel.matches.models import Agreement
from koppel.training.models import ExternalHours
from tests.factories import GuardianshipFactory, MatchFactory, MentorFactory, YouthFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    match = factory.SubFactory(MatchFactory)
    number = 1
    start_date = factory.LazyAttribute(lambda o: o.match.started_on or timezone.localdate())
    duration_months = 12
    meeting_interval_days = 7
    place = "free"
    approach = "combined"
    contact_after = "programme"


def matched_mentor(programme, *, trained_before: date, **kwargs):
    """A mentor with status matched and 6 hours of training before `trained_before` (TRN-1)."""
    mentor = MentorFactory(programme=programme, status="matched", **kwargs)
    ExternalHours.objects.create(
        mentor=mentor, date=trained_before - timedelta(days=10), hours=Decimal("6"), kind="self_study"
    )
    return mentor


def active_match(*, programme=None, started_on: date, mentors: int = 1, guardian: bool = True, **kwargs):
    """An active match of a matched youth (with a parent with parental authority) and `mentors`
    trained mentors with status matched."""
    youth = YouthFactory(status="matched", **({"programme": programme} if programme else {}))
    if guardian:
        GuardianshipFactory(youth=youth)
    team = [matched_mentor(youth.programme, trained_before=started_on) for _ in range(mentors)]
    return MatchFactory(youth=youth, state=MatchState.ACTIVE, started_on=started_on, mentors=team, **kwargs)


def proposed_match(programme):
    """A proposed match of a youth and a mentor of `programme` (both matched by the proposal)."""
    youth = YouthFactory(
        programme=programme, status="matched", waiting_since=timezone.localdate() - timedelta(days=90)
    )
    mentor = matched_mentor(programme, trained_before=timezone.localdate())
    return MatchFactory(youth=youth, state=MatchState.PROPOSED, mentors=[mentor])
