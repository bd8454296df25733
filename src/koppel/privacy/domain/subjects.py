"""What the privacy rights ask of a data subject whatever kind of person it is: which kind, which
organisation holds their data, and the matches they are a party of. Access, the archive and erasure
all read these."""

from __future__ import annotations

from django.db.models import QuerySet

from koppel.matches.models import Match
from koppel.people.models import Guardian, Mentor, Youth

Subject = Mentor | Youth | Guardian


def kind_of(subject: Subject) -> str:
    """ "mentor", "youth" or "guardian": the field of AccessRequest, Consent, Registration and the
    like that names this kind of person."""
    if isinstance(subject, Mentor):
        return "mentor"
    if isinstance(subject, Youth):
        return "youth"
    if isinstance(subject, Guardian):
        return "guardian"
    raise TypeError(f"not a person: {type(subject).__name__}")


def organisation_id_of(subject: Subject) -> int:
    if isinstance(subject, Guardian):
        return subject.organisation_id
    return subject.programme.organisation_id


def matches_of(subject: Subject) -> QuerySet[Match]:
    """The matches the person is a party of as mentor or youth (a guardian's children's matches are
    the child's, not the guardian's)."""
    if isinstance(subject, Mentor):
        return Match.objects.filter(match_mentors__mentor=subject).distinct()
    if isinstance(subject, Youth):
        return Match.objects.filter(youth=subject)
    return Match.objects.none()
