from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.training.domain.ledger import pre_match_hours, pre_match_hours_missing
from koppel.training.domain.training import (
    create_peer_group,
    create_session,
    record_attendance,
    record_external_hours,
    record_peer_session_attendance,
    register_for_session,
)
from koppel.training.models import Module, Registration
from tests import factories as f
from tests.factories.training import PeerGroupFactory, SessionFactory

pytestmark = pytest.mark.django_db


def past_session(programme, **kwargs):
    return SessionFactory(programme=programme, starts_at=timezone.now() - timedelta(days=1), **kwargs)


def test_create_session_with_modules_is_audited(cast):
    modules = list(Module.objects.filter(rule="TRN-3")[:2])
    session = create_session(
        cast.programme,
        by=cast.coordinator,
        values={
            "title": "Basistraining",
            "audience": "mentor",
            "modules": modules,
            "starts_at": timezone.now() + timedelta(days=3),
            "duration_hours": Decimal("2"),
            "place": "Buurthuis",
        },
    )
    assert set(session.modules.all()) == set(modules)
    entry = ActivityLog.objects.get(action="training.session.created", object_id=session.pk)
    assert "modules" in entry.fields and entry.actor == cast.coordinator


def test_session_refuses_modules_of_another_audience__TRN_4(cast):
    youth_module = Module.objects.filter(rule="TRN-4").first()
    with pytest.raises(DomainError, match="TRN-4"):
        create_session(
            cast.programme,
            by=cast.coordinator,
            values={
                "title": "Basistraining",
                "audience": "mentor",
                "modules": [youth_module],
                "starts_at": timezone.now(),
                "duration_hours": Decimal("2"),
            },
        )


def test_registration_refused_when_the_session_is_full(cast):
    session = SessionFactory(programme=cast.programme, capacity=1)
    register_for_session(session, cast.mentor_row, by=cast.coordinator)
    with pytest.raises(DomainError, match="full"):
        register_for_session(session, cast.other_mentor_row, by=cast.coordinator)
    assert Registration.objects.filter(session=session).count() == 1


def test_registration_refused_for_another_audience_or_twice(cast):
    youth_session = SessionFactory(programme=cast.programme, audience="youth")
    with pytest.raises(DomainError, match="TRN-3"):
        register_for_session(youth_session, cast.mentor_row, by=cast.coordinator)
    register_for_session(youth_session, cast.youth_row, by=cast.coordinator)
    with pytest.raises(DomainError, match="already registered"):
        register_for_session(youth_session, cast.youth_row, by=cast.coordinator)


def test_guardian_information_session_registration__TRN_5(cast):
    session = SessionFactory(programme=cast.programme, audience="guardian")
    registration = register_for_session(session, cast.guardian_row, by=cast.coordinator)
    assert registration.guardian == cast.guardian_row
    other_programme_session = SessionFactory(programme=cast.other_programme, audience="guardian")
    with pytest.raises(DomainError, match="does not take part"):
        register_for_session(other_programme_session, cast.guardian_row, by=cast.coordinator)


def test_registration_refused_for_a_mentor_of_another_programme(cast):
    session = SessionFactory(programme=cast.other_programme)
    with pytest.raises(DomainError, match="does not take part"):
        register_for_session(session, cast.mentor_row, by=cast.coordinator)


def test_attendance_feeds_the_ledger__TRN_1(cast):
    mentor = f.MentorFactory(programme=cast.programme, status="approved")
    session = past_session(cast.programme, duration_hours=Decimal("2.5"))
    present = register_for_session(session, mentor, by=cast.coordinator)
    absent = register_for_session(session, cast.other_mentor_row, by=cast.coordinator)

    changed = record_attendance(session, by=cast.coordinator, attendance={present.pk: True, absent.pk: False})

    assert changed == 2
    assert pre_match_hours(mentor) == Decimal("2.5")
    assert pre_match_hours(cast.other_mentor_row) == Decimal("0")
    assert pre_match_hours_missing(mentor) == Decimal("0")
    # Correcting attendance takes the hours back off.
    record_attendance(session, by=cast.coordinator, attendance={present.pk: False})
    assert pre_match_hours(mentor) == Decimal("0")
    assert ActivityLog.objects.filter(action="training.session.attendance_recorded").count() == 2


def test_attendance_refused_before_the_session_starts(cast):
    session = SessionFactory(programme=cast.programme)
    registration = register_for_session(session, cast.mentor_row, by=cast.coordinator)
    with pytest.raises(DomainError, match="started"):
        record_attendance(session, by=cast.coordinator, attendance={registration.pk: True})


def test_external_hours_count_in_the_ledger__TRN_1(cast):
    mentor = f.MentorFactory(programme=cast.programme, status="approved")
    record_external_hours(
        mentor,
        by=cast.coordinator,
        values={
            "date": timezone.localdate(),
            "hours": Decimal("1.5"),
            "kind": "external",
            "description": "EHBO",
        },
    )
    assert pre_match_hours(mentor) == Decimal("1.5")
    entry = ActivityLog.objects.get(action="training.external_hours.recorded")
    assert entry.object_id == mentor.pk and "EHBO" not in str(entry.data)


def test_external_hours_refused_in_the_future(cast):
    with pytest.raises(DomainError):
        record_external_hours(
            cast.mentor_row,
            by=cast.coordinator,
            values={
                "date": timezone.localdate() + timedelta(days=1),
                "hours": Decimal("1"),
                "kind": "self_study",
                "description": "x",
            },
        )


def test_peer_group_members_come_from_the_programme__SUP_4(cast):
    stranger = f.MentorFactory(programme=cast.other_programme)
    with pytest.raises(DomainError, match="SUP-4"):
        create_peer_group(
            cast.programme, by=cast.coordinator, values={"name": "Groep A", "members": [stranger]}
        )
    group = create_peer_group(
        cast.programme,
        by=cast.coordinator,
        values={"name": "Groep A", "facilitator": cast.coordinator, "members": [cast.mentor_row]},
    )
    assert list(group.members.all()) == [cast.mentor_row]


def test_peer_session_attendance_only_for_members__SUP_4(cast):
    group = PeerGroupFactory(programme=cast.programme)
    group.members.set([cast.mentor_row])
    values = {"date": timezone.localdate(), "duration_hours": Decimal("1.5"), "topic": "Grenzen"}
    with pytest.raises(DomainError, match="SUP-4"):
        record_peer_session_attendance(
            group, by=cast.coordinator, values=values, attendees=[cast.other_mentor_row]
        )
    peer_session = record_peer_session_attendance(
        group, by=cast.coordinator, values=values, attendees=[cast.mentor_row]
    )
    assert list(peer_session.attendees.all()) == [cast.mentor_row]
    assert ActivityLog.objects.filter(action="training.peer_session.recorded", object_id=group.pk).exists()
