"""Reminders by e-mail: proposed, claimed and handed to the outbox in the database.

One periodic command (`koppel send_reminders`, run by a timer) does three things:

1. `release_stuck_reminders`: a reminder left in "sending" for more than `STUCK_AFTER` (its run of
   the command died) goes back to "pending".
2. `propose_reminders`: creates the reminders that are due now. Each has a unique `key` (kind, object
   and period, e.g. "consent:12:g3:2026-W48"), so proposing twice creates nothing new.
3. `claim_next_reminder` + `send_claimed_reminder`, one reminder at a time: a pending, due reminder
   is claimed with one conditional UPDATE (only the run whose UPDATE changed the row goes on), then
   rendered in the recipient's language into the outbox (koppel.common.domain.mail) and marked
   "sent", in one transaction. The outbox owns delivery: retries with back-off, and the failures
   administrators see (`staff:reminders`). A reminder that cannot be rendered (its subject is gone,
   a template fails) goes back to "pending" with a back-off, and after `Reminder.MAX_ATTEMPTS`
   attempts to "failed", where administrators see it too.

Each kind of reminder is a `ReminderSpec` contributed by the app that owns its subject (how to find
the reminders due now, the mail's subject, what its template shows, whether it is still needed when
sent), registered in that app's `AppConfig.ready` with `register_reminder_kinds`: consent, meeting
and support in koppel.matches.domain.reminders, training hours in koppel.training.domain.reminders,
VOG renewals in koppel.people.domain.reminders, surveys in koppel.surveys.domain.reminders. This
module only proposes, claims and sends; it knows no kind.
"""

import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from koppel.common.domain.jobs import fail_task_rows
from koppel.common.domain.mail import queue_mail, requeue
from koppel.common.models.reminders import Reminder, ReminderKind, ReminderStatus

logger = logging.getLogger(__name__)

K = ReminderKind
S = ReminderStatus

# A reminder in "sending" for longer than this lost its run: it goes back to pending. Handing one
# reminder to the outbox takes well under a second; the claim is a lease of a few minutes.
STUCK_AFTER = timedelta(minutes=3)
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_CAP = timedelta(days=1)


# --- The kinds: each app contributes its own ------------------------------------------------------


class Finder(Protocol):
    """The reminders of one kind that are due now (unsaved), in the programmes that run."""

    def __call__(self, *, today: date, now: datetime) -> list[Reminder]: ...


def _always(reminder: Reminder, obj: Any) -> bool:
    return True


@dataclass(frozen=True)
class ReminderSpec:
    """One kind of reminder, filled in by the app that owns what it reminds of.

    `find` proposes (unsaved reminders with unique keys), `context` is what the mail template
    `mail/reminder_<kind>.txt` shows about the subject object (fetched with `related`), and
    `still_needed` says whether a reminder still asks for something when it is sent (a retry can
    come a day later); a reminder no longer needed is skipped without a mail.
    """

    kind: str
    subject: str | Promise
    find: Finder
    context: Callable[[Reminder, Any], dict[str, object]]
    related: tuple[str, ...] = ()
    still_needed: Callable[[Reminder, Any], bool] = _always

    @property
    def template(self) -> str:
        return f"mail/reminder_{self.kind}.txt"


# Filled by each app's AppConfig.ready (register_reminder_kinds); read in ReminderKind's order.
KINDS: dict[str, ReminderSpec] = {}


def register_reminder_kinds(*specs: ReminderSpec) -> None:
    """Make these kinds known to the periodic command (idempotent: a kind registered again replaces
    itself). A kind is a `ReminderKind` value: the column's choices hold every kind."""
    for spec in specs:
        if spec.kind not in K.values:
            raise ValueError(f"Unknown reminder kind {spec.kind!r}: add it to ReminderKind first.")
        KINDS[spec.kind] = spec


def registered_kinds() -> list[ReminderSpec]:
    """The registered kinds in ReminderKind's order (the order reminders are proposed in)."""
    return [KINDS[kind] for kind in K.values if kind in KINDS]


# --- Proposing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    user_id: int | None


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def new_reminder(
    kind: str, key: str, to: Recipient, obj: models.Model, *, programme_id: int, now: datetime, **context: Any
) -> Reminder:
    """An unsaved reminder of `kind` about `obj` to `to`, due now."""
    return Reminder(
        kind=kind,
        key=key,
        recipient_id=to.user_id,
        email=to.email,
        language=to.language,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        # Ids and numbers only: the mail is rendered from the objects when it is sent.
        context={"programme_id": programme_id, **context},
        due_at=now,
        next_attempt_at=now,
    )


def propose_reminders(*, today: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """Create every reminder that is due now and does not exist yet (idempotent: `Reminder.key` is
    unique, so a second run the same day creates nothing). Returns the number created per kind."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    proposed = [reminder for spec in registered_kinds() for reminder in spec.find(today=today, now=now)]
    keys = [r.key for r in proposed]
    existing = set(Reminder.objects.filter(key__in=keys).values_list("key", flat=True))
    new = [r for r in proposed if r.key not in existing]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    created: dict[str, int] = {}
    for reminder in new:
        created[reminder.kind] = created.get(reminder.kind, 0) + 1
    return created


# --- Claiming and sending -------------------------------------------------------------------------


def worker_id() -> str:
    """A name for this run of the command: host, process and a random part (unique per run)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


def release_stuck_reminders(*, now: datetime | None = None) -> int:
    """A reminder "sending" for longer than STUCK_AFTER lost its worker: back to pending, due now.

    Side effect: the stopped worker's `send_reminder` task rows, which django_tasks_db would leave
    "running" for good, are marked failed (koppel.common.domain.jobs.fail_task_rows)."""
    # A cycle: the task module imports this one for send_claimed_reminder.
    from koppel.common.tasks import send_reminder

    now = now or timezone.now()
    stuck = Reminder.objects.filter(status=S.SENDING, claimed_at__lt=now - STUCK_AFTER)
    released = set()
    # One conditional UPDATE per reminder, so only the task rows of reminders this run released are
    # marked failed (a slow worker that finished one meanwhile keeps its task row).
    for pk, worker in stuck.values_list("pk", "claimed_by"):
        if Reminder.objects.filter(pk=pk, status=S.SENDING, claimed_by=worker).update(
            status=S.PENDING,
            claimed_by="",
            claimed_at=None,
            next_attempt_at=now,
            last_error=gettext_noop("Worker stopped"),
        ):
            released.add(pk)
    if released:
        fail_task_rows(send_reminder, released, now=now)
    return len(released)


def claim_reminder(reminder_id: int, *, worker: str, now: datetime | None = None) -> bool:
    """Claim one reminder with one conditional UPDATE; True only for the worker whose UPDATE changed it."""
    now = now or timezone.now()
    changed = Reminder.objects.filter(pk=reminder_id, status=S.PENDING, next_attempt_at__lte=now).update(
        status=S.SENDING, claimed_by=worker, claimed_at=now, attempts=F("attempts") + 1
    )
    return changed == 1


def due_reminder_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        Reminder.objects.filter(status=S.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def claim_next_reminder(*, worker: str, now: datetime | None = None) -> int | None:
    """Claim the next due reminder for this run, or None when none is left. One at a time, so a run
    that dies holds at most one reminder (released after STUCK_AFTER)."""
    now = now or timezone.now()
    while ids := due_reminder_ids(now=now, limit=10):
        for pk in ids:
            if claim_reminder(pk, worker=worker, now=now):
                return pk
    return None


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 5 minutes doubled each time, at most a day."""
    return min(BACKOFF_BASE * 2**attempts, BACKOFF_CAP)


def _mail_context(reminder: Reminder, obj: Any) -> dict[str, object]:
    """What the mail template shows: first names and counts, links into Koppel; never notes."""
    context: dict[str, object] = {"reminder": reminder, "data": reminder.context}
    spec = KINDS.get(reminder.kind)
    if spec is None:
        return context | {"link": settings.SITE_URL + reverse("portal:home")}
    return context | spec.context(reminder, obj)


def _subject_object(reminder: Reminder) -> Any:
    model = reminder.content_type.model_class()
    if model is None:  # the model itself is gone
        return None
    queryset = model._default_manager.filter(pk=reminder.object_id)
    spec = KINDS.get(reminder.kind)
    if spec is not None and spec.related:
        queryset = queryset.select_related(*spec.related)
    return queryset.first()


def _still_needed(reminder: Reminder, obj: Any) -> bool:
    """Whether what a reminder asks for is still asked when it is sent (each kind's `still_needed`)."""
    spec = KINDS.get(reminder.kind)
    return spec is None or spec.still_needed(reminder, obj)


class _ClaimLost(Exception):
    pass


def send_claimed_reminder(reminder_id: int, *, worker: str, now: datetime | None = None) -> str:
    """Hand a reminder this worker claimed to the outbox, rendered in the recipient's language;
    returns its new status.

    Side effects, in one transaction: one outbox mail (koppel.common.domain.mail.queue_mail, which
    delivers and retries it) and the reminder "sent"; or, when the mail cannot be made, the reminder
    "pending" again with a back-off (or "failed" after Reminder.MAX_ATTEMPTS), with a short error that
    never holds the address; a reminder no longer needed becomes "skipped" without a mail.
    A reminder not (or no longer) claimed by `worker` is left alone.
    """
    reminder = Reminder.objects.select_related("content_type").filter(pk=reminder_id).first()
    if reminder is None or reminder.status != S.SENDING or reminder.claimed_by != worker:
        return reminder.status if reminder else ""
    now = now or timezone.now()
    mine = Reminder.objects.filter(pk=reminder.pk, status=S.SENDING, claimed_by=worker)
    error = ""
    try:
        with transaction.atomic():
            obj = _subject_object(reminder)
            if obj is None:
                error = gettext_noop("Its subject no longer exists")
            elif not _still_needed(reminder, obj):
                if not mine.update(status=S.SKIPPED, last_error=""):
                    raise _ClaimLost
                return S.SKIPPED
            else:
                queue_mail(
                    reminder.email,
                    language=reminder.language,
                    subject=KINDS[reminder.kind].subject,
                    template=KINDS[reminder.kind].template,
                    context=_mail_context(reminder, obj),
                    log_ref=f"reminder {reminder.pk}",
                    programme_id=reminder.context.get("programme_id"),
                )
                # The mail is kept only if the claim still holds (a run whose claim was released
                # meanwhile must not queue a second mail).
                if not mine.update(status=S.SENT, sent_at=now, last_error=""):
                    raise _ClaimLost
                return S.SENT
    except _ClaimLost:
        return Reminder.objects.filter(pk=reminder.pk).values_list("status", flat=True).first() or ""
    except Exception as e:  # a template or lookup failure must not lose the reminder either
        logger.exception("Reminder %s failed", reminder.pk)
        error = type(e).__name__
    return _finish(reminder, worker=worker, error=error, now=now)


def _finish(reminder: Reminder, *, worker: str, error: str, now: datetime) -> str:
    """A reminder that could not be handed to the outbox: pending with a back-off, or failed."""
    mine = Reminder.objects.filter(pk=reminder.pk, status=S.SENDING, claimed_by=worker)
    if reminder.attempts >= Reminder.MAX_ATTEMPTS:
        mine.update(status=S.FAILED, last_error=error[:200])
        return S.FAILED
    mine.update(
        status=S.PENDING,
        next_attempt_at=now + backoff(reminder.attempts),
        claimed_by="",
        last_error=error[:200],
    )
    return S.PENDING


# --- Administrators -------------------------------------------------------------------------------


def reminders_needing_attention(programme_ids: Iterable[int]) -> QuerySet[Reminder]:
    """Failed reminders and those retrying after a failed attempt, of the given programmes."""
    return Reminder.objects.filter(context__programme_id__in=list(programme_ids)).filter(
        Q(status=S.FAILED) | Q(status=S.PENDING, attempts__gte=1) | Q(status=S.SENDING, attempts__gt=1)
    )


def reminder_counts(programme_ids: Iterable[int], *, since: datetime) -> list[dict[str, Any]]:
    """Per kind, how many reminders of the given programmes were created since `since`, by status
    (one query): what the reminders page shows above the failures."""
    rows = (
        Reminder.objects.filter(context__programme_id__in=list(programme_ids), created_at__gte=since)
        .values("kind", "status")
        .annotate(n=Count("id"))
    )
    by_kind: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = by_kind.setdefault(
            row["kind"], {"kind": ReminderKind(row["kind"]).label, **dict.fromkeys(S.values, 0)}
        )
        entry[row["status"]] = row["n"]
    return [by_kind[k] for k in ReminderKind.values if k in by_kind]


@transaction.atomic
def retry_reminder(reminder: Reminder, *, by: Any) -> Reminder:
    """Send a failed or retrying reminder again at the next run, with a fresh count of attempts.

    Side effects: the reminder becomes pending and due now; audit "common.reminder.retried".
    """
    requeue(
        reminder,
        failed=S.FAILED,
        waiting=S.PENDING,
        by=by,
        action="common.reminder.retried",
        refusal=_("This reminder is being sent or was sent already."),
    )
    reminder.refresh_from_db()
    return reminder
