"""SUP-1 has one definition of "on schedule": the answer for one match (`support_overdue_since`,
which the worklist and the reminders read) and the count over many (`support_on_schedule`, which
the dashboard reads) agree on the same matches, at the boundaries of the schedule's windows."""

from datetime import date, timedelta

import pytest

from koppel.matches.domain.support import (
    SCHEDULED,
    owes_support_on,
    planned_contacts,
    schedule_status,
    support_on_schedule,
    support_overdue_since,
    with_schedule_data,
)
from koppel.matches.enums import ContactWith, MatchState
from koppel.matches.models import Match
from tests.factories import ProgrammeFactory
from tests.factories.support import SupportContactFactory, started_match

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 30)


def _window_start(match: Match, day: date) -> date:
    """The first day of the window of the last planned date before `day` (hand rule: the day
    after the midpoint with the planned date before it)."""
    planned = [d for d in planned_contacts(match, with_whom=ContactWith.MENTOR, until=day) if d < day]
    previous, last = planned[-2], planned[-1]
    return previous + timedelta(days=(last - previous).days // 2 + 1)


def _contact(match: Match, held_on: date, with_whom: str = ContactWith.MENTOR) -> None:
    SupportContactFactory(match=match, held_on=held_on, with_whom=with_whom)


@pytest.fixture
def matches() -> dict[str, Match]:
    programme = ProgrammeFactory()
    other = ProgrammeFactory()
    other.settings.support_intensive_per_month = 4
    other.settings.support_after_year_interval_months = 2
    other.settings.support_guardians = False
    other.settings.save()
    made = {
        "never_contacted": started_match(DAY - timedelta(days=60), programme=programme),
        "too_young": started_match(DAY - timedelta(days=5), programme=programme),
        "on_window_start": started_match(date(2025, 1, 1), programme=programme),
        "day_before_window": started_match(date(2025, 1, 1), programme=programme),
        "after_year_on_time": started_match(date(2024, 3, 10), programme=programme),
        "paused_before": started_match(
            DAY - timedelta(days=200), programme=programme, paused_since=DAY - timedelta(days=30)
        ),
        "paused_after": started_match(
            DAY - timedelta(days=200), programme=programme, paused_since=DAY + timedelta(days=1)
        ),
        "closed_before": started_match(
            date(2025, 1, 1), programme=programme, state=MatchState.CLOSED, ended_on=DAY - timedelta(days=40)
        ),
        "closed_after": started_match(
            date(2025, 1, 1), programme=programme, state=MatchState.CLOSED, ended_on=DAY + timedelta(days=3)
        ),
        "no_guardian": started_match(DAY - timedelta(days=100), programme=programme, guardian=False),
        "other_rhythm": started_match(DAY - timedelta(days=45), programme=other),
        "proposed": started_match(DAY - timedelta(days=45), programme=programme, state=MatchState.PROPOSED),
    }
    on_start = _window_start(made["on_window_start"], DAY)
    _contact(made["on_window_start"], on_start)
    _contact(made["on_window_start"], on_start, ContactWith.GUARDIAN)
    _contact(made["day_before_window"], on_start - timedelta(days=1))
    _contact(made["after_year_on_time"], DAY - timedelta(days=20))
    _contact(made["paused_after"], DAY - timedelta(days=3))
    _contact(made["no_guardian"], DAY - timedelta(days=10))
    _contact(made["other_rhythm"], DAY - timedelta(days=6))
    _contact(made["closed_after"], DAY - timedelta(days=2), ContactWith.GUARDIAN)
    _contact(made["too_young"], DAY + timedelta(days=1))  # after the day: does not count
    return made


def _loaded() -> dict[int, Match]:
    return {m.pk: m for m in with_schedule_data(Match.objects.all())}


def test_the_boundaries_of_one_match__SUP_1(matches: dict[str, Match]) -> None:
    loaded = _loaded()

    def overdue(name: str, with_whom: str = ContactWith.MENTOR) -> date | None:
        return support_overdue_since(loaded[matches[name].pk], with_whom=with_whom, day=DAY)

    assert overdue("never_contacted") is not None
    assert overdue("too_young") is None
    # The window of the last planned date opens half an interval before it: a contact on its first
    # day keeps the match on schedule, one a day earlier does not (no further tolerance).
    assert overdue("on_window_start") is None
    assert overdue("on_window_start", ContactWith.GUARDIAN) is None
    assert overdue("day_before_window") is not None
    assert overdue("after_year_on_time") is None
    # Paused on the day, closed before it, or not started: nothing is owed.
    assert not owes_support_on(loaded[matches["paused_before"].pk], with_whom=ContactWith.MENTOR, day=DAY)
    assert not owes_support_on(loaded[matches["closed_before"].pk], with_whom=ContactWith.MENTOR, day=DAY)
    assert not owes_support_on(loaded[matches["proposed"].pk], with_whom=ContactWith.MENTOR, day=DAY)
    assert owes_support_on(loaded[matches["paused_after"].pk], with_whom=ContactWith.MENTOR, day=DAY)
    assert owes_support_on(loaded[matches["closed_after"].pk], with_whom=ContactWith.GUARDIAN, day=DAY)
    assert not owes_support_on(loaded[matches["no_guardian"].pk], with_whom=ContactWith.GUARDIAN, day=DAY)
    assert not owes_support_on(loaded[matches["other_rhythm"].pk], with_whom=ContactWith.GUARDIAN, day=DAY)


@pytest.mark.parametrize("days_back", [0, 1, 30, 91, 182, 400])
def test_one_match_and_the_count_agree__SUP_1(matches: dict[str, Match], days_back: int) -> None:
    day = DAY - timedelta(days=days_back)
    loaded = _loaded()
    counted = {(c.day, c.with_whom): c for c in support_on_schedule(Match.objects.all(), days=[day, DAY])}
    for on in (day, DAY):
        for party in SCHEDULED:
            owed = [m for m in loaded.values() if owes_support_on(m, with_whom=party, day=on)]
            on_time = [m for m in owed if support_overdue_since(m, with_whom=party, day=on) is None]
            assert (counted[on, party].on_schedule, counted[on, party].owed) == (len(on_time), len(owed))


def test_the_count_has_cases_on_both_sides__SUP_1(matches: dict[str, Match]) -> None:
    [mentor, guardian] = support_on_schedule(Match.objects.all(), days=[DAY])
    assert (mentor.with_whom, mentor.on_schedule, mentor.owed) == (ContactWith.MENTOR, 6, 9)
    assert guardian.with_whom == ContactWith.GUARDIAN
    assert 0 < guardian.on_schedule < guardian.owed


def test_the_worklist_status_says_the_same_today__SUP_1(matches: dict[str, Match]) -> None:
    """The schedule's status of one match (the match page) and the rule's answer agree for the
    matches that run today."""
    for match in _loaded().values():
        if match.state not in (MatchState.ACTIVE, MatchState.CLOSING) or match.paused_since is not None:
            continue
        for party in SCHEDULED:
            status = schedule_status(match, with_whom=party, today=DAY)
            assert status.overdue_since == support_overdue_since(match, with_whom=party, day=DAY), match


def test_the_count_takes_constant_queries__SUP_1(
    matches: dict[str, Match], django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        support_on_schedule(Match.objects.all(), days=[DAY, DAY - timedelta(days=90)])
