"""Background jobs a worker claims (match rounds, exports): the claim, the heartbeat, and noticing a
worker that stopped.

A job is a row with `ClaimedJob`'s fields and a `status` of queued, running, done or failed; a task
that takes the row's id runs it (`koppel worker`). The run claims the row with one conditional
UPDATE (queued -> running, `claimed_by` = the run, `attempts` + 1), so of two workers only one runs
it. Every later write of the run (progress, the result, a failure) goes through `write_claimed`,
which also moves `heartbeat_at` and lands only while the run still holds the claim. `Heartbeat`
writes whenever the run reports progress and it moved, or HEARTBEAT_EVERY seconds passed; progress
comes many times per stage, and the longest step without it (the solver, a PDF) takes seconds.

A worker that stops (killed, out of memory, the machine restarted) leaves its row "running" with a
heartbeat that no longer moves. The periodic command (`koppel send_reminders`) calls
`release_stale_jobs`: a running row without a sign of life for STALE_AFTER goes back to "queued" and
its task is queued again, or, once MAX_ATTEMPTS workers took it up, becomes "failed" with a message
for the person who asked for it. A run that was only slow, not gone, finds its claim taken at its
next write (`ClaimLost`) and stops without writing, so a job is never stored twice. A queued row
whose task is gone (a worker took the task and stopped before it claimed the row) is queued again
the same way.

django_tasks_db leaves the task row of a stopped worker "running" for good: its worker only takes
"ready" rows, and its prune command only removes finished ones. Releasing a job marks that task row
failed (`WorkerLost`), so the task list in the admin tells the truth.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.tasks import TaskResultStatus
from django.utils import timezone

from koppel.common.domain.audit import log_action

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# A running job without a sign of life for this long lost its worker: a dozen missed heartbeats,
# far longer than any step of a round or an export without progress.
STALE_AFTER = timedelta(minutes=3)
HEARTBEAT_EVERY = 15.0  # seconds
# After this many workers took a job up and stopped, it is given up as failed.
MAX_ATTEMPTS = 3


class ClaimLost(Exception):
    """This run no longer holds its job: it was taken as stale, and queued again or given up."""


class WorkerLost(Exception):
    """Named in a django_tasks_db task row marked failed because its worker stopped."""


WORKER_LOST_TRACEBACK = "WorkerLost: the worker running this task stopped; its job was released.\n"


def new_run_id() -> str:
    """A name for one run of a job: host, process and a random part (unique per run)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


def claim_job(model: Any, pk: int, *, run: str, **fields: Any) -> bool:
    """Claim a queued job for `run` with one conditional UPDATE, writing `fields` with it; True only
    for the run whose UPDATE changed the row."""
    changed = model._default_manager.filter(pk=pk, status=QUEUED).update(
        status=RUNNING, claimed_by=run, heartbeat_at=timezone.now(), attempts=F("attempts") + 1, **fields
    )
    return changed == 1


def write_claimed(model: Any, pk: int, *, run: str, **fields: Any) -> None:
    """Write `fields` (progress, the result, a failure) and the heartbeat while `run` holds the job.

    Raises ClaimLost, writing nothing, when it no longer does. Inside a transaction, call it before
    anything else the run stores, so a lost claim rolls that back too.
    """
    changed = model._default_manager.filter(pk=pk, status=RUNNING, claimed_by=run).update(
        heartbeat_at=timezone.now(), **fields
    )
    if changed != 1:
        raise ClaimLost(f"{model._meta.label} {pk}")


class Heartbeat:
    """Writes a running job's progress for its run: whenever the caller has news, and at least every
    HEARTBEAT_EVERY seconds (`due`), so a long step without news still shows the worker is alive."""

    def __init__(self, model: Any, pk: int, run: str):
        self.model, self.pk, self.run = model, pk, run
        self.written = time.monotonic()

    @property
    def due(self) -> bool:
        return time.monotonic() - self.written >= HEARTBEAT_EVERY

    def write(self, **fields: Any) -> None:
        write_claimed(self.model, self.pk, run=self.run, **fields)
        self.written = time.monotonic()


class PercentProgress:
    """A run's progress callback: writes the whole percentage (0 up to `highest`) when it changed,
    and at least every HEARTBEAT_EVERY seconds (the worker's heartbeat). Raises ClaimLost when the
    job was taken from this run."""

    def __init__(self, beat: Heartbeat, *, highest: int = 100) -> None:
        self.beat = beat
        self.highest = highest
        self.last = -1

    def __call__(self, percent: float) -> None:
        value = max(0, min(self.highest, int(percent)))
        if value != self.last or self.beat.due:
            self.last = value
            self.beat.write(progress=value)


def last_sign_of_life(job: Any) -> datetime:
    """When the job's worker last wrote (or, before any worker took it up, when it was queued)."""
    return job.heartbeat_at or job.created_at


def is_stalled(job: Any, *, now: datetime | None = None) -> bool:
    """A running job whose worker has not written for STALE_AFTER: probably stopped."""
    now = now or timezone.now()
    return job.status == RUNNING and last_sign_of_life(job) < now - STALE_AFTER


@dataclass
class Released:
    """What `release_stale_jobs` changed: (job id, attempts so far) per job."""

    requeued: list[tuple[int, int]] = field(default_factory=list)
    failed: list[tuple[int, int]] = field(default_factory=list)


def release_stale_jobs(
    model: Any, *, task: Any, error: str, reset: dict[str, Any], action: str, now: datetime | None = None
) -> Released:
    """Notice the jobs of `model` whose worker stopped (see the module's docstring).

    A running job without a sign of life for STALE_AFTER goes back to "queued" (with `reset`, such as
    its progress) and `task` is queued for it again; after MAX_ATTEMPTS it becomes "failed" with
    `error` (English, translated where it is shown). A queued job waiting longer than STALE_AFTER
    without a task row ready for it is queued again. Each change is one conditional UPDATE on the
    values read, so a worker that writes meanwhile keeps its job, and two commands at once release a
    job once. Side effects: the stopped workers' task rows marked failed; the tasks queued after the
    commit; an activity-log entry `action` on each job it changed, with the attempts and the outcome.
    Returns what changed.
    """
    now = now or timezone.now()
    manager = model._default_manager
    stale = manager.alias(last_sign=Coalesce("heartbeat_at", "created_at")).filter(
        last_sign__lt=now - STALE_AFTER
    )
    released = Released()
    running = stale.filter(status=RUNNING).values_list("pk", "claimed_by", "heartbeat_at", "attempts")
    for pk, run, heartbeat, attempts in running:
        same = manager.filter(pk=pk, status=RUNNING, claimed_by=run, **_same_heartbeat(heartbeat))
        if attempts < MAX_ATTEMPTS:
            if same.update(status=QUEUED, claimed_by="", heartbeat_at=now, error="", **reset):
                released.requeued.append((pk, attempts))
        elif same.update(status=FAILED, claimed_by="", error=error, finished_at=now):
            released.failed.append((pk, attempts))
    ready = _task_rows(task, TaskResultStatus.READY)
    queued = (
        stale.filter(status=QUEUED).exclude(pk__in=list(ready)).values_list("pk", "heartbeat_at", "attempts")
    )
    for pk, heartbeat, attempts in queued:
        if manager.filter(pk=pk, status=QUEUED, **_same_heartbeat(heartbeat)).update(heartbeat_at=now):
            released.requeued.append((pk, attempts))
    changed = {pk for pk, _attempts in released.requeued + released.failed}
    if changed:
        fail_task_rows(task, changed, now=now)
        logger.warning(
            "%s: worker stopped; queued again %s, given up %s",
            model._meta.label,
            [pk for pk, _a in released.requeued],
            [pk for pk, _a in released.failed],
        )
    changed_jobs = manager.only("pk").in_bulk(list(changed))
    for outcome, rows in (("queued", released.requeued), ("failed", released.failed)):
        for pk, attempts in rows:
            log_action(changed_jobs[pk], action, by=None, data={"attempts": attempts, "outcome": outcome})
    for pk, _attempts in released.requeued:
        transaction.on_commit(partial(task.enqueue, pk))
    return released


def give_up_stalled_job(model: Any, job: Any, *, task: Any, error: str, now: datetime | None = None) -> bool:
    """Mark a job whose worker stopped "failed" at once with `error`, for a person who starts it
    afresh rather than wait for the periodic command. False, changing nothing, for a finished job,
    a job whose worker wrote within STALE_AFTER, or a queued job whose task waits for a worker.
    Side effect: the stopped worker's task rows marked failed."""
    now = now or timezone.now()
    if job.status not in (QUEUED, RUNNING) or last_sign_of_life(job) >= now - STALE_AFTER:
        return False
    if job.status == QUEUED and job.pk in _task_rows(task, TaskResultStatus.READY):
        return False
    changed = model._default_manager.filter(
        pk=job.pk, status=job.status, claimed_by=job.claimed_by, **_same_heartbeat(job.heartbeat_at)
    ).update(status=FAILED, claimed_by="", error=error, finished_at=now)
    if changed:
        fail_task_rows(task, {job.pk}, now=now)
    return changed == 1


def fail_task_rows(task: Any, job_ids: set[int], *, now: datetime) -> int:
    """Mark failed the django_tasks_db rows of `task` still "running" for these jobs: their worker
    stopped, and nothing else ever finishes them. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    rows = [
        row
        for job_id, ids in _task_rows(task, TaskResultStatus.RUNNING).items()
        if job_id in job_ids
        for row in ids
    ]
    if not rows:
        return 0
    return DBTaskResult.objects.filter(pk__in=rows, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=WORKER_LOST_TRACEBACK,
    )


def _task_rows(task: Any, status: str) -> dict[int, list]:
    """Job id (the task's first argument) -> the ids of its django_tasks_db rows in `status`."""
    from django_tasks_db.models import DBTaskResult

    found: dict[int, list] = {}
    rows = DBTaskResult.objects.filter(task_path=task.module_path, status=status).values_list(
        "pk", "args_kwargs"
    )
    for row_id, args_kwargs in rows:
        args = (args_kwargs or {}).get("args") or []
        if args and isinstance(args[0], int):
            found.setdefault(args[0], []).append(row_id)
    return found


def _same_heartbeat(heartbeat: datetime | None) -> dict[str, Any]:
    return {"heartbeat_at": heartbeat} if heartbeat is not None else {"heartbeat_at__isnull": True}
