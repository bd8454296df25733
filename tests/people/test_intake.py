"""Youth intake (YTH-1..3, MAT-5): the intake page and the gate onto the waiting list."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from koppel.common.domain.audit import history_of
from koppel.common.domain.errors import ConflictError, DomainError
from koppel.people.domain.intake import add_to_waiting_list, record_intake, withdraw_youth
from koppel.people.models import Intake, Youth
from tests import factories as f
from tests.factories.intake import IntakeFactory

pytestmark = pytest.mark.django_db


def _english(user):
    user.language = "en"
    user.save()
    return user


def _youth(cast, **kwargs):
    return f.YouthFactory(programme=cast.programme, status="intake", **kwargs)


def _refusal(youth, by) -> str:
    with pytest.raises(DomainError) as refused:
        add_to_waiting_list(youth, by=by)
    youth.refresh_from_db()
    assert youth.status == "intake" and youth.waiting_since is None
    return refused.value.message


# --- The gate -------------------------------------------------------------------------------------


def test_complete_intake_joins_the_waiting_list_today_and_is_audited(cast):
    youth = IntakeFactory(youth=_youth(cast)).youth
    add_to_waiting_list(youth, by=cast.coordinator)
    youth.refresh_from_db()
    assert youth.status == "waiting"
    assert youth.waiting_since == timezone.localdate()
    entry = history_of(youth).get(action="people.youth.added_to_waiting_list")
    assert entry.fields == ["status", "waiting_since"]
    assert entry.actor == cast.coordinator


def test_waiting_list_refused_without_being_informed__YTH_1(cast):
    youth = IntakeFactory(
        youth=_youth(cast), informed_benefits_challenges=False, informed_volunteer=False
    ).youth
    message = _refusal(youth, cast.coordinator)
    assert "benefits and challenges (YTH-1)" in message
    assert "the mentor is a volunteer (YTH-1)" in message
    assert "YTH-2" not in message


def test_waiting_list_refused_without_motivation_and_goal__YTH_2(cast):
    youth = IntakeFactory(youth=_youth(cast, goals=""), motivation="  ", committed=False).youth
    message = _refusal(youth, cast.coordinator)
    assert "motivation (YTH-2)" in message
    assert "a goal the youth wants to work on (YTH-2)" in message
    assert "commitment" in message
    assert "YTH-1" not in message


def test_waiting_list_refused_without_guardian_consent(cast):
    youth = IntakeFactory(youth=_youth(cast), guardian_consent=False).youth
    assert "consent of a parent or guardian" in _refusal(youth, cast.coordinator)


def test_an_adult_youth_needs_no_guardian_consent(cast):
    adult = _youth(cast, date_of_birth=date(timezone.localdate().year - 20, 1, 1))
    IntakeFactory(youth=adult, guardian_consent=False)
    add_to_waiting_list(adult, by=cast.coordinator)
    adult.refresh_from_db()
    assert adult.status == "waiting"


def test_without_any_intake_every_item_is_listed(cast):
    message = _refusal(_youth(cast, goals=""), cast.coordinator)
    assert message.count("YTH-1") == 2
    assert message.count("YTH-2") == 3
    assert "consent" in message


def test_a_matched_youth_cannot_join_the_waiting_list(cast):
    with pytest.raises(DomainError):
        add_to_waiting_list(cast.youth_row, by=cast.coordinator)


def test_withdrawing_takes_the_youth_off_the_waiting_list(cast):
    youth = f.YouthFactory(programme=cast.programme, status="waiting", waiting_since=date(2026, 1, 5))
    withdraw_youth(youth, by=cast.coordinator)
    youth.refresh_from_db()
    assert (youth.status, youth.waiting_since) == ("withdrawn", None)
    assert history_of(youth).get().action == "people.youth.withdrawn"
    with pytest.raises(DomainError):
        withdraw_youth(youth, by=cast.coordinator)


# --- record_intake --------------------------------------------------------------------------------


def test_record_intake_creates_the_intake_and_logs_field_names_only(cast):
    youth = _youth(cast)
    record_intake(
        youth,
        by=cast.coordinator,
        values={"youth": {"cultural_match": "required"}, "intake": {"motivation": "Geheim verhaal"}},
        expected_version={"youth": youth.version, "intake": None},
    )
    intake = Intake.objects.get(youth=youth)
    assert intake.motivation == "Geheim verhaal" and intake.held_by == cast.coordinator
    entry = history_of(youth).get()
    assert entry.fields == ["cultural_match", "intake.held_by", "intake.motivation"]
    assert "Geheim" not in str(entry.data)


def test_record_intake_refuses_a_stale_version(cast):
    youth = _youth(cast)
    IntakeFactory(youth=youth)
    with pytest.raises(ConflictError):
        record_intake(
            youth,
            by=cast.coordinator,
            values={"youth": {}, "intake": {"motivation": "x"}},
            expected_version={"youth": youth.version, "intake": None},
        )


# --- The page -------------------------------------------------------------------------------------


def intake_data(youth, **overrides):
    data = {
        "youth-expected_version": str(youth.version),
        # The page sends 0 for an intake that did not exist when it was loaded.
        "intake-expected_version": "0",
        "youth-goals": "Beter leren plannen",
        "youth-wishes": "Iemand die van tekenen houdt",
        "youth-wish_mentor_gender": "female",
        "youth-wish_language": "ar",
        "youth-cultural_match": "important",
        "intake-held_on": "2026-11-20",
        "intake-informed_benefits_challenges": "on",
        "intake-informed_volunteer": "on",
        "intake-motivation": "Wil meer zelfvertrouwen",
        "intake-committed": "on",
        "intake-wish_kind_of_person": "Rustig en grappig",
        "intake-wish_age_min": "20",
        "intake-wish_age_max": "35",
        "intake-wish_location": "Buurthuis",
        "intake-guardian_consent": "on",
        "intake-consent_on": "2026-11-20",
    }
    data.update(overrides)
    return data


def test_cultural_background_importance_recorded__MAT_5(cast, client_for):
    youth = _youth(cast)
    url = reverse("staff:youth_intake", args=[youth.pk])
    response = client_for(cast.coordinator).post(
        url, intake_data(youth, **{"youth-cultural_match": "required"})
    )
    assert response.status_code == 302
    youth.refresh_from_db()
    assert youth.cultural_match == "required"
    assert "cultural_match" in history_of(youth).get(action="people.youth.intake_recorded").fields


def test_the_intake_page_saves_both_forms_and_then_the_youth_can_join(cast, client_for):
    youth = _youth(cast)
    f.GuardianshipFactory(youth=youth)
    client = client_for(_english(cast.coordinator))
    url = reverse("staff:youth_intake", args=[youth.pk])
    page = client.get(url)
    assert "the youth was told that the mentor is a volunteer (YTH-1)" in page.text
    assert client.post(url, intake_data(youth)).status_code == 302
    youth.refresh_from_db()
    intake = youth.intake
    assert (youth.wish_language, youth.wish_mentor_gender, youth.wishes) == (
        "ar",
        "female",
        "Iemand die van tekenen houdt",
    )
    assert intake.committed and intake.informed_volunteer and intake.wish_age_max == 35
    response = client.post(reverse("staff:youth_add_to_waiting_list", args=[youth.pk]), follow=True)
    assert "is on the waiting list" in response.text
    youth.refresh_from_db()
    assert youth.status == "waiting"


def test_the_refusal_is_shown_on_the_intake_page(cast, client_for):
    youth = _youth(cast)
    client = client_for(_english(cast.coordinator))
    response = client.post(reverse("staff:youth_add_to_waiting_list", args=[youth.pk]), follow=True)
    assert "This youth cannot join the waiting list yet" in response.text
    assert Youth.objects.get(pk=youth.pk).status == "intake"


def test_bad_input_re_renders_keeping_what_was_typed(cast, client_for):
    youth = _youth(cast)
    client = client_for(_english(cast.coordinator))
    data = intake_data(
        youth, **{"intake-wish_age_min": "40", "intake-wish_age_max": "25", "intake-consent_on": ""}
    )
    response = client.post(reverse("staff:youth_intake", args=[youth.pk]), data)
    assert response.status_code == 200
    assert "The highest age must not be below the lowest age." in response.text
    assert "Enter the date on which the consent was given." in response.text
    assert "Wil meer zelfvertrouwen" in response.text
    assert 'value="40"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert not Intake.objects.filter(youth=youth).exists()


def test_a_second_editor_is_refused_and_keeps_what_they_typed(cast, client_for):
    youth = _youth(cast)
    client = client_for(_english(cast.coordinator))
    url = reverse("staff:youth_intake", args=[youth.pk])
    stale = intake_data(youth, **{"intake-motivation": "Tweede versie"})
    assert client.post(url, intake_data(youth)).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.text
    assert "Tweede versie" in response.text
    assert Intake.objects.get(youth=youth).motivation == "Wil meer zelfvertrouwen"


def test_consent_can_only_be_given_by_the_youths_own_guardian(cast, client_for):
    youth = _youth(cast)
    stranger = f.GuardianFactory(organisation=cast.programme.organisation)
    data = intake_data(youth, **{"intake-consent_by": str(stranger.pk)})
    response = client_for(cast.coordinator).post(reverse("staff:youth_intake", args=[youth.pk]), data)
    assert response.status_code == 200
    assert "consent_by" in response.context["intake_form"].errors


def test_viewing_the_intake_page_is_in_the_access_log(cast, client_for):
    from koppel.common.domain.audit import access_log_of

    client_for(cast.coordinator).get(reverse("staff:youth_intake", args=[cast.youth_row.pk]))
    assert access_log_of(cast.youth_row).get().page == "staff:youth_intake"


def test_another_programmes_coordinator_cannot_add_to_the_waiting_list(cast, client_for):
    youth = IntakeFactory(youth=_youth(cast)).youth
    response = client_for(cast.other_coordinator).post(
        reverse("staff:youth_add_to_waiting_list", args=[youth.pk])
    )
    assert response.status_code == 404
    assert Youth.objects.get(pk=youth.pk).status == "intake"


def test_the_youth_page_links_to_the_intake_and_offers_the_waiting_list(cast, client_for):
    youth = _youth(cast)
    client = client_for(_english(cast.coordinator))
    text = client.get(reverse("staff:youth_detail", args=[youth.pk])).text
    assert f'href="{reverse("staff:youth_intake", args=[youth.pk])}"' in text
    assert f'action="{reverse("staff:youth_add_to_waiting_list", args=[youth.pk])}"' in text
    matched = client.get(reverse("staff:youth_detail", args=[cast.youth_row.pk])).text
    assert "Add to waiting list" not in matched


def test_withdrawing_through_the_page(cast, client_for):
    youth = f.YouthFactory(programme=cast.programme, status="waiting", waiting_since=date(2026, 1, 5))
    client = client_for(_english(cast.coordinator))
    response = client.post(reverse("staff:youth_withdraw", args=[youth.pk]), follow=True)
    assert "was withdrawn" in response.text
    assert Youth.objects.get(pk=youth.pk).status == "withdrawn"
    assert client.get(reverse("staff:youth_withdraw", args=[youth.pk])).status_code == 405


def test_editing_an_existing_intake_records_only_the_changed_fields(cast, client_for):
    intake = IntakeFactory(youth=_youth(cast))
    youth = intake.youth
    client = client_for(cast.coordinator)
    url = reverse("staff:youth_intake", args=[youth.pk])
    page = client.get(url).context
    data = {}
    for form in (page["intake_form"], page["youth_form"]):
        for name in form.fields:
            value = form[name].value()
            if value in (None, False):
                continue
            key = form.add_prefix(name)
            data[key] = (
                [str(v) for v in value]
                if isinstance(value, list)
                else ("on" if value is True else str(value))
            )
    data["intake-wish_location"] = "Bibliotheek"
    assert client.post(url, data).status_code == 302
    intake.refresh_from_db()
    assert intake.wish_location == "Bibliotheek"
    assert history_of(youth).get(action="people.youth.intake_recorded").fields == ["intake.wish_location"]
