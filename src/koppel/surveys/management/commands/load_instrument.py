"""koppel load_instrument FILE.toml --organisation SLUG: load an instrument definition.

For an instrument the organisation holds a licence for (format in docs/surveys.md). The whole file is
checked first; with any problem nothing is written and every problem is listed with where it is.
`--dry-run` only says what would happen. Without --organisation the file is loaded as one that
ships with Koppel (for developers; the shipped ones load themselves after every migrate).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from koppel.common.domain.errors import DomainError
from koppel.programmes.models import Organisation
from koppel.surveys.domain.instruments import load_instrument, plan_instrument


class Command(BaseCommand):
    help = "Load a survey instrument from a TOML definition file (see docs/surveys.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", metavar="SLUG", help="the organisation that holds the licence")
        parser.add_argument("--dry-run", action="store_true", help="check the file and load nothing")

    def handle(self, *args, file: Path, organisation: str | None, dry_run: bool, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"cannot read {file}: {e}") from None
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"no organisation with the short name {organisation!r}")
        try:
            plan = plan_instrument(text, organisation=org)
            if dry_run or plan.unchanged:
                d = plan.definition
                what = "unchanged" if plan.unchanged else "would be loaded"
                self.stdout.write(
                    f"{d['key']} revision {d['revision']}: {len(d['subscales'])} subscales, "
                    f"{len(d['items'])} items; {what}"
                )
                return
            instrument = load_instrument(text, organisation=org, by=None)
        except DomainError as e:
            raise CommandError(str(e.message)) from None
        self.stdout.write(self.style.SUCCESS(f"loaded {instrument.key} revision {instrument.revision}"))
