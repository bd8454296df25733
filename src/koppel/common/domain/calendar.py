"""A mentor's personal calendar feed (iCalendar).

The feed's URL holds a signed token of (mentor id, revocation counter). The counter is the number of
"calendar.feed.revoked" rows in the activity log for that mentor, so making a new URL (which logs one
more row) invalidates every older URL without a field to store a secret in.

The feed holds the training sessions the mentor registered for, the peer-supervision sessions of
their groups, and the meeting rhythm of each active match as a recurring event. No youth's last name
and no notes: a calendar app may sync the feed anywhere.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from koppel.common.domain.audit import log_action
from koppel.common.models import ActivityLog
from koppel.people.domain.disqualification import disqualified_q
from koppel.people.enums import MentorStatus
from koppel.people.models import Mentor

if TYPE_CHECKING:
    from koppel.accounts.models import User

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
def revoke_calendar_feed(mentor: Mentor, *, by: User) -> str:
    """Make a new feed URL for the mentor; the old one stops working at once.

    Side effects: audit "calendar.feed.revoked" (which is also the counter in the token).
    Returns the new token.
    """
    log_action(mentor, REVOKED, by=by)
    return calendar_feed_token(mentor)


def _weekly_rule(interval_days: int, until: date | None) -> dict:
    rule: dict = (
        {"freq": "weekly", "interval": interval_days // 7}
        if interval_days % 7 == 0
        else {"freq": "daily", "interval": interval_days}
    )
    if until is not None:
        rule["until"] = until
    return rule


def calendar_feed(mentor: Mentor, *, now: datetime | None = None) -> bytes:
    """The mentor's feed as iCalendar bytes, in the mentor's language."""
    from koppel.matches.enums import MatchState
    from koppel.matches.models import Agreement, Match
    from koppel.training.models import PeerSession, Registration

    now = now or timezone.now()
    since = now - timedelta(days=PAST_DAYS)
    registrations = Registration.objects.filter(mentor=mentor, session__starts_at__gte=since).select_related(
        "session"
    )
    peer_sessions = PeerSession.objects.filter(group__members=mentor, date__gte=since.date()).select_related(
        "group"
    )
    latest = Agreement.objects.filter(match_id=OuterRef("pk")).order_by("-number")
    matches = (
        Match.objects.filter(match_mentors__mentor=mentor, state=MatchState.ACTIVE, paused_since__isnull=True)
        .annotate(
            agreed_interval=Subquery(latest.values("meeting_interval_days")[:1]),
            agreed_start=Subquery(latest.values("start_date")[:1]),
            agreed_months=Subquery(latest.values("duration_months")[:1]),
        )
        .select_related("youth", "programme__settings")
    )
    stamp = now.replace(microsecond=0)
    with translation.override(mentor.preferred_language or None):
        cal = Calendar()
        cal.add("prodid", "-//Koppel//Calendar feed//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", _("Koppel: my mentoring"))
        for registration in registrations:
            session = registration.session
            event = Event()
            event.add("uid", f"training-session-{session.pk}@koppel")
            event.add("dtstamp", stamp)
            event.add("summary", _("Training: %(title)s") % {"title": session.title})
            event.add("dtstart", session.starts_at)
            event.add("dtend", session.starts_at + timedelta(hours=float(session.duration_hours)))
            event.add("location", _("Online") if session.online else session.place)
            cal.add_component(event)
        for peer in peer_sessions:
            event = Event()
            event.add("uid", f"peer-session-{peer.pk}@koppel")
            event.add("dtstamp", stamp)
            event.add("summary", _("Peer supervision: %(group)s") % {"group": peer.group.name})
            event.add("dtstart", peer.date)
            event.add("dtend", peer.date + timedelta(days=1))
            cal.add_component(event)
        for match in matches:
            start = match.agreed_start or match.started_on
            if start is None:  # an active match has started_on (a database constraint)
                continue
            interval = match.agreed_interval or match.programme.settings.meeting_interval_days
            until = start + relativedelta(months=match.agreed_months) if match.agreed_months else None
            event = Event()
            event.add("uid", f"match-rhythm-{match.pk}@koppel")
            event.add("dtstamp", stamp)
            # The youth's first name only (no last name, no notes).
            event.add("summary", _("Meet %(name)s") % {"name": match.youth.first_name})
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(days=1))
            event.add("rrule", _weekly_rule(interval, until))
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cal.to_ical()
