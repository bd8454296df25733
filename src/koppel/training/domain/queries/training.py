"""Selectors for the training pages, built on the same role facts as koppel.policy."""

from django.db.models import QuerySet

from koppel.people.domain.roles import AnyUser, of_staff_programmes
from koppel.training.models import PeerGroup, Session


def sessions_visible_to(user: AnyUser) -> QuerySet[Session]:
    """Staff see their programmes' sessions."""
    return of_staff_programmes(Session, user)


def peer_groups_visible_to(user: AnyUser) -> QuerySet[PeerGroup]:
    """Staff see their programmes' peer-supervision groups."""
    return of_staff_programmes(PeerGroup, user)
