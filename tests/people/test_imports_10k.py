"""A 10,000-row file with one bad row writes nothing and names the row; the same
file without it imports; importing it again changes nothing."""

import pytest
from django.utils import translation

from koppel.common.models import ActivityLog
from koppel.people.domain.imports import import_people, read_table
from koppel.people.models import Mentor

pytestmark = pytest.mark.django_db

ROWS = 10_000
BAD_ROW = 7_777


def ten_thousand_mentors(*, bad_row: int | None = None) -> bytes:
    lines = [
        "first_name,last_name,date_of_birth,email,phone,postcode,languages,interests,availability,motives"
    ]
    for i in range(1, ROWS + 1):
        postcode = "30721AB" if i == bad_row else f"{1000 + i % 9000} AB"
        email = f"mentor{i}@example.org" if i % 2 else ""  # half of them keyed by name and date of birth
        lines.append(
            f"Mentor{i},Achternaam{i},{1960 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d},{email},06{i:08d},"
            f'{postcode},"nl,en","voetbal,koken",mon-ev,altruism'
        )
    return "\n".join(lines).encode()


def _run(cast, content: bytes, *, dry_run: bool):
    with translation.override("en"):
        return import_people(
            "mentor", cast.programme, read_table(content), by=cast.coordinator, dry_run=dry_run
        )


def test_ten_thousand_rows_all_or_nothing_and_idempotent(cast):
    people, logs = Mentor.objects.count(), ActivityLog.objects.count()

    report = _run(cast, ten_thousand_mentors(bad_row=BAD_ROW), dry_run=False)
    assert not report.written
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (BAD_ROW, "postcode", "Enter a Dutch postcode such as 3072 AB.")
    ]
    assert (Mentor.objects.count(), ActivityLog.objects.count()) == (people, logs)

    good = ten_thousand_mentors()
    preview = _run(cast, good, dry_run=True)
    assert (preview.ok, preview.new, Mentor.objects.count()) == (True, ROWS, people)
    report = _run(cast, good, dry_run=False)
    assert (report.written, report.new, report.updated) == (True, ROWS, 0)
    assert Mentor.objects.count() == people + ROWS
    assert ActivityLog.objects.filter(action="people.mentor.imported").count() == ROWS
    assert Mentor.objects.get(email="mentor7777@example.org").interests.count() == 2

    counts = (Mentor.objects.count(), ActivityLog.objects.count())
    again = _run(cast, good, dry_run=False)
    assert (again.new, again.updated, again.unchanged) == (0, 0, ROWS)
    assert (Mentor.objects.count(), ActivityLog.objects.count()) == counts
    assert not ActivityLog.objects.filter(action="people.mentor.changed").exists()
