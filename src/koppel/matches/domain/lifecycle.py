"""The match's states (proposed -> introduced -> agreed -> active -> closing -> closed): one domain
function per transition, each audited, each writing a MatchEvent for the match's timeline.

Agreement and consent live in `agreement.py`, closure in `closure.py`; both move the match through
`move_match` here, so the allowed transitions are in one place.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.versioning import save_versioned
from koppel.matches.enums import STARTED_STATES, MatchState, Party
from koppel.matches.models import Agreement, Consent, Match, MatchEvent, MatchMentor
from koppel.people.domain.disqualification import refuse_unless_clear_to_match
from koppel.people.domain.intake import ADULT_AGE  # below it, a parent consents too (AGR-1)
from koppel.people.domain.pipeline import mark_matched
from koppel.people.enums import MentorStatus
from koppel.people.models import Guardian, Guardianship, Mentor

S = MatchState

# state -> the states it may move to. Any state before "active" may close at once (the match did
# not start); an active match closes through "closing" (CLS-1: a careful closure).
ALLOWED: dict[str, frozenset[str]] = {
    S.PROPOSED: frozenset({S.INTRODUCED, S.CLOSED}),
    S.INTRODUCED: frozenset({S.AGREED, S.CLOSED}),
    S.AGREED: frozenset({S.ACTIVE, S.CLOSED}),
    S.ACTIVE: frozenset({S.CLOSING}),
    S.CLOSING: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}


def lock_match(match: Match) -> Match:
    """Re-read the match under a row lock, so two people never move it at once. Inside a transaction."""
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("programme__settings", "youth")
        .get(pk=match.pk)
    )


def check_transition(match: Match, to: str) -> None:
    """Refuse a move the state machine does not allow, before any other check."""
    if to not in ALLOWED[match.state]:
        raise DomainError(
            _("A match cannot go from '%(from)s' to '%(to)s'.")
            % {"from": S(match.state).label, "to": S(to).label}
        )


def move_match(match: Match, to: str, *, by: User, note: str = "", values: dict | None = None) -> Match:
    """Move a locked match to `to` (refused when not allowed), saving `values` with it.

    Must run inside a transaction, on a match from `lock_match`. Side effects: a MatchEvent and an
    activity-log entry "matches.match.<to>" with the changed field names.
    """
    check_transition(match, to)
    previous = match.state
    changed = save_versioned(match, {**(values or {}), "state": to}, expected_version=match.version)
    MatchEvent.objects.create(match=match, from_state=previous, to_state=to, by=by, note=note[:300])
    log_action(match, f"matches.match.{to}", by=by, fields=changed)
    return match


@transaction.atomic
def introduce_match(match: Match, *, by: User, on: date, staff_member: User | None, note: str = "") -> Match:
    """The first meeting took place, with a staff member present: proposed -> introduced.

    Side effects: a MatchEvent and an activity-log entry.
    """
    match = lock_match(match)
    check_transition(match, S.INTRODUCED)
    if staff_member is None:
        raise DomainError(_("A staff member is present at the first meeting; say who it was."))
    if on > timezone.localdate():
        raise DomainError(_("Record the first meeting once it has taken place."))
    return move_match(
        match,
        S.INTRODUCED,
        by=by,
        note=note,
        values={"introduced_on": on, "introduced_by": staff_member, "introduction_note": note},
    )


def latest_agreement(match: Match) -> Agreement | None:
    return Agreement.objects.filter(match=match).order_by("-number").first()


def pending_consents(agreement: Agreement) -> list[Consent]:
    return list(
        agreement.consents.filter(given_at__isnull=True).select_related("mentor", "guardian", "youth")
    )


def last_consent_on(agreement: Agreement) -> date | None:
    """The day the last consent to `agreement` was given (a paper consent: the day it was signed)."""
    last = agreement.consents.aggregate(last=Max("given_at"))["last"]
    return timezone.localdate(last) if last is not None else None


def required_parties(match: Match) -> list[Consent]:
    """AGR-1: one unsaved consent per party whose consent the match needs now: its mentors, the
    youth's guardians with parental authority, and the youth."""
    consents = [
        Consent(party=Party.MENTOR, mentor_id=mentor_id)
        for mentor_id in MatchMentor.objects.filter(match=match)
        .order_by("id")
        .values_list("mentor_id", flat=True)
    ]
    consents += [
        Consent(party=Party.GUARDIAN, guardian_id=guardian_id)
        for guardian_id in Guardianship.objects.filter(youth_id=match.youth_id, has_parental_authority=True)
        .order_by("id")
        .values_list("guardian_id", flat=True)
    ]
    consents.append(Consent(party=Party.YOUTH, youth_id=match.youth_id))
    return consents


def _party_key(consent: Consent) -> tuple[str, int | None]:
    return (consent.party, consent.mentor_id or consent.guardian_id or consent.youth_id)


def _check_every_party_consented(match: Match, agreement: Agreement) -> None:
    """AGR-1 as the match stands today, not as it stood when the agreement was written: a guardian
    with parental authority added since has not been asked, and a minor needs one at all."""
    required = required_parties(match)
    if not any(c.party == Party.GUARDIAN for c in required) and (match.youth.age or 0) < ADULT_AGE:
        raise DomainError(
            _(
                "AGR-1: %(name)s is a minor and no parent or guardian with parental authority is recorded; "
                "their consent is needed before the match starts."
            )
            % {"name": match.youth.full_name}
        )
    asked = {_party_key(c) for c in agreement.consents.all()}
    not_asked = [c for c in required if _party_key(c) not in asked]
    if not_asked:
        names = Guardian.objects.filter(pk__in=[c.guardian_id for c in not_asked if c.guardian_id])
        raise DomainError(
            _(
                "AGR-1: %(who)s became a party after this version of the agreement was written; write a "
                "new version so that everyone consents to it."
            )
            % {"who": ", ".join(g.full_name for g in names) or _("someone")}
        )


def _check_mentors_can_start(match: Match) -> list[Mentor]:
    """SCR-3 and the pipeline: every mentor is still available (ready or matched), has no fact of a
    disqualification and no disclosed conviction that is not accepted. Returns the mentors, locked."""
    mentors = list(Mentor.objects.select_for_update().filter(match_mentors__match=match).order_by("pk"))
    refuse_unless_clear_to_match(mentors, doing=_("starting this match"))
    for mentor in mentors:
        if mentor.status not in (MentorStatus.READY, MentorStatus.MATCHED):
            raise DomainError(
                _("%(name)s cannot start a match now (status: %(status)s).")
                % {"name": mentor.full_name, "status": mentor.get_status_display()}
            )
    return mentors


@transaction.atomic
def activate_match(match: Match, *, by: User, started_on: date) -> Match:
    """Start the match: agreed -> active. Gate AGR-1: the latest agreement exists, the mentor(s),
    every guardian with parental authority and the youth have all consented to it, and the start date
    is not before the day the last consent was given. Gate SCR-3: no mentor is disqualified.

    Side effects: a MatchEvent and an activity-log entry; each mentor still "ready to match" becomes
    "matched" (that status follows only from a match becoming active).
    """
    match = lock_match(match)
    check_transition(match, S.ACTIVE)
    agreement = latest_agreement(match)
    if agreement is None:
        raise DomainError(_("AGR-1: write the agreement before the match starts."))
    missing = pending_consents(agreement)
    if missing:
        raise DomainError(
            _("AGR-1: the match can start only when everyone has consented. Still waiting for: %(who)s.")
            % {"who": ", ".join(_consent_name(c) for c in missing)}
        )
    _check_every_party_consented(match, agreement)
    if started_on > timezone.localdate():
        raise DomainError(_("A match starts on the day it starts: record the start on that day, not before."))
    consented_on = last_consent_on(agreement)
    if consented_on is not None and started_on < consented_on:
        raise DomainError(
            _(
                "AGR-1: the match cannot start before everyone had consented; the last consent was given "
                "on %(day)s."
            )
            % {"day": date_format(consented_on, "SHORT_DATE_FORMAT")}
        )
    mentors = _check_mentors_can_start(match)
    move_match(match, S.ACTIVE, by=by, values={"started_on": started_on})
    for mentor in mentors:
        if mentor.status == MentorStatus.READY:
            mark_matched(mentor, by=by)
    return match


def _consent_name(consent: Consent) -> str:
    person = consent.mentor or consent.guardian or consent.youth
    return person.full_name if person is not None else consent.get_party_display()


@transaction.atomic
def pause_match(match: Match, *, by: User, since: date, reason: str) -> Match:
    """Pause a started match (illness, a holiday, a concern being looked into). No REL-1 alert and no
    support contacts fall due while it is paused. Side effects: an activity-log entry."""
    match = lock_match(match)
    if match.state not in STARTED_STATES:
        raise DomainError(_("Only a started match can be paused."))
    if match.paused_since is not None:
        raise DomainError(_("This match is already paused."))
    if not reason.strip():
        raise DomainError(_("Say why the match is paused."))
    changed = save_versioned(
        match, {"paused_since": since, "pause_reason": reason.strip()}, expected_version=match.version
    )
    log_action(match, "matches.match.paused", by=by, fields=changed)
    return match


@transaction.atomic
def resume_match(match: Match, *, by: User) -> Match:
    """End a pause. Side effects: an activity-log entry."""
    match = lock_match(match)
    if match.paused_since is None:
        raise DomainError(_("This match is not paused."))
    changed = save_versioned(
        match, {"paused_since": None, "pause_reason": ""}, expected_version=match.version
    )
    log_action(match, "matches.match.resumed", by=by, fields=changed)
    return match
