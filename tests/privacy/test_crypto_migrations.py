"""The migrations that encrypt existing rows run both ways on data: backwards every value is
plain text again (and a sensitive answer a plain number), forwards a token again."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from koppel.matches.models import Concern
from koppel.people.models import Intake, Interview, Reference, SelfDisclosure
from koppel.surveys.models import Answer
from tests.factories.concern import ClosedConcernFactory
from tests.factories.intake import IntakeFactory
from tests.factories.screening import InterviewFactory, ReferenceFactory, SelfDisclosureFactory
from tests.factories.survey import AnswerFactory, AssignmentFactory, small_instrument
from tests.privacy.crypto_helpers import KEY_A, is_token_under, raw_column

BEFORE = [
    ("people", "0011_phone_numbers_validated"),
    ("matches", "0008_consent_parties_protected"),
    ("surveys", "0006_assignment_link_version"),
]
AFTER = [
    ("people", "0012_screening_and_intake_notes_encrypted"),
    ("matches", "0009_concern_text_encrypted"),
    ("surveys", "0007_sensitive_answers_encrypted"),
]
pytestmark = pytest.mark.django_db(transaction=True)

QUALITIES = {"reliable": {"score": 4, "remark": "Altijd op tijd"}}


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _migrate_to_newest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def rows(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    sensitive = small_instrument(domain="substances", threshold=None, drop=None, sensitive=True)
    data = {
        "reference": ReferenceFactory(notes="Zeer betrouwbaar"),
        "blank": ReferenceFactory(notes=""),
        "disclosure": SelfDisclosureFactory(other_details="Boete", review_notes="Geen bezwaar"),
        "interview": InterviewFactory(motivation="Iets terugdoen", qualities=QUALITIES),
        "intake": IntakeFactory(motivation="Beter plannen", wish_kind_of_person="Sportief"),
        "concern": ClosedConcernFactory(text="Zorg", outcome="Besproken"),
        "answer": AnswerFactory(assignment=AssignmentFactory(instrument=sensitive), value=4),
        "plain_answer": AnswerFactory(value=2),
    }
    yield data
    _migrate_to_newest()  # whatever happened, the database ends on the newest state


PLAIN = [
    ("reference", "notes", "Zeer betrouwbaar"),
    ("disclosure", "other_details", "Boete"),
    ("disclosure", "review_notes", "Geen bezwaar"),
    ("interview", "motivation", "Iets terugdoen"),
    ("intake", "motivation", "Beter plannen"),
    ("intake", "wish_kind_of_person", "Sportief"),
    ("concern", "text", "Zorg"),
    ("concern", "outcome", "Besproken"),
]


def test_migrations_decrypt_backwards_and_encrypt_forwards(rows):
    _migrate(BEFORE)
    for name, field, text in PLAIN:
        assert raw_column(rows[name], field) == text, (name, field)
    assert raw_column(rows["blank"], "notes") == ""
    qualities = raw_column(rows["interview"], "qualities")
    assert (json.loads(qualities) if isinstance(qualities, str) else qualities) == QUALITIES
    assert raw_column(rows["answer"], "value") == 4
    assert raw_column(rows["plain_answer"], "value") == 2

    _migrate(AFTER)
    for name, field, _text in PLAIN:
        assert is_token_under(raw_column(rows[name], field), KEY_A), (name, field)
    assert raw_column(rows["blank"], "notes") == ""
    assert is_token_under(raw_column(rows["interview"], "qualities"), KEY_A)
    assert raw_column(rows["answer"], "value") is None
    assert is_token_under(raw_column(rows["answer"], "sealed_value"), KEY_A)
    assert raw_column(rows["plain_answer"], "value") == 2

    assert Reference.objects.get(pk=rows["reference"].pk).notes == "Zeer betrouwbaar"
    assert SelfDisclosure.objects.get(pk=rows["disclosure"].pk).review_notes == "Geen bezwaar"
    assert Interview.objects.get(pk=rows["interview"].pk).qualities == QUALITIES
    assert Intake.objects.get(pk=rows["intake"].pk).wish_kind_of_person == "Sportief"
    assert Concern.objects.get(pk=rows["concern"].pk).outcome == "Besproken"
    assert Answer.objects.get(pk=rows["answer"].pk).given == 4


def test_running_the_encryption_forwards_twice_encrypts_once(rows):
    from django.apps import apps

    from koppel.common.encryption_migrations import encrypt_rows

    before = raw_column(rows["reference"], "notes")
    encrypt_rows(apps.get_model("people", "Reference"), ["notes"])
    assert raw_column(rows["reference"], "notes") == before
    assert Reference.objects.get(pk=rows["reference"].pk).notes == "Zeer betrouwbaar"
