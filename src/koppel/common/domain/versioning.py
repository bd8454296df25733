"""Optimistic locking: an update only lands when nobody saved the row since it was loaded."""

from django.db import models
from django.db.models import F
from django.utils import timezone

from koppel.common.domain.audit import Actor, log_action
from koppel.common.domain.errors import ConflictError
from koppel.common.models import KoppelModel


def changed_fields(obj: models.Model, new_values: dict) -> list[str]:
    """Names of the fields whose value differs from `obj`'s (many-to-many compared as sets)."""
    changed = []
    for name, value in new_values.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            current = {o.pk for o in getattr(obj, name).all()} if obj.pk else set()
            if current != {o.pk for o in value}:
                changed.append(name)
        elif isinstance(value, list) and isinstance(getattr(obj, name), list):
            # Lists here are sets of codes (languages, availability): order carries no meaning.
            if sorted(map(str, getattr(obj, name))) != sorted(map(str, value)):
                changed.append(name)
        elif getattr(obj, name) != value:
            changed.append(name)
    return changed


def save_versioned(obj: KoppelModel, values: dict, *, expected_version: int) -> list[str]:
    """Apply `values` to `obj` and save it if its version is still `expected_version`.

    Raises ConflictError when another save came first. Returns the names of the changed fields.
    Must run inside a transaction (the caller's domain function holds one).
    """
    # Compare with the stored row, not `obj`: a bound ModelForm has already copied its data onto it.
    stored = type(obj)._base_manager.get(pk=obj.pk)
    changed = changed_fields(stored, values)
    plain = {k: v for k, v in values.items() if not obj._meta.get_field(k).many_to_many}
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        plain["updated_at"] = timezone.now()
    updated = (
        type(obj)
        ._base_manager.filter(pk=obj.pk, version=expected_version)
        .update(**plain, version=F("version") + 1)
    )
    if updated != 1:
        raise ConflictError()
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            getattr(obj, name).set(value)
        else:
            setattr(obj, name, value)
    obj.version = expected_version + 1
    return changed


def save_versioned_and_log(
    obj: KoppelModel, values: dict, *, expected_version: int, by: Actor, action: str
) -> list[str]:
    """`save_versioned`, and when a field changed an activity-log entry `action` by `by` that names
    the changed fields. Returns the names of the changed fields."""
    changed = save_versioned(obj, values, expected_version=expected_version)
    if changed:
        log_action(obj, action, by=by, fields=changed)
    return changed
