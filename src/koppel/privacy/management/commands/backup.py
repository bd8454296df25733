"""`koppel backup [--output DIR]`: an encrypted, dated archive of the whole database.

Run it from a nightly timer; see docs/privacy.md for scheduling and for keeping the key.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from koppel.privacy.domain.backup import BackupError, backup_passphrase, create_backup
from koppel.privacy.domain.backup_archive import ArchiveError


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            break
    return f"{value:.1f} {unit}"


class Command(BaseCommand):
    help = "Write an encrypted, dated backup archive of the database (owner-only file)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="folder for the archive (default: KOPPEL_DATA_DIR/backups)",
        )

    def handle(self, *args, output=None, **options):
        try:
            _passphrase, warning = backup_passphrase()
            if warning:
                self.stderr.write(f"Warning: {warning}")
            path = create_backup(output)
        except (BackupError, ArchiveError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{path} ({file_size(path.stat().st_size)})")
