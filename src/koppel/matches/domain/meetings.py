"""Meeting logs (REL-1, REL-5) and the holiday periods of school programmes (REL-4).

The mentor logs each meeting; the youth can confirm it. A started match that has gone longer than
its agreed interval (the latest agreement's, else the programme's) without a meeting has missed the
agreed rhythm (REL-1), and the match's page says so at once; the worklist's alert and the mentor's
reminder follow after the programme's days of grace (`meeting_alert_grace_days`). In school-based
programmes the days of the programme's holiday periods do not count (REL-4). A paused match never
alerts.

The dashboard's monthly measure of REL-1 is defined here too, per match and for many matches: a
match that ran a whole period (a calendar month) without a pause met often enough when it logged at
least floor(days in the period / its agreed interval) meetings in it (4 a month when meeting
weekly). `ran_whole_period` and `met_often_enough` answer for one match, `ran_whole_period_q` and
`met_often_enough_q` are the same conditions for counting many matches in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.lookups import GreaterThan
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.versioning import save_versioned_and_log
from koppel.matches.domain.counts import RAN_STATES, active_on
from koppel.matches.domain.lifecycle import lock_match
from koppel.matches.enums import STARTED_STATES, ActivityKind, MatchState
from koppel.matches.models import Agreement, HolidayPeriod, Match, MatchMentor, MeetingLog
from koppel.people.models import Mentor, Youth
from koppel.programmes.enums import ProgrammeKind
from koppel.programmes.models import Programme

# The defaults when a programme has no settings row (AGR-1: weekly; REL-1: two days of grace).
DEFAULT_INTERVAL_DAYS = 7
DEFAULT_GRACE_DAYS = 2
# A mentor may correct their own log this many days after logging it.
EDIT_DAYS = 7

MEETING_FIELDS = ("held_on", "duration_minutes", "place", "activity", "note", "how_it_went")


# --- Logging and confirming -----------------------------------------------------------------------


def _check_date(match: Match, held_on: date) -> None:
    if held_on > timezone.localdate():
        raise DomainError(_("A meeting is logged once it has taken place; this date is in the future."))
    if match.started_on is None or held_on < match.started_on:
        raise DomainError(_("This date is before the match started."))


@transaction.atomic
def log_meeting(match: Match, *, mentor: Mentor, values: dict[str, Any]) -> MeetingLog:
    """The mentor logs a meeting with the youth (REL-1, REL-5).

    Only a mentor of the match, only once the match has started (active or closing), never for a
    date in the future or before the start. Side effects: an activity-log entry naming the fields
    (never the note's text).
    """
    # Read the state under a row lock, so a meeting is never logged on a match being closed.
    match = lock_match(match)
    if match.state not in STARTED_STATES:
        raise DomainError(_("Meetings are logged once the match has started."))
    if not MatchMentor.objects.filter(match=match, mentor=mentor).exists():
        raise DomainError(_("Only a mentor of this match can log its meetings."))
    values = {k: v for k, v in values.items() if k in MEETING_FIELDS}
    _check_date(match, values["held_on"])
    meeting = MeetingLog.objects.create(match=match, mentor=mentor, **values)
    log_action(
        meeting,
        "matches.meeting.logged",
        by=mentor.user,
        fields=[k for k, v in values.items() if v not in ("", None)],
        data={"match": match.pk},
    )
    return meeting


@transaction.atomic
def update_meeting(
    meeting: MeetingLog, *, mentor: Mentor, values: dict[str, Any], expected_version: int
) -> list[str]:
    """The mentor who logged a meeting corrects it, within EDIT_DAYS of logging it.

    Optimistic locking (ConflictError when someone saved first). A changed date or activity asks
    the youth to confirm again. Side effects: an activity-log entry with the changed field names.
    """
    if meeting.mentor_id != mentor.pk:
        raise DomainError(_("Only the mentor who logged this meeting can change it."))
    if timezone.now() - meeting.created_at > timedelta(days=EDIT_DAYS):
        raise DomainError(
            _("A meeting can be changed up to %(days)s days after it was logged.") % {"days": EDIT_DAYS}
        )
    values = {k: v for k, v in values.items() if k in MEETING_FIELDS}
    _check_date(meeting.match, values.get("held_on", meeting.held_on))
    stored = MeetingLog.objects.get(pk=meeting.pk)
    if any(values.get(k, getattr(stored, k)) != getattr(stored, k) for k in ("held_on", "activity")):
        values["confirmed_by_youth_at"] = None
    return save_versioned_and_log(
        meeting, values, expected_version=expected_version, by=mentor.user, action="matches.meeting.changed"
    )


@transaction.atomic
def confirm_meeting(meeting: MeetingLog, *, youth: Youth) -> MeetingLog:
    """The match's youth confirms that the meeting took place (once).

    Side effects: an activity-log entry.
    """
    if meeting.match.youth_id != youth.pk:
        raise DomainError(_("Only the youth of this match can confirm its meetings."))
    now = timezone.now()
    # Claimed in the database, so a double click confirms once.
    claimed = MeetingLog.objects.filter(pk=meeting.pk, confirmed_by_youth_at__isnull=True).update(
        confirmed_by_youth_at=now, updated_at=now, version=F("version") + 1
    )
    if claimed != 1:
        raise DomainError(_("This meeting was already confirmed."))
    meeting.refresh_from_db()
    log_action(meeting, "matches.meeting.confirmed", by=youth.user, fields=["confirmed_by_youth_at"])
    return meeting


# --- Holiday periods (REL-4) ----------------------------------------------------------------------


@transaction.atomic
def add_holiday(programme: Programme, *, by: User, values: dict[str, Any]) -> HolidayPeriod:
    """Record a holiday period of a programme; for school-based programmes its days do not count
    towards the REL-1 alert (REL-4). Side effects: an activity-log entry."""
    if values["ends_on"] < values["starts_on"]:
        raise DomainError(_("The last day of a holiday cannot be before its first day."))
    holiday = HolidayPeriod.objects.create(
        programme=programme, name=values["name"], starts_on=values["starts_on"], ends_on=values["ends_on"]
    )
    log_action(holiday, "matches.holiday.added", by=by, fields=["name", "starts_on", "ends_on"])
    return holiday


@transaction.atomic
def remove_holiday(holiday: HolidayPeriod, *, by: User) -> None:
    """Remove a holiday period. Side effects: an activity-log entry on the programme."""
    log_action(holiday.programme, "matches.holiday.removed", by=by, data={"holiday": holiday.pk})
    holiday.delete()


# --- The REL-1 alert ------------------------------------------------------------------------------


class PlusDays(Func):
    """`date + days` in the database: PostgreSQL adds an integer to a date, SQLite needs date()."""

    arity = 2
    output_field = DateField()

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        day, day_params = compiler.compile(self.source_expressions[0])
        days, days_params = compiler.compile(self.source_expressions[1])
        return f"({day} + {days})", [*day_params, *days_params]

    def as_sqlite(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        day, day_params = compiler.compile(self.source_expressions[0])
        days, days_params = compiler.compile(self.source_expressions[1])
        return f"date({day}, '+' || ({days}) || ' days')", [*day_params, *days_params]


def interval_days() -> Coalesce:
    """The match's agreed meeting interval in days (REL-1): the latest agreement's, else the
    programme's setting, else weekly. An expression over a Match queryset."""
    agreed = (
        Agreement.objects.filter(match=OuterRef("pk")).order_by("-number").values("meeting_interval_days")
    )
    return Coalesce(
        Subquery(agreed[:1]),
        F("programme__settings__meeting_interval_days"),
        Value(DEFAULT_INTERVAL_DAYS),
        output_field=IntegerField(),
    )


def interval_days_of(match: Match) -> int:
    """`interval_days` for one match (one query)."""
    return Match.objects.filter(pk=match.pk).values_list(interval_days(), flat=True)[0]


def with_meeting_facts(matches: QuerySet[Match]) -> QuerySet[Any]:
    """Annotate `last_meeting` (None without meetings), `counted_from` (the last meeting, else the
    start), `interval_days` (the latest agreement's, else the programme's) and `grace_days` (the
    programme's days of grace before the REL-1 alert): one query."""
    last = (
        MeetingLog.objects.filter(match=OuterRef("pk"))
        .order_by()
        .values("match")
        .annotate(last=Max("held_on"))
        .values("last")
    )
    return matches.annotate(
        last_meeting=Subquery(last, output_field=DateField()),
        interval_days=interval_days(),
        grace_days=Coalesce(F("programme__settings__meeting_alert_grace_days"), Value(DEFAULT_GRACE_DAYS)),
    ).annotate(counted_from=Coalesce(F("last_meeting"), F("started_on"), output_field=DateField()))


def days_counted(since: date, today: date, holidays: list[tuple[date, date]]) -> int:
    """The days after `since` up to and including `today`, less those inside a holiday (REL-4)."""
    days = (today - since).days
    if days <= 0:
        return 0
    covered = 0
    cursor = since  # the last day already counted as holiday (or `since` itself)
    for first, last in sorted(holidays):
        first = max(first, cursor + timedelta(days=1))
        last = min(last, today)
        if last >= first:
            covered += (last - first).days + 1
            cursor = last
    return days - covered


def _holidays_by_programme(
    programme_ids: Iterable[int], *, since: date, today: date
) -> dict[int, list[tuple[date, date]]]:
    by_programme: dict[int, list[tuple[date, date]]] = {}
    rows = HolidayPeriod.objects.filter(
        programme_id__in=programme_ids, ends_on__gt=since, starts_on__lte=today
    ).values_list("programme_id", "starts_on", "ends_on")
    for programme_id, first, last in rows:
        by_programme.setdefault(programme_id, []).append((first, last))
    return by_programme


def matches_without_recent_meeting(programme_ids: Iterable[int], today: date) -> QuerySet[Match]:
    """REL-1: the started, unpaused matches of these programmes whose last meeting (or start, when
    none) lies more than the agreed interval plus the programme's days of grace back; holiday days of
    school-based programmes do not count (REL-4). Annotated as in `with_meeting_facts`; longest ago first.

    Two or three queries whatever the number of matches: the candidates, and for school-based
    programmes their holidays; the returned queryset is lazy.
    """
    candidates = (
        with_meeting_facts(
            Match.objects.filter(
                programme_id__in=programme_ids, state__in=STARTED_STATES, paused_since__isnull=True
            )
            # A closing match past its last day expects no more meetings.
            .exclude(state=MatchState.CLOSING, closure__ends_on__lte=today)
        )
        .alias(due_by=PlusDays(F("counted_from"), F("interval_days") + F("grace_days")))
        .filter(due_by__lt=today)
        .order_by("counted_from", "id")
    )
    school = list(
        candidates.filter(programme__kind=ProgrammeKind.SCHOOL).values_list(
            "pk", "programme_id", "counted_from", "interval_days", "grace_days"
        )
    )
    if not school:
        return candidates
    holidays = _holidays_by_programme(
        {row[1] for row in school}, since=min(row[2] for row in school), today=today
    )
    exempt = [
        pk
        for pk, programme_id, since, interval, grace in school
        if days_counted(since, today, holidays.get(programme_id, [])) <= interval + grace
    ]
    return candidates.exclude(pk__in=exempt) if exempt else candidates


# --- The monthly measure (REL-1, the dashboard) ---------------------------------------------------


def ran_whole_period_q(first: date, last: date, prefix: str = "") -> Q:
    """REL-1: the match (through `prefix`) was active from `first` to `last` and not paused during
    it. For counting many matches; `ran_whole_period` is the same for one."""
    return (
        active_on(first, prefix)
        & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": last}))
        & (Q(**{f"{prefix}paused_since__isnull": True}) | Q(**{f"{prefix}paused_since__gt": last}))
    )


def ran_whole_period(match: Match, *, first: date, last: date) -> bool:
    """REL-1: the match was active from `first` to `last` and not paused during it."""
    return (
        match.state in RAN_STATES
        and match.started_on is not None
        and match.started_on <= first
        and (match.ended_on is None or match.ended_on >= last)
        and (match.paused_since is None or match.paused_since > last)
    )


def meetings_needed(first: date, last: date, interval: int) -> int:
    """REL-1: the meetings a match owes from `first` to `last` (both included): one per whole
    interval, floor(days / interval)."""
    return ((last - first).days + 1) // interval


def met_often_enough_q(first: date, last: date) -> Q:
    """REL-1: the match logged at least `meetings_needed` meetings from `first` to `last` with its
    agreed interval: (n + 1) * interval > days. A count on the MeetingLog (match, held_on) index."""
    n = Subquery(
        MeetingLog.objects.filter(match=OuterRef("pk"), held_on__gte=first, held_on__lte=last)
        .order_by()
        .values("match")
        .annotate(n=Count("*"))  # COUNT(*): an index-only scan of (match, held_on)
        .values("n"),
        output_field=IntegerField(),
    )
    return Q(GreaterThan((Coalesce(n, 0) + 1) * interval_days(), (last - first).days + 1))


def met_often_enough(match: Match, *, first: date, last: date) -> bool:
    """REL-1 for one match: it logged at least `meetings_needed` meetings from `first` to `last`
    with its agreed interval (`interval_days`). Two queries."""
    held = MeetingLog.objects.filter(match=match, held_on__gte=first, held_on__lte=last).count()
    return held >= meetings_needed(first, last, interval_days_of(match))


@dataclass(frozen=True)
class MeetingStatus:
    """Where a match stands with REL-1 today. `state` is one of not_started, paused, overdue (the
    rhythm was missed and the alert is on), late (the rhythm was missed; the alert follows after the
    days of grace), holiday (a school holiday today, or holidays keep the alert away), on_time and
    ended (a closed match, or a closing one past its last day: no alert, and no count of days that
    would keep growing after the end)."""

    state: str
    interval_days: int
    last_meeting: date | None
    # Calendar days since the last meeting, else since the start; None unless the match runs now
    # (active or closing), so a page shows it only then.
    days_since: int | None
    days_overdue: int | None  # counted days past the interval, when the alert is on
    grace_days: int = DEFAULT_GRACE_DAYS
    days_late: int | None = None  # counted days past the interval, whenever the rhythm was missed
    alert_in_days: int | None = None  # when late: the days until the alert


def meeting_status(match: Match, today: date) -> MeetingStatus:
    """The REL-1 status of one match (two or three queries)."""
    facts = with_meeting_facts(Match.objects.filter(pk=match.pk)).values(
        "state",
        "paused_since",
        "programme_id",
        "programme__kind",
        "last_meeting",
        "counted_from",
        "interval_days",
        "grace_days",
        "closure__ends_on",
    )[0]
    interval, grace = facts["interval_days"], facts["grace_days"]
    since = facts["counted_from"]
    last = facts["last_meeting"]
    if facts["state"] == MatchState.CLOSED or (
        facts["state"] == MatchState.CLOSING
        and facts["closure__ends_on"]
        and facts["closure__ends_on"] <= today
    ):
        return MeetingStatus("ended", interval, last, None, None, grace)
    if facts["state"] not in STARTED_STATES or since is None:
        return MeetingStatus("not_started", interval, last, None, None, grace)
    days_since = max((today - since).days, 0)
    if facts["paused_since"] is not None:
        return MeetingStatus("paused", interval, last, days_since, None, grace)
    holidays: list[tuple[date, date]] = []
    if facts["programme__kind"] == ProgrammeKind.SCHOOL:
        holidays = _holidays_by_programme([facts["programme_id"]], since=since, today=today).get(
            facts["programme_id"], []
        )
    counted = days_counted(since, today, holidays)
    late = counted - interval if counted > interval else None
    if counted > interval + grace:
        return MeetingStatus("overdue", interval, last, days_since, late, grace, late)
    in_holiday = any(first <= today <= end for first, end in holidays)
    if in_holiday or days_since > interval + grace:
        return MeetingStatus("holiday", interval, last, days_since, None, grace)
    if late is not None:
        # REL-1: the agreed rhythm was missed; say so now, though the alert waits for the grace.
        alert_in = interval + grace + 1 - counted
        return MeetingStatus("late", interval, last, days_since, None, grace, late, alert_in)
    return MeetingStatus("on_time", interval, last, days_since, None, grace)


def meeting_overdue(match: Match, today: date) -> int | None:
    """REL-1: the days past the agreed interval when the alert is on, else None."""
    return meeting_status(match, today).days_overdue


# --- The rhythm (REL-5) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RhythmMonth:
    month: date
    meetings: int
    fun: int
    learning: int
    both: int
    minutes: int


@dataclass(frozen=True)
class Rhythm:
    months: list[RhythmMonth]
    most: int  # the largest number of meetings in a month (the scale of the bars)
    meetings: int
    fun: int
    learning: int
    both: int


def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def meeting_rhythm(match: Match, *, today: date) -> Rhythm:
    """REL-5: per month of the match's life, the number of meetings and the fun/learning mix
    (months without a meeting included). One query."""
    rows = (
        MeetingLog.objects.filter(match=match)
        .annotate(month=TruncMonth("held_on", output_field=DateField()))
        .order_by()
        .values("month")
        .annotate(
            n=Count("id"),
            fun=Count("id", filter=Q(activity=ActivityKind.FUN)),
            learning=Count("id", filter=Q(activity=ActivityKind.LEARNING)),
            both=Count("id", filter=Q(activity=ActivityKind.BOTH)),
            minutes=Sum("duration_minutes"),
        )
    )
    by_month: dict[date, dict[str, Any]] = {row["month"]: dict(row) for row in rows}
    first = min([match.started_on or today, *by_month]) if by_month else match.started_on
    if first is None:
        return Rhythm([], 0, 0, 0, 0, 0)
    last = max([match.ended_on or today, *by_month])
    months = []
    for month in _months(first, last):
        row = by_month.get(month, {})
        months.append(
            RhythmMonth(
                month,
                row.get("n", 0),
                row.get("fun", 0),
                row.get("learning", 0),
                row.get("both", 0),
                row.get("minutes") or 0,
            )
        )
    return Rhythm(
        months,
        max((m.meetings for m in months), default=0),
        sum(m.meetings for m in months),
        sum(m.fun for m in months),
        sum(m.learning for m in months),
        sum(m.both for m in months),
    )
