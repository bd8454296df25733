"""The surveys a person answers themselves, as the portal's pages and the home page's block list them."""

from django.db.models import QuerySet

from koppel.policy import portal_assignments
from koppel.surveys.enums import ANSWERABLE
from koppel.surveys.models import Assignment


def own_surveys(user) -> QuerySet[Assignment]:
    """The user's own surveys (`policy.portal_assignments`) with the instrument and the youth."""
    return portal_assignments(user).select_related("instrument", "youth")


def open_surveys(user) -> QuerySet[Assignment]:
    """The user's surveys that can be answered now, soonest closing first (portal home block)."""
    return own_surveys(user).filter(status__in=ANSWERABLE).order_by("closes_on", "id")
