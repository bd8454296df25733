"""Recruitment on the staff side (REC-2, REC-3): campaigns, their funnel, youth registration."""

from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from koppel.common.domain.audit import history_of
from koppel.people.domain.queries.recruitment import campaign_funnel, with_funnel
from koppel.people.models import Campaign, Guardian, Guardianship, Intake, PipelineEvent, Youth
from tests import factories as f
from tests.factories.recruitment import CampaignFactory
from tests.staff.test_query_counts import MANY, assert_constant_queries, content

pytestmark = pytest.mark.django_db


def _english(user):
    user.language = "en"
    user.save()
    return user


# --- Campaigns ------------------------------------------------------------------------------------


def campaign_data(cast, **overrides):
    data = {
        "programme": str(cast.programme.pk),
        "name": "Studenten Erasmus",
        "channel": "school",
        "target_group": "Studenten pedagogiek",
        "motive": "career",
        "message": "Ervaring opdoen als mentor",
        "starts_on": "2026-09-01",
        "ends_on": "2026-12-31",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_campaign_with_channel_and_motive__REC_2(cast, client_for):
    response = client_for(cast.coordinator).post(reverse("staff:campaign_create"), campaign_data(cast))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:campaign_detail", args=[campaign.pk])
    assert (campaign.programme, campaign.channel, campaign.motive) == (cast.programme, "school", "career")
    assert len(campaign.token) >= 12
    assert history_of(campaign).get().action == "people.campaign.created"


def test_campaign_cannot_be_made_for_another_programme(cast, client_for):
    response = client_for(cast.other_coordinator).post(reverse("staff:campaign_create"), campaign_data(cast))
    assert response.status_code == 200
    assert response.context["form"].errors["programme"]
    assert not Campaign.objects.exists()


def test_campaign_bad_input_re_renders_keeping_the_data(cast, client_for):
    _english(cast.coordinator)
    response = client_for(cast.coordinator).post(
        reverse("staff:campaign_create"), campaign_data(cast, ends_on="2026-08-01")
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.text
    assert 'value="Studenten Erasmus"' in response.text
    assert not Campaign.objects.exists()


def test_campaign_edit_keeps_the_programme_and_logs_the_changed_fields(cast, client_for):
    campaign = CampaignFactory(programme=cast.programme)
    data = campaign_data(
        cast, programme=str(cast.other_programme.pk), name="Nieuw", expected_version=str(campaign.version)
    )
    response = client_for(cast.coordinator).post(reverse("staff:campaign_edit", args=[campaign.pk]), data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Nieuw"
    assert campaign.programme == cast.programme
    assert "name" in history_of(campaign).get(action="people.campaign.changed").fields


@override_settings(SITE_URL="https://koppel.example.org")
def test_campaign_detail_shows_the_absolute_public_link_and_its_applicants(cast, client_for):
    campaign = CampaignFactory(programme=cast.programme)
    f.MentorFactory(programme=cast.programme, campaign=campaign, first_name="Ilse", status="applied")
    response = client_for(_english(cast.coordinator)).get(
        reverse("staff:campaign_detail", args=[campaign.pk])
    )
    assert f"https://koppel.example.org/join/{campaign.token}/" in response.text
    assert "Ilse" in response.text
    assert "Applied" in response.text


def test_funnel_counts_per_stage_from_status_and_pipeline_steps__REC_3(cast):
    campaign = CampaignFactory(programme=cast.programme)
    other = CampaignFactory(programme=cast.programme)
    for status in ("applied", "in_screening", "approved", "ready", "matched", "matched", "paused"):
        f.MentorFactory(programme=cast.programme, campaign=campaign, status=status)
    # Matched once, withdrawn since: still counts as screened, ready and matched.
    gone = f.MentorFactory(programme=cast.programme, campaign=campaign, status="withdrawn")
    for step in ("approved", "ready", "matched"):
        PipelineEvent.objects.create(mentor=gone, to_status=step)
    f.MentorFactory(programme=cast.programme, campaign=other, status="matched")
    expected = {"applied": 8, "screened": 6, "ready": 4, "matched": 3}
    assert campaign_funnel(campaign) == expected
    annotated = with_funnel(Campaign.objects.filter(pk=campaign.pk)).get()
    assert {k: getattr(annotated, f"n_{k}") for k in expected} == expected


def test_campaign_list_shows_funnel_counts(cast, client_for):
    campaign = CampaignFactory(programme=cast.programme, name="Buurthuis")
    f.MentorFactory.create_batch(3, programme=cast.programme, campaign=campaign, status="applied")
    f.MentorFactory(programme=cast.programme, campaign=campaign, status="matched")
    CampaignFactory(programme=cast.other_programme, name="School")
    response = client_for(cast.coordinator).get(reverse("staff:campaign_list"))
    rows = list(response.context["page"])
    assert [c.name for c in rows] == ["Buurthuis"]
    assert (rows[0].n_applied, rows[0].n_screened, rows[0].n_ready, rows[0].n_matched) == (4, 1, 1, 1)
    filtered = client_for(cast.admin).get(
        reverse("staff:campaign_list"), {"programme": cast.other_programme.pk}
    )
    assert [c.name for c in filtered.context["page"]] == ["School"]


# --- Query counts ---------------------------------------------------------------------------------


@pytest.fixture
def programme(db):
    return f.ProgrammeFactory(name="Maatjes Noord")


@pytest.fixture
def coordinator(programme):
    from tests.conftest import enrol_mfa

    user = f.CoordinatorFactory(programme=programme).user
    enrol_mfa(user)
    return user


def test_campaign_list_query_count(programme, coordinator, client_for):
    def add(i):
        campaign = CampaignFactory(programme=programme, name=f"Campagne{i:02d}")
        f.MentorFactory(programme=programme, campaign=campaign, status="ready")

    add(0)

    def shows_rows(response, n):
        page = response.context["page"]
        assert page.paginator.count == n
        assert "Campagne00" in content(response) if n == 1 else "Campagne49" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:campaign_list"),
        lambda: [add(i) for i in range(1, MANY)],
        shows_rows,
    )


def test_campaign_detail_query_count(programme, coordinator, client_for):
    campaign = CampaignFactory(programme=programme)
    f.MentorFactory(programme=programme, campaign=campaign, first_name="Aanmelder00")

    def shows_rows(response, n):
        page = response.context["page"]
        assert page.paginator.count == n
        assert all(escape(m.full_name) in content(response) for m in page)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:campaign_detail", args=[campaign.pk]),
        lambda: f.MentorFactory.create_batch(MANY - 1, programme=programme, campaign=campaign),
        shows_rows,
    )


# --- Youth registration ---------------------------------------------------------------------------


def registration(cast, **overrides):
    data = {
        "programme": str(cast.programme.pk),
        "first_name": "Noah",
        "last_name": "Jansen",
        "date_of_birth": date(timezone.localdate().year - 12, 5, 1).isoformat(),
        "gender": "male",
        "postcode": "3072 AB",
        "preferred_language": "nl",
        "referral": "school",
        "referrer_name": "Mw. Bakker",
        "referrer_organisation": "Montessori College Zuid",
        "guardian_first_name": "Fenna",
        "guardian_last_name": "Jansen",
        "guardian_email": "fenna@example.org",
        "guardian_language": "nl",
        "relation": "mother",
        "has_parental_authority": "on",
        "guardian_consent": "on",
        "consent_on": "2026-11-20",
    }
    data.update(overrides)
    return data


def test_youth_registered_by_a_school_with_guardian_consent(cast, client_for):
    response = client_for(cast.coordinator).post(reverse("staff:youth_register"), registration(cast))
    youth = Youth.objects.get(first_name="Noah")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:youth_detail", args=[youth.pk])
    assert youth.status == "intake"
    assert (youth.referral, youth.referrer_name, youth.referrer_organisation) == (
        "school",
        "Mw. Bakker",
        "Montessori College Zuid",
    )
    guardian = Guardian.objects.get(email="fenna@example.org")
    assert guardian.organisation == cast.programme.organisation
    assert Guardianship.objects.filter(youth=youth, guardian=guardian, relation="mother").exists()
    intake = Intake.objects.get(youth=youth)
    assert intake.guardian_consent is True
    assert intake.consent_by == guardian
    assert intake.consent_on == date(2026, 11, 20)
    assert history_of(intake).get().fields == ["consent_by", "consent_on", "guardian_consent"]


def test_youth_registration_refused_without_guardian_consent(cast, client_for):
    _english(cast.coordinator)
    data = registration(cast)
    del data["guardian_consent"]
    response = client_for(cast.coordinator).post(reverse("staff:youth_register"), data)
    assert response.status_code == 200
    assert "only be registered with the consent of a parent or guardian" in response.text
    assert 'value="Noah"' in response.text
    assert not Youth.objects.filter(first_name="Noah").exists()
    assert not Guardian.objects.filter(email="fenna@example.org").exists()


def test_youth_registration_with_an_existing_guardian(cast, client_for):
    data = registration(
        cast,
        referral="guardian",
        referrer_name="",
        referrer_organisation="",
        guardian=str(cast.guardian_row.pk),
        guardian_first_name="",
        guardian_last_name="",
        guardian_email="",
    )
    response = client_for(cast.coordinator).post(reverse("staff:youth_register"), data)
    assert response.status_code == 302
    youth = Youth.objects.get(first_name="Noah")
    assert list(youth.guardians.all()) == [cast.guardian_row]
    assert Intake.objects.get(youth=youth).consent_by == cast.guardian_row


def test_professional_referral_needs_the_referrer(cast, client_for):
    _english(cast.coordinator)
    response = client_for(cast.coordinator).post(
        reverse("staff:youth_register"), registration(cast, referrer_name="", referrer_organisation="")
    )
    assert response.status_code == 200
    assert "Fill in who referred the youth, and from which organisation." in response.text
    assert not Youth.objects.filter(first_name="Noah").exists()


def test_youth_registration_needs_a_guardian(cast, client_for):
    response = client_for(cast.coordinator).post(
        reverse("staff:youth_register"),
        registration(cast, guardian_first_name="", guardian_last_name="", guardian_email=""),
    )
    assert response.status_code == 200
    assert {"guardian_first_name", "guardian_last_name", "guardian_email"} <= set(
        response.context["form"].errors
    )
    assert not Youth.objects.filter(first_name="Noah").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("guardian_phone", "bel mij"), ("phone", "06-1234<b>"), ("guardian_first_name", "x" * 101)],
)
def test_youth_registration_checks_phone_numbers_and_name_lengths(cast, client_for, field, value):
    response = client_for(_english(cast.coordinator)).post(
        reverse("staff:youth_register"), registration(cast, **{field: value})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Youth.objects.filter(first_name="Noah").exists()
