"""TRN-1 and TRN-2 have one definition each: the answer for one mentor (`has_pre_match_hours`,
`monthly_hours_met`) and the count over many (`count_with_pre_match_hours`,
`count_with_monthly_hours`, which the dashboard reads) agree on the same mentors, at the
boundaries: hours on the day the first match started, exactly the hours asked, a session late in
the evening on a month's last day, a mentor whose match ended or started during the month."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from koppel.matches.enums import MatchState
from koppel.people.models import Mentor
from koppel.training.domain.ledger import (
    count_with_monthly_hours,
    count_with_pre_match_hours,
    has_pre_match_hours,
    monthly_hours_met,
    pre_match_hours,
    pre_match_hours_of,
)
from tests.factories import MatchFactory, MentorFactory, ProgrammeFactory, YouthFactory
from tests.factories.training import AttendedRegistrationFactory, ExternalHoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

START = date(2026, 3, 10)  # the first match's start
MONTHS = [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]


def _at(day: date, hour: int = 19, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _session(mentor: Mentor, when: datetime, hours: str) -> None:
    session = SessionFactory(programme=mentor.programme, starts_at=when, duration_hours=Decimal(hours))
    AttendedRegistrationFactory(session=session, mentor=mentor)


def _external(mentor: Mentor, day: date, hours: str) -> None:
    ExternalHoursFactory(mentor=mentor, date=day, hours=Decimal(hours))


def _match(mentor: Mentor, started_on: date, **kwargs: object) -> None:
    youth = YouthFactory(programme=mentor.programme)
    MatchFactory(youth=youth, started_on=started_on, mentors=[mentor], **kwargs)


@pytest.fixture
def mentors() -> dict[str, Mentor]:
    programme = ProgrammeFactory()
    programme.settings.pre_match_training_hours = Decimal("6")
    programme.settings.monthly_training_hours = Decimal("2")
    programme.settings.save()
    relaxed = ProgrammeFactory()
    relaxed.settings.pre_match_training_hours = Decimal("2")
    relaxed.settings.monthly_training_hours = Decimal("0")
    relaxed.settings.save()
    made = {
        name: MentorFactory(programme=relaxed if name == "relaxed" else programme, status="matched")
        for name in (
            "exactly_six_before",
            "six_with_the_start_day",
            "never_matched_enough",
            "never_matched_short",
            "late_evening_before",
            "ended_in_march",
            "two_hours_each_month",
            "relaxed",
        )
    }
    made["never_matched_enough"].status = made["never_matched_short"].status = "ready"
    for mentor in made.values():
        mentor.save()
    m = made
    _match(m["exactly_six_before"], START, state=MatchState.ACTIVE)
    _session(m["exactly_six_before"], _at(date(2026, 2, 1)), "4")
    _external(m["exactly_six_before"], START.replace(day=9), "2")
    _external(m["exactly_six_before"], date(2026, 3, 20), "1.5")  # March: 1.5 h after the start
    _match(m["six_with_the_start_day"], START, state=MatchState.ACTIVE)
    _session(m["six_with_the_start_day"], _at(date(2026, 2, 1)), "4")
    _session(m["six_with_the_start_day"], _at(START, 10), "2")  # on the start day: after matching
    # Just after midnight on the start day (the day before in UTC): the organisation's day counts.
    _session(m["six_with_the_start_day"], _at(START, 0, 30), "1")
    _external(m["never_matched_enough"], date(2026, 1, 5), "6")
    _external(m["never_matched_short"], date(2026, 1, 5), "5.5")
    _match(m["late_evening_before"], START, state=MatchState.ACTIVE)
    _external(m["late_evening_before"], date(2026, 1, 5), "4")
    _session(m["late_evening_before"], _at(START.replace(day=9), 23, 30), "2")  # the evening before
    _session(m["late_evening_before"], _at(date(2026, 3, 31), 23, 30), "2")  # March's last evening
    _match(m["ended_in_march"], date(2025, 6, 1), state=MatchState.CLOSED, ended_on=date(2026, 3, 2))
    _external(m["ended_in_march"], date(2025, 5, 1), "6")
    _external(m["ended_in_march"], date(2026, 2, 27), "2")
    _match(m["two_hours_each_month"], date(2025, 12, 1), state=MatchState.ACTIVE)
    _external(m["two_hours_each_month"], date(2025, 11, 1), "6")
    for month in MONTHS:
        _external(m["two_hours_each_month"], month, "1")
        _session(m["two_hours_each_month"], _at(month.replace(day=15)), "1")
    _match(m["relaxed"], date(2026, 1, 1), state=MatchState.ACTIVE)
    _external(m["relaxed"], date(2025, 12, 1), "2")
    return made


def test_the_boundaries_of_one_mentor__TRN_1(mentors: dict[str, Mentor]) -> None:
    assert has_pre_match_hours(mentors["exactly_six_before"])
    assert pre_match_hours(mentors["six_with_the_start_day"]) == Decimal("4")
    assert not has_pre_match_hours(mentors["six_with_the_start_day"])
    assert has_pre_match_hours(mentors["never_matched_enough"])
    assert not has_pre_match_hours(mentors["never_matched_short"])
    assert has_pre_match_hours(mentors["late_evening_before"])


def test_one_mentor_and_the_count_agree__TRN_1(mentors: dict[str, Mentor]) -> None:
    every = Mentor.objects.filter(pk__in=[m.pk for m in mentors.values()])
    ok, total = count_with_pre_match_hours(every)
    assert (ok, total) == (sum(1 for m in every if has_pre_match_hours(m)), len(mentors))
    assert (ok, total) == (6, 8)
    hours = pre_match_hours_of(every.values("id"))
    assert {m.pk: hours.get(m.pk, Decimal(0)) for m in every} == {m.pk: pre_match_hours(m) for m in every}


def test_the_boundaries_of_one_mentor__TRN_2(mentors: dict[str, Mentor]) -> None:
    march = date(2026, 3, 1)
    assert monthly_hours_met(mentors["exactly_six_before"], month=march) is True  # 2 on the 9th, 1.5
    assert monthly_hours_met(mentors["exactly_six_before"], month=date(2026, 4, 1)) is False  # none
    assert monthly_hours_met(mentors["exactly_six_before"], month=date(2026, 2, 1)) is None  # not matched
    assert monthly_hours_met(mentors["never_matched_enough"], month=march) is None
    assert monthly_hours_met(mentors["late_evening_before"], month=march) is True  # 2 + 2 on the 9th and 31st
    assert monthly_hours_met(mentors["ended_in_march"], month=march) is False  # ran 1-2 March
    assert monthly_hours_met(mentors["ended_in_march"], month=date(2026, 2, 1)) is True
    assert monthly_hours_met(mentors["ended_in_march"], month=date(2026, 4, 1)) is None
    assert all(monthly_hours_met(mentors["two_hours_each_month"], month=m) for m in MONTHS)
    assert monthly_hours_met(mentors["relaxed"], month=march) is True  # the programme asks 0 hours


def test_one_mentor_and_the_count_agree__TRN_2(mentors: dict[str, Mentor]) -> None:
    every = Mentor.objects.filter(pk__in=[m.pk for m in mentors.values()])
    counted = count_with_monthly_hours(every, months=MONTHS)
    for count in counted:
        answers = [monthly_hours_met(m, month=count.month) for m in every]
        assert (count.met, count.matched) == (
            sum(1 for a in answers if a),
            sum(1 for a in answers if a is not None),
        ), count.month
    assert [(c.met, c.matched) for c in counted] == [(3, 3), (5, 6), (2, 5)]
