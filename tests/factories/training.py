"""factory_boy factories for the training app."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from koppel.training.models import ExternalHours, PeerGroup, PeerSession, Registration, Session
from tests.factories import MentorFactory, ProgrammeFactory


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Training {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    duration_hours = Decimal("2")
    trainer_name = "Fatima El Amrani"
    audience = "mentor"
    place = "Buurthuis De Kolk"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    mentor = factory.SubFactory(MentorFactory, programme=factory.SelfAttribute("..session.programme"))


class AttendedRegistrationFactory(RegistrationFactory):
    attended = True
    hours_credited = factory.SelfAttribute("session.duration_hours")


class ExternalHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalHours

    mentor = factory.SubFactory(MentorFactory)
    date = factory.LazyFunction(date.today)
    hours = Decimal("1")
    kind = "self_study"
    description = "E-learning veiligheid"


class PeerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerGroup

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Intervisiegroep {n}")


class PeerSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerSession

    group = factory.SubFactory(PeerGroupFactory)
    date = factory.LazyFunction(date.today)
    duration_hours = Decimal("1.5")
    topic = "Grenzen stellen"
