"""Queries for youth intake, the waiting list and the coordinator's worklist.

The worklist also reuses koppel.people.domain.queries.screening (disclosures to review, VOG
renewals due); the sections here are the ones that module does not answer the same way.

Every list here is one query (counts are a second), whatever the number of rows: the worklist and
the waiting list are query-count tested at 1 and 50 rows.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from koppel.people.domain.queries.visible import staff_mentors, staff_youth
from koppel.people.domain.roles import AnyUser
from koppel.people.enums import (
    MentorStatus,
    ReferenceOutcome,
    SpokenLanguage,
    VogOutcome,
    YouthStatus,
)
from koppel.people.models import (
    ConductCertificate,
    Interview,
    Mentor,
    Reference,
    Youth,
)

# The window over which the recent matching rate is measured for the expected wait.
RATE_WINDOW_DAYS = 180
# VOG renewals show up on the worklist this many days before the certificate runs out.
VOG_RENEWAL_NOTICE_DAYS = 60

# Mentors still in the screening part of the pipeline.
SCREENING_STATUSES = (MentorStatus.APPLIED, MentorStatus.INTERVIEW_PLANNED, MentorStatus.IN_SCREENING)


# --- The waiting list -----------------------------------------------------------------------------


def waiting_list(programme_id: int) -> QuerySet[Youth]:
    """The programme's waiting youth, longest-waiting first (position 1 is the first row)."""
    return Youth.objects.filter(programme_id=programme_id, status=YouthStatus.WAITING).order_by(
        F("waiting_since").asc(nulls_last=True), "created_at", "id"
    )


def expected_wait_days(position: int, matches_in_window: int) -> int | None:
    """Expected days until a match for the youth at `position`, at the recent matching rate.

    rate = matches started in the window / window days; wait = position / rate. None when no match
    started in the window (the wait is unknown, not infinite).
    """
    if matches_in_window <= 0:
        return None
    return math.ceil(position * RATE_WINDOW_DAYS / matches_in_window)


@dataclass(frozen=True)
class WaitingRow:
    youth: Youth
    position: int
    days_waiting: int | None
    expected_wait: int | None

    @property
    def language_label(self) -> str:
        code = self.youth.wish_language
        return str(SpokenLanguage(code).label) if code in SpokenLanguage.values else code


def waiting_rows(
    youth: Iterable[Youth], *, first_position: int, matches_in_window: int, today: date
) -> list[WaitingRow]:
    return [
        WaitingRow(
            youth=y,
            position=position,
            days_waiting=(today - y.waiting_since).days if y.waiting_since else None,
            expected_wait=expected_wait_days(position, matches_in_window),
        )
        for position, y in enumerate(youth, start=first_position)
    ]


# --- The worklist ---------------------------------------------------------------------------------


def new_applications(user: AnyUser) -> QuerySet[Mentor]:
    return (
        staff_mentors(user)
        .filter(status=MentorStatus.APPLIED)
        .order_by(F("applied_at").asc(nulls_last=True), "created_at", "id")
    )


def interviews_to_plan(user: AnyUser) -> QuerySet[Mentor]:
    """Applicants without an interview planned or held (SCR-1)."""
    planned = Interview.objects.filter(mentor=OuterRef("pk")).filter(
        Q(planned_for__isnull=False) | Q(held_on__isnull=False)
    )
    return (
        staff_mentors(user)
        .filter(status__in=(MentorStatus.APPLIED, MentorStatus.INTERVIEW_PLANNED))
        .exclude(Exists(planned))
        .order_by(F("applied_at").asc(nulls_last=True), "created_at", "id")
    )


def references_outstanding(user: AnyUser) -> QuerySet[Mentor]:
    """Mentors in screening with fewer answered references than their programme requires (SCR-2)."""
    answered = (
        Reference.objects.filter(mentor=OuterRef("pk"))
        .exclude(outcome=ReferenceOutcome.PENDING)
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        staff_mentors(user)
        .filter(status__in=SCREENING_STATUSES)
        .annotate(references_answered=Coalesce(Subquery(answered), Value(0)))
        .filter(references_answered__lt=F("programme__settings__references_required"))
        .order_by(F("applied_at").asc(nulls_last=True), "created_at", "id")
    )


def vogs_outstanding(user: AnyUser) -> QuerySet[Mentor]:
    """Mentors in screening in a programme that requires a VOG and without an issued one (SCR-2)."""
    issued = ConductCertificate.objects.filter(mentor=OuterRef("pk"), outcome=VogOutcome.ISSUED)
    return (
        staff_mentors(user)
        .filter(status__in=SCREENING_STATUSES, programme__settings__vog_required=True)
        .exclude(Exists(issued))
        .order_by(F("applied_at").asc(nulls_last=True), "created_at", "id")
    )


def youth_waiting_longest(user: AnyUser) -> QuerySet[Youth]:
    return (
        staff_youth(user)
        .filter(status=YouthStatus.WAITING)
        .order_by(F("waiting_since").asc(nulls_last=True), "created_at", "id")
    )
