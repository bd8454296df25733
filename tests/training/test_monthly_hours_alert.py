"""TRN-2: after matching, 2 hours of training per month. Boundary tests of
koppel.training.domain.ledger.mentors_below_monthly_hours (the hours around the required amount, the
last day of a month and the first of the next, a mentor matched mid-month)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from koppel.matches.enums import MatchState
from koppel.training.domain.ledger import mentors_below_monthly_hours
from tests import factories as f
from tests.factories.training import AttendedRegistrationFactory, ExternalHoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

NOVEMBER = date(2025, 11, 1)
DECEMBER = date(2025, 12, 1)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def programme():
    return f.ProgrammeFactory()


def _matched(programme, *, started_on=date(2025, 6, 1), **kwargs):
    mentor = f.MentorFactory(programme=programme)
    f.MatchFactory(
        youth=f.YouthFactory(programme=programme), mentors=[mentor], started_on=started_on, **kwargs
    )
    return mentor


def _hours(mentor, day, hours):
    ExternalHoursFactory(mentor=mentor, date=day, hours=Decimal(hours))


def _session(programme, mentor, local: datetime, hours="1"):
    session = SessionFactory(
        programme=programme, starts_at=local.replace(tzinfo=AMSTERDAM), duration_hours=Decimal(hours)
    )
    AttendedRegistrationFactory(session=session, mentor=mentor)


def _below(programme, month):
    return [(r.mentor, r.hours, r.missing) for r in mentors_below_monthly_hours(programme, month=month)]


def test_one_and_a_half_of_two_hours_alerts__TRN_2(programme):
    mentor = _matched(programme)
    _hours(mentor, date(2025, 11, 10), "1.5")
    assert _below(programme, NOVEMBER) == [(mentor, Decimal("1.5"), Decimal("0.5"))]


def test_two_hours_is_enough__TRN_2(programme):
    external_only = _matched(programme)
    _hours(external_only, date(2025, 11, 10), "2.0")
    mixed = _matched(programme)
    _hours(mixed, date(2025, 11, 3), "1.0")
    _session(programme, mixed, datetime(2025, 11, 20, 19, 0), hours="1.0")
    assert _below(programme, NOVEMBER) == []


def test_a_matched_mentor_without_hours_misses_all_two__TRN_2(programme):
    mentor = _matched(programme)
    assert _below(programme, NOVEMBER) == [(mentor, Decimal("0"), Decimal("2"))]


def test_the_last_day_of_the_month_counts_the_first_of_the_next_does_not__TRN_2(programme):
    mentor = _matched(programme)
    _hours(mentor, date(2025, 11, 1), "1.0")
    _hours(mentor, date(2025, 11, 30), "1.0")
    _hours(mentor, date(2025, 12, 1), "1.5")
    assert _below(programme, NOVEMBER) == []
    assert _below(programme, date(2025, 11, 30)) == []  # any day of the month names the month
    assert _below(programme, DECEMBER) == [(mentor, Decimal("1.5"), Decimal("0.5"))]
    assert _below(programme, date(2025, 10, 31)) == [(mentor, Decimal("0"), Decimal("2"))]


def test_a_session_counts_in_the_month_of_its_local_date__TRN_2(programme):
    mentor = _matched(programme)
    # 23:30 on 30 November in Amsterdam is still November (22:30 UTC).
    _session(programme, mentor, datetime(2025, 11, 30, 23, 30), hours="2")
    # 00:30 on 1 December in Amsterdam is 23:30 UTC on 30 November: it belongs to December.
    _session(programme, mentor, datetime(2025, 12, 1, 0, 30), hours="1.5")
    assert _below(programme, NOVEMBER) == []
    assert _below(programme, DECEMBER) == [(mentor, Decimal("1.5"), Decimal("0.5"))]


def test_a_mentor_matched_mid_month_owes_the_full_hours_that_month__TRN_2(programme):
    # What the function does: a match that started on or before the month's last day makes the
    # mentor "matched" for the whole month; there is no pro-rating for the first month.
    mentor = _matched(programme, started_on=date(2025, 11, 15))
    _hours(mentor, date(2025, 11, 20), "1.0")
    assert _below(programme, NOVEMBER) == [(mentor, Decimal("1.0"), Decimal("1.0"))]
    # Before the month the match started in, the mentor is not matched yet: no alert.
    assert _below(programme, date(2025, 10, 1)) == []


def test_a_match_starting_on_the_last_day_counts_for_that_month__TRN_2(programme):
    mentor = _matched(programme, started_on=date(2025, 11, 30))
    assert _below(programme, NOVEMBER) == [(mentor, Decimal("0"), Decimal("2"))]
    later = _matched(programme, started_on=date(2025, 12, 1))
    assert later not in [m for m, _h, _missing in _below(programme, NOVEMBER)]


def test_only_matched_mentors_of_the_programme__TRN_2(programme):
    _matched(f.ProgrammeFactory())  # another programme
    f.MentorFactory(programme=programme)  # not matched
    _matched(programme, state=MatchState.PROPOSED, started_on=None)  # not started
    closing = _matched(programme, state=MatchState.CLOSING)
    assert _below(programme, NOVEMBER) == [(closing, Decimal("0"), Decimal("2"))]


def test_programme_setting_sets_the_hours__TRN_2(programme):
    programme.settings.monthly_training_hours = Decimal("1.5")
    programme.settings.save()
    mentor = _matched(programme)
    _hours(mentor, date(2025, 11, 10), "1.5")
    assert _below(programme, NOVEMBER) == []


def test_a_past_month_still_counts_a_match_closed_since__TRN_2(programme):
    mentor = _matched(programme, state=MatchState.CLOSED, ended_on=date(2025, 12, 15))
    assert _below(programme, NOVEMBER) == [(mentor, Decimal("0"), Decimal("2"))]


def test_a_match_that_ended_before_the_month_does_not_count__TRN_2(programme):
    _matched(programme, state=MatchState.CLOSED, ended_on=date(2025, 10, 31))
    assert _below(programme, NOVEMBER) == []


def test_a_match_that_ended_during_the_month_counts_for_it__TRN_2(programme):
    mentor = _matched(programme, state=MatchState.CLOSED, ended_on=date(2025, 11, 1))
    assert _below(programme, NOVEMBER) == [(mentor, Decimal("0"), Decimal("2"))]
    assert _below(programme, DECEMBER) == []
