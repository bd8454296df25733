import pytest
from django.urls import reverse

from koppel.common.domain.audit import history_of

pytestmark = pytest.mark.django_db


def test_admin_changes_are_audited(cast, client_for):
    client = client_for(cast.admin)
    url = reverse("admin:programmes_programme_change", args=[cast.programme.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: v if not isinstance(v, bool) else ("on" if v else "") for k, v in data.items()}
    data["locations"] = '["school"]'
    data["name"] = "Maatjes Zuid (nieuw)"
    data.update(
        {
            "settings-TOTAL_FORMS": "1",
            "settings-INITIAL_FORMS": "0",
            "settings-MIN_NUM_FORMS": "0",
            "settings-MAX_NUM_FORMS": "1",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = history_of(cast.programme).get()
    assert entry.actor == cast.admin
    assert "name" in entry.fields
    assert entry.data == {"via": "admin"}


def test_coordinators_have_no_django_admin(cast, client_for):
    assert client_for(cast.coordinator).get("/admin/").status_code in (302, 403)
    assert client_for(cast.coordinator).get(reverse("admin:people_youth_changelist")).status_code in (
        302,
        403,
    )


def test_a_programme_made_in_the_admin_gets_the_factsheet_settings__REL_4(cast, client_for):
    from koppel.programmes.models import Programme

    data = {
        "organisation": cast.programme.organisation_id,
        "name": "Nieuwe school",
        "description": "",
        "kind": "school",
        "form": "individual",
        "team_size_min": "2",
        "team_size_max": "4",
        "locations": '["school"]',
        "approach": "combined",
        "is_active": "on",
    }
    response = client_for(cast.admin).post(reverse("admin:programmes_programme_add"), data)
    assert response.status_code == 302
    programme = Programme.objects.get(name="Nieuwe school")
    assert programme.settings.min_age_gap_years == 2
    assert programme.settings.holiday_expectations_required is True
