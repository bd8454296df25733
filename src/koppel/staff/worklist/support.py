"""Worklist sections about support (SUP-1): matches whose support contact is overdue, and follow-ups
that have come due. A constant number of queries per section whatever its length."""

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.common.formatting import day, day_and_ago
from koppel.matches.domain.support import (
    follow_ups_due,
    overdue_contacts,
    schedule_status,
    with_schedule_data,
)
from koppel.matches.enums import ContactWith
from koppel.matches.models import Match
from koppel.policy import roles_of
from koppel.staff.worklist.spec import Spec


def _overdue_matches(user):
    """The overdue matches, longest overdue first (the schedule is worked out in Python)."""
    overdue = overdue_contacts(roles_of(user).staff_programme_ids, timezone.localdate())
    order = Case(
        *[When(pk=o.match.pk, then=Value(i)) for i, o in enumerate(overdue)],
        output_field=IntegerField(),
    )
    return with_schedule_data(Match.objects.filter(pk__in=[o.match.pk for o in overdue])).order_by(
        order, "pk"
    )


def _overdue_note(match) -> str:
    today = timezone.localdate()
    notes = []
    for party, text in (
        (ContactWith.MENTOR, _("mentor contact due since %(day)s")),
        (ContactWith.GUARDIAN, _("guardian contact due since %(day)s")),
    ):
        since = schedule_status(match, with_whom=party, today=today).overdue_since
        if since is not None:
            # "due since 18 December 2025 (51 weeks ago)": the year when it is not this year.
            notes.append(text % {"day": day_and_ago(since, today=today)})
    return "; ".join(notes)


def _match_name(match) -> str:
    return match.youth.full_name


SECTIONS: list[Spec] = [
    Spec(
        "support_due",
        gettext_lazy("Support contacts due"),
        "SUP-1",
        _overdue_matches,
        _overdue_note,
        person=lambda m: m,
        related=("programme__settings", "youth"),
        name=_match_name,
        url=lambda m: reverse("staff:match_support", args=[m.pk]),
    ),
    Spec(
        "support_follow_ups",
        gettext_lazy("Follow-ups due"),
        "SUP-1",
        lambda user: follow_ups_due(roles_of(user).staff_programme_ids, timezone.localdate()),
        lambda c: _("%(what)s, due on %(day)s") % {"what": c.follow_up, "day": day(c.follow_up_on)},
        person=lambda c: c.match,
        related=("match__programme", "match__youth"),
        name=lambda c: c.match.youth.full_name,
        url=lambda c: reverse("staff:match_support", args=[c.match_id]),
    ),
]
