"""Factories for agreements and consents (AGR-1)."""

from datetime import date

import factory

from koppel.matches.domain.agreement import write_agreement
from koppel.matches.models import Agreement, Consent
from tests.factories import MatchFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    match = factory.SubFactory(MatchFactory)
    number = 1
    start_date = factory.LazyFunction(date.today)
    duration_months = 12
    meeting_interval_days = 7
    place = "community_centre"
    approach = "combined"
    goals = "Beter leren plannen"
    contact_after = "programme"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    agreement = factory.SubFactory(AgreementFactory)
    party = "youth"
    youth = factory.SelfAttribute("agreement.match.youth")


TERMS = {
    "start_date": date(2026, 9, 1),
    "duration_months": 12,
    "meeting_interval_days": 7,
    "place": "community_centre",
    "place_detail": "Buurthuis De Linde",
    "approach": "combined",
    "goals": "Beter leren plannen",
    "holiday_expectations": "",
    "contact_after": "programme",
    "contact_after_note": "",
}


def written_agreement(match, *, by=None, **changes) -> Agreement:
    """A new version through the domain function: consents for every party, an introduced match agreed."""
    return write_agreement(match, by=by, values={**TERMS, **changes})


def consented_match(programme, *, given_at=None, mentor=None):
    """An agreed match in `programme` whose mentor, youth and the youth's parent (with parental
    authority) have consented to its agreement (AGR-1), at `given_at` (default now): ready to start."""
    from django.utils import timezone

    from tests.factories import GuardianFactory, GuardianshipFactory, MentorFactory, YouthFactory

    mentor = mentor or MentorFactory(programme=programme)
    match = MatchFactory(
        youth=YouthFactory(programme=programme, status="matched"), state="agreed", mentors=[mentor]
    )
    guardian = GuardianFactory(organisation=programme.organisation)
    GuardianshipFactory(youth=match.youth, guardian=guardian)
    agreement = AgreementFactory(match=match)
    at = given_at or timezone.now()
    signed = {"given_at": at, "typed_name": "x", "youth": None}
    ConsentFactory(agreement=agreement, party="youth", given_at=at, typed_name="x")
    ConsentFactory(agreement=agreement, party="mentor", mentor=mentor, **signed)
    ConsentFactory(agreement=agreement, party="guardian", guardian=guardian, **signed)
    return match
