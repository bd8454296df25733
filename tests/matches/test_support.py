"""The support schedule (SUP-1) and the contact log (SUP-2): domain rules, dates around the
boundaries (the first months, one year), pauses, closure and counting contacts on time."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.matches.domain import support
from koppel.matches.domain.support import (
    DUE,
    LATE,
    MISSED,
    ON_TIME,
    PLANNED,
    add_months,
    log_contact,
    overdue_contacts,
    planned_contacts,
    schedule_status,
)
from koppel.matches.enums import MatchState
from koppel.matches.models import Match
from tests.factories import GuardianFactory, MentorFactory, ProgrammeFactory
from tests.factories.support import SupportContactFactory, started_match

pytestmark = pytest.mark.django_db

START = date(2025, 1, 1)
# Hand-computed from the docstring's rule with the defaults (3 months twice, then monthly, then every 3).
INTENSIVE = [
    date(2025, 1, 16),  # January has 31 days: 31 // 2 = 15 days after the start
    date(2025, 2, 1),
    date(2025, 2, 15),  # February has 28: 14 days after 1 February
    date(2025, 3, 1),
    date(2025, 3, 16),
    date(2025, 4, 1),  # 3.0 months
]
MONTHLY = [date(2025, m, 1) for m in range(5, 13)] + [date(2026, 1, 1)]  # until 12.0 months
AFTER_YEAR = [date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1), date(2027, 1, 1)]


def _match(start=START, **kwargs) -> Match:
    return started_match(start, **kwargs)


def _fresh(match: Match) -> Match:
    return Match.objects.select_related("programme__settings", "youth").get(pk=match.pk)


def _set(match: Match, **settings) -> Match:
    s = match.programme.settings
    for name, value in settings.items():
        setattr(s, name, value)
    s.save()
    return _fresh(match)


def test_add_months_keeps_to_the_calendar():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert add_months(date(2025, 5, 15), -5) == date(2024, 12, 15)


def test_twice_a_month_in_the_first_months__SUP_1():
    match = _match()
    assert planned_contacts(match, with_whom="mentor", until=date(2025, 1, 15)) == []
    assert planned_contacts(match, with_whom="mentor", until=date(2025, 1, 16)) == INTENSIVE[:1]
    # 2.9 months: the twice-monthly rhythm, the last one on 16 March.
    assert planned_contacts(match, with_whom="mentor", until=date(2025, 3, 28)) == INTENSIVE[:5]
    # 3.0 months: the last intensive contact falls on the three-month anniversary.
    assert planned_contacts(match, with_whom="mentor", until=date(2025, 4, 1)) == INTENSIVE
    # 3.1 months: nothing new until a month later.
    assert planned_contacts(match, with_whom="mentor", until=date(2025, 4, 4)) == INTENSIVE
    assert planned_contacts(match, with_whom="mentor", until=date(2025, 4, 30)) == INTENSIVE


def test_monthly_until_the_first_year__SUP_1():
    match = _match()
    assert planned_contacts(match, with_whom="mentor", until=date(2025, 5, 1)) == [
        *INTENSIVE,
        date(2025, 5, 1),
    ]
    # 11.9 months
    assert planned_contacts(match, with_whom="mentor", until=date(2025, 12, 28)) == INTENSIVE + MONTHLY[:-1]
    # 12.0 months: the one-year contact is the last monthly one.
    assert planned_contacts(match, with_whom="mentor", until=date(2026, 1, 1)) == INTENSIVE + MONTHLY
    # 12.1 months
    assert planned_contacts(match, with_whom="mentor", until=date(2026, 1, 4)) == INTENSIVE + MONTHLY


def test_every_three_months_after_a_year__SUP_1():
    match = _match()
    # No contact on the 13th or 14th month anniversary: the next one is at 15 months.
    assert planned_contacts(match, with_whom="mentor", until=date(2026, 3, 31)) == INTENSIVE + MONTHLY
    assert (
        planned_contacts(match, with_whom="mentor", until=date(2027, 1, 1))
        == INTENSIVE + MONTHLY + AFTER_YEAR
    )


def test_month_ends_follow_the_calendar__SUP_1():
    match = _match(date(2025, 1, 31))
    assert planned_contacts(match, with_whom="mentor", until=date(2025, 7, 31)) == [
        date(2025, 2, 14),  # 31 Jan - 28 Feb is 28 days
        date(2025, 2, 28),
        date(2025, 3, 15),  # 28 Feb - 31 Mar is 31 days
        date(2025, 3, 31),
        date(2025, 4, 15),
        date(2025, 4, 30),
        date(2025, 5, 31),  # back to the 31st: every date counts from the start, nothing drifts
        date(2025, 6, 30),
        date(2025, 7, 31),
    ]


def test_same_rhythm_with_guardians__SUP_1():
    match = _match()
    until = date(2026, 7, 1)
    assert planned_contacts(match, with_whom="guardian", until=until) == INTENSIVE + MONTHLY + AFTER_YEAR[:2]
    assert planned_contacts(match, with_whom="guardian", until=until) == planned_contacts(
        match, with_whom="mentor", until=until
    )


def test_no_guardian_contacts_when_the_programme_plans_none__SUP_1():
    match = _set(_match(), support_guardians=False)
    assert planned_contacts(match, with_whom="guardian", until=date(2026, 7, 1)) == []
    assert len(planned_contacts(match, with_whom="mentor", until=date(2026, 7, 1))) == 17


def test_no_guardian_contacts_for_a_youth_without_guardians__SUP_1():
    match = _match(guardian=False)
    assert planned_contacts(match, with_whom="guardian", until=date(2026, 7, 1)) == []
    assert schedule_status(match, with_whom="guardian", today=date(2026, 7, 1)).overdue_since is None


def test_contacts_with_the_youth_are_not_scheduled__SUP_1():
    assert planned_contacts(_match(), with_whom="youth", until=date(2026, 7, 1)) == []


def test_programme_settings_change_the_schedule__SUP_1():
    match = _set(
        _match(),
        support_intensive_months=2,
        support_regular_per_month=2,
        support_after_year_interval_months=6,
    )
    days = planned_contacts(match, with_whom="mentor", until=date(2027, 1, 1))
    assert days[:5] == [*INTENSIVE[:4], date(2025, 3, 16)]
    # Month 3 with the "regular" two a month is twice as well; month 12 ends on the anniversary.
    assert days[4:6] == [date(2025, 3, 16), date(2025, 4, 1)]
    assert days[-4:] == [date(2025, 12, 16), date(2026, 1, 1), date(2026, 7, 1), date(2027, 1, 1)]
    assert len(days) == 24 + 2

    match = _set(
        match, support_intensive_months=2, support_intensive_per_month=3, support_regular_per_month=1
    )
    days = planned_contacts(match, with_whom="mentor", until=date(2025, 5, 1))
    # 31 days / 3: after 10 and 20 days, then the anniversary; February (28 days): 9, 18, 28.
    assert days == [
        date(2025, 1, 11),
        date(2025, 1, 21),
        date(2025, 2, 1),
        date(2025, 2, 10),
        date(2025, 2, 19),
        date(2025, 3, 1),
        date(2025, 4, 1),
        date(2025, 5, 1),
    ]


def test_no_contacts_before_the_match_started__SUP_1():
    match = started_match(START)
    match.state, match.started_on = MatchState.AGREED, None
    assert planned_contacts(match, with_whom="mentor", until=date(2026, 1, 1)) == []
    status = schedule_status(match, with_whom="mentor", today=date(2026, 1, 1))
    assert status.next_due is None and status.planned_so_far == 0


def test_a_paused_match_has_nothing_due__SUP_1():
    match = _match(paused_since=date(2025, 3, 10), pause_reason="Ziekte")
    assert planned_contacts(match, with_whom="mentor", until=date(2026, 1, 1)) == INTENSIVE[:4]
    status = schedule_status(match, with_whom="mentor", today=date(2025, 5, 1))
    assert status.next_due is None
    assert status.overdue_since is None
    assert overdue_contacts([match.programme_id], date(2025, 5, 1)) == []


def test_a_pause_starting_on_a_planned_date_takes_it_out__SUP_1():
    match = _match(paused_since=date(2025, 3, 1), pause_reason="Vakantie")
    assert planned_contacts(match, with_whom="mentor", until=date(2026, 1, 1)) == INTENSIVE[:3]


def test_nothing_after_the_match_closed__SUP_1():
    match = _match(state=MatchState.CLOSED, ended_on=date(2025, 3, 1))
    # The planned date on the last day still counts; none after it.
    assert planned_contacts(match, with_whom="mentor", until=date(2026, 1, 1)) == INTENSIVE[:4]
    status = schedule_status(match, with_whom="mentor", today=date(2026, 1, 1))
    assert status.next_due is None
    assert [p.state for p in status.dates] == [MISSED] * 4


def test_on_time_late_missed_and_due__SUP_1():
    match = _match()
    for day in (date(2025, 1, 20), date(2025, 2, 1), date(2025, 2, 25), date(2025, 3, 3)):
        SupportContactFactory(match=match, held_on=day, with_whom="mentor")
    SupportContactFactory(match=match, held_on=date(2025, 3, 18), with_whom="guardian")
    status = schedule_status(match, with_whom="mentor", today=date(2025, 3, 20))
    assert [(p.day, p.state, p.done_on) for p in status.dates] == [
        (date(2025, 1, 16), ON_TIME, date(2025, 1, 20)),
        (date(2025, 2, 1), ON_TIME, date(2025, 2, 1)),
        # Its window is 9-22 February; 25 February came after it, by the next date (1 March)...
        (date(2025, 2, 15), LATE, date(2025, 2, 25)),
        # ...and 3 March is in the window of 1 March (23 February - 8 March): a contact counts once.
        (date(2025, 3, 1), ON_TIME, date(2025, 3, 3)),
        # Window 9-24 March: still open on the 20th.
        (date(2025, 3, 16), DUE, None),
        (date(2025, 4, 1), PLANNED, None),
    ]
    assert (status.planned_so_far, status.on_time, status.late, status.missed) == (5, 3, 1, 0)
    assert status.next_due == date(2025, 3, 16)
    assert status.overdue_since == date(2025, 3, 16)
    assert status.last_contact == date(2025, 3, 3)

    later = schedule_status(match, with_whom="mentor", today=date(2025, 4, 10))
    assert [p.state for p in later.dates] == [ON_TIME, ON_TIME, LATE, ON_TIME, MISSED, DUE, PLANNED]
    assert (later.planned_so_far, later.on_time, later.late, later.missed) == (6, 3, 1, 1)
    assert later.overdue_since == date(2025, 3, 16)

    # The guardian contact of 18 March does not count for the mentor, and the reverse.
    guardian = schedule_status(match, with_whom="guardian", today=date(2025, 3, 20))
    assert guardian.on_time == 1
    assert guardian.overdue_since is None
    assert guardian.next_due == date(2025, 4, 1)


def test_on_time_within_half_an_interval__SUP_1():
    match = _match()
    # 16 January's window ends halfway to 1 February: 24 January.
    SupportContactFactory(match=match, held_on=date(2025, 1, 24), with_whom="mentor")
    status = schedule_status(match, with_whom="mentor", today=date(2025, 1, 31))
    assert status.dates[0].state == ON_TIME
    assert status.next_due == date(2025, 2, 1)
    assert status.overdue_since is None

    one_day_later = _match()
    SupportContactFactory(match=one_day_later, held_on=date(2025, 1, 25), with_whom="mentor")
    status = schedule_status(one_day_later, with_whom="mentor", today=date(2025, 2, 10))
    # A single contact on 25 January counts once: on time for 1 February; 16 January is missed.
    assert [p.state for p in status.dates[:2]] == [MISSED, ON_TIME]

    two = _match()
    SupportContactFactory(match=two, held_on=date(2025, 1, 25), with_whom="mentor")
    SupportContactFactory(match=two, held_on=date(2025, 1, 31), with_whom="mentor")
    status = schedule_status(two, with_whom="mentor", today=date(2025, 2, 10))
    assert [(p.state, p.done_on) for p in status.dates[:2]] == [
        (LATE, date(2025, 1, 25)),
        (ON_TIME, date(2025, 1, 31)),
    ]


def test_overdue_from_the_day_after_the_planned_date__SUP_1():
    match = _match()
    on_the_day = schedule_status(match, with_whom="mentor", today=date(2025, 1, 16))
    assert on_the_day.next_due == date(2025, 1, 16)
    assert on_the_day.overdue_since is None
    assert schedule_status(match, with_whom="mentor", today=date(2025, 1, 17)).overdue_since == date(
        2025, 1, 16
    )


def test_a_recent_contact_clears_old_overdue_dates__SUP_1():
    match = _match()
    SupportContactFactory(match=match, held_on=date(2025, 6, 3), with_whom="mentor")
    status = schedule_status(match, with_whom="mentor", today=date(2025, 6, 10))
    assert status.missed == 7  # the intensive dates and 1 May passed without a contact
    assert status.dates[7].state == ON_TIME  # 1 June, contact on the 3rd
    assert status.next_due == date(2025, 7, 1)
    assert status.overdue_since is None


def test_team_mentors_share_one_schedule__SUP_1():
    first = MentorFactory()
    second = MentorFactory(programme=first.programme)
    match = started_match(START, programme=first.programme, mentors=[first, second])
    SupportContactFactory(match=match, held_on=date(2025, 1, 16), with_whom="mentor", mentor=second)
    assert schedule_status(match, with_whom="mentor", today=date(2025, 1, 20)).on_time == 1


def test_overdue_contacts_lists_started_matches_longest_overdue_first__SUP_1():
    programme = ProgrammeFactory()
    today = date(2025, 3, 5)
    early = _match(programme=programme)  # nothing logged since 1 January
    later = _match(date(2025, 2, 1), programme=programme)  # first date 15 February
    SupportContactFactory(match=later, held_on=date(2025, 2, 15), with_whom="guardian")
    on_schedule = _match(date(2025, 2, 1), programme=programme)
    SupportContactFactory(match=on_schedule, held_on=date(2025, 3, 1), with_whom="mentor")
    SupportContactFactory(match=on_schedule, held_on=date(2025, 3, 1), with_whom="guardian")
    _match(programme=programme, paused_since=date(2025, 1, 2), pause_reason="Ziekte")
    _match(programme=programme, state=MatchState.CLOSED, ended_on=date(2025, 2, 1))
    _match()  # another programme

    found = overdue_contacts([programme.pk], today)
    assert [(o.match, o.mentor_since, o.guardian_since) for o in found] == [
        (early, date(2025, 1, 16), date(2025, 1, 16)),
        # The guardian contact of 15 February was on time; the next one, 1 March, is overdue.
        (later, date(2025, 2, 15), date(2025, 3, 1)),
    ]


def test_overdue_contacts_runs_constant_queries__SUP_1(django_assert_num_queries):
    programme = ProgrammeFactory()
    for _i in range(5):
        match = _match(programme=programme)
        SupportContactFactory(match=match, held_on=date(2025, 2, 1))
    # matches, contacts, guardianships
    with django_assert_num_queries(3):
        assert len(overdue_contacts([programme.pk], date(2025, 3, 5))) == 5


# --- Logging a contact (SUP-2) ------------------------------------------------------------------------


def _values(**overrides):
    return {
        "held_on": timezone.localdate(),
        "with_whom": "mentor",
        "mentor": None,
        "guardian": None,
        "channel": "phone",
        "topics": ["attention", "safety"],
        "notes": "Vertrouwelijk: thuis is het onrustig.",
        "follow_up": "Bellen met school",
        "follow_up_on": timezone.localdate() + timedelta(days=7),
        **overrides,
    }


def test_log_contact_records_topics_and_audits_without_notes__SUP_2(cast):
    contact = log_contact(cast.match, by=cast.coordinator, values=_values(mentor=cast.mentor_row))
    contact.refresh_from_db()
    assert contact.topics == ["attention", "safety"]
    assert contact.mentor == cast.mentor_row
    assert contact.by == cast.coordinator
    entry = ActivityLog.objects.get(action="matches.support_contact.logged")
    assert entry.object_id == contact.pk
    assert "notes" in entry.fields and "topics" in entry.fields
    assert entry.data == {"match": cast.match.pk}
    assert "onrustig" not in str(entry.data) + str(entry.fields)


def test_log_contact_with_a_guardian_of_the_youth__SUP_2(cast):
    contact = log_contact(
        cast.match, by=cast.coordinator, values=_values(with_whom="guardian", guardian=cast.guardian_row)
    )
    assert contact.guardian == cast.guardian_row
    stranger = GuardianFactory()
    with pytest.raises(DomainError, match="not a parent or guardian"):
        log_contact(cast.match, by=cast.coordinator, values=_values(with_whom="guardian", guardian=stranger))


def test_log_contact_refuses_another_mentor__SUP_2(cast):
    with pytest.raises(DomainError, match="not part of the match"):
        log_contact(cast.match, by=cast.coordinator, values=_values(mentor=cast.other_mentor_row))


def test_log_contact_refuses_future_and_pre_start_dates__SUP_2(cast):
    with pytest.raises(DomainError, match="once it has taken place"):
        log_contact(
            cast.match, by=cast.coordinator, values=_values(held_on=timezone.localdate() + timedelta(days=1))
        )
    with pytest.raises(DomainError, match="before the match started"):
        log_contact(
            cast.match,
            by=cast.coordinator,
            values=_values(held_on=cast.match.started_on - timedelta(days=1)),
        )
    with pytest.raises(DomainError, match="follow-up date is before"):
        log_contact(
            cast.match,
            by=cast.coordinator,
            values=_values(follow_up_on=timezone.localdate() - timedelta(days=1)),
        )
    assert not cast.match.support_contacts.exists()


def test_log_contact_refuses_a_match_that_has_not_started__SUP_2(cast):
    match = started_match(START)
    Match.objects.filter(pk=match.pk).update(state=MatchState.AGREED, started_on=None)
    match.refresh_from_db()
    with pytest.raises(DomainError, match="once the match has started"):
        log_contact(match, by=cast.coordinator, values=_values())


def test_follow_ups_due_until_a_later_contact__SUP_1(cast):
    today = timezone.localdate()
    due = SupportContactFactory(
        match=cast.match, held_on=today - timedelta(days=10), follow_up="Bellen", follow_up_on=today
    )
    SupportContactFactory(
        match=cast.match,
        held_on=today - timedelta(days=10),
        with_whom="guardian",
        follow_up="Later",
        follow_up_on=today + timedelta(days=1),
    )
    assert list(support.follow_ups_due([cast.programme.pk], today)) == [due]
    SupportContactFactory(match=cast.match, held_on=today - timedelta(days=1), with_whom="guardian")
    assert list(support.follow_ups_due([cast.programme.pk], today)) == [due]
    SupportContactFactory(match=cast.match, held_on=today - timedelta(days=1), with_whom="mentor")
    assert list(support.follow_ups_due([cast.programme.pk], today)) == []
