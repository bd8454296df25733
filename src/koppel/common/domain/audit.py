"""The audit trail: every change and every view of a person is written down.

Both logs are append-only, in the application (`AppendOnlyModel`) and in the database (triggers in
common/guards.py): no row is changed or deleted, except by the retention purge
(common/domain/retention.py). Each row records who acted twice: the user (a foreign key, cleared
when the account is deleted) and a label written with the row, so the trail still says who it was.
The label is the user's name and user number, never the e-mail address: enough for a privacy
officer to tell people apart and find the account's own history, no contact details in the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from koppel.common.models import AccessLog, ActivityLog

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from koppel.accounts.models import User

# Who acted: a user, an anonymous visitor (a public form) or no one (the system, a background job).
# Evaluated lazily, so the names above are needed by the type checker only.
type Actor = User | AnonymousUser | None


def _actor_id(user: Actor) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def actor_label(user: Actor) -> str:
    """Who acted, as kept in the log when their account is gone: "name (#user id)"; "" for the
    system (no user, or an anonymous visitor)."""
    if user is None or _actor_id(user) is None:
        return ""
    name = (getattr(user, "name", "") or "").strip()
    return f"{name} (#{user.pk})" if name else f"#{user.pk}"


def log_action(
    obj: models.Model,
    action: str,
    *,
    by: Actor,
    fields: Iterable[str] = (),
    data: dict[str, Any] | None = None,
) -> ActivityLog:
    """Write one activity-log row: ids and changed field names, never the values themselves."""
    return ActivityLog.objects.create(
        actor_id=_actor_id(by),
        actor_label=actor_label(by),
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        fields=sorted(fields),
        data=data or {},
    )


def log_actions_bulk(
    objs: Iterable[models.Model], action: str, *, by: Actor, fields: Iterable[str] = ()
) -> list[ActivityLog]:
    """The same as log_action for many objects in one INSERT (bulk edits and imports)."""
    objs = list(objs)
    if not objs:
        return []
    content_type = ContentType.objects.get_for_model(objs[0])
    field_list = sorted(fields)
    label = actor_label(by)
    return ActivityLog.objects.bulk_create(
        ActivityLog(
            actor_id=_actor_id(by),
            actor_label=label,
            action=action,
            content_type=content_type,
            object_id=obj.pk,
            fields=field_list,
        )
        for obj in objs
    )


def log_access(obj: models.Model, *, by: Actor, page: str) -> AccessLog:
    """Append who viewed which person on which page."""
    return AccessLog.objects.create(
        viewer_id=_actor_id(by),
        viewer_label=actor_label(by),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        page=page,
    )


def history_of(obj: models.Model) -> QuerySet[ActivityLog]:
    return ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")


def access_log_of(obj: models.Model) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("viewer")


def log_access_all(objs: Iterable[models.Model], *, by: Actor, page: str) -> list[AccessLog]:
    """log_access for every person a page shows (a match's youth, mentors and guardians), in one
    INSERT; the same person is written once."""
    seen, rows = set(), []
    label, viewer_id = actor_label(by), _actor_id(by)
    for obj in objs:
        if obj is None or obj.pk is None:
            continue
        content_type = ContentType.objects.get_for_model(obj)
        if (content_type.pk, obj.pk) in seen:
            continue
        seen.add((content_type.pk, obj.pk))
        rows.append(
            AccessLog(
                viewer_id=viewer_id,
                viewer_label=label,
                content_type=content_type,
                object_id=obj.pk,
                page=page,
            )
        )
    return AccessLog.objects.bulk_create(rows) if rows else []
