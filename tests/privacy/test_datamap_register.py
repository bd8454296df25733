"""The privacy officer's page and the register's downloads: read from the data map, for
administrators only, each download audited."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from koppel.common.models import ActivityLog
from koppel.privacy.domain.datamap import DATA_MAP
from koppel.privacy.domain.register import register_of, retention_label
from koppel.privacy.enums import LegalBasis, RetentionRule
from tests import factories as f


@pytest.fixture
def admin_client(cast, client_for):
    cast.admin.language = "en"
    cast.admin.save()
    return client_for(cast.admin)


def _text(response) -> str:
    return response.content.decode()


def test_page_lists_a_special_category_field_with_its_legal_basis(admin_client):
    html = _text(admin_client.get(reverse("staff:privacy")))
    special = html.split("Special category (health, origin, beliefs)")[1].split("</table>")[0]
    assert "values and beliefs" in special
    assert str(LegalBasis.CONSENT_GUARDIAN.label) in special
    assert "koppel-outcomes-youth" in html


def test_page_shows_every_processing_and_field_of_the_map(cast, admin_client):
    html = _text(admin_client.get(reverse("staff:privacy")))
    for processing in register_of(cast.programme.organisation):
        assert escape(processing.name) in html
    for field in ("child_sexual_offence", "review_notes"):
        label = DATA_MAP["people.SelfDisclosure"].fields[field]
        assert str(label.purpose) in html


def test_page_has_the_section_list_and_the_retention_section(admin_client):
    response = admin_client.get(reverse("staff:privacy"))
    titles = [s["title"] for s in response.context["sections"]]
    assert "Register of processing" in titles
    urls = [s["url"] for s in response.context["sections"]]
    assert reverse("staff:privacy_register_pdf") in urls
    html = _text(response)
    assert reverse("staff:privacy_register_pdf") + "?language=nl" in html
    assert 'id="retention"' in html
    assert str(RetentionRule.VOG_FACTS.label) in html.split('id="retention"')[1]


def test_page_shows_the_organisations_privacy_contacts(cast, admin_client):
    org = cast.programme.organisation
    org.privacy_email = "privacy@samenverder.example"
    org.privacy_officer = "Fatima el Idrissi"
    org.save()
    html = _text(admin_client.get(reverse("staff:privacy")))
    assert "privacy@samenverder.example" in html
    assert "Fatima el Idrissi" in html


def test_coordinator_may_not_see_the_register(cast, client_for):
    assert client_for(cast.coordinator).get(reverse("staff:privacy")).status_code == 403
    assert client_for(cast.coordinator).get(reverse("staff:privacy_register_csv")).status_code == 403


def test_administrator_of_several_organisations_chooses_one(cast, client_for):
    other = f.OrganisationFactory(name="Stichting Andere Koers")
    f.AdministratorFactory(organisation=other, user=cast.admin)
    response = client_for(cast.admin).get(reverse("staff:privacy"), {"organisation": other.pk})
    assert response.context["organisation"] == other
    assert f"?organisation={other.pk}" in _text(response)


def test_organisation_not_administered_is_404(cast, client_for):
    stranger = f.OrganisationFactory(name="Stichting Elders")
    response = client_for(cast.admin).get(reverse("staff:privacy"), {"organisation": stranger.pk})
    assert response.status_code == 404
    response = client_for(cast.admin).get(
        reverse("staff:privacy_register_csv"), {"organisation": stranger.pk}
    )
    assert response.status_code == 404


def test_csv_has_one_row_per_classified_field(cast, admin_client):
    response = admin_client.get(reverse("staff:privacy_register_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == sum(len(entry.fields) for entry in DATA_MAP.values())
    beliefs = next(r for r in rows if r["Field (technical name)"] == "people.Youth.values_beliefs")
    assert beliefs["Category"] == "Special category (health, origin, beliefs)"
    assert beliefs["Legal basis"] == str(LegalBasis.CONSENT_GUARDIAN.label)
    assert beliefs["Retention"] == retention_label(RetentionRule.PERSON_RECORD, cast.programme.organisation)
    assert beliefs["Whose data"] == "Youth"
    vog = next(r for r in rows if r["Field (technical name)"] == "people.ConductCertificate.outcome")
    assert vog["Category"] == "Offence-related"
    assert vog["Retention"] == "6 months after the end of the mentor's role (withdrawn or rejected)"


def test_pdf_is_a_pdf_with_the_register(admin_client):
    response = admin_client.get(reverse("staff:privacy_register_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert b"Register of processing" in response.content


@pytest.mark.parametrize(
    ("name", "fmt"), [("staff:privacy_register_csv", "csv"), ("staff:privacy_register_pdf", "pdf")]
)
def test_each_download_is_audited(cast, admin_client, name, fmt):
    admin_client.get(reverse(name))
    entry = ActivityLog.objects.get(action="privacy.register.exported")
    assert entry.actor == cast.admin
    assert entry.object_id == cast.programme.organisation.pk
    assert entry.data == {"format": fmt, "language": "en"}


def test_viewing_the_page_writes_no_audit_row(admin_client):
    admin_client.get(reverse("staff:privacy"))
    assert not ActivityLog.objects.filter(action="privacy.register.exported").exists()


def test_csv_in_another_language_than_the_readers(admin_client):
    """An English-speaking administrator downloads the register in Dutch for the DPIA."""
    response = admin_client.get(reverse("staff:privacy_register_csv"), {"language": "nl"})
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    header = next(reader)
    technical = header.index("Veld (technische naam)") if "Veld (technische naam)" in header else 6
    rows = {row[technical]: row for row in reader}
    assert rows["people.Mentor.first_name"][5] == "voornaam"
    assert ActivityLog.objects.get(action="privacy.register.exported").data == {
        "format": "csv",
        "language": "nl",
    }


def test_unknown_language_falls_back_to_the_readers(admin_client):
    response = admin_client.get(reverse("staff:privacy_register_csv"), {"language": "xx"})
    assert response.status_code == 200
    assert ActivityLog.objects.get(action="privacy.register.exported").data["language"] == "en"
