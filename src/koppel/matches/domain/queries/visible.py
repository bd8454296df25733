"""Who sees which youth and matches (koppel.policy holds every selector; those the apps below the
policy need live with their app)."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from koppel.matches.enums import KNOWN_TO_MENTOR, MatchState
from koppel.matches.models import Match
from koppel.people.domain.roles import AnyUser, of_staff_programmes, roles_of
from koppel.people.models import Youth


def _matched_youth_ids(mentor_ids: Iterable[int]) -> QuerySet[Match, Any]:
    return Match.objects.filter(match_mentors__mentor_id__in=mentor_ids, state__in=KNOWN_TO_MENTOR).values(
        "youth_id"
    )


def youth_visible_to(user: AnyUser) -> QuerySet[Youth]:
    """Staff see their programmes' youth; a mentor only their own matches' youth; a guardian their
    own children; a youth only themselves."""
    r = roles_of(user)
    q = Q(programme_id__in=r.staff_programme_ids) | Q(id__in=r.youth_ids)
    if r.mentor_ids:
        q |= Q(id__in=_matched_youth_ids(r.mentor_ids))
    if r.guardian_id is not None:
        q |= Q(guardianships__guardian_id=r.guardian_id)
    return Youth.objects.filter(q).distinct() if r.guardian_id is not None else Youth.objects.filter(q)


def matches_visible_to(user: AnyUser) -> QuerySet[Match]:
    r = roles_of(user)
    q = Q(programme_id__in=r.staff_programme_ids)
    if r.mentor_ids:
        q |= Q(id__in=Match.objects.filter(match_mentors__mentor_id__in=r.mentor_ids).values("id"))
    if r.youth_ids:
        q |= Q(youth_id__in=r.youth_ids)
    if r.guardian_id is not None:
        q |= Q(youth__guardianships__guardian_id=r.guardian_id)
    return Match.objects.filter(q)


def staff_matches(user: AnyUser) -> QuerySet[Match]:
    """Matches of the programmes the user coordinates or administers."""
    return of_staff_programmes(Match, user)


def portal_matches(user: AnyUser) -> QuerySet[Match]:
    """The matches a mentor, youth or guardian takes part in, once introduced (a proposal is the
    programme's business until the first meeting)."""
    r = roles_of(user)
    q = Q(pk__in=[])
    if r.mentor_ids:
        q |= Q(id__in=Match.objects.filter(match_mentors__mentor_id__in=r.mentor_ids).values("id"))
    if r.youth_ids:
        q |= Q(youth_id__in=r.youth_ids)
    if r.guardian_id is not None:
        q |= Q(youth__guardianships__guardian_id=r.guardian_id)
    return Match.objects.filter(q).exclude(state=MatchState.PROPOSED).distinct()
