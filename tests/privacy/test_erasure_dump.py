"""The proof of erasure: after erasing a mentor, a youth and a parent, not one of their distinctive
values is anywhere in the database, in any table, on SQLite and on PostgreSQL (run this file with
DATABASE_URL pointing at a PostgreSQL database). Only what art. 17(3) keeps stays: a disqualified
mentor's name, date of birth and e-mail address."""

import pytest
from django.db import connection
from django.urls import reverse

from koppel.people.models import Mentor, Youth
from koppel.privacy.domain.erasure import erase_person
from tests.privacy.erasure_world import ALL_SECRETS, MENTOR, MENTOR_BORN, TEXT, build_world

pytestmark = pytest.mark.django_db


def dump_database() -> str:
    """Every column of every row of every table, as text."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT CAST(t.* AS text) FROM {quoted} AS t")  # noqa: S608
                parts += [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608
                for row in cursor.fetchall():
                    parts.append(" | ".join(_text(v) for v in row))
    return "\n".join(parts)


def _text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _found(dump: str, values) -> list[str]:
    lowered = dump.casefold()
    return [v for v in values if v.casefold() in lowered]


def test_no_value_of_the_erased_people_is_left_anywhere_in_the_database(cast):
    world = build_world(cast)
    assert set(_found(dump_database(), ALL_SECRETS)) == set(ALL_SECRETS)  # the dump does see them
    erase_person(world.mentor, by=cast.admin, reason=f"Asked by {MENTOR['first_name']} by mail")
    erase_person(world.youth, by=cast.admin, reason="Asked by the family")  # and the parent with them
    dump = dump_database()
    assert _found(dump, ALL_SECRETS) == []
    assert MENTOR_BORN.isoformat() not in dump


def test_a_disqualified_mentor_keeps_only_what_identifies_them(cast):
    world = build_world(cast, mentor_status="ready")
    Mentor.objects.filter(pk=world.mentor.pk).update(
        status="disqualified", disqualification_reason="vog_refused"
    )
    erase_person(world.mentor, by=cast.admin, reason="Asked by mail")
    erase_person(world.youth, by=cast.admin, reason="Asked by the family")
    dump = dump_database()
    kept = [MENTOR["first_name"], MENTOR["last_name"], MENTOR["email"]]
    assert _found(dump, kept) == kept
    assert MENTOR_BORN.isoformat() in dump
    assert _found(dump, [v for v in ALL_SECRETS if v not in kept]) == []
    assert TEXT not in dump


# What the intake walkthrough (tests/test_intake_walkthrough.py) types into the real pages: a mentor's
# public application, interview, references, VOG, self-disclosure, training; a youth's registration
# with their mother, the intake, the waiting list. Each of these texts is typed only there.
WALKED = [
    "sanne@example.org",
    "06-12345678",
    "I want to give back.",
    "Wants to help a young person find their way.",
    "Open and patient.",
    "Always on time.",
    "Former manager",
    "Warmly recommended.",
    "fatima@example.org",
    "Fatima",
    "Bakker",  # the youth's and the mother's last name ("Noor" is in the factories' "Feijenoord")
    "Wants someone to talk to outside the family.",
    "Calm, likes football",
    "Find a sports club and keep going to school.",
]


IDENTITY = ["sanne@example.org", "06-12345678", "fatima@example.org", "Fatima", "Bakker"]


def test_nothing_typed_into_the_real_pages_is_left_after_erasure(
    cast, client_for, django_capture_on_commit_callbacks
):
    from tests import test_intake_walkthrough as walk

    cast.coordinator.language = "en"
    cast.coordinator.save()
    staff = client_for(cast.coordinator)
    walk.test_mentor_walks_from_campaign_link_to_ready_to_match(
        cast, staff, client_for, django_capture_on_commit_callbacks
    )
    walk.test_youth_walks_from_registration_to_the_waiting_list(cast, staff)
    # The dump sees them (the texts a field-encrypting database stores only as ciphertext aside).
    assert set(IDENTITY) <= set(_found(dump_database(), WALKED))
    mentor = Mentor.objects.get(email="sanne@example.org")
    youth = Youth.objects.get(first_name="Noor", last_name="Bakker")
    # The administrator erases them through the erasure page, as they would in the browser.
    admin = client_for(cast.admin)
    for person, kind in ((mentor, "mentor"), (youth, "youth")):
        response = admin.post(
            reverse(f"staff:{kind}_erase", args=[person.pk]),
            {"reason": "Asked by e-mail", "confirm_name": person.full_name},
        )
        assert response.status_code == 302, response.text
    dump = dump_database()
    assert _found(dump, WALKED) == []
