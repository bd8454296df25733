"""The demo's content stays what it was when the fixture was recorded (see tests/demo/snapshot.py)."""

import json
import os

import pytest

from tests.demo.snapshot import FIXTURE, demo_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_content_matches_the_snapshot():
    snapshot = demo_snapshot()
    if os.environ.get("KOPPEL_UPDATE_DEMO_SNAPSHOT") == "1":
        FIXTURE.parent.mkdir(exist_ok=True)
        FIXTURE.write_text(json.dumps(snapshot, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    recorded = json.loads(FIXTURE.read_text())
    assert {label: entry["rows"] for label, entry in snapshot.items()} == {
        label: entry["rows"] for label, entry in recorded.items()
    }
    for label, entry in recorded.items():
        assert snapshot[label]["fields"] == entry["fields"], label
        assert snapshot[label]["digest"] == entry["digest"], label
