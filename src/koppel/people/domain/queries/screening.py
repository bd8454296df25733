"""Screening queries (SCR-1..3): who may see screening records, and what needs a coordinator's
action. Each is one queryset with its relations selected, so a list costs the same at 1 and 50 rows;
the worklist reuses them."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from koppel.people.domain.queries.visible import staff_mentors
from koppel.people.domain.roles import AnyUser, of_staff_programmes
from koppel.people.enums import DisclosureDecision, MentorStatus, ReferenceOutcome, VogOutcome
from koppel.people.models import ConductCertificate, Interview, Mentor, Reference, SelfDisclosure

S = MentorStatus

# Mentors still being screened, and mentors in the pool whose VOG must stay valid.
IN_SCREENING = (S.APPLIED, S.INTERVIEW_PLANNED, S.IN_SCREENING)
IN_POOL = (S.APPROVED, S.READY, S.MATCHED, S.PAUSED)


# --- Selectors: screening is for the programme's coordinators and administrators only -------------


def screening_mentors_visible_to(user: AnyUser) -> QuerySet[Mentor]:
    """Mentors whose screening the user may see: staff of the mentor's programme, never the mentor."""
    return staff_mentors(user)


def interviews_visible_to(user: AnyUser) -> QuerySet[Interview]:
    return of_staff_programmes(Interview, user, via="mentor__programme")


def references_visible_to(user: AnyUser) -> QuerySet[Reference]:
    return of_staff_programmes(Reference, user, via="mentor__programme")


def vogs_visible_to(user: AnyUser) -> QuerySet[ConductCertificate]:
    return of_staff_programmes(ConductCertificate, user, via="mentor__programme")


def disclosures_visible_to(user: AnyUser) -> QuerySet[SelfDisclosure]:
    return of_staff_programmes(SelfDisclosure, user, via="mentor__programme")


# --- What needs action ----------------------------------------------------------------------------


def vog_renewals_due(
    programme_ids: Iterable[int], *, within_days: int = 60, today: date | None = None
) -> QuerySet[ConductCertificate]:
    """Issued VOGs of mentors in the pool that expire within `within_days` (or have expired), with
    no newer VOG requested since; the soonest first."""
    today = today or timezone.localdate()
    newer = ConductCertificate.objects.filter(
        mentor_id=OuterRef("mentor_id"), requested_on__gte=OuterRef("issued_on")
    ).exclude(pk=OuterRef("pk"))
    return (
        ConductCertificate.objects.filter(
            mentor__programme_id__in=list(programme_ids),
            mentor__status__in=IN_POOL,
            outcome=VogOutcome.ISSUED,
            valid_until__lte=today + timedelta(days=within_days),
        )
        .exclude(Exists(newer))
        .select_related("mentor__programme")
        .order_by("valid_until", "id")
    )


def vogs_outstanding(programme_ids: Iterable[int]) -> QuerySet[ConductCertificate]:
    """VOGs requested and not yet issued or refused, for mentors still in screening; oldest first."""
    return (
        ConductCertificate.objects.filter(
            mentor__programme_id__in=list(programme_ids),
            mentor__status__in=IN_SCREENING,
            outcome=VogOutcome.REQUESTED,
        )
        .select_related("mentor__programme")
        .order_by("requested_on", "id")
    )


def disclosures_to_review(programme_ids: Iterable[int]) -> QuerySet[SelfDisclosure]:
    """Disclosures of other convictions waiting for a coordinator's decision (SCR-3); oldest first."""
    return (
        SelfDisclosure.objects.filter(
            mentor__programme_id__in=list(programme_ids),
            decision=DisclosureDecision.PENDING,
        )
        .exclude(mentor__status=S.DISQUALIFIED)
        .select_related("mentor__programme")
        .order_by("submitted_on", "id")
    )


def references_outstanding(programme_ids: Iterable[int]) -> QuerySet[Reference]:
    """References not yet contacted, for mentors still in screening (SCR-2); oldest first."""
    return (
        Reference.objects.filter(
            mentor__programme_id__in=list(programme_ids),
            mentor__status__in=IN_SCREENING,
            outcome=ReferenceOutcome.PENDING,
        )
        .select_related("mentor__programme")
        .order_by("created_at", "id")
    )


def interviews_to_plan(programme_ids: Iterable[int]) -> QuerySet[Mentor]:
    """Applicants without a planned or held interview (SCR-1); longest waiting first."""
    has_interview = Interview.objects.filter(mentor_id=OuterRef("pk")).filter(
        Q(planned_for__isnull=False) | Q(held_on__isnull=False)
    )
    return (
        Mentor.objects.filter(programme_id__in=list(programme_ids), status=S.APPLIED)
        .exclude(Exists(has_interview))
        .select_related("programme")
        .order_by(F("applied_at").asc(nulls_last=True), "created_at", "id")
    )
