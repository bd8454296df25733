"""Query counts of the training list pages: the same number of queries at 1 row and at 50."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.factories.training import (
    AttendedRegistrationFactory,
    ExternalHoursFactory,
    PeerGroupFactory,
    PeerSessionFactory,
    RegistrationFactory,
    SessionFactory,
)
from tests.staff.test_query_counts import MANY, assert_constant_queries, content


@pytest.fixture
def programme(db):
    return f.ProgrammeFactory(name="Maatjes Noord")


@pytest.fixture
def coordinator(programme):
    from tests.conftest import enrol_mfa

    user = f.CoordinatorFactory(programme=programme).user
    enrol_mfa(user)
    return user


def test_session_list_query_count(programme, coordinator, client_for):
    now = timezone.now()

    def add(i):
        # Half upcoming, half past, each with a registration, some with a named trainer.
        starts = now + timedelta(days=i + 1) if i % 2 else now - timedelta(days=i + 1)
        session = SessionFactory(
            programme=programme, title=f"Sessie{i:02d}", starts_at=starts, trainer=coordinator
        )
        AttendedRegistrationFactory(session=session)

    add(0)

    def shows_rows(response, n):
        shown = len(response.context["upcoming"]) + response.context["page"].paginator.count
        assert shown == n
        assert "Sessie00" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:training_sessions"),
        lambda: [add(i) for i in range(1, MANY)],
        shows_rows,
    )


def test_session_detail_query_count(programme, coordinator, client_for):
    session = SessionFactory(programme=programme, starts_at=timezone.now() - timedelta(hours=2))
    RegistrationFactory(session=session, mentor__first_name="Mentor00")

    def shows_rows(response, n):
        assert len(response.context["registrations"]) == n
        assert "Mentor00" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:training_session_detail", args=[session.pk]),
        lambda: RegistrationFactory.create_batch(MANY - 1, session=session),
        shows_rows,
    )


def test_peer_group_list_query_count(programme, coordinator, client_for):
    def add(i):
        group = PeerGroupFactory(programme=programme, name=f"Groep{i:02d}", facilitator=coordinator)
        group.members.set([f.MentorFactory(programme=programme)])
        PeerSessionFactory(group=group)

    add(0)

    def shows_rows(response, n):
        assert response.context["page"].paginator.count == n
        assert "Groep00" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:peer_groups"),
        lambda: [add(i) for i in range(1, MANY)],
        shows_rows,
    )


def test_peer_group_detail_query_count(programme, coordinator, client_for):
    group = PeerGroupFactory(programme=programme)

    def add(i):
        mentor = f.MentorFactory(programme=programme, first_name=f"Lid{i:02d}")
        group.members.add(mentor)
        PeerSessionFactory(group=group).attendees.set([mentor])

    add(0)

    def shows_rows(response, n):
        assert response.context["group"].sessions.count() == n
        assert "Lid00" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:peer_group_detail", args=[group.pk]),
        lambda: [add(i) for i in range(1, MANY)],
        shows_rows,
    )


def test_training_alerts_query_count__TRN_2(programme, coordinator, client_for):
    def add(i):
        mentor = f.MentorFactory(programme=programme, first_name=f"Mentor{i:02d}")
        f.MatchFactory(youth=f.YouthFactory(programme=programme), mentors=[mentor])
        ExternalHoursFactory(mentor=mentor, date=timezone.localdate(), hours=Decimal("0.5"))

    add(0)

    def shows_rows(response, n):
        assert len(response.context["rows"]) == n
        assert "Mentor00" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:training_alerts"),
        lambda: [add(i) for i in range(1, MANY)],
        shows_rows,
    )


def test_mentor_training_query_count(programme, coordinator, client_for):
    mentor = f.MentorFactory(programme=programme)

    def add(i):
        session = SessionFactory(
            programme=programme, title=f"Sessie{i:02d}", starts_at=timezone.now() - timedelta(days=i + 1)
        )
        AttendedRegistrationFactory(session=session, mentor=mentor)
        ExternalHoursFactory(mentor=mentor, description=f"Boek{i:02d}")

    add(0)

    def shows_rows(response, n):
        assert len(response.context["entries"]) == 2 * n
        assert "Sessie00" in content(response) and "Boek00" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:mentor_training", args=[mentor.pk]),
        lambda: [add(i) for i in range(1, MANY)],
        shows_rows,
    )
