"""The erasure ledger's copy outside the database (settings.ERASURE_LEDGER_FILE).

One JSON line per erasure: {"subject_hash": "...", "erased_at": "2026-12-07T23:15:00+00:00"}, the same
two facts as a row of ErasureLedgerEntry and nothing more (a keyed hash, never a name or a primary
key). Erasing a person appends a line; `koppel restore` reads the file and merges it into the restored
database's ledger before it replays the ledger. The database's ledger travels with every backup; this
file covers the erasures after the newest backup when the database itself is lost.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Protocol

from django.conf import settings


class LedgerFileError(Exception):
    pass


class LedgerFact(Protocol):
    subject_hash: str
    erased_at: datetime


def ledger_file_path() -> Path:
    return Path(settings.ERASURE_LEDGER_FILE)


def _line(subject_hash: str, erased_at: datetime) -> bytes:
    return (json.dumps({"subject_hash": subject_hash, "erased_at": erased_at.isoformat()}) + "\n").encode()


def _append(lines: list[bytes], path: Path) -> None:
    if not lines:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only, appended with O_APPEND (each line one write, whole or not at all on a local disk) and
    # flushed to disk before the erasure's transaction commits.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, b"".join(lines))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def append_to_ledger_file(entry: LedgerFact, path: Path | None = None) -> None:
    """Add one erasure (an ErasureLedgerEntry, or anything with subject_hash and erased_at) to the
    ledger file. Raises OSError when the file cannot be written, so the erasure's transaction can
    refuse rather than erase without this copy."""
    _append([_line(entry.subject_hash, entry.erased_at)], path or ledger_file_path())


def append_missing_to_ledger_file(entries: dict[str, datetime], path: Path | None = None) -> int:
    """Add the entries the file does not have yet (before a restore: the database's own ledger, so a
    restore that stops half-way loses no erasure); returns how many lines were added."""
    path = path or ledger_file_path()
    known = read_ledger_file(path)
    missing = [_line(h, at) for h, at in sorted(entries.items(), key=lambda item: item[1]) if h not in known]
    _append(missing, path)
    return len(missing)


def read_ledger_file(path: Path | None = None) -> dict[str, datetime]:
    """subject_hash -> erased_at (the earliest, if a hash is in the file twice). A missing file is an
    empty ledger. A last line cut off by a crash while it was written is skipped; any other line that
    cannot be read stops the reading, because skipping it could forget a person."""
    path = path or ledger_file_path()
    if not path.exists():
        return {}
    entries: dict[str, datetime] = {}
    lines = path.read_bytes().split(b"\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
            subject_hash = str(record["subject_hash"])
            erased_at = datetime.fromisoformat(record["erased_at"])
            if len(subject_hash) != 64 or erased_at.tzinfo is None:
                raise ValueError(subject_hash)
        except (ValueError, KeyError, TypeError):
            if number == len(lines) and not raw.endswith(b"}"):
                break  # the torn last line of a write that never finished
            raise LedgerFileError(f"{path}: line {number} is not a ledger entry.") from None
        if subject_hash not in entries or erased_at < entries[subject_hash]:
            entries[subject_hash] = erased_at
    return entries
