"""Who looked at my file, in the portal: a mentor's own file, a youth of 16 or older, a guardian for
themself and for a child under 16. Staff by role and name; no reason, no own views, nobody else's
file; a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koppel.accounts.models import User
from koppel.common.domain.audit import log_access, log_action
from koppel.people.domain.people import update_person
from koppel.privacy.domain.coming_of_age import latest_birth_date
from tests import factories as f

pytestmark = pytest.mark.django_db


def _english(*users) -> None:
    User.objects.filter(pk__in=[u.pk for u in users]).update(language="en")


def _file(client, kind, pk):
    return client.get(reverse("portal:who_looked_file", args=[kind, pk]))


@pytest.fixture
def staff(cast):
    """The cast's coordinator and administrator, with names the page can show."""
    User.objects.filter(pk=cast.coordinator.pk).update(name="Carla Coördinator")
    User.objects.filter(pk=cast.admin.pk).update(name="Anton Beheerder")
    _english(cast.mentor, cast.youth, cast.guardian)
    return cast


def test_a_mentor_sees_staff_views_and_changes_of_their_file(staff, client_for):
    cast = staff
    mentor = cast.mentor_row
    # A coordinator opens the mentor's profile (the staff page logs it) and changes the phone number.
    assert (
        client_for(cast.coordinator).get(reverse("staff:mentor_detail", args=[mentor.pk])).status_code == 200
    )
    update_person(
        mentor, by=cast.coordinator, values={"phone": "0612345678"}, expected_version=mentor.version
    )
    # The administrator changes the status, with a reason in the log's details.
    log_action(
        mentor, "people.mentor.status_changed", by=cast.admin, fields=["status"], data={"reason": "GEHEIM"}
    )
    # The mentor's own view, and a view of another mentor's file.
    log_access(mentor, by=cast.mentor, page="portal:agreement")
    log_access(cast.other_mentor_row, by=cast.admin, page="staff:mentor_screening")

    response = _file(client_for(cast.mentor), "mentor", mentor.pk)
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [(e.role, e.name, e.what) for e in entries] == [
        ("administrator", "Anton Beheerder", "changed your status"),
        ("coordinator", "Carla Coördinator", "changed your phone number"),
        ("coordinator", "Carla Coördinator", "viewed your profile"),
    ]
    page = response.text
    assert "Carla Coördinator, coordinator" in page
    assert "Anton Beheerder, administrator" in page
    assert "Changed your phone number" in page
    assert "GEHEIM" not in page  # never the reason
    assert "viewed your screening" not in page.lower()  # the other mentor's file
    assert "agreement of your match" not in page  # the mentor's own view
    # The page itself is in the access log (of the mentor's own file, by the mentor).
    assert response.wsgi_request.user == cast.mentor


def test_field_names_are_their_verbose_names_in_the_readers_language(staff, client_for):
    cast = staff
    youth = cast.youth_row
    log_action(youth, "people.youth.changed", by=cast.coordinator, fields=["postcode", "phone"])
    _english(cast.guardian)
    entries = _file(client_for(cast.guardian), "youth", youth.pk).context["entries"]
    assert entries[0].what == "changed your phone number and postcode"
    User.objects.filter(pk=cast.guardian.pk).update(language="nl")
    page = _file(client_for(cast.guardian), "youth", youth.pk).text
    assert "telefoonnummer" in page and "postcode" in page


def test_a_youth_of_16_sees_their_file_and_others_by_role_only(staff, client_for):
    cast = staff
    youth = cast.youth_row
    youth.date_of_birth = latest_birth_date(timezone.localdate())
    youth.save(update_fields=["date_of_birth"])
    User.objects.filter(pk__in=[cast.mentor.pk, cast.guardian.pk]).update(name="Naam Die Niet Mag")
    log_access(youth, by=cast.coordinator, page="staff:youth_detail")
    log_access(youth, by=cast.mentor, page="portal:youth_detail")
    log_access(youth, by=cast.guardian, page="portal:youth_detail")
    log_access(youth, by=cast.youth, page="portal:youth_detail")  # their own view: left out
    log_access(cast.other_youth_row, by=cast.coordinator, page="staff:youth_intake")  # another youth

    client = client_for(cast.youth)
    index = client.get(reverse("portal:who_looked")).text
    assert reverse("portal:who_looked_file", args=["youth", youth.pk]) in index
    response = _file(client, "youth", youth.pk)
    roles = [(e.role, e.name) for e in response.context["entries"]]
    assert roles == [("guardian", ""), ("mentor", ""), ("coordinator", "Carla Coördinator")]
    page = response.text
    assert "Naam Die Niet Mag" not in page  # a mentor's or parent's name: never
    assert cast.mentor_row.full_name not in page and cast.guardian_row.full_name not in page
    assert "A parent or guardian" in page and "A mentor" in page
    assert "intake" not in page  # the other youth's file


def test_a_youth_under_16_reads_that_their_parent_sees_it(staff, client_for):
    cast = staff
    log_access(cast.youth_row, by=cast.coordinator, page="staff:youth_detail")
    client = client_for(cast.youth)
    response = _file(client, "youth", cast.youth_row.pk)
    assert response.status_code == 200
    assert "your parent or guardian can see who looked at your file" in response.text
    assert "Carla" not in response.text
    assert "your parent or guardian can see" in client.get(reverse("portal:who_looked")).text


def test_a_guardian_sees_their_own_file_and_their_young_childs(staff, client_for):
    cast = staff
    log_access(cast.guardian_row, by=cast.admin, page="staff:guardian_detail")
    log_access(cast.youth_row, by=cast.coordinator, page="staff:youth_edit")
    log_access(cast.youth_row, by=cast.guardian, page="portal:youth_detail")  # the guardian's own view
    client = client_for(cast.guardian)
    index = client.get(reverse("portal:who_looked")).text
    own_url = reverse("portal:who_looked_file", args=["guardian", cast.guardian_row.pk])
    child_url = reverse("portal:who_looked_file", args=["youth", cast.youth_row.pk])
    assert own_url in index and child_url in index
    own = client.get(own_url).context["entries"]
    assert [(e.role, e.name, e.what) for e in own] == [
        ("administrator", "Anton Beheerder", "viewed your profile")
    ]
    child = client.get(child_url).context["entries"]
    assert [(e.role, e.what) for e in child] == [("coordinator", "opened your profile to change it")]
    # Another family's child and another guardian's file: 404.
    other_guardian = cast.other_youth_row.guardianships.get().guardian
    assert _file(client, "youth", cast.other_youth_row.pk).status_code == 404
    assert _file(client, "guardian", other_guardian.pk).status_code == 404
    assert _file(client, "mentor", cast.mentor_row.pk).status_code == 404
    assert _file(client, "nobody", cast.mentor_row.pk).status_code == 404


def test_looking_is_itself_logged(staff, client_for):
    from koppel.common.models import AccessLog

    _file(client_for(cast_guardian := staff.guardian), "youth", staff.youth_row.pk)
    row = AccessLog.objects.filter(page="portal:who_looked_file").get()
    assert (row.viewer, row.object_id) == (cast_guardian, staff.youth_row.pk)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_query_count_at_1_and_50_rows(staff, client_for):
    cast = staff
    mentor = cast.mentor_row
    client = client_for(cast.mentor)
    url = reverse("portal:who_looked_file", args=["mentor", mentor.pk])
    log_action(mentor, "people.mentor.changed", by=cast.coordinator, fields=["phone"])
    one = _queries(client, url)
    viewers = [f.CoordinatorFactory(programme=cast.programme).user for _ in range(25)]
    for i, viewer in enumerate(viewers):
        log_access(mentor, by=viewer, page="staff:mentor_detail")
        log_action(mentor, "people.mentor.changed", by=viewer, fields=["phone"] if i % 2 else ["postcode"])
    many = _queries(client, url)
    assert one == many
    # 51 rows in pages of 25: the second page has its own rows, the third the oldest one.
    second = client.get(url + "?page=3").context["entries"]
    assert len(second) == 1 and second[0].what == "changed your phone number"


def test_the_newest_first(staff, client_for):
    cast = staff
    youth = cast.youth_row
    from unittest import mock

    earlier = timezone.now() - timedelta(days=3)
    with mock.patch("django.utils.timezone.now", return_value=earlier):
        log_access(youth, by=cast.admin, page="staff:youth_history")
    log_access(youth, by=cast.coordinator, page="staff:youth_detail")
    entries = _file(client_for(cast.guardian), "youth", youth.pk).context["entries"]
    assert [e.role for e in entries] == ["coordinator", "administrator"]
    assert entries[1].what == "viewed the history of your file"
