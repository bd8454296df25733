"""A match round whose worker stopped (killed, out of memory, a restart) is noticed by the periodic
command within minutes: queued again and run by the next worker, or after a few attempts given up
with a message the coordinator reads on the round's page. A re-run of such a round works at once.
See koppel.common.domain.jobs; tests/matches/test_round_worker_process.py does it with real processes."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from koppel.common.domain import jobs
from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.matches.domain import rounds
from koppel.matches.enums import RoundStatus
from koppel.matches.models import MatchRound
from koppel.matches.tasks import run_match_round
from tests.factories import ProgrammeFactory, UserFactory
from tests.factories.matching import TrainedMentorFactory, WaitingYouthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    """Two waiting youth and two trained mentors: a round over them proposes two pairs."""
    programme = ProgrammeFactory()
    for _ in range(2):
        WaitingYouthFactory(programme=programme)
        TrainedMentorFactory(programme=programme)
    return programme


def _stopped_round(programme, *, quiet_minutes: float, attempts: int = 1, status=RoundStatus.RUNNING):
    """A round a worker took up and then stopped writing to `quiet_minutes` ago: "loading 2 %"."""
    since = timezone.now() - timedelta(minutes=quiet_minutes)
    running = status == RoundStatus.RUNNING
    match_round = MatchRound.objects.create(
        programme=programme,
        status=status,
        stage="loading" if running else "",
        progress=0.02 if running else 0,
        claimed_by="gone-host:4242:deadbeef" if running else "",
        heartbeat_at=since if running else None,
        attempts=attempts,
    )
    MatchRound.objects.filter(pk=match_round.pk).update(created_at=since)
    match_round.refresh_from_db()
    return match_round


def _task_row(match_round, status) -> DBTaskResult:
    """The django_tasks_db row of the round's task, as the worker left it."""
    return DBTaskResult.objects.create(
        task_path=run_match_round.module_path,
        args_kwargs={"args": [match_round.pk], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
        status=status,
        started_at=timezone.now() - timedelta(minutes=10) if status == TaskResultStatus.RUNNING else None,
        worker_ids=["gone-worker"] if status == TaskResultStatus.RUNNING else [],
    )


def _periodic_command(django_capture_on_commit_callbacks):
    # Tasks run at once in tests (conftest: the immediate backend), like a worker taking them up.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--no-propose", verbosity=0)


def test_a_round_whose_worker_stopped_is_queued_again_and_run(programme, django_capture_on_commit_callbacks):
    match_round = _stopped_round(programme, quiet_minutes=5)
    task_row = _task_row(match_round, TaskResultStatus.RUNNING)

    _periodic_command(django_capture_on_commit_callbacks)

    match_round.refresh_from_db()
    assert match_round.status == RoundStatus.DONE
    assert match_round.proposals.count() == 2
    assert match_round.attempts == 2
    # django_tasks_db would leave the stopped worker's task row "running" for good.
    task_row.refresh_from_db()
    assert task_row.status == TaskResultStatus.FAILED
    assert task_row.exception_class_path == "koppel.common.domain.jobs.WorkerLost"
    entry = ActivityLog.objects.get(action="matches.round.worker_lost", object_id=match_round.pk)
    assert entry.data == {"attempts": 1, "outcome": "queued"}


def test_a_round_quiet_for_less_than_the_threshold_is_left_alone(
    programme, django_capture_on_commit_callbacks
):
    match_round = _stopped_round(programme, quiet_minutes=1)
    _periodic_command(django_capture_on_commit_callbacks)
    match_round.refresh_from_db()
    assert match_round.status == RoundStatus.RUNNING
    assert match_round.claimed_by == "gone-host:4242:deadbeef"
    assert not ActivityLog.objects.filter(action="matches.round.worker_lost").exists()


def test_a_round_whose_worker_stops_every_time_is_given_up_with_a_clear_message(
    cast, client_for, django_capture_on_commit_callbacks
):
    match_round = _stopped_round(cast.programme, quiet_minutes=5, attempts=jobs.MAX_ATTEMPTS)
    _periodic_command(django_capture_on_commit_callbacks)
    match_round.refresh_from_db()
    assert match_round.status == RoundStatus.FAILED
    assert match_round.error == rounds.WORKER_LOST_ERROR
    assert match_round.finished_at is not None
    cast.coordinator.language = "en"
    cast.coordinator.save()
    page = client_for(cast.coordinator).get(reverse("staff:match_round_detail", args=[match_round.pk]))
    assert "The background worker stopped each time it ran this round" in page.text
    assert reverse("staff:match_round_rerun", args=[match_round.pk]) in page.text


def test_the_round_page_says_the_worker_went_quiet_and_offers_a_rerun(cast, client_for):
    match_round = _stopped_round(cast.programme, quiet_minutes=5)
    cast.coordinator.language = "en"
    cast.coordinator.save()
    client = client_for(cast.coordinator)
    for url in (
        reverse("staff:match_round_detail", args=[match_round.pk]),
        reverse("staff:match_round_progress", args=[match_round.pk]),
    ):
        page = client.get(url)
        assert "has not reported on this round for a few minutes" in page.text
        assert reverse("staff:match_round_rerun", args=[match_round.pk]) in page.text
        assert "hx-trigger" not in page.text  # the button stays put


def test_a_rerun_of_a_round_whose_worker_stopped_starts_a_new_round(
    cast, client_for, django_capture_on_commit_callbacks
):
    for _ in range(2):
        WaitingYouthFactory(programme=cast.programme)
        TrainedMentorFactory(programme=cast.programme)
    stuck = _stopped_round(cast.programme, quiet_minutes=5)
    task_row = _task_row(stuck, TaskResultStatus.RUNNING)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.coordinator).post(reverse("staff:match_round_rerun", args=[stuck.pk]))
    new = MatchRound.objects.get(previous=stuck)
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:match_round_detail", args=[new.pk])
    assert new.status == RoundStatus.DONE
    stuck.refresh_from_db()
    assert stuck.status == RoundStatus.FAILED
    assert stuck.error == rounds.RERUN_ERROR
    task_row.refresh_from_db()
    assert task_row.status == TaskResultStatus.FAILED
    assert ActivityLog.objects.filter(action="matches.round.worker_lost", object_id=stuck.pk).exists()


def test_a_round_whose_worker_is_alive_is_not_rerun(programme):
    match_round = _stopped_round(programme, quiet_minutes=1)
    with pytest.raises(DomainError, match="still running"):
        rounds.rerun_round(match_round, by=UserFactory())
    match_round.refresh_from_db()
    assert match_round.status == RoundStatus.RUNNING


def test_a_round_waiting_for_a_worker_is_not_rerun_or_queued_twice(
    programme, django_capture_on_commit_callbacks
):
    waiting = _stopped_round(programme, quiet_minutes=30, attempts=0, status=RoundStatus.QUEUED)
    _task_row(waiting, TaskResultStatus.READY)
    with pytest.raises(DomainError, match="still running"):
        rounds.rerun_round(waiting, by=UserFactory())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("send_reminders", "--no-propose", verbosity=0)
    assert callbacks == []
    waiting.refresh_from_db()
    assert waiting.status == RoundStatus.QUEUED


def test_a_queued_round_whose_task_a_stopped_worker_took_is_queued_again(
    programme, django_capture_on_commit_callbacks
):
    # The worker took the task and stopped before it claimed the round.
    match_round = _stopped_round(programme, quiet_minutes=5, attempts=0, status=RoundStatus.QUEUED)
    task_row = _task_row(match_round, TaskResultStatus.RUNNING)
    _periodic_command(django_capture_on_commit_callbacks)
    match_round.refresh_from_db()
    assert match_round.status == RoundStatus.DONE
    task_row.refresh_from_db()
    assert task_row.status == TaskResultStatus.FAILED


def test_a_slow_run_whose_round_was_queued_again_stores_nothing(
    programme, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker was only slow: the periodic command took its round as stale meanwhile. That run
    stops at its next write; the run that holds the round now stores the proposals, once."""
    real_engine = rounds.run_engine

    def slow_engine(*args, **kwargs):
        rounds.release_stale_rounds(now=timezone.now() + jobs.STALE_AFTER * 2)
        return real_engine(*args, **kwargs)

    monkeypatch.setattr(rounds, "run_engine", slow_engine)
    with django_capture_on_commit_callbacks(execute=False):
        match_round = rounds.start_round(programme, by=UserFactory())
        slow = rounds.run_round(match_round.pk, run="slow")
    assert slow.status == RoundStatus.QUEUED
    assert slow.proposals.count() == 0

    monkeypatch.setattr(rounds, "run_engine", real_engine)
    again = rounds.run_round(match_round.pk, run="next")
    assert again.status == RoundStatus.DONE
    assert again.claimed_by == "next"
    assert again.attempts == 2
    assert again.proposals.count() == 2


def test_of_two_workers_only_one_claims_a_round(programme):
    match_round = MatchRound.objects.create(programme=programme)
    assert jobs.claim_job(MatchRound, match_round.pk, run="first")
    assert not jobs.claim_job(MatchRound, match_round.pk, run="second")
    # The second worker's task finds the round taken and leaves it alone.
    assert rounds.run_round(match_round.pk, run="second").claimed_by == "first"
    with pytest.raises(jobs.ClaimLost):
        jobs.write_claimed(MatchRound, match_round.pk, run="second", progress=0.5)


def test_a_running_round_writes_its_heartbeat_as_it_goes(
    programme, monkeypatch, django_capture_on_commit_callbacks
):
    beats = []
    real_write = jobs.write_claimed

    def spy(model, pk, *, run, **fields):
        real_write(model, pk, run=run, **fields)
        beats.append(MatchRound.objects.get(pk=pk).heartbeat_at)

    monkeypatch.setattr(jobs, "write_claimed", spy)
    with django_capture_on_commit_callbacks(execute=True):
        match_round = rounds.start_round(programme, by=UserFactory())
    match_round.refresh_from_db()
    assert match_round.status == RoundStatus.DONE
    assert len(beats) >= 3  # encoding, the engine's stages, done
    assert beats == sorted(beats)
    assert match_round.heartbeat_at == beats[-1]
