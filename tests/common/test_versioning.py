import pytest
from django.urls import reverse

from koppel.common.domain.errors import ConflictError
from koppel.people.domain.people import update_person

pytestmark = pytest.mark.django_db


def test_second_save_with_stale_version_is_refused(cast):
    youth = cast.youth_row
    update_person(youth, by=cast.coordinator, values={"goals": "Eerste"}, expected_version=1)
    with pytest.raises(ConflictError):
        update_person(youth, by=cast.admin, values={"goals": "Tweede"}, expected_version=1)
    youth.refresh_from_db()
    assert youth.goals == "Eerste"
    assert youth.version == 2


def _form_data(client, url):
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


def test_two_editors_never_silently_overwrite_each_other(cast, client_for):
    url = reverse("staff:youth_edit", args=[cast.youth_row.pk])
    cast.admin.language = "en"
    cast.admin.save()
    first, second = client_for(cast.coordinator), client_for(cast.admin)
    data_first, data_second = _form_data(first, url), _form_data(second, url)
    data_first["goals"] = "Plannen leren"
    assert first.post(url, data_first).status_code == 302
    data_second["goals"] = "Meer zelfvertrouwen"
    response = second.post(url, data_second)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.text
    assert "Meer zelfvertrouwen" in response.text  # what the second editor typed is kept
    cast.youth_row.refresh_from_db()
    assert cast.youth_row.goals == "Plannen leren"
