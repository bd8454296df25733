import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from koppel.common.domain.errors import ConflictError
from koppel.common.forms import VersionedModelForm
from koppel.common.models import KoppelModel
from koppel.people.domain.people import update_person
from tests.html_forms import page_form_data

# The message a form without its version shows, in English (tests do not depend on the catalogue).
MISSING_VERSION_TEXT = "This form came without the version"


def _says_missing_version(errors) -> bool:
    return any(MISSING_VERSION_TEXT in str(error) for error in errors)


pytestmark = pytest.mark.django_db


def test_second_save_with_stale_version_is_refused(cast):
    youth = cast.youth_row
    update_person(youth, by=cast.coordinator, values={"goals": "Eerste"}, expected_version=1)
    with pytest.raises(ConflictError):
        update_person(youth, by=cast.admin, values={"goals": "Tweede"}, expected_version=1)
    youth.refresh_from_db()
    assert youth.goals == "Eerste"
    assert youth.version == 2


def _form_data(client, url):
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


def test_two_editors_never_silently_overwrite_each_other(cast, client_for):
    url = reverse("staff:youth_edit", args=[cast.youth_row.pk])
    cast.admin.language = "en"
    cast.admin.save()
    first, second = client_for(cast.coordinator), client_for(cast.admin)
    data_first, data_second = _form_data(first, url), _form_data(second, url)
    data_first["goals"] = "Plannen leren"
    assert first.post(url, data_first).status_code == 302
    data_second["goals"] = "Meer zelfvertrouwen"
    response = second.post(url, data_second)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.text
    assert "Meer zelfvertrouwen" in response.text  # what the second editor typed is kept
    cast.youth_row.refresh_from_db()
    assert cast.youth_row.goals == "Plannen leren"


# --- The version is required on every versioned form -----------------------------------------------

# ModelForms over a versioned model (KoppelModel) that only ever create a row, so have no version to
# carry. An edit form over such a model must be a VersionedModelForm.
CREATE_ONLY = {
    "koppel.matches.forms.meetings.HolidayForm",
    "koppel.people.forms.recruitment.MentorApplicationForm",
    "koppel.people.forms.recruitment.YouthRegistrationForm",
    "koppel.training.forms.training.SessionForm",
    "koppel.training.forms.training.ExternalHoursForm",
    "koppel.training.forms.training.PeerGroupForm",
    "koppel.training.forms.training.PeerSessionForm",
}
# Forms that carry a version under another name (the agreement's latest version number).
VERSION_FIELDS = ("expected_version", "seen_number")


def _koppel_form_classes() -> list[type]:
    """Every form class defined in Koppel's form modules (koppel.<app>.forms and below)."""
    import koppel

    found: dict[str, type] = {}
    for module_info in pkgutil.walk_packages(koppel.__path__, "koppel."):
        if ".forms" not in module_info.name and not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


FORM_CLASSES = _koppel_form_classes()
VERSIONED_FORMS = [
    cls
    for cls in FORM_CLASSES
    if issubclass(cls, VersionedModelForm) and getattr(getattr(cls, "_meta", None), "model", None)
]


def _name(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_the_walk_finds_the_versioned_forms():
    names = {_name(cls) for cls in VERSIONED_FORMS}
    assert {
        "koppel.people.forms.people.YouthForm",
        "koppel.people.forms.people.MentorForm",
        "koppel.people.forms.people.GuardianForm",
        "koppel.people.forms.recruitment.CampaignForm",
        "koppel.programmes.forms.programme.ProgrammeSettingsForm",
        "koppel.matches.forms.meetings.MeetingForm",
    } <= names


@pytest.mark.parametrize("cls", FORM_CLASSES, ids=_name)
def test_every_version_field_is_required(cls):
    for name in VERSION_FIELDS:
        if name in cls.base_fields:
            assert cls.base_fields[name].required, f"{_name(cls)}.{name} must be required"


@pytest.mark.parametrize("cls", FORM_CLASSES, ids=_name)
def test_every_edit_form_of_a_versioned_model_carries_the_version(cls):
    model = getattr(getattr(cls, "_meta", None), "model", None)
    if model is None or not issubclass(model, KoppelModel) or _name(cls) in CREATE_ONLY:
        return
    assert issubclass(cls, VersionedModelForm) or set(VERSION_FIELDS) & set(cls.base_fields), (
        f"{_name(cls)} edits a versioned model: make it a VersionedModelForm "
        "(or list it in CREATE_ONLY if it only ever creates)"
    )


def _factories() -> dict[type, object]:
    """Model -> a factory_boy factory for it, from every module of tests/factories/."""
    import factory

    from tests import factories

    by_model: dict[type, object] = {}
    for module_info in pkgutil.iter_modules(factories.__path__):
        module = importlib.import_module(f"tests.factories.{module_info.name}")
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, factory.django.DjangoModelFactory):
                model = value._meta.model
                if model is not None:
                    by_model.setdefault(model, value)
    return by_model


def _stored_instance(model):
    from koppel.matches.domain.adapter import matching_settings_of
    from koppel.matches.models import MatchingSettings
    from koppel.programmes.models import ProgrammeSettings
    from tests.factories import ProgrammeFactory

    # One-to-one rows that come with their programme.
    if model is ProgrammeSettings:
        return ProgrammeFactory().settings
    if model is MatchingSettings:
        return matching_settings_of(ProgrammeFactory())
    factory_class = _factories().get(model)
    assert factory_class is not None, f"add a factory for {model.__name__} to a module of tests/factories/"
    return factory_class()


def _constructor_kwargs(cls, instance) -> dict:
    """The keyword-only arguments the form's __init__ asks for, from the instance where it can."""
    from koppel.surveys.models import Instrument
    from tests.factories import MentorFactory, UserFactory, YouthFactory

    names: set[str] = set()
    for klass in cls.__mro__:
        if "__init__" in vars(klass):
            names |= {
                p.name
                for p in inspect.signature(vars(klass)["__init__"]).parameters.values()
                if p.kind is inspect.Parameter.KEYWORD_ONLY
            }
    makers = {
        "user": lambda: UserFactory(),
        "mentor": lambda: getattr(instance, "mentor", None) or MentorFactory(),
        "youth": lambda: getattr(instance, "youth", None) or YouthFactory(),
        "instruments": lambda: Instrument.objects.all(),
    }
    unknown = names - makers.keys()
    assert not unknown, f"teach this test how to build {sorted(unknown)} for {_name(cls)}"
    return {name: makers[name]() for name in names}


def _unchanged_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


@pytest.mark.parametrize("cls", VERSIONED_FORMS, ids=_name)
def test_every_versioned_form_refuses_a_post_without_the_version(cls):
    instance = _stored_instance(cls._meta.model)
    kwargs = _constructor_kwargs(cls, instance)
    data = _unchanged_data(cls(instance=instance, **kwargs))
    assert data.pop("expected_version") == str(instance.version)

    with translation.override("en"):
        without = cls(data, instance=instance, **kwargs)
        assert not without.is_valid()
        # Said above the form (a hidden field has no place of its own on the page), in the user's language.
        assert _says_missing_version(without.non_field_errors())
        assert "expected_version" not in without.errors

        with_version = cls({**data, "expected_version": str(instance.version)}, instance=instance, **kwargs)
        with_version.is_valid()
        assert not _says_missing_version(with_version.non_field_errors())


@pytest.mark.parametrize("cls", VERSIONED_FORMS, ids=_name)
def test_a_new_record_needs_no_version(cls):
    instance = cls._meta.model()
    form = cls({}, instance=instance, **_constructor_kwargs(cls, instance))
    form.is_valid()
    assert not _says_missing_version(form.non_field_errors())


def _stale_pages(cast):
    """Per page: its URL and a text field whose change another editor saves first."""
    from tests.factories.recruitment import CampaignFactory

    campaign = CampaignFactory(programme=cast.programme)
    return {
        "youth": (reverse("staff:youth_edit", args=[cast.youth_row.pk]), cast.youth_row, "wishes"),
        "mentor": (reverse("staff:mentor_edit", args=[cast.mentor_row.pk]), cast.mentor_row, "occupation"),
        "campaign": (reverse("staff:campaign_edit", args=[campaign.pk]), campaign, "message"),
        "programme_settings": (
            reverse("staff:programme_settings", args=[cast.programme.pk]),
            cast.programme.settings,
            "meeting_interval_days",
        ),
    }


STALE_VALUES = {
    "wishes": ("Tekenen", "Voetbal"),
    "occupation": ("Docent", "Kok"),
    "message": ("Eerste", "Tweede"),
}


@pytest.mark.parametrize("page", ["youth", "mentor", "campaign", "programme_settings"])
def test_a_stale_save_without_the_version_does_not_overwrite_the_other_change(cast, client_for, page):
    url, obj, field = _stale_pages(cast)[page]
    first_value, second_value = STALE_VALUES.get(field, ("10", "14"))
    cast.coordinator.language = "en"
    cast.coordinator.save()
    first, second = client_for(cast.admin), client_for(cast.coordinator)
    data_first = page_form_data(first.get(url).text)
    data_second = page_form_data(second.get(url).text)

    data_first[field] = first_value
    assert first.post(url, data_first).status_code == 302

    # The second editor's page was loaded before that save; its POST lacks the version.
    del data_second["expected_version"]
    data_second[field] = second_value
    response = second.post(url, data_second)
    assert response.status_code == 200
    assert MISSING_VERSION_TEXT in response.text
    assert second_value in response.text  # what the second editor typed is kept on the page
    obj.refresh_from_db()
    assert str(getattr(obj, field)) == first_value
