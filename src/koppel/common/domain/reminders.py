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
"""

import calendar
import logging
import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.jobs import fail_task_rows
from koppel.common.domain.mail import queue_mail
from koppel.common.models.reminders import Reminder, ReminderKind, ReminderStatus
from koppel.matches.domain.agreement import (  # younger youth: via the guardians
    CONSENT_STATES,
    OWN_LINK_FROM_AGE,
    consent_link,
)
from koppel.matches.domain.meetings import matches_without_recent_meeting
from koppel.matches.domain.support import overdue_contacts
from koppel.matches.enums import STARTED_STATES
from koppel.people.enums import MentorStatus
from koppel.people.models import Guardian, Mentor, Youth
from koppel.people.models.people import age_on

logger = logging.getLogger(__name__)

K = ReminderKind
S = ReminderStatus

# A consent still pending after this long is reminded of, once per ISO week.
CONSENT_PENDING_AFTER = timedelta(days=3)
# A reminder in "sending" for longer than this lost its run: it goes back to pending. Handing one
# reminder to the outbox takes well under a second; the claim is a lease of a few minutes.
STUCK_AFTER = timedelta(minutes=3)
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_CAP = timedelta(days=1)

SUBJECTS: dict[str, str | Promise] = {
    K.CONSENT_PENDING: _("Your consent to the mentoring agreement is still needed"),
    K.MEETING_NOT_LOGGED: _("No meeting logged for a while"),
    K.SUPPORT_DUE: _("Support contacts are due"),
    K.TRAINING_HOURS: _("Your training hours this month"),
    K.VOG_RENEWAL: _("A certificate of conduct (VOG) needs renewing"),
    K.SURVEY_DUE: _("A questionnaire is waiting for you"),
}
# What the mail of each kind shows about its subject (fetched with it).
RELATED: dict[str, list[str]] = {
    K.CONSENT_PENDING: ["agreement__match__youth", "agreement__match__programme__settings", "mentor"],
    K.MEETING_NOT_LOGGED: ["youth"],
    K.SUPPORT_DUE: ["programme"],
    K.VOG_RENEWAL: ["mentor"],
    K.SURVEY_DUE: ["youth", "instrument"],
}
TEMPLATES = {kind: f"mail/reminder_{kind}.txt" for kind in K.values}


# --- Proposing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    user_id: int | None


def _recipient(person: Mentor | Youth | Guardian) -> Recipient | None:
    """A mentor, youth or guardian as a recipient: their address and language (None without address,
    and None for a disqualified mentor: SCR-3, nothing more about a youth goes to them)."""
    if isinstance(person, Mentor) and person.status == MentorStatus.DISQUALIFIED:
        return None
    user = person.user if person.user_id else None
    email = person.email or (user.email if user is not None else "")
    if not email:
        return None
    language = person.preferred_language or (user.language if user is not None else "")
    return Recipient(email=email, language=language or settings.LANGUAGE_CODE, user_id=person.user_id)


def _user_recipient(user: User | None) -> Recipient | None:
    if user is None or not user.email or not user.is_active:
        return None
    return Recipient(email=user.email, language=user.language or settings.LANGUAGE_CODE, user_id=user.pk)


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _reminder(
    kind: str, key: str, to: Recipient, obj: models.Model, *, programme_id: int, now: datetime, **context: Any
) -> Reminder:
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


def consent_reminders(programme_ids: list[int], *, today: date, now: datetime) -> list[Reminder]:
    """AGR-1: each party whose consent to the match's latest agreement has been pending for more than
    three days, once a week. A youth under 16 is not written to: their guardians with parental
    authority are, about the youth's consent."""
    from koppel.matches.models import Agreement, Consent
    from koppel.people.models import Guardianship

    latest = Agreement.objects.filter(match_id=OuterRef("agreement__match_id")).order_by("-number")
    consents: list[Consent] = list(
        Consent.objects.filter(
            agreement__match__programme_id__in=programme_ids,
            given_at__isnull=True,
            created_at__lte=now - CONSENT_PENDING_AFTER,
        )
        .filter(agreement__match__state__in=CONSENT_STATES)
        .filter(agreement_id=Subquery(latest.values("id")[:1]))
        .select_related(
            "agreement__match", "mentor__user", "guardian__user", "youth__user", "agreement__match__youth"
        )
    )
    young: set[int] = {
        c.youth.pk
        for c in consents
        if c.youth is not None and (age_on(c.youth.date_of_birth, today) or 0) < OWN_LINK_FROM_AGE
    }
    guardians_of: dict[int, list] = {}
    for link in Guardianship.objects.filter(youth_id__in=young, has_parental_authority=True).select_related(
        "guardian__user"
    ):
        guardians_of.setdefault(link.youth_id, []).append(link.guardian)
    week = iso_week(today)
    found = []
    for consent in consents:
        programme_id = consent.agreement.match.programme_id
        if consent.youth is not None and consent.youth.pk in young:
            for guardian in guardians_of.get(consent.youth.pk, []):
                to = _recipient(guardian)
                if to is not None:
                    key = f"consent:{consent.pk}:g{guardian.pk}:{week}"
                    found.append(
                        _reminder(
                            K.CONSENT_PENDING,
                            key,
                            to,
                            consent,
                            programme_id=programme_id,
                            now=now,
                            via="guardian",
                        )
                    )
            continue
        # A database constraint makes every consent name its party; the check is for the type checker.
        person = consent.mentor or consent.guardian or consent.youth
        to = (
            _recipient(person) if person is not None else None
        )  # a constraint makes every consent name its party
        if to is not None:
            key = f"consent:{consent.pk}:{week}"
            found.append(_reminder(K.CONSENT_PENDING, key, to, consent, programme_id=programme_id, now=now))
    return found


def meeting_reminders(programme_ids: list[int], *, today: date, now: datetime) -> list[Reminder]:
    """REL-1: the mentors of a match with no meeting logged for longer than agreed (the REL-1 alert,
    holidays of school-based programmes excepted: REL-4), once a week."""
    week = iso_week(today)
    late = (
        matches_without_recent_meeting(programme_ids, today)
        .select_related("youth")
        .prefetch_related("match_mentors__mentor__user")
    )
    found = []
    for match in late:
        for link in match.match_mentors.all():
            to = _recipient(link.mentor)
            if to is None:
                continue
            key = f"meeting:{match.pk}:m{link.mentor_id}:{week}"
            found.append(
                _reminder(
                    K.MEETING_NOT_LOGGED,
                    key,
                    to,
                    match,
                    programme_id=match.programme_id,
                    now=now,
                    since=match.counted_from.isoformat(),  # type: ignore[attr-defined]
                    mentor=link.mentor_id,
                )
            )
    return found


def support_reminders(programmes: Iterable, *, today: date, now: datetime) -> list[Reminder]:
    """SUP-1: a weekly digest per coordinator with the number of matches with a support contact due."""
    from koppel.programmes.models import Coordinator

    week = iso_week(today)
    found = []
    for programme in programmes:
        due = overdue_contacts([programme.pk], today)
        n_matches = len({row.match.pk for row in due})
        if not n_matches:
            continue
        for coordinator in Coordinator.objects.filter(programme=programme).select_related("user"):
            to = _user_recipient(coordinator.user)
            if to is not None:
                key = f"support:{coordinator.pk}:{week}"
                found.append(
                    _reminder(
                        K.SUPPORT_DUE,
                        key,
                        to,
                        coordinator,
                        programme_id=programme.pk,
                        now=now,
                        matches=n_matches,
                    )
                )
    return found


def in_last_week_of_month(day: date) -> bool:
    return day.day > calendar.monthrange(day.year, day.month)[1] - 7


def training_reminders(programmes: Iterable, *, today: date, now: datetime) -> list[Reminder]:
    """TRN-2: in the last week of the month, each matched mentor still short of the month's hours."""
    from koppel.training.domain.ledger import mentors_below_monthly_hours

    if not in_last_week_of_month(today):
        return []
    month = today.strftime("%Y-%m")
    found = []
    for programme in programmes:
        for shortfall in mentors_below_monthly_hours(programme, month=today):
            mentor = shortfall.mentor
            to = _recipient(mentor)
            if to is None:
                continue
            found.append(
                _reminder(
                    K.TRAINING_HOURS,
                    f"training:{mentor.pk}:{month}",
                    to,
                    mentor,
                    programme_id=programme.pk,
                    now=now,
                    month=month,
                    hours=str(shortfall.hours),
                    missing=str(shortfall.missing),
                )
            )
    return found


def vog_reminders(programme_ids: list[int], *, today: date, now: datetime) -> list[Reminder]:
    """SCR-2: a VOG of a mentor in the pool that expires within 60 days, to the mentor's coordinator
    (else every coordinator of the programme), once a month."""
    from koppel.people.domain.queries.screening import vog_renewals_due
    from koppel.programmes.models import Coordinator

    certificates = list(vog_renewals_due(programme_ids, today=today).select_related("mentor__coordinator"))
    coordinators: dict[int, list] = {}
    for row in Coordinator.objects.filter(
        programme_id__in={c.mentor.programme_id for c in certificates}
    ).select_related("user"):
        coordinators.setdefault(row.programme_id, []).append(row.user)
    month = today.strftime("%Y-%m")
    found = []
    for certificate in certificates:
        mentor = certificate.mentor
        users = [mentor.coordinator] if mentor.coordinator_id else coordinators.get(mentor.programme_id, [])
        for user in users:
            to = _user_recipient(user)
            if user is not None and to is not None:
                key = f"vog:{certificate.pk}:u{user.pk}:{month}"
                found.append(
                    _reminder(K.VOG_RENEWAL, key, to, certificate, programme_id=mentor.programme_id, now=now)
                )
    return found


def survey_reminders(programme_ids: list[int] | None = None, *, today: date, now: datetime) -> list[Reminder]:
    """Surveys (OUT-1, OUT-2, OUT-4): an invitation in the week a survey opens and a reminder each
    following week while it is open, to the respondent with their personal link. For a youth without
    an e-mail address of their own, the guardians with parental authority get a notice without the
    link (never the youth's answers)."""
    from koppel.people.models import Guardianship
    from koppel.surveys.enums import ANSWERABLE, Respondent
    from koppel.surveys.models import Assignment

    if programme_ids is None:
        from koppel.programmes.models import Programme

        programme_ids = list(Programme.objects.filter(is_active=True).values_list("id", flat=True))
    assignments = list(
        Assignment.objects.filter(
            programme_id__in=programme_ids,
            status__in=ANSWERABLE,
            due_on__lte=today,
            closes_on__gte=today,
        )
        .select_related("youth__user", "mentor__user", "guardian__user")
        .prefetch_related(
            Prefetch(
                "youth__guardianships",
                queryset=Guardianship.objects.filter(has_parental_authority=True).select_related(
                    "guardian__user"
                ),
                to_attr="authority",
            )
        )
    )
    week = iso_week(today)
    found = []
    for assignment in assignments:
        context = {"invitation": iso_week(timezone.localdate(assignment.created_at)) == week}
        youth = assignment.youth
        person = assignment.mentor or assignment.guardian or youth
        to = _recipient(person)
        if to is not None:
            found.append(
                _reminder(
                    K.SURVEY_DUE,
                    f"survey:{assignment.pk}:{week}",
                    to,
                    assignment,
                    programme_id=assignment.programme_id,
                    now=now,
                    **context,
                )
            )
        elif assignment.respondent == Respondent.YOUTH:
            # A youth without an e-mail address of their own: the guardians with parental authority
            # hear that a questionnaire is waiting, WITHOUT the link. The youth's answers (substance
            # use, delinquency, the relationship with the parents) are the youth's own: a parent never
            # holds the link that shows them. The youth answers in the portal, or the coordinator hands
            # over the personal link.
            for link in youth.authority:  # type: ignore[attr-defined]
                to = _recipient(link.guardian)
                if to is not None:
                    found.append(
                        _reminder(
                            K.SURVEY_DUE,
                            f"survey:{assignment.pk}:g{link.guardian_id}:{week}",
                            to,
                            assignment,
                            programme_id=assignment.programme_id,
                            now=now,
                            via="guardian",
                            **context,
                        )
                    )
    return found


def propose_reminders(*, today: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """Create every reminder that is due now and does not exist yet (idempotent: `Reminder.key` is
    unique, so a second run the same day creates nothing). Returns the number created per kind."""
    from koppel.programmes.models import Programme

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    programmes = list(Programme.objects.filter(is_active=True).select_related("settings"))
    programme_ids = [p.pk for p in programmes]
    proposed = [
        *consent_reminders(programme_ids, today=today, now=now),
        *meeting_reminders(programme_ids, today=today, now=now),
        *support_reminders(programmes, today=today, now=now),
        *training_reminders(programmes, today=today, now=now),
        *vog_reminders(programme_ids, today=today, now=now),
        *survey_reminders(programme_ids, today=today, now=now),
    ]
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
    site = settings.SITE_URL
    context = {"reminder": reminder, "data": reminder.context}
    if reminder.kind == K.CONSENT_PENDING:
        match = obj.agreement.match
        about_child = reminder.context.get("via") == "guardian"
        # AGR-1: a parent giving their child's consent, or anyone without a login, gets their
        # personal signed link (made now, so it is valid for the programme's days from this mail;
        # never stored); a person with a login consents in the portal.
        personal = about_child or not _has_login(reminder.recipient_id)
        context |= {
            "youth_first_name": match.youth.first_name,
            "about_child": about_child,
            "started": match.state in STARTED_STATES,
            "personal": personal,
            "days": match.programme.settings.consent_link_days,
            "link": consent_link(obj, language=reminder.language)
            if personal
            else site + reverse("portal:agreement", args=[match.pk]),
        }
    elif reminder.kind == K.MEETING_NOT_LOGGED:
        context |= {
            "youth_first_name": obj.youth.first_name,
            "since": date.fromisoformat(reminder.context["since"]),
            "link": site + reverse("portal:meeting_log", args=[obj.pk]),
        }
    elif reminder.kind == K.SUPPORT_DUE:
        context |= {"programme": obj.programme, "link": site + reverse("staff:worklist")}
    elif reminder.kind == K.TRAINING_HOURS:
        context |= {"mentor": obj, "link": site + reverse("portal:home")}
    elif reminder.kind == K.VOG_RENEWAL:
        context |= {
            "mentor": obj.mentor,
            "certificate": obj,
            "link": site + reverse("staff:mentor_detail", args=[obj.mentor_id]),
        }
    elif reminder.kind == K.SURVEY_DUE:
        from koppel.surveys.domain.delivery import survey_link

        context |= {
            "youth_first_name": obj.youth.first_name,
            "about_child": reminder.context.get("via") == "guardian",
            "invitation": bool(reminder.context.get("invitation")),
            "instrument": obj.instrument,
            "closes_on": obj.closes_on,
            # The personal link goes to the respondent only, never to a parent (see survey_reminders).
            "link": "" if reminder.context.get("via") == "guardian" else survey_link(obj),
        }
    else:
        context |= {"link": site + reverse("portal:home")}
    return context


def _has_login(user_id: int | None) -> bool:
    return user_id is not None and User.objects.filter(pk=user_id, is_active=True).exists()


def _subject_object(reminder: Reminder) -> Any:
    model = reminder.content_type.model_class()
    if model is None:  # the model itself is gone
        return None
    queryset = model._default_manager.filter(pk=reminder.object_id)
    related = RELATED.get(reminder.kind, [])
    if related:
        queryset = queryset.select_related(*related)
    return queryset.first()


def _still_needed(reminder: Reminder, obj: Any) -> bool:
    """Whether what a reminder asks for is still asked when it is sent (a retry can come a day
    later): a survey that can still be answered; a consent still pending on a match that still asks
    for it; a meeting on a match that runs; and never anything for a mentor disqualified since
    (SCR-3)."""
    if reminder.kind == K.SURVEY_DUE:
        from koppel.surveys.domain.responses import is_answerable

        return is_answerable(obj)
    if reminder.kind == K.CONSENT_PENDING:
        return (
            obj.given_at is None
            and obj.agreement.match.state in CONSENT_STATES
            and (obj.mentor is None or obj.mentor.status != MentorStatus.DISQUALIFIED)
        )
    if reminder.kind == K.MEETING_NOT_LOGGED:
        mentor_id = reminder.context.get("mentor")
        disqualified = Mentor.objects.filter(pk=mentor_id, status=MentorStatus.DISQUALIFIED).exists()
        return obj.state in STARTED_STATES and not disqualified
    if reminder.kind == K.TRAINING_HOURS:
        return obj.status != MentorStatus.DISQUALIFIED
    return True


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
                    subject=SUBJECTS[reminder.kind],
                    template=TEMPLATES[reminder.kind],
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
    by_kind: dict[str, dict] = {}
    for row in rows:
        entry = by_kind.setdefault(
            row["kind"], {"kind": ReminderKind(row["kind"]).label, **dict.fromkeys(S.values, 0)}
        )
        entry[row["status"]] = row["n"]
    return [by_kind[k] for k in ReminderKind.values if k in by_kind]


@transaction.atomic
def retry_reminder(reminder: Reminder, *, by: User) -> Reminder:
    """Send a failed or retrying reminder again at the next run, with a fresh count of attempts.

    Side effects: the reminder becomes pending and due now; audit "common.reminder.retried".
    """
    now = timezone.now()
    changed = Reminder.objects.filter(pk=reminder.pk, status__in=[S.FAILED, S.PENDING]).update(
        status=S.PENDING, next_attempt_at=now, attempts=0, claimed_by=""
    )
    if changed != 1:
        raise DomainError(_("This reminder is being sent or was sent already."))
    log_action(
        reminder,
        "common.reminder.retried",
        by=by,
        fields=["status", "next_attempt_at", "attempts"],
        data={"attempts_before": reminder.attempts},
    )
    reminder.refresh_from_db()
    return reminder
