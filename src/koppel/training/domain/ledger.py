"""The training-hours ledger: attended sessions plus recorded external or self-study hours.

TRN-1: a mentor needs the programme's pre-match hours before becoming ready to match.
TRN-2: a matched mentor trains the programme's monthly hours. Every total is summed in the database.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import DateField, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from koppel.people.domain.queries.visible import staff_mentors
from koppel.people.domain.roles import AnyUser
from koppel.people.enums import MentorStatus
from koppel.people.models import Mentor
from koppel.programmes.models import Programme
from koppel.training.enums import Audience
from koppel.training.models import ExternalHours, Registration

ZERO = Decimal("0")
HOURS = DecimalField(max_digits=8, decimal_places=1)


@dataclass(frozen=True)
class MatchFacts:
    """What TRN-1 and TRN-2 count from: facts of a mentor's matches. The matches app sits above
    training, so it gives them (koppel.matches.domain.matched, in MatchesConfig.ready)."""

    # The day the mentor's first match started (None: none has).
    first_start: Callable[[Mentor], date | None]
    # The same for the mentor of the outer row (`OuterRef("pk")`), for a Subquery.
    first_starts: Callable[[], QuerySet[Any, Any]]
    # A match has started, or one is active now.
    is_matched: Callable[[Mentor], bool]
    # The `mentor_id`s of the mentors matched on some day from the first to the last date.
    matched_between: Callable[[date, date], QuerySet[Any, Any]]


_match_facts: list[MatchFacts] = []


def give_match_facts(facts: MatchFacts) -> None:
    _match_facts[:] = [facts]


def match_facts() -> MatchFacts:
    if not _match_facts:
        raise ImproperlyConfigured("The training ledger needs the matches app for its match facts.")
    return _match_facts[0]


@dataclass(frozen=True)
class LedgerEntry:
    day: date
    hours: Decimal
    label: str
    kind: str  # "session" or an HoursKind value
    pre_match: bool


def first_match_start(mentor: Mentor) -> date | None:
    """The day the mentor's first match started, or None when no match has started yet."""
    return match_facts().first_start(mentor)


def is_matched(mentor: Mentor) -> bool:
    """Whether the mentor has been matched: a match has started, or one is active now."""
    return match_facts().is_matched(mentor)


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
    matched = match_facts().matched_between(first, last)
    mentors = (
        Mentor.objects.filter(programme=programme, id__in=matched)
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


NO_MATCH_YET = date(9999, 12, 31)


def mentors_short_of_training(user: AnyUser) -> QuerySet[Mentor]:
    """Approved mentors below their programme's pre-match training hours (TRN-1), most missing first.

    The same sum as `pre_match_hours` (attended mentor sessions plus
    external hours, before the first match started), done for all mentors in one query.
    """
    first_start = match_facts().first_starts()
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
