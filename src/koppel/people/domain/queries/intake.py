"""Queries for youth intake, the waiting list and the coordinator's worklist.

The worklist also reuses koppel.people.domain.queries.screening (disclosures to review, VOG
renewals due); the sections here are the ones that module does not answer the same way.

Every list here is one query (counts are a second), whatever the number of rows: the worklist and
the waiting list are query-count tested at 1 and 50 rows.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from koppel.matches.models import Match, MatchMentor
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
from koppel.policy import AnyUser, staff_mentors, staff_youth
from koppel.training.enums import Audience
from koppel.training.models import ExternalHours, Registration

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


def matches_started_recently(programme_id: int, *, today: date | None = None) -> int:
    """How many matches started in the programme in the last RATE_WINDOW_DAYS days (one query)."""
    today = today or timezone.localdate()
    return Match.objects.filter(
        programme_id=programme_id,
        started_on__gt=today - timedelta(days=RATE_WINDOW_DAYS),
        started_on__lte=today,
    ).count()


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


HOURS = DecimalField(max_digits=8, decimal_places=1)
NO_MATCH_YET = date(9999, 12, 31)


def mentors_short_of_training(user: AnyUser) -> QuerySet[Mentor]:
    """Approved mentors below their programme's pre-match training hours (TRN-1), most missing first.

    The same sum as koppel.training.domain.ledger.pre_match_hours (attended mentor sessions plus
    external hours, before the first match started), done for all mentors in one query.
    """
    first_start = (
        MatchMentor.objects.filter(mentor=OuterRef("pk"), match__started_on__isnull=False)
        .order_by()
        .values("mentor")
        .annotate(first=Min("match__started_on"))
        .values("first")
    )
    sessions = (
        Registration.objects.filter(
            mentor=OuterRef("pk"),
            attended=True,
            session__audience=Audience.MENTOR,
            session__starts_at__date__lt=OuterRef("pre_match_until"),
        )
        .order_by()
        .values("mentor")
        .annotate(total=Sum("hours_credited"))
        .values("total")
    )
    external = (
        ExternalHours.objects.filter(mentor=OuterRef("pk"), date__lt=OuterRef("pre_match_until"))
        .order_by()
        .values("mentor")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    zero = Value(Decimal("0"), output_field=HOURS)
    return (
        staff_mentors(user)
        .filter(status=MentorStatus.APPROVED)
        .annotate(
            pre_match_until=Coalesce(
                Subquery(first_start, output_field=DateField()), Value(NO_MATCH_YET), output_field=DateField()
            )
        )
        .annotate(
            training_hours=Coalesce(Subquery(sessions, output_field=HOURS), zero, output_field=HOURS)
            + Coalesce(Subquery(external, output_field=HOURS), zero, output_field=HOURS)
        )
        .annotate(hours_missing=F("programme__settings__pre_match_training_hours") - F("training_hours"))
        .filter(hours_missing__gt=0)
        .order_by("-hours_missing", "id")
    )


def youth_waiting_longest(user: AnyUser) -> QuerySet[Youth]:
    return (
        staff_youth(user)
        .filter(status=YouthStatus.WAITING)
        .order_by(F("waiting_since").asc(nulls_last=True), "created_at", "id")
    )
