"""The surveys a person answers themselves, as the portal's pages and the home page's block list them."""

from django.db.models import Q, QuerySet

from koppel.people.domain.roles import AnyUser, roles_of
from koppel.surveys.enums import ANSWERABLE
from koppel.surveys.models import Assignment


def portal_assignments(user: AnyUser) -> QuerySet[Assignment]:
    """The surveys the user is asked to answer themselves: as the youth, as the mentor, or as the
    guardian. Never another respondent's survey, so a mentor or guardian never sees a youth's answers."""
    r = roles_of(user)
    q = Q(pk__in=[])
    if r.youth_ids:
        q |= Q(respondent="youth", youth_id__in=r.youth_ids)
    if r.mentor_ids:
        q |= Q(respondent="mentor", mentor_id__in=r.mentor_ids)
    if r.guardian_id is not None:
        q |= Q(respondent="guardian", guardian_id=r.guardian_id)
    return Assignment.objects.filter(q)


def own_surveys(user: AnyUser) -> QuerySet[Assignment]:
    """The user's own surveys (`portal_assignments`) with the instrument and the youth."""
    return portal_assignments(user).select_related("instrument", "youth")


def open_surveys(user: AnyUser) -> QuerySet[Assignment]:
    """The user's surveys that can be answered now, soonest closing first (portal home block)."""
    return own_surveys(user).filter(status__in=ANSWERABLE).order_by("closes_on", "id")
