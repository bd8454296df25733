"""The restore drill: back up, erase a person, restore the backup, and the person is erased again.

This runs the real erasure (koppel.privacy.domain.erasure: erase_person and replay_ledger), so it
needs that module next to the backup; the person's distinctive values are looked for in a full dump of
the database, not only through the models."""

import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from koppel.common.guards import REGISTRY, drop_guards
from koppel.privacy.domain.backup import postgres_env
from koppel.privacy.models import ErasureLedgerEntry
from tests import factories as f

KEY = "a-long-random-backup-passphrase-for-the-drill-only"
DISTINCTIVE = ("Ermengarde", "Vergeetmenietje", "ermengarde.vergeet@example.org", "0612398765")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data_dir(settings, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    settings.DATA_DIR = data
    settings.ERASURE_LEDGER_FILE = data / "erasure-ledger.jsonl"
    settings.BACKUP_ENCRYPTION_KEY = KEY
    return data


def database_dump() -> str:
    """Every row of the database as text (SQLite's iterdump, PostgreSQL's pg_dump in plain SQL)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    return subprocess.run(
        ["pg_dump", "--format=plain", "--no-password"],
        env=postgres_env(connection),
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def distinctive_values_in(dump: str) -> list[str]:
    return [value for value in DISTINCTIVE if value in dump]


def backup(output: Path) -> Path:
    out = io.StringIO()
    call_command("backup", output=output, stdout=out)
    return Path(out.getvalue().split(" (")[0].strip())


def seeded_mentor():
    first, last, email, phone = DISTINCTIVE
    mentor = f.MentorFactory(first_name=first, last_name=last, email=email, phone=phone)
    assert distinctive_values_in(database_dump()) == list(DISTINCTIVE)
    return mentor


def test_a_restored_backup_forgets_a_person_erased_after_it_was_made(data_dir, tmp_path):
    from koppel.privacy.domain.erasure import erase_person

    admin = f.AdministratorFactory().user
    mentor = seeded_mentor()
    archive = backup(tmp_path / "backups")

    erase_person(mentor, by=admin, reason="Verzoek van de mentor")
    assert distinctive_values_in(database_dump()) == []

    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)

    assert distinctive_values_in(database_dump()) == []
    assert ErasureLedgerEntry.objects.count() == 1
    assert "1 people erased again" in out.getvalue()


def test_a_backup_restored_after_the_database_was_lost_still_forgets(data_dir, tmp_path):
    """The database's own ledger is gone with it; the ledger file outside the database remains."""
    from koppel.privacy.domain.erasure import erase_person

    admin = f.AdministratorFactory().user
    mentor = seeded_mentor()
    archive = backup(tmp_path / "backups")
    erase_person(mentor, by=admin, reason="Verzoek van de mentor")
    # The database is lost: a fresh, empty one stands in its place (the append-only triggers are
    # lifted for the flush, which installs them again).
    drop_guards(list(REGISTRY))
    call_command("flush", interactive=False, verbosity=0)
    assert ErasureLedgerEntry.objects.count() == 0

    call_command("restore", str(archive), yes=True, stdout=io.StringIO())

    assert distinctive_values_in(database_dump()) == []
    assert ErasureLedgerEntry.objects.count() == 1
