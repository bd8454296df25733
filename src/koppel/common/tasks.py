"""Background tasks of the common app (Django's tasks framework; `koppel worker` runs them)."""

from django.tasks import task

from koppel.common.domain import mail
from koppel.common.domain.reminders import send_claimed_reminder


@task
def deliver_mail(mail_id: int) -> str:
    """Deliver one mail of the outbox (queued by `queue_mail` after its transaction committed)."""
    return mail.deliver_mail(mail_id)


@task
def send_reminder(reminder_id: int, worker: str) -> str:
    """Hand a reminder claimed for `worker` to the outbox. The periodic command does this itself now,
    one reminder at a time; the task stays for rows an older version queued."""
    return send_claimed_reminder(reminder_id, worker=worker)
