"""Encrypted backups and a restore that forgets nobody (`koppel backup`, `koppel restore`).

A backup is one consistent copy of the database taken while the site runs (SQLite: the online backup
API; PostgreSQL: `pg_dump --format=custom`), streamed into an encrypted archive (privacy/domain/
archive.py) with a manifest: Koppel's version, the database vendor, when, and the migrations applied.

A restore puts the archive's database back and then erases again everyone erased after the backup was
made, before anyone can log in: the site is in maintenance mode (koppel.common.maintenance) from before
the database is touched until the erasure ledger was replayed. The ledger it replays is the restored
database's own, merged with the ledger of the database as it was just before the restore and with the
ledger file outside the database (privacy/domain/ledger_file.py).
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from koppel.common.maintenance import end_maintenance, start_maintenance, under_maintenance
from koppel.privacy.domain import erasure
from koppel.privacy.domain.backup_archive import FORMAT, ArchiveReader, write_archive
from koppel.privacy.domain.ledger_file import append_missing_to_ledger_file, read_ledger_file
from koppel.privacy.models import ErasureLedgerEntry

SUFFIX = ".kbak"
READ_SIZE = 1024 * 1024
VENDORS = ("sqlite", "postgresql")
# Keeps the derived development key apart from every other use of SECRET_KEY.
DEV_KEY_PREFIX = "koppel-backup:"


class BackupError(Exception):
    """A backup or restore refused or failed; the message says what to do (for the operator)."""


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    ledger_before: int = 0
    ledger_added: int = 0
    erased_again: int = 0
    notes: list[str] = field(default_factory=list)


# --- The key ------------------------------------------------------------------------------------------


def backup_passphrase() -> tuple[str, str | None]:
    """The passphrase archives are sealed with, and a warning when it is the development one.

    BACKUP_ENCRYPTION_KEY when set; otherwise, with DEBUG or in the demo only, a key derived from
    SECRET_KEY (a backup of a development database); in production a refusal."""
    if settings.BACKUP_ENCRYPTION_KEY:
        return settings.BACKUP_ENCRYPTION_KEY, None
    if settings.DEBUG or settings.KOPPEL_DEMO:
        return DEV_KEY_PREFIX + settings.SECRET_KEY, (
            "BACKUP_ENCRYPTION_KEY is not set: this archive is sealed with a key derived from "
            "SECRET_KEY (development only)."
        )
    raise BackupError(
        "BACKUP_ENCRYPTION_KEY is not set. Set a long random passphrase (see .env.example) and keep a "
        "copy of it apart from the backups."
    )


# --- Backup -------------------------------------------------------------------------------------------


def _connection(using: str = DEFAULT_DB_ALIAS) -> BaseDatabaseWrapper:
    connection = connections[using]
    if connection.vendor not in VENDORS:
        raise BackupError(f"Koppel backs up SQLite and PostgreSQL, not {connection.vendor}.")
    connection.ensure_connection()
    return connection


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def build_manifest(using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "koppel_version": importlib.metadata.version("koppel"),
        "vendor": connections[using].vendor,
        "created_at": timezone.now().isoformat(),
        "migrations": applied_migrations(using),
    }


def archive_name(now: datetime, directory: Path) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H%MZ")
    path = directory / f"koppel-backup-{stamp}{SUFFIX}"
    number = 1
    while path.exists() or path.with_name(path.name + ".part").exists():
        number += 1
        path = directory / f"koppel-backup-{stamp}-{number}{SUFFIX}"
    return path


def default_backup_dir() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def create_backup(output_dir: Path | None = None, *, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write an encrypted archive of the database to `output_dir` (default KOPPEL_DATA_DIR/backups)
    and return its path.

    The archive is written as `<name>.part` (owner-only, 0600) and renamed when complete, so a
    backup that fails leaves no archive that looks whole. Refused while a restore runs."""
    if under_maintenance():
        raise BackupError("A restore is running (the maintenance flag is set); back up after it.")
    passphrase, _warning = backup_passphrase()
    connection = _connection(using)
    directory = Path(output_dir) if output_dir else default_backup_dir()
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
    manifest = build_manifest(using)
    path = archive_name(timezone.now(), directory)
    partial = path.with_name(path.name + ".part")
    body = _sqlite_dump(connection) if connection.vendor == "sqlite" else _postgres_dump(connection)
    try:
        with closing(body), _private_file(partial) as out:
            write_archive(out, passphrase, manifest, body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


@contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        yield out


def _read_blocks(stream: BinaryIO) -> Iterator[bytes]:
    while block := stream.read(READ_SIZE):
        yield block


def _sqlite_dump(connection: BaseDatabaseWrapper) -> Generator[bytes]:
    """A consistent copy through SQLite's online backup API, into a private temporary file that is
    removed once it was read; other connections go on reading and writing meanwhile."""
    with tempfile.TemporaryDirectory(prefix="koppel-backup-") as folder:
        copy = Path(folder) / "copy.sqlite3"
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
            # One self-contained file: no -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        with copy.open("rb") as stream:
            yield from _read_blocks(stream)


# --- PostgreSQL's own tools ----------------------------------------------------------------------------

# Connection options Django passes to psycopg that the command-line tools read from the environment.
PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def postgres_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the connection settings of DATABASES, the password
    in PGPASSWORD (never on a command line, where `ps` shows it)."""
    params = connection.settings_dict
    env = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if params.get(key):
            env[name] = str(params[key])
    for option, name in PG_OPTION_ENV.items():
        if params.get("OPTIONS", {}).get(option):
            env[name] = str(params["OPTIONS"][option])
    return env


def pg_tool(name: str, connection: BaseDatabaseWrapper) -> str:
    """The path of pg_dump or pg_restore on PATH; refused when missing or older than the server."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools (the same major "
            "version as the server or newer)."
        )
    output = subprocess.run(  # noqa: S603 (a tool found on PATH, a fixed argument)
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"\)\s*(\d+)", output) or re.search(r"(\d+)\.\d+", output)
    if found is None:
        raise BackupError(f"Could not tell the version of {path} ({output.strip()!r}).")
    tool_major = int(found.group(1))
    server_major = connection.pg_version // 10000  # type: ignore[attr-defined]
    if tool_major < server_major:
        raise BackupError(
            f"{name} is version {tool_major}, older than the database server ({server_major}). Install "
            f"the PostgreSQL {server_major} client tools or newer."
        )
    return path


def _postgres_dump(connection: BaseDatabaseWrapper) -> Generator[bytes]:
    command = [pg_tool("pg_dump", connection), "--format=custom", "--no-password"]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 (pg_dump, fixed arguments; the settings in the env)
            command, stdout=subprocess.PIPE, stderr=errors, env=postgres_env(connection)
        )
        stdout: Any = process.stdout
        try:
            yield from _read_blocks(stdout)
        finally:
            stdout.close()
            returncode = process.wait()
        if returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise BackupError(f"pg_dump failed ({returncode}): {message}")


# --- Restore ------------------------------------------------------------------------------------------


@contextmanager
def open_archive(path: Path) -> Iterator[ArchiveReader]:
    """The archive opened with the backup key: its manifest is read (a wrong key fails here)."""
    passphrase, _warning = _restore_passphrase()
    with Path(path).open("rb") as stream:
        yield ArchiveReader(stream, passphrase)


def _restore_passphrase() -> tuple[str, str | None]:
    try:
        return backup_passphrase()
    except BackupError:
        raise BackupError(
            "BACKUP_ENCRYPTION_KEY is not set; the archive cannot be opened without it."
        ) from None


def check_restorable(archive: ArchiveReader, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Refuse an archive this installation cannot restore, before anything is changed: another
    archive format, another database vendor, a migration this code does not have (a newer Koppel),
    or a damaged chunk anywhere in the archive."""
    manifest = archive.manifest
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This archive's manifest has format {manifest.get('format')}; expected {FORMAT}.")
    vendor = connections[using].vendor
    if manifest.get("vendor") != vendor:
        raise BackupError(
            f"This archive holds a {manifest.get('vendor')} database; this Koppel runs on {vendor}. "
            "Restore it into the same kind of database."
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    unknown = sorted(set(manifest.get("migrations", [])) - known)
    if unknown:
        raise BackupError(
            f"This archive comes from a newer Koppel ({manifest.get('koppel_version')}): this code lacks "
            f"the migrations {', '.join(unknown[:5])}. Install that version or newer, then restore."
        )
    archive.verify()


def current_ledger(using: str = DEFAULT_DB_ALIAS) -> dict[str, datetime]:
    """The erasure ledger of the database as it is now (empty when it has no tables yet)."""
    connection = connections[using]
    if ErasureLedgerEntry._meta.db_table not in connection.introspection.table_names():
        return {}
    return dict(ErasureLedgerEntry.objects.using(using).values_list("subject_hash", "erased_at"))


def merge_into_ledger(entries: dict[str, datetime], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Add the entries the database's ledger does not have; returns how many were added."""
    known = set(ErasureLedgerEntry.objects.using(using).values_list("subject_hash", flat=True))
    missing = [
        ErasureLedgerEntry(subject_hash=subject_hash, erased_at=erased_at)
        for subject_hash, erased_at in sorted(entries.items(), key=lambda item: item[1])
        if subject_hash not in known
    ]
    ErasureLedgerEntry.objects.using(using).bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _replay_ledger() -> int:
    # Erases everyone in the ledger who is still present; returns how many it erased.
    return erasure.replay_ledger(by=None)


def restore_backup(
    archive: ArchiveReader,
    *,
    ledger_files: Iterable[Path] = (),
    checked: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> RestoreResult:
    """Replace the database with the archive's and forget again everyone erased since.

    Side effects, in order: checks the archive (check_restorable, unless the caller did: `checked`;
    nothing changed when it refuses);
    sets the maintenance flag (every page answers 503, the periodic command pauses); reads the current
    database's erasure ledger and the ledger files (ERASURE_LEDGER_FILE and `ledger_files`) and
    writes the database's entries missing from ERASURE_LEDGER_FILE into it; replaces the database;
    runs `migrate`; merges the ledger into the restored database; replays it (erasing again whoever is
    in it and still present); clears the cache (sessions from before the restore end); on SQLite
    vacuums, so erased rows leave no traces in free pages; removes the maintenance flag. When the
    replacement itself fails before anything was written (a refused pg_restore runs in one
    transaction) the flag is removed again; when anything after it fails, the flag stays, and the
    site stays closed until a restore succeeds.
    """
    if not checked:
        check_restorable(archive, using=using)
    connection = connections[using]
    result = RestoreResult(manifest=archive.manifest)
    start_maintenance("restore")
    replaced = False
    try:
        before = current_ledger(using)
        result.ledger_before = len(before)
        # The database's ledger into the file first: a restore that stops half-way loses no erasure.
        append_missing_to_ledger_file(before)
        ledger = read_ledger_file()
        for path in ledger_files:
            for subject_hash, erased_at in read_ledger_file(Path(path)).items():
                if subject_hash not in ledger or erased_at < ledger[subject_hash]:
                    ledger[subject_hash] = erased_at
        for subject_hash, erased_at in before.items():
            ledger.setdefault(subject_hash, erased_at)

        if connection.vendor == "sqlite":
            _restore_sqlite(archive, connection)
        else:
            _restore_postgres(archive, connection)
        replaced = True
        call_command("migrate", interactive=False, verbosity=0, database=using)
        result.ledger_added = merge_into_ledger(ledger, using=using)
        result.erased_again = _replay_ledger()
        cache.clear()
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM")
    except BaseException:
        if not replaced:
            end_maintenance()
        raise
    end_maintenance()
    return result


def _restore_sqlite(archive: ArchiveReader, connection: BaseDatabaseWrapper) -> None:
    """The archive's database into a private temporary file, checked, then copied page by page into
    the live database through the backup API (under SQLite's lock: other connections see the old
    database or the new one, never half of each)."""
    with tempfile.TemporaryDirectory(prefix="koppel-restore-") as folder:
        copy = Path(folder) / "restore.sqlite3"
        with _private_file(copy) as out:
            for block in archive.body():
                out.write(block)
        source = sqlite3.connect(copy)
        try:
            (status,) = source.execute("PRAGMA quick_check").fetchone()
            if status != "ok":
                raise BackupError(f"The archive's database is damaged ({status}); nothing was changed.")
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()


def _restore_postgres(archive: ArchiveReader, connection: BaseDatabaseWrapper) -> None:
    """pg_restore into the configured database, fed from the archive on its standard input, in one
    transaction (a refused restore changes nothing)."""
    command = [
        pg_tool("pg_restore", connection),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        "--dbname",
        str(connection.settings_dict["NAME"]),
    ]
    # Django's own connection holds no lock on the tables pg_restore drops.
    connection.close()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 (pg_restore, fixed arguments; the settings in the env)
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=postgres_env(connection),
        )
        stdin: Any = process.stdin
        try:
            for block in archive.body():
                stdin.write(block)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit status and message say why
        finally:
            with suppress(BrokenPipeError):
                stdin.close()
            returncode = process.wait()
        if returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise BackupError(f"pg_restore failed ({returncode}); nothing was changed: {message}")
