"""The mentor's calendar feed: valid iCalendar, only the mentor's own sessions and
matches, no last names or notes, and a new URL revokes the old one."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from koppel.common.models import ActivityLog
from koppel.matches.models import Agreement
from koppel.people.domain.calendar import calendar_feed_token
from koppel.people.models import Mentor
from tests.factories.training import PeerGroupFactory, RegistrationFactory, SessionFactory


def feed_of(client, mentor_row, token=None):
    response = client.get(reverse("feeds:calendar", args=[token or calendar_feed_token(mentor_row)]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal):
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def agreement_of(match, *, interval, start, months=12):
    return Agreement.objects.create(
        match=match,
        number=1,
        start_date=start,
        duration_months=months,
        meeting_interval_days=interval,
        place="free",
        approach="developmental",
        contact_after="none",
    )


def test_feed_holds_registered_sessions_peer_sessions_and_the_meeting_rhythm(cast, client):
    starts = timezone.now().replace(microsecond=0) + timedelta(days=3)
    mine = SessionFactory(programme=cast.programme, title="Grenzen stellen", starts_at=starts, notes="geheim")
    RegistrationFactory(session=mine, mentor=cast.mentor_row)
    SessionFactory(programme=cast.programme, title="Niet ingeschreven")
    group = PeerGroupFactory(programme=cast.programme, name="Intervisie Zuid")
    group.members.add(cast.mentor_row)
    peer = group.sessions.create(date=timezone.localdate() + timedelta(days=5), topic="Afscheid")
    other_group = PeerGroupFactory(programme=cast.programme, name="Andere groep")
    other_group.sessions.create(date=timezone.localdate() + timedelta(days=5))
    start = date(2026, 1, 5)
    agreement_of(cast.match, interval=14, start=start)

    found = events(feed_of(client, cast.mentor_row))

    assert set(found) == {
        f"training-session-{mine.pk}@koppel",
        f"peer-session-{peer.pk}@koppel",
        f"match-rhythm-{cast.match.pk}@koppel",
    }
    session = found[f"training-session-{mine.pk}@koppel"]
    assert "Grenzen stellen" in str(session["summary"])
    assert session.decoded("dtstart") == starts
    assert session.decoded("dtend") == starts + timedelta(hours=2)
    assert found[f"peer-session-{peer.pk}@koppel"].decoded("dtstart") == peer.date
    rhythm = found[f"match-rhythm-{cast.match.pk}@koppel"]
    assert rhythm.decoded("dtstart") == start
    rule = rhythm["rrule"]
    assert (rule["FREQ"], rule["INTERVAL"], rule["UNTIL"]) == (["WEEKLY"], [2], [date(2027, 1, 5)])
    assert cast.youth_row.first_name in str(rhythm["summary"])


def test_feed_has_no_youth_last_name_and_no_notes(cast, client):
    session = SessionFactory(programme=cast.programme, notes="Vertrouwelijke notitie")
    RegistrationFactory(session=session, mentor=cast.mentor_row)
    response = client.get(reverse("feeds:calendar", args=[calendar_feed_token(cast.mentor_row)]))
    assert cast.youth_row.first_name in response.text
    assert cast.youth_row.last_name not in response.text
    assert "Vertrouwelijke notitie" not in response.text


@pytest.mark.parametrize(("interval", "freq", "every"), [(7, "WEEKLY", 1), (10, "DAILY", 10)])
def test_rhythm_follows_the_agreed_interval(cast, client, interval, freq, every):
    agreement_of(cast.match, interval=interval, start=cast.match.started_on)
    rhythm = events(feed_of(client, cast.mentor_row))[f"match-rhythm-{cast.match.pk}@koppel"]
    assert (rhythm["rrule"]["FREQ"], rhythm["rrule"]["INTERVAL"]) == ([freq], [every])


def test_rhythm_without_agreement_uses_the_programme_interval_from_the_start(cast, client):
    rhythm = events(feed_of(client, cast.mentor_row))[f"match-rhythm-{cast.match.pk}@koppel"]
    assert rhythm.decoded("dtstart") == cast.match.started_on
    assert rhythm["rrule"]["FREQ"] == ["WEEKLY"]  # the programme's default: every 7 days
    assert "UNTIL" not in rhythm["rrule"]


def test_a_paused_match_and_another_mentors_match_are_not_in_the_feed(cast, client):
    cast.match.paused_since = timezone.localdate()
    cast.match.save()
    assert events(feed_of(client, cast.mentor_row)) == {}
    assert events(feed_of(client, cast.other_mentor_row)) == {}


def test_a_new_url_revokes_the_old_one(cast, client_for, client):
    old = calendar_feed_token(cast.mentor_row)
    mentor = client_for(cast.mentor)
    page = mentor.get(reverse("portal:calendar"))
    assert old in page.text
    assert mentor.post(reverse("portal:calendar")).status_code == 302
    assert (
        ActivityLog.objects.filter(action="calendar.feed.revoked", object_id=cast.mentor_row.pk).count() == 1
    )
    new = calendar_feed_token(cast.mentor_row)
    assert new != old
    assert client.get(reverse("feeds:calendar", args=[old])).status_code == 404
    assert client.get(reverse("feeds:calendar", args=[new])).status_code == 200
    assert new in mentor.get(reverse("portal:calendar")).text


def test_an_altered_token_is_404(cast, client):
    token = calendar_feed_token(cast.mentor_row)
    assert client.get(reverse("feeds:calendar", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("feeds:calendar", args=["nonsense"])).status_code == 404


def test_only_mentors_have_a_calendar_page(cast, client_for):
    assert client_for(cast.youth).get(reverse("portal:calendar")).status_code == 403
    assert client_for(cast.guardian).get(reverse("portal:calendar")).status_code == 403


def _feed_status(client, mentor_row, token) -> int:
    return client.get(reverse("feeds:calendar", args=[token])).status_code


def test_a_deactivated_login_stops_the_feed_at_once(cast, client):
    token = calendar_feed_token(cast.mentor_row)
    assert _feed_status(client, cast.mentor_row, token) == 200
    cast.mentor.is_active = False
    cast.mentor.save()
    response = client.get(reverse("feeds:calendar", args=[token]))
    assert response.status_code == 404
    assert b"VEVENT" not in response.content
    cast.mentor.is_active = True
    cast.mentor.save()
    assert _feed_status(client, cast.mentor_row, token) == 200


def test_a_mentor_without_a_login_any_more_has_no_feed(cast, client):
    token = calendar_feed_token(cast.mentor_row)
    Mentor.objects.filter(pk=cast.mentor_row.pk).update(user=None)
    assert _feed_status(client, cast.mentor_row, token) == 404


@pytest.mark.parametrize("status", ["withdrawn", "rejected"])
def test_a_mentor_who_stopped_has_no_feed(cast, client, status):
    """(A disqualified mentor: tests/people/test_disqualification_every_path.py.)"""
    token = calendar_feed_token(cast.mentor_row)
    # As a status change by any path would leave it (the feed asks the row, not the pipeline).
    Mentor.objects.filter(pk=cast.mentor_row.pk).update(status=status)
    assert _feed_status(client, cast.mentor_row, token) == 404


@pytest.mark.parametrize("status", ["paused", "ready", "matched"])
def test_a_mentor_who_mentors_or_pauses_keeps_the_feed(cast, client, status):
    token = calendar_feed_token(cast.mentor_row)
    Mentor.objects.filter(pk=cast.mentor_row.pk).update(status=status)
    assert _feed_status(client, cast.mentor_row, token) == 200


def test_a_refused_vog_stops_the_feed_whatever_the_status_says__SCR_3(cast, client):
    from tests.factories.screening import ConductCertificateFactory

    token = calendar_feed_token(cast.mentor_row)
    ConductCertificateFactory(mentor=cast.mentor_row, outcome="refused")
    assert _feed_status(client, cast.mentor_row, token) == 404
