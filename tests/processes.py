"""Running Koppel in real processes for the fault tests (a worker killed mid-task, a periodic command
killed mid-run): start them, wait for them, and read their SQLite database directly."""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(args, env, *, timeout=300) -> str:
    """Run `python args...` in the repository to the end; its output (it must succeed)."""
    result = subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def start(args, env, log: Path) -> subprocess.Popen:
    """Start `python args...` in the repository, its output going to `log`."""
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, *args], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT
        )


def query(db: Path, sql: str, *params) -> list:
    with sqlite3.connect(db, timeout=20) as connection:
        return connection.execute(sql, params).fetchall()


def wait_for(condition, *, seconds: float, what: str) -> None:
    """Poll `condition` until it holds; fail after `seconds` naming `what` was awaited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def copy_database(source: Path, target: Path) -> None:
    """Copy the SQLite database `source` to `target` page by page (whatever its journal holds)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def migrate_template(folder: Path) -> Path:
    """A freshly migrated Koppel database in `folder`, made by `koppel migrate` the first time and
    found there after: migrating takes most of a minute, so the process tests copy one template.
    Test processes that share `folder` (pytest-xdist's workers) wait for each other on a lock."""
    import fcntl
    import os

    template = folder / "migrated.sqlite3"
    with (folder / "migrated.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            data = folder / "migrated-data"
            env = {
                "PATH": os.environ["PATH"],
                "DJANGO_SETTINGS_MODULE": "koppel.settings",
                "DEBUG": "1",
                "DATABASE_URL": f"sqlite:///{data}/koppel.sqlite3",
                "KOPPEL_DATA_DIR": str(data),
            }
            run(["-m", "koppel.cli", "migrate", "--noinput"], env)
            copy_database(data / "koppel.sqlite3", template)
    return template
