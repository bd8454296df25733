"""A mentor's personal calendar feed (iCalendar).

The feed's URL holds a signed token of (mentor id, revocation counter). The counter is the number of
"calendar.feed.revoked" rows in the activity log for that mentor, so making a new URL (which logs one
more row) invalidates every older URL without a field to store a secret in.

What the feed holds comes from the apps that own it, each a `FeedSource` (a function of the mentor
that returns events): the training sessions the mentor registered for and the peer-supervision
sessions of their groups (koppel.training.domain.calendar), the meeting rhythm of each active match
as a recurring event (koppel.matches.domain.calendar, which lists the feed's sources). No youth's
last name and no notes: a calendar app may sync the feed anywhere.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from koppel.common.domain.audit import log_action
from koppel.common.models import ActivityLog
from koppel.people.domain.disqualification import disqualified_q
from koppel.people.enums import MentorStatus
from koppel.people.models import Mentor

SALT = "koppel.calendar-feed"
REVOKED = "calendar.feed.revoked"
# How far back the feed shows sessions (a phone calendar keeps its own copy of older ones).
PAST_DAYS = 90
# A mentor in one of these has stopped (or never started): their feed serves nothing.
STOPPED = (MentorStatus.WITHDRAWN, MentorStatus.REJECTED, MentorStatus.DISQUALIFIED)


def feed_serves_q() -> Q:
    """The one predicate of a mentor whose feed still serves, asked on every request: a login that
    is active (not deactivated by staff), a mentor who has not stopped (withdrawn, rejected) and no
    fact of a disqualification (SCR-3, `disqualified_q`, not the status alone)."""
    return Q(user__isnull=False, user__is_active=True) & ~Q(status__in=STOPPED) & ~disqualified_q()


def _revocations(mentor_id: int) -> int:
    return ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Mentor), object_id=mentor_id, action=REVOKED
    ).count()


def calendar_feed_token(mentor: Mentor) -> str:
    """The token of the mentor's current feed URL."""
    # A Signer, not signing.dumps: no timestamp, so the URL stays the same until it is revoked.
    return signing.Signer(salt=SALT).sign_object([mentor.pk, _revocations(mentor.pk)])


def mentor_of_feed_token(token: str) -> Mentor | None:
    """The mentor whose current feed URL holds `token`; None for a bad, altered or revoked token,
    and for a mentor whose feed no longer serves (`feed_serves_q`)."""
    try:
        mentor_id, counter = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(mentor_id, int) or counter != _revocations(mentor_id):
        return None
    # Checked on every request: a deactivated login, a mentor who stopped and a disqualified mentor
    # (SCR-3) get nothing more from the feed, at once.
    return Mentor.objects.select_related("programme__settings").filter(feed_serves_q(), pk=mentor_id).first()


@transaction.atomic
def revoke_calendar_feed(mentor: Mentor, *, by: Any) -> str:
    """Make a new feed URL for the mentor; the old one stops working at once.

    Side effects: audit "calendar.feed.revoked" (which is also the counter in the token).
    Returns the new token.
    """
    log_action(mentor, REVOKED, by=by)
    return calendar_feed_token(mentor)


class FeedSource(Protocol):
    """Events of one kind for the mentor's feed: those from `since` on, stamped `stamp`, their text in
    the active language."""

    def __call__(self, mentor: Mentor, *, since: datetime, stamp: datetime) -> Iterable[Event]: ...


def build_feed(mentor: Mentor, sources: Iterable[FeedSource], *, now: datetime | None = None) -> bytes:
    """The mentor's feed as iCalendar bytes, in the mentor's language: the events of each source."""
    now = now or timezone.now()
    since = now - timedelta(days=PAST_DAYS)
    stamp = now.replace(microsecond=0)
    with translation.override(mentor.preferred_language or None):
        cal = Calendar()
        cal.add("prodid", "-//Koppel//Calendar feed//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", _("Koppel: my mentoring"))
        for source in sources:
            for event in source(mentor, since=since, stamp=stamp):
                cal.add_component(event)
    return cal.to_ical()
