"""The support schedule (SUP-1) and the support-contact log (SUP-2).

The schedule, from the programme's settings and the match's start date S:

- Intensive months (SUP-1 "twice a month in the first months"): for each month k of the first
  `support_intensive_months`, the month runs from add_months(S, k) to add_months(S, k + 1) (calendar
  months; a day that does not exist, like 31 February, becomes the month's last day). Its n =
  `support_intensive_per_month` contacts fall on month_start + floor(days_in_that_month * i / n) for
  i = 1..n, so the last one falls on the month anniversary. Twice a month from 1 January: 16 January,
  1 February, 15 February, 1 March, 16 March, 1 April.
- Then until the first year (SUP-1 "monthly"): the same rule with `support_regular_per_month` for the
  months up to 12; with one a month, on each month anniversary up to and including add_months(S, 12).
- After the first year (SUP-1 "once per three months, if it goes well"): on add_months(S, 12 + j * m)
  for j = 1, 2, ... with m = `support_after_year_interval_months`. Whether the match goes well is the
  coordinator's judgement: they can always log more contacts than planned.

Every date is computed from S, never from the previous date, so month lengths never drift.

The same rhythm applies with the parents or guardians when `support_guardians` is on (and the youth
has a guardian). In a team match the mentors share one schedule: a contact with any of them counts.
Contacts with the youth are logged but not scheduled.

No contacts fall due before the start, after the match ended (`ended_on`), or from the day a pause
began (`paused_since`) while it lasts. The pause itself is not kept after resuming (the model stores
only the current pause), so dates that fell inside a past pause then count as missed.

On time: the windows of successive planned dates meet halfway between them (each window runs from
the day after the midpoint with the previous date, or the start, to the midpoint with the next date),
so a contact is on time when it falls within half an interval of its planned date. A planned date
without a contact in its window is late when a contact took place after its window, no later than
the next planned date, and another contact still falls in the next date's window (a contact counts
once: a single contact makes the next date on time and leaves this one missed). Until the next
planned date passes, a date without a contact is "due" (it may still be made up), then missed.

On schedule on a day (the worklist's alert, the reminders' digest and the dashboard's share all
read this one definition, `support_overdue_since`): a contact is overdue on day D when a planned
date before D has had no contact since its window began. Only the latest contact counts for this,
so a match is on schedule on D exactly when its latest contact (up to D) falls on or after the start
of the window of the last planned date before D. There is no further tolerance: the window already
gives half an interval before the planned date, and the planned date itself is allowed until it
passes (so a contact may be up to one and a half intervals old just before the next date, and no
older). `support_overdue_since` answers for one match; `support_on_schedule` counts many matches on
several days in one query that brings each match's latest contact per day, the rule then applied to
those facts by the same function.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, NamedTuple, Protocol

from django.db import transaction
from django.db.models import DateField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.dates import add_months
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.matches.enums import STARTED_STATES, ContactWith, MatchState, SupportTopic
from koppel.matches.models import Match, SupportContact
from koppel.people.models import Guardianship

FIRST_YEAR_MONTHS = 12
SCHEDULED = (ContactWith.MENTOR, ContactWith.GUARDIAN)

# The state of one planned date.
ON_TIME = "on_time"
LATE = "late"
MISSED = "missed"
DUE = "due"  # the date has passed (or is today), no contact yet; it can still be made up
PLANNED = "planned"  # in the future


class ScheduleSettings(Protocol):
    """The programme settings the SUP-1 schedule reads (ProgrammeSettings, or `_Settings`)."""

    @property
    def support_intensive_months(self) -> int: ...
    @property
    def support_intensive_per_month(self) -> int: ...
    @property
    def support_regular_per_month(self) -> int: ...
    @property
    def support_after_year_interval_months(self) -> int: ...
    @property
    def support_guardians(self) -> bool: ...


class _Settings(NamedTuple):
    support_intensive_months: int
    support_intensive_per_month: int
    support_regular_per_month: int
    support_after_year_interval_months: int
    support_guardians: bool


SETTINGS_FIELDS = _Settings._fields


def _rhythm(start: date, settings: ScheduleSettings) -> Iterator[date]:
    """Every planned date from `start` on, without end (see the module docstring)."""
    for k in range(FIRST_YEAR_MONTHS):
        per_month = (
            settings.support_intensive_per_month
            if k < settings.support_intensive_months
            else settings.support_regular_per_month
        )
        month_start, month_end = add_months(start, k), add_months(start, k + 1)
        days = (month_end - month_start).days
        for i in range(1, per_month + 1):
            yield month_start + timedelta(days=days * i // per_month)
    j = 1
    while True:
        yield add_months(start, FIRST_YEAR_MONTHS + j * settings.support_after_year_interval_months)
        j += 1


def _has_guardian(match: Match) -> bool:
    # .all() so that a prefetch of youth__guardianships is used (lists stay at constant queries).
    return any(True for _g in match.youth.guardianships.all())


def _stops(match: Match, day: date) -> bool:
    return _stops_on(day, ended_on=match.ended_on, paused_since=match.paused_since)


def _stops_on(day: date, *, ended_on: date | None, paused_since: date | None) -> bool:
    if ended_on is not None and day > ended_on:
        return True
    return paused_since is not None and day >= paused_since


def _schedule(match: Match, with_whom: str) -> Iterator[date]:
    """The match's planned dates with `with_whom`, in order, stopping at its end or current pause."""
    if match.started_on is None or with_whom not in SCHEDULED:
        return
    settings = match.programme.settings
    if with_whom == ContactWith.GUARDIAN and not (settings.support_guardians and _has_guardian(match)):
        return
    for day in _rhythm(match.started_on, settings):
        if _stops(match, day):
            return
        yield day


def planned_contacts(match: Match, *, with_whom: str, until: date) -> list[date]:
    """SUP-1: the planned support contacts with the mentor(s) or the guardians, up to `until`.

    Empty before the match started, for the youth, and for guardians when the programme does not
    plan contacts with them (or the youth has none). No date after the match ended, none from the
    first day of a current pause on.
    """
    days = []
    for day in _schedule(match, with_whom):
        if day > until:
            break
        days.append(day)
    return days


@dataclass(frozen=True)
class PlannedContact:
    day: date
    state: str  # ON_TIME, LATE, MISSED, DUE or PLANNED
    done_on: date | None = None  # the contact that counted, if any


@dataclass(frozen=True)
class Status:
    """Where the schedule with one party stands on `today`."""

    with_whom: str
    dates: list[PlannedContact] = field(default_factory=list)
    next_due: date | None = None
    overdue_since: date | None = None
    last_contact: date | None = None

    @property
    def planned_so_far(self) -> int:
        return sum(1 for p in self.dates if p.state != PLANNED)

    @property
    def on_time(self) -> int:
        return sum(1 for p in self.dates if p.state == ON_TIME)

    @property
    def late(self) -> int:
        return sum(1 for p in self.dates if p.state == LATE)

    @property
    def missed(self) -> int:
        return sum(1 for p in self.dates if p.state == MISSED)


def _contact_days(match: Match, with_whom: str, today: date) -> list[date]:
    # .all() so that a prefetch of support_contacts is used.
    return sorted(
        c.held_on for c in match.support_contacts.all() if c.with_whom == with_whom and c.held_on <= today
    )


def _midpoint(a: date, b: date) -> date:
    return a + timedelta(days=(b - a).days // 2)


def schedule_status(match: Match, *, with_whom: str, today: date) -> Status:
    """SUP-1: each planned date up to `today` (and the next one) with its state, the next date due,
    since when a contact is overdue, and the counts on time / late / missed.

    A date is due (overdue from the next day) while no contact has taken place since its window
    began; a paused or closed match has nothing due. Uses match.support_contacts.all() and
    match.youth.guardianships.all(): prefetch them for lists.
    """
    if match.started_on is None:
        return Status(with_whom=with_whom)
    contacts = _contact_days(match, with_whom, today)
    last_contact = contacts[-1] if contacts else None
    planned: list[date] = []
    for day in _schedule(match, with_whom):
        planned.append(day)
        if day > today:
            break
    # Each window ends halfway to the next planned date; only the last date of a schedule that stopped
    # (a pause or the end) has no next date, and its window stays open.
    ends: list[date | None] = [_midpoint(a, b) for a, b in pairwise(planned)]
    ends.append(None)
    dates = []
    next_due = None
    carried: date | None = None  # a contact of this window already counted late for the date before
    start: date = match.started_on
    for i, day in enumerate(planned):
        end = ends[i]
        in_window = [c for c in contacts if c >= start and (end is None or c <= end)]
        if carried is not None:
            in_window.remove(carried)
            carried = None
        if next_due is None and (last_contact is None or last_contact < start):
            next_due = day
        if in_window:
            state, done_on = ON_TIME, in_window[0]
        elif day > today:
            state, done_on = PLANNED, None
        elif end is None:
            state, done_on = (MISSED if match.state == MatchState.CLOSED else DUE), None
        else:
            after, next_end = planned[i + 1], ends[i + 1]
            next_window = [c for c in contacts if end < c and (next_end is None or c <= next_end)]
            # Late: a contact after the window, by the next planned date, while another contact still
            # makes the next date on time (a contact counts once).
            if len(next_window) >= 2 and next_window[0] <= after:
                state, done_on = LATE, next_window[0]
                carried = next_window[0]
            elif today < after:
                state, done_on = DUE, None
            else:
                state, done_on = MISSED, None
        dates.append(PlannedContact(day, state, done_on))
        if end is not None:
            start = end + timedelta(days=1)
    open_match = match.state in STARTED_STATES and match.paused_since is None
    if not open_match:
        next_due = None
    return Status(
        with_whom=with_whom,
        dates=dates,
        next_due=next_due,
        overdue_since=next_due if next_due is not None and next_due < today else None,
        last_contact=last_contact,
    )


class _Windows(NamedTuple):
    """A match's planned dates before some day, in order, each with the first day of its window."""

    planned: list[date]
    starts: list[date]


def _windows(
    start: date, settings: ScheduleSettings, *, until: date, ended_on: date | None, paused_since: date | None
) -> _Windows:
    """The planned dates before `until` (stopping at the end or the current pause) and their
    windows' first days: the start for the first date, else the day after the midpoint with the
    previous planned date (the module docstring)."""
    planned: list[date] = []
    starts: list[date] = []
    for day in _rhythm(start, settings):
        if day >= until or _stops_on(day, ended_on=ended_on, paused_since=paused_since):
            break
        starts.append(start if not planned else _midpoint(planned[-1], day) + timedelta(days=1))
        planned.append(day)
    return _Windows(planned, starts)


def _overdue_since(windows: _Windows, *, last_contact: date | None, day: date) -> date | None:
    """SUP-1 "on schedule", the one definition: the first planned date before `day` whose window
    began after `last_contact` (the latest contact up to `day`), or None when the match is on
    schedule. The windows' first days only grow, so the match is on schedule exactly when the
    latest contact falls on or after the first day of the window of the last planned date before
    `day`: the count over many matches reads only that (`_on_schedule`)."""
    for planned, window_start in zip(windows.planned, windows.starts, strict=True):
        if planned >= day:
            return None
        if last_contact is None or last_contact < window_start:
            return planned
    return None


def _on_schedule(windows: _Windows, *, last_contact: date | None, day: date) -> bool:
    """`_overdue_since(...) is None`, by one look-up: the window of the last planned date before `day`."""
    last = bisect_left(windows.planned, day) - 1
    return last < 0 or (last_contact is not None and last_contact >= windows.starts[last])


def owes_support_on(match: Match, *, with_whom: str, day: date) -> bool:
    """SUP-1: whether the schedule with `with_whom` applies to the match on `day`: the match ran
    that day (started on or before it, not ended before it) and was not paused; for the parents or
    guardians only when the programme plans contacts with them and the youth has one. Uses
    match.youth.guardianships.all()."""
    if match.started_on is None or match.state not in [*STARTED_STATES, MatchState.CLOSED]:
        return False
    if match.started_on > day or (match.ended_on is not None and match.ended_on < day):
        return False
    if match.paused_since is not None and match.paused_since <= day:
        return False
    if with_whom == ContactWith.GUARDIAN:
        return bool(match.programme.settings.support_guardians) and _has_guardian(match)
    return with_whom == ContactWith.MENTOR


def support_overdue_since(match: Match, *, with_whom: str, day: date) -> date | None:
    """SUP-1 for one match: the planned date from which a contact with `with_whom` is overdue on
    `day`, or None when the match is on schedule (or owes no contact that day: `owes_support_on`).
    Uses match.support_contacts.all() and match.youth.guardianships.all(): prefetch them for lists
    (`with_schedule_data`)."""
    if not owes_support_on(match, with_whom=with_whom, day=day) or match.started_on is None:
        return None
    contacts = _contact_days(match, with_whom, day)
    windows = _windows(
        match.started_on,
        match.programme.settings,
        until=day,
        ended_on=match.ended_on,
        paused_since=match.paused_since,
    )
    return _overdue_since(windows, last_contact=contacts[-1] if contacts else None, day=day)


@dataclass(frozen=True)
class OnSchedule:
    """SUP-1 on one day: of the matches that owe contacts with the party (`owed`), those on schedule."""

    day: date
    with_whom: str
    on_schedule: int
    owed: int


def support_on_schedule(matches: QuerySet[Match], *, days: Sequence[date]) -> list[OnSchedule]:
    """SUP-1 for many matches: per day and party (mentor, then guardian), how many of `matches`
    owed contacts and how many of those were on schedule, exactly as `support_overdue_since` and
    `owes_support_on` answer for each match. One query: the matches open on any of the days, each
    with its schedule settings, whether the youth has a guardian, and its latest contact per party
    up to each day (a look-up on the SupportContact (match, with_whom, held_on) index); the
    schedule's calendar months are then walked here, by the same function as for one match."""
    if not days:
        return []
    latest = {
        f"last_{party}_{k}": Subquery(
            SupportContact.objects.filter(match=OuterRef("pk"), with_whom=party, held_on__lte=day)
            .order_by("-held_on")
            .values("held_on")[:1],
            output_field=DateField(),
        )
        for k, day in enumerate(days)
        for party in SCHEDULED
    }
    rows: Iterable[dict[str, Any]] = (
        matches.filter(
            state__in=[*STARTED_STATES, MatchState.CLOSED],
            started_on__isnull=False,
            started_on__lte=max(days),
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=min(days)))
        .annotate(has_guardian=Exists(Guardianship.objects.filter(youth=OuterRef("youth_id"))), **latest)
        .values(
            "started_on",
            "ended_on",
            "paused_since",
            "has_guardian",
            *latest,
            **{name: F(f"programme__settings__{name}") for name in SETTINGS_FIELDS},
        )
        .order_by()
    )
    counts = {(k, party): [0, 0] for k in range(len(days)) for party in SCHEDULED}
    for row in rows:
        if row["support_intensive_months"] is None:  # a programme without settings plans nothing
            continue
        settings = _Settings(*(row[name] for name in SETTINGS_FIELDS))
        start, ended_on, paused_since = row["started_on"], row["ended_on"], row["paused_since"]
        # The planned dates up to the last day, walked once per match (calendar months are slow).
        windows = _windows(start, settings, until=max(days), ended_on=ended_on, paused_since=paused_since)
        for k, day in enumerate(days):
            if start > day or (ended_on is not None and ended_on < day):
                continue
            if paused_since is not None and paused_since <= day:
                continue
            for party in SCHEDULED:
                if party == ContactWith.GUARDIAN and not (settings.support_guardians and row["has_guardian"]):
                    continue
                cell = counts[k, party]
                cell[1] += 1
                if _on_schedule(windows, last_contact=row[f"last_{party}_{k}"], day=day):
                    cell[0] += 1
    return [OnSchedule(day, party, *counts[k, party]) for k, day in enumerate(days) for party in SCHEDULED]


def with_schedule_data(matches: QuerySet[Match]) -> QuerySet[Match]:
    """What schedule_status reads, fetched for a whole list in three queries."""
    return matches.select_related("programme__settings", "youth").prefetch_related(
        Prefetch(
            "support_contacts",
            queryset=SupportContact.objects.only("id", "match_id", "held_on", "with_whom"),
        ),
        Prefetch("youth__guardianships", queryset=Guardianship.objects.only("id", "youth_id")),
    )


@dataclass(frozen=True)
class Overdue:
    match: Match
    mentor_since: date | None
    guardian_since: date | None

    @property
    def since(self) -> date:
        return min(d for d in (self.mentor_since, self.guardian_since) if d is not None)


def overdue_contacts(programme_ids: Iterable[int], today: date) -> list[Overdue]:
    """SUP-1 alert: started, unpaused matches whose next mentor or guardian contact is overdue,
    longest overdue first. Four queries whatever the number of matches."""
    matches = with_schedule_data(
        Match.objects.filter(
            programme_id__in=list(programme_ids), state__in=STARTED_STATES, paused_since__isnull=True
        )
    )
    found = []
    for match in matches:
        mentor = support_overdue_since(match, with_whom=ContactWith.MENTOR, day=today)
        guardian = support_overdue_since(match, with_whom=ContactWith.GUARDIAN, day=today)
        if mentor is not None or guardian is not None:
            found.append(Overdue(match, mentor, guardian))
    return sorted(found, key=lambda o: (o.since, o.match.pk))


def follow_ups_due(programme_ids: Iterable[int], today: date) -> QuerySet[SupportContact]:
    """Contacts whose follow-up date has come, with no later contact with the same party since."""
    later = SupportContact.objects.filter(
        match=OuterRef("match"), with_whom=OuterRef("with_whom"), held_on__gt=OuterRef("held_on")
    )
    return (
        SupportContact.objects.filter(
            match__programme_id__in=list(programme_ids),
            follow_up_on__isnull=False,
            follow_up_on__lte=today,
        )
        .exclude(match__state=MatchState.CLOSED)
        .filter(~Exists(later))
        .order_by("follow_up_on", "id")
    )


@transaction.atomic
def log_contact(match: Match, *, by: User, values: dict[str, Any]) -> SupportContact:
    """Record a support contact (SUP-2) with the mentor, a guardian or the youth of a started match.

    `values`: held_on, with_whom, mentor (with_whom mentor; in a team match: which one), guardian
    (with_whom guardian), channel, topics (SupportTopic values), notes, follow_up, follow_up_on.
    Refused for a match that has not started, a date in the future or before the start, a mentor
    not in the match or a guardian not the youth's. Side effects: an activity-log entry
    "matches.support_contact.logged" with the field names (never the notes).
    """
    if match.started_on is None or match.state not in [*STARTED_STATES, MatchState.CLOSED]:
        raise DomainError(_("Support contacts are logged once the match has started."))
    held_on = values["held_on"]
    if held_on > timezone.localdate():
        raise DomainError(_("Log a support contact once it has taken place."))
    if held_on < match.started_on:
        raise DomainError(_("This date is before the match started."))
    with_whom = values["with_whom"]
    mentor = values.get("mentor") if with_whom == ContactWith.MENTOR else None
    guardian = values.get("guardian") if with_whom == ContactWith.GUARDIAN else None
    if mentor is not None and not match.match_mentors.filter(mentor=mentor).exists():
        raise DomainError(_("This mentor is not part of the match."))
    if guardian is not None and not match.youth.guardianships.filter(guardian=guardian).exists():
        raise DomainError(_("This person is not a parent or guardian of the youth."))
    topics = [t for t in values.get("topics") or [] if t in SupportTopic.values]
    follow_up_on = values.get("follow_up_on")
    if follow_up_on is not None and follow_up_on < held_on:
        raise DomainError(_("The follow-up date is before the contact."))
    contact = SupportContact.objects.create(
        match=match,
        held_on=held_on,
        with_whom=with_whom,
        mentor=mentor,
        guardian=guardian,
        channel=values["channel"],
        topics=topics,
        notes=values.get("notes", ""),
        follow_up=values.get("follow_up", ""),
        follow_up_on=follow_up_on,
        by=by,
    )
    filled = ["held_on", "with_whom", "channel"] + [
        name
        for name, value in (
            ("mentor", mentor),
            ("guardian", guardian),
            ("topics", topics),
            ("notes", contact.notes),
            ("follow_up", contact.follow_up),
            ("follow_up_on", follow_up_on),
        )
        if value
    ]
    log_action(contact, "matches.support_contact.logged", by=by, fields=filled, data={"match": match.pk})
    return contact
