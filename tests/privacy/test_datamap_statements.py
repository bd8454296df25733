"""The public privacy statement and accessibility statement: made from the organisation's settings
and the data map, for anyone, in Dutch and English, one per organisation, linked from every page."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from koppel.privacy.enums import LegalBasis
from tests import factories as f


def _get(client, url, language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


@pytest.fixture
def organisation(cast):
    org = cast.programme.organisation
    org.privacy_email = "privacy@samenverder.example"
    org.privacy_officer = "Fatima el Idrissi"
    org.postal_address = "Kerkstraat 1, 1234 AB"
    org.town = "Utrecht"
    org.accessibility_email = "toegankelijk@samenverder.example"
    org.accessibility_evaluated_on = date(2026, 5, 12)
    org.accessibility_status = "B"
    org.save()
    return org


def test_privacy_statement_is_public_and_names_the_organisation(organisation, client):
    response = _get(client, reverse("statements:privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Stichting Samen Verder", "privacy@samenverder.example", "Fatima el Idrissi", "Utrecht"):
        assert text in html


def test_privacy_statement_says_per_group_what_why_basis_and_retention(organisation, client):
    html = _get(client, reverse("statements:privacy")).content.decode()
    mentors, youth, parents = (
        html.split('id="group-mentor"')[1].split("</section>")[0],
        html.split('id="group-youth"')[1].split("</section>")[0],
        html.split('id="group-guardian"')[1].split("</section>")[0],
    )
    # From the data map: the youth's beliefs on their parents' consent, the mentor's VOG facts.
    assert "values and beliefs" in youth
    assert str(LegalBasis.CONSENT_GUARDIAN.label) in youth
    assert "alcohol and drug use" in youth
    assert "Certificates of conduct (VOG)" in mentors
    assert "6 months after the end of the mentor&#x27;s role" in mentors  # the VOG facts' period
    assert "ever sexually abused a child" in mentors.lower()
    assert "phone number" in parents
    # A parent's section does not list their child's profile or questionnaire as their sensitive data.
    assert "values and beliefs" not in parents
    assert "alcohol and drug use" in youth.split("Sensitive data")[1]
    assert "alcohol and drug use" not in parents.split("Sensitive data")[1]
    assert "alcohol and drug use" not in mentors.split("Sensitive data")[1]


def test_privacy_statement_names_the_rights_and_how_to_use_them(organisation, client):
    html = _get(client, reverse("statements:privacy")).content.decode()
    for right in (
        "Access",
        "Rectification",
        "Erasure",
        "Objection",
        "Portability",
        "Autoriteit Persoonsgegevens",
    ):
        assert right in html
    assert "under 16" in html
    assert "Log in to ask for your data" in html


def test_privacy_statement_in_dutch(organisation, client):
    response = _get(client, reverse("statements:privacy"), "nl")
    html = response.content.decode()
    assert '<html lang="nl">' in html
    # Field names come from the models, in the visitor's language.
    assert "voornaam" in html.lower()
    assert "geboortedatum" in html.lower()


def test_privacy_statement_in_english(organisation, client):
    html = _get(client, reverse("statements:privacy"), "en").content.decode()
    assert '<html lang="en">' in html
    assert "first name" in html.lower()


def test_several_organisations_each_have_their_own_statement(organisation, client):
    other = f.OrganisationFactory(
        name="Stichting Andere Koers", slug="andere-koers", privacy_email="p@andere.example"
    )
    listing = _get(client, reverse("statements:privacy")).content.decode()
    assert reverse("statements:privacy_organisation", args=[organisation.slug]) in listing
    assert reverse("statements:privacy_organisation", args=["andere-koers"]) in listing
    page = _get(client, reverse("statements:privacy_organisation", args=["andere-koers"])).content.decode()
    assert "Stichting Andere Koers" in page and "p@andere.example" in page
    assert "privacy@samenverder.example" not in page
    assert other.slug in reverse("statements:accessibility_organisation", args=[other.slug])


def test_unknown_organisation_is_404(organisation, client):
    assert _get(client, reverse("statements:privacy_organisation", args=["nope"])).status_code == 404
    assert _get(client, reverse("statements:accessibility_organisation", args=["nope"])).status_code == 404


def test_accessibility_statement(organisation, client):
    response = _get(client, reverse("statements:accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "WCAG" in html and "2.1" in html and "AA" in html
    assert "B: partially compliant" in html
    assert "12 May 2026" in html
    assert "toegankelijk@samenverder.example" in html
    assert "Known limitations" in html


def test_accessibility_statement_not_evaluated(cast, client):
    html = _get(client, reverse("statements:accessibility")).content.decode()
    assert "E: not evaluated yet" in html
    assert "Not evaluated yet." in html


def test_accessibility_statement_in_dutch(organisation, client):
    html = _get(client, reverse("statements:accessibility"), "nl").content.decode()
    assert '<html lang="nl">' in html
    assert "12 mei 2026" in html


def _footer(response) -> str:
    return response.content.decode().split('<footer class="site-footer">')[1]


@pytest.mark.parametrize(
    ("who", "page"),
    [("coordinator", "staff:overview"), ("mentor", "portal:home"), (None, "account_login")],
)
def test_footer_links_to_both_statements(cast, client_for, who, page):
    response = client_for(getattr(cast, who) if who else None).get(reverse(page))
    assert response.status_code == 200
    footer = _footer(response)
    assert f'href="{reverse("statements:privacy")}"' in footer
    assert f'href="{reverse("statements:accessibility")}"' in footer


def test_statements_are_reachable_for_staff_without_a_second_factor(cast, client_for, settings):
    """The MFA enrolment gate lets a public page through."""
    settings.KOPPEL_DEMO = False
    user = f.CoordinatorFactory(programme=cast.programme, user__email="new@example.org").user
    client = client_for(user)
    assert client.get(reverse("staff:overview")).status_code == 302
    assert client.get(reverse("statements:privacy")).status_code == 200
    assert client.get(reverse("statements:accessibility")).status_code == 200


def test_organisation_settings_are_editable_in_the_admin(cast, client_for):
    org = cast.programme.organisation
    html = (
        client_for(cast.admin)
        .get(reverse("admin:programmes_organisation_change", args=[org.pk]))
        .content.decode()
    )
    for name in (
        "privacy_email",
        "privacy_officer",
        "postal_address",
        "town",
        "accessibility_email",
        "accessibility_evaluated_on",
        "accessibility_status",
        "accessibility_limitations",
    ):
        assert f'name="{name}"' in html


@pytest.mark.parametrize("who", ["coordinator", "mentor", "youth", "guardian"])
def test_with_several_organisations_a_logged_in_person_sees_their_own(organisation, cast, client_for, who):
    f.OrganisationFactory(name="Stichting Andere Koers", slug="andere-koers")
    client = client_for(getattr(cast, who))
    for name in ("statements:privacy", "statements:accessibility"):
        response = client.get(reverse(name))
        assert response.context["organisation"] == organisation
