"""Erasure (GDPR art. 17, "right to be forgotten") of a mentor, a youth or a parent/guardian.

The person's row stays, so that matches, closures, scores and counts stay in the reports, but it no
longer says who it was: names, contact details and free text are gone, the login is deleted, the
audit trail stops naming them, and the person shows as "Erased mentor #12". What art. 17(3) lets the
organisation keep is kept and said so in the plan: a disqualified mentor's name, date of birth and
e-mail address with the fact of the disqualification (SCR-3, to protect children: a disqualified
person applying again is found by `earlier_disqualifications`).

`erasure_plan` says what will happen (and refuses when erasure is not possible yet); `erase_person`
does it in one transaction and writes an ErasureLedgerEntry, so that `replay_ledger` forgets the
person again in a restored backup. docs/privacy.md explains the choices.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.base import SessionBase
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.retention import names_any, redact_logs
from koppel.common.models import ActivityLog, OutgoingMail, Reminder
from koppel.matches.enums import OPEN_STATES, ConcernStatus
from koppel.matches.models import (
    Agreement,
    Closure,
    ClosureConversation,
    Concern,
    Consent,
    Match,
    MatchEvent,
    MeetingLog,
    PairRule,
    RoundProposal,
    SupportContact,
)
from koppel.people.domain.pipeline import ALLOWED as MENTOR_ALLOWED
from koppel.people.domain.pipeline import withdraw_mentor
from koppel.people.domain.youth_status import ALLOWED as YOUTH_ALLOWED
from koppel.people.domain.youth_status import move_youth
from koppel.people.enums import MentorStatus, VogOutcome, YouthStatus
from koppel.people.models import (
    ConductCertificate,
    Guardian,
    Guardianship,
    Intake,
    Interview,
    Mentor,
    PipelineEvent,
    Reference,
    RepeatApplication,
    SelfDisclosure,
    Youth,
)
from koppel.privacy.domain.ledger import subject_hash
from koppel.privacy.domain.ledger_file import append_to_ledger_file
from koppel.privacy.domain.subjects import kind_of, matches_of, organisation_id_of
from koppel.privacy.models import ErasureLedgerEntry
from koppel.reports.models import ExportJob
from koppel.surveys.enums import ANSWERABLE, AssignmentStatus
from koppel.surveys.models import Assignment
from koppel.training.models import ExternalHours

# What stands in for a typed signature or a closed concern's outcome once erased: the database asks
# for some text there (a given consent has a typed name, a closed concern an outcome).
ERASED_MARK = "—"

Erasable = Mentor | Youth | Guardian


@dataclass(frozen=True)
class Kept:
    """Something erasure keeps, and the reason art. 17(3) allows it."""

    what: str
    reason: str


@dataclass
class ErasurePlan:
    """What erasing `person` does: fields emptied or replaced, rows deleted, texts wiped, what is kept
    and why, and the parents/guardians erased with a youth."""

    person: Erasable
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    also_erased: list[Guardian] = field(default_factory=list)

    @property
    def disqualified(self) -> bool:
        return isinstance(self.person, Mentor) and self.person.status == MentorStatus.DISQUALIFIED


# --- Who and what ------------------------------------------------------------------------------------


def _open_matches(person: Erasable) -> models.QuerySet[Match]:
    if isinstance(person, Guardian):
        return Match.objects.filter(youth__guardianships__guardian=person, state__in=OPEN_STATES).distinct()
    return matches_of(person).filter(state__in=OPEN_STATES)


def refuse_unless_erasable(person: Erasable) -> None:
    """Refuse an erasure that is not possible (yet): a person erased already, or one in a match that
    is not closed (close it first: the closure is part of the record that stays)."""
    if person.erased_at is not None:
        raise DomainError(_("This person was erased already."))
    if _open_matches(person).exists():
        if isinstance(person, Guardian):
            raise DomainError(
                _(
                    "A child of this parent or guardian is in a match that "
                    "is not closed. Close the match first."
                )
            )
        raise DomainError(_("This person is in a match that is not closed. Close the match first."))


def guardians_erased_with(youth: Youth) -> list[Guardian]:
    """The parents/guardians of `youth` who have no other child in the organisation: without the
    child nothing justifies keeping their data, so they are erased together with the youth."""
    return list(
        Guardian.objects.filter(guardianships__youth=youth, erased_at=None)
        .exclude(guardianships__in=Guardianship.objects.exclude(youth=youth))
        .distinct()
    )


def _is_disqualified(person: Erasable) -> bool:
    return isinstance(person, Mentor) and person.status == MentorStatus.DISQUALIFIED


# --- The plan ---------------------------------------------------------------------------------------


def erasure_plan(person: Erasable) -> ErasurePlan:
    """What `erase_person` will do to `person`, for the confirmation page. Raises DomainError when
    erasure is not possible yet (see `refuse_unless_erasable`). Reads only."""
    refuse_unless_erasable(person)
    plan = ErasurePlan(person=person)
    disqualified = _is_disqualified(person)
    if disqualified:
        plan.kept.append(
            Kept(
                _(
                    "Name, date of birth, e-mail address and programme, with "
                    "the fact and reason of the disqualification"
                ),
                _(
                    "To protect children (SCR-3): a disqualified person who applies again is recognised. "
                    "GDPR art. 17(3)(b) and (e)."
                ),
            )
        )
        plan.replaced.append(_("Phone number, postcode and neighbourhood are emptied."))
    else:
        plan.replaced.append(
            _(
                "Name becomes a neutral label; e-mail address, phone "
                "number, postcode and neighbourhood are emptied."
            )
        )
        if not isinstance(person, Guardian):
            plan.replaced.append(
                _("Date of birth becomes 1 July of the birth year (the age in reports stays).")
            )
    if not isinstance(person, Guardian):
        plan.removed.append(
            _(
                "Profile: languages, cultural background, interests, self-report, values and beliefs, "
                "availability."
            )
        )
    else:
        plan.removed.append(_("Languages spoken."))
    if isinstance(person, Mentor):
        plan.removed.append(
            _("Occupation, adult supervisor, neighbourhoods, motivation and the reasons of pipeline steps.")
        )
        interviews = Interview.objects.filter(mentor=person).count()
        references = Reference.objects.filter(mentor=person).count()
        repeats = RepeatApplication.objects.filter(mentor=person).count()
        plan.deleted.append(
            _(
                "Interviews: %(interviews)s, references (with the referees' names and "
                "contacts): %(references)s, second applications: %(repeats)s."
            )
            % {"interviews": interviews, "references": references, "repeats": repeats}
        )
        kept_vog = _kept_certificates(person).count()
        kept_disclosures = _kept_disclosures(person).count()
        plan.deleted.append(
            _("Certificates of conduct: %(vog)s, self-disclosures: %(disclosures)s.")
            % {
                "vog": ConductCertificate.objects.filter(mentor=person).count() - kept_vog,
                "disclosures": SelfDisclosure.objects.filter(mentor=person).count() - kept_disclosures,
            }
        )
        if kept_vog or kept_disclosures:
            plan.kept.append(
                Kept(
                    _(
                        "A refused certificate of conduct or a disclosed offence "
                        "involving children, without any text"
                    ),
                    _(
                        "Each is a fact of a disqualification (SCR-3), kept to "
                        "protect children. GDPR art. 17(3)(b)."
                    ),
                )
            )
        plan.removed.append(_("Descriptions of external training hours."))
    if isinstance(person, Youth):
        plan.removed.append(
            _(
                "Goals and wishes, the referrer's name and organisation, "
                "and the intake's motivation and wishes."
            )
        )
        plan.deleted.append(
            _("The links to parents and guardians who stay (they no longer see this child in the portal).")
        )
        plan.also_erased = guardians_erased_with(person)
    if isinstance(person, Guardian):
        plan.deleted.append(_("The links to their children (a child needs a parent who can consent)."))
        plan.removed.append(_("Notes of support contacts and closure conversations with them."))
    count = matches_of(person).count()
    if count:
        plan.removed.append(
            _(
                "In their %(count)s match(es): notes of meetings, support contacts, concerns, the agreement "
                "(goals, place, holidays), the closure and its conversations, and the match's own notes."
            )
            % {"count": count}
        )
    plan.removed.append(_("Their typed names under consents, and the text of concerns they raised."))
    plan.deleted.append(
        _(
            "Their login (with its e-mail addresses, second factors and sessions), mail and reminders to "
            "them, and every finished export of the organisation (made again on request)."
        )
    )
    plan.replaced.append(_("The audit trail keeps what was done and when, but no longer their name."))
    plan.kept.append(
        Kept(
            _("Matches, closures, survey scores, training attendance and hours, gender and birth year"),
            _(
                "Without a name or contact they count in the programme's "
                "reports only (GDPR art. 17(3)(d), art. 89)."
            ),
        )
    )
    return plan


def _kept_certificates(mentor: Mentor) -> models.QuerySet[ConductCertificate]:
    return ConductCertificate.objects.filter(mentor=mentor, outcome=VogOutcome.REFUSED)


def _kept_disclosures(mentor: Mentor) -> models.QuerySet[SelfDisclosure]:
    return SelfDisclosure.objects.filter(mentor=mentor).filter(
        Q(child_sexual_offence=True) | Q(child_offence=True)
    )


# --- Erasing ----------------------------------------------------------------------------------------


def _identifying_values(person: Erasable) -> list[str]:
    """The texts that name the person, to find them in free text elsewhere (log details, mail)."""
    values = [person.first_name, person.last_name, f"{person.first_name} {person.last_name}"]
    values += [person.email, person.phone, person.postcode]
    user = person.user
    if user is not None:
        values += [user.email, user.name]
    if isinstance(person, Mentor):
        for name, email, phone in Reference.objects.filter(mentor=person).values_list(
            "name", "email", "phone"
        ):
            values += [name, email, phone]
    if isinstance(person, Youth):
        values.append(person.referrer_name)
    return [v for v in values if v and len(v.strip()) >= 3]


def _wipe_matches(matches: models.QuerySet[Match]) -> None:
    """Every free text of the matches and their children: the whole relationship is about the
    person erased, so its notes go; the dates, kinds, durations and outcomes stay for the reports."""
    ids = list(matches.values_list("pk", flat=True))
    if not ids:
        return
    Match.objects.filter(pk__in=ids).update(origin_note="", introduction_note="", pause_reason="")
    MatchEvent.objects.filter(match_id__in=ids).update(note="")
    MeetingLog.objects.filter(match_id__in=ids).update(note="")
    SupportContact.objects.filter(match_id__in=ids).update(notes="", follow_up="")
    _wipe_concerns(Concern.objects.filter(match_id__in=ids))
    Agreement.objects.filter(match_id__in=ids).update(
        goals="", holiday_expectations="", place_detail="", contact_after_note=""
    )
    Closure.objects.filter(match_id__in=ids).update(reason_note="", contact_after_note="")
    ClosureConversation.objects.filter(closure__match_id__in=ids).update(
        notes="", went_well="", could_be_better=""
    )


def _wipe_concerns(concerns: models.QuerySet[Concern]) -> None:
    concerns.update(text="")
    concerns.filter(status=ConcernStatus.CLOSED).update(outcome=ERASED_MARK)
    concerns.exclude(status=ConcernStatus.CLOSED).update(outcome="")


def _wipe_consents(consents: models.QuerySet[Consent]) -> None:
    consents.filter(given_at__isnull=False).update(typed_name=ERASED_MARK)
    consents.filter(given_at__isnull=True).update(typed_name="")


def _profile_values(person: Mentor | Youth) -> dict[str, Any]:
    values: dict[str, Any] = {
        "phone": "",
        "postcode": "",
        "neighbourhood": "",
        "cultural_background": "",
        "languages": [],
        "personality": {},
        "values_beliefs": "",
        "availability": [],
        "interests_other": "",
    }
    if not _is_disqualified(person):
        # SCR-3: a disqualified mentor keeps what identifies them (a database trigger holds it too).
        values |= {
            "first_name": "",
            "last_name": "",
            "email": "",
            "date_of_birth": date(person.date_of_birth.year, 7, 1),
        }
    return values


def _erase_mentor(mentor: Mentor, *, by: User | None) -> None:
    if MentorStatus.WITHDRAWN in MENTOR_ALLOWED[mentor.status]:
        # Out of the pool by the pipeline's own table: an erased mentor is never proposed again.
        withdraw_mentor(mentor, by=by, mail=False)
    Interview.objects.filter(mentor=mentor).delete()
    Reference.objects.filter(mentor=mentor).delete()
    RepeatApplication.objects.filter(mentor=mentor).delete()
    ConductCertificate.objects.filter(mentor=mentor).exclude(pk__in=_kept_certificates(mentor)).delete()
    SelfDisclosure.objects.filter(mentor=mentor).exclude(pk__in=_kept_disclosures(mentor)).delete()
    _kept_disclosures(mentor).update(other_details="", review_notes="")
    PipelineEvent.objects.filter(mentor=mentor).update(reason="")
    ExternalHours.objects.filter(mentor=mentor).update(description="")
    PairRule.objects.filter(mentor=mentor).update(note="")
    RoundProposal.objects.filter(mentors=mentor).update(details=[])
    _wipe_consents(Consent.objects.filter(mentor=mentor))
    Assignment.objects.filter(mentor=mentor, status__in=ANSWERABLE).update(status=AssignmentStatus.CANCELLED)
    mentor.interests.clear()
    values = _profile_values(mentor) | {
        "occupation": "",
        "adult_supervisor": "",
        "travel_neighbourhoods": [],
        "motivation": "",
    }
    Mentor.objects.filter(pk=mentor.pk).update(**values)


def _erase_youth(youth: Youth, *, by: User | None) -> None:
    if YouthStatus.WITHDRAWN in YOUTH_ALLOWED.get(youth.status, ()):
        move_youth(youth, YouthStatus.WITHDRAWN, by=by, action="people.youth.withdrawn")
    intake = Intake.objects.filter(youth=youth).first()
    if intake is not None:
        Intake.objects.filter(pk=intake.pk).update(motivation="", wish_kind_of_person="", wish_location="")
        intake.wish_interests.clear()
    # A parent who stays (another child) no longer sees this child; the link to a parent erased
    # with the child stays, between two rows that name nobody, so the reports' guardian figures
    # (SUP-1) do not change.
    Guardianship.objects.filter(youth=youth).exclude(guardian__in=guardians_erased_with(youth)).delete()
    PairRule.objects.filter(youth=youth).update(note="")
    RoundProposal.objects.filter(youth=youth).update(details=[])
    _wipe_consents(Consent.objects.filter(youth=youth))
    Assignment.objects.filter(youth=youth, status__in=ANSWERABLE).update(status=AssignmentStatus.CANCELLED)
    youth.interests.clear()
    values = _profile_values(youth) | {
        "goals": "",
        "wishes": "",
        "referrer_name": "",
        "referrer_organisation": "",
    }
    Youth.objects.filter(pk=youth.pk).update(**values)


def _erase_guardian(guardian: Guardian, *, by: User | None) -> None:
    # A child who stays must not wait for the consent of a parent who can no longer give it (AGR-1).
    Guardianship.objects.filter(guardian=guardian, youth__erased_at=None).delete()
    _wipe_consents(Consent.objects.filter(guardian=guardian))
    SupportContact.objects.filter(guardian=guardian).update(notes="", follow_up="")
    ClosureConversation.objects.filter(guardian=guardian).update(notes="", went_well="", could_be_better="")
    Assignment.objects.filter(guardian=guardian, status__in=ANSWERABLE).update(
        status=AssignmentStatus.CANCELLED
    )
    Guardian.objects.filter(pk=guardian.pk).update(
        first_name="", last_name="", email="", phone="", postcode="", languages=[]
    )


def _text_matching(queryset: models.QuerySet, columns: list[str], values: list[str]) -> models.QuerySet:
    """The rows of `queryset` whose `columns` (text or JSON) hold one of `values`."""
    condition = Q()
    for i, column in enumerate(columns):
        queryset = queryset.annotate(**{f"_text{i}": Cast(column, TextField())})
        for value in values:
            condition |= Q(**{f"_text{i}__icontains": value})
            escaped = json.dumps(value)[1:-1]
            if escaped != value:
                condition |= Q(**{f"_text{i}__icontains": escaped})
    return queryset.filter(condition) if condition else queryset.none()


def redact_text(text: str, values: list[str]) -> str:
    """`text` with each whole-word occurrence of one of `values` replaced by "…"."""
    for value in sorted(values, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", "…", text, flags=re.IGNORECASE)
    return text


def _forget_mail_and_reminders(person: Erasable, values: list[str]) -> None:
    """Mail and reminders to the person go; mail to someone else that names them (a coordinator's
    notice) still goes, with their name and addresses cut out."""
    addresses = [v for v in {person.email, getattr(person.user, "email", "")} if v]
    to_them = Q()
    for address in addresses:
        to_them |= Q(to__iexact=address)
    if to_them:
        OutgoingMail.objects.filter(to_them).delete()
    for mail in _text_matching(OutgoingMail.objects.all(), ["subject", "body"], values):
        subject, body = redact_text(mail.subject, values), redact_text(mail.body, values)
        if (subject, body) != (mail.subject, mail.body):
            OutgoingMail.objects.filter(pk=mail.pk).update(subject=subject, body=body)
    reminders = Reminder.objects.filter(
        content_type=ContentType.objects.get_for_model(person), object_id=person.pk
    )
    for address in addresses:
        reminders |= Reminder.objects.filter(email__iexact=address)
    reminders.delete()
    for reminder in _text_matching(Reminder.objects.all(), ["context"], values):
        try:
            context = json.loads(redact_text(json.dumps(reminder.context, ensure_ascii=False), values))
        except ValueError:  # a name that was also JSON syntax: the reminder goes instead
            Reminder.objects.filter(pk=reminder.pk).delete()
            continue
        if context != reminder.context:
            Reminder.objects.filter(pk=reminder.pk).update(context=context)


def _forget_login(person: Erasable) -> None:
    """Delete the person's login with its e-mail addresses, second factors and sessions (cascade),
    unless it is also a staff login: then only the link to the person goes."""
    user = person.user
    if user is None:
        return
    type(person).objects.filter(pk=person.pk).update(user=None)
    if user.coordinator_roles.exists() or user.administrator_roles.exists():
        return
    store: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    for key in (
        apps.get_model("usersessions", "UserSession")
        .objects.filter(user=user)
        .values_list("session_key", flat=True)
    ):
        store(session_key=key).delete()
    get_user_model().objects.filter(pk=user.pk).delete()


def _forget_admin_history(values: list[str]) -> None:
    """The Django admin's own history names objects as they were shown then (their `str`)."""
    for entry in _text_matching(LogEntry.objects.all(), ["object_repr", "change_message"], values):
        if names_any(entry.object_repr, values) or names_any(entry.change_message, values):
            LogEntry.objects.filter(pk=entry.pk).update(object_repr=f"#{entry.object_id}", change_message="")


def _forget_exports(organisation_id: int, before: datetime) -> int:
    """Finished exports of the organisation may name the person; they are made again on request."""
    deleted, _by_model = ExportJob.objects.filter(
        organisation_id=organisation_id, created_at__lt=before, status__in=["done", "failed"]
    ).delete()
    return deleted


def _forget_archives(person: Erasable) -> int:
    """Rows of the privacy app that point at the person (a subject access archive holds a copy of
    all their data): deleted. Found by their foreign key, so a model added later is covered too."""
    deleted = 0
    for model in apps.get_app_config("privacy").get_models():
        for f in model._meta.get_fields():
            if f.is_relation and f.many_to_one and f.related_model is type(person):
                deleted += model._base_manager.filter(**{f.name: person}).delete()[0]
    return deleted


def _erase(person: Erasable, *, by: User | None, now: datetime) -> dict[str, int]:
    """Erase one person (the caller holds the transaction and the row lock). Returns counts for
    the audit row."""
    values = _identifying_values(person)
    user_id = person.user_id
    if isinstance(person, Mentor):
        _erase_mentor(person, by=by)
    elif isinstance(person, Youth):
        _erase_youth(person, by=by)
    else:
        _erase_guardian(person, by=by)
    _wipe_matches(matches_of(person))
    if user_id is not None:
        _wipe_concerns(Concern.objects.filter(raised_by_id=user_id))
    _forget_mail_and_reminders(person, values)
    _forget_login(person)
    logs = redact_logs(user_id=user_id, values=values)
    _forget_admin_history(values)
    exports = _forget_exports(organisation_id_of(person), now)
    archives = _forget_archives(person)
    type(person).objects.filter(pk=person.pk).update(
        erased_at=now, updated_at=now, version=models.F("version") + 1
    )
    return {"logs_redacted": logs, "exports_deleted": exports, "archives_deleted": archives}


def _lock(person: Erasable) -> Erasable:
    return type(person).objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)


def _scrubbed_reason(reason: str, values: list[str]) -> str:
    return redact_text(reason.strip(), values)[:500]


def _write_ledger_file(entry: ErasureLedgerEntry) -> None:
    """Copy the ledger row to the ledger file outside the database (privacy/domain/ledger_file.py),
    before the transaction commits: a file that cannot be written refuses the erasure rather than
    erase without the copy a restore onto a new machine needs."""
    try:
        append_to_ledger_file(entry)
    except OSError as e:
        raise DomainError(_("The erasure ledger file cannot be written, so nothing was erased.")) from e


def _record(
    person: Erasable, *, by: User | None, now: datetime, reason: str, counts: dict, replay: bool
) -> ErasureLedgerEntry:
    entry, created = ErasureLedgerEntry.objects.get_or_create(
        subject_hash=subject_hash(person), defaults={"erased_at": now}
    )
    if created:
        _write_ledger_file(entry)
    log_action(
        entry,
        "privacy.person.replayed" if replay else "privacy.person.erased",
        by=by,
        data={
            "kind": kind_of(person),
            "organisation": organisation_id_of(person),
            "reason": reason,
            **counts,
        },
    )
    return entry


@transaction.atomic
def erase_person(person: Erasable, *, by: User, reason: str) -> ErasureLedgerEntry:
    """Erase a mentor, youth or parent/guardian (GDPR art. 17), in one transaction.

    Refused (DomainError) for a person erased already, or in a match that is not closed, or without
    a reason. Side effects: the person's fields emptied or replaced and `erased_at` set; their free
    texts wiped and screening details deleted (erasure_plan lists it all); a mentor or youth still
    in the pipeline moved to "withdrawn" by the status tables; a youth's guardians with no other
    child erased with them; their login deleted; mail, reminders, finished exports of the
    organisation deleted; the audit trail's labels and details that name them rewritten; an
    ErasureLedgerEntry per person erased and an activity-log row on it that names nobody.
    """
    person = _lock(person)
    refuse_unless_erasable(person)
    if not reason.strip():
        raise DomainError(_("Say why this person is erased."))
    now = timezone.now()
    values = _identifying_values(person)
    companions = guardians_erased_with(person) if isinstance(person, Youth) else []
    counts = _erase(person, by=by, now=now)
    entry = _record(
        person, by=by, now=now, reason=_scrubbed_reason(reason, values), counts=counts, replay=False
    )
    for companion in companions:
        guardian = _lock(companion)
        guardian_values = _identifying_values(guardian)
        counts = _erase(guardian, by=by, now=now)
        _record(
            guardian,
            by=by,
            now=now,
            reason=_scrubbed_reason(reason, values + guardian_values),
            counts={**counts, "with_youth": 1},
            replay=False,
        )
    return entry


@transaction.atomic
def replay_ledger(*, by: User | None = None) -> int:
    """Erase again every person the ledger names who is not erased in this database (after a backup
    was restored). A match still open in the restored copy does not stop it: the person was erased.
    Returns how many people were erased."""
    hashes = set(ErasureLedgerEntry.objects.values_list("subject_hash", flat=True))
    if not hashes:
        return 0
    now = timezone.now()
    erased = 0
    for model in (Mentor, Youth, Guardian):
        for person in model.objects.filter(erased_at=None).select_related("user").order_by("pk"):
            if subject_hash(person) not in hashes:
                continue
            person = _lock(person)
            counts = _erase(person, by=by, now=now)
            _record(person, by=by, now=now, reason="", counts=counts, replay=True)
            erased += 1
    return erased


def erasure_records(organisation_ids: Iterable[int]) -> models.QuerySet[ActivityLog]:
    """The audit rows of the erasures of people of these organisations, newest first: when, by
    whom, why, what kind of person; never who."""
    return ActivityLog.objects.filter(
        action__in=["privacy.person.erased", "privacy.person.replayed"],
        content_type=ContentType.objects.get_for_model(ErasureLedgerEntry),
        data__organisation__in=list(organisation_ids),
    ).select_related("actor")
