"""Recruitment (REC-1..3): campaigns, public mentor applications, natural mentors, youth registration.

Every application records its campaign, channel and the applicant's own motives (REC-2); a natural
mentor records the youth whose network they come from (REC-1). The applicant is thanked by e-mail in
their own language once the transaction commits.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.mail import queue_mail
from koppel.common.domain.versioning import save_versioned, save_versioned_and_log
from koppel.people.domain.people import create_guardian, create_person, create_youth, link_guardian
from koppel.people.enums import MentorRoute, MentorStatus
from koppel.people.models import Campaign, Guardian, Intake, Interest, Mentor, RepeatApplication, Youth
from koppel.programmes.models import Programme

APPLICATION_SUBJECT = gettext_lazy("Thank you for your application as a mentor")
PROPOSAL_SUBJECT = gettext_lazy("A natural mentor was proposed")


# --- Campaigns ------------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(programme: Programme, *, by: User, values: dict) -> Campaign:
    """Start a recruitment campaign (REC-2). Side effect: an activity-log entry."""
    campaign = Campaign.objects.create(programme=programme, **values)
    log_action(campaign, "people.campaign.created", by=by, fields=values.keys())
    return campaign


@transaction.atomic
def update_campaign(campaign: Campaign, *, by: User, values: dict, expected_version: int) -> list[str]:
    """Change a campaign; refused with ConflictError when someone else saved first."""
    return save_versioned_and_log(
        campaign, values, expected_version=expected_version, by=by, action="people.campaign.changed"
    )


# --- Mentor applications --------------------------------------------------------------------------
#
# Public forms create; they never change an existing record. An application or proposal with the
# e-mail address of a mentor already in the programme (whatever their status) is kept apart as a
# RepeatApplication for a coordinator to review; nothing on the mentor changes. A unique constraint
# on (programme, lower(e-mail)) makes concurrent applications with one new address create one mentor:
# the losers of the race find it and become repeat applications (an upsert).

# What a coordinator may copy from a repeat application into the mentor (never the e-mail address,
# which identifies the mentor, nor anything a transition sets).
MERGEABLE_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "phone",
    "postcode",
    "preferred_language",
    "languages",
    "occupation",
    "motives",
    "availability",
    "interests",
    "motivation",
)
# SCR-3: what identifies a disqualified mentor stays as it is (a database guard holds it too).
_IDENTITY_FIELDS = ("first_name", "last_name", "date_of_birth")

REPEAT_SUBJECT = gettext_lazy("We received an application with your e-mail address")


def _is_empty(value: object) -> bool:
    if isinstance(value, (list, tuple, dict, QuerySet)):
        return len(value) == 0
    return value is None or value == ""


def _as_json(name: str, value: Any) -> Any:
    if Mentor._meta.get_field(name).many_to_many:
        return sorted(item.pk for item in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return sorted(value)
    return value


def _current(mentor: Mentor, name: str) -> Any:
    if Mentor._meta.get_field(name).many_to_many:
        return sorted(mentor.interests.values_list("pk", flat=True)) if name == "interests" else []
    return _as_json(name, getattr(mentor, name))


def _differences(mentor: Mentor, values: dict) -> dict:
    """The submitted values (JSON-ready) that are filled in and differ from the mentor's own."""
    differences = {}
    for name in MERGEABLE_FIELDS:
        value = values.get(name)
        if _is_empty(value):
            continue
        submitted = _as_json(name, value)
        if submitted != _current(mentor, name):
            differences[name] = submitted
    return differences


def _existing_applicant(programme: Programme, email: str) -> Mentor | None:
    return Mentor.objects.filter(programme=programme, email__iexact=email.strip()).order_by("pk").first()


def _create_or_find(programme: Programme, email: str, create: Callable[[], Mentor]) -> tuple[Mentor, bool]:
    """The mentor with `email` in `programme`, created by `create()` when there is none yet.

    Returns the mentor and whether it was there already. The insert runs in a savepoint: when a
    concurrent application created the same address first, the unique constraint refuses ours and
    the mentor it created is returned instead.
    """
    existing = _existing_applicant(programme, email)
    if existing is not None:
        return existing, True
    try:
        with transaction.atomic():
            return create(), False
    except IntegrityError:
        existing = _existing_applicant(programme, email)
        if existing is None:
            raise
        return existing, True


def _record_repeat(
    mentor: Mentor, values: dict, *, by: User | None, action: str, data: dict, **fields: object
) -> RepeatApplication:
    application = RepeatApplication.objects.create(
        mentor=mentor, values=_differences(mentor, values), applied_at=timezone.now(), **fields
    )
    log_action(
        mentor,
        action,
        by=by,
        fields=application.values.keys(),
        data={**data, "application_id": application.pk},
    )
    return application


def _create_applicant(
    programme: Programme, values: dict, *, by: User | None, action: str, data: dict
) -> Mentor:
    return create_person(Mentor, programme, by=by, values=values, action=action, data=data)


@transaction.atomic
def apply_as_mentor(campaign: Campaign, *, values: dict) -> tuple[Mentor, RepeatApplication | None]:
    """Take a public application through a campaign's link (REC-2).

    A new e-mail address in the programme becomes a new applicant, recording the campaign, its
    channel, the route (a recruited volunteer) and the time of applying; side effects: an
    activity-log entry and, after commit, a confirmation mail in `values["preferred_language"]`.

    An address the programme knows already (any status) changes nothing on that mentor: the
    application is kept as a RepeatApplication for a coordinator to review and merge by hand, the
    mentor's log says so (field names only), and after commit the mentor gets a neutral notice in
    their own language that confirms none of the submitted details. The visitor is thanked the
    same way in both cases, so the form tells nobody whether an address is known.
    Returns the mentor and the repeat application (None for a new applicant).
    """
    language = values.get("preferred_language") or settings.LANGUAGE_CODE
    now = timezone.now()
    data = {"campaign_id": campaign.pk}
    mentor, known = _create_or_find(
        campaign.programme,
        values["email"],
        lambda: _create_applicant(
            campaign.programme,
            {
                **values,
                "campaign": campaign,
                "channel": campaign.channel,
                "applied_at": now,
                "route": MentorRoute.CAMPAIGN,
                "status": MentorStatus.APPLIED,
            },
            by=None,
            action="people.mentor.applied",
            data=data,
        ),
    )
    mentor_id = mentor.pk
    if not known:
        send_application_mail(mentor_id, language=language)
        return mentor, None
    application = _record_repeat(
        mentor,
        values,
        by=None,
        action="people.mentor.applied_again",
        data=data,
        campaign=campaign,
        channel=campaign.channel,
        route=MentorRoute.CAMPAIGN,
    )
    send_repeat_mail(mentor_id)
    return mentor, application


@transaction.atomic
def propose_natural_mentor(youth: Youth, *, by: User, values: dict, relation: str, language: str) -> Mentor:
    """A youth or their parent proposes someone from the youth's own network (REC-1).

    The person becomes an applicant in the youth's programme with route "natural", `proposed_for`
    the youth and the youth's coordinator, and goes through the same screening as anyone. When the
    e-mail address already belongs to a mentor there, nothing on that mentor changes: the proposal
    is kept as a RepeatApplication for the coordinator to review.
    Side effects: activity-log entries on the mentor and the youth (ids and the relation code, never
    names); after commit, a mail to the proposed person (the confirmation in `language`, or for a
    known mentor the neutral notice in their own language) and a mail to the youth's coordinator.
    """
    data = {"youth_id": youth.pk, "relation": relation}
    mentor, known = _create_or_find(
        youth.programme,
        values["email"],
        lambda: _create_applicant(
            youth.programme,
            {
                **values,
                "preferred_language": language,
                "route": MentorRoute.NATURAL,
                "proposed_for": youth,
                "proposed_relation": relation,
                "status": MentorStatus.APPLIED,
                "applied_at": timezone.now(),
                "coordinator": youth.coordinator,
            },
            by=by,
            action="people.mentor.proposed",
            data=data,
        ),
    )
    if known:
        _record_repeat(
            mentor,
            values,
            by=by,
            action="people.mentor.proposed_again",
            data=data,
            route=MentorRoute.NATURAL,
            proposed_for=youth,
            proposed_relation=relation,
            proposed_by=by,
        )
    log_action(
        youth,
        "people.youth.natural_mentor_proposed",
        by=by,
        fields=["proposed_mentors"],
        data={"mentor_id": mentor.pk},
    )
    if known:
        send_repeat_mail(mentor.pk, natural=True)
    else:
        send_application_mail(mentor.pk, language=language, natural=True)
    send_proposal_mail_to_coordinator(mentor.pk, youth.pk)
    return mentor


def open_repeat_applications(mentor: Mentor) -> QuerySet[RepeatApplication]:
    return mentor.repeat_applications.filter(reviewed_at=None).select_related("campaign", "proposed_for")


@transaction.atomic
def merge_repeat_application(
    application: RepeatApplication, *, by: User, fields: list[str], expected_version: int
) -> list[str]:
    """Close a repeat application, copying the submitted values of `fields` into its mentor.

    With no fields it is only marked as reviewed (set aside). Refused when it was reviewed already,
    for a field it holds no value for, or for the name and date of birth of a disqualified mentor
    (SCR-3); `expected_version` is the mentor's, so an edit in between is not overwritten
    (ConflictError). Side effects: the mentor saved with the changed fields, an activity-log entry
    (field names and the application's id). Returns the names of the mentor's changed fields.
    """
    application = (
        RepeatApplication.objects.select_for_update().select_related("mentor").get(pk=application.pk)
    )
    if application.reviewed_at is not None:
        raise DomainError(_("This application was reviewed already."))
    mentor = application.mentor
    unknown = [name for name in fields if name not in application.values or name not in MERGEABLE_FIELDS]
    if unknown:
        raise DomainError(_("This application holds no value to copy for some of the chosen fields."))
    if mentor.status == MentorStatus.DISQUALIFIED and set(fields) & set(_IDENTITY_FIELDS):
        raise DomainError(_("The name and date of birth of a disqualified mentor stay as they are (SCR-3)."))
    values = {}
    for name in fields:
        value = application.values[name]
        if name == "date_of_birth":
            value = date.fromisoformat(value)
        elif name == "interests":
            value = list(Interest.objects.filter(pk__in=value))
        values[name] = value
    changed = save_versioned(mentor, values, expected_version=expected_version) if values else []
    application.reviewed_at = timezone.now()
    application.reviewed_by = by
    application.merged_fields = sorted(fields)
    application.version += 1
    application.save(update_fields=["reviewed_at", "reviewed_by", "merged_fields", "version", "updated_at"])
    log_action(
        mentor,
        "people.mentor.application_merged" if fields else "people.mentor.application_set_aside",
        by=by,
        fields=changed,
        data={"application_id": application.pk},
    )
    return changed


def send_application_mail(mentor_id: int, *, language: str, natural: bool = False) -> None:
    """Thank the applicant in their own language (queued in the outbox, in the caller's transaction);
    a natural mentor also hears who proposed them only as "someone who knows you" (no youth's name in
    an e-mail to a person not yet screened)."""
    mentor = Mentor.objects.select_related("programme").get(pk=mentor_id)
    if not mentor.email:
        return
    queue_mail(
        mentor.email,
        language=language,
        subject=APPLICATION_SUBJECT,
        template="people/mail/recruitment/application_received.txt",
        context={"mentor": mentor, "programme": mentor.programme, "natural": natural},
        log_ref=f"application received for mentor {mentor_id}",
        programme_id=mentor.programme_id,
    )


def send_repeat_mail(mentor_id: int, *, natural: bool = False) -> None:
    """Tell a known mentor, in their own language (queued in the outbox, in the caller's transaction),
    that an application or proposal came in with their address and that nothing was changed. It
    repeats none of the submitted details: they may have been typed by someone else, and this says
    so to the one person who can tell."""
    mentor = Mentor.objects.select_related("programme").get(pk=mentor_id)
    if not mentor.email:
        return
    queue_mail(
        mentor.email,
        language=mentor.preferred_language,
        subject=REPEAT_SUBJECT,
        template="people/mail/recruitment/repeat_application.txt",
        context={"mentor": mentor, "programme": mentor.programme, "natural": natural},
        log_ref=f"repeat application for mentor {mentor_id}",
        programme_id=mentor.programme_id,
    )


def send_proposal_mail_to_coordinator(mentor_id: int, youth_id: int) -> None:
    """Tell the youth's coordinator, in the coordinator's language, that a natural mentor waits
    (queued in the outbox, in the caller's transaction)."""
    youth = Youth.objects.select_related("coordinator").get(pk=youth_id)
    coordinator = youth.coordinator
    if coordinator is None or not coordinator.email:
        return
    link = settings.SITE_URL + reverse("staff:mentor_detail", args=[mentor_id])
    queue_mail(
        coordinator.email,
        language=coordinator.language,
        subject=PROPOSAL_SUBJECT,
        template="people/mail/recruitment/natural_mentor_proposed.txt",
        context={"youth": youth, "link": link, "coordinator": coordinator},
        log_ref=f"natural mentor {mentor_id} proposed for youth {youth_id}",
        programme_id=youth.programme_id,
    )


# --- Youth registration ---------------------------------------------------------------------------


@transaction.atomic
def register_youth(
    programme: Programme,
    *,
    by: User,
    values: dict,
    guardian: Guardian | None = None,
    guardian_values: dict | None = None,
    relation: str,
    has_parental_authority: bool = True,
    consent: bool,
    consent_on: date | None = None,
) -> Youth:
    """Register a youth brought in by a parent or guardian, or referred by a professional.

    Refused unless a parent or guardian consents to taking part. Creates the youth (status intake),
    the guardian when `guardian` is None (from `guardian_values`), the guardianship, and the intake
    record holding the consent. Side effects: activity-log entries for each.
    """
    if not consent:
        raise DomainError(
            _(
                "A youth can only be registered with the consent of a parent or guardian to take part. "
                "Ask for the consent and tick the box."
            )
        )
    if guardian is None and not guardian_values:
        raise DomainError(_("Choose the parent or guardian who consents, or register a new one."))
    youth = create_youth(programme, by=by, values=values)  # in intake
    if guardian is None:
        guardian = create_guardian(programme.organisation, by=by, values=guardian_values or {})
    link_guardian(youth, guardian, by=by, relation=relation, has_parental_authority=has_parental_authority)
    intake = Intake.objects.create(
        youth=youth,
        guardian_consent=True,
        consent_by=guardian,
        consent_on=consent_on or timezone.localdate(),
    )
    log_action(
        intake, "people.intake.created", by=by, fields=["guardian_consent", "consent_by", "consent_on"]
    )
    return youth
