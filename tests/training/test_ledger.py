from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from koppel.training.domain.ledger import (
    ledger_of,
    mentors_below_monthly_hours,
    pre_match_hours,
    pre_match_hours_missing,
)
from tests import factories as f
from tests.factories.training import (
    AttendedRegistrationFactory,
    ExternalHoursFactory,
    RegistrationFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 19, 0))


def test_missing_hours_before_matching__TRN_1():
    programme = f.ProgrammeFactory()
    programme.settings.pre_match_training_hours = Decimal("6")
    programme.settings.save()
    mentor = f.MentorFactory(programme=programme, status="approved")
    assert pre_match_hours_missing(mentor) == Decimal("6")

    session = SessionFactory(programme=programme, duration_hours=Decimal("2"))
    AttendedRegistrationFactory(session=session, mentor=mentor)
    ExternalHoursFactory(mentor=mentor, hours=Decimal("1.5"))
    assert pre_match_hours(mentor) == Decimal("3.5")
    assert pre_match_hours_missing(mentor) == Decimal("2.5")

    ExternalHoursFactory(mentor=mentor, hours=Decimal("4"))
    assert pre_match_hours_missing(mentor) == Decimal("0")


def test_only_attended_mentor_sessions_count__TRN_1():
    programme = f.ProgrammeFactory()
    mentor = f.MentorFactory(programme=programme)
    RegistrationFactory(session=SessionFactory(programme=programme), mentor=mentor)  # not yet attended
    RegistrationFactory(
        session=SessionFactory(programme=programme), mentor=mentor, attended=False, hours_credited=0
    )
    youth_session = SessionFactory(programme=programme, audience="youth")
    AttendedRegistrationFactory(session=youth_session, mentor=mentor)
    assert pre_match_hours(mentor) == Decimal("0")


def test_hours_after_the_first_match_start_are_not_pre_match__TRN_1():
    programme = f.ProgrammeFactory()
    mentor = f.MentorFactory(programme=programme)
    start = date(2026, 3, 1)
    f.MatchFactory(youth=f.YouthFactory(programme=programme), mentors=[mentor], started_on=start)
    AttendedRegistrationFactory(
        session=SessionFactory(programme=programme, starts_at=at(date(2026, 2, 10))), mentor=mentor
    )
    AttendedRegistrationFactory(
        session=SessionFactory(programme=programme, starts_at=at(date(2026, 3, 10))), mentor=mentor
    )
    ExternalHoursFactory(mentor=mentor, date=date(2026, 2, 28), hours=Decimal("1"))
    ExternalHoursFactory(mentor=mentor, date=date(2026, 3, 1), hours=Decimal("1"))
    assert pre_match_hours(mentor) == Decimal("3")
    entries = ledger_of(mentor)
    assert [e.pre_match for e in entries] == [False, False, True, True]


def test_matched_mentor_below_monthly_hours_is_listed__TRN_2(cast):
    month = date(2026, 5, 1)
    short = cast.mentor_row  # active match in the cast
    enough = f.MentorFactory(programme=cast.programme)
    f.MatchFactory(youth=f.YouthFactory(programme=cast.programme), mentors=[enough])
    unmatched = f.MentorFactory(programme=cast.programme)
    ExternalHoursFactory(mentor=short, date=date(2026, 5, 3), hours=Decimal("0.5"))
    ExternalHoursFactory(mentor=short, date=date(2026, 4, 30), hours=Decimal("5"))  # another month
    AttendedRegistrationFactory(
        session=SessionFactory(programme=cast.programme, starts_at=at(date(2026, 5, 20))), mentor=enough
    )
    ExternalHoursFactory(mentor=unmatched, date=date(2026, 5, 3), hours=Decimal("0.5"))

    rows = mentors_below_monthly_hours(cast.programme, month=month)

    assert [(r.mentor, r.hours, r.missing) for r in rows] == [(short, Decimal("0.5"), Decimal("1.5"))]


def test_monthly_alert_query_count_is_constant__TRN_2(cast, django_assert_num_queries):
    month = timezone.localdate()
    for _ in range(20):
        m = f.MentorFactory(programme=cast.programme)
        f.MatchFactory(youth=f.YouthFactory(programme=cast.programme), mentors=[m])
        ExternalHoursFactory(mentor=m, hours=Decimal("0.5"))
    programme = type(cast.programme).objects.select_related("settings").get(pk=cast.programme.pk)
    with django_assert_num_queries(1):
        rows = mentors_below_monthly_hours(programme, month=month)
    assert len(rows) == 21
    assert all(r.missing > 0 for r in rows)
