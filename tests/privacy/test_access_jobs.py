"""The archive is built in the background like an export: claimed, with progress as heartbeat,
failed with a short error, released when its worker stopped, wiped after its download period."""

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from koppel.common.domain import jobs
from koppel.common.domain.audit import history_of
from koppel.common.models import OutgoingMail
from koppel.privacy.domain import access as access_domain
from koppel.privacy.domain.access import (
    FAILED_ERROR,
    expire_access_archives,
    release_stale_access_requests,
    request_access_archive,
    run_access_request,
)
from koppel.privacy.models import AccessRequest

pytestmark = pytest.mark.django_db


def test_a_portal_request_runs_after_the_commit_and_mails_the_requester_a_link_only(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        access = request_access_archive(cast.mentor_row, by=cast.mentor, from_portal=True)
    access.refresh_from_db()
    assert access.status == "done" and access.progress == 100
    assert bytes(access.content).startswith(b"PK")
    assert access.filename == f"koppel-data-{access.pk}-{timezone.localdate().isoformat()}.zip"
    assert access.expires_at - access.finished_at == timedelta(days=AccessRequest.KEEP_DAYS)
    assert OutgoingMail.objects.get(log_ref=f"privacy.access:{access.pk}").to == cast.mentor.email
    (sent,) = [m for m in django_mail.outbox if m.to == [cast.mentor.email]]
    assert reverse("portal:access_request_detail", args=[access.pk]) in sent.body
    for personal in (cast.mentor_row.first_name, cast.mentor_row.last_name, cast.mentor_row.email):
        assert personal not in sent.subject and personal not in sent.body
    assert history_of(access).filter(action="privacy.access.completed").exists()


def test_a_request_made_by_staff_sends_no_mail(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        access = request_access_archive(cast.youth_row, by=cast.admin)
    access.refresh_from_db()
    assert access.status == "done"
    assert not OutgoingMail.objects.filter(log_ref=f"privacy.access:{access.pk}").exists()


def test_the_run_reports_its_progress_as_it_goes(cast, monkeypatch):
    written = []
    real_write = jobs.Heartbeat.write

    def recording(self, **fields):
        written.append(fields.get("progress"))
        real_write(self, **fields)

    monkeypatch.setattr(jobs.Heartbeat, "write", recording)
    access = request_access_archive(cast.mentor_row, by=cast.admin)
    run_access_request(access.pk)
    steps = [p for p in written if p is not None]
    assert len(steps) > 10  # one per section at least
    assert steps == sorted(steps) and steps[-1] == 100 and all(0 < p < 100 for p in steps[:-1])


def test_a_request_that_is_not_queued_is_left_alone(cast):
    access = request_access_archive(cast.mentor_row, by=cast.admin)
    done = run_access_request(access.pk)
    finished = done.finished_at
    again = run_access_request(access.pk)
    assert again.finished_at == finished and again.attempts == 1


def test_a_failing_archive_fails_with_a_short_error(cast, monkeypatch):
    from koppel.privacy.domain import archive

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(archive, "build_access_archive", broken)
    access = run_access_request(request_access_archive(cast.mentor_row, by=cast.admin).pk)
    assert access.status == "failed" and access.error == FAILED_ERROR and access.content is None


def test_a_request_whose_worker_stopped_is_queued_again_then_given_up(cast):
    access = request_access_archive(cast.mentor_row, by=cast.admin)
    long_ago = timezone.now() - jobs.STALE_AFTER - timedelta(minutes=1)
    AccessRequest.objects.filter(pk=access.pk).update(
        status="running", claimed_by="gone", heartbeat_at=long_ago, attempts=1
    )
    released = release_stale_access_requests()
    assert released.requeued == [(access.pk, 1)]
    access.refresh_from_db()
    assert access.status == "queued"
    AccessRequest.objects.filter(pk=access.pk).update(
        status="running", claimed_by="gone", heartbeat_at=long_ago, attempts=jobs.MAX_ATTEMPTS
    )
    assert release_stale_access_requests().failed == [(access.pk, jobs.MAX_ATTEMPTS)]
    access.refresh_from_db()
    assert access.status == "failed" and access.error == access_domain.WORKER_LOST_ERROR
    assert history_of(access).filter(action="privacy.access.worker_lost").count() == 2


def test_the_periodic_command_wipes_archives_past_their_download_period(cast):
    access = run_access_request(request_access_archive(cast.mentor_row, by=cast.admin).pk)
    fresh = run_access_request(request_access_archive(cast.youth_row, by=cast.admin).pk)
    AccessRequest.objects.filter(pk=access.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("send_reminders", "--no-propose", verbosity=0)
    access.refresh_from_db()
    fresh.refresh_from_db()
    assert access.status == "expired" and access.content is None
    assert fresh.status == "done" and fresh.content is not None
    assert history_of(access).filter(action="privacy.access.expired").exists()
    assert expire_access_archives(now=timezone.now()) == 0  # nothing left to wipe
