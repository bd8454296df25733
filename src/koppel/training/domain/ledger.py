"""The training-hours ledger: attended sessions plus recorded external or self-study hours.

TRN-1: a mentor needs the programme's pre-match hours before becoming ready to match.
TRN-2: a matched mentor trains the programme's monthly hours. Every total is summed in the database.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from koppel.matches.enums import MatchState
from koppel.matches.models import MatchMentor
from koppel.people.models import Mentor
from koppel.programmes.models import Programme
from koppel.training.enums import Audience
from koppel.training.models import ExternalHours, Registration

ZERO = Decimal("0")
HOURS = DecimalField(max_digits=8, decimal_places=1)
# Matches in which the mentor is "matched" for TRN-2.
MATCHED_STATES = [MatchState.ACTIVE, MatchState.CLOSING]


@dataclass(frozen=True)
class LedgerEntry:
    day: date
    hours: Decimal
    label: str
    kind: str  # "session" or an HoursKind value
    pre_match: bool


def first_match_start(mentor: Mentor) -> date | None:
    """The day the mentor's first match started, or None when no match has started yet."""
    return MatchMentor.objects.filter(mentor=mentor, match__started_on__isnull=False).aggregate(
        first=Min("match__started_on")
    )["first"]


def is_matched(mentor: Mentor) -> bool:
    """Whether the mentor has been matched: a match has started, or one is active now."""
    return MatchMentor.objects.filter(
        Q(match__started_on__isnull=False) | Q(match__state__in=MATCHED_STATES), mentor=mentor
    ).exists()


def _attended(mentor: Mentor) -> QuerySet[Registration]:
    return Registration.objects.filter(mentor=mentor, attended=True, session__audience=Audience.MENTOR)


def _sum(queryset: QuerySet, field: str) -> Decimal:
    return queryset.aggregate(total=Coalesce(Sum(field), Value(ZERO), output_field=HOURS))["total"]


def pre_match_hours(mentor: Mentor) -> Decimal:
    """The mentor's training hours before their first match started (all hours when none has)."""
    start = first_match_start(mentor)
    sessions = _attended(mentor)
    external = ExternalHours.objects.filter(mentor=mentor)
    if start is not None:
        sessions = sessions.filter(session__starts_at__date__lt=start)
        external = external.filter(date__lt=start)
    return _sum(sessions, "hours_credited") + _sum(external, "hours")


def pre_match_hours_of(mentor_ids: list[int]) -> dict[int, Decimal]:
    """All training hours per mentor, in two queries: for mentors never matched (a match round's
    TRN-1 check), where every hour counts as before the first match."""
    totals: dict[int, Decimal] = {}
    sessions = (
        Registration.objects.filter(
            mentor_id__in=mentor_ids, attended=True, session__audience=Audience.MENTOR
        )
        .values("mentor_id")
        .annotate(total=Sum("hours_credited"))
    )
    external = (
        ExternalHours.objects.filter(mentor_id__in=mentor_ids)
        .values("mentor_id")
        .annotate(total=Sum("hours"))
    )
    for row in [*sessions, *external]:
        totals[row["mentor_id"]] = totals.get(row["mentor_id"], ZERO) + (row["total"] or ZERO)
    return totals


def pre_match_hours_missing(mentor: Mentor) -> Decimal:
    """TRN-1: how many hours the mentor still needs before matching (0 when enough)."""
    required = mentor.programme.settings.pre_match_training_hours
    return max(ZERO, required - pre_match_hours(mentor))


def ledger_of(mentor: Mentor) -> list[LedgerEntry]:
    """Every entry of a mentor's ledger, newest first, marked before/after the first match start."""
    start = first_match_start(mentor)
    entries = [
        LedgerEntry(
            day=timezone.localtime(r.session.starts_at).date(),
            hours=r.hours_credited,
            label=r.session.title,
            kind="session",
            pre_match=start is None or timezone.localtime(r.session.starts_at).date() < start,
        )
        for r in _attended(mentor).select_related("session")
    ]
    entries += [
        LedgerEntry(
            day=e.date,
            hours=e.hours,
            label=e.description,
            kind=e.kind,
            pre_match=start is None or e.date < start,
        )
        for e in ExternalHours.objects.filter(mentor=mentor)
    ]
    return sorted(entries, key=lambda e: e.day, reverse=True)


@dataclass(frozen=True)
class MonthlyShortfall:
    mentor: Mentor
    hours: Decimal
    missing: Decimal


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def mentors_below_monthly_hours(programme: Programme, *, month: date) -> list[MonthlyShortfall]:
    """TRN-2: matched mentors whose training hours in `month` are below the programme's monthly hours.

    One query: the month's session and external hours are summed per mentor in subqueries.
    """
    first, last = month_bounds(month)
    required = programme.settings.monthly_training_hours
    session_hours = (
        Registration.objects.filter(
            mentor=OuterRef("pk"),
            attended=True,
            session__audience=Audience.MENTOR,
            session__starts_at__date__gte=first,
            session__starts_at__date__lte=last,
        )
        .values("mentor")
        .annotate(total=Sum("hours_credited"))
        .values("total")
    )
    external_hours = (
        ExternalHours.objects.filter(mentor=OuterRef("pk"), date__gte=first, date__lte=last)
        .values("mentor")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    # Matched during the month: started by its last day and not ended before its first (a match closed
    # since still counts for the months it ran).
    matched = MatchMentor.objects.filter(
        match__state__in=[*MATCHED_STATES, MatchState.CLOSED],
        match__started_on__isnull=False,
        match__started_on__lte=last,
    ).filter(Q(match__ended_on__isnull=True) | Q(match__ended_on__gte=first))
    mentors = (
        Mentor.objects.filter(programme=programme, id__in=matched.values("mentor_id"))
        .annotate(
            month_hours=Coalesce(Subquery(session_hours, output_field=HOURS), Value(ZERO), output_field=HOURS)
            + Coalesce(Subquery(external_hours, output_field=HOURS), Value(ZERO), output_field=HOURS)
        )
        .filter(month_hours__lt=required)
        .order_by("month_hours", "last_name", "first_name", "id")
    )
    return [
        MonthlyShortfall(mentor=m, hours=m.month_hours, missing=required - m.month_hours) for m in mentors
    ]
