from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from koppel.common.domain.audit import history_of
from koppel.people.models import Guardian, Mentor, Youth

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
        date_of_birth=date.today().replace(year=date.today().year + 1).isoformat(),
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
