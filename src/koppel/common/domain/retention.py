"""Retention of the audit trail: the one way log rows ever leave the database.

The activity and access logs are append-only (common/guards.py): the database refuses to delete a
row unless this module's purge holds a permit for it. `koppel send_reminders` runs the purge with the
retention period from the settings (LOG_RETENTION_DAYS).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from koppel.common.domain.audit import log_action
from koppel.common.models import AccessLog, ActivityLog, LogPurge


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    """Log rows older than this are past the retention period (settings.LOG_RETENTION_DAYS)."""
    return (now or timezone.now()) - timedelta(days=settings.LOG_RETENTION_DAYS)


@transaction.atomic
def purge_logs(*, before: datetime, by=None) -> int:
    """Delete the activity- and access-log rows written before `before`; returns how many.

    Side effects: holds the database's permit for the length of the transaction only, and writes
    one activity-log row ("logs.purged", on the permit row's own record) with the counts, so the purge
    itself stays in the trail. Rows at or after `before` stay: the database refuses them even here.
    """
    permit = LogPurge.objects.create(before=before)
    activity = ActivityLog.objects.filter(timestamp__lt=before)._raw_delete(ActivityLog.objects.db)
    access = AccessLog.objects.filter(timestamp__lt=before)._raw_delete(AccessLog.objects.db)
    LogPurge.objects.filter(pk=permit.pk).delete()  # the permit never outlives the transaction
    removed = activity + access
    if removed:
        log_action(
            permit,
            "logs.purged",
            by=by,
            data={"before": before.isoformat(), "activity_log": activity, "access_log": access},
        )
    return removed
