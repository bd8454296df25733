"""REC-3's "a full year in a match" has one definition: the answer for one mentor (`served_full_year`)
and the condition that counts many (`served_full_year_q`, which the dashboard's recruitment funnel
reads) agree on the same mentors, at the boundaries."""

from datetime import date, timedelta

import pytest

from koppel.matches.domain.matched import served_full_year, served_full_year_q
from koppel.matches.enums import MatchState
from koppel.people.models import Mentor
from tests.factories import MatchFactory, MentorFactory, ProgrammeFactory, YouthFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 15)


def _mentor_with(programme, **match):
    mentor = MentorFactory(programme=programme)
    if match:
        MatchFactory(youth=YouthFactory(programme=programme), mentors=[mentor], **match)
    return mentor


@pytest.fixture
def mentors() -> dict[str, Mentor]:
    programme = ProgrammeFactory()
    year_ago = date(2025, 11, 15)
    return {
        "no_match": _mentor_with(programme),
        "proposed": _mentor_with(programme, state=MatchState.PROPOSED, started_on=None),
        "runs_since_a_year": _mentor_with(programme, state=MatchState.ACTIVE, started_on=year_ago),
        "runs_a_day_short": _mentor_with(
            programme, state=MatchState.ACTIVE, started_on=year_ago + timedelta(days=1)
        ),
        "closing_since_a_year": _mentor_with(programme, state=MatchState.CLOSING, started_on=year_ago),
        "ended_after_365_days": _mentor_with(
            programme,
            state=MatchState.CLOSED,
            started_on=date(2024, 1, 10),
            ended_on=date(2024, 1, 10) + timedelta(days=365),
        ),
        "ended_after_364_days": _mentor_with(
            programme,
            state=MatchState.CLOSED,
            started_on=date(2024, 1, 10),
            ended_on=date(2024, 1, 10) + timedelta(days=364),
        ),
    }


def test_one_mentor_and_the_count_agree__REC_3(mentors):
    one_by_one = {key for key, mentor in mentors.items() if served_full_year(mentor, today=TODAY)}
    counted = set(
        Mentor.objects.filter(served_full_year_q(TODAY), pk__in=[m.pk for m in mentors.values()]).values_list(
            "pk", flat=True
        )
    )
    assert {mentors[key].pk for key in one_by_one} == counted
    assert one_by_one == {"runs_since_a_year", "closing_since_a_year", "ended_after_365_days"}
