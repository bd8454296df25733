"""Two workers at once on PostgreSQL: a reminder claimed by one worker is never
sent by the other. Each thread has its own database connection and runs the whole periodic command;
every reminder must be sent exactly once. CI runs the suite on PostgreSQL too."""

import threading
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from koppel.common.models.reminders import Reminder, ReminderStatus

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")

N = 40


def _reminders(cast) -> list[Reminder]:
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(cast.match)
    return Reminder.objects.bulk_create(
        Reminder(
            kind="meeting_not_logged",
            key=f"pg:{i}",
            email=f"mentor{i}@example.org",
            language="nl",
            content_type=content_type,
            object_id=cast.match.pk,
            context={"programme_id": cast.programme.pk, "since": "2026-03-02"},
            due_at=now,
            next_attempt_at=now,
        )
        for i in range(N)
    )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_send_every_reminder_exactly_once(cast):
    _reminders(cast)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait(timeout=10)
            call_command("send_reminders", "--inline", "--no-propose", verbosity=0)
        except BaseException as e:  # report in the main thread
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    sent_to = Counter(message.to[0] for message in mail.outbox)
    assert len(sent_to) == N
    assert set(sent_to.values()) == {1}
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}
    # Both workers were really there: each reminder names the run that claimed it.
    assert 1 <= len(set(Reminder.objects.values_list("claimed_by", flat=True))) <= 2
