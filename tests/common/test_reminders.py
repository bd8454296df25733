"""Reminders: proposed once, claimed by one worker, retried with back-off, visible
when they keep failing, and written in each recipient's language."""

import calendar
import re
from datetime import date, timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from koppel.common.domain import reminders as r
from koppel.common.models import ActivityLog, OutgoingMail
from koppel.common.models.reminders import Reminder, ReminderKind, ReminderStatus
from koppel.matches.domain.support import Overdue
from koppel.matches.models import Agreement, Consent, HolidayPeriod, MeetingLog
from tests import factories as f
from tests.factories.screening import ConductCertificateFactory

K = ReminderKind
S = ReminderStatus


class BrokenMailServer(BaseEmailBackend):
    """A mail server that never answers."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def broken_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.common.test_reminders.BrokenMailServer"}}


def agreement_of(match, *, number=1, interval=7, start=None):
    return Agreement.objects.create(
        match=match,
        number=number,
        start_date=start or match.started_on or timezone.localdate(),
        duration_months=12,
        meeting_interval_days=interval,
        place="free",
        approach="developmental",
        contact_after="none",
    )


def pending_consent(agreement, *, days_ago=4, **party):
    kind = next(iter(party))
    consent = Consent.objects.create(agreement=agreement, party=kind, **party)
    Consent.objects.filter(pk=consent.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return consent


def reminder_for(cast, *, kind=K.MEETING_NOT_LOGGED, key="test:1", **values):
    now = timezone.now()
    return Reminder.objects.create(
        kind=kind,
        key=key,
        recipient=cast.mentor,
        email="mentor@example.org",
        language="nl",
        content_type=ContentType.objects.get_for_model(cast.match),
        object_id=cast.match.pk,
        context={"programme_id": cast.programme.pk, "since": "2026-03-02"},
        due_at=now,
        next_attempt_at=values.pop("next_attempt_at", now),
        **values,
    )


def last_week_day(today=None):
    today = today or timezone.localdate()
    return today.replace(day=calendar.monthrange(today.year, today.month)[1] - 2)


# --- Proposing is idempotent ----------------------------------------------------------------------


def send_only(kind):
    """Send the proposed reminders of one kind (the cast's match makes others due as well)."""
    Reminder.objects.exclude(kind=kind).delete()
    call_command("send_reminders", "--inline", "--no-propose", verbosity=0)


def test_running_the_command_twice_proposes_and_sends_each_reminder_once(cast):
    # cast.match is active and has had no meeting for 400 days: its mentor is reminded (REL-1), and
    # the coordinator of the overdue support contacts (SUP-1); through the task (immediate in tests).
    call_command("send_reminders", verbosity=0)
    first = sorted(Reminder.objects.values_list("key", "status"))
    call_command("send_reminders", verbosity=0)
    assert sorted(Reminder.objects.values_list("key", "status")) == first
    assert {status for _key, status in first} == {S.SENT}
    assert {key.split(":")[0] for key, _status in first} >= {"meeting", "support"}
    assert len(mail.outbox) == len(first)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(Reminder.objects.values_list("email", flat=True))
    meeting = Reminder.objects.get(kind=K.MEETING_NOT_LOGGED)
    assert meeting.email == cast.mentor_row.email


def test_proposing_twice_in_one_week_creates_nothing_new_but_next_week_does(cast):
    monday = date(2026, 3, 2)
    assert r.propose_reminders(today=monday)[K.MEETING_NOT_LOGGED] == 1
    assert K.MEETING_NOT_LOGGED not in r.propose_reminders(today=monday + timedelta(days=6))
    assert r.propose_reminders(today=monday + timedelta(days=7))[K.MEETING_NOT_LOGGED] == 1
    meetings = Reminder.objects.filter(kind=K.MEETING_NOT_LOGGED)
    assert sorted(meetings.values_list("key", flat=True)) == [
        f"meeting:{cast.match.pk}:m{cast.mentor_row.pk}:2026-W10",
        f"meeting:{cast.match.pk}:m{cast.mentor_row.pk}:2026-W11",
    ]


# --- Claiming -------------------------------------------------------------------------------------


def test_of_two_workers_claiming_one_reminder_only_one_gets_it(cast):
    reminder = reminder_for(cast)
    assert r.claim_reminder(reminder.pk, worker="worker-a") is True
    assert r.claim_reminder(reminder.pk, worker="worker-b") is False
    # The loser cannot send it either.
    assert r.send_claimed_reminder(reminder.pk, worker="worker-b") == S.SENDING
    assert not OutgoingMail.objects.exists()
    assert r.send_claimed_reminder(reminder.pk, worker="worker-a") == S.SENT
    reminder.refresh_from_db()
    assert (reminder.status, reminder.claimed_by, reminder.attempts) == (S.SENT, "worker-a", 1)
    assert OutgoingMail.objects.get().log_ref == f"reminder {reminder.pk}"  # the outbox delivers it


def test_a_reminder_not_yet_due_is_not_claimed(cast):
    reminder = reminder_for(cast, next_attempt_at=timezone.now() + timedelta(minutes=1))
    assert r.claim_next_reminder(worker="w") is None
    assert r.claim_reminder(reminder.pk, worker="w") is False


def test_reminders_are_claimed_one_at_a_time(cast):
    first, second = reminder_for(cast, key="a"), reminder_for(cast, key="b")
    assert r.claim_next_reminder(worker="w") in (first.pk, second.pk)
    assert Reminder.objects.filter(status=S.SENDING).count() == 1
    assert r.claim_next_reminder(worker="w") in (first.pk, second.pk)
    assert r.claim_next_reminder(worker="w") is None


def test_a_reminder_stuck_in_sending_for_more_than_3_minutes_is_released(cast):
    now = timezone.now()
    stuck = reminder_for(
        cast, key="a", status=S.SENDING, claimed_by="dead", claimed_at=now - timedelta(minutes=4)
    )
    busy = reminder_for(
        cast, key="b", status=S.SENDING, claimed_by="busy", claimed_at=now - timedelta(minutes=2)
    )
    assert r.release_stuck_reminders(now=now) == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.status, stuck.claimed_by, stuck.next_attempt_at) == (S.PENDING, "", now)
    assert (busy.status, busy.claimed_by) == (S.SENDING, "busy")
    call_command("send_reminders", "--inline", "--no-propose", verbosity=0)
    stuck.refresh_from_db()
    assert stuck.status == S.SENT
    assert len(mail.outbox) == 1


def test_a_released_reminders_task_row_left_running_by_its_worker_is_marked_failed(cast):
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    from koppel.common.tasks import send_reminder

    now = timezone.now()
    stuck = reminder_for(
        cast, key="a", status=S.SENDING, claimed_by="dead", claimed_at=now - timedelta(minutes=4)
    )
    row = DBTaskResult.objects.create(
        task_path=send_reminder.module_path,
        args_kwargs={"args": [stuck.pk, "dead"], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
        status=TaskResultStatus.RUNNING,
    )
    assert r.release_stuck_reminders(now=now) == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "koppel.common.domain.jobs.WorkerLost"


# --- A failing mail server loses nothing ----------------------------------------------------------


def test_backoff_doubles_from_ten_minutes_and_stops_at_a_day():
    assert r.backoff(1) == timedelta(minutes=10)
    assert r.backoff(2) == timedelta(minutes=20)
    assert r.backoff(5) == timedelta(minutes=160)
    assert r.backoff(8) == timedelta(minutes=1280)
    assert r.backoff(9) == timedelta(days=1)


def test_a_failing_mail_server_leaves_the_reminder_sent_to_the_outbox_which_retries(cast, broken_mail):
    reminder = reminder_for(cast)
    before = timezone.now()
    call_command("send_reminders", "--inline", "--no-propose", verbosity=0)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (S.SENT, 1)
    (queued,) = OutgoingMail.objects.all()
    assert (queued.status, queued.attempts, queued.log_ref) == ("queued", 1, f"reminder {reminder.pk}")
    assert before + timedelta(minutes=10) <= queued.next_attempt_at <= timezone.now() + timedelta(minutes=10)
    assert "@" not in queued.last_error
    # Not due yet: the next run leaves it alone, and proposes nothing twice.
    call_command("send_reminders", "--inline", "--no-propose", verbosity=0)
    queued.refresh_from_db()
    assert queued.attempts == 1
    assert OutgoingMail.objects.count() == 1


def test_a_reminder_that_cannot_be_rendered_is_retried_then_fails_and_shows_on_the_staff_page(
    cast, client_for, monkeypatch
):
    reminder = reminder_for(cast)

    def broken_template(*args, **kwargs):
        raise ValueError("template")

    monkeypatch.setattr(r, "queue_mail", broken_template)
    for attempt in range(1, Reminder.MAX_ATTEMPTS + 1):
        Reminder.objects.filter(pk=reminder.pk).update(next_attempt_at=timezone.now())
        call_command("send_reminders", "--inline", "--no-propose", verbosity=0)
        reminder.refresh_from_db()
        assert reminder.attempts == attempt
        assert reminder.status == (S.FAILED if attempt == Reminder.MAX_ATTEMPTS else S.PENDING)
    # A failed reminder is not claimed again.
    assert r.claim_next_reminder(worker="w", now=timezone.now() + timedelta(days=2)) is None
    with translation.override("en"):
        page = client_for(cast.admin).get(reverse("staff:reminders"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert reverse("staff:reminder_retry", args=[reminder.pk]) in page.text
    assert reminder.last_error == "ValueError"


def test_retry_now_sets_a_failed_reminder_pending_and_due_and_it_is_sent(cast, client_for):
    reminder = reminder_for(
        cast, status=S.FAILED, attempts=6, last_error="The mail server did not accept the mail"
    )
    response = client_for(cast.admin).post(reverse("staff:reminder_retry", args=[reminder.pk]))
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (S.PENDING, 0)
    assert reminder.next_attempt_at <= timezone.now()
    assert ActivityLog.objects.filter(action="common.reminder.retried", object_id=reminder.pk).count() == 1
    call_command("send_reminders", "--inline", "--no-propose", verbosity=0)
    reminder.refresh_from_db()
    assert reminder.status == S.SENT
    assert len(mail.outbox) == 1


def test_staff_page_is_for_administrators_and_lists_only_their_programmes(cast, client_for):
    mine = reminder_for(cast, key="mine", status=S.FAILED, attempts=6)
    other = reminder_for(cast, key="other", status=S.FAILED, attempts=6)
    other_org = f.ProgrammeFactory()
    Reminder.objects.filter(pk=other.pk).update(context={"programme_id": other_org.pk})
    sent = reminder_for(cast, key="sent", status=S.SENT, attempts=1)
    page = client_for(cast.admin).get(reverse("staff:reminders"))
    ids = [x.pk for x in page.context["page"]]
    assert ids == [mine.pk]
    assert sent.pk not in ids
    assert client_for(cast.coordinator).get(reverse("staff:reminders")).status_code == 403
    assert (
        client_for(cast.coordinator).post(reverse("staff:reminder_retry", args=[mine.pk])).status_code == 403
    )
    assert client_for(cast.admin).post(reverse("staff:reminder_retry", args=[other.pk])).status_code == 404


def test_staff_page_runs_the_same_number_of_queries_for_1_and_20_reminders(cast, client_for):
    client = client_for(cast.admin)
    url = reverse("staff:reminders")
    reminder_for(cast, key="k0", status=S.FAILED, attempts=6)
    client.get(url)  # warm up (session, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(1, 20):
        reminder_for(cast, key=f"k{i}", status=S.PENDING, attempts=2, last_error="x")
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url)
    assert len(response.context["page"]) == 20
    assert len(one) == len(twenty)


# --- Each kind, to the right people, in their language --------------------------------------------


def _subject(kind, language):
    with translation.override(language):
        return str(r.SUBJECTS[kind])


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


def test_training_hours_are_reminded_of_in_the_last_week_of_the_month_only__TRN_2(cast):
    day = last_week_day()
    cast.match.started_on = day - timedelta(days=60)
    cast.match.save()
    r.propose_reminders(today=day.replace(day=10))
    assert not Reminder.objects.filter(kind=K.TRAINING_HOURS).exists()
    r.propose_reminders(today=day)
    reminder = Reminder.objects.get(kind=K.TRAINING_HOURS)
    assert (reminder.email, reminder.key) == (
        cast.mentor_row.email,
        f"training:{cast.mentor_row.pk}:{day:%Y-%m}",
    )
    assert reminder.context["hours"] == "0"


def test_vog_renewal_goes_to_the_mentors_coordinator_or_else_all_coordinators__SCR_2(cast):
    today = timezone.localdate()
    soon = today - timedelta(days=3 * 365 - 30)
    ConductCertificateFactory(mentor=cast.mentor_row, issued_on=soon)  # mentor_row's coordinator: coordinator
    ConductCertificateFactory(mentor=cast.other_mentor_row, issued_on=soon)  # no coordinator of their own
    second = f.CoordinatorFactory(programme=cast.programme, user__email="second@example.org").user
    second.language = "en"
    second.save()
    ConductCertificateFactory(mentor=f.MentorFactory(programme=cast.programme), issued_on=today)  # valid long
    r.propose_reminders(today=today)
    rows = sorted(Reminder.objects.filter(kind=K.VOG_RENEWAL).values_list("email", "language"))
    assert rows == [
        ("coordinator@example.org", "nl"),
        ("coordinator@example.org", "nl"),
        ("second@example.org", "en"),
    ]
    send_only(K.VOG_RENEWAL)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["second@example.org"] == _subject(K.VOG_RENEWAL, "en")
    assert subjects["coordinator@example.org"] == _subject(K.VOG_RENEWAL, "nl")


def test_support_digest_counts_matches_per_coordinator__SUP_1(cast, monkeypatch):
    due = [Overdue(cast.match, date(2026, 3, 1), None), Overdue(cast.match, None, date(2026, 3, 2))]
    seen = []

    def overdue_contacts(programme_ids, today):
        seen.append(list(programme_ids))
        return due if cast.programme.pk in programme_ids else []

    monkeypatch.setattr(r, "overdue_contacts", overdue_contacts)
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


def test_no_survey_reminders_are_proposed_while_there_are_no_surveys(cast):
    assert r.survey_reminders(today=timezone.localdate(), now=timezone.now()) == []
    assert K.SURVEY_DUE in r.SUBJECTS


def test_a_closed_programme_gets_no_reminders(cast):
    cast.programme.is_active = False
    cast.programme.save()
    r.propose_reminders(today=timezone.localdate())
    assert not Reminder.objects.exists()


def test_the_reminders_page_counts_the_last_30_days_by_kind_and_status(cast, client_for):
    from koppel.common.domain.reminders import reminder_counts

    now = timezone.now()
    for n, status in enumerate(["sent", "sent", "pending", "failed"]):
        Reminder.objects.create(
            kind="consent_pending",
            key=f"count-test:{n}",
            email="x@example.org",
            language="nl",
            content_type=ContentType.objects.get_for_model(cast.match),
            object_id=cast.match.pk,
            context={"programme_id": cast.programme.pk},
            due_at=now,
            next_attempt_at=now,
            status=status,
        )
    (row,) = reminder_counts([cast.programme.pk], since=now - timedelta(days=30))
    assert (row["sent"], row["pending"], row["failed"]) == (2, 1, 1)
    assert reminder_counts([cast.other_programme.pk], since=now - timedelta(days=30)) == []
    page = client_for(cast.admin).get(reverse("staff:reminders"))
    assert page.context["counts"] == [row]


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
