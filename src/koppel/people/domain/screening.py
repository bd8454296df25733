"""Screening records (SCR-1..4): interviews, references, the certificate of conduct (VOG) and the
self-disclosure. Every change is audited with field names only: screening results never go into the
activity log. A refused VOG or a disclosed offence involving children disqualifies (SCR-3)."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.versioning import save_versioned, save_versioned_and_log
from koppel.people.domain.disqualification import is_disqualified
from koppel.people.domain.pipeline import disqualify_mentor
from koppel.people.enums import (
    DisclosureDecision,
    DisqualificationReason,
    MentorQuality,
    MentorStatus,
    ScreeningProfile,
    VogOutcome,
)
from koppel.people.models import ConductCertificate, Interview, Mentor, Reference, SelfDisclosure

VOG_VALID_YEARS = 3


def _refuse_if_disqualified(mentor: Mentor) -> None:
    if mentor.status == MentorStatus.DISQUALIFIED or is_disqualified(mentor):
        raise DomainError(_("SCR-3: this mentor is disqualified; screening is closed."))


def check_qualities(qualities: dict) -> dict:
    """SCR-4: {quality_code: {"score": 1-5, "remark": str}}; unknown codes and bad scores refused."""
    known = set(MentorQuality.values)
    clean: dict = {}
    for code, rating in qualities.items():
        if code not in known:
            raise DomainError(_("SCR-4: '%(code)s' is not one of the qualities.") % {"code": code})
        score = rating.get("score")
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise DomainError(_("SCR-4: each quality is rated from 1 to 5."))
        clean[code] = {"score": score, "remark": str(rating.get("remark", "")).strip()}
    return clean


def screening_profile_code(text: str) -> str:
    """The code of a known VOG screening profile, written as its code or its name in any of
    Koppel's languages ("Werken met minderjarigen", "working with minors", "minors"); any other
    profile as the text typed. A name is data in one language; the code is shown in the reader's."""
    typed = (text or "").strip()
    wanted = typed.casefold()
    for profile in ScreeningProfile:
        names = {profile.value.casefold()}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.add(str(profile.label).casefold())
        if wanted in names:
            return profile.value
    return typed


def _vog_dates(values: dict) -> dict:
    """valid until = issue date + 3 years (29 February becomes 28 February); a known screening
    profile as its code (`screening_profile_code`)."""
    if "screening_profile" in values:
        values["screening_profile"] = screening_profile_code(values["screening_profile"])
    issued: date | None = values.get("issued_on")
    if issued is not None:
        try:
            values["valid_until"] = issued.replace(year=issued.year + VOG_VALID_YEARS)
        except ValueError:
            values["valid_until"] = issued.replace(year=issued.year + VOG_VALID_YEARS, day=28)
    elif "issued_on" in values:
        values["valid_until"] = None
    return values


# --- Interviews (SCR-1, SCR-4) --------------------------------------------------------------------


@transaction.atomic
def record_interview(mentor: Mentor, *, by: User, values: dict) -> Interview:
    """Record an interview: date, kind, interviewer, what was explained and SCR-4's qualities.

    Side effect: an activity-log entry with the field names.
    """
    _refuse_if_disqualified(mentor)
    values = dict(values)
    values["qualities"] = check_qualities(values.get("qualities") or {})
    interview = Interview.objects.create(mentor=mentor, **values)
    log_action(interview, "people.interview.created", by=by, fields=values.keys())
    return interview


@transaction.atomic
def update_interview(interview: Interview, *, by: User, values: dict, expected_version: int) -> list[str]:
    """Change an interview record. Side effect: an activity-log entry with the changed field names."""
    if "qualities" in values:
        values = {**values, "qualities": check_qualities(values["qualities"] or {})}
    return save_versioned_and_log(
        interview, values, expected_version=expected_version, by=by, action="people.interview.changed"
    )


# --- References (SCR-2) ---------------------------------------------------------------------------


@transaction.atomic
def add_reference(mentor: Mentor, *, by: User, values: dict) -> Reference:
    """Add a reference. Side effect: an activity-log entry with the field names."""
    _refuse_if_disqualified(mentor)
    reference = Reference.objects.create(mentor=mentor, **values)
    log_action(reference, "people.reference.created", by=by, fields=values.keys())
    return reference


@transaction.atomic
def update_reference(reference: Reference, *, by: User, values: dict, expected_version: int) -> list[str]:
    """Change a reference (contact, outcome, notes). Side effect: an activity-log entry."""
    return save_versioned_and_log(
        reference, values, expected_version=expected_version, by=by, action="people.reference.changed"
    )


# --- Certificate of conduct (SCR-2, SCR-3) --------------------------------------------------------


def _disqualify_on_refused_vog(certificate: ConductCertificate, *, by: User) -> None:
    mentor = certificate.mentor
    if certificate.outcome == VogOutcome.REFUSED and mentor.status != MentorStatus.DISQUALIFIED:
        disqualify_mentor(mentor, by=by, reason=DisqualificationReason.VOG_REFUSED)


@transaction.atomic
def record_vog(mentor: Mentor, *, by: User, values: dict) -> ConductCertificate:
    """Record the facts of a certificate of conduct (never a copy of it).

    valid_until = issue date + 3 years. A refused VOG disqualifies the mentor for good (SCR-3).
    Side effects: an activity-log entry; on refusal, the disqualification and its side effects.
    """
    _refuse_if_disqualified(mentor)
    values = _vog_dates(dict(values))
    certificate = ConductCertificate.objects.create(mentor=mentor, **values)
    log_action(certificate, "people.vog.created", by=by, fields=values.keys())
    _disqualify_on_refused_vog(certificate, by=by)
    return certificate


@transaction.atomic
def update_vog(
    certificate: ConductCertificate, *, by: User, values: dict, expected_version: int
) -> list[str]:
    """Change a VOG record; valid_until follows the issue date; refused disqualifies (SCR-3).

    A refused certificate is the record behind a disqualification: it cannot be changed. The stored
    row decides, not `certificate` (a bound form has already copied the new values onto it).
    """
    stored = ConductCertificate.objects.select_for_update().get(pk=certificate.pk)
    if stored.outcome == VogOutcome.REFUSED:
        raise DomainError(_("SCR-3: a refused certificate of conduct cannot be changed."))
    changed = save_versioned(certificate, _vog_dates(dict(values)), expected_version=expected_version)
    if changed:
        log_action(certificate, "people.vog.changed", by=by, fields=changed)
    _disqualify_on_refused_vog(certificate, by=by)
    return changed


# --- Self-disclosure (SCR-3) ----------------------------------------------------------------------


@transaction.atomic
def record_self_disclosure(mentor: Mentor, *, by: User, values: dict) -> SelfDisclosure:
    """Record the applicant's self-disclosure.

    An offence involving children disqualifies automatically and for good (SCR-3); any other
    conviction waits for a coordinator's review; nothing disclosed needs no review.
    Side effects: an activity-log entry (field names only); possibly the disqualification.
    """
    _refuse_if_disqualified(mentor)
    values = dict(values)
    involves_children = values.get("child_sexual_offence") or values.get("child_offence")
    if involves_children:
        values["decision"] = DisclosureDecision.DISQUALIFIED
    elif values.get("other_conviction"):
        values["decision"] = DisclosureDecision.PENDING
    else:
        values["decision"] = DisclosureDecision.NO_CONCERN
    disclosure = SelfDisclosure.objects.create(mentor=mentor, **values)
    log_action(disclosure, "people.disclosure.created", by=by, fields=values.keys())
    if involves_children:
        disqualify_mentor(mentor, by=by, reason=DisqualificationReason.CHILD_OFFENCE)
    return disclosure


REVIEW_DECISIONS = (
    DisclosureDecision.NO_CONCERN,
    DisclosureDecision.ACCEPTED_WITH_CONDITIONS,
    DisclosureDecision.REJECTED,
)


@transaction.atomic
def review_disclosure(disclosure: SelfDisclosure, *, by: User, decision: str, notes: str) -> SelfDisclosure:
    """A coordinator's recorded decision on a disclosure of another conviction (SCR-3).

    A disclosure involving children is not reviewed: it disqualified the mentor already.
    Side effect: an activity-log entry with the field names.
    """
    disclosure = SelfDisclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.involves_children:
        raise DomainError(_("SCR-3: an offence involving children disqualifies; there is nothing to review."))
    if decision not in REVIEW_DECISIONS:
        raise DomainError(_("Choose a decision."))
    if decision == DisclosureDecision.ACCEPTED_WITH_CONDITIONS and not notes.strip():
        raise DomainError(_("Write down the conditions in the notes. (SCR-3)"))
    disclosure.decision = decision
    disclosure.review_notes = notes
    disclosure.reviewed_by = by
    disclosure.reviewed_on = timezone.localdate()
    disclosure.version += 1
    disclosure.save()
    log_action(
        disclosure,
        "people.disclosure.reviewed",
        by=by,
        fields=["decision", "review_notes", "reviewed_by", "reviewed_on"],
    )
    return disclosure
