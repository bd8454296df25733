from decimal import Decimal

import pytest
from django.urls import reverse

from koppel.common.domain.audit import history_of
from koppel.programmes.models import ProgrammeSettings
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_new_programme_settings_start_from_the_factsheet():
    programme = f.ProgrammeFactory()
    s = programme.settings
    assert s.pre_match_training_hours == Decimal("2")  # TRN-1
    assert s.monthly_training_hours == Decimal("2")  # TRN-2
    assert (s.min_duration_months, s.meeting_interval_days) == (12, 7)  # AGR-1
    assert (
        s.support_intensive_per_month,
        s.support_regular_per_month,
        s.support_after_year_interval_months,
    ) == (2, 1, 3)  # SUP-1
    assert (s.min_age_gap_years, s.preferred_age_gap_years) == (2, 10)  # MAT-3


def test_create_programme_turns_on_holiday_expectations_for_school_programmes__REL_4():
    from koppel.programmes.domain.programmes import create_programme

    org = f.OrganisationFactory()
    school = create_programme(org, by=None, values={"name": "School", "kind": "school"})
    community = create_programme(org, by=None, values={"name": "Wijk", "kind": "community"})
    assert school.settings.holiday_expectations_required is True
    assert community.settings.holiday_expectations_required is False


def test_settings_page_shows_each_rule_id_and_factsheet_value(cast, client_for):
    page = client_for(cast.coordinator).get(reverse("staff:programme_settings", args=[cast.programme.pk]))
    assert page.status_code == 200
    for rule, _ in ProgrammeSettings.RULES.values():
        assert rule in page.text


def _settings_data(client, url):
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def test_changing_a_setting_is_saved_and_audited__TRN_1(cast, client_for):
    client = client_for(cast.coordinator)
    url = reverse("staff:programme_settings", args=[cast.programme.pk])
    data = _settings_data(client, url)
    data["pre_match_training_hours"] = "6"
    assert client.post(url, data).status_code == 302
    cast.programme.settings.refresh_from_db()
    assert cast.programme.settings.pre_match_training_hours == Decimal("6")
    entry = history_of(cast.programme).get()
    assert entry.fields == ["pre_match_training_hours"] and entry.actor == cast.coordinator


def test_preferred_age_gap_below_minimum_is_refused__MAT_3(cast, client_for):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    client = client_for(cast.coordinator)
    url = reverse("staff:programme_settings", args=[cast.programme.pk])
    data = _settings_data(client, url)
    data.update(min_age_gap_years="5", preferred_age_gap_years="3")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "MAT-3: the preferred age gap cannot be smaller than the minimum." in response.text
    assert 'value="3"' in response.text
    cast.programme.settings.refresh_from_db()
    assert cast.programme.settings.min_age_gap_years == 2


def test_another_programmes_coordinator_cannot_change_settings(cast, client_for):
    url = reverse("staff:programme_settings", args=[cast.programme.pk])
    assert client_for(cast.other_coordinator).post(url, {"pre_match_training_hours": "0"}).status_code == 404
