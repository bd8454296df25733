"""Staff pages for instruments: list, detail, loading a definition (with a dry run), switching off."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koppel.surveys.domain.instruments import load_instrument
from koppel.surveys.models import Instrument
from tests import factories as f
from tests.conftest import enrol_mfa
from tests.staff.test_query_counts import MANY, assert_constant_queries, content
from tests.surveys.test_instruments import DEFINITION

pytestmark = pytest.mark.django_db


def _english(user):
    user.language = "en"
    user.save()
    return user


@pytest.fixture
def other_org_instrument(db):
    return load_instrument(
        DEFINITION.replace("test-wellbeing", "elsewhere"), organisation=f.OrganisationFactory(), by=None
    )


def test_list_shows_shipped_and_own_instruments_only(cast, client_for, other_org_instrument):
    own = load_instrument(DEFINITION, organisation=cast.programme.organisation, by=None)
    response = client_for(_english(cast.coordinator)).get(reverse("staff:instruments"))
    html = content(response)
    assert "koppel-relationship-mentor" in html and "koppel-outcomes-youth" in html
    assert own.key in html and "Licence agreement 2026" in html
    assert "elsewhere" not in html


def test_detail_shows_scoring_items_and_young_wording(cast, client_for):
    instrument = Instrument.objects.get(key="koppel-outcomes-youth", organisation=None)
    response = client_for(_english(cast.coordinator)).get(
        reverse("staff:instrument_detail", args=[instrument.pk])
    )
    html = content(response)
    assert response.status_code == 200
    assert "Ik ga graag naar school." in html and "I like going to school." in html
    assert "Ik vind school leuk." in html  # young wording
    assert "reverse-scored" in html and "sensitive" in html
    assert "Alcohol and drug use" in html  # the domain
    assert "CC BY 4.0" in html and "HBSC" in html


def test_another_organisations_instrument_is_404(cast, client_for, other_org_instrument):
    client = client_for(cast.admin)
    assert client.get(reverse("staff:instrument_detail", args=[other_org_instrument.pk])).status_code == 404
    response = client.post(
        reverse("staff:instrument_set_active", args=[other_org_instrument.pk]), {"active": "0"}
    )
    assert response.status_code == 404


def test_dry_run_shows_what_would_be_loaded_and_writes_nothing(cast, client_for):
    response = client_for(_english(cast.coordinator)).post(
        reverse("staff:instrument_load"), {"text": DEFINITION, "check": "1"}
    )
    html = content(response)
    assert response.status_code == 200
    assert "Loading creates test-wellbeing revision 1 with 3 items" in html
    assert not Instrument.objects.filter(key="test-wellbeing").exists()
    assert "Ik spijbel." in html  # the form keeps the text


def test_load_from_pasted_text(cast, client_for):
    response = client_for(cast.coordinator).post(
        reverse("staff:instrument_load"), {"text": DEFINITION, "load": "1"}
    )
    instrument = Instrument.objects.get(key="test-wellbeing")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:instrument_detail", args=[instrument.pk])
    assert instrument.organisation == cast.programme.organisation
    assert instrument.loaded_by == cast.coordinator


def test_load_from_an_uploaded_file(cast, client_for):
    upload = SimpleUploadedFile("wellbeing.toml", DEFINITION.encode(), content_type="application/toml")
    response = client_for(cast.admin).post(reverse("staff:instrument_load"), {"file": upload, "load": "1"})
    assert response.status_code == 302
    assert Instrument.objects.filter(key="test-wellbeing").exists()


def test_errors_are_listed_and_the_text_is_kept(cast, client_for):
    broken = DEFINITION.replace('scale = "agree5"', 'scale = "freq4"', 1).replace(
        'kind = "outcomes"', 'kind = "x"'
    )
    response = client_for(_english(cast.coordinator)).post(
        reverse("staff:instrument_load"), {"text": broken, "load": "1"}
    )
    html = content(response)
    assert response.status_code == 200
    assert "The definition has 3 problems:" in html
    assert "items[1] (school-1): scale &#x27;freq4&#x27; is not defined" in html
    assert "kind: must be one of" in html
    assert "kind = &quot;x&quot;" in html
    assert not Instrument.objects.filter(key="test-wellbeing").exists()


def test_empty_form_says_what_is_missing(cast, client_for):
    response = client_for(_english(cast.coordinator)).post(reverse("staff:instrument_load"), {"load": "1"})
    assert "Upload a definition file or paste its text." in content(response)


def test_an_administrator_switches_an_own_instrument_off_and_on(cast, client_for):
    instrument = load_instrument(DEFINITION, organisation=cast.programme.organisation, by=None)
    detail = reverse("staff:instrument_detail", args=[instrument.pk])
    url = reverse("staff:instrument_set_active", args=[instrument.pk])
    # A coordinator sees the instrument but not the switch, and may not use it: it would stop the
    # instrument's surveys in every programme of the organisation.
    coordinator = client_for(cast.coordinator)
    assert url not in content(coordinator.get(detail))
    assert coordinator.post(url, {"active": "0"}).status_code == 403
    instrument.refresh_from_db()
    assert instrument.active is True
    admin = client_for(cast.admin)
    assert url in content(admin.get(detail))
    assert admin.post(url, {"active": "0"}).status_code == 302
    instrument.refresh_from_db()
    assert instrument.active is False
    admin.post(url, {"active": "1"})
    instrument.refresh_from_db()
    assert instrument.active is True
    # A shipped instrument cannot be switched off here: no switch, and a post changes nothing.
    shipped = Instrument.objects.filter(organisation=None).first()
    shipped_url = reverse("staff:instrument_set_active", args=[shipped.pk])
    assert shipped_url not in content(admin.get(reverse("staff:instrument_detail", args=[shipped.pk])))
    admin.post(shipped_url, {"active": "0"})
    shipped.refresh_from_db()
    assert shipped.active is True


def test_an_administrator_without_superuser_rights_may_switch_their_organisations_instrument(
    cast, client_for
):
    instrument = load_instrument(DEFINITION, organisation=cast.programme.organisation, by=None)
    url = reverse("staff:instrument_set_active", args=[instrument.pk])
    own = f.AdministratorFactory(organisation=cast.programme.organisation, user__is_superuser=False).user
    elsewhere = f.AdministratorFactory(organisation=f.OrganisationFactory(), user__is_superuser=False).user
    for user in (own, elsewhere):
        enrol_mfa(user)
    assert client_for(elsewhere).post(url, {"active": "0"}).status_code == 404  # not visible to them
    assert client_for(own).post(url, {"active": "0"}).status_code == 302
    instrument.refresh_from_db()
    assert instrument.active is False


def test_instrument_list_query_count(cast, client_for):
    org = cast.programme.organisation
    load_instrument(DEFINITION.replace("test-wellbeing", "own-0"), organisation=org, by=None)

    def add_more():
        for i in range(1, MANY):
            load_instrument(DEFINITION.replace("test-wellbeing", f"own-{i}"), organisation=org, by=None)

    def shows_rows(response, n):
        assert (
            response.context["page"].paginator.count
            == Instrument.objects.filter(organisation=None).count() + n
        )

    assert_constant_queries(client_for(cast.coordinator), reverse("staff:instruments"), add_more, shows_rows)


def test_instrument_detail_query_count_does_not_grow_with_items(cast, client_for):
    """The detail page prefetches subscales and items: the same count for 3 or 18 items."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.coordinator)
    small = load_instrument(DEFINITION, organisation=cast.programme.organisation, by=None)
    big = Instrument.objects.get(key="koppel-outcomes-youth", organisation=None)
    client.get(reverse("staff:instrument_detail", args=[small.pk]))
    counts = []
    for instrument in (small, big):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("staff:instrument_detail", args=[instrument.pk]))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_deeply_nested_definition_is_a_problem_on_the_page_not_a_server_error(cast, client_for):
    client = client_for(cast.admin)
    response = client.post(
        reverse("staff:instrument_load"), {"text": "x = " + "[" * 5000 + "]" * 5000, "check": "1"}
    )
    assert response.status_code == 200
    assert response.context["problems"] is not None


def test_a_pasted_definition_longer_than_a_file_may_be_is_refused(cast, client_for):
    response = client_for(cast.admin).post(
        reverse("staff:instrument_load"), {"text": "# " + "x" * 600_000, "check": "1"}
    )
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
