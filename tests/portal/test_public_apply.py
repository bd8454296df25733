"""The public mentor application (REC-2): campaign link, honeypot, rate limit, second applications,
mail language."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from koppel.common.domain import mail as koppel_mail
from koppel.common.domain.audit import history_of
from koppel.people.domain import recruitment
from koppel.people.enums import MentorRoute, MentorStatus
from koppel.people.forms.recruitment import MentorApplicationForm
from koppel.people.models import Mentor, RepeatApplication
from koppel.portal.views.public import RATE_LIMIT
from tests import factories as f
from tests.factories.recruitment import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return CampaignFactory(
        programme=f.ProgrammeFactory(name="Maatjes West"), channel="employer", motive="career"
    )


def application(**overrides):
    data = {
        "first_name": "Sanne",
        "last_name": "de Vries",
        "date_of_birth": "1990-06-01",
        "gender": "female",
        "email": "Sanne@Example.org",
        "phone": "06-12345678",
        "postcode": "3072 ab",
        "preferred_language": "nl",
        "languages": ["nl", "en"],
        "occupation": "Verpleegkundige",
        "motives": ["career", "altruism"],
        "availability": ["wed-pm"],
        "privacy": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def apply_url(campaign):
    return reverse("public:apply", args=[campaign.token])


def test_application_records_campaign_channel_and_motives__REC_2(client, campaign):
    response = client.post(apply_url(campaign), application())
    assert response.status_code == 302
    assert response["Location"] == reverse("public:apply_thanks", args=[campaign.token])
    mentor = Mentor.objects.get()
    assert mentor.programme == campaign.programme
    assert mentor.campaign == campaign
    assert mentor.channel == "employer"
    assert mentor.route == MentorRoute.CAMPAIGN
    assert mentor.status == MentorStatus.APPLIED
    assert mentor.motives == ["altruism", "career"]
    assert mentor.applied_at is not None
    assert mentor.email == "sanne@example.org"
    assert mentor.postcode == "3072AB"
    assert history_of(mentor).get().action == "people.mentor.applied"
    assert client.get(response["Location"]).status_code == 200


def test_application_needs_no_login_and_defaults_to_the_browser_language(client, campaign):
    response = client.get(apply_url(campaign), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Become a mentor in Maatjes West" in response.text
    assert response.context["form"]["preferred_language"].value() == "en"
    dutch = client.get(apply_url(campaign), HTTP_ACCEPT_LANGUAGE="nl")
    assert dutch.context["form"]["preferred_language"].value() == "nl"


def _stored(mentor) -> dict:
    """Every stored field of the mentor, with its interests."""
    mentor = Mentor.objects.get(pk=mentor.pk)
    values = {f.attname: getattr(mentor, f.attname) for f in Mentor._meta.concrete_fields}
    values["interests"] = sorted(mentor.interests.values_list("pk", flat=True))
    return values


def test_second_application_with_same_email_is_kept_apart_not_joined(client, campaign):
    client.post(apply_url(campaign), application(phone="", occupation=""))
    mentor = Mentor.objects.get()
    before = _stored(mentor)
    later = CampaignFactory(programme=campaign.programme, channel="school")
    response = client.post(
        apply_url(later),
        application(email="sanne@example.org", first_name="S.", phone="06-99999999", occupation="Docent"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("public:apply_thanks", args=[later.token])
    assert Mentor.objects.get() == mentor
    assert _stored(mentor) == before  # nothing filled in, nothing overwritten
    second = RepeatApplication.objects.get()
    assert second.mentor == mentor
    assert second.campaign == later
    assert second.channel == "school"
    assert second.reviewed_at is None
    # Only what differs is kept: the same postcode and date of birth are left out.
    assert second.values == {"first_name": "S.", "phone": "06-99999999", "occupation": "Docent"}
    again = history_of(mentor).get(action="people.mentor.applied_again")
    assert again.data == {"campaign_id": later.pk, "application_id": second.pk}
    assert set(again.fields) == {"first_name", "occupation", "phone"}


@pytest.mark.parametrize("status", ["matched", "approved", "in_screening", "disqualified"])
def test_an_anonymous_application_with_a_known_mentors_email_changes_nothing_on_the_mentor(
    client, campaign, django_capture_on_commit_callbacks, status
):
    reason = "vog_refused" if status == "disqualified" else ""
    mentor = f.MentorFactory(
        programme=campaign.programme,
        email="mentor@example.org",
        status=status,
        disqualification_reason=reason,
        phone="",
        postcode="",
        occupation="",
        motivation="",
        preferred_language="en",
    )
    before = _stored(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            apply_url(campaign),
            application(
                email="Mentor@Example.org",
                phone="06-66666666",
                postcode="9999 ZZ",
                occupation="Inbreker",
                motivation="Vreemde tekst",
            ),
        )
    # The visitor sees the same thank-you page as a new applicant.
    assert response.status_code == 302
    assert response["Location"] == reverse("public:apply_thanks", args=[campaign.token])
    assert _stored(mentor) == before
    assert Mentor.objects.count() == 1
    second = RepeatApplication.objects.get(mentor=mentor)
    assert second.values["phone"] == "06-66666666"
    # The real mentor hears, in their own language, that an application came in with their address,
    # and nothing the stranger typed.
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["mentor@example.org"]
    assert notice.subject == "We received an application with your e-mail address"
    assert notice.subject != str(recruitment.APPLICATION_SUBJECT)
    for typed in ("06-66666666", "9999", "Inbreker", "Vreemde tekst", "Sanne", "de Vries"):
        assert typed not in notice.body
    assert "Nothing in your details has been changed" in notice.body


def test_the_form_tells_nobody_whether_an_address_is_known(client, campaign):
    f.MentorFactory(programme=campaign.programme, email="known@example.org", status="matched")
    known = client.post(apply_url(campaign), application(email="known@example.org"), follow=True)
    new = client.post(apply_url(campaign), application(email="new@example.org"), follow=True)
    assert known.redirect_chain == new.redirect_chain
    token = re.compile(r'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", known.text) == token.sub("", new.text)


def test_concurrent_creation_falls_back_to_a_second_application(campaign, monkeypatch):
    """The race the unique constraint settles: the look-up finds nobody, then the insert collides."""
    winner = f.MentorFactory(programme=campaign.programme, email="race@example.org", status="applied")
    real = recruitment._existing_applicant
    calls = []

    def late(programme, email):
        calls.append(email)
        return None if len(calls) == 1 else real(programme, email)

    monkeypatch.setattr(recruitment, "_existing_applicant", late)
    values = MentorApplicationForm(application(email="RACE@example.org"))
    assert values.is_valid(), values.errors
    mentor, second = recruitment.apply_as_mentor(campaign, values=values.domain_values())
    assert mentor == winner
    assert second is not None and second.mentor == winner
    assert Mentor.objects.count() == 1


def test_the_email_is_unique_per_programme_whatever_its_case(campaign):
    f.MentorFactory(programme=campaign.programme, email="twice@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MentorFactory(programme=campaign.programme, email="Twice@Example.org")
    # Mentors without an address, and the same address elsewhere, are allowed.
    f.MentorFactory(programme=campaign.programme, email="")
    f.MentorFactory(programme=campaign.programme, email="")
    f.MentorFactory(email="twice@example.org")


def test_the_same_email_in_another_programme_is_another_applicant(client, campaign):
    client.post(apply_url(campaign), application())
    other = CampaignFactory(programme=f.ProgrammeFactory(organisation=campaign.programme.organisation))
    client.post(apply_url(other), application())
    assert Mentor.objects.count() == 2


def test_filled_honeypot_creates_nothing_but_shows_the_thank_you_page(client, campaign):
    response = client.post(apply_url(campaign), application(website="http://spam.example"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("public:apply_thanks", args=[campaign.token])
    assert not Mentor.objects.exists()
    assert mail.outbox == []


def test_honeypot_is_hidden_by_a_css_class_not_an_inline_style(client, campaign):
    html = client.get(apply_url(campaign)).text
    assert '<div class="hp" aria-hidden="true">' in html
    assert "style=" not in html


def test_rate_limit_answers_429_after_the_limit(client, campaign):
    for i in range(RATE_LIMIT):
        response = client.post(apply_url(campaign), application(email=f"person{i}@example.org"))
        assert response.status_code == 302
    response = client.post(
        apply_url(campaign), application(email="one-too-many@example.org"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Too many applications" in response.text
    assert Mentor.objects.count() == RATE_LIMIT
    # Another address is not limited.
    other = client.post(
        apply_url(campaign), application(email="elsewhere@example.org"), REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code == 302


def test_invalid_attempts_do_not_count_towards_the_rate_limit(client, campaign):
    for _ in range(RATE_LIMIT + 2):
        assert client.post(apply_url(campaign), application(postcode="x")).status_code == 200
    assert client.post(apply_url(campaign), application()).status_code == 302


def _languages_of_rendered_mail(monkeypatch) -> list[str]:
    """Record the active language each time the recruitment domain renders a mail."""
    seen: list[str] = []
    real = koppel_mail.render_to_string

    def spy(*args, **kwargs):
        seen.append(translation.get_language())
        return real(*args, **kwargs)

    monkeypatch.setattr(koppel_mail, "render_to_string", spy)
    return seen


@pytest.mark.parametrize("language", ["en", "nl"])
def test_confirmation_mail_in_the_applicants_language(
    client, campaign, django_capture_on_commit_callbacks, monkeypatch, language
):
    seen = _languages_of_rendered_mail(monkeypatch)
    other = "nl" if language == "en" else "en"
    with django_capture_on_commit_callbacks(execute=True):
        # The page is shown in the other language: the mail follows the applicant's choice.
        client.post(
            apply_url(campaign),
            application(preferred_language=language, email="ann@example.org"),
            HTTP_ACCEPT_LANGUAGE=other,
        )
    assert seen == [language]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    with translation.override(language):
        assert message.subject == str(recruitment.APPLICATION_SUBJECT)
    assert "Sanne" in message.body
    assert "Maatjes West" in message.body


def test_closed_or_unknown_campaign_is_a_friendly_404(client, campaign):
    assert client.get(reverse("public:apply", args=["no-such-code"])).status_code == 404
    campaign.is_active = False
    campaign.save()
    response = client.get(apply_url(campaign), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "This application form is closed" in response.text
    assert client.post(apply_url(campaign), application()).status_code == 404
    assert not Mentor.objects.exists()


def test_campaign_outside_its_dates_is_closed(client, campaign):
    campaign.ends_on = timezone.localdate() - timedelta(days=1)
    campaign.save()
    assert client.get(apply_url(campaign)).status_code == 404
    campaign.ends_on = None
    campaign.starts_on = timezone.localdate() + timedelta(days=1)
    campaign.save()
    assert client.get(apply_url(campaign)).status_code == 404
    campaign.starts_on = timezone.localdate()
    campaign.save()
    assert client.get(apply_url(campaign)).status_code == 200


def test_bad_input_re_renders_keeping_the_data(client, campaign):
    response = client.post(
        apply_url(campaign),
        application(postcode="30721AB", motives=[], privacy=""),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Enter a Dutch postcode such as 3072 AB." in response.text
    assert "Without your agreement the programme cannot handle your application." in response.text
    assert 'value="Sanne"' in response.text
    assert 'value="30721AB"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert not Mentor.objects.exists()


def test_a_failing_mail_server_still_thanks_the_applicant(
    client, campaign, django_capture_on_commit_callbacks, settings
):
    settings.MAILERS = {"default": {"BACKEND": "tests.common.test_outbox.BrokenMailServer"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(campaign), application())
    assert response.status_code == 302
    assert Mentor.objects.get().email == "sanne@example.org"


def test_motivation_has_a_length_limit_and_the_form_keeps_the_data(client, campaign):
    long = "x" * (MentorApplicationForm.MOTIVATION_MAX + 1)
    response = client.post(apply_url(campaign), application(motivation=long), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in response.text
    assert 'value="Sanne"' in response.text
    assert not Mentor.objects.exists()


@pytest.mark.parametrize("phone", ["call me maybe", "06-1234567<script>", "123", "+31 6 1234 5678 9012 3456"])
def test_a_phone_number_that_is_not_one_is_refused_with_a_translated_error(client, campaign, phone):
    response = client.post(apply_url(campaign), application(phone=phone), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert "Vul een telefoonnummer in" in response.text or "phone number of 6 to 15 digits" in response.text
    assert not Mentor.objects.exists()


@pytest.mark.parametrize("phone", ["06-12345678", "010 123 45 67", "+31 (0)10 1234567", "+32 470 12 34 56"])
def test_phone_numbers_as_people_write_them_are_accepted(client, campaign, phone):
    assert client.post(apply_url(campaign), application(phone=phone)).status_code == 302
    assert Mentor.objects.get().phone == phone
