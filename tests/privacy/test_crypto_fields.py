"""Encryption at rest of screening notes, disclosures, intake notes and concerns: the models, forms
and pages see the text, the database holds only Fernet tokens, and a value no key decrypts fails
closed."""

import pytest
from django.core.exceptions import FieldError
from django.db.models import TextField, Value
from django.urls import reverse

from koppel.common import crypto
from koppel.common.checks import check_production_settings
from koppel.common.fields import EncryptedTextField, UndecryptableValue
from koppel.matches.models import Concern
from koppel.people.models import Intake, Interview, PipelineEvent, Reference, SelfDisclosure
from tests import factories as f
from tests.factories.concern import ClosedConcernFactory, ConcernFactory
from tests.factories.intake import IntakeFactory
from tests.factories.screening import InterviewFactory, ReferenceFactory, SelfDisclosureFactory
from tests.privacy.crypto_helpers import KEY_A, KEY_B, is_token_under, raw_column

pytestmark = pytest.mark.django_db

SECRET = "Heeft in 2019 een taakstraf gehad voor winkeldiefstal."


@pytest.fixture
def keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    settings.FIELD_ENCRYPTION_KEY = ""
    return settings


def _pipeline_event(**values):
    return PipelineEvent.objects.create(mentor=f.MentorFactory(), to_status="applied", **values)


# (factory, field): every free-text field encrypted at rest.
ENCRYPTED = [
    (lambda **v: InterviewFactory(**v), "motivation"),
    (lambda **v: InterviewFactory(**v), "attitude_ideas"),
    (lambda **v: ReferenceFactory(**v), "notes"),
    (lambda **v: SelfDisclosureFactory(**v), "other_details"),
    (lambda **v: SelfDisclosureFactory(**v), "review_notes"),
    (lambda **v: IntakeFactory(**v), "motivation"),
    (lambda **v: IntakeFactory(**v), "wish_kind_of_person"),
    (lambda **v: ConcernFactory(**v), "text"),
    (lambda **v: ClosedConcernFactory(**v), "outcome"),
    (_pipeline_event, "reason"),
]


def test_the_sensitive_free_text_fields_are_all_encrypted():
    found = {
        (model._meta.label, field.name)
        for model in (Interview, Reference, SelfDisclosure, Intake, Concern, PipelineEvent)
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    }
    assert found == {
        ("people.Interview", "motivation"),
        ("people.Interview", "attitude_ideas"),
        ("people.Interview", "qualities"),
        ("people.Reference", "notes"),
        ("people.SelfDisclosure", "other_details"),
        ("people.SelfDisclosure", "review_notes"),
        ("people.Intake", "motivation"),
        ("people.Intake", "wish_kind_of_person"),
        ("matches.Concern", "text"),
        ("matches.Concern", "outcome"),
        ("people.PipelineEvent", "reason"),
    }


@pytest.mark.parametrize(("make", "field"), ENCRYPTED)
def test_round_trip_and_the_column_holds_a_token(keys, make, field):
    obj = make(**{field: SECRET})
    stored = raw_column(obj, field)
    assert SECRET not in stored
    assert is_token_under(stored, KEY_A)
    fresh = type(obj).objects.get(pk=obj.pk)
    assert getattr(fresh, field) == SECRET
    assert type(obj).objects.filter(pk=obj.pk).values_list(field, flat=True).get() == SECRET


@pytest.mark.parametrize(("make", "field"), [(m, fl) for m, fl in ENCRYPTED if fl not in ("text", "outcome")])
def test_a_blank_value_stays_blank(keys, make, field):
    obj = make(**{field: ""})
    assert raw_column(obj, field) == ""
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == ""
    assert type(obj).objects.filter(pk=obj.pk, **{field: ""}).exists()


def test_each_save_writes_a_new_token_for_the_same_text(keys):
    interview = InterviewFactory(motivation=SECRET)
    first = raw_column(interview, "motivation")
    interview.save()
    assert raw_column(interview, "motivation") != first


def test_interview_qualities_with_remarks_are_encrypted_as_json(keys):
    qualities = {"reliable": {"score": 4, "remark": "Altijd op tijd, maar kort van stof."}}
    interview = InterviewFactory(qualities=qualities)
    stored = raw_column(interview, "qualities")
    assert "Altijd op tijd" not in stored and is_token_under(stored, KEY_A)
    assert Interview.objects.get(pk=interview.pk).qualities == qualities


def test_a_wrong_key_fails_closed_naming_model_and_field(keys):
    reference = ReferenceFactory(notes=SECRET)
    keys.FIELD_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(UndecryptableValue) as raised:
        Reference.objects.get(pk=reference.pk)
    assert "people.Reference.notes" in str(raised.value)
    assert SECRET not in str(raised.value)
    with pytest.raises(UndecryptableValue):
        list(Reference.objects.filter(pk=reference.pk).values_list("notes", flat=True))


def test_a_plain_text_left_in_the_column_fails_closed_too(keys):
    concern = ConcernFactory(text=SECRET)
    Concern.objects.filter(pk=concern.pk).update(text=Value("in the clear", output_field=TextField()))
    with pytest.raises(UndecryptableValue, match=r"matches\.Concern\.text"):
        Concern.objects.get(pk=concern.pk)


def test_an_older_key_still_decrypts_and_the_first_key_encrypts(keys):
    old = ReferenceFactory(notes="Oud")
    keys.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert Reference.objects.get(pk=old.pk).notes == "Oud"
    new = ReferenceFactory(notes="Nieuw")
    assert is_token_under(raw_column(new, "notes"), KEY_B)
    assert not is_token_under(raw_column(new, "notes"), KEY_A)


def test_field_encryption_key_alone_still_works_and_is_an_older_key_beside_the_list(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_ENCRYPTION_KEY = KEY_A
    reference = ReferenceFactory(notes=SECRET)
    assert is_token_under(raw_column(reference, "notes"), KEY_A)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert crypto.field_keys() == (KEY_B, KEY_A)
    assert Reference.objects.get(pk=reference.pk).notes == SECRET


def test_without_keys_the_key_is_derived_from_secret_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_ENCRYPTION_KEY = ""
    reference = ReferenceFactory(notes=SECRET)
    assert crypto.encrypts_with_derived_key()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A, "derived"]
    assert not crypto.encrypts_with_derived_key()
    assert Reference.objects.get(pk=reference.pk).notes == SECRET
    settings.SECRET_KEY = "another secret key altogether, long enough"
    with pytest.raises(UndecryptableValue):
        Reference.objects.get(pk=reference.pk)


def test_deploy_check_warns_while_the_key_is_derived_from_secret_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_ENCRYPTION_KEY = ""
    assert "koppel.W001" in {w.id for w in check_production_settings(None)}
    settings.FIELD_ENCRYPTION_KEYS = ["derived", KEY_A]
    assert "koppel.W001" in {w.id for w in check_production_settings(None)}
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A, "derived"]
    assert "koppel.W001" not in {w.id for w in check_production_settings(None)}
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_ENCRYPTION_KEY = KEY_A
    assert "koppel.W001" not in {w.id for w in check_production_settings(None)}


@pytest.mark.parametrize("lookup", ["notes", "notes__icontains", "notes__startswith", "notes__in"])
def test_searching_inside_an_encrypted_field_is_refused_not_silently_empty(keys, lookup):
    ReferenceFactory(notes=SECRET)
    value = [SECRET] if lookup.endswith("__in") else SECRET
    with pytest.raises(FieldError):
        list(Reference.objects.filter(**{lookup: value}))


def test_a_closed_concern_still_needs_an_outcome_in_the_database(keys):
    from django.db import IntegrityError

    concern = ConcernFactory(text=SECRET)
    with pytest.raises(IntegrityError):
        Concern.objects.filter(pk=concern.pk).update(status="closed")


def test_staff_pages_show_and_edit_the_text(keys, cast, client_for):
    staff = client_for(cast.coordinator)
    concern = ConcernFactory(programme=cast.programme, text=SECRET)
    page = staff.get(reverse("staff:concern_detail", args=[concern.pk]))
    assert page.status_code == 200 and SECRET in page.text

    mentor = f.MentorFactory(programme=cast.programme, status="in_screening")
    interview = InterviewFactory(mentor=mentor, attitude_ideas="Geduldig en open.")
    page = staff.get(reverse("staff:interview_edit", args=[interview.pk]))
    assert page.status_code == 200
    assert page.context["form"]["attitude_ideas"].value() == "Geduldig en open."
    page = staff.get(reverse("staff:mentor_screening", args=[mentor.pk]))
    assert "Geduldig en open." in page.text

    disclosure = SelfDisclosureFactory(mentor=mentor, other_details=SECRET)
    page = staff.get(reverse("staff:disclosure_review", args=[disclosure.pk]))
    assert page.status_code == 200 and SECRET in page.text

    youth = f.YouthFactory(programme=cast.programme, status="intake")
    IntakeFactory(youth=youth, motivation="Ik wil leren plannen.", wish_kind_of_person="Iemand rustigs")
    page = staff.get(reverse("staff:youth_intake", args=[youth.pk]))
    assert page.status_code == 200
    assert "Ik wil leren plannen." in page.text and "Iemand rustigs" in page.text


def test_the_staff_edit_form_saves_text_that_is_stored_encrypted(keys, cast, client_for):
    from tests.test_match_lifecycle_walkthrough import submit

    mentor = f.MentorFactory(programme=cast.programme, status="in_screening")
    reference = ReferenceFactory(mentor=mentor, notes="")
    response = submit(
        client_for(cast.coordinator),
        reverse("staff:reference_edit", args=[reference.pk]),
        {"notes": "Zeer betrouwbaar, werkt goed met jongeren."},
    )
    assert response.status_code == 302
    reference.refresh_from_db()
    assert reference.notes == "Zeer betrouwbaar, werkt goed met jongeren."
    assert "betrouwbaar" not in raw_column(reference, "notes")


def test_staff_searches_and_filters_still_work(keys, cast, client_for):
    staff = client_for(cast.coordinator)
    youth = f.YouthFactory(programme=cast.programme, first_name="Zeynep", last_name="Yilmaz", status="intake")
    IntakeFactory(youth=youth, motivation=SECRET)
    page = staff.get(reverse("staff:youth_list"), {"q": "yilmaz"})
    assert page.status_code == 200 and "Zeynep Yilmaz" in page.text

    mentor = f.MentorFactory(programme=cast.programme, first_name="Sanne", last_name="de Vries")
    SelfDisclosureFactory(mentor=mentor, other_details=SECRET)
    InterviewFactory(mentor=mentor, motivation=SECRET)
    page = staff.get(reverse("staff:mentor_list"), {"q": "de vries"})
    assert page.status_code == 200 and "Sanne de Vries" in page.text

    open_one = ConcernFactory(programme=cast.programme, text="Open zorg")
    closed = ClosedConcernFactory(programme=cast.programme, text="Gesloten zorg")
    page = staff.get(reverse("staff:concern_list"), {"status": "open"})
    assert page.status_code == 200
    shown = {c.pk for c in page.context["page"]}
    assert open_one.pk in shown and closed.pk not in shown
