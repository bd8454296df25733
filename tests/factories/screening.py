"""factory_boy factories for screening records (SCR-1..4)."""

from datetime import timedelta

import factory
from django.utils import timezone

from koppel.people.enums import DisclosureDecision, ReferenceOutcome, VogOutcome
from koppel.people.models import ConductCertificate, Interview, Reference, SelfDisclosure
from tests.factories import MentorFactory


class InterviewFactory(factory.django.DjangoModelFactory):
    """A held interview in which the responsibilities were explained (SCR-1 done)."""

    class Meta:
        model = Interview

    mentor = factory.SubFactory(MentorFactory, status="in_screening")
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    kind = "home_visit"
    responsibilities_explained = True
    motivation = "Wil iets terugdoen voor de wijk."
    qualities = factory.LazyFunction(lambda: {"motivated": {"score": 5, "remark": ""}})
    recommendation = "approve"


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    mentor = factory.SubFactory(MentorFactory, status="in_screening")
    name = factory.Sequence(lambda n: f"Referentie {n:04d}")
    relation = "Oud-collega"
    email = factory.Sequence(lambda n: f"reference{n}@example.org")
    contacted_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    outcome = ReferenceOutcome.POSITIVE


class ConductCertificateFactory(factory.django.DjangoModelFactory):
    """An issued VOG whose original was seen, valid for three years from its issue date."""

    class Meta:
        model = ConductCertificate

    mentor = factory.SubFactory(MentorFactory, status="in_screening")
    requested_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    outcome = VogOutcome.ISSUED
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    valid_until = factory.LazyAttribute(
        lambda o: o.issued_on.replace(year=o.issued_on.year + 3) if o.issued_on else None
    )
    original_seen_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))


class SelfDisclosureFactory(factory.django.DjangoModelFactory):
    """A disclosure of another conviction, waiting for review."""

    class Meta:
        model = SelfDisclosure

    mentor = factory.SubFactory(MentorFactory, status="in_screening")
    submitted_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=2))
    other_conviction = True
    other_details = "Verkeersboete, 2015"
    decision = DisclosureDecision.PENDING


class ClearedDisclosureFactory(SelfDisclosureFactory):
    """A self-disclosure with nothing to disclose (SCR-3: on record, no concern)."""

    other_conviction = False
    other_details = ""
    decision = DisclosureDecision.NO_CONCERN
