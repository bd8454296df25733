"""`koppel rotate_encryption_key`: re-encrypt everything encrypted at rest under the first key of
FIELD_ENCRYPTION_KEYS (see common/domain/encryption.py and docs/privacy.md).

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS, keep the old one after it, restart, run
this command (again after an interruption: it resumes), and drop the old key once `--check` finds
nothing left on it.
"""

from django.core.management.base import BaseCommand, CommandError

from koppel.common.domain.encryption import (
    BATCH_SIZE,
    Progress,
    encryption_targets,
    rotate_target,
    survey_target,
)


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value and MFA secret under the first field encryption key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help=f"rows per transaction (default {BATCH_SIZE})"
        )
        parser.add_argument(
            "--check", action="store_true", help="only count the values still on an older key; change nothing"
        )

    def handle(self, *args, batch_size: int, check: bool, **options):
        self.verbosity = options["verbosity"]
        self.batch_size = batch_size
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if check:
            self._check()
            return
        undecryptable = 0
        for target in encryption_targets():
            result = rotate_target(target, batch_size=batch_size, report=self._report)
            undecryptable += result.undecryptable
            self.stdout.write(
                f"{result.label}: {result.rotated} re-encrypted, {result.current} already on the "
                f"current key, {result.undecryptable} no key decrypts."
            )
        if undecryptable:
            raise CommandError(f"{undecryptable} values no key decrypts; they were left as they are.")

    def _report(self, progress: Progress) -> None:
        # Progress of a model with more than one batch; the summary line follows at the end.
        if self.verbosity >= 1 and progress.total > self.batch_size:
            self.stdout.write(f"  {progress.label}: {progress.seen} of {progress.total} rows")

    def _check(self) -> None:
        old = undecryptable = 0
        for target in encryption_targets():
            result = survey_target(target)
            old += result.old
            undecryptable += result.undecryptable
            self.stdout.write(
                f"{result.label}: {result.total} values, {result.old} on an older key, "
                f"{result.undecryptable} no key decrypts."
            )
        if old or undecryptable:
            raise CommandError(
                f"{old} values on an older key and {undecryptable} no key decrypts: "
                "run `koppel rotate_encryption_key`."
            )
        self.stdout.write("Every value is on the current key.")
