"""The permit that lets an erasure rewrite the label and details of log rows is narrow: one named row,
only the label and details, never without the permit, never a delete. On SQLite and PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from koppel.common.domain.audit import log_access, log_action
from koppel.common.domain.retention import redact_logs
from koppel.common.models import AccessLog, ActivityLog, LogRedaction

pytestmark = pytest.mark.django_db


def _sql(statement: str, *params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _with_permit(table: str, row_id: int, statement: str, *params) -> None:
    with transaction.atomic():
        LogRedaction.objects.create(log_table=table, row_id=row_id)
        _sql(statement, *params)


def _rows(cast):
    named = log_action(cast.youth_row, "people.youth.changed", by=cast.mentor, data={"who": "Zilverreiger"})
    other = log_action(cast.youth_row, "people.youth.changed", by=cast.coordinator)
    access = log_access(cast.youth_row, by=cast.mentor, page="portal:youth")
    return named, other, access


def test_redaction_rewrites_only_the_label_and_the_details_that_name_the_person(cast):
    named, other, access = _rows(cast)
    assert redact_logs(user_id=cast.mentor.pk, values=["Zilverreiger"]) == 2
    named.refresh_from_db()
    assert (named.actor_label, named.data, named.action) == (
        f"#{cast.mentor.pk}",
        {"who": ""},
        "people.youth.changed",
    )
    assert ActivityLog.objects.get(pk=other.pk).actor_label == other.actor_label
    assert AccessLog.objects.get(pk=access.pk).viewer_label == f"#{cast.mentor.pk}"
    assert not LogRedaction.objects.exists()  # the permit does not outlive the redaction


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE common_activitylog SET actor_label = 'someone' WHERE id = %s",
        "UPDATE common_activitylog SET data = '{}' WHERE id = %s",
        "UPDATE common_accesslog SET viewer_label = '' WHERE id = %s",
    ],
)
def test_without_a_permit_the_label_and_details_cannot_change(cast, statement):
    named, _other, access = _rows(cast)
    with pytest.raises(DatabaseError):
        _sql(statement, access.pk if "accesslog" in statement else named.pk)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE common_activitylog SET action = 'tampered' WHERE id = %s",
        "UPDATE common_activitylog SET object_id = 0 WHERE id = %s",
        'UPDATE common_activitylog SET "timestamp" = "timestamp" WHERE id = %s',
        "UPDATE common_activitylog SET fields = '[]' WHERE id = %s",
        "DELETE FROM common_activitylog WHERE id = %s",
        "UPDATE common_activitylog SET actor_label = 'x' WHERE id <> %s",
    ],
)
def test_a_permit_allows_nothing_else_and_no_other_row(cast, statement):
    named, _other, _access = _rows(cast)
    with pytest.raises(DatabaseError):
        _with_permit("common_activitylog", named.pk, statement, named.pk)
    assert ActivityLog.objects.get(pk=named.pk).action == "people.youth.changed"


def test_a_permit_for_the_access_log_does_not_open_the_activity_log(cast):
    named, _other, _access = _rows(cast)
    with pytest.raises(DatabaseError):
        _with_permit(
            "common_accesslog",
            named.pk,
            "UPDATE common_activitylog SET actor_label = '' WHERE id = %s",
            named.pk,
        )


def test_with_a_permit_the_named_row_label_can_change(cast):
    named, _other, _access = _rows(cast)
    with transaction.atomic():
        LogRedaction.objects.create(log_table="common_activitylog", row_id=named.pk)
        _sql("UPDATE common_activitylog SET actor_label = 'x' WHERE id = %s", named.pk)
    assert ActivityLog.objects.get(pk=named.pk).actor_label == "x"
