"""Worklist section for concerns: first on the worklist, open and being handled ones, oldest first."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from koppel.matches.domain.concerns import STATUS_ORDER
from koppel.matches.enums import ConcernStatus
from koppel.policy import concerns_visible_to
from koppel.staff.worklist.spec import Spec

BY_WHOM = {
    "mentor": gettext_lazy("a mentor"),
    "youth": gettext_lazy("a youth"),
    "guardian": gettext_lazy("a parent"),
    "staff": gettext_lazy("staff"),
}


def open_concerns(user):
    """Open and handled concerns of the user's programmes: open ones first, then oldest first."""
    return (
        concerns_visible_to(user)
        .exclude(status=ConcernStatus.CLOSED)
        .annotate(status_order=STATUS_ORDER)
        .order_by("status_order", "created_at", "id")
    )


def concern_note(concern) -> str:
    """A note like "raised 2 days ago by a parent" (and "being handled" once someone took it up)."""
    days = (timezone.localdate() - timezone.localtime(concern.created_at).date()).days
    who = str(BY_WHOM.get(concern.raised_as, concern.raised_as))
    if days == 0:
        note = _("raised today by %(who)s") % {"who": who}
    else:
        note = ngettext("raised %(days)s day ago by %(who)s", "raised %(days)s days ago by %(who)s", days) % {
            "days": days,
            "who": who,
        }
    if concern.status == ConcernStatus.HANDLING:
        note = _("%(note)s; being handled") % {"note": note}
    return note


def concern_name(concern) -> str:
    if concern.match_id is not None:
        return _("Concern about the match of %(name)s") % {"name": concern.match.youth.full_name}
    return _("Concern about the programme")


SECTIONS: list[Spec] = [
    Spec(
        "concerns",
        gettext_lazy("Concerns"),
        "",
        open_concerns,
        concern_note,
        person=lambda concern: concern,
        related=("programme", "match__youth"),
        name=concern_name,
        url=lambda concern: reverse("staff:concern_detail", args=[concern.pk]),
    ),
]
