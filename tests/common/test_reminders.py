"""Reminders: proposed once, claimed by one worker, retried with back-off, visible
when they keep failing, and written in each recipient's language."""

from datetime import date, timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from koppel.common.domain import reminders as r
from koppel.common.models import ActivityLog, OutgoingMail
from koppel.common.models.reminders import Reminder, ReminderKind, ReminderStatus
from tests import factories as f

K = ReminderKind
S = ReminderStatus


K = ReminderKind


S = ReminderStatus


class BrokenMailServer(BaseEmailBackend):
    """A mail server that never answers."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def broken_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.common.test_reminders.BrokenMailServer"}}


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


# --- Proposing is idempotent ----------------------------------------------------------------------


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
