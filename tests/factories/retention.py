"""Factories for the retention schedule's rows (koppel.privacy)."""

import factory

from koppel.privacy.enums import RetentionRule
from koppel.privacy.models import RetentionOverride
from tests.factories import OrganisationFactory


class RetentionOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionOverride

    organisation = factory.SubFactory(OrganisationFactory)
    rule = RetentionRule.MATCH_RECORDS
    months = 36
    reason = "Afspraak met de gemeente"
