"""What a subject access archive holds, and what it leaves out: other people's names in free text,
a referee's contact details, other guardians' contact details, sensitive answers for a parent."""

import io
import json
import zipfile

import pytest
from django.utils import translation

from koppel.common.domain.audit import log_access
from koppel.common.domain.mail import queue_mail
from koppel.matches.models import Concern
from koppel.privacy.domain import datamap
from koppel.privacy.domain.access import request_access_archive, run_access_request
from koppel.privacy.domain.archive import redact_third_parties
from koppel.privacy.enums import RetentionRule
from tests import factories as f
from tests.factories.screening import InterviewFactory, ReferenceFactory
from tests.factories.survey import AnswerFactory, AssignmentFactory, small_instrument

pytestmark = pytest.mark.django_db


def archive_of(person, *, by, on_behalf_of=None) -> dict[str, str]:
    access = request_access_archive(person, by=by, on_behalf_of=on_behalf_of)
    access = run_access_request(access.pk)
    assert access.status == "done", access.error
    with zipfile.ZipFile(io.BytesIO(bytes(access.content))) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def everything(files: dict[str, str]) -> str:
    return "\n".join(files.values())


def section(files: dict[str, str], key: str) -> dict:
    data = json.loads(files["data.json"])
    return next(s for s in data["sections"] if s["key"] == key)


NAMES = {
    "mentor_row": ("Wubbo", "Ockels"),
    "other_mentor_row": ("Xandrina", "Pels"),
    "youth_row": ("Ysolde", "Quist"),
    "other_youth_row": ("Quirijn", "Rademaker"),
    "guardian_row": ("Zwaantje", "Quist-Smit"),
}


@pytest.fixture(autouse=True)
def named(cast):
    """Names that appear nowhere else (the factories' names repeat across models)."""
    for n, (attr, (first, last)) in enumerate(NAMES.items()):
        person = getattr(cast, attr)
        values = {"first_name": first, "last_name": last, "email": f"{first.lower()}@example.org"}
        type(person).objects.filter(pk=person.pk).update(**values, postcode=f"97{n}1QZ")
        person.refresh_from_db()


def english(person):
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])


# --- redact_third_parties ------------------------------------------------------------------------


def test_redaction_replaces_a_full_name_as_one():
    text = "Jan de Vries belde; jan zei dat DE VRIES later komt."
    assert redact_third_parties(text, ["Jan de Vries", "Jan", "de Vries"], replacement="[x]") == (
        "[x] belde; [x] zei dat [x] later komt."
    )


def test_redaction_takes_whole_words_only_and_skips_short_names():
    text = "Anna en Annabel, met Bo."
    assert redact_third_parties(text, ["Anna", "Bo"], replacement="[x]") == "[x] en Annabel, met Bo."


def test_redaction_finds_a_name_across_a_line_break_and_leaves_text_without_names():
    assert redact_third_parties("Kees\nJansen kwam", ["Kees Jansen"], replacement="[x]") == "[x] kwam"
    assert redact_third_parties("Niets bijzonders.", ["Kees"]) == "Niets bijzonders."
    assert redact_third_parties("", ["Kees"]) == ""


def test_redaction_says_name_removed_in_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        assert redact_third_parties("Kees kwam", ["Kees"]) == "[name removed] kwam"


# --- A mentor -------------------------------------------------------------------------------------


@pytest.fixture
def mentor_file(cast):
    english(cast.mentor_row)
    cast.coordinator.name = "Carla Coordinatrix"
    cast.coordinator.save(update_fields=["name"])
    ReferenceFactory(
        mentor=cast.mentor_row,
        name="Henk Referentman",
        email="henk.referee@example.org",
        phone="0612345678",
        notes="Henk Referentman spoke warmly; checked with Carla Coordinatrix.",
    )
    InterviewFactory(mentor=cast.mentor_row, attitude_ideas="Calm and reliable.")
    other = cast.other_youth_row
    Concern.objects.create(
        programme=cast.programme,
        match=cast.match,
        raised_by=cast.guardian,
        raised_as="guardian",
        text=f"After the meeting {other.first_name} {other.last_name} was upset; "
        f"{cast.youth_row.first_name} told Carla Coordinatrix.",
    )
    return cast


def test_a_mentors_archive_has_a_summary_json_and_a_csv_per_section(mentor_file):
    files = archive_of(mentor_file.mentor_row, by=mentor_file.admin)
    assert {"summary.html", "data.json", "profile.csv", "references.csv", "concerns.csv"} <= set(files)
    keys = [s["key"] for s in json.loads(files["data.json"])["sections"]]
    for key in (
        "profile",
        "pipeline",
        "interviews",
        "references",
        "certificates",
        "disclosures",
        "training_registrations",
        "external_hours",
        "hours_ledger",
        "matches",
        "agreements",
        "consents",
        "meetings",
        "support_contacts",
        "concerns",
        "surveys",
        "answers",
        "scores",
        "account",
        "mails",
        "access_log",
        "activity_log",
    ):
        assert key in keys
        assert f"{key}.csv" in files
    assert mentor_file.mentor_row.full_name in files["summary.html"]
    assert "Calm and reliable." in files["interviews.csv"]


def test_a_referees_name_phone_and_email_are_not_in_a_mentors_archive(mentor_file):
    text = everything(archive_of(mentor_file.mentor_row, by=mentor_file.admin))
    assert "0612345678" not in text
    assert "henk.referee@example.org" not in text
    assert "Referentman" not in text
    # The reviewer's remark itself is the mentor's data (art. 15), with the names taken out.
    assert "[name removed] spoke warmly; checked with [name removed]." in text


def test_names_of_other_people_are_removed_from_a_concern_about_the_mentor(mentor_file):
    files = archive_of(mentor_file.mentor_row, by=mentor_file.admin)
    concern = section(files, "concerns")["rows"][0]
    other = mentor_file.other_youth_row
    assert other.last_name not in everything(files) and other.first_name not in concern["text"]
    assert "Carla" not in concern["text"]
    assert concern["text"].startswith("After the meeting [name removed] was upset; [name removed] told")
    # Someone else raised it: who, stays with the programme.
    assert concern["raised_by_you"] is False and concern["raised_as"] == ""


def test_the_match_partner_is_named_by_first_name_only(mentor_file):
    files = archive_of(mentor_file.mentor_row, by=mentor_file.admin)
    youth = mentor_file.youth_row
    assert section(files, "matches")["rows"][0]["partner"] == youth.first_name
    text = everything(files)
    assert youth.last_name not in text
    assert youth.email not in text and youth.postcode not in text


# --- A youth, asked for by a guardian --------------------------------------------------------------


@pytest.fixture
def youth_file(cast):
    english(cast.youth_row)
    other_parent = f.GuardianshipFactory(
        youth=cast.youth_row, guardian__phone="0698765432", relation="father"
    ).guardian
    plain = small_instrument()
    sensitive = small_instrument(sensitive=True)
    for instrument in (plain, sensitive):
        assignment = AssignmentFactory(youth=cast.youth_row, instrument=instrument, status="submitted")
        AnswerFactory(assignment=assignment, value=4)
    Concern.objects.create(
        programme=cast.programme,
        match=cast.match,
        raised_by=cast.youth,
        raised_as="youth",
        text=f"{cast.mentor_row.first_name} {cast.mentor_row.last_name} and "
        f"{cast.other_youth_row.first_name} laughed at me.",
    )
    return cast, other_parent, plain, sensitive


def test_a_youths_archive_asked_by_a_guardian(youth_file):
    cast, other_parent, _plain, _sensitive = youth_file
    files = archive_of(cast.youth_row, by=cast.guardian)
    text = everything(files)
    assert cast.youth_row.full_name in files["summary.html"]
    guardians = {row["name"]: row for row in section(files, "guardians")["rows"]}
    # Both parents are named: they are the youth's own context.
    assert set(guardians) == {cast.guardian_row.full_name, other_parent.full_name}
    # Only the asking guardian's own contact details are in it.
    assert guardians[cast.guardian_row.full_name]["email"] == cast.guardian_row.email
    assert guardians[other_parent.full_name]["email"] == ""
    assert other_parent.email not in text and "0698765432" not in text
    # The mentor by first name in the match, by no name in the youth's concern.
    assert section(files, "matches")["rows"][0]["partner"] == [cast.mentor_row.first_name]
    assert cast.mentor_row.last_name not in text
    concern = section(files, "concerns")["rows"][0]
    assert concern["text"] == "[name removed] and [name removed] laughed at me."
    # The archive speaks to the youth, who raised it (the guardian only asked for the copy).
    assert concern["raised_by_you"] is True
    assert cast.other_youth_row.first_name not in text


def test_a_parent_does_not_get_a_youths_answers_to_sensitive_questions(youth_file):
    cast, _other, plain, sensitive = youth_file
    files = archive_of(cast.youth_row, by=cast.guardian)
    questions = [row["question"] for row in section(files, "answers")["rows"]]
    assert questions == [plain.items.first().text_en]
    assert sensitive.items.first().text_en not in everything(files)
    assert section(files, "answers")["note"]


def test_a_youth_of_16_gets_their_own_sensitive_answers_and_concern_as_raised_by_them(youth_file):
    cast, _other, plain, sensitive = youth_file
    from tests.privacy.test_access_rules import set_birth, sixteenth_birthday_in

    set_birth(cast.youth_row, sixteenth_birthday_in(-3))
    files = archive_of(cast.youth_row, by=cast.youth)
    questions = {row["question"] for row in section(files, "answers")["rows"]}
    assert questions == {plain.items.first().text_en, sensitive.items.first().text_en}
    concern = section(files, "concerns")["rows"][0]
    assert concern["raised_by_you"] is True and concern["raised_as"] == "Youth"
    # No guardian asked: no guardian's contact details.
    assert all(row["email"] == "" for row in section(files, "guardians")["rows"])


# --- A guardian -----------------------------------------------------------------------------------


def test_a_guardians_archive_has_children_account_mails_and_who_looked(cast):
    english(cast.guardian_row)
    cast.admin.name = "Ada Administratrix"
    cast.admin.save(update_fields=["name"])
    log_access(cast.guardian_row, by=cast.admin, page="staff:guardian_detail")
    log_access(cast.guardian_row, by=cast.mentor, page="portal:youth_detail")
    queue_mail(
        cast.guardian_row.email,
        language="en",
        subject="Your consent is needed",
        template="privacy/mail/access_ready.txt",
        context={"link": "x", "days": 1},
        log_ref="test",
    )
    files = archive_of(cast.guardian_row, by=cast.guardian)
    assert section(files, "children")["rows"][0]["name"] == cast.youth_row.full_name
    account = section(files, "account")["rows"][0]
    assert account["email"] == cast.guardian.email and account["mfa"] is False
    assert '"password":' not in files["data.json"] and cast.guardian.password not in everything(files)
    assert [row["subject"] for row in section(files, "mails")["rows"]] == ["Your consent is needed"]
    viewers = section(files, "access_log")["rows"]
    assert {"role": "Administrator", "name": "Ada Administratrix"}.items() <= viewers[0].items()
    assert viewers[0]["page"] == "staff:guardian_detail"
    # Someone who is not staff is only named by their role.
    assert viewers[1]["name"] == "" and viewers[1]["role"]


def test_a_section_carries_purpose_recipients_source_and_retention_from_the_data_map(cast, monkeypatch):
    english(cast.mentor_row)
    entry = datamap.ModelEntry(
        purpose="To match mentors with youth",
        recipients="The programme's coordinators",
        source="The mentor's application",
        retention=RetentionRule.PERSON_RECORD,
    )
    monkeypatch.setitem(datamap.DATA_MAP, "people.Mentor", entry)
    files = archive_of(cast.mentor_row, by=cast.admin)
    profile = section(files, "profile")
    assert profile["purpose"] == "To match mentors with youth"
    assert profile["recipients"] == "The programme's coordinators"
    assert profile["source"] == "The mentor's application"
    with translation.override("en"):  # the mentor's language
        assert profile["retention"] == str(RetentionRule.PERSON_RECORD.label)
    for text in ("To match mentors with youth", "The mentor&#x27;s application", "Why we keep this"):
        assert text in files["summary.html"]
    # A section whose model is not in the map says nothing about it.
    monkeypatch.delitem(datamap.DATA_MAP, "people.Reference", raising=False)
    files = archive_of(cast.mentor_row, by=cast.admin)
    assert section(files, "references")["purpose"] == ""


def test_the_summary_is_in_the_subjects_preferred_language(cast):
    dutch = archive_of(cast.guardian_row, by=cast.admin)
    assert "Geboortedatum" not in dutch["summary.html"]  # a guardian's profile has no date of birth
    assert "Voornaam" in dutch["summary.html"] and "First name" not in dutch["summary.html"]
    english(cast.mentor_row)
    files = archive_of(cast.mentor_row, by=cast.admin)
    assert "First name" in files["summary.html"] and "Date of birth" in files["summary.html"]
    assert "Voornaam" not in files["summary.html"]
    assert '<html lang="en">' in files["summary.html"]
