"""The audit trail cannot be erased: not from the application, not with a raw SQL statement, not by
deleting the user who acted. Rows leave only through the retention purge, which is itself logged."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from koppel.common.domain.audit import access_log_of, history_of, log_access, log_action
from koppel.common.domain.retention import purge_logs
from koppel.common.guards import GUARDS, drop_guards, install_guards, installed_guards
from koppel.common.models import AccessLog, ActivityLog, LogPurge
from koppel.common.models.logs import AppendOnlyError
from tests import factories as f

pytestmark = pytest.mark.django_db


def _sql(statement: str, *params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _age(table: str, pk: int, days: int) -> None:
    """Backdate one row (a test-only rewrite: the guards are lifted just for this statement)."""
    drop_guards(GUARDS)
    with connection.cursor() as cursor:
        when = timezone.now() - timedelta(days=days)
        cursor.execute(f'UPDATE {table} SET "timestamp" = %s WHERE id = %s', [when, pk])  # noqa: S608
    install_guards()


def test_the_log_guards_are_installed():
    assert {guard.name for guard in GUARDS} <= installed_guards()


def test_the_application_cannot_bulk_delete_or_update_log_rows(cast):
    log_action(cast.youth_row, "people.youth.changed", by=cast.coordinator)
    log_access(cast.youth_row, by=cast.coordinator, page="youth_detail")
    before = ActivityLog.objects.count(), AccessLog.objects.count()
    for model in (ActivityLog, AccessLog):
        with pytest.raises(AppendOnlyError):
            model.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            model.objects.all().update(object_id=0)
    assert (ActivityLog.objects.count(), AccessLog.objects.count()) == before


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM common_activitylog",
        "UPDATE common_activitylog SET action = 'tampered'",
        "UPDATE common_activitylog SET actor_label = 'someone else'",
        "UPDATE common_activitylog SET actor_id = NULL, object_id = 0",
        "DELETE FROM common_accesslog",
        "UPDATE common_accesslog SET page = 'elsewhere'",
        "UPDATE common_accesslog SET viewer_label = ''",
    ],
)
def test_the_database_refuses_to_change_or_delete_log_rows(cast, statement):
    log_action(cast.youth_row, "people.youth.changed", by=cast.coordinator)
    log_access(cast.youth_row, by=cast.coordinator, page="youth_detail")
    with pytest.raises(DatabaseError):
        _sql(statement)
    assert ActivityLog.objects.filter(action="people.youth.changed", actor_label__contains="#").count() == 1
    assert AccessLog.objects.filter(page="youth_detail", viewer_label__contains="#").count() == 1


def test_the_database_refuses_to_pin_a_row_on_another_user(cast):
    log_action(cast.youth_row, "people.youth.changed", by=cast.coordinator)
    with pytest.raises(DatabaseError):
        _sql("UPDATE common_activitylog SET actor_id = %s", cast.other_coordinator.pk)
    with pytest.raises(DatabaseError):
        _sql(
            'INSERT INTO common_accesslog ("timestamp", viewer_id, viewer_label, content_type_id, '
            "object_id, page) SELECT \"timestamp\", actor_id, '', content_type_id, object_id, 'x' "
            "FROM common_activitylog"
        )


def test_deleting_a_user_keeps_their_rows_and_who_they_were(cast, client_for):
    user = f.UserFactory(name="Bea Beheer")
    entry = log_action(cast.youth_row, "people.youth.changed", by=user)
    access = log_access(cast.youth_row, by=user, page="youth_detail")
    user_id = user.pk
    user.delete()
    entry = history_of(cast.youth_row).get(pk=entry.pk)
    access = access_log_of(cast.youth_row).get(pk=access.pk)
    assert entry.actor is None and access.viewer is None
    assert entry.actor_label == access.viewer_label == f"Bea Beheer (#{user_id})"
    # The staff pages show who it was.
    client = client_for(cast.admin)
    for name in ("staff:youth_history", "staff:youth_access_log"):
        page = client.get(reverse(name, args=[cast.youth_row.pk]))
        assert page.status_code == 200
        assert f"Bea Beheer (#{user_id})" in page.content.decode()


def test_the_label_holds_no_email_address(cast):
    entry = log_action(cast.youth_row, "people.youth.changed", by=cast.coordinator)
    assert cast.coordinator.email not in entry.actor_label
    assert entry.actor_label.endswith(f"(#{cast.coordinator.pk})")


def test_the_purge_removes_only_rows_past_retention_and_logs_itself(cast):
    old = log_action(cast.youth_row, "people.youth.changed", by=cast.coordinator)
    old_view = log_access(cast.youth_row, by=cast.coordinator, page="youth_detail")
    recent = log_action(cast.youth_row, "people.youth.changed", by=cast.coordinator)
    _age("common_activitylog", old.pk, 400)
    _age("common_accesslog", old_view.pk, 400)

    removed = purge_logs(before=timezone.now() - timedelta(days=365), by=None)

    assert removed == 2  # the cast's own rows are recent
    assert not ActivityLog.objects.filter(pk=old.pk).exists()
    assert not AccessLog.objects.filter(pk=old_view.pk).exists()
    assert ActivityLog.objects.filter(pk=recent.pk).exists()
    purged = ActivityLog.objects.get(action="logs.purged")
    assert purged.data["activity_log"] == 1 and purged.data["access_log"] == 1
    assert not LogPurge.objects.exists()  # the permit is gone with the transaction
    with pytest.raises(DatabaseError):
        _sql("DELETE FROM common_activitylog")


def test_the_periodic_command_purges_with_the_retention_setting(cast, settings):
    settings.LOG_RETENTION_DAYS = 30
    old = log_action(cast.youth_row, "people.youth.changed", by=cast.coordinator)
    kept = log_action(cast.youth_row, "people.youth.changed", by=cast.coordinator)
    _age("common_activitylog", old.pk, 31)
    out = StringIO()
    call_command("send_reminders", "--inline", stdout=out)
    assert not ActivityLog.objects.filter(pk=old.pk).exists()
    assert ActivityLog.objects.filter(pk=kept.pk).exists()
    assert "purged 1" in out.getvalue()
