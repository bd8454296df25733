"""Second applications with a known mentor's e-mail address: kept apart by the public form, shown to
the programme's coordinator, merged by hand (chosen values only), audited and versioned."""

from datetime import date

import pytest
from django.urls import reverse

from koppel.common.domain.audit import history_of
from koppel.common.domain.errors import ConflictError, DomainError
from koppel.people.domain import recruitment
from koppel.people.forms.people import MentorForm
from koppel.people.forms.recruitment import MentorApplicationForm
from koppel.people.models import Mentor, RepeatApplication
from tests import factories as f
from tests.factories.recruitment import CampaignFactory
from tests.portal.test_public_apply import application

pytestmark = pytest.mark.django_db


def _english(user):
    user.language = "en"
    user.save()
    return user


@pytest.fixture
def known(cast):
    """A mentor of the cast's programme, and a second application with their address."""
    mentor = f.MentorFactory(
        programme=cast.programme, email="known@example.org", status="in_screening", phone="", occupation=""
    )
    campaign = CampaignFactory(programme=cast.programme, channel="school")
    form = MentorApplicationForm(
        application(email="known@example.org", phone="06-12121212", occupation="Docent", first_name="Other")
    )
    assert form.is_valid(), form.errors
    _, second = recruitment.apply_as_mentor(campaign, values=form.domain_values())
    return mentor, second


def test_merge_copies_only_the_chosen_values_audited_and_versioned(cast, known):
    mentor, second = known
    version = Mentor.objects.get(pk=mentor.pk).version
    changed = recruitment.merge_repeat_application(
        second, by=cast.coordinator, fields=["phone", "occupation"], expected_version=version
    )
    mentor.refresh_from_db()
    assert sorted(changed) == ["occupation", "phone"]
    assert (mentor.phone, mentor.occupation) == ("06-12121212", "Docent")
    assert mentor.first_name != "Other"  # not chosen, not copied
    assert mentor.version == version + 1
    second.refresh_from_db()
    assert second.reviewed_by == cast.coordinator
    assert second.reviewed_at is not None
    assert second.merged_fields == ["occupation", "phone"]
    merged = history_of(mentor).get(action="people.mentor.application_merged")
    assert set(merged.fields) == {"occupation", "phone"}
    assert merged.data == {"application_id": second.pk}
    with pytest.raises(DomainError):  # once only
        recruitment.merge_repeat_application(
            second, by=cast.coordinator, fields=[], expected_version=version + 1
        )


def test_merge_refused_on_a_stale_version_and_for_a_field_not_submitted(cast, known):
    mentor, second = known
    with pytest.raises(ConflictError):
        recruitment.merge_repeat_application(
            second, by=cast.coordinator, fields=["phone"], expected_version=mentor.version - 1
        )
    with pytest.raises(DomainError):
        recruitment.merge_repeat_application(
            second, by=cast.coordinator, fields=["email"], expected_version=mentor.version
        )
    assert Mentor.objects.get(pk=mentor.pk).phone == ""


def test_setting_aside_copies_nothing(cast, known):
    mentor, second = known
    before = Mentor.objects.get(pk=mentor.pk)
    assert (
        recruitment.merge_repeat_application(
            second, by=cast.coordinator, fields=[], expected_version=before.version
        )
        == []
    )
    after = Mentor.objects.get(pk=mentor.pk)
    assert (after.phone, after.occupation, after.version) == ("", "", before.version)
    assert history_of(mentor).filter(action="people.mentor.application_set_aside").exists()


def test_a_disqualified_mentors_name_is_never_merged__SCR_3(cast):
    mentor = f.MentorFactory(
        programme=cast.programme,
        email="dq@example.org",
        status="disqualified",
        disqualification_reason="vog_refused",
    )
    second = RepeatApplication.objects.create(
        mentor=mentor, route="campaign", values={"first_name": "Nieuw", "date_of_birth": "1990-01-01"}
    )
    with pytest.raises(DomainError):
        recruitment.merge_repeat_application(
            second, by=cast.coordinator, fields=["first_name"], expected_version=mentor.version
        )
    assert Mentor.objects.get(pk=mentor.pk).first_name == mentor.first_name


def test_coordinator_sees_the_second_application_and_merges_it_on_the_staff_pages(cast, client_for, known):
    mentor, second = known
    client = client_for(_english(cast.coordinator))
    listing = client.get(reverse("staff:mentor_list"))
    assert "applied again" in listing.text
    detail = client.get(reverse("staff:mentor_detail", args=[mentor.pk]))
    assert "Applied again: review and merge by hand" in detail.text
    url = reverse("staff:repeat_application", args=[second.pk])
    assert url in detail.text
    page = client.get(url)
    assert page.status_code == 200
    assert "06-12121212" in page.text
    assert "Docent" in page.text
    response = client.post(url, {"fields_to_copy": ["phone"], "expected_version": str(mentor.version)})
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.phone == "06-12121212"
    assert mentor.occupation == ""
    assert "applied again" not in client.get(reverse("staff:mentor_list")).text


def test_a_stale_merge_page_is_refused_with_a_message(cast, client_for, known):
    mentor, second = known
    client = client_for(_english(cast.coordinator))
    response = client.post(
        reverse("staff:repeat_application", args=[second.pk]),
        {"fields_to_copy": ["phone"], "expected_version": str(mentor.version - 1)},
    )
    assert response.status_code == 200
    assert Mentor.objects.get(pk=mentor.pk).phone == ""


@pytest.mark.parametrize(
    "who", ["anonymous", "other_coordinator", "mentor", "other_mentor", "youth", "guardian"]
)
def test_only_the_programmes_staff_may_open_a_second_application(cast, client_for, known, who):
    mentor, second = known
    client = client_for(cast.users()[who])
    url = reverse("staff:repeat_application", args=[second.pk])
    assert client.get(url).status_code in (302, 403, 404)
    client.post(url, {"fields_to_copy": ["phone"], "expected_version": str(mentor.version)})
    assert Mentor.objects.get(pk=mentor.pk).phone == ""
    assert RepeatApplication.objects.get(pk=second.pk).reviewed_at is None


def test_staff_form_refuses_a_second_mentor_with_the_same_address(cast):
    f.MentorFactory(programme=cast.programme, email="taken@example.org")
    data = {
        "programme": str(cast.programme.pk),
        "first_name": "Twee",
        "last_name": "Keer",
        "date_of_birth": date(1990, 1, 1).isoformat(),
        "gender": "female",
        "email": "Taken@Example.org",
        "preferred_language": "nl",
        "capacity": "1",
        "expected_version": "0",
    }
    form = MentorForm(data, user=cast.coordinator)
    assert not form.is_valid()
    assert "A mentor with this e-mail address is already in this programme." in str(form.errors)
