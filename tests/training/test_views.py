from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from koppel.training.models import ExternalHours, PeerGroup, Registration, Session
from tests import factories as f
from tests.factories.training import (
    AttendedRegistrationFactory,
    ExternalHoursFactory,
    PeerGroupFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(cast):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    return cast.coordinator


@pytest.fixture
def staff(cast, coordinator, client_for):
    return client_for(coordinator)


def test_ledger_page_says_how_many_hours_are_missing__TRN_1(cast, staff):
    settings = cast.programme.settings
    settings.pre_match_training_hours = Decimal("6")
    settings.save()
    mentor = f.MentorFactory(programme=cast.programme, status="approved")
    ExternalHoursFactory(mentor=mentor, hours=Decimal("2.5"), description="Online cursus")

    response = staff.get(reverse("staff:mentor_training", args=[mentor.pk]))

    assert "3.5 hours missing before matching (TRN-1)" in response.text
    assert "Online cursus" in response.text


def test_ledger_page_of_a_matched_mentor_shows_the_month(cast, staff):
    AttendedRegistrationFactory(
        session=SessionFactory(programme=cast.programme, starts_at=timezone.now() - timedelta(hours=1)),
        mentor=cast.mentor_row,
    )
    response = staff.get(reverse("staff:mentor_training", args=[cast.mentor_row.pk]))
    assert "missing before matching" not in response.text
    assert "This month" in response.text


def test_create_session(cast, staff):
    response = staff.post(
        reverse("staff:training_session_create"),
        {
            "programme": cast.programme.pk,
            "title": "Veiligheid en grenzen",
            "audience": "mentor",
            "starts_at": "2030-05-01T19:00",
            "duration_hours": "2",
            "place": "Buurthuis De Kolk",
            "capacity": "12",
        },
    )
    session = Session.objects.get(title="Veiligheid en grenzen")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:training_session_detail", args=[session.pk])
    assert session.programme == cast.programme and session.capacity == 12


def test_create_session_bad_input_rerenders_with_what_was_typed(cast, staff):
    response = staff.post(
        reverse("staff:training_session_create"),
        {
            "programme": cast.programme.pk,
            "title": "Online kennismaking",
            "audience": "youth",
            "starts_at": "2030-05-01T19:00",
            "duration_hours": "1",
            "online": "on",
        },
    )
    assert response.status_code == 200
    assert "An online session needs a link." in response.text
    assert 'value="Online kennismaking"' in response.text
    assert not Session.objects.exists()


def test_session_create_cannot_use_another_programme(cast, staff):
    response = staff.post(
        reverse("staff:training_session_create"),
        {
            "programme": cast.other_programme.pk,
            "title": "X",
            "audience": "mentor",
            "starts_at": "2030-05-01T19:00",
            "duration_hours": "1",
            "place": "Hier",
        },
    )
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_register_and_capacity_gate_message(cast, staff):
    session = SessionFactory(programme=cast.programme, capacity=1)
    url = reverse("staff:training_session_register", args=[session.pk])
    assert staff.post(url, {"person": cast.mentor_row.pk}).status_code == 302
    detail = staff.get(reverse("staff:training_session_detail", args=[session.pk]))
    assert "This session is full." in detail.text
    session.capacity = 2
    session.save()
    other = f.MentorFactory(programme=cast.programme)
    AttendedRegistrationFactory(session=session, mentor=other)
    response = staff.post(url, {"person": cast.other_mentor_row.pk})
    assert response.status_code == 200
    assert "This session is full: all 2 places are taken." in response.text
    assert Registration.objects.filter(session=session).count() == 2


def test_register_refuses_a_person_of_another_programme(cast, staff):
    session = SessionFactory(programme=cast.programme)
    stranger = f.MentorFactory(programme=cast.other_programme)
    response = staff.post(
        reverse("staff:training_session_register", args=[session.pk]), {"person": stranger.pk}
    )
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_attendance_form_records_many_at_once(cast, staff):
    session = SessionFactory(
        programme=cast.programme, starts_at=timezone.now() - timedelta(hours=3), duration_hours=Decimal("2")
    )
    one = Registration.objects.create(session=session, mentor=cast.mentor_row)
    two = Registration.objects.create(session=session, mentor=cast.other_mentor_row)
    response = staff.post(
        reverse("staff:training_session_detail", args=[session.pk]),
        {f"registration_{one.pk}": "yes", f"registration_{two.pk}": "no"},
    )
    assert response.status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.attended, one.hours_credited) == (True, Decimal("2"))
    assert (two.attended, two.hours_credited) == (False, Decimal("0"))


def test_attendance_form_bad_input_rerenders(cast, staff):
    session = SessionFactory(programme=cast.programme, starts_at=timezone.now() - timedelta(hours=3))
    one = Registration.objects.create(session=session, mentor=cast.mentor_row)
    response = staff.post(
        reverse("staff:training_session_detail", args=[session.pk]), {f"registration_{one.pk}": "maybe"}
    )
    assert response.status_code == 200
    one.refresh_from_db()
    assert one.attended is None


def test_add_external_hours(cast, staff):
    url = reverse("staff:mentor_training_hours_add", args=[cast.mentor_row.pk])
    response = staff.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "hours": "1.5",
            "kind": "self_study",
            "description": "Boek",
        },
    )
    assert response.status_code == 302
    entry = ExternalHours.objects.get()
    assert (entry.mentor, entry.hours, entry.recorded_by) == (
        cast.mentor_row,
        Decimal("1.5"),
        cast.coordinator,
    )


def test_add_external_hours_bad_input_rerenders(cast, staff):
    url = reverse("staff:mentor_training_hours_add", args=[cast.mentor_row.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = staff.post(
        url, {"date": tomorrow, "hours": "1", "kind": "external", "description": "Cursus X"}
    )
    assert response.status_code == 200
    assert "only be recorded for a day that has passed" in response.text
    assert 'value="Cursus X"' in response.text
    response = staff.post(url, {"date": "", "hours": "0", "kind": "external", "description": ""})
    assert response.status_code == 200
    assert not ExternalHours.objects.exists()


def test_alert_page_lists_matched_mentors_short_of_hours__TRN_2(cast, staff, client_for):
    response = staff.get(reverse("staff:training_alerts"))
    assert cast.mentor_row.full_name in response.text
    other = client_for(cast.other_coordinator).get(reverse("staff:training_alerts"))
    assert cast.mentor_row.full_name not in other.text
    ExternalHoursFactory(mentor=cast.mentor_row, date=timezone.localdate(), hours=Decimal("2"))
    assert cast.mentor_row.full_name not in staff.get(reverse("staff:training_alerts")).text


def test_peer_group_create_and_record_session__SUP_4(cast, staff):
    response = staff.post(
        reverse("staff:peer_group_create"),
        {
            "programme": cast.programme.pk,
            "name": "Intervisie Zuid",
            "facilitator": cast.coordinator.pk,
            "members": [cast.mentor_row.pk, cast.other_mentor_row.pk],
        },
    )
    group = PeerGroup.objects.get(name="Intervisie Zuid")
    assert response.status_code == 302
    url = reverse("staff:peer_group_detail", args=[group.pk])
    response = staff.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "duration_hours": "1.5",
            "topic": "Grenzen",
            "attendees": [cast.mentor_row.pk],
        },
    )
    assert response.status_code == 302
    peer_session = group.sessions.get()
    assert list(peer_session.attendees.all()) == [cast.mentor_row]
    page = staff.get(url)
    assert "Grenzen" in page.text


def test_peer_group_create_bad_input_rerenders(cast, staff):
    stranger = f.MentorFactory(programme=cast.other_programme)
    response = staff.post(
        reverse("staff:peer_group_create"),
        {"programme": cast.programme.pk, "name": "Groep B", "members": [stranger.pk]},
    )
    assert response.status_code == 200
    assert 'value="Groep B"' in response.text
    assert not PeerGroup.objects.exists()


def test_peer_session_bad_input_rerenders(cast, staff):
    group = PeerGroupFactory(programme=cast.programme)
    group.members.set([cast.mentor_row])
    response = staff.post(
        reverse("staff:peer_group_detail", args=[group.pk]),
        {"date": "", "duration_hours": "1.5", "topic": "Grenzen"},
    )
    assert response.status_code == 200
    assert 'value="Grenzen"' in response.text
    assert not group.sessions.exists()


def test_another_programmes_coordinator_cannot_post(cast, client_for):
    session = SessionFactory(programme=cast.programme)
    other = client_for(cast.other_coordinator)
    url = reverse("staff:training_session_register", args=[session.pk])
    assert other.post(url, {"person": cast.mentor_row.pk}).status_code == 404
    assert not Registration.objects.exists()
