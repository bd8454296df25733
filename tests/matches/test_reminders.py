"""Reminders of the matches app: consent pending (AGR-1), no meeting logged (REL-1, REL-4) and the
coordinators' support digest (SUP-1), to the right people, in their language."""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from koppel.common.domain import reminders as r
from koppel.common.models.reminders import Reminder, ReminderKind
from koppel.matches.domain import reminders as matches_reminders
from koppel.matches.domain.support import Overdue
from koppel.matches.models import Consent, HolidayPeriod, MeetingLog
from tests import factories as f
from tests.reminder_helpers import agreement_of, pending_consent, send_only
from tests.reminder_helpers import subject_in as _subject

K = ReminderKind


def test_consent_pending_reaches_mentor_and_for_a_young_youth_the_guardian__AGR_1(cast):
    agreement = agreement_of(cast.match)
    cast.guardian_row.preferred_language = "en"
    cast.guardian_row.save()
    mentor_consent = pending_consent(agreement, mentor=cast.mentor_row)
    youth_consent = pending_consent(agreement, youth=cast.youth_row)  # 13 years old
    Consent.objects.create(
        agreement=agreement,
        party="guardian",
        guardian=cast.guardian_row,
        given_at=timezone.now(),
        typed_name="X",
    )
    today = date(2026, 3, 4)
    r.propose_reminders(today=today)
    consent = Reminder.objects.filter(kind=K.CONSENT_PENDING).order_by("email")
    assert [(x.email, x.language, x.object_id, x.key) for x in consent] == [
        (
            cast.guardian_row.email,
            "en",
            youth_consent.pk,
            f"consent:{youth_consent.pk}:g{cast.guardian_row.pk}:2026-W10",
        ),
        (cast.mentor_row.email, "nl", mentor_consent.pk, f"consent:{mentor_consent.pk}:2026-W10"),
    ]
    send_only(K.CONSENT_PENDING)
    sent = {m.to[0]: m for m in mail.outbox}
    assert sent[cast.guardian_row.email].subject == _subject(K.CONSENT_PENDING, "en")
    assert "still needs" in sent[cast.guardian_row.email].body
    assert cast.youth_row.first_name in sent[cast.guardian_row.email].body
    assert cast.youth_row.last_name not in sent[cast.guardian_row.email].body
    assert sent[cast.mentor_row.email].subject == _subject(K.CONSENT_PENDING, "nl")


CONSENT_LINK = re.compile(r"/link/consent/[^/\s]+/")


def test_a_consent_reminder_gives_a_parent_without_login_their_personal_link__AGR_1(cast, client):
    guardian = f.GuardianFactory(organisation=cast.programme.organisation, preferred_language="en")
    f.GuardianshipFactory(youth=cast.youth_row, guardian=guardian)
    consent = pending_consent(agreement_of(cast.match), guardian=guardian)
    r.propose_reminders(today=timezone.localdate())
    send_only(K.CONSENT_PENDING)
    (sent,) = [m for m in mail.outbox if m.to == [guardian.email]]
    assert sent.subject == _subject(K.CONSENT_PENDING, "en")
    assert "/me/matches/" not in sent.body  # no login page for a parent without a login
    assert "no login needed" in sent.body
    link = CONSENT_LINK.search(sent.body).group(0)
    # The page follows the parent's stored language, not the browser's.
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    assert page.context["consent"] == consent
    assert '<html lang="en"' in page.text
    # Someone who switched the language themselves keeps their choice.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert '<html lang="nl"' in client.get(link, HTTP_ACCEPT_LANGUAGE="nl").text


def test_a_consent_reminder_about_a_childs_consent_carries_the_childs_link__AGR_1(cast, client):
    # The guardian has a login, but the portal asks them for their own consent only: the child's
    # consent needs the child's personal link.
    cast.guardian_row.preferred_language = "en"
    cast.guardian_row.save()
    consent = pending_consent(agreement_of(cast.match), youth=cast.youth_row)  # 13 years old
    r.propose_reminders(today=timezone.localdate())
    send_only(K.CONSENT_PENDING)
    (sent,) = [m for m in mail.outbox if m.to == [cast.guardian_row.email]]
    assert "let " + cast.youth_row.first_name + " type their own full name" in sent.body
    link = CONSENT_LINK.search(sent.body).group(0)
    page = client.get(link)
    assert page.context["consent"] == consent
    # The page says who the link came to and whose consent it is.
    assert page.context["for_child"]
    assert "received this link for you" in page.text


def test_a_used_or_expired_link_says_so_in_the_recipients_language__AGR_1(cast, client):
    from koppel.matches.domain.agreement import consent_link

    guardian = f.GuardianFactory(organisation=cast.programme.organisation, preferred_language="en")
    consent = pending_consent(agreement_of(cast.match), guardian=guardian)
    link = consent_link(consent, language="en").removeprefix(settings.SITE_URL)
    Consent.objects.filter(pk=consent.pk).update(given_at=timezone.now(), typed_name="x")
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="nl")
    assert page.templates[0].name == "portal/agreement/link_invalid.html"
    assert '<html lang="en"' in page.text
    assert "given already" in page.text


def test_a_consent_reminder_sends_someone_with_a_login_to_the_portal__AGR_1(cast):
    pending_consent(agreement_of(cast.match), mentor=cast.mentor_row)
    r.propose_reminders(today=timezone.localdate())
    send_only(K.CONSENT_PENDING)
    (sent,) = [m for m in mail.outbox if m.to == [cast.mentor_row.email]]
    assert reverse("portal:agreement", args=[cast.match.pk]) in sent.body
    assert not CONSENT_LINK.search(sent.body)


def test_consent_pending_reaches_a_youth_of_16_themselves_and_not_before_3_days__AGR_1(cast):
    today = timezone.localdate()
    cast.youth_row.date_of_birth = date(today.year - 17, 1, 1)
    cast.youth_row.save()
    agreement = agreement_of(cast.match)
    youth_consent = pending_consent(agreement, youth=cast.youth_row)
    pending_consent(agreement, days_ago=2, mentor=cast.mentor_row)
    r.propose_reminders(today=today)
    assert list(Reminder.objects.filter(kind=K.CONSENT_PENDING).values_list("email", "object_id")) == [
        (cast.youth_row.email, youth_consent.pk)
    ]


def test_consent_of_an_older_agreement_version_is_not_reminded_of__AGR_1(cast):
    old = agreement_of(cast.match, number=1)
    pending_consent(old, mentor=cast.mentor_row)
    agreement_of(cast.match, number=2)
    r.propose_reminders(today=timezone.localdate())
    assert not Reminder.objects.filter(kind=K.CONSENT_PENDING).exists()


def test_meeting_not_logged_follows_the_agreed_interval_and_two_days_grace__REL_1(cast):
    today = date(2026, 3, 22)
    agreement_of(cast.match, interval=14)
    MeetingLog.objects.create(
        match=cast.match,
        held_on=today - timedelta(days=16),
        duration_minutes=60,
        place="free",
        activity="fun",
        how_it_went="good",
    )
    r.propose_reminders(today=today)
    assert not Reminder.objects.filter(kind=K.MEETING_NOT_LOGGED).exists()
    r.propose_reminders(today=today + timedelta(days=1))
    reminder = Reminder.objects.get(kind=K.MEETING_NOT_LOGGED)
    assert (reminder.email, reminder.context["since"]) == (cast.mentor_row.email, "2026-03-06")


def test_a_paused_match_gets_no_meeting_reminder__REL_1(cast):
    cast.match.paused_since = timezone.localdate()
    cast.match.save()
    r.propose_reminders(today=timezone.localdate())
    assert not Reminder.objects.filter(kind=K.MEETING_NOT_LOGGED).exists()


def test_no_meeting_reminder_when_a_school_holiday_covers_the_gap__REL_4(cast):
    cast.programme.kind = "school"
    cast.programme.save()
    cast.match.started_on = date(2026, 7, 1)
    cast.match.save()
    HolidayPeriod.objects.create(
        programme=cast.programme, name="Zomer", starts_on=date(2026, 7, 2), ends_on=date(2026, 8, 30)
    )
    r.propose_reminders(today=date(2026, 8, 31))
    assert not Reminder.objects.filter(kind=K.MEETING_NOT_LOGGED).exists()
    r.propose_reminders(today=date(2026, 9, 10))
    assert Reminder.objects.filter(kind=K.MEETING_NOT_LOGGED).count() == 1


@pytest.mark.parametrize(("language", "since_text"), [("nl", "2 maart 2026"), ("en", "2 March 2026")])
def test_meeting_reminder_is_written_in_the_mentors_language__REL_1(cast, language, since_text):
    cast.mentor_row.preferred_language = language
    cast.mentor_row.save()
    cast.match.started_on = date(2026, 3, 2)
    cast.match.save()
    r.propose_reminders(today=date(2026, 3, 20))
    send_only(K.MEETING_NOT_LOGGED)
    (message,) = mail.outbox
    assert message.subject == _subject(K.MEETING_NOT_LOGGED, language)
    assert since_text in message.body
    assert cast.youth_row.first_name in message.body
    assert cast.youth_row.last_name not in message.body


def test_support_digest_counts_matches_per_coordinator__SUP_1(cast, monkeypatch):
    due = [Overdue(cast.match, date(2026, 3, 1), None), Overdue(cast.match, None, date(2026, 3, 2))]
    seen = []

    def overdue_contacts(programme_ids, today):
        seen.append(list(programme_ids))
        return due if cast.programme.pk in programme_ids else []

    monkeypatch.setattr(matches_reminders, "overdue_contacts", overdue_contacts)
    r.propose_reminders(today=date(2026, 3, 4))
    reminder = Reminder.objects.get(kind=K.SUPPORT_DUE)
    assert (reminder.email, reminder.context["matches"]) == ("coordinator@example.org", 1)
    assert reminder.key == f"support:{cast.coordinator.coordinator_roles.get().pk}:2026-W10"
    send_only(K.SUPPORT_DUE)
    assert mail.outbox[0].subject == _subject(K.SUPPORT_DUE, "nl")


def test_support_digest_from_the_real_schedule__SUP_1(cast):
    # cast.match started 400 days ago and has had no support contact: contacts are overdue.
    r.propose_reminders(today=timezone.localdate())
    assert list(Reminder.objects.filter(kind=K.SUPPORT_DUE).values_list("email", "context__matches")) == [
        ("coordinator@example.org", 1)
    ]


def test_no_consent_reminder_once_the_match_no_longer_asks_for_consent__AGR_1(cast):
    agreement = agreement_of(cast.match)
    pending_consent(agreement, mentor=cast.mentor_row)
    cast.match.state = "closing"
    cast.match.save(update_fields=["state"])
    r.propose_reminders(today=timezone.localdate())
    assert not Reminder.objects.filter(kind=K.CONSENT_PENDING).exists()


def test_a_consent_reminder_for_a_running_match_asks_for_the_new_version__AGR_1(cast):
    cast.mentor_row.preferred_language = "en"
    cast.mentor_row.save()
    pending_consent(agreement_of(cast.match), mentor=cast.mentor_row)  # cast.match is active
    r.propose_reminders(today=timezone.localdate())
    send_only(K.CONSENT_PENDING)
    (sent,) = [m for m in mail.outbox if m.to == [cast.mentor_row.email]]
    assert "A new version of the mentoring agreement" in sent.body
    assert "can start once everyone" not in sent.body
