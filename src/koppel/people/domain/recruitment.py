"""Recruitment (REC-1..3): campaigns, public mentor applications, natural mentors, youth registration.

Every application records its campaign, channel and the applicant's own motives (REC-2); a natural
mentor records the youth whose network they come from (REC-1). The applicant is thanked by e-mail in
their own language once the transaction commits.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.mail import queue_mail
from koppel.common.domain.versioning import save_versioned
from koppel.people.domain.people import create_guardian, create_person, create_youth, link_guardian
from koppel.people.enums import MentorRoute, MentorStatus
from koppel.people.models import Campaign, Guardian, Intake, Mentor, Youth
from koppel.programmes.models import Programme

APPLICATION_SUBJECT = gettext_lazy("Thank you for your application as a mentor")
PROPOSAL_SUBJECT = gettext_lazy("A natural mentor was proposed")


# --- Campaigns ------------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(programme: Programme, *, by, values: dict) -> Campaign:
    """Start a recruitment campaign (REC-2). Side effect: an activity-log entry."""
    campaign = Campaign.objects.create(programme=programme, **values)
    log_action(campaign, "people.campaign.created", by=by, fields=values.keys())
    return campaign


@transaction.atomic
def update_campaign(campaign: Campaign, *, by, values: dict, expected_version: int) -> list[str]:
    """Change a campaign; refused with ConflictError when someone else saved first."""
    changed = save_versioned(campaign, values, expected_version=expected_version)
    if changed:
        log_action(campaign, "people.campaign.changed", by=by, fields=changed)
    return changed


# --- Mentor applications --------------------------------------------------------------------------


def _is_empty(value) -> bool:
    if isinstance(value, (list, tuple, dict, QuerySet)):
        return len(value) == 0
    return value is None or value == ""


def _fill_empty(mentor: Mentor, values: dict) -> list[str]:
    """Copy the values whose field on `mentor` is still empty; return the names of the fields filled."""
    filled = []
    for name, value in values.items():
        if _is_empty(value):
            continue
        field = Mentor._meta.get_field(name)
        if field.many_to_many:
            if not getattr(mentor, name).exists():
                getattr(mentor, name).set(value)
                filled.append(name)
        elif _is_empty(getattr(mentor, name)):
            setattr(mentor, name, value)
            filled.append(name)
    return filled


def _existing_applicant(programme: Programme, email: str) -> Mentor | None:
    return (
        Mentor.objects.select_for_update()
        .filter(programme=programme, email__iexact=email.strip())
        .order_by("pk")
        .first()
    )


def _join(mentor: Mentor, values: dict, *, by, action: str, data: dict) -> Mentor:
    """A second application (or proposal) for the same e-mail address joins the first applicant:
    only empty fields are filled, the first campaign stays, and the log says what was joined."""
    filled = _fill_empty(mentor, values)
    plain = [name for name in filled if not Mentor._meta.get_field(name).many_to_many]
    mentor.version += 1
    mentor.save(update_fields=[*plain, "updated_at", "version"])
    log_action(mentor, action, by=by, fields=filled, data=data)
    return mentor


def _create_applicant(programme: Programme, values: dict, *, by, action: str, data: dict) -> Mentor:
    return create_person(Mentor, programme, by=by, values=values, action=action, data=data)


@transaction.atomic
def apply_as_mentor(campaign: Campaign, *, values: dict) -> tuple[Mentor, bool]:
    """Take a public application through a campaign's link (REC-2).

    Records the campaign, its channel, the route (a recruited volunteer) and the time of applying.
    A second application with the same e-mail address in the same programme joins the existing
    applicant (empty fields filled, the first campaign kept, the new one in the activity log).
    Side effects: an activity-log entry; after commit, a confirmation mail in the applicant's
    language (`values["preferred_language"]`). Returns the mentor and whether an applicant was joined.
    """
    language = values.get("preferred_language") or settings.LANGUAGE_CODE
    recorded = {
        **values,
        "campaign": campaign,
        "channel": campaign.channel,
        "applied_at": timezone.now(),
    }
    existing = _existing_applicant(campaign.programme, values["email"])
    if existing is not None:
        mentor = _join(
            existing,
            recorded,
            by=None,
            action="people.mentor.applied_again",
            data={"campaign_id": campaign.pk},
        )
    else:
        mentor = _create_applicant(
            campaign.programme,
            {**recorded, "route": MentorRoute.CAMPAIGN, "status": MentorStatus.APPLIED},
            by=None,
            action="people.mentor.applied",
            data={"campaign_id": campaign.pk},
        )
    send_application_mail(mentor.pk, language=language)
    return mentor, existing is not None


@transaction.atomic
def propose_natural_mentor(youth: Youth, *, by, values: dict, relation: str, language: str) -> Mentor:
    """A youth or their parent proposes someone from the youth's own network (REC-1).

    The person becomes an applicant in the youth's programme with route "natural", `proposed_for`
    the youth and the youth's coordinator, and goes through the same screening as anyone. When the
    e-mail address already belongs to an applicant there, that applicant is joined instead.
    Side effects: activity-log entries on the mentor and the youth (ids and the relation code, never
    names); after commit, the confirmation mail to the proposed person in `language` and a mail to
    the youth's coordinator.
    """
    data = {"youth_id": youth.pk, "relation": relation}
    existing = _existing_applicant(youth.programme, values["email"])
    if existing is not None:
        mentor = _join(
            existing,
            {**values, "proposed_for": youth, "proposed_relation": relation, "preferred_language": language},
            by=by,
            action="people.mentor.proposed_again",
            data=data,
        )
    else:
        mentor = _create_applicant(
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
        )
    log_action(
        youth,
        "people.youth.natural_mentor_proposed",
        by=by,
        fields=["proposed_mentors"],
        data={"mentor_id": mentor.pk},
    )
    send_application_mail(mentor.pk, language=language, natural=True)
    send_proposal_mail_to_coordinator(mentor.pk, youth.pk)
    return mentor


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
    by,
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
