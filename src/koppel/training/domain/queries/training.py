"""Selectors for the training pages, built on the same role facts as koppel.policy."""

from django.db.models import QuerySet

from koppel.people.domain.roles import AnyUser, roles_of
from koppel.training.models import PeerGroup, Session


def sessions_visible_to(user: AnyUser) -> QuerySet[Session]:
    """Staff see their programmes' sessions."""
    return Session.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def peer_groups_visible_to(user: AnyUser) -> QuerySet[PeerGroup]:
    """Staff see their programmes' peer-supervision groups."""
    return PeerGroup.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)
