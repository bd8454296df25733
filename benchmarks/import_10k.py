"""Time the import of 10,000 mentors: dry run, import, and the same file again.

Run from the repository root: `uv run python benchmarks/import_10k.py` (a throw-away test database).
"""

import os
import sys
import time
from pathlib import Path

import django

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koppel.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from tests import factories as f
        from tests.people.test_imports_10k import ten_thousand_mentors

        from koppel.people.domain.imports import import_people, read_table

        programme = f.ProgrammeFactory()
        user = f.CoordinatorFactory(programme=programme).user
        content = ten_thousand_mentors()
        for label, dry_run in (("dry run", True), ("import", False), ("same file again", False)):
            start = time.monotonic()
            report = import_people("mentor", programme, read_table(content), by=user, dry_run=dry_run)
            seconds = time.monotonic() - start
            print(  # noqa: T201
                f"{label:16} {seconds:6.1f} s  new={report.new} changed={report.updated} "
                f"unchanged={report.unchanged} errors={report.error_count}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
