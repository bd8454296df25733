"""`koppel restore ARCHIVE [--yes] [--ledger FILE ...]`: put a backup back and forget again everyone
erased since it was made, before anyone can log in (koppel.privacy.domain.backup.restore_backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from koppel.common.maintenance import flag_path, under_maintenance
from koppel.privacy.domain.backup import BackupError, check_restorable, open_archive, restore_backup
from koppel.privacy.domain.backup_archive import ArchiveError
from koppel.privacy.domain.ledger_file import LedgerFileError, ledger_file_path

FAILURES = (BackupError, ArchiveError, LedgerFileError, OSError)


class Command(BaseCommand):
    help = "Restore a backup archive, then erase again everyone in the erasure ledger."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="a .kbak archive made by `koppel backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--ledger",
            type=Path,
            action="append",
            default=[],
            help="another erasure ledger file to replay, e.g. a copy from the old server (repeatable)",
        )

    def handle(self, *args, archive, yes=False, ledger=(), **options):
        try:
            with open_archive(archive) as reader:
                check_restorable(reader)
                manifest = reader.manifest
                target = connection.settings_dict["NAME"]
                self.stdout.write(
                    f"Archive made {manifest['created_at']} by Koppel {manifest['koppel_version']} "
                    f"({manifest['vendor']}, {len(manifest.get('migrations', []))} migrations)."
                )
                if not yes:
                    self._confirm(target)
                result = restore_backup(reader, ledger_files=ledger, checked=True)
        except FAILURES as error:
            message = str(error)
            if under_maintenance():
                message += (
                    f"\nThe site stays closed (maintenance flag {flag_path()}) until a restore succeeds: "
                    "fix the cause and run koppel restore again."
                )
            raise CommandError(message) from None
        self.stdout.write(f"Restored {archive} into {target}; migrations applied.")
        self.stdout.write(
            f"Erasure ledger: {result.ledger_before} entries before the restore, {result.ledger_added} "
            f"added to the restored database (ledger file {ledger_file_path()}); "
            f"{result.erased_again} people erased again."
        )
        self.stdout.write("Everyone was logged out; the site is open again.")

    def _confirm(self, target) -> None:
        prompt = (
            f"This replaces everything in the database {target} with the archive's. Type 'yes' to go on: "
        )
        try:
            answer = input(prompt)
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError("Not restored (not confirmed; use --yes to restore without asking).")
