"""A fingerprint of the demo's content, to show that a change to how the demo is built left its data alone.

`demo_snapshot()` loads the demo into the (empty) test database at a fixed moment and returns, per
model, the number of rows and digests of what they say: one digest of whole rows and one per field, so
a difference points at the field that moved. Dates and times are written as days (and the clock time)
relative to that moment. Left out, because they differ between two equal demos:

- primary keys, and foreign keys as ids: a reference is written as a label of the row it points at
  (its own fields and, two steps deep, those of the rows it points at in turn);
- the wall-clock time of fields whose default (`timezone.now`) the stopped clock cannot reach;
- version counters (a domain function may save a row twice), password hashes, random tokens and
  keys built from primary keys;
- the logs that domain functions add to as they work: the activity and access logs, failed attempts,
  rate-limit windows, queued mail and reminders.

Regenerate tests/demo/fixtures/demo_snapshot.json after a deliberate change to the demo's content with
`KOPPEL_UPDATE_DEMO_SNAPSHOT=1 uv run pytest -n 0 tests/demo/test_demo_snapshot.py`, and say why in the
commit.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

FIXTURE = Path(__file__).parent / "fixtures" / "demo_snapshot.json"
# A Wednesday in the school year, at noon in the organisation's time zone (no DST change nearby).
NOW = datetime(2026, 10, 14, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TODAY = NOW.date()

APPS = {"common", "accounts", "programmes", "people", "matches", "training", "surveys", "reports", "privacy"}
SKIPPED_MODELS = {
    "common.ActivityLog",
    "common.AccessLog",
    "common.FailedAttempt",
    "common.LogPurge",
    "common.LogRedaction",
    "common.OutgoingMail",
    "common.RateLimitWindow",
    "common.Reminder",
}
SKIPPED_FIELDS = {
    "version",
    "password",  # salted: a new hash every run
    "last_login",
    "token",  # campaign links: random
    "key",  # survey assignments: built from primary keys
    "pair_key",  # survey scores: built from primary keys
    "link_version",
    "claimed_by",  # a worker id: host and process
}
# Fields that hold a list of primary keys: compared by the rows they name, as foreign keys are (on
# PostgreSQL a test database's ids depend on what ran before).
# The engine's explanation of a proposal names mentors by id deep inside its JSON: left out (the
# proposal's youth, mentors, score and decision are compared).
SKIPPED_MODEL_FIELDS = {("matches.RoundProposal", "details"), ("matches.RoundProposal", "alternatives")}
ID_LISTS = {
    ("matches.MatchRound", "mentor_ids"): "people.Mentor",
    ("matches.MatchRound", "youth_ids"): "people.Youth",
}


def _plain(value):
    """A JSON-friendly, run-independent form of one value."""
    if isinstance(value, datetime):
        # A field whose default is timezone.now took it before the clock was stopped: the wall clock.
        if abs(value - datetime.now(tz=NOW.tzinfo)) < timedelta(hours=1):
            return "now"
        local = value.astimezone(NOW.tzinfo)
        return f"{(local.date() - TODAY).days:+d}d {local.time().isoformat()}"
    if isinstance(value, date):
        return f"{(value - TODAY).days:+d}d"
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value


def _digest(values) -> str:
    text = json.dumps(sorted(json.dumps(v, sort_keys=True, ensure_ascii=False) for v in values))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class _Labels:
    """A label per row that does not depend on primary keys: the row's own fields plus, `depth`
    steps deep, the labels of the rows its foreign keys point at."""

    def __init__(self, model_list: list[type[models.Model]]):
        self.rows: dict[str, dict] = {}
        self.content_types = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
        for model in model_list:
            self.rows[model._meta.label] = {
                row["pk"]: row
                for row in model._base_manager.values("pk", *[f.attname for f in model._meta.concrete_fields])
            }
        self.memo: dict[tuple[str, object, int], str] = {}

    def own(self, model: type[models.Model], row: dict) -> dict:
        out = {}
        for f in model._meta.concrete_fields:
            if (
                f.primary_key
                or f.name in SKIPPED_FIELDS
                or (model._meta.label, f.name) in SKIPPED_MODEL_FIELDS
            ):
                continue
            value = row[f.attname]
            if f.is_relation:
                continue
            if f.name == "object_id" and row.get("content_type_id") is not None:
                # A generic link: the row it names, as for a foreign key.
                target_label = self.content_types.get(row["content_type_id"], "")
                app_label, _, model_name = target_label.partition(".")
                try:
                    target = apps.get_model(app_label, model_name)
                except LookupError:
                    out[f.name] = _plain(value)
                else:
                    out[f.name] = self.label(target, int(value) if str(value).isdigit() else value)
                continue
            named = ID_LISTS.get((model._meta.label, f.name))
            if named is not None and value:
                target = apps.get_model(named)
                out[f.name] = sorted(str(self.label(target, pk)) for pk in value)
                continue
            out[f.name] = _plain(value)
        return out

    def label(self, model: type[models.Model], pk, depth: int = 2) -> str | None:
        if pk is None:
            return None
        key = (model._meta.label, pk, depth)
        if key not in self.memo:
            row = self.rows.get(model._meta.label, {}).get(pk)
            if row is None:
                self.memo[key] = f"{model._meta.label}:missing"
                return self.memo[key]
            parts = {"own": self.own(model, row)}
            if depth > 0:
                parts["refs"] = self.refs(model, row, depth - 1)
            self.memo[key] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]
        return self.memo[key]

    def refs(self, model: type[models.Model], row: dict, depth: int) -> dict:
        out = {}
        for f in model._meta.concrete_fields:
            if not f.is_relation or f.name in SKIPPED_FIELDS:
                continue
            target = f.related_model
            value = row[f.attname]
            if target is ContentType:
                out[f.name] = self.content_types.get(value)
            else:
                out[f.name] = self.label(target, value, depth)
        return out


def _koppel_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if (m.__module__.startswith("koppel") or m._meta.auto_created)
        and m._meta.app_label in APPS
        and m._meta.label not in SKIPPED_MODELS
    ]


def snapshot_of_database() -> dict:
    model_list = _koppel_models()
    labels = _Labels(model_list)
    result = {}
    for model in sorted(model_list, key=lambda m: m._meta.label):
        rows = []
        for row in labels.rows[model._meta.label].values():
            full = dict(labels.own(model, row))
            full.update({f"{k}->": v for k, v in labels.refs(model, row, 1).items()})
            rows.append(full)
        if not rows:
            continue
        fields = sorted(rows[0])
        result[model._meta.label] = {
            "rows": len(rows),
            "digest": _digest(rows),
            "fields": {name: _digest([row[name] for row in rows]) for name in fields},
        }
    return result


def demo_snapshot() -> dict:
    """Load the demo at NOW into the empty test database and fingerprint it."""
    from koppel.demo.load import load_demo

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert load_demo() is True
        return snapshot_of_database()
