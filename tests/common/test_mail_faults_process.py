"""Faults with real processes on a SQLite file: a `koppel worker` killed while the mail server holds
its mail, and a `koppel send_reminders` killed in the middle of its run. Neither may lose a mail,
hold more than one claim, or hold it for longer than its lease; a mail sent again carries the same
Message-ID."""

import os
import signal
import subprocess

import pytest

from tests.processes import query, run, start, wait_for
from tests.smtp_server import HANG_AFTER_DATA, OK, smtp_server

pytestmark = pytest.mark.slow


# Three mails queued in one transaction; their deliver_mail tasks are rows (TASKS_BACKEND=database).
QUEUE_MAILS = """
import django
django.setup()
from django.db import transaction
from koppel.common.domain.mail import queue_rendered_mail
with transaction.atomic():
    for i in range(3):
        queue_rendered_mail(f"person{i}@example.org", language="nl", subject="Onderwerp", body="Tekst",
                            log_ref=f"fault test {i}")
"""

# Three training-hours reminders due now, for three mentors.
QUEUE_REMINDERS = """
import django
django.setup()
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from koppel.common.models.reminders import Reminder
from tests.factories import MentorFactory
for i in range(3):
    mentor = MentorFactory(email=f"mentor{i}@example.org")
    Reminder.objects.create(
        kind="training_hours", key=f"training:{mentor.pk}", email=mentor.email, language="nl",
        content_type=ContentType.objects.get_for_model(mentor), object_id=mentor.pk,
        context={"programme_id": mentor.programme_id, "hours": 1, "missing": 3},
        due_at=timezone.now(), next_attempt_at=timezone.now(),
    )
"""

# The periodic command whose second reminder never finishes: it says so in a file and hangs there.
HANGING_COMMAND = """
import sys, time
import django
django.setup()
from django.core.management import call_command
from koppel.common.domain import reminders
real_mail_context = reminders._mail_context
calls = []
def mail_context(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:
        open(sys.argv[1], "w").close()
        time.sleep(3600)
    return real_mail_context(*args, **kwargs)
reminders._mail_context = mail_context
call_command("send_reminders", "--inline", "--no-propose", "--no-plan")
"""

# The periodic command a few minutes later: the leases have run out (shortened here, not waited for).
LEASES_RUN_OUT = """
from datetime import timedelta
import django
django.setup()
from django.core.management import call_command
from koppel.common.domain import mail, reminders
mail.LEASE = timedelta(0)
reminders.STUCK_AFTER = timedelta(0)
call_command("send_reminders", "--no-propose", "--no-plan")
"""


def _env(tmp_path, **extra):
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "koppel.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/koppel.sqlite3",
        "KOPPEL_DATA_DIR": str(tmp_path),
        "TASKS_BACKEND": "database",
        **extra,
    }


def _smtp_env(port: int, *, timeout: int = 60) -> dict:
    return {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": str(timeout),
    }


def _stop(process):
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_worker_killed_while_sending_holds_one_mail_which_is_sent_again_with_its_message_id(
    tmp_path, migrated_sqlite
):
    db = migrated_sqlite
    run(["-c", QUEUE_MAILS], _env(tmp_path))

    worker = None
    with smtp_server(HANG_AFTER_DATA) as hung, smtp_server(OK) as server:
        try:
            worker = start(
                ["-m", "koppel.cli", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
                _env(tmp_path, **_smtp_env(hung.port)),
                tmp_path / "worker.log",
            )
            # The mail server took the first mail and never confirms it: the worker waits on it.
            wait_for(lambda: hung.messages, seconds=120, what="the worker to hand over a mail")
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=20)
        finally:
            _stop(worker)
        statuses = query(
            db, "SELECT status, COUNT(*) FROM common_outgoingmail GROUP BY status ORDER BY status"
        )
        assert statuses == [("queued", 2), ("sending", 1)]  # one claim at a time: at most one held

        report = run(["-c", LEASES_RUN_OUT], _env(tmp_path, **_smtp_env(server.port, timeout=5)))
        assert "mails 1" in report
        assert query(db, "SELECT status, COUNT(*) FROM common_outgoingmail GROUP BY status") == [("sent", 3)]
        # Every mail went out, the one the killed worker held with the Message-ID it had then.
        (first,) = hung.messages
        assert first["Message-ID"] in [m["Message-ID"] for m in server.messages]
        assert sorted(m["To"] for m in server.messages) == [f"person{i}@example.org" for i in range(3)]
        stored = {row[0] for row in query(db, "SELECT message_id FROM common_outgoingmail")}
        assert {m["Message-ID"] for m in server.messages} == stored
    # django_tasks_db's row of the killed worker's task no longer claims to be running.
    tasks = query(
        db,
        "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult WHERE status != 'READY'",
    )
    assert tasks == [("FAILED", "koppel.common.domain.jobs.WorkerLost")]


def test_a_periodic_command_killed_mid_run_holds_one_reminder_for_minutes_and_sends_each_once(
    tmp_path, migrated_sqlite
):
    db = migrated_sqlite
    env = _env(tmp_path)
    run(["-c", QUEUE_REMINDERS], env)

    started = tmp_path / "second-reminder"
    command = start(["-c", HANGING_COMMAND, str(started)], env, tmp_path / "command.log")
    try:
        wait_for(started.exists, seconds=120, what="the command to reach its second reminder")
        command.send_signal(signal.SIGKILL)
        command.wait(timeout=20)
    finally:
        _stop(command)
    statuses = query(db, "SELECT status, COUNT(*) FROM common_reminder GROUP BY status ORDER BY status")
    assert statuses == [("pending", 1), ("sending", 1), ("sent", 1)]
    assert query(db, "SELECT COUNT(*) FROM common_outgoingmail") == [(1,)]

    run(["-c", LEASES_RUN_OUT], env)
    assert query(db, "SELECT status, COUNT(*) FROM common_reminder GROUP BY status") == [("sent", 3)]
    # Each reminder became exactly one mail: none twice, none lost.
    mails = query(db, 'SELECT "to" FROM common_outgoingmail ORDER BY "to"')
    assert mails == [(f"mentor{i}@example.org",) for i in range(3)]
