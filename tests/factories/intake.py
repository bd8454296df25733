"""factory_boy factories for intake, the waiting list and the worklist's screening records."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from koppel.people.models import ConductCertificate, Intake, Interview, Reference, SelfDisclosure
from tests.factories import MentorFactory, YouthFactory


class IntakeFactory(factory.django.DjangoModelFactory):
    """A complete intake (YTH-1, YTH-2, consent); override a field to leave something out."""

    class Meta:
        model = Intake
        skip_postgeneration_save = True

    youth = factory.SubFactory(YouthFactory, status="intake")
    held_on = factory.LazyFunction(date.today)
    informed_benefits_challenges = True
    informed_volunteer = True
    motivation = "Ik wil beter leren plannen voor school"
    committed = True
    guardian_consent = True
    consent_on = factory.LazyFunction(date.today)


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    mentor = factory.SubFactory(MentorFactory, status="interview_planned")
    kind = "home_visit"


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    mentor = factory.SubFactory(MentorFactory, status="in_screening")
    name = factory.Sequence(lambda n: f"Referentie {n:04d}")
    outcome = "pending"


class ConductCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConductCertificate

    mentor = factory.SubFactory(MentorFactory)
    requested_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    outcome = "issued"
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=20))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3 * 365))


class SelfDisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfDisclosure

    mentor = factory.SubFactory(MentorFactory, status="in_screening")
    submitted_on = factory.LazyFunction(date.today)
    other_conviction = True
    decision = "pending"
