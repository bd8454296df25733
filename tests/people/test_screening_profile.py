"""The VOG screening profile (SCR-2): a known profile is stored as a code and named in the reader's
language; its Dutch or English name typed in a form, or stored by an older version, becomes the code."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone, translation

from koppel.people.domain.screening import record_vog
from koppel.people.enums import MentorStatus
from koppel.people.models import ConductCertificate
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(cast):
    return f.MentorFactory(programme=cast.programme, status=MentorStatus.IN_SCREENING)


def _client(cast, client_for, language):
    cast.coordinator.language = language
    cast.coordinator.save()
    return client_for(cast.coordinator)


def test_the_default_profile_is_stored_as_a_code_not_in_the_creators_language__SCR_2(applicant):
    # A VOG recorded on a Dutch page stored "Werken met minderjarigen", which English pages showed.
    with translation.override("nl"):
        certificate = ConductCertificate.objects.create(mentor=applicant, requested_on=timezone.localdate())
    certificate.refresh_from_db()
    assert certificate.screening_profile == "minors"
    with translation.override("en"):
        assert certificate.screening_profile_label == "Working with minors"


def test_the_screening_page_names_the_profile_in_the_readers_language__SCR_2(cast, client_for, applicant):
    with translation.override("nl"):
        ConductCertificate.objects.create(mentor=applicant, requested_on=timezone.localdate())
    text = _client(cast, client_for, "en").get(reverse("staff:mentor_screening", args=[applicant.pk])).text
    assert "Working with minors" in text
    assert "Werken met minderjarigen" not in text


@pytest.mark.parametrize(
    "typed", ["Werken met minderjarigen", "working with minors", " Working with minors "]
)
def test_the_profiles_name_in_either_language_is_stored_as_its_code__SCR_2(
    cast, client_for, applicant, typed
):
    response = _client(cast, client_for, "en").post(
        reverse("staff:vog_create", args=[applicant.pk]),
        {
            "requested_on": timezone.localdate().isoformat(),
            "screening_profile": typed,
            "outcome": "requested",
        },
    )
    assert response.status_code == 302
    assert ConductCertificate.objects.get().screening_profile == "minors"


def test_another_profile_is_stored_as_typed__SCR_2(cast, coordinator_user, applicant):
    certificate = record_vog(
        applicant,
        by=coordinator_user,
        values={
            "requested_on": timezone.localdate(),
            "screening_profile": "Zorg voor ouderen",
            "outcome": "requested",
        },
    )
    assert certificate.screening_profile == "Zorg voor ouderen"
    assert certificate.screening_profile_label == "Zorg voor ouderen"


def test_the_form_shows_the_profiles_name_in_the_pages_language__SCR_2(cast, client_for, applicant):
    text = _client(cast, client_for, "en").get(reverse("staff:vog_create", args=[applicant.pk])).text
    assert 'value="Working with minors"' in text
    assert 'value="minors"' not in text


def test_the_migration_turns_stored_defaults_in_either_language_into_the_code__SCR_2(applicant):
    stored = {
        "Werken met minderjarigen": "minors",
        "Working with minors": "minors",
        "werken met minderjarigen ": "minors",
        "Zorg voor ouderen": "Zorg voor ouderen",
    }
    rows = {
        text: ConductCertificate.objects.create(mentor=applicant, requested_on=timezone.localdate()).pk
        for text in stored
    }
    for text, pk in rows.items():
        ConductCertificate.objects.filter(pk=pk).update(screening_profile=text)

    migration = importlib.import_module("koppel.people.migrations.0008_screening_profile_stored_as_code")
    migration.to_code(apps, None)

    assert {
        text: ConductCertificate.objects.get(pk=pk).screening_profile for text, pk in rows.items()
    } == stored


@pytest.fixture
def coordinator_user(cast):
    return cast.coordinator
