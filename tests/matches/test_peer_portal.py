"""Peer supervision in the mentor's portal (SUP-4): their groups, planned and past sessions, and
whether they attended each past one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories.training import PeerGroupFactory, PeerSessionFactory

pytestmark = pytest.mark.django_db


def _session(group, days, topic, attendees=()):
    session = PeerSessionFactory(group=group, date=timezone.localdate() + timedelta(days=days), topic=topic)
    session.attendees.set(attendees)
    return session


def test_mentor_sees_their_groups_sessions_and_attendance__SUP_4(cast, client_for):
    group = PeerGroupFactory(programme=cast.programme, name="Intervisie Zuid")
    group.members.set([cast.mentor_row, cast.other_mentor_row])
    attended = _session(group, -30, "Grenzen", [cast.mentor_row])
    missed = _session(group, -10, "Afscheid", [cast.other_mentor_row])
    planned_late = _session(group, 20, "Activiteiten")
    planned_soon = _session(group, 5, "Ouders")
    other_group = PeerGroupFactory(programme=cast.programme, name="Andere groep")
    other_group.members.set([cast.other_mentor_row])
    _session(other_group, -3, "Niet van jou", [cast.other_mentor_row])

    response = client_for(cast.mentor).get(reverse("portal:peer_sessions"))
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row["group"] == group
    assert row["planned"] == [planned_soon, planned_late]
    assert row["past"] == [missed, attended]
    assert [s.attended for s in row["past"]] == [False, True]
    assert row["attended"] == 1
    assert "Niet van jou" not in response.text


def test_todays_session_is_planned_until_attendance_is_recorded(cast, client_for):
    group = PeerGroupFactory(programme=cast.programme)
    group.members.set([cast.mentor_row])
    today = _session(group, 0, "Vandaag")
    client = client_for(cast.mentor)
    [row] = client.get(reverse("portal:peer_sessions")).context["rows"]
    assert (row["planned"], row["past"]) == ([today], [])
    today.attendees.set([cast.mentor_row])
    [row] = client.get(reverse("portal:peer_sessions")).context["rows"]
    assert (row["planned"], row["past"]) == ([], [today])


def test_a_mentor_outside_any_group_sees_none(cast, client_for):
    group = PeerGroupFactory(programme=cast.programme)
    group.members.set([cast.mentor_row])
    response = client_for(cast.other_mentor).get(reverse("portal:peer_sessions"))
    assert response.context["rows"] == []


def test_youth_and_guardians_have_no_peer_supervision_page(cast, client_for):
    assert client_for(cast.youth).get(reverse("portal:peer_sessions")).status_code == 403
    assert client_for(cast.guardian).get(reverse("portal:peer_sessions")).status_code == 403


def test_peer_sessions_page_runs_a_constant_number_of_queries(cast, client_for):
    client = client_for(cast.mentor)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("portal:peer_sessions")).status_code == 200
        return len(ctx.captured_queries)

    group = PeerGroupFactory(programme=cast.programme)
    group.members.set([cast.mentor_row])
    _session(group, -7, "Een", [cast.mentor_row])
    one = count()
    for i in range(5):
        more = PeerGroupFactory(programme=cast.programme)
        more.members.set([cast.mentor_row])
        for days in (-14, -1, 3, 30):
            _session(more, days + i, "Meer", [cast.mentor_row] if days < 0 else [])
    assert count() == one
