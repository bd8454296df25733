"""The matches app's events in a mentor's calendar feed, and the list of the feed's sources."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from icalendar import Event

from koppel.matches.enums import MatchState
from koppel.matches.models import Agreement, Match
from koppel.people.domain.calendar import FeedSource, build_feed
from koppel.people.models import Mentor
from koppel.training.domain.calendar import peer_session_events, training_session_events


def _weekly_rule(interval_days: int, until: date | None) -> dict[str, object]:
    rule: dict[str, object] = (
        {"freq": "weekly", "interval": interval_days // 7}
        if interval_days % 7 == 0
        else {"freq": "daily", "interval": interval_days}
    )
    if until is not None:
        rule["until"] = until
    return rule


def match_rhythm_events(mentor: Mentor, *, since: datetime, stamp: datetime) -> Iterable[Event]:
    """The meeting rhythm of each active match of the mentor, as a recurring event from the agreed
    start for the agreed months (the youth's first name only: no last name, no notes)."""
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
    for match in matches:
        start = match.agreed_start or match.started_on
        if start is None:  # an active match has started_on (a database constraint)
            continue
        interval = match.agreed_interval or match.programme.settings.meeting_interval_days
        months = match.agreed_months
        until = start + relativedelta(months=months) if months else None
        event = Event()
        event.add("uid", f"match-rhythm-{match.pk}@koppel")
        event.add("dtstamp", stamp)
        # The youth's first name only (no last name, no notes).
        event.add("summary", _("Meet %(name)s") % {"name": match.youth.first_name})
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(days=1))
        event.add("rrule", _weekly_rule(interval, until))
        event.add("transp", "TRANSPARENT")
        yield event


# What a mentor's feed holds, in this order.
FEED_SOURCES: tuple[FeedSource, ...] = (training_session_events, peer_session_events, match_rhythm_events)


def calendar_feed(mentor: Mentor, *, now: datetime | None = None) -> bytes:
    """The mentor's feed as iCalendar bytes, in the mentor's language (koppel.people.domain.calendar)."""
    return build_feed(mentor, FEED_SOURCES, now=now)
