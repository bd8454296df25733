import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from koppel.common.domain.audit import history_of
from koppel.people.models import Guardian, Mentor, Youth
from tests.html_forms import page_form_data

pytestmark = pytest.mark.django_db


def _english(user):
    user.language = "en"
    user.save()
    return user


def mentor_data(cast, **overrides):
    data = {
        "programme": str(cast.programme.pk),
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "date_of_birth": "1994-04-12",
        "gender": "female",
        "email": "fatima@example.org",
        "preferred_language": "nl",
        "languages": ["nl", "ar"],
        "postcode": "3072 ab",
        "neighbourhood": "Afrikaanderwijk",
        "school_type": "graduated",
        "availability": ["wed-pm", "sat-am"],
        "motives": ["altruism", "personal"],
        "capacity": "1",
        "personality_outgoing": "4",
    }
    data.update(overrides)
    return data


def test_registering_a_mentor_saves_profile_and_writes_history(cast, client_for):
    response = client_for(cast.coordinator).post(reverse("staff:mentor_create"), mentor_data(cast))
    mentor = Mentor.objects.get(email="fatima@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:mentor_detail", args=[mentor.pk])
    assert mentor.postcode == "3072AB"
    assert mentor.languages == ["ar", "nl"]  # stored sorted, so order never counts as a change
    assert mentor.personality == {"outgoing": 4}
    assert mentor.motives == ["altruism", "personal"]
    assert history_of(mentor).get().action == "people.mentor.created"


def test_bad_input_re_renders_with_translated_errors_and_keeps_what_was_typed(cast, client_for):
    data = mentor_data(
        cast,
        postcode="30721AB",
        date_of_birth=timezone.localdate().replace(year=timezone.localdate().year + 1).isoformat(),
    )
    response = client_for(cast.coordinator).post(reverse("staff:mentor_create"), data)
    assert response.status_code == 200
    with translation.override("nl"):
        dutch = gettext("Enter a Dutch postcode such as 3072 AB.")
    assert dutch != "Enter a Dutch postcode such as 3072 AB."  # translated
    assert dutch in response.text
    assert 'value="Fatima"' in response.text
    assert 'value="30721AB"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert not Mentor.objects.filter(email="fatima@example.org").exists()


def test_errors_are_shown_in_the_users_language(cast, client_for):
    _english(cast.coordinator)
    response = client_for(cast.coordinator).post(
        reverse("staff:mentor_create"), mentor_data(cast, postcode="x")
    )
    assert "Enter a Dutch postcode such as 3072 AB." in response.text
    assert "Please correct the errors below." in response.text


def test_a_coordinator_cannot_register_into_another_programme(cast, client_for):
    data = mentor_data(cast, programme=str(cast.other_programme.pk))
    response = client_for(cast.coordinator).post(reverse("staff:mentor_create"), data)
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    assert not Mentor.objects.filter(email="fatima@example.org").exists()


def test_editing_a_youth_records_changed_fields(cast, client_for):
    url = reverse("staff:youth_edit", args=[cast.youth_row.pk])
    client = client_for(cast.coordinator)
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: ([str(x) for x in v] if isinstance(v, list) else str(v)) for k, v in data.items()}
    data["wishes"] = "Een mentor die ook graag tekent"
    data["cultural_match"] = "nice"
    assert client.post(url, data).status_code == 302
    youth = Youth.objects.get(pk=cast.youth_row.pk)
    assert youth.wishes == "Een mentor die ook graag tekent"
    assert history_of(youth).get().fields == ["cultural_match", "wishes"]


def test_registering_a_guardian_links_them_to_the_youth(cast, client_for):
    url = reverse("staff:guardian_create", args=[cast.youth_row.pk])
    data = {
        "first_name": "Samira",
        "last_name": "Bakker",
        "phone": "06-12345678",
        "preferred_language": "nl",
        "link-relation": "mother",
        "link-has_parental_authority": "on",
    }
    response = client_for(cast.coordinator).post(url, data)
    assert response.status_code == 302
    guardian = Guardian.objects.get(first_name="Samira")
    assert guardian.children.get() == cast.youth_row
    assert guardian.guardianships.get().has_parental_authority is True


def test_a_guardian_needs_a_way_to_be_reached(cast, client_for):
    _english(cast.coordinator)
    url = reverse("staff:guardian_create", args=[cast.youth_row.pk])
    data = {
        "first_name": "Samira",
        "last_name": "Bakker",
        "preferred_language": "nl",
        "link-relation": "mother",
    }
    response = client_for(cast.coordinator).post(url, data)
    assert response.status_code == 200
    assert "Enter an e-mail address or a phone number" in response.text
    assert 'value="Samira"' in response.text


def test_linking_an_existing_guardian_of_a_sibling(cast, client_for):
    sibling_guardian = cast.guardian_row
    from tests import factories as f

    sibling = f.YouthFactory(programme=cast.programme)
    url = reverse("staff:guardian_link", args=[sibling.pk])
    response = client_for(cast.coordinator).post(
        url, {"guardian": sibling_guardian.pk, "relation": "father", "has_parental_authority": "on"}
    )
    assert response.status_code == 302
    assert set(sibling_guardian.children.all()) == {cast.youth_row, sibling}


def test_list_search_filter_sort_and_htmx_partial(cast, client_for):
    from tests import factories as f

    f.MentorFactory(programme=cast.programme, first_name="Zeynep", last_name="Yilmaz", status="applied")
    client = client_for(cast.coordinator)
    url = reverse("staff:mentor_list")
    page = client.get(url, {"q": "yilmaz"})
    assert "Zeynep Yilmaz" in page.text
    assert cast.mentor_row.full_name not in page.text
    assert "Zeynep" not in client.get(url, {"status": "ready"}).text
    partial = client.get(url, {"q": "zeynep", "sort": "-name"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text and "Zeynep Yilmaz" in partial.text


def test_same_languages_in_another_order_is_not_a_change(cast):
    from koppel.people.domain.people import update_person

    cast.youth_row.languages = ["nl", "ar"]
    cast.youth_row.save()
    update_person(cast.youth_row, by=cast.coordinator, values={"languages": ["ar", "nl"]}, expected_version=1)
    assert not history_of(cast.youth_row).exists()


def test_english_forms_label_availability_in_english(cast, client_for):
    _english(cast.coordinator)
    page = client_for(cast.coordinator).get(reverse("staff:youth_edit", args=[cast.youth_row.pk]))
    assert "Monday morning" in page.text
    assert "maandag" not in page.text


def test_lists_and_forms_speak_one_language(cast, client_for):
    dutch_form = client_for(cast.coordinator).get(reverse("staff:mentor_create")).text
    assert "- Kies een optie -" in dutch_form
    assert "Select an option" not in dutch_form
    _english(cast.coordinator)
    english_list = client_for(cast.coordinator).get(reverse("staff:mentor_list")).text
    assert "Name (descending)" in english_list
    assert "aflopend" not in english_list


# --- Editing a parent or guardian ----------------------------------------------------------------


def _page_form_data(client, url) -> dict:
    """What the edit page's own form posts unchanged, read from its HTML as a browser would."""
    return page_form_data(client.get(url).text)


def test_the_guardian_edit_page_shows_the_guardians_own_fields(cast, client_for):
    _english(cast.coordinator)
    response = client_for(cast.coordinator).get(reverse("staff:guardian_edit", args=[cast.guardian_row.pk]))
    assert response.status_code == 200
    for name in ("first_name", "last_name", "email", "phone", "preferred_language", "languages", "postcode"):
        assert f'name="{name}"' in response.text, name
    assert f'value="{cast.guardian_row.first_name}"' in response.text
    assert 'name="expected_version"' in response.text
    # Personality (MAT-2) is a mentor's and a youth's self-report, not a guardian's.
    assert "Personality (self-report)" not in response.text


@pytest.mark.parametrize(("kind", "row"), [("mentor", "mentor_row"), ("youth", "youth_row")])
def test_mentor_and_youth_edit_pages_keep_the_personality_fieldset__MAT_2(cast, client_for, kind, row):
    _english(cast.coordinator)
    url = reverse(f"staff:{kind}_edit", args=[getattr(cast, row).pk])
    html = client_for(cast.coordinator).get(url).text
    assert "Personality (self-report)" in html
    assert 'name="personality_outgoing"' in html
    assert 'name="first_name"' in html


def test_staff_change_a_guardians_name_contact_language_and_postcode(cast, client_for):
    url = reverse("staff:guardian_edit", args=[cast.guardian_row.pk])
    client = client_for(cast.coordinator)
    data = _page_form_data(client, url)
    data.update(
        first_name="Samira",
        email="samira@example.org",
        phone="06-12345678",
        preferred_language="en",
        languages=["ar", "nl"],
        postcode="3072 ab",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:guardian_detail", args=[cast.guardian_row.pk])
    guardian = Guardian.objects.get(pk=cast.guardian_row.pk)
    assert (guardian.first_name, guardian.last_name) == ("Samira", cast.guardian_row.last_name)
    assert (guardian.email, guardian.phone) == ("samira@example.org", "06-12345678")
    assert guardian.preferred_language == "en"
    assert guardian.languages == ["ar", "nl"]
    assert guardian.postcode == "3072AB"
    assert guardian.version == cast.guardian_row.version + 1
    # Audited with the changed field names only, never their values.
    entry = history_of(guardian).get()
    assert entry.action == "people.guardian.changed"
    assert entry.actor == cast.coordinator
    assert entry.fields == ["email", "first_name", "languages", "phone", "postcode", "preferred_language"]
    assert "Samira" not in str(entry.data)


def test_a_guardian_edit_with_an_error_re_renders_with_what_was_typed(cast, client_for):
    _english(cast.coordinator)
    url = reverse("staff:guardian_edit", args=[cast.guardian_row.pk])
    client = client_for(cast.coordinator)
    data = _page_form_data(client, url)
    data.update(first_name="Samira", postcode="30721AB")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Enter a Dutch postcode such as 3072 AB." in response.text
    assert 'value="Samira"' in response.text
    assert Guardian.objects.get(pk=cast.guardian_row.pk).first_name == cast.guardian_row.first_name


# Who may save the guardian edit page: the GET row is in tests/test_role_matrix.py; this is the POST.
GUARDIAN_EDIT_POST = {
    "anonymous": "login",
    "admin": 302,
    "coordinator": 302,
    "other_coordinator": 404,
    "mentor": 403,
    "other_mentor": 403,
    "youth": 403,
    "guardian": 403,
}


@pytest.mark.parametrize(("role", "expected"), GUARDIAN_EDIT_POST.items())
def test_guardian_edit_post_role_matrix(cast, client_for, role, expected):
    url = reverse("staff:guardian_edit", args=[cast.guardian_row.pk])
    data = _page_form_data(client_for(cast.coordinator), url)
    data["first_name"] = "Samira"
    response = client_for(cast.users()[role]).post(url, data)
    changed = Guardian.objects.get(pk=cast.guardian_row.pk).first_name == "Samira"
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    assert changed == (expected == 302)


def test_a_nul_character_in_the_neighbourhoods_is_a_form_error_not_a_database_error():
    from koppel.people.forms.people import NeighbourhoodsField

    field = NeighbourhoodsField(required=False)
    with pytest.raises(ValidationError):
        field.clean("Noord, a\x00b")
    assert field.clean("Zuid,  Noord ") == ["Noord", "Zuid"]
