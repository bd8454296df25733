"""The everyday cast's factories: users, organisations, programmes, staff roles, people and matches;
realistic enough for forms and pages. Import them from `tests.factories`."""

from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from koppel.accounts.models import User
from koppel.matches.enums import MatchState
from koppel.matches.models import Match, MatchMentor
from koppel.people.models import Guardian, Guardianship, Mentor, Youth
from koppel.programmes.models import (
    Administrator,
    Coordinator,
    Organisation,
    Programme,
    ProgrammeSettings,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    # Sequences, not Faker: a random name could collide with a name a test looks up or searches for.
    name = factory.Sequence(lambda n: f"Medewerker {n:04d}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Stichting {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Programma {n}")
    kind = "community"
    form = "individual"
    locations = ["community_centre", "free"]
    settings = factory.RelatedFactory(
        "tests.factories.core.ProgrammeSettingsFactory", factory_related_name="programme"
    )


class ProgrammeSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeSettings

    programme = factory.SubFactory(ProgrammeFactory, settings=None)


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coordinator

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)


class AdministratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Administrator

    user = factory.SubFactory(UserFactory, is_staff=True, is_superuser=True)
    organisation = factory.SubFactory(OrganisationFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    first_name = factory.Sequence(lambda n: f"Voornaam{n:04d}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n:04d}")
    gender = "female"
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    postcode = "3072AB"
    neighbourhood = "Feijenoord"
    languages = ["nl"]
    availability = ["wed-pm", "sat-am"]


class MentorFactory(PersonFactory):
    class Meta:
        model = Mentor

    date_of_birth = date(1995, 5, 17)
    status = "ready"
    motives = ["altruism"]


class YouthFactory(PersonFactory):
    class Meta:
        model = Youth

    date_of_birth = factory.LazyFunction(lambda: date(timezone.localdate().year - 13, 3, 1))
    status = "waiting"
    goals = "Beter leren plannen"
    wishes = "Iemand die ook van voetbal houdt"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Sequence(lambda n: f"Voornaam{n:04d}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n:04d}")
    email = factory.Sequence(lambda n: f"guardian{n}@example.org")


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    youth = factory.SubFactory(YouthFactory)
    guardian = factory.SubFactory(
        GuardianFactory, organisation=factory.SelfAttribute("..youth.programme.organisation")
    )
    relation = "mother"


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match
        skip_postgeneration_save = True

    youth = factory.SubFactory(YouthFactory)
    programme = factory.SelfAttribute("youth.programme")
    state = MatchState.ACTIVE
    # A started match has a start date; a closed one an end date (database constraints).
    started_on = factory.LazyAttribute(
        lambda o: (
            timezone.localdate() - timedelta(days=60)
            if o.state in (MatchState.ACTIVE, MatchState.CLOSING, MatchState.CLOSED)
            else None
        )
    )
    ended_on = factory.LazyAttribute(lambda o: timezone.localdate() if o.state == MatchState.CLOSED else None)

    @factory.post_generation
    def mentors(self, create, extracted, **kwargs):
        if create and extracted:
            for mentor in extracted:
                MatchMentor.objects.create(match=self, mentor=mentor)
