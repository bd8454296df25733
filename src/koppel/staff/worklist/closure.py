"""Worklist sections about closure: closures to finish (CLS-1) and follow-ups due (OUT-2)."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.common.formatting import day
from koppel.matches.enums import MatchState, Party
from koppel.matches.models import ClosureConversation
from koppel.people.models import Guardianship
from koppel.policy import staff_matches
from koppel.staff.worklist.spec import Spec

# OUT-2: a follow-up shows this many days before it falls due (and stays while it is past).
FOLLOW_UP_NOTICE_DAYS = 30


def closures_to_finish(user):
    """Closing matches, annotated with the closure conversations required and held (CLS-1: each
    mentor, the youth, and one parent with parental authority when the youth has one)."""
    conversations = ClosureConversation.objects.filter(closure__match=OuterRef("pk"))
    return (
        staff_matches(user)
        .filter(state=MatchState.CLOSING)
        .annotate(
            n_mentors=Count("match_mentors", distinct=True),
            n_mentors_held=Count(
                "closure__conversations__mentor",
                filter=Q(closure__conversations__party=Party.MENTOR),
                distinct=True,
            ),
            youth_held=Exists(conversations.filter(party=Party.YOUTH)),
            guardian_needed=Exists(
                Guardianship.objects.filter(youth_id=OuterRef("youth_id"), has_parental_authority=True)
            ),
            guardian_held=Exists(
                conversations.filter(
                    party=Party.GUARDIAN,
                    guardian__guardianships__youth_id=OuterRef("youth_id"),
                    guardian__guardianships__has_parental_authority=True,
                )
            ),
        )
        .order_by("closure__ends_on", "id")
    )


def conversations_note(match) -> str:
    required = match.n_mentors + 1 + int(match.guardian_needed)
    held = match.n_mentors_held + int(match.youth_held) + int(match.guardian_needed and match.guardian_held)
    return _("%(held)s of %(required)s conversations held") % {"held": held, "required": required}


def follow_ups_due(user):
    """Closed matches whose OUT-2 follow-up falls due within FOLLOW_UP_NOTICE_DAYS or is past."""
    until = timezone.localdate() + timedelta(days=FOLLOW_UP_NOTICE_DAYS)
    return (
        staff_matches(user)
        .filter(state=MatchState.CLOSED, closure__follow_up_due__lte=until)
        # OUT-2: once the follow-up survey is submitted, the follow-up is done.
        .filter(closure__follow_up_done_on__isnull=True)
        .order_by("closure__follow_up_due", "id")
    )


def _closure_page(match) -> str:
    return reverse("staff:match_closure", args=[match.pk])


SECTIONS: list[Spec] = [
    Spec(
        "closures_to_finish",
        gettext_lazy("Closures to finish"),
        "CLS-1",
        closures_to_finish,
        conversations_note,
        person=lambda m: m,
        related=("programme", "youth"),
        name=lambda m: m.youth.full_name,
        url=_closure_page,
    ),
    Spec(
        "closure_follow_ups",
        gettext_lazy("Follow-ups due after closure"),
        "OUT-2",
        follow_ups_due,
        lambda m: _("follow-up due on %(day)s") % {"day": day(m.closure.follow_up_due)},
        person=lambda m: m,
        related=("programme", "youth", "closure"),
        name=lambda m: m.youth.full_name,
        url=_closure_page,
    ),
]
