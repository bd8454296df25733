"""The written agreement of a match and each party's consent (AGR-1, REL-2, REL-3, REL-4).

An agreement is versioned: every change is a new version (number = last + 1) that asks every party
for consent again. The parties are every mentor of the match, every guardian with parental authority
and the youth; each consents in the portal, through a personal signed link that expires, or on paper
(recorded by staff). The match starts only when all have consented (the gate is in
`lifecycle.activate_match`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.accounts.models import User
from koppel.common.domain import attempts
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import ConflictError, DomainError
from koppel.common.domain.mail import queue_mail
from koppel.matches.domain.lifecycle import latest_agreement, lock_match, move_match, required_parties
from koppel.matches.enums import ConsentVia, ContactAfterClosure, MatchState, Party
from koppel.matches.models import Agreement, Consent, Match, MatchMentor
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.enums import Approach, Location

# A match gets (a new version of) its agreement once introduced, and until it starts closing.
WRITABLE_STATES = [MatchState.INTRODUCED, MatchState.AGREED, MatchState.ACTIVE]
# Consent is given to the agreement of an agreed or active match.
CONSENT_STATES = [MatchState.AGREED, MatchState.ACTIVE]
# The longest meeting interval an agreement may hold (AGR-1 asks for weekly by default).
MAX_INTERVAL_DAYS = 31
# A youth this young gets the agreement in short, simple sentences.
SIMPLE_WORDING_BELOW_AGE = 12
# Below this age a youth's consent link goes to their parents, not to the youth.
OWN_LINK_FROM_AGE = 16

AGREEMENT_FIELDS = (
    "start_date",
    "duration_months",
    "meeting_interval_days",
    "place",
    "place_detail",
    "approach",
    "goals",
    "holiday_expectations",
    "contact_after",
    "contact_after_note",
)

LINK_SALT = "koppel.matches.consent-link"

MAIL_SUBJECT = gettext_lazy("Your consent to the mentoring agreement")
MAIL_SUBJECT_FOR_CHILD = gettext_lazy("Your child's consent to the mentoring agreement")

Person = Mentor | Guardian | Youth


def person_of(consent: Consent) -> Person:
    person = consent.mentor or consent.guardian or consent.youth
    if person is None:  # cannot happen: a database constraint makes every consent name its party
        raise DomainError(_("This consent names no person."))
    return person


def consents_of(agreement: Agreement) -> QuerySet[Consent]:
    return Consent.objects.filter(agreement=agreement).select_related("mentor", "guardian", "youth")


# --- Writing the agreement ------------------------------------------------------------------------


def agreement_defaults(match: Match) -> dict[str, Any]:
    """The form's starting values: the latest version, or else the programme's defaults and the
    youth's goals (AGR-1: 12 months, weekly; REL-3: the programme's place; REL-5: its approach)."""
    latest = latest_agreement(match)
    if latest is not None:
        return {name: getattr(latest, name) for name in AGREEMENT_FIELDS}
    programme = match.programme
    locations = list(programme.locations or [])
    return {
        "start_date": timezone.localdate(),
        "duration_months": programme.settings.min_duration_months,
        "meeting_interval_days": programme.settings.meeting_interval_days,
        "place": locations[0] if locations else Location.FREE,
        "place_detail": "",
        "approach": programme.approach,
        "goals": match.youth.goals,
        "holiday_expectations": "",
        "contact_after": ContactAfterClosure.THROUGH_PROGRAMME,
        "contact_after_note": "",
    }


def _check_terms(match: Match, values: dict[str, Any]) -> None:
    programme = match.programme
    programme_settings = programme.settings
    if values.get("start_date") is None:
        raise DomainError(_("Give the date the match starts."))
    duration = values.get("duration_months") or 0
    if duration < 1:
        raise DomainError(_("The duration is at least one month."))
    minimum = programme_settings.min_duration_months
    # AGR-1, REL-2: at least the programme's minimum; shorter only for instrumental support with a
    # clear goal.
    if duration < minimum and not (
        values.get("approach") == Approach.INSTRUMENTAL and str(values.get("goals", "")).strip()
    ):
        raise DomainError(
            _(
                "AGR-1: a match lasts at least %(minimum)s months in this programme. A shorter match is "
                "possible only for instrumental support (goal first) with its goal written down."
            )
            % {"minimum": minimum}
        )
    interval = values.get("meeting_interval_days") or 0
    if not 1 <= interval <= MAX_INTERVAL_DAYS:
        raise DomainError(
            _("AGR-1: mentor and youth meet at least once every %(days)s days.") % {"days": MAX_INTERVAL_DAYS}
        )
    locations = list(programme.locations or [])
    if values.get("place") not in Location.values:
        raise DomainError(_("Choose where mentor and youth meet."))
    if locations and values["place"] not in locations:  # REL-3
        raise DomainError(
            _("REL-3: this programme meets at: %(places)s.")
            % {"places": ", ".join(programme.get_locations_display())}
        )
    if values.get("approach") not in Approach.values:
        raise DomainError(_("Choose the approach."))
    if values.get("contact_after") not in ContactAfterClosure.values:
        raise DomainError(_("Say what contact is allowed after the match ends."))
    if (
        programme_settings.holiday_expectations_required
        and not str(values.get("holiday_expectations", "")).strip()
    ):
        raise DomainError(
            _("REL-4: this is a school-based programme; write down what happens in the holiday months.")
        )


@transaction.atomic
def write_agreement(
    match: Match, *, by: User, values: dict[str, Any], expected_number: int | None = None
) -> Agreement:
    """Write a new version of the match's agreement and ask every party for consent to it. The terms
    are checked first (AGR-1, REL-2: a duration of at least the programme's minimum).

    `expected_number` is the latest version the writer saw (0 for none): when someone wrote a newer
    version meanwhile, ConflictError. Side effects: the agreement and one pending Consent per party;
    an introduced match moves to agreed (a MatchEvent); activity-log entries.
    """
    match = lock_match(match)
    if match.state not in WRITABLE_STATES:
        raise DomainError(
            _("An agreement is written for an introduced, agreed or active match, not for a %(state)s one.")
            % {"state": MatchState(match.state).label.lower()}
        )
    values = {name: values.get(name, "") for name in AGREEMENT_FIELDS}
    for text in ("place_detail", "goals", "holiday_expectations", "contact_after_note"):
        values[text] = str(values[text] or "").strip()
    _check_terms(match, values)
    previous = latest_agreement(match)
    number = previous.number if previous is not None else 0
    if expected_number is not None and expected_number != number:
        raise ConflictError(
            _(
                "Someone wrote a newer version of this agreement while you were editing it. Your "
                "changes were not saved; the form below shows what you typed. Reload the page to see "
                "the latest version."
            )
        )
    if not MatchMentor.objects.filter(match=match).exists():
        raise DomainError(_("This match has no mentor."))
    agreement = Agreement.objects.create(match=match, number=number + 1, created_by=by, **values)
    consents = required_parties(match)
    for consent in consents:
        consent.agreement = agreement
    Consent.objects.bulk_create(consents)
    changed = (
        list(AGREEMENT_FIELDS)
        if previous is None
        else [name for name in AGREEMENT_FIELDS if getattr(previous, name) != values[name]]
    )
    log_action(
        agreement,
        "matches.agreement.written",
        by=by,
        fields=changed,
        data={"match": match.pk, "number": agreement.number, "parties": len(consents)},
    )
    if match.state == MatchState.INTRODUCED:
        move_match(
            match,
            MatchState.AGREED,
            by=by,
            note=_("Agreement version %(n)s") % {"n": agreement.number},
            values={"agreed_on": timezone.localdate()},
        )
    return agreement


# --- Consent --------------------------------------------------------------------------------------


def normal_name(name: str) -> str:
    """A name compared without case, accents and extra spaces: "  José  de Vries" == "jose de vries"."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _check_open(consent: Consent) -> None:
    agreement = consent.agreement
    latest = latest_agreement(agreement.match)
    if latest is None or latest.pk != agreement.pk:
        raise DomainError(
            _("This is an older version of the agreement: a newer version replaced it. Ask for a new link.")
        )
    if consent.given_at is not None:
        raise DomainError(_("This consent was given already. Thank you; there is nothing more to do."))
    if agreement.match.state not in CONSENT_STATES:
        raise DomainError(_("This match no longer asks for consent."))


def _name_matches(consent: Consent, typed_name: str) -> bool:
    return bool(typed_name.strip()) and normal_name(typed_name) == normal_name(person_of(consent).full_name)


def _name_mismatch() -> DomainError:
    return DomainError(
        _(
            "The name does not match. Type the full name (first name and last name) as the "
            "programme knows it, as a signature."
        )
    )


def attempts_key(consent: Consent) -> str:
    """The key that counts wrong names typed for this consent (common/domain/attempts.py)."""
    return f"consent:{consent.pk}"


def _give(consent: Consent, *, typed_name: str, via: str, at: datetime, by: User | None) -> Consent:
    consent = (
        Consent.objects.select_for_update(of=("self",))
        .select_related("agreement__match", "mentor", "guardian", "youth")
        .get(pk=consent.pk)
    )
    _check_open(consent)
    if via not in ConsentVia.values:
        raise DomainError(_("Say how the consent was given."))
    if not _name_matches(consent, typed_name):
        raise _name_mismatch()
    consent.given_at = at
    consent.typed_name = " ".join(typed_name.split())[:200]
    consent.via = via
    consent.save(update_fields=["given_at", "typed_name", "via", "updated_at"])
    # The typed name is a personal value: the log holds only which fields changed.
    log_action(
        consent,
        "matches.consent.given",
        by=by,
        fields=["given_at", "typed_name", "via"],
        data={"agreement": consent.agreement_id, "party": consent.party, "via": via},
    )
    return consent


def give_consent(consent: Consent, *, typed_name: str, via: str, by: User | None = None) -> Consent:
    """The party consents to the agreement by typing their full name (AGR-1: written consent with
    date and time). Refused for an older version, a consent given already, or a name that does not
    match. The typed name is a check too (whoever holds the link must know the party's full name),
    so wrong names are limited: after `attempts.LIMIT` in `attempts.WINDOW` every name is refused
    (TooManyAttempts) until the hour has passed.

    Side effects: an activity-log entry (without the typed name); a wrong name is counted
    (`FailedAttempt`, kept although the consent is refused)."""
    key = attempts_key(consent)
    with transaction.atomic():
        # The consent's row lock makes the count and the check one step (two requests queue).
        locked = (
            Consent.objects.select_for_update(of=("self",))
            .select_related("agreement__match", "mentor", "guardian", "youth")
            .get(pk=consent.pk)
        )
        _check_open(locked)
        attempts.refuse_when_locked(key)
        if _name_matches(locked, typed_name):
            attempts.forget_failures(key)
            return _give(locked, typed_name=typed_name, via=via, at=timezone.now(), by=by)
        attempts.record_failure(key)
    # Raised after the transaction, so the wrong name stays counted.
    raise _name_mismatch()


@transaction.atomic
def record_paper_consent(consent: Consent, *, by: User, typed_name: str, given_on: date) -> Consent:
    """Staff record a consent signed on paper (via=paper), on the day it was signed.

    Side effects: an activity-log entry (without the typed name)."""
    if given_on > timezone.localdate():
        raise DomainError(_("The day of signing cannot be in the future."))
    written_on = timezone.localtime(consent.agreement.created_at).date()
    if given_on < written_on:
        raise DomainError(_("The day of signing cannot be before this version of the agreement was written."))
    at = timezone.make_aware(datetime.combine(given_on, time(12, 0)))
    if given_on == timezone.localdate():
        at = timezone.now()
    return _give(consent, typed_name=typed_name, via=ConsentVia.PAPER, at=at, by=by)


# --- Personal signed links ------------------------------------------------------------------------


class LinkInvalid(DomainError):
    """A forged, damaged or unknown personal link (the page answers 404, as for a survey link)."""


class LinkExpired(DomainError):
    """A personal link older than the programme's consent_link_days."""


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=LINK_SALT)


def goes_to_parents(consent: Consent) -> bool:
    """A youth under OWN_LINK_FROM_AGE gets no link of their own: it goes to their parents."""
    if consent.party != Party.YOUTH:
        return False
    age = consent.youth.age if consent.youth else None
    return age is None or age < OWN_LINK_FROM_AGE


def consent_link(consent: Consent, *, language: str = "") -> str:
    """The absolute URL of the consent's personal link: signed, valid for the programme's
    `consent_link_days` from now. `language` is the recipient's, so the page opens in it; a link
    that goes to a young youth's parents says so (the page tells them the consent is the child's)."""
    payload: dict[str, int | str] = {"c": consent.pk, "n": consent.agreement.number}
    if language:
        payload["l"] = language
    if goes_to_parents(consent):
        payload["p"] = 1
    token = _signer().sign_object(payload)
    return settings.SITE_URL + reverse("links:consent", args=[token])


@dataclass(frozen=True)
class LinkDetails:
    language: str  # the language the page opens in ("" when the link cannot say)
    for_child: bool  # sent to a parent, for their child's own consent


def link_details(token: str) -> LinkDetails:
    """What a personal link says of its recipient, also once it expired or was used (so the page that
    says so is in their language too): the recipient's language, else that of the person whose consent
    it is (never the browser's), and whether it went to a parent for their child. No validity check:
    `consent_from_token` does that."""
    try:
        payload = _signer().unsign_object(token)  # no max_age: an expired link still says this
        language = payload.get("l", "")
        if not language:
            consent = Consent.objects.select_related("mentor", "guardian", "youth").get(pk=payload["c"])
            language = person_of(consent).preferred_language
    except (signing.BadSignature, AttributeError, KeyError, TypeError, ValueError, Consent.DoesNotExist):
        return LinkDetails("", False)
    return LinkDetails(language, bool(payload.get("p")))


def consent_from_token(token: str) -> Consent:
    """The consent a personal link is for; DomainError when the link was altered, has expired,
    belongs to an older version of the agreement, or was used already."""
    invalid = LinkInvalid(_("This link is not valid. Ask the coordinator for a new link."))
    try:
        payload = _signer().unsign_object(token)
        consent = (
            Consent.objects.select_related(
                "agreement__match__programme__settings",
                "agreement__match__youth",
                "mentor",
                "guardian",
                "youth",
            )
            .filter(agreement__number=payload["n"])
            .get(pk=payload["c"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Consent.DoesNotExist):
        raise invalid from None
    days = consent.agreement.match.programme.settings.consent_link_days
    try:
        _signer().unsign_object(token, max_age=timedelta(days=days))
    except signing.SignatureExpired:
        raise LinkExpired(_("This link has expired. Ask the coordinator for a new link.")) from None
    _check_open(consent)
    return consent


@dataclass
class LinksSent:
    """What send_consent_links did: the consents a mail went out for, and those without any address."""

    mailed: list[Consent] = field(default_factory=list)
    without_address: list[Consent] = field(default_factory=list)
    via_parents: list[Consent] = field(default_factory=list)


def _recipients(consent: Consent, guardians: list[Guardian]) -> list[tuple[Person, bool]]:
    """(person to mail, whether they get it for their child). A youth under OWN_LINK_FROM_AGE gets no
    mail of their own: their link goes to their guardians with parental authority."""
    person = person_of(consent)
    if goes_to_parents(consent):
        return [(g, True) for g in guardians if g.email]
    return [(person, False)] if person.email else []


@transaction.atomic
def send_consent_links(agreement: Agreement, *, by: User) -> LinksSent:
    """E-mail each pending party of the (latest) agreement their personal link, in their own
    language. A youth under 16 gets no mail: their link goes to their parents.

    Side effects: mails queued in the outbox in this transaction (the worker delivers them and
    retries a failing mail server; each sets its consent's link_sent_at); an activity-log entry.
    """
    latest = latest_agreement(agreement.match)
    if latest is None or latest.pk != agreement.pk:
        raise DomainError(_("Links are sent for the latest version of the agreement only."))
    if agreement.match.state not in CONSENT_STATES:
        raise DomainError(_("This match no longer asks for consent."))
    pending = list(consents_of(agreement).filter(given_at__isnull=True))
    guardians = list(
        Guardian.objects.filter(
            guardianships__youth_id=agreement.match.youth_id, guardianships__has_parental_authority=True
        ).order_by("id")
    )
    result = LinksSent()
    for consent in pending:
        recipients = _recipients(consent, guardians)
        if not recipients:
            result.without_address.append(consent)
            continue
        result.mailed.append(consent)
        if recipients[0][1]:
            result.via_parents.append(consent)
        for person, for_child in recipients:
            send_consent_mail(
                consent.pk, recipient_kind=type(person).__name__, recipient_id=person.pk, for_child=for_child
            )
    log_action(
        agreement,
        "matches.agreement.links_sent",
        by=by,
        data={"consents": [c.pk for c in result.mailed], "without_address": len(result.without_address)},
    )
    return result


_RECIPIENT_MODELS: dict[str, type[Mentor] | type[Guardian] | type[Youth]] = {
    "Mentor": Mentor,
    "Guardian": Guardian,
    "Youth": Youth,
}


def send_consent_mail(consent_id: int, *, recipient_kind: str, recipient_id: int, for_child: bool) -> None:
    """Queue the mail with one consent link in the outbox and set the consent's link_sent_at."""
    consent = Consent.objects.select_related(
        "agreement__match__programme", "agreement__match__youth", "mentor", "guardian", "youth"
    ).get(pk=consent_id)
    recipient = _RECIPIENT_MODELS[recipient_kind].objects.get(pk=recipient_id)
    match = consent.agreement.match
    queue_mail(
        recipient.email,
        language=recipient.preferred_language,
        subject=MAIL_SUBJECT_FOR_CHILD if for_child else MAIL_SUBJECT,
        template="mail/consent_link_for_child.txt" if for_child else "mail/consent_link.txt",
        context={
            "recipient": recipient,
            "youth": match.youth,
            "programme": match.programme,
            "link": consent_link(consent, language=recipient.preferred_language),
            "days": match.programme.settings.consent_link_days,
        },
        log_ref=f"consent link {consent_id}",
        programme_id=match.programme_id,
    )
    Consent.objects.filter(pk=consent_id).update(link_sent_at=timezone.now())
