"""The outbox: a mail is a row first; the request never talks to the mail server; a failing, hung or
absent mail server delays mail and loses none; failures show to administrators."""

import time
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from koppel.common.domain import mail as outbox
from koppel.common.models import ActivityLog
from koppel.common.models.outbox import MailStatus, OutgoingMail
from koppel.matches.domain.concerns import raise_portal_concern
from koppel.matches.models import Concern
from tests.factories.agreement import written_agreement
from tests.smtp_server import OK, SILENT, closed_port, smtp_mailers, smtp_server

M = MailStatus
# The timeout of a mail server that hangs, while a request runs: far above what the request takes.
HUNG_SECONDS = 20


class BrokenMailServer(BaseEmailBackend):
    """A mail server that hangs up."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def broken_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.common.test_outbox.BrokenMailServer"}}


@pytest.fixture
def tasks_not_run(settings):
    """Tasks are only recorded, as with a worker that has not taken them up yet."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def queued(to="someone@example.org", **values):
    return outbox.queue_rendered_mail(
        to, language="nl", subject="Onderwerp", body="Tekst met een link", log_ref="test", **values
    )


def run_periodic(*args):
    call_command("send_reminders", "--no-propose", "--no-plan", *args, verbosity=0)


def make_due(m):
    OutgoingMail.objects.filter(pk=m.pk).update(next_attempt_at=timezone.now())


# --- Queued in the transaction, delivered after it ------------------------------------------------


def test_queueing_writes_a_row_and_delivers_after_commit_with_its_message_id(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        m = queued()
        assert mail.outbox == []  # nothing is sent inside the transaction
    (sent,) = mail.outbox
    m.refresh_from_db()
    assert (m.status, m.attempts, m.body) == (M.SENT, 1, "")  # the body (a personal link) is wiped
    assert sent.to == ["someone@example.org"]
    assert sent.body == "Tekst met een link"
    assert sent.message().get("Message-ID") == m.message_id
    assert m.message_id.startswith("<") and m.message_id.endswith(">")


def test_a_concern_is_not_lost_when_its_transaction_has_no_mail_server(cast, broken_mail):
    # The notification is part of the concern's own transaction: a row, whatever the mail server does.
    concern = raise_portal_concern(cast.youth, text="zorg", match=cast.match)
    (m,) = OutgoingMail.objects.all()
    assert (m.status, m.to, m.programme_id) == (M.QUEUED, "coordinator@example.org", cast.programme.pk)
    assert m.log_ref == f"new concern {concern.pk} to user {cast.coordinator.pk}"


def test_a_failing_mail_server_puts_the_mail_back_with_backoff_and_a_later_run_sends_it(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.common.test_outbox.BrokenMailServer"}}
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):  # the task runs and fails
        m = queued()
    m.refresh_from_db()
    assert (m.status, m.attempts, m.claimed_by, m.last_error) == (M.QUEUED, 1, "", "SMTPServerDisconnected")
    assert before + timedelta(minutes=10) <= m.next_attempt_at <= timezone.now() + timedelta(minutes=10)
    assert m.body  # kept for the next attempt
    run_periodic()  # not due yet: left alone
    m.refresh_from_db()
    assert m.attempts == 1
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    make_due(m)
    run_periodic()  # due: the periodic command delivers it (no task is coming for a retry)
    m.refresh_from_db()
    assert (m.status, m.attempts) == (M.SENT, 2)
    (sent,) = mail.outbox
    assert sent.message().get("Message-ID") == m.message_id


def test_after_max_attempts_the_mail_fails_and_shows_to_administrators_with_retry(
    cast, client_for, broken_mail
):
    m = queued(programme_id=cast.programme.pk)
    for attempt in range(1, OutgoingMail.MAX_ATTEMPTS + 1):
        make_due(m)
        run_periodic()
        m.refresh_from_db()
        assert m.attempts == attempt
        assert m.status == (M.FAILED if attempt == OutgoingMail.MAX_ATTEMPTS else M.QUEUED)
    make_due(m)
    run_periodic()
    m.refresh_from_db()
    assert m.attempts == OutgoingMail.MAX_ATTEMPTS  # a failed mail is not tried again by itself
    with translation.override("en"):
        page = client_for(cast.admin).get(reverse("staff:reminders"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert reverse("staff:mail_retry", args=[m.pk]) in page.text
    assert "someone@example.org" in page.text
    assert client_for(cast.coordinator).get(reverse("staff:reminders")).status_code == 403


def test_retry_queues_a_failed_mail_again_and_it_is_sent(
    cast, client_for, django_capture_on_commit_callbacks
):
    m = queued(programme_id=cast.programme.pk)
    OutgoingMail.objects.filter(pk=m.pk).update(status=M.FAILED, attempts=6, last_error="TimeoutError")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.admin).post(reverse("staff:mail_retry", args=[m.pk]))
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.status, m.attempts) == (M.SENT, 1)
    assert len(mail.outbox) == 1
    assert ActivityLog.objects.filter(action="common.mail.retried", object_id=m.pk).count() == 1


def test_administrators_see_only_their_programmes_mail(cast, client_for):
    mine = queued(programme_id=cast.programme.pk)
    other = queued(programme_id=cast.other_programme.pk + 1000)
    OutgoingMail.objects.update(status=M.FAILED, attempts=6)
    page = client_for(cast.admin).get(reverse("staff:reminders"))
    assert [x.pk for x in page.context["mails"]] == [mine.pk]
    assert client_for(cast.admin).post(reverse("staff:mail_retry", args=[other.pk])).status_code == 404


def test_sent_mail_is_removed_after_a_week_failed_after_a_month(cast):
    now = timezone.now()
    old_sent, new_sent, old_failed, waiting = queued(), queued(), queued(), queued()
    OutgoingMail.objects.filter(pk=old_sent.pk).update(status=M.SENT, sent_at=now - timedelta(days=8))
    OutgoingMail.objects.filter(pk=new_sent.pk).update(status=M.SENT, sent_at=now - timedelta(days=6))
    OutgoingMail.objects.filter(pk=old_failed.pk).update(status=M.FAILED, created_at=now - timedelta(days=31))
    assert outbox.purge_old_mail(now=now) == 2
    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {new_sent.pk, waiting.pk}


def test_the_admin_shows_the_outbox_read_only_and_never_the_body(cast, client_for):
    m = queued()
    page = client_for(cast.admin).get(reverse("admin:common_outgoingmail_change", args=[m.pk]))
    assert page.status_code == 200
    assert "Tekst met een link" not in page.text
    assert (
        client_for(cast.admin).post(reverse("admin:common_outgoingmail_delete", args=[m.pk])).status_code
        == 403
    )


# --- Claims and leases ----------------------------------------------------------------------------


def test_of_two_workers_only_one_sends_a_mail(cast):
    m = queued()
    assert outbox.claim_mail(m.pk, worker="a") is True
    assert outbox.claim_mail(m.pk, worker="b") is False
    assert outbox.deliver_mail(m.pk, worker="b") == M.SENDING
    assert mail.outbox == []


def test_a_mail_whose_worker_died_is_released_after_its_lease_and_sent_with_the_same_message_id(
    cast, monkeypatch
):
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    from koppel.common.tasks import deliver_mail

    m, busy = queued(), queued()
    now = timezone.now()
    OutgoingMail.objects.update(next_attempt_at=now - timedelta(minutes=5))
    assert outbox.claim_mail(m.pk, worker="dead", now=now - timedelta(minutes=4))
    assert outbox.claim_mail(busy.pk, worker="busy", now=now - timedelta(minutes=2))
    row = DBTaskResult.objects.create(
        task_path=deliver_mail.module_path,
        args_kwargs={"args": [m.pk], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
        status=TaskResultStatus.RUNNING,
    )
    assert outbox.release_expired_mail_claims(now=now) == 1  # LEASE is 3 minutes
    m.refresh_from_db()
    assert (m.status, m.claimed_by, m.last_error) == (M.QUEUED, "", "Worker stopped")
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    monkeypatch.setattr(outbox, "LEASE", timedelta(seconds=0))
    run_periodic()
    assert sorted(x.message().get("Message-ID") for x in mail.outbox) == sorted(
        [m.message_id, busy.message_id]
    )


# --- Real sockets: a mail server that hangs, one that is not there --------------------------------


def test_filing_a_concern_does_not_wait_for_a_hung_mail_server_and_delivery_times_out(
    cast, client_for, settings, tasks_not_run, django_capture_on_commit_callbacks
):
    with smtp_server(SILENT) as server:
        # A request that waited for this server would take HUNG_SECONDS per mail.
        settings.MAILERS = smtp_mailers(server.port, timeout=HUNG_SECONDS)
        client = client_for(cast.guardian)
        client.get(reverse("portal:concern_raise"))  # warm up (templates, translations)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("portal:concern_raise"), {"match": cast.match.pk, "text": "zorg"})
        assert response.status_code == 302
        assert time.monotonic() - started < HUNG_SECONDS / 2
        assert Concern.objects.count() == 1
        (m,) = OutgoingMail.objects.all()
        assert m.status == M.QUEUED
        # The worker gives up after the configured timeout.
        settings.MAILERS = smtp_mailers(server.port, timeout=1)
        started = time.monotonic()
        assert outbox.deliver_mail(m.pk) == M.QUEUED  # the worker's attempt gives up in time
        assert time.monotonic() - started < 3
    m.refresh_from_db()
    # smtplib reports the timeout of the greeting as a disconnection.
    assert m.attempts == 1
    assert m.last_error in ("TimeoutError", "SMTPServerDisconnected")
    assert m.next_attempt_at > timezone.now() + timedelta(minutes=9)


def test_sending_consent_links_does_not_wait_for_a_hung_mail_server(
    cast, client_for, settings, tasks_not_run, django_capture_on_commit_callbacks
):
    match = cast.match
    match.state, match.started_on = "introduced", None
    match.save(update_fields=["state", "started_on"])
    written_agreement(match)
    with smtp_server(SILENT) as server:
        settings.MAILERS = smtp_mailers(server.port, timeout=HUNG_SECONDS)
        client = client_for(cast.coordinator)
        client.get(reverse("staff:match_agreement", args=[match.pk]))  # warm up
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("staff:match_agreement_send_links", args=[match.pk]))
        assert response.status_code == 302
        assert time.monotonic() - started < HUNG_SECONDS / 2
    assert OutgoingMail.objects.filter(status=M.QUEUED).count() == 3


def test_with_the_mail_server_away_mail_is_retried_not_lost_and_sent_when_it_is_back(cast, settings):
    settings.MAILERS = smtp_mailers(closed_port())
    mails = [queued(f"person{i}@example.org") for i in range(3)]
    run_periodic("--inline")
    assert set(OutgoingMail.objects.values_list("status", "attempts", "last_error")) == {
        (M.QUEUED, 1, "ConnectionRefusedError")
    }
    with smtp_server(OK) as server:
        settings.MAILERS = smtp_mailers(server.port)
        OutgoingMail.objects.update(next_attempt_at=timezone.now())
        run_periodic()
        assert sorted(x["Message-ID"] for x in server.messages) == sorted(m.message_id for m in mails)
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {M.SENT}
