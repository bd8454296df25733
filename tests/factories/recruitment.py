"""Factories for recruitment (REC-1..3)."""

import factory

from koppel.people.models import Campaign
from tests.factories import ProgrammeFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Campagne {n}")
    channel = "social_media"
    target_group = "Studenten"
    motive = "personal"
    message = "Word maatje!"
