"""The training app's events in a mentor's calendar feed (koppel.people.domain.calendar)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from icalendar import Event

from koppel.people.models import Mentor
from koppel.training.models import PeerSession, Registration


def training_session_events(mentor: Mentor, *, since: datetime, stamp: datetime) -> Iterable[Event]:
    """The training sessions the mentor registered for."""
    registrations = Registration.objects.filter(mentor=mentor, session__starts_at__gte=since).select_related(
        "session"
    )
    for registration in registrations:
        session = registration.session
        event = Event()
        event.add("uid", f"training-session-{session.pk}@koppel")
        event.add("dtstamp", stamp)
        event.add("summary", _("Training: %(title)s") % {"title": session.title})
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.starts_at + timedelta(hours=float(session.duration_hours)))
        event.add("location", _("Online") if session.online else session.place)
        yield event


def peer_session_events(mentor: Mentor, *, since: datetime, stamp: datetime) -> Iterable[Event]:
    """The peer-supervision sessions of the mentor's groups (SUP-4), as all-day events."""
    peer_sessions = PeerSession.objects.filter(group__members=mentor, date__gte=since.date()).select_related(
        "group"
    )
    for peer in peer_sessions:
        event = Event()
        event.add("uid", f"peer-session-{peer.pk}@koppel")
        event.add("dtstamp", stamp)
        event.add("summary", _("Peer supervision: %(group)s") % {"group": peer.group.name})
        event.add("dtstart", peer.date)
        event.add("dtend", peer.date + timedelta(days=1))
        yield event
