"""The data map is complete: every field of every model that holds personal data (every model in
DATA_MAP, and every model that points at a mentor, youth, guardian or login) is classified or
declared not personal, and each classification is well formed."""

import pytest
from django.apps import apps
from django.db import models

from koppel.privacy.domain import datamap
from koppel.privacy.domain.datamap import (
    CHECKED_NOT_PERSONAL,
    DATA_MAP,
    GENERIC_NOT_PERSONAL,
    PERSON_MODELS,
    SPECIAL_CATEGORY_INSTRUMENTS,
    FieldEntry,
    ModelEntry,
    classification_gaps,
    entry_for,
    instruments_with_sensitive_parts,
    models_to_check,
)
from koppel.privacy.enums import Category, LegalBasis, RetentionRule

# The models that hold personal data by their nature: each must have an entry.
EXPECTED = [
    "people.Mentor",
    "people.Youth",
    "people.Guardian",
    "people.Guardianship",
    "people.Intake",
    "people.RepeatApplication",
    "people.Interview",
    "people.Reference",
    "people.ConductCertificate",
    "people.SelfDisclosure",
    "people.PipelineEvent",
    "matches.Match",
    "matches.MatchMentor",
    "matches.MatchEvent",
    "matches.Agreement",
    "matches.Consent",
    "matches.MeetingLog",
    "matches.SupportContact",
    "matches.Concern",
    "matches.Closure",
    "matches.ClosureConversation",
    "matches.RoundProposal",
    "matches.RoundUnmatched",
    "matches.PairRule",
    "training.Registration",
    "training.ExternalHours",
    "training.PeerGroup",
    "training.PeerSession",
    "surveys.Assignment",
    "surveys.Answer",
    "surveys.Score",
    "surveys.QualityAlert",
    "accounts.User",
    "common.ActivityLog",
    "common.AccessLog",
    "common.OutgoingMail",
    "common.Reminder",
    "common.FailedAttempt",
    "programmes.Coordinator",
    "programmes.Administrator",
    "reports.ExportJob",
    "privacy.ErasureLedgerEntry",
]


def test_every_personal_field_is_classified_or_declared_not_personal():
    assert classification_gaps() == []


@pytest.mark.parametrize("label", EXPECTED)
def test_model_with_personal_data_has_an_entry(label):
    entry = entry_for(apps.get_model(label))
    assert isinstance(entry, ModelEntry)
    assert entry.fields, f"{label} has an entry without personal fields"
    assert entry.subjects, f"{label} does not say whose data it holds"


def test_every_model_pointing_at_a_person_is_checked():
    checked = {m._meta.label for m in models_to_check()}
    for model in apps.get_models():
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if field.is_relation and field.related_model._meta.label in PERSON_MODELS:
                assert model._meta.label in checked, model._meta.label


def test_models_checked_and_found_without_personal_data_point_at_nobody():
    for label in CHECKED_NOT_PERSONAL:
        model = apps.get_model(label)
        assert label not in DATA_MAP
        assert not datamap.points_at_a_person(model), label


def test_the_models_of_the_data_apps_are_all_decided():
    """Every model of Koppel's own data apps is in the map or checked and found without personal data."""
    undecided = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("koppel.")
        and m._meta.label not in DATA_MAP
        and m._meta.label not in CHECKED_NOT_PERSONAL
    ]
    assert undecided == []


@pytest.mark.parametrize("label", list(DATA_MAP))
def test_each_classification_is_well_formed(label):
    entry = DATA_MAP[label]
    assert isinstance(entry.retention, RetentionRule)
    assert str(entry.purpose) and str(entry.recipients) and str(entry.source)
    for name, field_entry in entry.fields.items():
        assert isinstance(field_entry, FieldEntry)
        assert isinstance(field_entry.category, Category), f"{label}.{name}"
        assert isinstance(field_entry.basis, LegalBasis), f"{label}.{name}"
        assert isinstance(field_entry.retention, RetentionRule), f"{label}.{name}"
        assert len(str(field_entry.purpose)) > 10, f"{label}.{name} needs a concrete purpose"
        assert name not in GENERIC_NOT_PERSONAL


def test_special_categories_rest_on_consent():
    """Art. 9 data (origin, beliefs, health) only with the person's or a parent's consent."""
    special = [
        (label, name, fe)
        for label, entry in DATA_MAP.items()
        for name, fe in entry.fields.items()
        if fe.category == Category.SPECIAL
    ]
    assert {(label, name) for label, name, _ in special} >= {
        ("people.Mentor", "cultural_background"),
        ("people.Mentor", "values_beliefs"),
        ("people.Youth", "cultural_background"),
        ("people.Youth", "values_beliefs"),
        ("surveys.Answer", "value"),
    }
    for label, name, fe in special:
        assert fe.basis in {LegalBasis.CONSENT_PERSON, LegalBasis.CONSENT_GUARDIAN}, f"{label}.{name}"
    assert DATA_MAP["people.Youth"].fields["values_beliefs"].basis == LegalBasis.CONSENT_GUARDIAN


def test_offence_data_is_classified_as_such():
    offence = {
        (label, name)
        for label, entry in DATA_MAP.items()
        for name, fe in entry.fields.items()
        if fe.category == Category.OFFENCE
    }
    assert ("people.SelfDisclosure", "child_sexual_offence") in offence
    assert ("people.ConductCertificate", "outcome") in offence
    assert ("people.Mentor", "disqualification_reason") in offence
    assert (
        DATA_MAP["people.Mentor"].fields["disqualification_reason"].retention
        == RetentionRule.DISQUALIFICATION
    )
    assert DATA_MAP["matches.Concern"].fields["text"].category == Category.SAFEGUARDING


def test_the_instruments_with_special_category_items_are_named_from_their_definitions():
    """The map's list of questionnaires with sensitive parts is what their definitions say."""
    assert instruments_with_sensitive_parts() == {
        key: tuple(sorted(parts)) for key, parts in SPECIAL_CATEGORY_INSTRUMENTS.items()
    }
    assert "koppel-outcomes-youth" in SPECIAL_CATEGORY_INSTRUMENTS


def test_a_sensitive_item_in_a_new_questionnaire_is_found(tmp_path):
    (tmp_path / "x.toml").write_text(
        'key = "x"\n[[subscales]]\nkey = "a"\n[[items]]\nkey = "a-1"\nsubscale = "a"\nsensitive = true\n',
        encoding="utf-8",
    )
    assert instruments_with_sensitive_parts(tmp_path) == {"x": ("a",)}


@pytest.fixture
def extra_field():
    """A field added to a model at runtime, as a migration adding a column would, removed afterwards."""
    added = []

    def add(model, name, field):
        field.contribute_to_class(model, name)
        added.append((model, field))
        return field

    yield add
    for model, field in added:
        model._meta.local_fields.remove(field)
        for owner, attribute in ((model, field.name), (model, field.attname)):
            if attribute in owner.__dict__:
                delattr(owner, attribute)
        if field.is_relation:
            accessor = field.remote_field.get_accessor_name()
            if accessor in field.related_model.__dict__:
                delattr(field.related_model, accessor)
    apps.clear_cache()


def test_the_runtime_fields_are_gone_afterwards():
    """Runs after the two tests below in file order too: the fixture left the models as they were."""
    from koppel.matches.models import HolidayPeriod
    from koppel.people.models import Youth

    assert not hasattr(Youth, "shoe_size")
    assert "youth" not in {f.name for f in HolidayPeriod._meta.get_fields()}


def test_a_new_field_on_a_mapped_model_is_reported(extra_field):
    from koppel.people.models import Youth

    extra_field(Youth, "shoe_size", models.PositiveSmallIntegerField(null=True))
    assert classification_gaps() == ["people.Youth.shoe_size"]


def test_a_new_model_pointing_at_a_person_is_reported(extra_field):
    """A model outside the map (the programme's holidays) gains a link to a youth: every field of it is
    reported, not only the link."""
    from koppel.matches.models import HolidayPeriod
    from koppel.people.models import Youth

    extra_field(HolidayPeriod, "youth", models.ForeignKey(Youth, null=True, on_delete=models.CASCADE))
    gaps = classification_gaps()
    assert "matches.HolidayPeriod.youth" in gaps
    assert "matches.HolidayPeriod.name" in gaps


def test_a_field_in_the_map_that_left_the_model_is_reported(monkeypatch):
    entry = DATA_MAP["people.Guardian"]
    monkeypatch.setitem(
        DATA_MAP,
        "people.Guardian",
        ModelEntry(
            purpose=entry.purpose,
            recipients=entry.recipients,
            source=entry.source,
            retention=entry.retention,
            fields={**entry.fields, "fax": entry.fields["phone"]},
            subjects=entry.subjects,
            not_personal=entry.not_personal,
        ),
    )
    assert classification_gaps() == ["people.Guardian.fax (in the data map, not on the model)"]


def test_after_the_runtime_fields_the_map_is_complete_again():
    test_the_runtime_fields_are_gone_afterwards()
    assert classification_gaps() == []
