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
