"""Closure (CLS-1, OUT-2): every ending, early or not, gets a careful closure.

active -> closing (`start_closure`: the reason, the last day, whether it is early and who ended it,
the contact allowed afterwards, the follow-up about a year later) -> a closure conversation with each
party, with the exit questionnaire (`record_closure_conversation`) -> closed (`close_match`). A match
that never started is cancelled at once (`cancel_match`). After closure the youth can go back on the
waiting list (`rematch_youth`); the mentors become available again when the match closes.

The match moves only through `lifecycle.move_match`, so the allowed transitions stay in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.dates import add_months
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.versioning import save_versioned
from koppel.matches.domain.lifecycle import latest_agreement, lock_match, move_match
from koppel.matches.domain.matched import has_started_match
from koppel.matches.enums import (
    OPEN_STATES,
    ClosureKind,
    ClosureReason,
    ContactAfterClosure,
    EndedBy,
    MatchState,
    Party,
)
from koppel.matches.models import Closure, ClosureConversation, Match
from koppel.people.domain.disqualification import unsettled_mentor_ids
from koppel.people.domain.pipeline import pause_mentor, release_after_match
from koppel.people.domain.youth_status import move_youth, today
from koppel.people.enums import MentorStatus, YouthStatus
from koppel.people.models import Guardian, Guardianship, Mentor, Youth
from koppel.training.domain.ledger import pre_match_hours_missing

S = MatchState
NOT_STARTED = (S.PROPOSED, S.INTRODUCED, S.AGREED)
CONVERSATION_FIELDS = (
    "held_on",
    "notes",
    "went_well",
    "could_be_better",
    "rating",
    "would_recommend",
)


@dataclass(frozen=True)
class AgreedEnd:
    """When a match was agreed to end: `on` = start + `months` (the first day past the duration)."""

    on: date
    months: int


def agreed_end(match: Match) -> AgreedEnd | None:
    """The agreed end (CLS-1): the latest agreement's start date + its duration; without an agreement,
    the start date + the programme's minimum duration (AGR-1). None for a match that never started
    and has no agreement."""
    agreement = latest_agreement(match)
    if agreement is not None:
        return AgreedEnd(
            add_months(agreement.start_date, agreement.duration_months), agreement.duration_months
        )
    if match.started_on is None:
        return None
    months = match.programme.settings.min_duration_months
    return AgreedEnd(add_months(match.started_on, months), months)


def is_early(match: Match, ends_on: date) -> bool:
    """CLS-1: a last day before the agreed end is an early ending. Ending on the agreed end or later
    is planned."""
    end = agreed_end(match)
    return end is not None and ends_on < end.on


def follow_up_date(match: Match, ends_on: date) -> date:
    """OUT-2: measure again about a year (the programme's follow_up_months) after the last day."""
    return add_months(ends_on, match.programme.settings.follow_up_months)


# --- Who the closure conversations are with (CLS-1) -----------------------------------------------


@dataclass(frozen=True)
class PartySlot:
    """One party a closure conversation is held with: key "mentor:<id>", "youth" or "guardian:<id>"."""

    key: str
    party: str
    name: str
    mentor: Mentor | None = None
    guardian: Guardian | None = None
    # A guardian with parental authority: a conversation with one of them is required.
    authority: bool = False

    @property
    def party_label(self) -> str:
        return str(Party(self.party).label)


def parties_of(match: Match) -> list[PartySlot]:
    """Every mentor of the match, the youth, and the youth's parents and guardians (two queries)."""
    mentors = Mentor.objects.filter(match_mentors__match=match).order_by("last_name", "first_name", "id")
    slots = [PartySlot(f"mentor:{m.pk}", Party.MENTOR, m.full_name, mentor=m) for m in mentors]
    slots.append(PartySlot("youth", Party.YOUTH, match.youth.full_name))
    ships = Guardianship.objects.filter(youth_id=match.youth_id).select_related("guardian").order_by("id")
    slots += [
        PartySlot(
            f"guardian:{g.guardian_id}",
            Party.GUARDIAN,
            g.guardian.full_name,
            guardian=g.guardian,
            authority=g.has_parental_authority,
        )
        for g in ships
    ]
    return slots


def slot_key(conversation: ClosureConversation) -> str:
    if conversation.party == Party.MENTOR:
        return f"mentor:{conversation.mentor_id}"
    if conversation.party == Party.GUARDIAN:
        return f"guardian:{conversation.guardian_id}"
    return "youth"


def held_keys(closure: Closure) -> set[str]:
    return {slot_key(c) for c in closure.conversations.all()}


def missing_conversations(closure: Closure) -> list[str]:
    """CLS-1: the parties still without a closure conversation: each mentor, the youth, and (when the
    youth has any) at least one parent or guardian with parental authority."""
    slots = parties_of(closure.match)
    held = held_keys(closure)
    missing = [s.name for s in slots if s.party != Party.GUARDIAN and s.key not in held]
    with_authority = [s for s in slots if s.authority]
    if with_authority and not any(s.key in held for s in with_authority):
        missing.append(
            _("a parent or guardian with parental authority (%(names)s)")
            % {"names": ", ".join(s.name for s in with_authority)}
        )
    return missing


# --- State changes ---------------------------------------------------------------------------------


def _check_reason(reason: str) -> None:
    if reason not in ClosureReason.values:
        raise DomainError(_("CLS-1: choose the reason the match ends."))


@transaction.atomic
def start_closure(
    match: Match,
    *,
    by: User,
    reason: str,
    ends_on: date,
    kind: str | None = None,
    ended_by: str = "",
    reason_note: str = "",
    contact_after: str = "",
    contact_after_note: str = "",
) -> Closure:
    """Start the closure of an active match: active -> closing.

    The kind is set from the dates, never typed (CLS-1): a last day before the agreed end (see
    `agreed_end`) is an early ending, otherwise a planned one; a `kind` passed in is ignored. An early
    ending says who ended it. The contact allowed afterwards defaults to the latest agreement's; the
    follow-up falls due `follow_up_months` after the last day (OUT-2).

    Side effects: a Closure row, a MatchEvent, activity-log entries for the match and the closure.
    """
    match = lock_match(match)
    if match.state != S.ACTIVE:
        raise DomainError(_("Only an active match can start its closure."))
    _check_reason(reason)
    if Closure.objects.filter(match=match).exists():
        raise DomainError(_("The closure of this match has already started."))
    if match.started_on is not None and ends_on < match.started_on:
        raise DomainError(_("The last day cannot be before the match started."))
    early = is_early(match, ends_on)
    if early and ended_by not in EndedBy.values:
        raise DomainError(_("CLS-1: this is an early ending; say who ended it."))
    if ended_by and ended_by not in EndedBy.values:
        raise DomainError(_("Choose who ended the match from the list."))
    agreement = latest_agreement(match)
    if not contact_after:
        contact_after = agreement.contact_after if agreement else ContactAfterClosure.THROUGH_PROGRAMME
        contact_after_note = contact_after_note or (agreement.contact_after_note if agreement else "")
    if contact_after not in ContactAfterClosure.values:
        raise DomainError(_("Choose what contact is allowed after the match ends."))
    closure = Closure.objects.create(
        match=match,
        kind=ClosureKind.EARLY if early else ClosureKind.PLANNED,
        early=early,
        reason=reason,
        ended_by=ended_by,
        reason_note=reason_note.strip(),
        ends_on=ends_on,
        contact_after=contact_after,
        contact_after_note=contact_after_note.strip(),
        follow_up_due=follow_up_date(match, ends_on),
        started_by=by if getattr(by, "is_authenticated", False) else None,
    )
    move_match(match, S.CLOSING, by=by, note=str(ClosureReason(reason).label))
    log_action(
        closure,
        "matches.closure.started",
        by=by,
        fields=["kind", "reason", "ended_by", "ends_on", "contact_after", "follow_up_due"],
        data={"kind": closure.kind, "early": early, "reason": reason, "ended_by": ended_by},
    )
    return closure


def _slot_for(match: Match, values: dict) -> PartySlot:
    key = values.get("with_whom")
    if key is None:
        party = values.get("party")
        person = values.get("mentor") or values.get("guardian")
        key = "youth" if party == Party.YOUTH else f"{party}:{getattr(person, 'pk', '')}"
    for slot in parties_of(match):
        if slot.key == key:
            return slot
    raise DomainError(_("A closure conversation is held with a mentor of this match, the youth or a parent."))


@transaction.atomic
def record_closure_conversation(closure: Closure, *, by: User, values: dict) -> ClosureConversation:
    """Record the closure conversation with one party and their exit questionnaire (CLS-1).

    `values`: the party as "with_whom" (a key of `parties_of`) or as party + mentor/guardian, and
    held_on, notes, went_well, could_be_better, rating (1-5), would_recommend. Only while the match
    is closing. Side effects: a ClosureConversation row and an activity-log entry (field names only).
    """
    match = lock_match(closure.match)
    if match.state != S.CLOSING:
        raise DomainError(_("Closure conversations are recorded while the match is closing."))
    slot = _slot_for(match, values)
    held_on = values.get("held_on")
    if held_on is None:
        raise DomainError(_("Say when the conversation was held."))
    if held_on > timezone.localdate():
        raise DomainError(_("Record the conversation once it has taken place."))
    rating = values.get("rating")
    if rating is not None and not 1 <= rating <= 5:
        raise DomainError(_("The rating is a number from 1 to 5."))
    data = {name: values.get(name) for name in CONVERSATION_FIELDS}
    for name in ("notes", "went_well", "could_be_better"):
        data[name] = (data[name] or "").strip()
    conversation = ClosureConversation.objects.create(
        closure=closure, party=slot.party, mentor=slot.mentor, guardian=slot.guardian, **data
    )
    log_action(
        conversation,
        "matches.closure_conversation.recorded",
        by=by,
        fields=["party", *(name for name, value in data.items() if value not in (None, ""))],
        data={"match": match.pk, "party": slot.party},
    )
    return conversation


def _free_mentors(match: Match, *, by: User) -> None:
    """Each mentor with status matched and no other started match becomes ready to match again
    (MATCHED -> READY, gate TRN-1). When TRN-1 hours are missing (the programme asks more than when
    they were matched), the only legal move that keeps them out of new rounds is a pause
    (MATCHED -> PAUSED), with the reason; the coordinator takes it from there."""
    mentors = list(Mentor.objects.filter(match_mentors__match=match).order_by("id"))
    unsettled = unsettled_mentor_ids(m.pk for m in mentors)
    for mentor in mentors:
        if mentor.status != MentorStatus.MATCHED or has_started_match(mentor, besides=match):
            continue
        if mentor.pk in unsettled:
            pause_mentor(
                mentor, by=by, reason=_("The match ended; a disclosed conviction waits for review (SCR-3).")
            )
        elif pre_match_hours_missing(mentor) > 0:
            pause_mentor(mentor, by=by, reason=_("The match ended; TRN-1 training hours are missing."))
        else:
            release_after_match(mentor, by=by, reason=_("The match ended."))


def _youth_has_open_match(match: Match) -> bool:
    return Match.objects.filter(youth_id=match.youth_id, state__in=OPEN_STATES).exclude(pk=match.pk).exists()


@transaction.atomic
def close_match(match: Match, *, by: User) -> Match:
    """Finish a closing match: closing -> closed, ended_on = the closure's last day.

    Refused until a closure conversation was held with each party (CLS-1, see
    `missing_conversations`) and before the last day. Side effects: the closure's closed_at, a
    MatchEvent, activity-log entries; each mentor with no other open match is made available again
    (see `_free_mentors`; a mail tells them they are ready to be matched); the youth's status becomes
    "closed" (rematch with `rematch_youth`).
    """
    match = lock_match(match)
    closure = Closure.objects.filter(match=match).first()
    if match.state != S.CLOSING or closure is None:
        raise DomainError(_("Only a match whose closure has started can be closed."))
    missing = missing_conversations(closure)
    if missing:
        raise DomainError(
            _("CLS-1: hold a closure conversation with each party first. Still missing: %(who)s.")
            % {"who": "; ".join(missing)}
        )
    if closure.ends_on > timezone.localdate():
        raise DomainError(_("The match closes on or after its last day."))
    move_match(
        match,
        S.CLOSED,
        by=by,
        values={"ended_on": closure.ends_on, "paused_since": None, "pause_reason": ""},
    )
    changed = save_versioned(closure, {"closed_at": timezone.now()}, expected_version=closure.version)
    log_action(closure, "matches.closure.closed", by=by, fields=changed)
    _free_mentors(match, by=by)
    youth = match.youth
    if youth.status == YouthStatus.MATCHED and not _youth_has_open_match(match):
        move_youth(youth, YouthStatus.CLOSED, by=by, action="people.youth.closed", data={"match": match.pk})
    return match


@transaction.atomic
def cancel_match(
    match: Match, *, by: User, reason: str, reason_note: str = "", ended_by: str = EndedBy.PROGRAMME
) -> Closure:
    """Cancel a match that never started (proposed, introduced or agreed): closed at once.

    A Closure records it (kind early, last day today, no conversations needed, no follow-up: there
    was no mentoring to follow up, OUT-2). Side effects: a MatchEvent, activity-log entries; the
    youth goes back on the waiting list keeping their waiting_since; each mentor with status matched
    and no other open match becomes ready to match again.
    """
    match = lock_match(match)
    if match.state not in NOT_STARTED:
        raise DomainError(_("Only a match that has not started can be cancelled; close a started match."))
    _check_reason(reason)
    if ended_by not in EndedBy.values:
        raise DomainError(_("Choose who ended the match from the list."))
    today = timezone.localdate()
    agreement = latest_agreement(match)
    closure = Closure.objects.create(
        match=match,
        kind=ClosureKind.EARLY,
        early=True,
        reason=reason,
        ended_by=ended_by,
        reason_note=reason_note.strip(),
        ends_on=today,
        contact_after=agreement.contact_after if agreement else ContactAfterClosure.NONE,
        contact_after_note=agreement.contact_after_note if agreement else "",
        follow_up_due=None,
        started_by=by if getattr(by, "is_authenticated", False) else None,
        closed_at=timezone.now(),
    )
    move_match(match, S.CLOSED, by=by, note=str(ClosureReason(reason).label), values={"ended_on": today})
    log_action(
        closure,
        "matches.closure.cancelled",
        by=by,
        fields=["kind", "reason", "ended_by", "ends_on"],
        data={"reason": reason, "ended_by": ended_by},
    )
    _free_mentors(match, by=by)
    if match.youth.status == YouthStatus.MATCHED and not _youth_has_open_match(match):
        move_youth(
            match.youth,
            YouthStatus.WAITING,
            by=by,
            action="people.youth.back_on_waiting_list",
            data={"match": match.pk},
        )
    return closure


@transaction.atomic
def rematch_youth(match: Match, *, by: User) -> Youth:
    """After closure, put the youth back on the waiting list (waiting since today) for a new match.

    Refused when the match is not closed, or the youth is not "closed" (already waiting, in a new
    match, withdrawn) or has another open match. Side effects: an activity-log entry.
    """
    match = lock_match(match)
    if match.state != S.CLOSED:
        raise DomainError(_("The youth can be matched again once this match is closed."))
    youth = Youth.objects.select_for_update().get(pk=match.youth_id)
    if _youth_has_open_match(match):
        raise DomainError(_("%(name)s already has an open match.") % {"name": youth.full_name})
    if youth.status != YouthStatus.CLOSED:
        raise DomainError(
            _("Only a youth whose match has finished goes back on the waiting list; %(name)s is: %(status)s.")
            % {"name": youth.full_name, "status": youth.get_status_display()}
        )
    return move_youth(
        youth,
        YouthStatus.WAITING,
        by=by,
        action="people.youth.rematched",
        values={"waiting_since": today()},
        data={"match": match.pk},
    )


@transaction.atomic
def end_matches_of_disqualified_mentor(mentor: Mentor, *, by: User) -> None:
    """SCR-3: a disqualified mentor's open matches end at once. One that has not started is cancelled
    (the youth goes back on the waiting list); an active one starts its closure today with the reason
    "a safety concern", so the coordinator holds the closure conversations (CLS-1). A closing match
    closes as planned. The mentor has no portal access to any of them any more (`policy.roles_of`).

    Runs inside `disqualify_mentor`'s transaction (registered in `AFTER_DISQUALIFICATION`).
    Side effects: those of `cancel_match` and `start_closure`.
    """
    today = timezone.localdate()
    for match in Match.objects.filter(match_mentors__mentor=mentor, state__in=OPEN_STATES).order_by("pk"):
        if match.state in NOT_STARTED:
            cancel_match(match, by=by, reason=ClosureReason.SAFETY, ended_by=EndedBy.PROGRAMME)
        elif match.state == S.ACTIVE:
            start_closure(
                match,
                by=by,
                reason=ClosureReason.SAFETY,
                ends_on=max(today, match.started_on or today),
                ended_by=EndedBy.PROGRAMME,
            )
