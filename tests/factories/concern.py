"""factory_boy factories for concerns and the resource library (SUP-3)."""

import factory

from koppel.matches.enums import ConcernStatus, ResourceKind, ResourceTopic
from koppel.matches.models import Concern, Resource
from tests.factories import OrganisationFactory, ProgrammeFactory


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concern

    programme = factory.SubFactory(ProgrammeFactory)
    raised_as = "guardian"
    text = "Mijn dochter komt steeds later thuis na de afspraken."
    status = ConcernStatus.OPEN


class ClosedConcernFactory(ConcernFactory):
    status = ConcernStatus.CLOSED
    outcome = "Gesprek gevoerd met mentor en ouder; afspraken over tijden gemaakt."


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    organisation = factory.LazyAttribute(
        lambda o: o.programme.organisation if o.programme is not None else OrganisationFactory()
    )
    programme = None
    title = factory.Sequence(lambda n: f"Handreiking {n}")
    kind = ResourceKind.PUBLICATION
    topic = ResourceTopic.STARTING
    url = "https://www.example.org/handreiking"
    description = "Een korte uitleg."
    for_mentors = True
    for_youth = False
    for_guardians = False
