"""The training-hours ledger: attended sessions plus recorded external or self-study hours.

TRN-1: a mentor needs the programme's pre-match hours before becoming ready to match: the hours of
sessions attended and external hours dated before the day their first match started (all hours while
none has). `pre_match_hours_missing` answers for one mentor (the gate), `pre_match_hours_of` and
`count_with_pre_match_hours` for many in a constant number of queries (the dashboard, and the
matching adapter for the mentors ready to match).

TRN-2: a mentor matched during a calendar month (a match that ran on any of its days) trains the
programme's monthly hours in that month. `monthly_hours_met` answers for one mentor and month,
`mentors_below_monthly_hours` lists the short ones (the reminders, the training page) and
`count_with_monthly_hours` counts many mentors over many months (the dashboard).

Every total is summed in the database.
"""

import calendar
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
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
    """What TRN-1 and TRN-2 count from: the rows that put a mentor in a match. The matches app sits
    above training, so it gives them (koppel.matches.domain.matched, in MatchesConfig.ready)."""

    # The mentor-in-match rows, read through `mentor`, `match__started_on`, `match__ended_on` and
    # `match__state`.
    mentor_matches: Callable[[], QuerySet[Any, Any]]
    # The states in which a mentor is "matched" now (TRN-2), and the state of a match that ended.
    matched_states: tuple[str, ...]
    closed_state: str


_match_facts: list[MatchFacts] = []


def give_match_facts(facts: MatchFacts) -> None:
    _match_facts[:] = [facts]


def match_facts() -> MatchFacts:
    if not _match_facts:
        raise ImproperlyConfigured("The training ledger needs the matches app for its match facts.")
    return _match_facts[0]


def _mentor_matches() -> QuerySet[Any, Any]:
    return match_facts().mentor_matches()


@dataclass(frozen=True)
class LedgerEntry:
    day: date
    hours: Decimal
    label: str
    kind: str  # "session" or an HoursKind value
    pre_match: bool


def first_match_start(mentor: Mentor) -> date | None:
    """The day the mentor's first match started, or None when no match has started yet."""
    return (
        _mentor_matches()
        .filter(mentor=mentor, match__started_on__isnull=False)
        .aggregate(first=Min("match__started_on"))["first"]
    )


def is_matched(mentor: Mentor) -> bool:
    """Whether the mentor has been matched: a match has started, or one is active now."""
    return (
        _mentor_matches()
        .filter(
            Q(match__started_on__isnull=False) | Q(match__state__in=match_facts().matched_states),
            mentor=mentor,
        )
        .exists()
    )


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


def _before_first_match(day_ref: str) -> Q:
    """No match of the row's mentor had started on or before the row's `day_ref` (a date): the
    hours of that day count as before matching (TRN-1). PostgreSQL runs it as one hash anti-join."""
    return ~Q(
        Exists(
            _mentor_matches().filter(
                mentor=OuterRef("mentor_id"),
                match__started_on__isnull=False,
                match__started_on__lte=OuterRef(day_ref),
            )
        )
    )


def pre_match_hours_of(mentor_ids: Iterable[int] | QuerySet[Any]) -> dict[int, Decimal]:
    """TRN-1 for many mentors: per mentor id, the training hours before their first match started
    (all hours when none has), as `pre_match_hours` counts them for one. Two grouped queries; `mentor_ids`
    may be a list or a queryset of ids. Mentors without hours are left out."""
    ids = mentor_ids if isinstance(mentor_ids, QuerySet) else list(mentor_ids)
    totals: dict[int, Decimal] = {}
    sessions = (
        Registration.objects.filter(mentor_id__in=ids, attended=True, session__audience=Audience.MENTOR)
        # The session's day in the organisation's time zone, as `__date` reads it for one mentor.
        .annotate(day=TruncDate("session__starts_at"))
        .filter(_before_first_match("day"))
        .values("mentor_id")
        .annotate(total=Sum("hours_credited"))
        .values_list("mentor_id", "total")
        .order_by()
    )
    external = (
        ExternalHours.objects.filter(mentor_id__in=ids)
        .filter(_before_first_match("date"))
        .values("mentor_id")
        .annotate(total=Sum("hours"))
        .values_list("mentor_id", "total")
        .order_by()
    )
    for mentor_id, total in [*sessions, *external]:
        totals[mentor_id] = totals.get(mentor_id, ZERO) + (total or ZERO)
    return totals


def count_with_pre_match_hours(mentors: QuerySet[Mentor]) -> tuple[int, int]:
    """TRN-1 for many mentors: (how many of `mentors` have their programme's pre-match hours, how
    many mentors), as `has_pre_match_hours` answers for each. Three queries."""
    required = {
        mentor_id: hours or ZERO
        for mentor_id, hours in mentors.values_list("id", "programme__settings__pre_match_training_hours")
    }
    hours = pre_match_hours_of(mentors.values("id"))
    ok = sum(1 for mentor_id, needed in required.items() if hours.get(mentor_id, ZERO) >= needed)
    return ok, len(required)


def has_pre_match_hours(mentor: Mentor) -> bool:
    """TRN-1 for one mentor: the programme's pre-match hours were trained before the first match."""
    return pre_match_hours_missing(mentor) == ZERO


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


def matched_during_q(first: date, last: date, prefix: str = "match__") -> Q:
    """TRN-2: the match (through `prefix`) ran during `first`..`last`: started by the last day and
    not ended before the first (a match closed since still counts for the months it ran)."""
    return Q(
        **{
            f"{prefix}state__in": [*match_facts().matched_states, match_facts().closed_state],
            f"{prefix}started_on__isnull": False,
            f"{prefix}started_on__lte": last,
        }
    ) & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": first}))


def monthly_hours(mentor: Mentor, *, month: date) -> Decimal:
    """The mentor's training hours in the calendar month of `month` (sessions by their local day)."""
    first, last = month_bounds(month)
    sessions = _attended(mentor).filter(
        session__starts_at__date__gte=first, session__starts_at__date__lte=last
    )
    external = ExternalHours.objects.filter(mentor=mentor, date__gte=first, date__lte=last)
    return _sum(sessions, "hours_credited") + _sum(external, "hours")


def monthly_hours_met(mentor: Mentor, *, month: date) -> bool | None:
    """TRN-2 for one mentor and month: whether they trained the programme's monthly hours in it;
    None when they were not matched during the month (the rule does not apply)."""
    first, last = month_bounds(month)
    if not _mentor_matches().filter(mentor=mentor).filter(matched_during_q(first, last)).exists():
        return None
    return monthly_hours(mentor, month=month) >= mentor.programme.settings.monthly_training_hours


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
    matched = _mentor_matches().filter(matched_during_q(first, last))
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


@dataclass(frozen=True)
class MonthCount:
    """TRN-2 in one month: of the mentors matched during it (`matched`), those with the hours (`met`)."""

    month: date
    met: int
    matched: int


def count_with_monthly_hours(mentors: QuerySet[Mentor], *, months: Sequence[date]) -> list[MonthCount]:
    """TRN-2 for many mentors over many calendar months (their first days, in order), as
    `monthly_hours_met` answers for each mentor and month. Three queries whatever the number of
    mentors and months: the mentors' matches that ran during the months (a row per mentor and
    match, the months each covers worked out here), and their session and external hours grouped
    per mentor and month (only mentor-months with hours come back)."""
    if not months:
        return []
    ends = [month_bounds(m)[1] for m in months]
    first, last = months[0], ends[-1]
    matched = (
        _mentor_matches()
        .filter(mentor__in=mentors)
        .filter(matched_during_q(first, last))
        .values_list(
            "mentor_id",
            "mentor__programme__settings__monthly_training_hours",
            "match__started_on",
            "match__ended_on",
        )
        .order_by()
    )
    in_month: dict[int, set[int]] = {}
    required: dict[int, Decimal] = {}
    for mentor_id, hours_required, started_on, ended_on in matched:
        if started_on is None:  # excluded by the query; for the type checker
            continue
        required[mentor_id] = hours_required or ZERO
        # The months k with started_on <= their last day and ended_on (if any) >= their first day.
        first_k = bisect_left(ends, started_on)
        last_k = len(months) - 1 if ended_on is None else bisect_right(months, ended_on) - 1
        in_month.setdefault(mentor_id, set()).update(range(first_k, last_k + 1))
    session_month = Case(
        *[When(day__gte=m, day__lte=ends[k], then=Value(k)) for k, m in enumerate(months)],
        output_field=IntegerField(),
    )
    session_hours = (
        Registration.objects.filter(
            # Only the mentors matched during the months: most sessions are pre-match training.
            mentor_id__in=matched.values("mentor_id"),
            attended=True,
            session__audience=Audience.MENTOR,
            session__starts_at__gte=_day_start(first),
            session__starts_at__lt=_day_start(last + timedelta(days=1)),
        )
        .annotate(day=TruncDate("session__starts_at"))
        .annotate(k=session_month)
        .values("mentor_id", "k")
        .annotate(h=Sum("hours_credited"))
        .values_list("mentor_id", "k", "h")
        .order_by()
    )
    external_month = Case(
        *[When(date__gte=m, date__lte=ends[k], then=Value(k)) for k, m in enumerate(months)],
        output_field=IntegerField(),
    )
    external_hours = (
        ExternalHours.objects.filter(
            mentor_id__in=matched.values("mentor_id"), date__gte=first, date__lte=last
        )
        .annotate(k=external_month)
        .values("mentor_id", "k")
        .annotate(h=Sum("hours"))
        .values_list("mentor_id", "k", "h")
        .order_by()
    )
    hours: dict[tuple[int, int], Decimal] = {}
    for rows in (session_hours, external_hours):
        for mentor_id, k, h in rows:
            hours[mentor_id, k] = hours.get((mentor_id, k), ZERO) + (h or ZERO)
    eligible = Counter(k for ks in in_month.values() for k in ks)
    met = Counter(
        k
        for mentor_id, ks in in_month.items()
        for k in ks
        if hours.get((mentor_id, k), ZERO) >= required[mentor_id]
    )
    return [MonthCount(m, met[k], eligible[k]) for k, m in enumerate(months)]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


NO_MATCH_YET = date(9999, 12, 31)


def _first_starts() -> QuerySet[Any, Any]:
    """The day the first match of the mentor of the outer row (`OuterRef("pk")`) started, for a
    Subquery (none when no match has started)."""
    return (
        _mentor_matches()
        .filter(mentor=OuterRef("pk"), match__started_on__isnull=False)
        .order_by()
        .values("mentor")
        .annotate(first=Min("match__started_on"))
        .values("first")
    )


def mentors_short_of_training(user: AnyUser) -> QuerySet[Mentor]:
    """Approved mentors below their programme's pre-match training hours (TRN-1), most missing first.

    The same sum as `pre_match_hours` (attended mentor sessions plus
    external hours, before the first match started), done for all mentors in one query.
    """
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
                Subquery(_first_starts(), output_field=DateField()),
                Value(NO_MATCH_YET),
                output_field=DateField(),
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
