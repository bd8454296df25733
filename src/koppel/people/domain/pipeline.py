"""A mentor's pipeline: applied -> interview planned -> in screening -> approved -> ready to match ->
matched -> (paused) -> withdrawn / rejected / disqualified.

One function per transition. Each checks `ALLOWED` (and its gate, where the practice rules set one),
saves the status, writes a PipelineEvent with the coordinator's reason (staff-only), an activity-log
entry with the field names and the two statuses (never the reason), and, where the applicant is told,
queues an e-mail in the applicant's own language once the transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.mail import drop_queued_mail, queue_mail
from koppel.common.formatting import decimal_text
from koppel.people.domain.disqualification import (
    UNSETTLED_DISCLOSURES,
    earlier_disqualifications,
    is_disqualified,
    refuse_unless_clear_to_match,
)
from koppel.people.enums import (
    DisqualificationReason,
    InterviewKind,
    MentorStatus,
    ReferenceOutcome,
    VogOutcome,
)
from koppel.people.models import ConductCertificate, Interview, Mentor, PipelineEvent

S = MentorStatus
logger = logging.getLogger(__name__)

# Which status may follow which. Rejected and withdrawn are the end of the line, except that a
# refused VOG or a disclosed offence found afterwards still disqualifies; disqualification (SCR-3) is
# final: nothing leads out of it.
ALLOWED: dict[str, frozenset[str]] = {
    S.APPLIED: frozenset({S.INTERVIEW_PLANNED, S.IN_SCREENING, S.WITHDRAWN, S.REJECTED, S.DISQUALIFIED}),
    S.INTERVIEW_PLANNED: frozenset({S.IN_SCREENING, S.WITHDRAWN, S.REJECTED, S.DISQUALIFIED}),
    S.IN_SCREENING: frozenset({S.APPROVED, S.WITHDRAWN, S.REJECTED, S.DISQUALIFIED}),
    S.APPROVED: frozenset({S.READY, S.PAUSED, S.WITHDRAWN, S.REJECTED, S.DISQUALIFIED}),
    # "Matched" only follows from a match becoming active (`mark_matched`), never by hand.
    S.READY: frozenset({S.MATCHED, S.PAUSED, S.WITHDRAWN, S.DISQUALIFIED}),
    # A matched mentor whose match ended becomes ready to match again (TRN-1 checked again).
    S.MATCHED: frozenset({S.READY, S.PAUSED, S.WITHDRAWN, S.DISQUALIFIED}),
    S.PAUSED: frozenset({S.APPROVED, S.READY, S.MATCHED, S.WITHDRAWN, S.DISQUALIFIED}),
    S.WITHDRAWN: frozenset({S.DISQUALIFIED}),
    S.REJECTED: frozenset({S.DISQUALIFIED}),
    S.DISQUALIFIED: frozenset(),
}

# The statuses the applicant hears about by e-mail.
MAIL_SUBJECTS: dict[str, str | Promise] = {
    S.INTERVIEW_PLANNED: gettext_lazy("Your interview with the mentoring programme"),
    S.APPROVED: gettext_lazy("You have been approved as a mentor"),
    S.READY: gettext_lazy("You are ready to be matched"),
    S.REJECTED: gettext_lazy("Your application as a mentor"),
    S.WITHDRAWN: gettext_lazy("Your application as a mentor has been withdrawn"),
    S.DISQUALIFIED: gettext_lazy("Your application as a mentor"),
}


def _status_label(status: str) -> str:
    return str(MentorStatus(status).label)


# What else must happen, in the same transaction, when a mentor is disqualified: higher apps add a
# function `react(mentor, *, by)` here (the matches app ends the mentor's open matches).
AFTER_DISQUALIFICATION: list[Callable[..., None]] = []

# What the steps towards matching ask of the apps above people, given in their AppConfig.ready: the
# TRN-1 hours a mentor still misses before matching (training: `give_hours_missing`) and whether a
# mentor is in a started match (matches: `give_started_match`). Without them the steps refuse to run.
_hours_missing: list[Callable[[Mentor], Decimal]] = []
_started_match: list[Callable[[Mentor], bool]] = []


def give_hours_missing(hours_missing: Callable[[Mentor], Decimal]) -> None:
    _hours_missing[:] = [hours_missing]


def give_started_match(has_started_match: Callable[[Mentor], bool]) -> None:
    _started_match[:] = [has_started_match]


def _given[T](hook: list[T], what: str) -> T:
    if not hook:
        raise ImproperlyConfigured(f"The mentor pipeline needs {what}.")
    return hook[0]


# The steps towards matching, refused on any fact of a disqualification, whatever the status says.
TOWARDS_MATCHING = frozenset({S.INTERVIEW_PLANNED, S.IN_SCREENING, S.APPROVED, S.READY, S.MATCHED})


def _check_allowed(mentor: Mentor, to: str) -> None:
    if mentor.status == S.DISQUALIFIED or (to in TOWARDS_MATCHING and is_disqualified(mentor)):
        raise DomainError(_("SCR-3: this mentor is disqualified; that is final."))
    if to not in ALLOWED[mentor.status]:
        raise DomainError(
            _("A mentor cannot go from '%(from)s' to '%(to)s'.")
            % {"from": _status_label(mentor.status), "to": _status_label(to)}
        )


def _lock(mentor: Mentor) -> Mentor:
    """Re-read the mentor's status under a row lock, so two coordinators never both move it."""
    fresh = (
        Mentor.objects.select_for_update()
        .only("status", "disqualification_reason", "version")
        .get(pk=mentor.pk)
    )
    mentor.status = fresh.status
    mentor.disqualification_reason = fresh.disqualification_reason
    mentor.version = fresh.version
    return mentor


def _move(
    mentor: Mentor,
    to: str,
    *,
    by: User | None,
    reason: str = "",
    extra_fields: tuple[str, ...] = (),
    mail: bool = True,
) -> PipelineEvent:
    """Save the new status and write the pipeline event, the activity log and, where due, the mail."""
    from_status = mentor.status
    mentor.status = to
    mentor.version += 1
    mentor.save(update_fields=["status", *extra_fields, "updated_at", "version"])
    event = PipelineEvent.objects.create(
        mentor=mentor,
        by=by if getattr(by, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to,
        reason=reason,
    )
    log_action(
        mentor,
        "people.mentor.status_changed",
        by=by,
        fields=["status", *extra_fields],
        data={"from": from_status, "to": to},
    )
    if mail and to in MAIL_SUBJECTS and mentor.email:
        send_status_mail(mentor.pk, to)
    return event


def send_status_mail(mentor_id: int, status: str) -> None:
    """Tell the applicant about their new status, in their own language (queued in the outbox, in the
    caller's transaction). Never states a reason."""
    mentor = Mentor.objects.select_related("programme").get(pk=mentor_id)
    interview = (
        mentor.interviews.filter(planned_for__isnull=False, held_on=None).order_by("-planned_for").first()
    )
    queue_mail(
        mentor.email,
        language=mentor.preferred_language,
        subject=MAIL_SUBJECTS[status],
        template=f"people/mail/mentor_{status}.txt",
        context={"mentor": mentor, "programme": mentor.programme, "interview": interview},
        log_ref=f"status {status} for mentor {mentor_id}",
        programme_id=mentor.programme_id,
    )


# --- The approval gate (SCR-1, SCR-2, SCR-3) ------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    rule: str
    label: str
    done: bool


def vog_in_order(certificate: ConductCertificate, *, today: date | None = None) -> bool:
    """SCR-2: issued, the original seen, and still valid."""
    today = today or timezone.localdate()
    return (
        certificate.outcome == VogOutcome.ISSUED
        and certificate.original_seen_on is not None
        and certificate.valid_until is not None
        and certificate.valid_until >= today
    )


def approval_checklist(mentor: Mentor) -> list[ChecklistItem]:
    """What approval needs, each item with its rule and whether it is done."""
    programme_settings = mentor.programme.settings
    interview_done = mentor.interviews.filter(held_on__isnull=False, responsibilities_explained=True).exists()
    items = [
        ChecklistItem(
            "SCR-1",
            _("A personal interview was held and the responsibilities and obligations were explained."),
            interview_done,
        )
    ]
    required = programme_settings.references_required
    if required:
        positive = mentor.references.filter(outcome=ReferenceOutcome.POSITIVE).count()
        items.append(
            ChecklistItem(
                "SCR-2",
                _("%(required)s references with a positive outcome (%(positive)s so far).")
                % {"required": required, "positive": positive},
                positive >= required,
            )
        )
    if programme_settings.vog_required:
        items.append(
            ChecklistItem(
                "SCR-2",
                _("A certificate of conduct (VOG), issued, the original seen and still valid."),
                any(vog_in_order(c) for c in mentor.conduct_certificates.all()),
            )
        )
    disclosures = list(mentor.disclosures.values_list("decision", flat=True))
    unsettled = any(d in UNSETTLED_DISCLOSURES for d in disclosures)
    if programme_settings.self_disclosure_required:
        items.append(
            ChecklistItem(
                "SCR-3",
                _(
                    "A self-disclosure is on record, and any conviction it discloses was reviewed and "
                    "accepted."
                ),
                bool(disclosures) and not unsettled,
            )
        )
    elif unsettled:
        items.append(
            ChecklistItem("SCR-3", _("Every disclosed conviction was reviewed and accepted."), False)
        )
    items.append(ChecklistItem("SCR-3", _("Not disqualified."), not is_disqualified(mentor)))
    items.append(
        ChecklistItem(
            "SCR-3",
            _(
                "No disqualified mentor in the organisation with the same e-mail address, or the same "
                "name and date of birth."
            ),
            not earlier_disqualifications(mentor).exists(),
        )
    )
    return items


def _refuse_if_missing(items: list[ChecklistItem]) -> None:
    missing = [f"{item.rule}: {item.label}" for item in items if not item.done]
    if missing:
        raise DomainError(
            _("The mentor cannot be approved yet. Missing: %(missing)s") % {"missing": " ".join(missing)}
        )


# --- Transitions ----------------------------------------------------------------------------------


@transaction.atomic
def plan_interview(
    mentor: Mentor, *, by: User, planned_for: datetime, kind: str = InterviewKind.HOME_VISIT, reason: str = ""
) -> Interview:
    """Plan the screening interview (SCR-1: a home visit is preferred).

    Side effects: an Interview row, a pipeline event, an activity-log entry, a mail to the applicant.
    """
    _lock(mentor)
    _check_allowed(mentor, S.INTERVIEW_PLANNED)
    interview = Interview.objects.create(
        mentor=mentor,
        planned_for=planned_for,
        kind=kind,
        interviewer=by if getattr(by, "is_authenticated", False) else None,
    )
    log_action(interview, "people.interview.created", by=by, fields=["planned_for", "kind", "interviewer"])
    _move(mentor, S.INTERVIEW_PLANNED, by=by, reason=reason)
    return interview


@transaction.atomic
def start_screening(mentor: Mentor, *, by: User, reason: str = "") -> PipelineEvent:
    """Start checking references, VOG and self-disclosure. Side effects: event and activity log."""
    _lock(mentor)
    _check_allowed(mentor, S.IN_SCREENING)
    return _move(mentor, S.IN_SCREENING, by=by, reason=reason)


@transaction.atomic
def approve_mentor(mentor: Mentor, *, by: User, reason: str = "") -> PipelineEvent:
    """Approve a screened mentor. Gate: SCR-1 interview, SCR-2 references and VOG, SCR-3.

    The refusal names every missing item with its rule. Side effects: event, activity log, mail.
    """
    _lock(mentor)
    _check_allowed(mentor, S.APPROVED)
    _refuse_if_missing(approval_checklist(mentor))
    return _move(mentor, S.APPROVED, by=by, reason=reason)


def _refuse_if_hours_missing(mentor: Mentor) -> None:
    missing = Decimal(_given(_hours_missing, "the training app (TRN-1)")(mentor))
    if missing > 0:
        raise DomainError(
            # In the active language: "0,5 uur" in Dutch, as the training page writes it. Only
            # exactly one hour is singular (0.5 and 1.5 hours are plural).
            ngettext(
                "TRN-1: %(hours)s more hour of training is needed before matching.",
                "TRN-1: %(hours)s more hours of training are needed before matching.",
                1 if missing == 1 else 2,
            )
            % {"hours": decimal_text(missing)}
        )


@transaction.atomic
def mark_ready_to_match(mentor: Mentor, *, by: User, reason: str = "") -> PipelineEvent:
    """An approved mentor with enough training (gate TRN-1) may be matched.

    Side effects: event, activity log, mail to the mentor.
    """
    _lock(mentor)
    _check_allowed(mentor, S.READY)
    refuse_unless_clear_to_match([mentor], doing=_("matching this mentor"))
    _refuse_if_hours_missing(mentor)
    return _move(mentor, S.READY, by=by, reason=reason)


@transaction.atomic
def release_after_match(mentor: Mentor, *, by: User, reason: str = "") -> PipelineEvent:
    """A matched mentor whose match ended is ready to match again (TRN-1 checked again).

    Side effects: event and activity log; no mail (the closure conversation told the mentor).
    """
    _lock(mentor)
    if mentor.status != S.MATCHED:
        raise DomainError(_("Only a matched mentor can be released after a match."))
    _check_allowed(mentor, S.READY)
    refuse_unless_clear_to_match([mentor], doing=_("matching this mentor"))
    _refuse_if_hours_missing(mentor)
    return _move(mentor, S.READY, by=by, reason=reason, mail=False)


def has_started_match(mentor: Mentor) -> bool:
    """Whether the mentor is in a started (active or closing) match (koppel.matches.domain.matched)."""
    return _given(_started_match, "the matches app")(mentor)


@transaction.atomic
def mark_matched(mentor: Mentor, *, by: User, reason: str = "") -> PipelineEvent:
    """A match of the mentor became active: ready -> matched. Called by the match's start only;
    refused while the mentor has no started match. Side effects: event and activity log."""
    _lock(mentor)
    _check_allowed(mentor, S.MATCHED)
    if not has_started_match(mentor):
        raise DomainError(_("A mentor is matched once one of their matches has started."))
    return _move(mentor, S.MATCHED, by=by, reason=reason)


@transaction.atomic
def pause_mentor(mentor: Mentor, *, by: User, reason: str = "") -> PipelineEvent:
    """Put a mentor on hold (holiday, illness). Side effects: event and activity log."""
    _lock(mentor)
    _check_allowed(mentor, S.PAUSED)
    return _move(mentor, S.PAUSED, by=by, reason=reason)


@transaction.atomic
def resume_mentor(mentor: Mentor, *, by: User, reason: str = "") -> PipelineEvent:
    """Back to the status the mentor had before the pause. Side effects: event and activity log."""
    _lock(mentor)
    if mentor.status != S.PAUSED:
        raise DomainError(_("Only a paused mentor can resume."))
    paused = mentor.pipeline_events.filter(to_status=S.PAUSED).order_by("-at", "-id").first()
    to = paused.from_status if paused and paused.from_status in ALLOWED[S.PAUSED] else S.APPROVED
    if to == S.MATCHED and not has_started_match(mentor):
        to = S.READY  # the match ended during the pause (or the pause came with its closure)
    elif to == S.READY and has_started_match(mentor):
        to = S.MATCHED  # a match started during the pause
    _check_allowed(mentor, to)
    if to in (S.READY, S.MATCHED):
        refuse_unless_clear_to_match([mentor], doing=_("matching this mentor"))
    if to == S.READY:
        _refuse_if_hours_missing(mentor)
    return _move(mentor, to, by=by, reason=reason)


@transaction.atomic
def withdraw_mentor(mentor: Mentor, *, by: User | None, reason: str = "", mail: bool = True) -> PipelineEvent:
    """The applicant or mentor stops. Side effects: event, activity log, mail (not when `mail` is
    False: an erasure withdraws a mentor who must hear nothing more)."""
    _lock(mentor)
    _check_allowed(mentor, S.WITHDRAWN)
    return _move(mentor, S.WITHDRAWN, by=by, reason=reason, mail=mail)


@transaction.atomic
def reject_mentor(mentor: Mentor, *, by: User, reason: str = "") -> PipelineEvent:
    """The programme does not go on with this applicant. Side effects: event, activity log, mail
    (which never states the reason)."""
    _lock(mentor)
    _check_allowed(mentor, S.REJECTED)
    return _move(mentor, S.REJECTED, by=by, reason=reason)


@transaction.atomic
def disqualify_mentor(
    mentor: Mentor, *, by: User, reason: DisqualificationReason, notes: str = ""
) -> PipelineEvent:
    """SCR-3: final disqualification with its reason, from any status (a withdrawn or rejected
    applicant too, so that they can never come back).

    Side effects: the mail to the mentor still waiting in the outbox dropped (a reminder, a link
    written before; logged with its count); status and reason saved, event, activity log (field
    names only), a mail to the applicant that does not state the reason; then, in the same
    transaction, each function in `AFTER_DISQUALIFICATION` (the matches app ends the mentor's open
    matches there).
    """
    _lock(mentor)
    _check_allowed(mentor, S.DISQUALIFIED)
    dropped = drop_queued_mail(mentor.email)
    if dropped:
        log_action(mentor, "people.mentor.queued_mail_dropped", by=by, data={"count": dropped})
    mentor.disqualification_reason = DisqualificationReason(reason)
    event = _move(
        mentor,
        S.DISQUALIFIED,
        by=by,
        reason=notes or str(DisqualificationReason(reason).label),
        extra_fields=("disqualification_reason",),
    )
    for react in AFTER_DISQUALIFICATION:
        react(mentor, by=by)
    return event


# The transitions a coordinator starts from the screening page; plan_interview and disqualification
# need more than a reason and have their own forms. "Matched" is never set by hand: it follows from a
# match becoming active.
SIMPLE_TRANSITIONS = {
    S.IN_SCREENING: start_screening,
    S.APPROVED: approve_mentor,
    S.READY: mark_ready_to_match,
    S.PAUSED: pause_mentor,
    S.WITHDRAWN: withdraw_mentor,
    S.REJECTED: reject_mentor,
}


NOT_ON_THE_PAGE = frozenset({S.DISQUALIFIED, S.MATCHED})


def next_statuses(mentor: Mentor) -> list[str]:
    """The statuses a coordinator may pick on the page (resume shows as the status it returns to)."""
    if mentor.status == S.PAUSED:
        return ["resume", S.WITHDRAWN]
    return [s for s in MentorStatus.values if s in ALLOWED[mentor.status] and s not in NOT_ON_THE_PAGE]
