"""The agreement pages (AGR-1): staff write, send links, record paper consent and download the PDF;
mentor, youth and guardian consent in the portal; anyone with a personal link consents without login;
the worklist shows matches waiting for consent."""

import time
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from koppel.matches.domain import agreement as domain
from koppel.matches.models import Agreement
from koppel.policy import roles_of
from koppel.staff.views.worklist import _section
from koppel.staff.worklist import agreement as worklist_agreement
from koppel.staff.worklist.agreement import consent_pending
from tests import factories as f
from tests.factories.agreement import TERMS, written_agreement


@pytest.fixture
def introduced(cast):
    """cast.match, back at 'introduced', with the youth's full name known."""
    cast.match.state = "introduced"
    cast.match.started_on = None
    cast.match.save(update_fields=["state", "started_on"])
    return cast.match


def _form(**changes):
    data = {**TERMS, "seen_number": 0, **changes}
    return {k: ("" if v is None else v) for k, v in data.items()}


def _consent(agreement, party):
    return agreement.consents.get(party=party)


def _path(link):
    return urlsplit(link).path


# --- Staff ----------------------------------------------------------------------------------------


def test_coordinator_writes_the_agreement_and_the_match_is_agreed__AGR_1(cast, client_for, introduced):
    client = client_for(cast.coordinator)
    page = client.get(reverse("staff:match_agreement_edit", args=[introduced.pk]))
    assert page.context["form"].initial["duration_months"] == 12  # the programme's minimum
    response = client.post(reverse("staff:match_agreement_edit", args=[introduced.pk]), _form())
    assert response.status_code == 302
    agreement = Agreement.objects.get(match=introduced)
    assert agreement.place_detail == "Buurthuis De Linde"
    assert agreement.consents.count() == 3  # mentor, guardian, youth
    introduced.refresh_from_db()
    assert introduced.state == "agreed"
    page = client.get(reverse("staff:match_agreement", args=[introduced.pk]))
    assert "Buurthuis De Linde" in page.text
    assert cast.guardian_row.full_name in page.text
    assert "/link/consent/" in page.text  # each pending party's link can be copied


def test_agreement_form_refuses_too_short_a_duration_and_keeps_what_was_typed__AGR_1(
    cast, client_for, introduced
):
    client = client_for(cast.coordinator)
    response = client.post(
        reverse("staff:match_agreement_edit", args=[introduced.pk]),
        _form(duration_months=6, place_detail="Bij de bieb"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "at least 12 months" in response.text
    assert 'value="Bij de bieb"' in response.text
    assert not Agreement.objects.filter(match=introduced).exists()


def test_agreement_form_refuses_a_stale_version(cast, client_for, introduced):
    written_agreement(introduced)  # someone else wrote version 1 meanwhile
    client = client_for(cast.coordinator)
    response = client.post(reverse("staff:match_agreement_edit", args=[introduced.pk]), _form(seen_number=0))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Agreement.objects.filter(match=introduced).count() == 1
    response = client.post(reverse("staff:match_agreement_edit", args=[introduced.pk]), _form(seen_number=1))
    assert response.status_code == 302
    assert Agreement.objects.filter(match=introduced).count() == 2


def test_coordinator_sends_the_links(cast, client_for, introduced, django_capture_on_commit_callbacks):
    written_agreement(introduced)
    client = client_for(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:match_agreement_send_links", args=[introduced.pk]))
    assert response.status_code == 302
    # The youth is 13: the mentor gets one mail, the guardian their own and the youth's.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.mentor_row.email, cast.guardian_row.email, cast.guardian_row.email]
    )


def test_coordinator_records_consent_on_paper(cast, client_for, introduced):
    consent = _consent(written_agreement(introduced), "guardian")
    cast.coordinator.language = "en"  # read the error in English
    cast.coordinator.save(update_fields=["language"])
    client = client_for(cast.coordinator)
    url = reverse("staff:consent_record_paper", args=[consent.pk])
    wrong = client.post(url, {"typed_name": "Iemand Anders", "given_on": timezone.localdate().isoformat()})
    assert wrong.status_code == 200
    assert "name does not match" in wrong.text
    response = client.post(
        url, {"typed_name": cast.guardian_row.full_name, "given_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.via == "paper"


def test_another_programmes_coordinator_cannot_record_consent(cast, client_for, introduced):
    consent = _consent(written_agreement(introduced), "guardian")
    response = client_for(cast.other_coordinator).post(
        reverse("staff:consent_record_paper", args=[consent.pk]),
        {"typed_name": cast.guardian_row.full_name, "given_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.given_at is None


def test_agreement_pdf_holds_the_parties_terms_and_consents__AGR_1(cast, client_for, introduced):
    agreement = written_agreement(introduced, place_detail="Buurthuis De Linde")
    domain.give_consent(_consent(agreement, "mentor"), typed_name=cast.mentor_row.full_name, via="portal")
    response = client_for(cast.coordinator).get(
        reverse("staff:match_agreement_pdf", args=[introduced.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    for text in (
        "Maatjes Zuid",
        cast.mentor_row.last_name,
        cast.youth_row.last_name,
        cast.guardian_row.last_name,
        "Buurthuis De Linde",
        "Not yet given",
    ):
        assert text.encode() in response.content, text


# --- Portal ---------------------------------------------------------------------------------------


def test_mentor_consents_in_the_portal__AGR_1(cast, client_for, introduced):
    agreement = written_agreement(introduced)
    client = client_for(cast.mentor)
    url = reverse("portal:agreement", args=[introduced.pk])
    assert 'name="typed_name"' in client.get(url).text
    wrong = client.post(url, {"typed_name": "Iemand", "agree": "on"})
    assert wrong.status_code == 200
    assert _consent(agreement, "mentor").given_at is None
    unticked = client.post(url, {"typed_name": cast.mentor_row.full_name})
    assert unticked.status_code == 200
    assert _consent(agreement, "mentor").given_at is None
    response = client.post(url, {"typed_name": cast.mentor_row.full_name, "agree": "on"})
    assert response.status_code == 302
    consent = _consent(agreement, "mentor")
    assert consent.via == "portal"
    assert _consent(agreement, "youth").given_at is None  # only their own
    assert 'name="typed_name"' not in client.get(url).text


def test_guardian_consents_only_for_themselves(cast, client_for, introduced):
    other = f.GuardianFactory(organisation=cast.programme.organisation)
    f.GuardianshipFactory(youth=cast.youth_row, guardian=other, relation="father")
    agreement = written_agreement(introduced)
    client = client_for(cast.guardian)
    url = reverse("portal:agreement", args=[introduced.pk])
    # Typing the other guardian's name does not give the other guardian's consent.
    client.post(url, {"typed_name": other.full_name, "agree": "on"})
    assert agreement.consents.filter(given_at__isnull=False).count() == 0
    client.post(url, {"typed_name": cast.guardian_row.full_name, "agree": "on"})
    assert list(agreement.consents.filter(given_at__isnull=False).values_list("guardian_id", flat=True)) == [
        cast.guardian_row.pk
    ]


def test_youth_consents_and_reads_words_for_their_age(cast, client_for, introduced):
    agreement = written_agreement(introduced)
    client = client_for(cast.youth)
    url = reverse("portal:agreement", args=[introduced.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "You meet at least once every" not in page.text  # 13: the normal wording
    cast.youth_row.date_of_birth = date(timezone.localdate().year - 10, 1, 1)
    cast.youth_row.save()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "You meet at least once every 7 days." in page.text
    client.post(url, {"typed_name": cast.youth_row.full_name, "agree": "on"})
    assert _consent(agreement, "youth").via == "portal"


def test_portal_shows_a_page_before_the_agreement_is_written(cast, client_for, introduced):
    response = client_for(cast.guardian).get(reverse("portal:agreement", args=[introduced.pk]))
    assert response.status_code == 200
    assert "typed_name" not in response.text


# --- The public personal link ---------------------------------------------------------------------


def test_consent_through_a_personal_link_end_to_end__AGR_1(cast, client, introduced):
    agreement = written_agreement(introduced)
    consent = _consent(agreement, "guardian")
    url = _path(domain.consent_link(consent))
    page = client.get(url)
    assert page.status_code == 200
    assert cast.youth_row.first_name in page.text
    assert cast.mentor_row.first_name in page.text
    # Other parties by first name only; not even this party's full name is shown.
    for last_name in (cast.youth_row.last_name, cast.mentor_row.last_name, cast.guardian_row.last_name):
        assert last_name not in page.text
    wrong = client.post(url, {"typed_name": "Iemand Anders", "agree": "on"})
    assert wrong.status_code == 200
    assert 'name="typed_name"' in wrong.text
    thanks = client.post(url, {"typed_name": cast.guardian_row.full_name, "agree": "on"})
    assert thanks.status_code == 200
    assert 'name="typed_name"' not in thanks.text
    consent.refresh_from_db()
    assert consent.via == "link"
    assert consent.given_at is not None
    # The page follows the guardian's stored language (Dutch), not the browser's.
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("nl"):
        assert (
            gettext("This consent was given already. Thank you; there is nothing more to do.") in again.text
        )
    assert 'name="typed_name"' not in again.text


def test_an_expired_link_shows_a_friendly_page(cast, client, introduced, monkeypatch):
    cast.mentor_row.preferred_language = "en"  # the page speaks the mentor's language
    cast.mentor_row.save()
    consent = _consent(written_agreement(introduced), "mentor")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 15 * 86400)
    url = _path(domain.consent_link(consent))
    monkeypatch.setattr(time, "time", real)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "expired" in response.text
    assert client.post(url, {"typed_name": cast.mentor_row.full_name, "agree": "on"}).status_code == 410
    consent.refresh_from_db()
    assert consent.given_at is None


def test_an_altered_link_answers_404_with_a_friendly_page(client, cast, introduced):
    response = client.get(reverse("links:consent", args=["made-up"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "not valid" in response.text
    url = _path(domain.consent_link(_consent(written_agreement(introduced), "mentor")))
    assert client.get(url[:-3] + "xx/").status_code == 404
    assert (
        client.post(url[:-3] + "xx/", {"typed_name": cast.mentor_row.full_name, "agree": "on"}).status_code
        == 404
    )
    # A link whose consent is gone (unknown) is not valid either.
    unknown = domain._signer().sign_object({"c": 999999, "n": 1})
    assert client.get(reverse("links:consent", args=[unknown])).status_code == 404


def test_wrong_names_through_a_link_are_limited_then_locked_for_an_hour__AGR_1(cast, client, introduced):
    cast.guardian_row.preferred_language = "en"
    cast.guardian_row.save()
    consent = _consent(written_agreement(introduced), "guardian")
    url = _path(domain.consent_link(consent))
    for _attempt in range(5):
        wrong = client.post(url, {"typed_name": "Iemand Anders", "agree": "on"})
        assert wrong.status_code == 200
        assert "does not match" in wrong.text
    # A sixth try is refused even with the right name: the link is locked for an hour.
    locked = client.post(url, {"typed_name": cast.guardian_row.full_name, "agree": "on"})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.text
    assert 'name="typed_name"' not in locked.text
    consent.refresh_from_db()
    assert consent.given_at is None
    # Another browser holding the same link is locked too (the count is the link's, in the database).
    from django.test import Client

    assert Client().post(url, {"typed_name": "Nog Iemand", "agree": "on"}).status_code == 429
    # An hour later the party can consent.
    from koppel.common.models import FailedAttempt

    FailedAttempt.objects.update(at=timezone.now() - timedelta(hours=1, minutes=1))
    thanks = client.post(url, {"typed_name": cast.guardian_row.full_name, "agree": "on"})
    assert thanks.status_code == 200
    consent.refresh_from_db()
    assert consent.given_at is not None
    assert not FailedAttempt.objects.filter(key=domain.attempts_key(consent)).exists()


def test_the_locked_page_is_in_dutch_for_a_dutch_party(cast, client, introduced):
    consent = _consent(written_agreement(introduced), "guardian")
    url = _path(domain.consent_link(consent))
    for _attempt in range(5):
        client.post(url, {"typed_name": "Iemand Anders", "agree": "on"})
    locked = client.post(url, {"typed_name": "Iemand Anders", "agree": "on"})
    assert locked.status_code == 429
    with translation.override("nl"):
        assert (
            gettext("Too many attempts. For your safety this page is locked for an hour. Try again later.")
            in locked.text
        )


# --- Worklist -------------------------------------------------------------------------------------


def test_worklist_lists_matches_waiting_for_consent__AGR_1(cast, client_for, introduced):
    agreement = written_agreement(introduced)
    domain.give_consent(_consent(agreement, "mentor"), typed_name=cast.mentor_row.full_name, via="portal")
    response = client_for(cast.coordinator).get(reverse("staff:worklist"), HTTP_ACCEPT_LANGUAGE="en")
    section = next(s for s in response.context["sections"] if s.key == "consent_pending")
    assert section.count == 1
    assert section.items[0].note == "1 of 3 consents"
    assert section.items[0].url == reverse("staff:match_agreement", args=[introduced.pk])
    # Everyone consents: off the list. Another programme's coordinator never sees it.
    assert consent_pending(cast.other_coordinator).count() == 0
    for party, name in (("guardian", cast.guardian_row.full_name), ("youth", cast.youth_row.full_name)):
        domain.give_consent(_consent(agreement, party), typed_name=name, via="link")
    assert consent_pending(cast.coordinator).count() == 0


def test_worklist_counts_only_the_latest_version(cast, introduced):
    first = written_agreement(introduced)
    for consent in first.consents.all():
        domain.give_consent(consent, typed_name=domain.person_of(consent).full_name, via="portal")
    assert consent_pending(cast.coordinator).count() == 0
    written_agreement(introduced)
    match = consent_pending(cast.coordinator).get()
    assert (match.consents_total, match.consents_pending) == (3, 3)


@pytest.mark.parametrize("matches", [1, 6])
def test_worklist_consent_section_runs_two_queries_whatever_its_length(
    cast, introduced, django_assert_num_queries, matches
):
    written_agreement(introduced)
    for _ in range(matches - 1):
        match = f.MatchFactory(
            youth=f.YouthFactory(programme=cast.programme),
            mentors=[f.MentorFactory(programme=cast.programme)],
        )
        written_agreement(match)
    cast.coordinator._koppel_roles = roles_of(cast.coordinator)
    with django_assert_num_queries(2):
        section = _section(worklist_agreement.SECTIONS[0], cast.coordinator)
    assert section.count == matches
    assert len(section.items) == matches


def test_a_young_youths_link_copied_from_the_staff_page_tells_the_parent__AGR_1(cast, client, introduced):
    consent = _consent(written_agreement(introduced), "youth")  # the youth is 13
    page = client.get(_path(domain.consent_link(consent)), HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["for_child"]
