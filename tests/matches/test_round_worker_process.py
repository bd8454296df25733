"""A worker process killed in the middle of a match round, with real processes: `koppel worker` on
a SQLite file, a kill -9, a fresh worker, and the periodic command. The round must not stay
"loading 2 %" for ever: the periodic command queues it again and the fresh worker finishes it."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.processes import query, run, start, wait_for

pytestmark = pytest.mark.slow


# Creates a programme with two waiting youth and two trained mentors and starts a round (its task is
# a row in the database: TASKS_BACKEND=database); prints the round's id.
SETUP = """
import django
django.setup()
from koppel.matches.domain.rounds import start_round
from tests.factories import ProgrammeFactory
from tests.factories.matching import TrainedMentorFactory, WaitingYouthFactory
programme = ProgrammeFactory()
for _ in range(2):
    WaitingYouthFactory(programme=programme)
    TrainedMentorFactory(programme=programme)
print(start_round(programme, by=None).pk)
"""

# A worker whose engine never returns: it claims the round, says so in a file, and hangs there.
HANGING_WORKER = """
import sys, time
import django
django.setup()
from django.core.management import call_command
from koppel.matches.domain import rounds

def hang(*args, **kwargs):
    open(sys.argv[1], "w").close()
    time.sleep(3600)

rounds.run_engine = hang
call_command("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2")
"""

# Minutes pass without a heartbeat: the stopped worker's round was last heard of long ago.
MINUTES_PASS = """
import sys
from datetime import timedelta
import django
django.setup()
from django.db.models import F
from koppel.matches.models import MatchRound
MatchRound.objects.filter(pk=int(sys.argv[1])).update(heartbeat_at=F("heartbeat_at") - timedelta(minutes=10))
"""


def _env(tmp_path):
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "koppel.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/koppel.sqlite3",
        "KOPPEL_DATA_DIR": str(tmp_path),
        "TASKS_BACKEND": "database",
    }


def _round(db: Path, pk: int) -> tuple[str, str, int]:
    return query(db, "SELECT status, stage, attempts FROM matches_matchround WHERE id = ?", pk)[0]


def test_a_round_whose_worker_is_killed_is_finished_by_the_next_worker(tmp_path, migrated_sqlite):
    env = _env(tmp_path)
    db = migrated_sqlite
    round_id = int(run(["-c", SETUP], env).strip().splitlines()[-1])

    started = tmp_path / "engine-started"
    doomed = start(["-c", HANGING_WORKER, str(started)], env, tmp_path / "doomed.log")
    fresh = None
    try:
        wait_for(started.exists, seconds=120, what="the first worker to start the round")
        assert _round(db, round_id) == ("running", "encoding", 1)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=20)
        # django_tasks_db leaves the killed worker's task row running; nothing picks it up again.
        tasks = query(db, "SELECT status FROM django_tasks_database_dbtaskresult")
        assert tasks == [("RUNNING",)]

        fresh = start(
            ["-m", "koppel.cli", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            env,
            tmp_path / "fresh.log",
        )
        time.sleep(3)
        assert _round(db, round_id)[0] == "running"  # a fresh worker alone does not know

        run(["-c", MINUTES_PASS, str(round_id)], env)
        report = run(["-m", "koppel.cli", "send_reminders", "--no-propose"], env)
        assert "match rounds queued again 1" in report

        wait_for(lambda: _round(db, round_id)[0] == "done", seconds=120, what="the fresh worker to finish")
        assert _round(db, round_id) == ("done", "done", 2)
        proposals = query(db, "SELECT COUNT(*) FROM matches_roundproposal WHERE round_id = ?", round_id)
        assert proposals == [(2,)]
        tasks = query(
            db,
            "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult "
            "ORDER BY enqueued_at",
        )
        assert tasks == [("FAILED", "koppel.common.domain.jobs.WorkerLost"), ("SUCCESSFUL", "")]
    finally:
        for process in (doomed, fresh):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
