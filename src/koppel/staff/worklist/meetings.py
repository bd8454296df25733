"""Worklist sections about meetings: matches without a recent meeting (REL-1; holidays of school
programmes excepted, REL-4)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from koppel.matches.domain.meetings import matches_without_recent_meeting
from koppel.policy import roles_of
from koppel.staff.worklist.spec import Spec


def _rows(user):
    return matches_without_recent_meeting(roles_of(user).staff_programme_ids, timezone.localdate())


def _note(match) -> str:
    if match.last_meeting is None:
        return gettext("no meeting since the start")
    days = (timezone.localdate() - match.last_meeting).days
    return ngettext("last meeting %(days)s day ago", "last meeting %(days)s days ago", days) % {"days": days}


SECTIONS: list[Spec] = [
    Spec(
        "meetings",
        gettext_lazy("No meeting logged"),
        "REL-1",
        _rows,
        _note,
        person=lambda match: match,
        related=("programme", "youth"),
        name=lambda match: match.youth.full_name,
        url=lambda match: reverse("staff:match_meetings", args=[match.pk]),
    ),
]
