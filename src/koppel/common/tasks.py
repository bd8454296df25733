"""Background tasks of the common app (Django's tasks framework; `koppel worker` runs them)."""

from django.tasks import task

from koppel.common.domain.reminders import send_claimed_reminder


@task
def send_reminder(reminder_id: int, worker: str) -> str:
    """Send a reminder that `koppel send_reminders` claimed for `worker`."""
    return send_claimed_reminder(reminder_id, worker=worker)
