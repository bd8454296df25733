"""Mail to one person, in their own language, through one durable outbox.

No request and no command talks to the mail server. Whoever has something to say calls `queue_mail`
inside its own transaction: the mail is rendered in the recipient's language and stored as an
`OutgoingMail` row, so it is saved with the change it reports or not at all. After the commit the
thin task `deliver_mail` (`koppel worker`) sends it:

1. `deliver_mail` claims the row with one conditional UPDATE (queued and due -> sending, `claimed_by`
   the run, `claimed_at` now: a lease of LEASE), so of two workers only one sends it. It sends with
   the short timeout of the mail settings (EMAIL_TIMEOUT), with the row's own Message-ID header, made
   once when the mail was queued: a mail sent again after a crash is recognisable as the same one.
   Sent: the body (it can hold a personal link) is wiped. Failed: back to queued with a back-off
   (5 minutes doubling, at most a day), and after `OutgoingMail.MAX_ATTEMPTS` "failed", where
   administrators see it (`staff:reminders`) and can retry it.
2. The periodic command (`koppel send_reminders`) releases claims whose lease expired (the worker
   died while sending: `release_expired_mail_claims`), delivers the due mail a task is no longer
   coming for (a retry after its back-off, a worker that was down: `deliver_due_mail`), and removes
   sent mail after KEEP_SENT (`purge_old_mail`).

Logs name a mail by its id and `log_ref` (what it is about, ids only), never by address or text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import make_msgid
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.jobs import fail_task_rows, new_run_id
from koppel.common.models.outbox import MailStatus, OutgoingMail
from koppel.common.models.reminders import Reminder

if TYPE_CHECKING:
    from koppel.accounts.models import User

logger = logging.getLogger(__name__)

M = MailStatus

# A mail "sending" for longer than this lost its worker: it is queued again. Far longer than one
# delivery can take with the mail server's timeout (EMAIL_TIMEOUT seconds per step).
LEASE = timedelta(minutes=3)
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_CAP = timedelta(days=1)
# Sent mail is removed after this long (its body is gone already); failed mail after KEEP_FAILED.
KEEP_SENT = timedelta(days=7)
KEEP_FAILED = timedelta(days=30)
# How long one run of the periodic command spends delivering mail at most (seconds), so a mail
# server that hangs cannot keep it running until the next run.
DELIVERY_BUDGET = 60.0


def new_message_id() -> str:
    """A Message-ID in the site's own domain, unique per mail."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return make_msgid(domain=domain)


def queue_mail(
    to: str,
    *,
    language: str,
    subject: str | Promise,
    template: str,
    context: dict,
    log_ref: str,
    programme_id: int | None = None,
) -> OutgoingMail:
    """Render `template` and `subject` in `language` and queue the mail to `to` in the outbox.

    Call it inside the transaction of the change the mail reports. Side effects: one OutgoingMail
    row; after the commit, the task `deliver_mail` for it. Never talks to the mail server.
    """
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject_text = str(subject)
        body = render_to_string(template, context)
    return queue_rendered_mail(
        to, language=language, subject=subject_text, body=body, log_ref=log_ref, programme_id=programme_id
    )


def queue_rendered_mail(
    to: str, *, language: str, subject: str, body: str, log_ref: str, programme_id: int | None = None
) -> OutgoingMail:
    """Queue a mail rendered already (allauth's account mails); see `queue_mail`."""
    # A cycle: koppel.common.tasks imports this module (deliver_mail).
    from koppel.common.tasks import deliver_mail

    mail = OutgoingMail.objects.create(
        to=to,
        language=language or settings.LANGUAGE_CODE,
        subject=" ".join(subject.splitlines())[:255],
        body=body,
        log_ref=log_ref[:200],
        programme_id=programme_id,
        message_id=new_message_id(),
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(partial(deliver_mail.enqueue, mail.pk))
    return mail


def drop_queued_mail(to: str) -> int:
    """Delete the mail to `to` still waiting in the outbox (a mail being sent right now goes out):
    for a person who must hear nothing more that was written before, such as a disqualified mentor
    (SCR-3). Returns how many were dropped."""
    if not to:
        return 0
    dropped, _by_model = OutgoingMail.objects.filter(status=M.QUEUED, to__iexact=to).delete()
    return dropped


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 5 minutes doubled each time, at most a day."""
    return min(BACKOFF_BASE * 2**attempts, BACKOFF_CAP)


def claim_mail(mail_id: int, *, worker: str, now: datetime | None = None) -> bool:
    """Claim one queued, due mail with one conditional UPDATE; True only for the worker whose UPDATE
    changed it. The claim is a lease of LEASE from `claimed_at`."""
    now = now or timezone.now()
    changed = OutgoingMail.objects.filter(pk=mail_id, status=M.QUEUED, next_attempt_at__lte=now).update(
        status=M.SENDING, claimed_by=worker, claimed_at=now, attempts=F("attempts") + 1
    )
    return changed == 1


def deliver_mail(mail_id: int, *, worker: str | None = None, now: datetime | None = None) -> str:
    """Send one queued, due mail if this run can claim it; returns the mail's status afterwards.

    Side effects: one mail, with the row's Message-ID; the row becomes "sent" (body wiped), or on a
    failure "queued" again with a back-off (or "failed" after OutgoingMail.MAX_ATTEMPTS), with the
    exception's class name as error. A mail not queued, not due or claimed by another run is left alone.
    """
    worker = worker or new_run_id()
    if not claim_mail(mail_id, worker=worker, now=now):
        return OutgoingMail.objects.filter(pk=mail_id).values_list("status", flat=True).first() or ""
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        EmailMessage(
            mail.subject,
            mail.body,
            settings.DEFAULT_FROM_EMAIL,
            [mail.to],
            headers={"Message-ID": mail.message_id},
        ).send(using="default")
    except Exception as e:  # the mail server's failure must not lose the mail
        logger.warning("Mail %s (%s) failed: %s", mail.pk, mail.log_ref, type(e).__name__)
        return _failed(mail, worker=worker, error=type(e).__name__, now=timezone.now())
    mine = OutgoingMail.objects.filter(pk=mail.pk, status=M.SENDING, claimed_by=worker)
    if not mine.update(status=M.SENT, sent_at=timezone.now(), body="", last_error=""):
        # The lease ran out while the server took its time; the mail went out, and the run that took
        # it over sends it again with the same Message-ID.
        logger.warning("Mail %s (%s) was sent after its claim was released", mail.pk, mail.log_ref)
    return M.SENT


def _failed(mail: OutgoingMail, *, worker: str, error: str, now: datetime) -> str:
    mine = OutgoingMail.objects.filter(pk=mail.pk, status=M.SENDING, claimed_by=worker)
    if mail.attempts >= OutgoingMail.MAX_ATTEMPTS:
        mine.update(status=M.FAILED, claimed_by="", last_error=error[:200])
        return M.FAILED
    mine.update(
        status=M.QUEUED,
        claimed_by="",
        claimed_at=None,
        next_attempt_at=now + backoff(mail.attempts),
        last_error=error[:200],
    )
    return M.QUEUED


def release_expired_mail_claims(*, now: datetime | None = None) -> int:
    """A mail "sending" for longer than LEASE lost its worker: queued again and due now (or "failed"
    once it had its attempts). Returns how many were released.

    Side effect: the stopped worker's `deliver_mail` task rows, which django_tasks_db would leave
    "running" for good, are marked failed (koppel.common.domain.jobs.fail_task_rows)."""
    # A cycle: koppel.common.tasks imports this module (deliver_mail).
    from koppel.common.tasks import deliver_mail as deliver_mail_task

    now = now or timezone.now()
    expired = OutgoingMail.objects.filter(status=M.SENDING, claimed_at__lt=now - LEASE)
    released = set()
    # One conditional UPDATE per mail, so a worker that finished meanwhile keeps its result.
    for pk, worker, attempts in expired.values_list("pk", "claimed_by", "attempts"):
        mine = OutgoingMail.objects.filter(pk=pk, status=M.SENDING, claimed_by=worker)
        if attempts >= OutgoingMail.MAX_ATTEMPTS:
            changed = mine.update(status=M.FAILED, claimed_by="", last_error=gettext_noop("Worker stopped"))
        else:
            changed = mine.update(
                status=M.QUEUED,
                claimed_by="",
                claimed_at=None,
                next_attempt_at=now,
                last_error=gettext_noop("Worker stopped"),
            )
        if changed:
            released.add(pk)
    if released:
        fail_task_rows(deliver_mail_task, released, now=now)
        logger.warning("Mail whose worker stopped released: %s", sorted(released))
    return len(released)


def due_mail_ids(*, before: datetime, limit: int) -> list[int]:
    return list(
        OutgoingMail.objects.filter(status=M.QUEUED, next_attempt_at__lte=before)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def deliver_due_mail(
    *, worker: str, before: datetime | None = None, limit: int = 500, budget: float | None = None
) -> dict[str, int]:
    """Deliver the queued mail due by `before` (default now), one claim at a time, for at most
    `budget` seconds (DELIVERY_BUDGET): retries after a back-off and mail whose task was lost.
    Returns how many mails ended in each status."""
    budget = DELIVERY_BUDGET if budget is None else budget
    started = time.monotonic()
    statuses: dict[str, int] = {}
    for pk in due_mail_ids(before=before or timezone.now(), limit=limit):
        if time.monotonic() - started > budget:
            break
        status = deliver_mail(pk, worker=worker)
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


def purge_old_mail(*, now: datetime | None = None) -> int:
    """Remove sent mail older than KEEP_SENT and failed mail older than KEEP_FAILED; returns how many."""
    now = now or timezone.now()
    deleted, _by_model = OutgoingMail.objects.filter(
        Q(status=M.SENT, sent_at__lt=now - KEEP_SENT) | Q(status=M.FAILED, created_at__lt=now - KEEP_FAILED)
    ).delete()
    return deleted


# --- Administrators -------------------------------------------------------------------------------


def mail_needing_attention(programme_ids: Iterable[int]) -> QuerySet[OutgoingMail]:
    """Failed mail and mail retrying after a failed attempt, of the given programmes."""
    return OutgoingMail.objects.filter(programme_id__in=list(programme_ids)).filter(
        Q(status=M.FAILED) | Q(status=M.QUEUED, attempts__gte=1)
    )


@transaction.atomic
def requeue(
    row: OutgoingMail | Reminder, *, failed: str, waiting: str, by: User, action: str, refusal: Promise
) -> None:
    """Put a failed or retrying row of the outbox (a mail, a reminder) back to `waiting`, due now
    with a fresh count of attempts, in one conditional UPDATE, so a row a worker is sending (or has
    sent) is left alone: then DomainError(`refusal`). Side effect: audit `action`."""
    changed = (
        type(row)
        ._default_manager.filter(pk=row.pk, status__in=[failed, waiting])
        .update(status=waiting, next_attempt_at=timezone.now(), attempts=0, claimed_by="")
    )
    if changed != 1:
        raise DomainError(refusal)
    log_action(
        row,
        action,
        by=by,
        fields=["status", "next_attempt_at", "attempts"],
        data={"attempts_before": row.attempts},
    )


def retry_mail(mail: OutgoingMail, *, by: User) -> OutgoingMail:
    """Send a failed or retrying mail again now, with a fresh count of attempts.

    Side effects: the mail becomes queued and due now; the task `deliver_mail` after the commit;
    audit "common.mail.retried".
    """
    # A cycle: koppel.common.tasks imports this module (deliver_mail).
    from koppel.common.tasks import deliver_mail as deliver_mail_task

    requeue(
        mail,
        failed=M.FAILED,
        waiting=M.QUEUED,
        by=by,
        action="common.mail.retried",
        refusal=_("This mail is being sent or was sent already."),
    )
    transaction.on_commit(partial(deliver_mail_task.enqueue, mail.pk))
    mail.refresh_from_db()
    return mail
