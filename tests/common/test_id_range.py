"""An id no database row can have (2**63, a huge or negative number) in a choice field is an unknown
choice like any other: the form's "select a valid choice", never a server error, on every form."""

import pytest
from django import forms
from django.urls import reverse

from koppel.people.models import Interest, Mentor
from tests.factories.recruitment import CampaignFactory
from tests.html_forms import page_form_data

pytestmark = pytest.mark.django_db

BAD_IDS = [str(2**63), str(-(2**63) - 1), "9" * 40, "-1", "abc"]


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("field_class", [forms.ModelChoiceField, forms.ModelMultipleChoiceField])
def test_choice_fields_refuse_an_id_out_of_range_as_an_unknown_choice(field_class, bad):
    field = field_class(queryset=Interest.objects.all())
    value = [bad] if field_class is forms.ModelMultipleChoiceField else bad
    with pytest.raises(forms.ValidationError) as error:
        field.clean(value)
    assert error.value.code in ("invalid_choice", "invalid_pk_value")


@pytest.mark.parametrize("bad", [str(2**63), "9" * 40])
def test_the_public_application_form_refuses_a_huge_interest_id_anonymously(client, bad):
    campaign = CampaignFactory()
    url = reverse("public:apply", args=[campaign.token])
    data = page_form_data(client.get(url).text)
    data["interests"] = [str(Interest.objects.first().pk), bad]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "interests" in response.context["form"].errors


def test_a_staff_form_refuses_a_huge_interest_id(cast, client_for):
    client = client_for(cast.coordinator)
    url = reverse("staff:mentor_edit", args=[cast.mentor_row.pk])
    data = page_form_data(client.get(url).text)
    data["interests"] = [str(2**63)]
    data["first_name"] = "Changed"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "interests" in response.context["form"].errors
    assert Mentor.objects.get(pk=cast.mentor_row.pk).first_name != "Changed"
