"""Concerns about safety or wellbeing: raised by a youth, a parent or guardian, a mentor or staff,
they reach the programme's coordinators at once (worklist and e-mail) and are closed with a recorded
outcome. The concern's text is sensitive: it never goes into an e-mail or the activity log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.mail import queue_mail
from koppel.matches.domain.queries.visible import portal_matches
from koppel.matches.enums import ConcernStatus, Party
from koppel.matches.models import Concern, Match
from koppel.people.domain.roles import AnyUser, Roles, roles_of
from koppel.people.models import Mentor, Youth
from koppel.programmes.models import Coordinator, Programme

STAFF = "staff"
RAISED_AS = frozenset({*Party.values, STAFF})

NEW_CONCERN_SUBJECT = gettext_lazy("A new concern in Koppel")

# Open first, then those being handled, then closed ones.
STATUS_ORDER = Case(
    When(status=ConcernStatus.OPEN, then=Value(0)),
    When(status=ConcernStatus.HANDLING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


# --- Selectors ------------------------------------------------------------------------------------


def concerns_raised_by(user: AnyUser | None) -> QuerySet[Concern]:
    """The concerns a portal user raised themselves (they see the status, never the outcome)."""
    if user is None or not user.is_authenticated:
        return Concern.objects.none()
    return Concern.objects.filter(raised_by=user)


def _mentor_programme_ids(r: Roles) -> QuerySet[Mentor, Any]:
    return Mentor.objects.filter(id__in=r.mentor_ids).values("programme_id")


def _youth_programme_ids(r: Roles) -> QuerySet[Youth, Any]:
    return Youth.objects.filter(id__in=r.youth_ids).values("programme_id")


def portal_programmes(user: AnyUser) -> QuerySet[Programme]:
    """The programmes a mentor, youth or guardian takes part in (a guardian: their children's)."""
    r = roles_of(user)
    q = Q(pk__in=[])
    if r.mentor_ids:
        q |= Q(id__in=_mentor_programme_ids(r))
    if r.youth_ids:
        q |= Q(id__in=_youth_programme_ids(r))
    if r.guardian_id is not None:
        q |= Q(id__in=Youth.objects.filter(guardianships__guardian_id=r.guardian_id).values("programme_id"))
    return Programme.objects.filter(q)


def portal_role_in(user: AnyUser, *, match: Match | None = None, programme: Programme | None = None) -> str:
    """The party the user speaks as about `match` (or, for a general concern, in `programme`)."""
    r = roles_of(user)
    if match is not None:
        if match.match_mentors.filter(mentor_id__in=r.mentor_ids).exists():
            return Party.MENTOR
        if match.youth_id in r.youth_ids:
            return Party.YOUTH
        return Party.GUARDIAN
    if programme is not None:
        if Mentor.objects.filter(id__in=r.mentor_ids, programme=programme).exists():
            return Party.MENTOR
        if Youth.objects.filter(id__in=r.youth_ids, programme=programme).exists():
            return Party.YOUTH
    return Party.GUARDIAN


# --- State changes --------------------------------------------------------------------------------


@transaction.atomic
def raise_concern(
    programme: Programme, *, by: User, raised_as: str, text: str, match: Match | None = None
) -> Concern:
    """Record a concern about `match` (or about the programme in general).

    Side effects: the concern is saved first; an activity-log entry without the text; after commit,
    an e-mail to each coordinator of the programme in their own language saying only that a concern
    was raised (a failing mail server loses nothing: the concern is on the worklist already).
    """
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Describe the concern."))
    if raised_as not in RAISED_AS:
        raise DomainError(_("Unknown party for a concern."))
    if match is not None and match.programme_id != programme.pk:
        raise DomainError(_("The match is not part of this programme."))
    concern = Concern.objects.create(
        programme=programme,
        match=match,
        raised_by=by if getattr(by, "is_authenticated", False) else None,
        raised_as=raised_as,
        text=text,
    )
    log_action(
        concern,
        "matches.concern.raised",
        by=by,
        fields=["text", *(["match"] if match is not None else [])],
        data={"raised_as": raised_as, "match_id": match.pk if match is not None else None},
    )
    send_concern_mails(concern.pk)
    return concern


def raise_portal_concern(
    user: User, *, text: str, match: Match | None = None, programme: Programme | None = None
) -> Concern:
    """A concern from the portal: about one of the user's own matches, or about one of their
    programmes in general. Refused for a match or programme that is not theirs."""
    if match is not None:
        if not portal_matches(user).filter(pk=match.pk).exists():
            raise DomainError(_("You can only raise a concern about your own match."))
        programme = match.programme
    if programme is None or not portal_programmes(user).filter(pk=programme.pk).exists():
        raise DomainError(_("Choose one of your programmes."))
    raised_as = portal_role_in(user, match=match, programme=programme)
    return raise_concern(programme, by=user, raised_as=raised_as, text=text, match=match)


def send_concern_mails(concern_id: int) -> int:
    """Tell every coordinator of the concern's programme, in their language, that a concern waits:
    mails queued in the outbox in the caller's transaction, so none is lost when the mail server
    fails. Never the text, the match or a name: only the programme and a link. Returns how many."""
    concern = Concern.objects.select_related("programme").get(pk=concern_id)
    link = settings.SITE_URL + reverse("staff:concern_detail", args=[concern.pk])
    sent = 0
    for coordinator in Coordinator.objects.filter(programme_id=concern.programme_id).select_related("user"):
        user = coordinator.user
        if not user.is_active or not user.email:
            continue
        queue_mail(
            user.email,
            language=user.language,
            subject=NEW_CONCERN_SUBJECT,
            template="staff/concerns/new_concern_mail.txt",
            context={"programme": concern.programme, "link": link, "coordinator": user},
            log_ref=f"new concern {concern.pk} to user {user.pk}",
            programme_id=concern.programme_id,
        )
        sent += 1
    return sent


def _lock(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


@transaction.atomic
def take_up_concern(concern: Concern, *, by: User) -> Concern:
    """A staff member starts handling an open concern (open -> handling). Audited."""
    locked = _lock(concern)
    if locked.status != ConcernStatus.OPEN:
        raise DomainError(_("Only an open concern can be taken up."))
    locked.status = ConcernStatus.HANDLING
    locked.handled_by = by
    locked.version += 1
    locked.save(update_fields=["status", "handled_by", "version", "updated_at"])
    log_action(locked, "matches.concern.taken_up", by=by, fields=["status", "handled_by"])
    return locked


@transaction.atomic
def close_concern(concern: Concern, *, by: User, outcome: str) -> Concern:
    """Close an open or handled concern with its outcome (required; a database constraint holds it
    too). Audited with field names only: the outcome is as sensitive as the concern."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError(_("Record the outcome before closing the concern."))
    locked = _lock(concern)
    if locked.status == ConcernStatus.CLOSED:
        raise DomainError(_("This concern is closed already."))
    locked.status = ConcernStatus.CLOSED
    locked.outcome = outcome
    locked.closed_at = timezone.now()
    locked.handled_by = locked.handled_by or by
    locked.version += 1
    locked.save(update_fields=["status", "outcome", "closed_at", "handled_by", "version", "updated_at"])
    log_action(locked, "matches.concern.closed", by=by, fields=["status", "outcome", "closed_at"])
    return locked
