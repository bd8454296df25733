"""koppel load_postcode_areas FILE.csv: the centres of four-digit postcode areas, for travel distances.

The CSV needs the columns `postcode`, `latitude` and `longitude` (WGS84 degrees) and may have `name`;
open data from CBS/PDOK (the centres of the Dutch PC4 areas) converts to it directly. Every row is
checked first; with any error nothing is written and each bad row is reported by its line number.
Existing areas are updated.
"""

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from koppel.matches.models import PostcodeArea

REQUIRED = ("postcode", "latitude", "longitude")


def parse_rows(lines) -> tuple[list[PostcodeArea], list[str]]:
    """Areas from CSV lines, and an error per bad row ("line N: ...")."""
    reader = csv.DictReader(lines)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        return [], [f"missing columns: {', '.join(missing)}"]
    areas, errors, seen = [], [], set()
    for line, row in enumerate(reader, start=2):
        code = (row.get("postcode") or "").strip()[:4]
        try:
            lat, lon = Decimal(row["latitude"].strip()), Decimal(row["longitude"].strip())
        except (InvalidOperation, AttributeError):
            errors.append(f"line {line}: latitude and longitude must be numbers")
            continue
        if not (len(code) == 4 and code.isdigit() and code[0] != "0"):
            errors.append(f"line {line}: {code!r} is not a four-digit postcode")
        elif not (50 <= lat <= 54 and 3 <= lon <= 8):
            errors.append(f"line {line}: {lat}, {lon} is not in the Netherlands")
        elif code in seen:
            errors.append(f"line {line}: postcode area {code} appears twice")
        else:
            seen.add(code)
            areas.append(
                PostcodeArea(
                    postcode=code,
                    name=(row.get("name") or "").strip()[:100],
                    latitude=lat.quantize(Decimal("0.00001")),
                    longitude=lon.quantize(Decimal("0.00001")),
                )
            )
    return areas, errors


class Command(BaseCommand):
    help = "Load the centres of four-digit postcode areas from a CSV (postcode, latitude, longitude, name)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"{file} does not exist")
        with file.open(encoding="utf-8-sig", newline="") as f:
            areas, errors = parse_rows(f)
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"{len(errors)} bad rows; nothing was loaded")
        with transaction.atomic():
            PostcodeArea.objects.bulk_create(
                areas,
                update_conflicts=True,
                unique_fields=["postcode"],
                update_fields=["name", "latitude", "longitude"],
            )
        self.stdout.write(f"Loaded {len(areas)} postcode areas.")
