import pytest
from django.urls import reverse

from koppel.common.domain.audit import access_log_of, history_of, log_actions_bulk
from koppel.common.models import AccessLog, ActivityLog
from koppel.common.models.logs import AppendOnlyError
from koppel.people.domain.people import update_person
from koppel.programmes.domain.programmes import update_programme_settings
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_log_rows_are_append_only(cast):
    update_person(cast.youth_row, by=cast.coordinator, values={"goals": "Nieuw doel"}, expected_version=1)
    entry = history_of(cast.youth_row).get()
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_profile_change_records_who_when_and_field_names_but_not_values(cast):
    update_person(
        cast.youth_row,
        by=cast.coordinator,
        values={"goals": "Geheim doel over thuissituatie", "neighbourhood": "Bloemhof"},
        expected_version=1,
    )
    entry = history_of(cast.youth_row).get()
    assert entry.actor == cast.coordinator
    assert entry.action == "people.youth.changed"
    assert entry.fields == ["goals", "neighbourhood"]
    assert "Geheim" not in str(entry.data) and "Geheim" not in str(entry.fields)


def test_unchanged_save_writes_no_history(cast):
    update_person(
        cast.youth_row,
        by=cast.coordinator,
        values={"goals": cast.youth_row.goals},
        expected_version=1,
    )
    assert not history_of(cast.youth_row).exists()


def test_setting_change_is_audited_with_its_rule__TRN_1(cast):
    programme_settings = cast.programme.settings
    update_programme_settings(
        programme_settings,
        by=cast.coordinator,
        values={"pre_match_training_hours": 6},
        expected_version=1,
    )
    entry = history_of(cast.programme).get()
    assert entry.action == "programmes.settings.changed"
    assert entry.fields == ["pre_match_training_hours"]
    assert entry.data == {"rules": {"pre_match_training_hours": "TRN-1"}}


def test_bulk_changes_are_logged_per_object(cast):
    youth = [f.YouthFactory(programme=cast.programme) for _ in range(3)]
    log_actions_bulk(youth, "people.youth.changed", by=cast.admin, fields=["status"])
    assert ActivityLog.objects.filter(action="people.youth.changed", actor=cast.admin).count() == 3


def test_viewing_a_person_is_in_the_access_log(cast, client_for):
    client_for(cast.coordinator).get(reverse("staff:youth_detail", args=[cast.youth_row.pk]))
    client_for(cast.mentor).get(reverse("portal:youth_detail", args=[cast.youth_row.pk]))
    pages = [(e.viewer, e.page) for e in access_log_of(cast.youth_row).order_by("id")]
    assert pages == [(cast.coordinator, "staff:youth_detail"), (cast.mentor, "portal:youth_detail")]


def test_a_refused_view_is_not_logged(cast, client_for):
    response = client_for(cast.other_coordinator).get(reverse("staff:youth_detail", args=[cast.youth_row.pk]))
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_staff_see_history_and_admin_sees_access_log(cast, client_for):
    update_person(cast.youth_row, by=cast.coordinator, values={"goals": "Anders"}, expected_version=1)
    page = client_for(cast.coordinator).get(reverse("staff:youth_history", args=[cast.youth_row.pk]))
    assert page.status_code == 200
    assert "coordinator@example.org" in page.text or cast.coordinator.name in page.text
    client_for(cast.coordinator).get(reverse("staff:youth_detail", args=[cast.youth_row.pk]))
    cast.admin.language = "en"
    cast.admin.save()
    log_page = client_for(cast.admin).get(reverse("staff:youth_access_log", args=[cast.youth_row.pk]))
    assert log_page.status_code == 200
    assert "Youth profile (staff)" in log_page.text
    assert (
        client_for(cast.coordinator)
        .get(reverse("staff:youth_access_log", args=[cast.youth_row.pk]))
        .status_code
        == 403
    )
