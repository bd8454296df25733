"""The erasure pages (administrators only) and the Django admin around erased people."""

import pytest
from django.urls import reverse
from django.utils import translation

from koppel.common.models import AccessLog
from koppel.people.models import Guardian, Mentor, Youth
from koppel.privacy.domain.erasure import erase_person
from tests import factories as f
from tests.privacy.erasure_world import MENTOR, YOUTH, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(cast):
    for user in (cast.admin, cast.coordinator):
        user.language = "en"
        user.save()
    with translation.override("en"):
        yield


def _url(person) -> str:
    kind = {"Mentor": "mentor", "Youth": "youth", "Guardian": "guardian"}[type(person).__name__]
    return reverse(f"staff:{kind}_erase", args=[person.pk])


def test_the_page_shows_the_plan_and_logs_the_access(cast, client_for):
    world = build_world(cast)
    page = client_for(cast.admin).get(_url(world.youth))
    assert page.status_code == 200
    assert "What is kept, and why" in page.text and "In their 1 match(es)" in page.text
    assert f"{world.guardian.first_name} {world.guardian.last_name}" in page.text  # erased with the youth
    assert AccessLog.objects.filter(object_id=world.youth.pk, page="staff:youth_erase").exists()


def test_a_refusal_is_shown_and_nothing_is_erased(cast, client_for):
    client = client_for(cast.admin)
    page = client.get(_url(cast.mentor_row))
    assert "Close the match first" in page.text and "<form" not in page.text.split("</header>")[-1]
    response = client.post(
        _url(cast.mentor_row), {"reason": "asked", "confirm_name": cast.mentor_row.full_name}
    )
    assert response.status_code == 200
    assert Mentor.objects.get(pk=cast.mentor_row.pk).erased_at is None


def test_a_wrong_name_is_refused_and_the_reason_is_kept_in_the_form(cast, client_for):
    world = build_world(cast)
    response = client_for(cast.admin).post(
        _url(world.mentor), {"reason": "Asked by e-mail", "confirm_name": "Someone else"}
    )
    assert response.status_code == 200
    assert "The name does not match" in response.text and "Asked by e-mail" in response.text
    assert Mentor.objects.get(pk=world.mentor.pk).erased_at is None
    response = client_for(cast.admin).post(_url(world.mentor), {"reason": "", "confirm_name": ""})
    assert response.status_code == 200 and response.context["form"].errors.keys() == {
        "reason",
        "confirm_name",
    }


def test_the_admin_erases_and_the_list_says_when_by_whom_and_why_never_who(cast, client_for):
    world = build_world(cast)
    client = client_for(cast.admin)
    response = client.post(
        _url(world.mentor),
        {
            "reason": f"{MENTOR['first_name']} asked by e-mail",
            "confirm_name": f"  zwaluwstaart   {MENTOR['last_name']}",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("staff:erasure_list")
    assert "The person was erased." in response.text
    assert Mentor.objects.get(pk=world.mentor.pk).erased_at is not None
    assert "asked by e-mail" in response.text and "Mentor" in response.text
    assert MENTOR["first_name"] not in response.text
    # The page of the person now says only that they were erased; the list leaves them out.
    detail = client.get(reverse("staff:mentor_detail", args=[world.mentor.pk]))
    assert f"Erased mentor #{world.mentor.pk}" in detail.text and "was erased on" in detail.text
    assert world.mentor.pk not in [m.pk for m in client.get(reverse("staff:mentor_list")).context["page"]]
    edit = client.get(reverse("staff:mentor_edit", args=[world.mentor.pk]))
    assert edit.status_code == 302
    # Once erased, the erase page sends the administrator to the list.
    assert client.get(_url(world.mentor)).status_code == 302


def test_a_coordinator_cannot_erase(cast, client_for):
    mentor = f.MentorFactory(programme=cast.programme, status="applied")
    response = client_for(cast.coordinator).post(
        _url(mentor), {"reason": "x", "confirm_name": mentor.full_name}
    )
    assert response.status_code == 403
    assert Mentor.objects.get(pk=mentor.pk).erased_at is None
    assert client_for(cast.coordinator).get(reverse("staff:erasure_list")).status_code == 403


# --- The Django admin -----------------------------------------------------------------------------------


def test_the_django_admin_cannot_change_or_delete_an_erased_person(cast, client_for):
    world = build_world(cast)
    erase_person(world.youth, by=cast.admin, reason="asked")
    cast.admin.is_staff = True
    cast.admin.is_superuser = True
    cast.admin.save()
    client = client_for(cast.admin)
    change = reverse("admin:people_youth_change", args=[world.youth.pk])
    page = client.get(change)
    assert page.status_code == 200 and YOUTH["first_name"] not in page.text
    client.post(
        change, {"first_name": YOUTH["first_name"], "last_name": "Back", "date_of_birth": "2010-01-01"}
    )
    assert Youth.objects.get(pk=world.youth.pk).first_name == ""
    delete = reverse("admin:people_guardian_delete", args=[world.guardian.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Guardian.objects.filter(pk=world.guardian.pk).exists()


def test_the_django_admin_does_not_delete_a_person_who_was_in_a_match(cast, client_for):
    cast.admin.is_staff = True
    cast.admin.is_superuser = True
    cast.admin.save()
    client = client_for(cast.admin)
    for model, person in (("mentor", cast.mentor_row), ("youth", cast.youth_row)):
        response = client.post(reverse(f"admin:people_{model}_delete", args=[person.pk]), {"post": "yes"})
        assert response.status_code == 403
        changelist = reverse(f"admin:people_{model}_changelist")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"})
    assert Mentor.objects.filter(pk=cast.mentor_row.pk).exists()
    assert Youth.objects.filter(pk=cast.youth_row.pk).exists()
    # A mentor never matched can still be deleted there.
    loose = f.MentorFactory(programme=cast.programme, status="applied")
    client.post(reverse("admin:people_mentor_delete", args=[loose.pk]), {"post": "yes"})
    assert not Mentor.objects.filter(pk=loose.pk).exists()


def test_the_caseload_and_the_lists_leave_erased_people_out(cast, client_for):
    mentor = f.MentorFactory(programme=cast.programme, status="applied", coordinator=cast.coordinator)
    youth = f.YouthFactory(programme=cast.programme, status="waiting", coordinator=cast.coordinator)
    client = client_for(cast.coordinator)
    for person in (mentor, youth):
        erase_person(person, by=cast.admin, reason="asked")
    caseload = client.get(reverse("staff:caseload"))
    assert (
        f"Erased mentor #{mentor.pk}" not in caseload.text
        and f"Erased youth #{youth.pk}" not in caseload.text
    )
    assert cast.mentor_row.full_name in caseload.text
    youth_list = client.get(reverse("staff:youth_list"))
    assert youth.pk not in [y.pk for y in youth_list.context["page"]]
    assert cast.youth_row.pk in [y.pk for y in youth_list.context["page"]]


def _queries_of_the_list(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("staff:erasure_list")).status_code == 200
    return len(queries)


def test_the_list_of_erasures_takes_as_many_queries_for_one_row_as_for_many(cast, client_for):
    client = client_for(cast.admin)
    erase_person(f.MentorFactory(programme=cast.programme, status="applied"), by=cast.admin, reason="a")
    one = _queries_of_the_list(client)
    for _ in range(20):
        erase_person(
            f.MentorFactory(programme=cast.programme, status="applied"), by=cast.coordinator, reason="b"
        )
    assert _queries_of_the_list(client) == one
