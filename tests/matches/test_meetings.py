"""Meeting logs (REL-1, REL-5) and holiday periods (REL-4): the domain functions and the alert."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koppel.common.domain.errors import ConflictError, DomainError
from koppel.common.models import ActivityLog
from koppel.matches.domain.meetings import (
    add_holiday,
    confirm_meeting,
    days_counted,
    log_meeting,
    matches_without_recent_meeting,
    meeting_overdue,
    meeting_rhythm,
    meeting_status,
    remove_holiday,
    update_meeting,
)
from koppel.matches.models import HolidayPeriod, Match, MeetingLog
from tests.factories import MatchFactory, MentorFactory, ProgrammeFactory, UserFactory, YouthFactory
from tests.factories.meeting import HolidayPeriodFactory, MeetingLogFactory, agree

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def _match(*, kind="community", started=100, state="active", programme=None, mentors=1, **kwargs):
    programme = programme or ProgrammeFactory(kind=kind)
    youth = YouthFactory(programme=programme, user=UserFactory())
    team = [MentorFactory(programme=programme, user=UserFactory()) for _ in range(mentors)]
    return MatchFactory(youth=youth, mentors=team, state=state, started_on=ago(started), **kwargs)


def _meet(match, days_ago: int, **kwargs) -> MeetingLog:
    return MeetingLogFactory(match=match, held_on=ago(days_ago), **kwargs)


def _alerted(*matches) -> set[int]:
    ids = {m.programme_id for m in matches}
    return set(matches_without_recent_meeting(ids, TODAY).values_list("pk", flat=True))


# --- REL-1: the alert ------------------------------------------------------------------------------


def test_no_alert_within_the_agreed_week__REL_1():
    match = _match()
    _meet(match, 7)
    assert meeting_overdue(match, TODAY) is None
    assert meeting_status(match, TODAY).state == "on_time"
    assert _alerted(match) == set()


def test_a_missed_rhythm_is_said_at_once_though_the_alert_waits_for_the_grace__REL_1():
    match = _match()
    _meet(match, 9)  # 7 days agreed + 2 days grace: the alert waits until the 10th day
    assert meeting_overdue(match, TODAY) is None
    status = meeting_status(match, TODAY)
    assert (status.state, status.days_late, status.alert_in_days, status.grace_days) == ("late", 2, 1, 2)
    assert _alerted(match) == set()


def test_the_days_of_grace_are_a_programme_setting__REL_1():
    strict, lenient = _match(), _match()
    for match, grace in ((strict, 0), (lenient, 5)):
        settings = match.programme.settings
        settings.meeting_alert_grace_days = grace
        settings.save()
    _meet(strict, 8)
    _meet(lenient, 12)
    assert meeting_status(strict, TODAY).state == "overdue"
    assert meeting_overdue(strict, TODAY) == 1
    status = meeting_status(lenient, TODAY)
    assert (status.state, status.days_late, status.alert_in_days) == ("late", 5, 1)
    assert _alerted(strict, lenient) == {strict.pk}


def test_alert_after_the_interval_and_grace__REL_1():
    match = _match()
    _meet(match, 10)
    assert meeting_overdue(match, TODAY) == 3  # due 7 days after the meeting, now 3 days past that
    status = meeting_status(match, TODAY)
    assert (status.state, status.last_meeting, status.days_since) == ("overdue", ago(10), 10)
    assert _alerted(match) == {match.pk}


def test_the_last_meeting_counts_not_an_earlier_one__REL_1():
    match = _match()
    _meet(match, 30)
    _meet(match, 4)
    assert meeting_overdue(match, TODAY) is None
    assert _alerted(match) == set()


def test_without_meetings_the_start_counts__REL_1():
    on_time, late = _match(started=9), _match(started=10)
    assert meeting_overdue(on_time, TODAY) is None
    assert meeting_overdue(late, TODAY) == 3
    assert meeting_status(late, TODAY).last_meeting is None
    assert _alerted(on_time, late) == {late.pk}


def test_team_match_counts_meetings_of_any_mentor():
    match = _match(mentors=2)
    first, second = match.mentors.order_by("pk")
    _meet(match, 20, mentor=first)
    _meet(match, 2, mentor=second)
    assert meeting_overdue(match, TODAY) is None
    assert _alerted(match) == set()


def test_paused_match_never_alerts__REL_1():
    match = _match(paused_since=ago(30), pause_reason="Ziek")
    _meet(match, 40)
    assert meeting_overdue(match, TODAY) is None
    assert meeting_status(match, TODAY).state == "paused"
    assert _alerted(match) == set()


@pytest.mark.parametrize("state", ["proposed", "introduced", "agreed", "closed"])
def test_only_started_matches_alert__REL_1(state):
    match = _match(state=state, started=60, ended_on=ago(1) if state == "closed" else None)
    if state in ("proposed", "introduced", "agreed"):
        match.started_on = None
        match.save(update_fields=["started_on"])
    assert meeting_overdue(match, TODAY) is None
    assert _alerted(match) == set()


def test_closing_match_still_alerts__REL_1():
    match = _match(state="closing")
    _meet(match, 12)
    assert meeting_overdue(match, TODAY) == 5


def test_agreed_interval_overrides_the_programme_default__REL_1():
    match = _match()
    agree(match, interval_days=14)
    _meet(match, 16)  # 14 + 2 grace
    assert meeting_overdue(match, TODAY) is None
    assert meeting_status(match, TODAY).interval_days == 14
    assert _alerted(match) == set()
    MeetingLog.objects.all().delete()
    _meet(match, 17)
    assert meeting_overdue(match, TODAY) == 3
    assert _alerted(match) == {match.pk}


def test_the_latest_agreement_version_counts__REL_1():
    match = _match()
    agree(match, interval_days=14, number=1)
    agree(match, interval_days=5, number=2)
    _meet(match, 8)  # 5 + 2 grace < 8
    assert meeting_overdue(match, TODAY) == 3
    assert _alerted(match) == {match.pk}


def test_the_programme_interval_counts_without_an_agreement__REL_1():
    match = _match()
    match.programme.settings.meeting_interval_days = 3
    match.programme.settings.save()
    _meet(match, 5)
    assert meeting_overdue(match, TODAY) is None
    MeetingLog.objects.all().delete()
    _meet(match, 6)
    assert meeting_overdue(match, TODAY) == 3
    assert _alerted(match) == {match.pk}


def test_only_the_asked_programmes_are_listed__REL_1():
    mine, other = _match(), _match()
    _meet(mine, 20)
    _meet(other, 20)
    assert set(matches_without_recent_meeting([mine.programme_id], TODAY)) == {mine}


# --- REL-4: holidays of school-based programmes ----------------------------------------------------


def test_no_alert_during_a_holiday_for_school_programmes__REL_4():
    match = _match(kind="school")
    _meet(match, 10)
    # 7 of the 10 days since the meeting fall in the autumn holiday: 3 days count.
    HolidayPeriodFactory(programme=match.programme, starts_on=ago(8), ends_on=ago(2))
    assert meeting_overdue(match, TODAY) is None
    assert meeting_status(match, TODAY).state == "holiday"
    assert _alerted(match) == set()


def test_holidays_do_not_exempt_community_programmes__REL_4():
    match = _match(kind="community")
    _meet(match, 10)
    HolidayPeriodFactory(programme=match.programme, starts_on=ago(8), ends_on=ago(2))
    assert meeting_overdue(match, TODAY) == 3
    assert _alerted(match) == {match.pk}


def test_only_the_days_outside_the_holiday_count__REL_4():
    match = _match(kind="school")
    _meet(match, 20)
    HolidayPeriodFactory(programme=match.programme, starts_on=ago(15), ends_on=ago(9))  # 7 days
    assert meeting_overdue(match, TODAY) == 6  # 20 - 7 = 13 counted days, 6 past the week
    assert _alerted(match) == {match.pk}


def test_a_holiday_today_with_a_recent_gap_shows_holiday__REL_4():
    match = _match(kind="school")
    _meet(match, 3)
    HolidayPeriodFactory(programme=match.programme, starts_on=ago(1), ends_on=TODAY + timedelta(days=5))
    assert meeting_status(match, TODAY).state == "holiday"


def test_another_programmes_holiday_does_not_count__REL_4():
    match = _match(kind="school")
    _meet(match, 10)
    HolidayPeriodFactory(programme=ProgrammeFactory(kind="school"), starts_on=ago(8), ends_on=ago(2))
    assert meeting_overdue(match, TODAY) == 3
    assert _alerted(match) == {match.pk}


def test_days_counted_skips_holiday_days_once_even_when_holidays_overlap():
    holidays = [(ago(8), ago(4)), (ago(6), ago(2)), (ago(30), ago(20))]
    # Days after ago(10) up to today: 10; holiday days inside: ago(8)..ago(2) = 7.
    assert days_counted(ago(10), TODAY, holidays) == 3
    assert days_counted(ago(10), TODAY, []) == 10
    assert days_counted(TODAY, TODAY, holidays) == 0
    # A holiday that started before the last meeting only counts from the day after it.
    assert days_counted(ago(5), TODAY, [(ago(9), ago(3))]) == 3


# --- Logging, confirming, correcting ---------------------------------------------------------------

VALUES = {
    "held_on": None,
    "duration_minutes": 90,
    "place": "community_centre",
    "activity": "both",
    "note": "Huiswerk en daarna een potje tafeltennis",
    "how_it_went": "good",
}


def _values(**changes):
    return {**VALUES, "held_on": timezone.localdate() - timedelta(days=1), **changes}


def test_mentor_logs_a_meeting_audited_without_the_note__REL_1():
    match = _match()
    mentor = match.mentors.get()
    meeting = log_meeting(match, mentor=mentor, values=_values())
    assert (meeting.mentor, meeting.duration_minutes, meeting.activity) == (mentor, 90, "both")
    entry = ActivityLog.objects.get(action="matches.meeting.logged")
    assert entry.actor == mentor.user
    assert "note" in entry.fields
    assert "tafeltennis" not in str(entry.data)


def test_log_refused_in_the_future():
    match = _match()
    with pytest.raises(DomainError, match="in the future"):
        log_meeting(
            match, mentor=match.mentors.get(), values=_values(held_on=timezone.localdate() + timedelta(1))
        )
    assert not MeetingLog.objects.exists()


def test_log_refused_before_the_start():
    match = _match(started=0)
    match.started_on = timezone.localdate() - timedelta(days=3)
    match.save(update_fields=["started_on"])
    with pytest.raises(DomainError, match="before the match started"):
        log_meeting(
            match, mentor=match.mentors.get(), values=_values(held_on=timezone.localdate() - timedelta(4))
        )
    # The start day itself is fine.
    log_meeting(match, mentor=match.mentors.get(), values=_values(held_on=match.started_on))


def test_log_refused_before_the_match_started():
    match = _match(state="agreed")
    match.started_on = None
    match.save(update_fields=["started_on"])
    with pytest.raises(DomainError, match="once the match has started"):
        log_meeting(match, mentor=match.mentors.get(), values=_values())


def test_log_refused_for_a_mentor_of_another_match():
    match = _match()
    stranger = MentorFactory(programme=match.programme, user=UserFactory())
    with pytest.raises(DomainError, match="Only a mentor of this match"):
        log_meeting(match, mentor=stranger, values=_values())


def test_youth_confirms_a_meeting_once():
    match = _match()
    meeting = _meet(match, 2)
    confirmed = confirm_meeting(meeting, youth=match.youth)
    assert confirmed.confirmed_by_youth_at is not None
    assert ActivityLog.objects.filter(action="matches.meeting.confirmed", actor=match.youth.user).count() == 1
    with pytest.raises(DomainError, match="already confirmed"):
        confirm_meeting(meeting, youth=match.youth)


def test_another_youth_cannot_confirm():
    match = _match()
    meeting = _meet(match, 2)
    with pytest.raises(DomainError, match="Only the youth of this match"):
        confirm_meeting(meeting, youth=YouthFactory(programme=match.programme))
    meeting.refresh_from_db()
    assert meeting.confirmed_by_youth_at is None


def test_mentor_corrects_a_meeting_and_a_new_date_asks_to_confirm_again():
    match = _match()
    mentor = match.mentors.get()
    meeting = log_meeting(match, mentor=mentor, values=_values())
    confirm_meeting(meeting, youth=match.youth)
    meeting.refresh_from_db()
    changed = update_meeting(
        meeting,
        mentor=mentor,
        values=_values(held_on=timezone.localdate() - timedelta(days=2), duration_minutes=45),
        expected_version=meeting.version,
    )
    meeting.refresh_from_db()
    assert sorted(changed) == ["confirmed_by_youth_at", "duration_minutes", "held_on"]
    assert (meeting.duration_minutes, meeting.confirmed_by_youth_at) == (45, None)


def test_correcting_a_meeting_refused_on_a_stale_version():
    match = _match()
    mentor = match.mentors.get()
    meeting = log_meeting(match, mentor=mentor, values=_values())
    update_meeting(meeting, mentor=mentor, values=_values(note="x"), expected_version=1)
    with pytest.raises(ConflictError):
        update_meeting(meeting, mentor=mentor, values=_values(note="y"), expected_version=1)


def test_correcting_a_meeting_refused_after_seven_days_or_by_another_mentor():
    match = _match(mentors=2)
    first, second = match.mentors.order_by("pk")
    meeting = log_meeting(match, mentor=first, values=_values())
    with pytest.raises(DomainError, match="Only the mentor who logged"):
        update_meeting(meeting, mentor=second, values=_values(), expected_version=meeting.version)
    MeetingLog.objects.filter(pk=meeting.pk).update(created_at=timezone.now() - timedelta(days=8))
    meeting.refresh_from_db()
    with pytest.raises(DomainError, match="up to 7 days"):
        update_meeting(meeting, mentor=first, values=_values(), expected_version=meeting.version)


# --- Holidays --------------------------------------------------------------------------------------


def test_holidays_are_added_and_removed_with_an_audit_trail__REL_4():
    programme = ProgrammeFactory(kind="school")
    staff = UserFactory()
    holiday = add_holiday(
        programme, by=staff, values={"name": "Kerst", "starts_on": ago(3), "ends_on": ago(-10)}
    )
    assert list(HolidayPeriod.objects.values_list("programme", "name")) == [(programme.pk, "Kerst")]
    remove_holiday(holiday, by=staff)
    assert not HolidayPeriod.objects.exists()
    actions = set(ActivityLog.objects.filter(actor=staff).values_list("action", flat=True))
    assert actions == {"matches.holiday.added", "matches.holiday.removed"}


def test_holiday_ending_before_it_starts_is_refused__REL_4():
    with pytest.raises(DomainError, match="before its first day"):
        add_holiday(ProgrammeFactory(), by=None, values={"name": "x", "starts_on": ago(1), "ends_on": ago(2)})


# --- REL-5: the rhythm -----------------------------------------------------------------------------


def test_rhythm_counts_meetings_and_the_mix_per_month_including_empty_months__REL_5():
    match = _match(started=0)
    match.started_on = date(2026, 8, 20)
    match.save(update_fields=["started_on"])
    _meet(match, (TODAY - date(2026, 8, 21)).days, activity="fun", duration_minutes=60)
    _meet(match, (TODAY - date(2026, 8, 28)).days, activity="learning", duration_minutes=90)
    _meet(match, (TODAY - date(2026, 10, 2)).days, activity="both", duration_minutes=30)
    rhythm = meeting_rhythm(match, today=TODAY)
    rows = [(m.month, m.meetings, m.fun, m.learning, m.both, m.minutes) for m in rhythm.months]
    assert rows == [
        (date(2026, 8, 1), 2, 1, 1, 0, 150),
        (date(2026, 9, 1), 0, 0, 0, 0, 0),
        (date(2026, 10, 1), 1, 0, 0, 1, 30),
        (date(2026, 11, 1), 0, 0, 0, 0, 0),
    ]
    assert (rhythm.most, rhythm.meetings, rhythm.fun, rhythm.learning, rhythm.both) == (2, 3, 1, 1, 1)


def test_rhythm_of_a_match_that_has_not_started_is_empty__REL_5():
    match = _match(state="agreed")
    match.started_on = None
    match.save(update_fields=["started_on"])
    assert meeting_rhythm(match, today=TODAY).months == []


# --- Queries ---------------------------------------------------------------------------------------


def _count_alert_queries(programme_ids) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        late = list(matches_without_recent_meeting(programme_ids, TODAY))
        for match in late:
            match.last_meeting  # noqa: B018 - the annotation is read without a query
    return len(ctx), len(late)


def test_the_alert_runs_a_constant_number_of_queries__REL_1():
    school = ProgrammeFactory(kind="school")
    community = ProgrammeFactory(kind="community")
    HolidayPeriodFactory(programme=school, starts_on=ago(60), ends_on=ago(50))
    _meet(_match(programme=school), 30)
    _meet(_match(programme=community), 30)
    ids = [school.pk, community.pk]
    one = _count_alert_queries(ids)
    for _ in range(6):
        _meet(_match(programme=school), 30)
        _meet(_match(programme=community), 30)
        agree(_match(programme=community, started=40), interval_days=10)
    many = _count_alert_queries(ids)
    assert (one[1], many[1]) == (2, 20)
    assert one[0] == many[0]


def test_a_closing_match_past_its_last_day_expects_no_meeting__REL_1():
    from koppel.matches.models import Closure

    match = _match()
    _meet(match, 20)
    Match.objects.filter(pk=match.pk).update(state="closing")
    Closure.objects.create(
        match=match, kind="early", early=True, reason="safety", ended_by="programme", ends_on=TODAY
    )
    assert meeting_status(match, TODAY).state == "ended"
    assert _alerted(match) == set()
