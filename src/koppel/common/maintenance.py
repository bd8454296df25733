"""Maintenance mode: while a file named `maintenance` exists in KOPPEL_DATA_DIR, every page answers
503 with a short page (MaintenanceMiddleware) and the periodic command does nothing.

`koppel restore` sets it before it touches the database and removes it only after the erasure ledger
was replayed, so nobody logs in to, and no reminder goes out from, a restored database in which people
who were erased after the backup are still present. A restore that fails after the database was
replaced leaves the flag in place on purpose.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

FLAG_NAME = "maintenance"


def flag_path() -> Path:
    return Path(settings.DATA_DIR) / FLAG_NAME


def under_maintenance() -> bool:
    return flag_path().exists()


def start_maintenance(reason: str) -> Path:
    """Set the flag (or keep one that is there), saying why and since when (no personal data)."""
    path = flag_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    note = {"reason": reason, "since": timezone.now().isoformat(), "pid": os.getpid()}
    path.write_text(json.dumps(note) + "\n")
    return path


def end_maintenance() -> None:
    flag_path().unlink(missing_ok=True)
