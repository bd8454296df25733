"""REL-1's monthly measure has one definition: the answer for one match (`ran_whole_period`,
`met_often_enough`) and the conditions that count many (`ran_whole_period_q`, `met_often_enough_q`,
which the dashboard reads) agree on the same matches, at the boundaries."""

from datetime import date, timedelta

import pytest
from django.db.models import Count

from koppel.matches.domain.meetings import (
    meetings_needed,
    met_often_enough,
    met_often_enough_q,
    ran_whole_period,
    ran_whole_period_q,
)
from koppel.matches.enums import MatchState
from koppel.matches.models import Match
from tests.factories import ProgrammeFactory
from tests.factories.meeting import MeetingLogFactory, agree
from tests.factories.support import started_match

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 3, 1), date(2026, 3, 31)  # 31 days: 4 weekly meetings owed


def _meet(match: Match, *days: int) -> None:
    for day in days:
        MeetingLogFactory(match=match, held_on=FIRST + timedelta(days=day - 1))


@pytest.fixture
def matches() -> dict[str, Match]:
    programme = ProgrammeFactory()
    made = {
        "four": started_match(date(2026, 1, 10), programme=programme),
        "three": started_match(date(2026, 1, 10), programme=programme),
        "none": started_match(date(2026, 1, 10), programme=programme),
        "started_on_the_first": started_match(FIRST, programme=programme),
        "started_a_day_late": started_match(FIRST + timedelta(days=1), programme=programme),
        "paused_on_the_last_day": started_match(date(2026, 1, 10), programme=programme, paused_since=LAST),
        "paused_after": started_match(
            date(2026, 1, 10), programme=programme, paused_since=LAST + timedelta(days=1)
        ),
        "ended_on_the_last_day": started_match(
            date(2025, 1, 10), programme=programme, state=MatchState.CLOSED, ended_on=LAST
        ),
        "ended_a_day_early": started_match(
            date(2025, 1, 10), programme=programme, state=MatchState.CLOSED, ended_on=LAST - timedelta(days=1)
        ),
        "agreed_fortnightly": started_match(date(2026, 1, 10), programme=programme),
        "outside_the_month": started_match(date(2026, 1, 10), programme=programme),
        "proposed": started_match(date(2026, 1, 10), programme=programme, state=MatchState.PROPOSED),
    }
    _meet(made["four"], 1, 8, 15, 31)
    _meet(made["three"], 1, 8, 15)
    _meet(made["started_on_the_first"], 2, 9, 16, 23)
    _meet(made["started_a_day_late"], 2, 9, 16, 23)
    _meet(made["paused_after"], 3, 10, 17, 24)
    _meet(made["ended_on_the_last_day"], 3, 10, 17, 24)
    _meet(made["agreed_fortnightly"], 5, 19)
    agree(made["agreed_fortnightly"], interval_days=14)
    MeetingLogFactory(match=made["outside_the_month"], held_on=FIRST - timedelta(days=1))
    _meet(made["outside_the_month"], 5, 12, 19)
    MeetingLogFactory(match=made["outside_the_month"], held_on=LAST + timedelta(days=1))
    return made


def test_meetings_owed_per_interval__REL_1() -> None:
    assert meetings_needed(FIRST, LAST, 7) == 4
    assert meetings_needed(date(2026, 2, 1), date(2026, 2, 28), 7) == 4
    assert meetings_needed(FIRST, LAST, 14) == 2
    assert meetings_needed(FIRST, FIRST + timedelta(days=5), 7) == 0


def test_the_boundaries_of_one_match__REL_1(matches: dict[str, Match]) -> None:
    def whole(name: str) -> bool:
        return ran_whole_period(Match.objects.get(pk=matches[name].pk), first=FIRST, last=LAST)

    def met(name: str) -> bool:
        return met_often_enough(matches[name], first=FIRST, last=LAST)

    assert whole("four") and met("four")
    assert whole("three") and not met("three")
    assert whole("none") and not met("none")
    assert whole("started_on_the_first") and met("started_on_the_first")
    assert not whole("started_a_day_late")
    assert not whole("paused_on_the_last_day")
    assert whole("paused_after") and met("paused_after")
    assert whole("ended_on_the_last_day") and met("ended_on_the_last_day")
    assert not whole("ended_a_day_early")
    assert not whole("proposed")
    # The agreed interval (the latest agreement's) counts, not the programme's weekly default.
    assert whole("agreed_fortnightly") and met("agreed_fortnightly")
    assert not met("outside_the_month")


@pytest.mark.parametrize(
    ("first", "last"),
    [(FIRST, LAST), (date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 4, 1), date(2026, 4, 30))],
)
def test_one_match_and_the_count_agree__REL_1(matches: dict[str, Match], first: date, last: date) -> None:
    counted = Match.objects.aggregate(
        whole=Count("id", filter=ran_whole_period_q(first, last)),
        met=Count("id", filter=ran_whole_period_q(first, last) & met_often_enough_q(first, last)),
    )
    whole = [m for m in Match.objects.all() if ran_whole_period(m, first=first, last=last)]
    met = [m for m in whole if met_often_enough(m, first=first, last=last)]
    assert (counted["met"], counted["whole"]) == (len(met), len(whole))
    if first == FIRST:
        assert (len(met), len(whole)) == (5, 8)
