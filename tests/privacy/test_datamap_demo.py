"""The demo organisation has its privacy and accessibility settings filled in, so both statements
read as they would for a real organisation."""

import pytest
from django.conf import settings
from django.urls import reverse

from koppel.programmes.models import Organisation


@pytest.fixture
def loaded(demo):
    """The demo organisation; the demo is loaded once for this module (`demo_db` in tests/conftest.py)."""
    return Organisation.objects.get(slug="samen-verder")


def test_demo_organisation_has_the_statement_settings(loaded):
    assert loaded.privacy_email.endswith("@demo.example.org")
    assert loaded.privacy_officer
    assert loaded.town == "Rotterdam"
    assert loaded.accessibility_email.endswith("@demo.example.org")
    assert loaded.accessibility_evaluated_on is not None
    assert loaded.accessibility_status == "B"
    assert loaded.accessibility_limitations


def test_demo_statements_show_them(loaded, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    privacy = client.get(reverse("statements:privacy")).content.decode()
    assert loaded.privacy_email in privacy and loaded.privacy_officer in privacy
    accessibility = client.get(reverse("statements:accessibility")).content.decode()
    assert loaded.accessibility_email in accessibility
    assert "B: partially compliant" in accessibility
