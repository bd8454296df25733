"""`koppel backup` and `koppel restore`: encrypted archives, a restore that changes nothing when it
refuses, the erasure ledger merged and replayed before anyone can log in.

The restores here put the archive back into the test database itself (transactional tests). The
erasure's replay_ledger is replaced by a recorder in this file; tests/privacy/test_backup_drill.py
runs the real one."""

import io
import os
import shutil
import stat
import sys
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from koppel.common.maintenance import flag_path, start_maintenance, under_maintenance
from koppel.people.models import Mentor, Youth
from koppel.privacy.domain import backup_archive as archive_format
from koppel.privacy.domain.backup import BackupError, create_backup, pg_tool, postgres_env
from koppel.privacy.domain.ledger_file import (
    LedgerFileError,
    append_to_ledger_file,
    read_ledger_file,
)
from koppel.privacy.models import ErasureLedgerEntry
from tests import factories as f

KEY = "a-long-random-backup-passphrase-for-the-tests-only"
OTHER_KEY = "another-long-random-backup-passphrase-for-the-tests"
HASH_A = "a" * 64
HASH_B = "b" * 64
HASH_C = "c" * 64

transactional = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data_dir(settings, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    settings.DATA_DIR = data
    settings.ERASURE_LEDGER_FILE = data / "erasure-ledger.jsonl"
    settings.BACKUP_ENCRYPTION_KEY = KEY
    return data


class Replay:
    """Stands in for koppel.privacy.domain.erasure.replay_ledger and records what it saw."""

    def __init__(self):
        self.calls = []
        self.ledger_seen = []
        self.login_status = []
        self.flag_set = []
        self.error = None

    def __call__(self, *, by):
        self.calls.append(by)
        self.ledger_seen.append(set(ErasureLedgerEntry.objects.values_list("subject_hash", flat=True)))
        self.flag_set.append(under_maintenance())
        user = f.UserFactory(email="during-restore@example.org")
        login = Client().post(reverse("account_login"), {"login": user.email, "password": f.PASSWORD})
        self.login_status.append(login.status_code)
        user.delete()
        if self.error:
            raise self.error
        return 0


@pytest.fixture
def replay(monkeypatch):
    recorder = Replay()
    monkeypatch.setattr("koppel.privacy.domain.erasure.replay_ledger", recorder)
    return recorder


def fact(subject_hash: str, erased_at: datetime) -> types.SimpleNamespace:
    """What append_to_ledger_file needs of a ledger entry."""
    return types.SimpleNamespace(subject_hash=subject_hash, erased_at=erased_at)


def backup(output: Path) -> Path:
    out = io.StringIO()
    call_command("backup", output=output, stdout=out)
    path = Path(out.getvalue().split(" (")[0].strip())
    assert path.exists()
    return path


def restore(path: Path, **options):
    out = io.StringIO()
    call_command("restore", str(path), yes=True, stdout=out, **options)
    return out.getvalue()


@transactional
def test_round_trip_brings_back_the_backup_and_drops_what_came_after(data_dir, tmp_path, replay):
    mentor = f.MentorFactory(first_name="Wilhelmina", last_name="Terugzetter")
    archive = backup(tmp_path / "backups")

    Mentor.objects.filter(pk=mentor.pk).update(first_name="Veranderd")
    later = f.YouthFactory(first_name="Nakomertje", programme=mentor.programme)

    output = restore(archive)

    assert Mentor.objects.get(pk=mentor.pk).first_name == "Wilhelmina"
    assert not Youth.objects.filter(pk=later.pk).exists()
    assert "0 people erased again" in output
    assert not under_maintenance()


@transactional
def test_the_archive_is_dated_owner_only_and_says_its_size(data_dir, tmp_path, replay):
    f.MentorFactory()
    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", stdout=out)
    path = Path(out.getvalue().split(" (")[0])
    assert path.parent == tmp_path / "backups"
    assert path.name.startswith(f"koppel-backup-{datetime.now(UTC):%Y-%m-%d}T")
    assert path.name.endswith("Z.kbak")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert out.getvalue().strip().endswith(("KB)", "MB)"))
    # No leftover partial file, and a second backup in the same minute gets its own name.
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert backup(tmp_path / "backups") != path


@transactional
def test_the_default_folder_is_owner_only_under_the_data_dir(data_dir):
    path = create_backup()
    assert path.parent == data_dir / "backups"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@transactional
def test_the_archive_holds_no_plaintext(data_dir, tmp_path):
    f.MentorFactory(first_name="Ottoline", last_name="Klaartekstvan", email="ottoline.k@example.org")
    content = backup(tmp_path).read_bytes()
    for value in (b"Ottoline", b"Klaartekstvan", b"ottoline.k@example.org", b"SQLite format", b"vendor"):
        assert value not in content
    assert content.startswith(archive_format.MAGIC)


@transactional
def test_a_wrong_key_is_refused_and_changes_nothing(data_dir, tmp_path, settings, replay):
    archive = backup(tmp_path)
    later = f.MentorFactory(first_name="Blijftstaan")
    settings.BACKUP_ENCRYPTION_KEY = OTHER_KEY

    with pytest.raises(CommandError, match="backup key does not open this archive"):
        restore(archive)

    assert Mentor.objects.filter(pk=later.pk).exists()
    assert not under_maintenance()
    assert replay.calls == []


@transactional
def test_a_damaged_or_cut_off_archive_is_refused_before_anything_changes(data_dir, tmp_path, replay):
    f.MentorFactory()
    archive = backup(tmp_path)
    later = f.MentorFactory(first_name="Blijftstaan")
    content = archive.read_bytes()

    cut = tmp_path / "cut.kbak"
    cut.write_bytes(content[:-100])
    flipped = tmp_path / "flipped.kbak"
    middle = len(content) // 2
    flipped.write_bytes(content[:middle] + bytes([content[middle] ^ 1]) + content[middle + 1 :])

    for bad in (cut, flipped):
        with pytest.raises(CommandError, match=r"damaged|cut off"):
            restore(bad)
    assert Mentor.objects.filter(pk=later.pk).exists()
    assert not under_maintenance()
    assert replay.calls == []


@transactional
def test_an_archive_of_another_database_vendor_is_refused(data_dir, tmp_path, replay):
    later = f.MentorFactory()
    path = tmp_path / "other.kbak"
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest = {"format": 1, "koppel_version": "0.1.0", "vendor": other, "created_at": "x"}
    with path.open("wb") as out:
        archive_format.write_archive(out, KEY, manifest, [b"PGDMP..."])

    with pytest.raises(
        CommandError, match=f"holds a {other} database; this Koppel runs on {connection.vendor}"
    ):
        restore(path)
    assert Mentor.objects.filter(pk=later.pk).exists()
    assert replay.calls == []


@transactional
def test_an_archive_of_a_newer_koppel_is_refused(data_dir, tmp_path, replay):
    path = tmp_path / "newer.kbak"
    manifest = {
        "format": 1,
        "koppel_version": "9.0.0",
        "vendor": connection.vendor,
        "created_at": "x",
        "migrations": ["people.9999_from_the_future"],
    }
    with path.open("wb") as out:
        archive_format.write_archive(out, KEY, manifest, [b""])
    with pytest.raises(CommandError, match="newer Koppel"):
        restore(path)
    assert replay.calls == []


@transactional
def test_restore_asks_first_and_does_nothing_without_a_yes(data_dir, tmp_path, monkeypatch, replay):
    archive = backup(tmp_path)
    later = f.MentorFactory()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="not confirmed"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Mentor.objects.filter(pk=later.pk).exists()

    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    call_command("restore", str(archive), stdout=io.StringIO())
    assert not Mentor.objects.filter(pk=later.pk).exists()


@transactional
def test_a_ledger_entry_only_in_the_database_before_the_restore_is_replayed(data_dir, tmp_path, replay):
    ErasureLedgerEntry.objects.create(subject_hash=HASH_A, erased_at=datetime(2026, 1, 5, tzinfo=UTC))
    archive = backup(tmp_path)
    # Erased after the backup: the archive does not know.
    ErasureLedgerEntry.objects.create(subject_hash=HASH_B, erased_at=datetime(2026, 3, 1, tzinfo=UTC))

    output = restore(archive)

    assert set(ErasureLedgerEntry.objects.values_list("subject_hash", flat=True)) == {HASH_A, HASH_B}
    assert ErasureLedgerEntry.objects.get(subject_hash=HASH_B).erased_at == datetime(2026, 3, 1, tzinfo=UTC)
    # replay_ledger ran once, with no person as the actor, after the merge.
    assert replay.calls == [None]
    assert replay.ledger_seen == [{HASH_A, HASH_B}]
    assert "2 entries before the restore, 1 added" in output
    # The database's ledger was also written to the ledger file before the database was replaced.
    assert set(read_ledger_file()) == {HASH_A, HASH_B}


@transactional
def test_the_ledger_file_and_extra_ledgers_are_replayed_onto_a_fresh_database(data_dir, tmp_path, replay):
    archive = backup(tmp_path)
    # The database was lost; what remains of the erasures since the backup are the ledger files.
    append_to_ledger_file(fact(HASH_B, datetime(2026, 4, 1, tzinfo=UTC)))
    old_server = tmp_path / "old-server-ledger.jsonl"
    append_to_ledger_file(fact(HASH_C, datetime(2026, 4, 2, tzinfo=UTC)), path=old_server)

    restore(archive, ledger=[old_server])

    assert set(ErasureLedgerEntry.objects.values_list("subject_hash", flat=True)) == {HASH_B, HASH_C}
    assert replay.ledger_seen == [{HASH_B, HASH_C}]


@transactional
def test_nobody_can_log_in_while_a_restore_runs(data_dir, tmp_path, replay):
    user = f.UserFactory(email="sanne@example.org")
    archive = backup(tmp_path)

    restore(archive)

    # During the replay (the last step before the site opens) the log-in was refused with 503.
    assert replay.flag_set == [True]
    assert replay.login_status == [503]
    # Afterwards the site is open and the same person logs in.
    response = Client().post(reverse("account_login"), {"login": user.email, "password": f.PASSWORD})
    assert response.status_code == 302


@transactional
def test_a_restore_that_fails_after_replacing_the_database_keeps_the_site_closed(data_dir, tmp_path, replay):
    archive = backup(tmp_path)
    replay.error = RuntimeError("replay stopped")
    with pytest.raises(RuntimeError, match="replay stopped"):
        restore(archive)
    assert under_maintenance()
    assert Client().get(reverse("account_login")).status_code == 503

    # Running it again once the cause is fixed opens the site.
    replay.error = None
    restore(archive)
    assert not under_maintenance()


@transactional
def test_a_restore_with_an_unreadable_ledger_file_changes_nothing(data_dir, tmp_path, settings, replay):
    archive = backup(tmp_path)
    later = f.MentorFactory()
    settings.ERASURE_LEDGER_FILE.write_text('{"subject_hash": "short"}\n{"subject_hash": "x"}\n')
    with pytest.raises(CommandError, match="line 1 is not a ledger entry"):
        restore(archive)
    assert Mentor.objects.filter(pk=later.pk).exists()
    assert not under_maintenance()


@transactional
def test_sessions_from_before_the_restore_end(data_dir, tmp_path, replay):
    user = f.UserFactory()
    archive = backup(tmp_path)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("home")).status_code != 302

    restore(archive)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- The key ------------------------------------------------------------------------------------------


@transactional
def test_backup_refuses_without_a_key_in_production(data_dir, settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEY = ""
    settings.DEBUG = False
    settings.KOPPEL_DEMO = False
    with pytest.raises(CommandError, match="BACKUP_ENCRYPTION_KEY is not set"):
        call_command("backup", output=tmp_path, stdout=io.StringIO())
    assert list(tmp_path.glob("*.kbak*")) == []


@transactional
def test_in_development_a_key_is_derived_with_a_warning(data_dir, settings, tmp_path, replay):
    settings.BACKUP_ENCRYPTION_KEY = ""
    settings.DEBUG = True
    errors = io.StringIO()
    call_command("backup", output=tmp_path, stdout=io.StringIO(), stderr=errors)
    assert "key derived from SECRET_KEY" in errors.getvalue()
    (archive,) = tmp_path.glob("*.kbak")
    restore(archive)  # the same derived key opens it
    settings.BACKUP_ENCRYPTION_KEY = KEY
    with pytest.raises(CommandError, match="does not open"):
        restore(archive)


def test_a_short_key_stops_the_start():
    import subprocess

    env = {**os.environ, "BACKUP_ENCRYPTION_KEY": "too-short"}
    result = subprocess.run(
        [sys.executable, "-c", "import koppel.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "BACKUP_ENCRYPTION_KEY must be at least 32 characters" in result.stderr


# --- Maintenance mode ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_maintenance_flag_closes_every_page_in_the_visitors_language(data_dir, cast, caplog):
    start_maintenance("restore")
    client = Client()
    client.force_login(cast.coordinator)
    for url in (reverse("account_login"), reverse("home"), "/admin/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 503
        assert response["Retry-After"] == "300"
        assert "Koppel is being maintained" in response.content.decode()
    response = Client().post(reverse("account_login"), {"login": cast.mentor.email, "password": f.PASSWORD})
    assert response.status_code == 503
    assert "_auth_user_id" not in Client().session

    flag_path().unlink()
    assert Client().get(reverse("account_login")).status_code == 200


@pytest.mark.django_db
def test_the_periodic_command_does_nothing_during_maintenance(data_dir, monkeypatch):
    start_maintenance("restore")
    monkeypatch.setattr(
        "koppel.periodic.management.commands.send_reminders.worker_id",
        lambda: pytest.fail("the periodic command ran during a restore"),
    )
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "nothing done" in out.getvalue()


@transactional
def test_no_backup_while_a_restore_runs(data_dir, tmp_path):
    start_maintenance("restore")
    with pytest.raises(BackupError, match="restore is running"):
        create_backup(tmp_path)


# --- The archive format -------------------------------------------------------------------------------


def test_a_large_body_is_sealed_in_chunks_and_read_back(tmp_path):
    body = os.urandom(archive_format.CHUNK_SIZE * 2 + 12345)
    path = tmp_path / "a.kbak"
    with path.open("wb") as out:
        archive_format.write_archive(out, KEY, {"vendor": "sqlite"}, [body[:1000], body[1000:]])
    with path.open("rb") as stream:
        reader = archive_format.ArchiveReader(stream, KEY)
        assert reader.manifest == {"vendor": "sqlite"}
        blocks = list(reader.body())
    assert b"".join(blocks) == body
    assert max(len(block) for block in blocks) <= archive_format.CHUNK_SIZE
    # The first 1000 bytes as they came, the rest cut to CHUNK_SIZE.
    assert [len(block) for block in blocks] == [1000, *[archive_format.CHUNK_SIZE] * 2, 12345 - 1000]


def test_chunks_cannot_be_dropped_or_reordered(tmp_path):
    size = archive_format.CHUNK_SIZE
    path = tmp_path / "a.kbak"
    with path.open("wb") as out:
        archive_format.write_archive(out, KEY, {}, [b"1" * size, b"2" * size, b"3" * 10])
    content = path.read_bytes()
    header = content[: archive_format.HEADER_SIZE]
    chunks, offset = [], archive_format.HEADER_SIZE
    while offset < len(content):
        length = int.from_bytes(content[offset : offset + 4], "big")
        chunks.append(content[offset : offset + 4 + length])
        offset += 4 + length
    assert len(chunks) == 4  # the manifest and three blocks

    variants = {
        "dropped the last": chunks[:-1],
        "dropped a middle one": [chunks[0], chunks[1], chunks[3]],
        "swapped": [chunks[0], chunks[2], chunks[1], chunks[3]],
        "something after the end": [*chunks, chunks[3]],
    }
    for name, parts in variants.items():
        broken = tmp_path / "broken.kbak"
        broken.write_bytes(header + b"".join(parts))
        with broken.open("rb") as stream:
            reader = archive_format.ArchiveReader(stream, KEY)
            with pytest.raises(archive_format.ArchiveError):
                reader.verify()
            assert name  # (which variant failed shows in the traceback)


def test_a_file_that_is_no_archive_is_refused(tmp_path):
    path = tmp_path / "x.kbak"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with path.open("rb") as stream, pytest.raises(archive_format.ArchiveError, match="not a Koppel backup"):
        archive_format.ArchiveReader(stream, KEY)


# --- The ledger file ----------------------------------------------------------------------------------


def test_the_ledger_file_is_owner_only_and_keeps_the_earliest_date(tmp_path):
    path = tmp_path / "ledger.jsonl"
    append_to_ledger_file(fact(HASH_A, datetime(2026, 2, 1, tzinfo=UTC)), path)
    append_to_ledger_file(fact(HASH_A, datetime(2026, 1, 1, tzinfo=UTC)), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_ledger_file(path) == {HASH_A: datetime(2026, 1, 1, tzinfo=UTC)}
    assert read_ledger_file(tmp_path / "missing.jsonl") == {}


def test_a_torn_last_line_is_skipped_and_any_other_bad_line_stops_the_reading(tmp_path):
    path = tmp_path / "ledger.jsonl"
    append_to_ledger_file(fact(HASH_A, datetime(2026, 2, 1, tzinfo=UTC)), path)
    with path.open("ab") as out:
        out.write(b'{"subject_hash": "bbbb')
    assert set(read_ledger_file(path)) == {HASH_A}

    with path.open("ab") as out:
        out.write(b"\n")
    append_to_ledger_file(fact(HASH_C, datetime(2026, 2, 1, tzinfo=UTC)), path)
    with pytest.raises(LedgerFileError, match="line 2"):
        read_ledger_file(path)


# --- PostgreSQL ---------------------------------------------------------------------------------------


class FakeServer:
    pg_version = 160002


def test_pg_tools_missing_or_older_than_the_server_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump was not found on PATH"):
        pg_tool("pg_dump", FakeServer())

    tool = tmp_path / "pg_dump"
    tool.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)'\n")
    tool.chmod(0o700)
    with pytest.raises(BackupError, match="version 15, older than the database server \\(16\\)"):
        pg_tool("pg_dump", FakeServer())
    FakeServer.pg_version = 150020
    try:
        assert pg_tool("pg_dump", FakeServer()) == str(tool)
    finally:
        FakeServer.pg_version = 160002


@transactional
def test_postgresql_round_trip(data_dir, tmp_path, replay, settings, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run it with DATABASE_URL=postgres://... set")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not on PATH (install the PostgreSQL client tools)")
    mentor = f.MentorFactory(first_name="Postgrietje", last_name="Dumpstra")
    ErasureLedgerEntry.objects.create(subject_hash=HASH_A, erased_at=datetime(2026, 1, 5, tzinfo=UTC))
    # The password reaches the tools through PGPASSWORD, never their command line.
    seen = []
    real_popen = __import__("subprocess").Popen

    def recording_popen(command, *args, **kwargs):
        if "--version" not in command:
            seen.append((command, kwargs.get("env", {})))
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr("koppel.privacy.domain.backup.subprocess.Popen", recording_popen)
    archive = backup(tmp_path)
    assert b"Postgrietje" not in archive.read_bytes()

    Mentor.objects.filter(pk=mentor.pk).update(first_name="Veranderd")
    later = f.MentorFactory(programme=mentor.programme)
    ErasureLedgerEntry.objects.create(subject_hash=HASH_B, erased_at=datetime(2026, 3, 1, tzinfo=UTC))

    restore(archive)

    assert Mentor.objects.get(pk=mentor.pk).first_name == "Postgrietje"
    assert not Mentor.objects.filter(pk=later.pk).exists()
    assert set(ErasureLedgerEntry.objects.values_list("subject_hash", flat=True)) == {HASH_A, HASH_B}
    assert replay.calls == [None]
    assert replay.login_status == [503]
    assert [command[0].rsplit("/", 1)[-1] for command, _env in seen] == ["pg_dump", "pg_restore"]
    for command, env in seen:
        assert env["PGDATABASE"] == connection.settings_dict["NAME"]
        if connection.settings_dict["PASSWORD"]:
            assert connection.settings_dict["PASSWORD"] not in " ".join(command)
            assert env["PGPASSWORD"] == connection.settings_dict["PASSWORD"]


def test_the_connection_settings_reach_the_tools_through_the_environment():
    database = types.SimpleNamespace(
        settings_dict={
            "NAME": "koppel",
            "USER": "koppel",
            "PASSWORD": "s3cret-password",
            "HOST": "db.internal",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "verify-full", "options": "-c jit=off"},
        }
    )
    env = postgres_env(database)
    assert (env["PGDATABASE"], env["PGUSER"], env["PGHOST"], env["PGPORT"]) == (
        "koppel",
        "koppel",
        "db.internal",
        "5433",
    )
    assert env["PGPASSWORD"] == "s3cret-password"
    assert (env["PGSSLMODE"], env["PGOPTIONS"]) == ("verify-full", "-c jit=off")
