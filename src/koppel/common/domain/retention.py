"""Retention of the audit trail: the one way log rows ever leave the database.

The activity and access logs are append-only (common/guards.py): the database refuses to delete a
row unless this module's purge holds a permit for it. `koppel send_reminders` runs the purge with the
retention period from the settings (LOG_RETENTION_DAYS).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from koppel.common.domain.audit import log_action
from koppel.common.models import AccessLog, ActivityLog, LogPurge, LogRedaction

if TYPE_CHECKING:
    from koppel.accounts.models import User


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    """Log rows older than this are past the retention period (settings.LOG_RETENTION_DAYS)."""
    return (now or timezone.now()) - timedelta(days=settings.LOG_RETENTION_DAYS)


@transaction.atomic
def purge_logs(*, before: datetime, by: User | None = None) -> int:
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


def names_any(text: str, needles: Iterable[str]) -> bool:
    """Whether `text` holds one of `needles` as a whole word or phrase, whatever its case ("Ali" is
    in "Ali Yilmaz" and "ali@example.org", not in "quality")."""
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.IGNORECASE) for n in needles)


def _scrub(value: object, needles: list[str]) -> object:
    """`value` (a log row's details) with every text that names one of `needles` emptied."""
    if isinstance(value, dict):
        return {k: _scrub(v, needles) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, needles) for v in value]
    if isinstance(value, str) and names_any(value, needles):
        return ""
    return value


def _permitted_update(
    model: type[ActivityLog] | type[AccessLog], table: str, rows: dict[int, dict[str, object]]
) -> int:
    """Write `rows` (log row id -> new values) under a permit per row, removed again at once."""
    if not rows:
        return 0
    permits = LogRedaction.objects.bulk_create(LogRedaction(log_table=table, row_id=pk) for pk in rows)
    for pk, values in rows.items():
        # The append-only queryset refuses update(); this is the one path that may, under the permit.
        models.QuerySet.update(model.objects.filter(pk=pk), **values)
    LogRedaction.objects.filter(pk__in=[p.pk for p in permits]).delete()
    return len(rows)


@transaction.atomic
def redact_logs(*, user_id: int | None, values: Iterable[str] = ()) -> int:
    """Make the audit trail stop naming one person: the label of every row that user `user_id`
    wrote becomes "#<user id>", and any text in an activity row's details that holds one of `values`
    (names, addresses) is emptied. Returns how many rows were rewritten.

    For an erasure (GDPR art. 17) only. Holds the database's permit for exactly the rows it
    rewrites, inside its own transaction; what was done, to which object and when stays as written.
    """
    needles = sorted({v.strip().casefold() for v in values if v and len(v.strip()) >= 3})
    activity: dict[int, dict] = {}
    access: dict[int, dict] = {}
    if user_id is not None:
        label, suffix = f"#{user_id}", f"(#{user_id})"
        for pk in ActivityLog.objects.filter(actor_label__endswith=suffix).values_list("pk", flat=True):
            activity[pk] = {"actor_label": label}
        for pk in AccessLog.objects.filter(viewer_label__endswith=suffix).values_list("pk", flat=True):
            access[pk] = {"viewer_label": label}
    if needles:
        text = ActivityLog.objects.annotate(text=Cast("data", TextField()))
        named = models.Q()
        for needle in needles:
            # SQLite keeps JSON with non-ASCII letters escaped, PostgreSQL as they are.
            named |= models.Q(text__icontains=needle) | models.Q(text__icontains=json.dumps(needle)[1:-1])
        for pk, data in text.filter(named).values_list("pk", "data"):
            scrubbed = _scrub(data, needles)
            if scrubbed != data:
                activity.setdefault(pk, {})["data"] = scrubbed
    return _permitted_update(ActivityLog, "common_activitylog", activity) + _permitted_update(
        AccessLog, "common_accesslog", access
    )
