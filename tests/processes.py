"""Running Koppel in real processes for the fault tests (a worker killed mid-task, a periodic command
killed mid-run): start them, wait for them, and read their SQLite database directly."""

import sqlite3
import subprocess
import sys
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
