"""Planning surveys from the schedules, with hand-computed dates (OUT-2, OUT-4), and expiry."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koppel.common.domain import reminders as r
from koppel.common.models import ActivityLog
from koppel.common.models.reminders import Reminder
from koppel.matches.enums import MatchState
from koppel.matches.models import Closure
from koppel.staff.worklist.closure import follow_ups_due
from koppel.surveys.domain.delivery import cancel_outdated_assignments, expire_assignments, plan_assignments
from koppel.surveys.enums import AssignmentStatus, Moment, Respondent
from koppel.surveys.models import Assignment
from tests.factories import GuardianFactory, GuardianshipFactory, MatchFactory, MentorFactory, YouthFactory
from tests.factories.survey import AssignmentFactory, ScheduleFactory, small_instrument

pytestmark = pytest.mark.django_db

ALL = ["youth", "mentor", "guardian"]


def _schedule(programme=None, **kwargs):
    kwargs.setdefault("instrument", small_instrument(respondents=ALL, young_age=12))
    if programme is not None:
        kwargs["programme"] = programme
    return ScheduleFactory(**kwargs)


def _match(schedule, started_on, **kwargs):
    youth = kwargs.pop("youth", None) or YouthFactory(programme=schedule.programme)
    mentors = kwargs.pop("mentors", None) or [MentorFactory(programme=schedule.programme)]
    return MatchFactory(youth=youth, started_on=started_on, mentors=mentors, **kwargs)


def test_during_one_month_after_31_january_is_28_february__OUT_4():
    schedule = _schedule(moment=Moment.DURING, months=1, window_days=30)
    match = _match(schedule, date(2025, 1, 31))
    assert plan_assignments(today=date(2025, 2, 27)) == 0
    assert plan_assignments(today=date(2025, 2, 28)) == 1
    assignment = Assignment.objects.get()
    assert (assignment.due_on, assignment.closes_on) == (date(2025, 2, 28), date(2025, 3, 30))
    assert (assignment.match, assignment.youth, assignment.moment, assignment.months) == (
        match,
        match.youth,
        Moment.DURING,
        1,
    )
    assert assignment.status == AssignmentStatus.OPEN


def test_during_in_a_leap_year_is_29_february__OUT_4():
    schedule = _schedule(moment=Moment.DURING, months=1)
    _match(schedule, date(2024, 1, 31))
    assert plan_assignments(today=date(2024, 2, 29)) == 1
    assert Assignment.objects.get().due_on == date(2024, 2, 29)


def test_twelve_months_after_29_february_is_28_february__OUT_4():
    schedule = _schedule(moment=Moment.DURING, months=12)
    _match(schedule, date(2024, 2, 29))
    assert plan_assignments(today=date(2025, 2, 28)) == 1
    assert Assignment.objects.get().due_on == date(2025, 2, 28)


def test_not_planned_after_the_window_closed():
    schedule = _schedule(moment=Moment.DURING, months=3, window_days=30)
    _match(schedule, date(2025, 1, 15))  # due 15 April, open until 15 May
    assert plan_assignments(today=date(2025, 5, 16)) == 0
    assert plan_assignments(today=date(2025, 5, 15)) == 1


def test_during_skips_a_match_that_ended_before_the_day():
    schedule = _schedule(moment=Moment.DURING, months=6)
    _match(schedule, date(2025, 1, 10), state=MatchState.CLOSED, ended_on=date(2025, 7, 9))
    kept = _match(schedule, date(2025, 1, 10), state=MatchState.CLOSED, ended_on=date(2025, 7, 10))
    assert plan_assignments(today=date(2025, 7, 20)) == 1
    assert Assignment.objects.get().match == kept


def test_planning_twice_creates_nothing_new():
    schedule = _schedule(moment=Moment.DURING, months=3)
    _match(schedule, date(2025, 1, 15))
    assert plan_assignments(today=date(2025, 4, 20)) == 1
    assert plan_assignments(today=date(2025, 4, 21)) == 0
    assert Assignment.objects.count() == 1


def test_baseline_on_the_day_the_youth_started_waiting():
    schedule = _schedule(moment=Moment.BASELINE)
    youth = YouthFactory(programme=schedule.programme, waiting_since=date(2025, 3, 3))
    YouthFactory(programme=schedule.programme, waiting_since=None)  # intake not complete
    assert plan_assignments(today=date(2025, 3, 10)) == 1
    assignment = Assignment.objects.get()
    assert (assignment.youth, assignment.due_on, assignment.match) == (youth, date(2025, 3, 3), None)


def test_baseline_of_a_youth_matched_without_waiting_is_the_start():
    schedule = _schedule(moment=Moment.BASELINE)
    youth = YouthFactory(programme=schedule.programme, waiting_since=None)
    _match(schedule, date(2025, 3, 5), youth=youth)
    assert plan_assignments(today=date(2025, 3, 6)) == 1
    assert Assignment.objects.get().due_on == date(2025, 3, 5)


def test_a_youth_back_on_the_waiting_list_after_a_match_gets_no_baseline():
    schedule = _schedule(moment=Moment.BASELINE)
    youth = YouthFactory(programme=schedule.programme, waiting_since=date(2025, 11, 16))
    _match(schedule, date(2024, 9, 1), youth=youth, state=MatchState.CLOSED, ended_on=date(2025, 11, 16))
    first_timer = YouthFactory(programme=schedule.programme, waiting_since=date(2025, 11, 16))
    assert plan_assignments(today=date(2025, 11, 17)) == 1
    assert Assignment.objects.get().youth == first_timer


def test_closure_on_the_last_day_of_a_started_match():
    schedule = _schedule(moment=Moment.CLOSURE)
    match = _match(schedule, date(2024, 9, 1), state=MatchState.CLOSED, ended_on=date(2025, 6, 30))
    assert plan_assignments(today=date(2025, 7, 1)) == 1
    assert (Assignment.objects.get().match, Assignment.objects.get().due_on) == (match, date(2025, 6, 30))


def test_follow_up_on_the_closures_follow_up_day__OUT_2():
    schedule = _schedule(moment=Moment.FOLLOW_UP, months=12)
    match = _match(schedule, date(2024, 1, 1), state=MatchState.CLOSED, ended_on=date(2024, 8, 31))
    Closure.objects.create(
        match=match,
        kind="planned",
        reason="completed",
        ends_on=date(2024, 8, 31),
        contact_after="none",
        follow_up_due=date(2025, 9, 1),
    )
    assert plan_assignments(today=date(2025, 8, 31)) == 0
    assert plan_assignments(today=date(2025, 9, 1)) == 1
    assert Assignment.objects.get().due_on == date(2025, 9, 1)


def test_follow_up_without_closure_row_is_months_after_the_end__OUT_2():
    schedule = _schedule(moment=Moment.FOLLOW_UP, months=6)
    _match(schedule, date(2024, 1, 1), state=MatchState.CLOSED, ended_on=date(2025, 8, 31))
    assert plan_assignments(today=date(2026, 2, 27)) == 0
    assert plan_assignments(today=date(2026, 2, 28)) == 1
    assert Assignment.objects.get().due_on == date(2026, 2, 28)


def test_each_mentor_of_a_team_answers__OUT_4():
    schedule = _schedule(moment=Moment.DURING, months=3, respondent=Respondent.MENTOR)
    first, second = MentorFactory(programme=schedule.programme), MentorFactory(programme=schedule.programme)
    _match(schedule, date(2025, 1, 15), mentors=[first, second])
    assert plan_assignments(today=date(2025, 4, 15)) == 2
    assert {a.mentor for a in Assignment.objects.all()} == {first, second}


def test_only_guardians_with_parental_authority_answer():
    schedule = _schedule(moment=Moment.BASELINE, respondent=Respondent.GUARDIAN)
    youth = YouthFactory(programme=schedule.programme, waiting_since=date(2025, 3, 3))
    mother = GuardianFactory(preferred_language="en")
    GuardianshipFactory(youth=youth, guardian=mother)
    GuardianshipFactory(youth=youth, guardian=GuardianFactory(), has_parental_authority=False)
    assert plan_assignments(today=date(2025, 3, 3)) == 1
    assignment = Assignment.objects.get()
    assert (assignment.guardian, assignment.language) == (mother, "en")


def test_young_wording_below_the_instruments_age_and_language_of_the_youth():
    schedule = _schedule(moment=Moment.BASELINE)  # young_age 12
    eleven = YouthFactory(
        programme=schedule.programme,
        waiting_since=date(2025, 3, 3),
        date_of_birth=date(2013, 3, 4),  # 11 on 3 March 2025, 12 the next day
        preferred_language="en",
    )
    twelve = YouthFactory(
        programme=schedule.programme, waiting_since=date(2025, 3, 3), date_of_birth=date(2013, 3, 3)
    )
    plan_assignments(today=date(2025, 3, 5))
    by_youth = {a.youth: a for a in Assignment.objects.all()}
    assert (by_youth[eleven].young, by_youth[eleven].language) == (True, "en")
    assert (by_youth[twelve].young, by_youth[twelve].language) == (False, "nl")


def test_inactive_schedule_and_wrong_respondent_plan_nothing():
    inactive = _schedule(moment=Moment.BASELINE, active=False)
    YouthFactory(programme=inactive.programme, waiting_since=date(2025, 3, 3))
    wrong = _schedule(
        moment=Moment.BASELINE,
        respondent=Respondent.GUARDIAN,
        instrument=small_instrument(respondents=["youth"]),
    )
    YouthFactory(programme=wrong.programme, waiting_since=date(2025, 3, 3))
    assert plan_assignments(today=date(2025, 3, 3)) == 0


def _count(today):
    Assignment.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        plan_assignments(today=today)
    return len(ctx.captured_queries)


def test_planning_runs_constant_queries_per_schedule():
    schedule = _schedule(moment=Moment.DURING, months=3, respondent=Respondent.MENTOR)
    guardians = _schedule(schedule.programme, moment=Moment.CLOSURE, respondent=Respondent.GUARDIAN)

    def add():
        match = _match(schedule, date(2025, 1, 15))
        closed = _match(schedule, date(2024, 1, 15), state=MatchState.CLOSED, ended_on=date(2025, 4, 10))
        GuardianshipFactory(youth=closed.youth)
        return match

    add()
    one = _count(date(2025, 4, 20))
    for _ in range(6):
        add()
    assert _count(date(2025, 4, 20)) == one
    assert Assignment.objects.filter(schedule=guardians).count() == 7


def test_expire_closes_surveys_after_their_window():
    late = AssignmentFactory(closes_on=date(2025, 3, 9), status=AssignmentStatus.STARTED)
    today = AssignmentFactory(closes_on=date(2025, 3, 10))
    sent = AssignmentFactory(closes_on=date(2025, 3, 1), status=AssignmentStatus.SUBMITTED)
    assert expire_assignments(today=date(2025, 3, 10)) == 1
    for a in (late, today, sent):
        a.refresh_from_db()
    assert (late.status, today.status, sent.status) == ("expired", "open", "submitted")
    assert expire_assignments(today=date(2025, 3, 10)) == 0


def test_surveys_that_no_longer_apply_are_cancelled__OUT_4():
    relationship = small_instrument(respondents=["mentor"])  # relationship quality (OUT-4)
    outcomes = small_instrument(domain="school", respondents=["youth"])  # OUT-1
    ended = MatchFactory(state=MatchState.CLOSED, started_on=date(2025, 1, 1), ended_on=date(2025, 5, 1))
    running = MatchFactory(started_on=date(2025, 1, 1))

    def survey(match, instrument, **kwargs):
        return AssignmentFactory(youth=match.youth, match=match, instrument=instrument, **kwargs)

    # The ended match: its relationship survey (open or started) is cancelled; its outcome survey 12
    # months in keeps its window, and so does its closure survey; a submitted one stays submitted.
    open_quality = survey(ended, relationship, moment=Moment.DURING, months=3)
    started_quality = survey(ended, relationship, moment=Moment.DURING, months=6, status="started")
    sent_quality = survey(ended, relationship, moment=Moment.DURING, months=1, status="submitted")
    outcome_12 = survey(ended, outcomes, moment=Moment.DURING, months=12)
    at_closure = survey(ended, relationship, moment=Moment.CLOSURE)
    # The running match: nothing changes.
    running_quality = survey(running, relationship, moment=Moment.DURING, months=3)
    # A youth withdrawn from the waiting list: every open survey of theirs is cancelled.
    withdrawn = YouthFactory(status="withdrawn")
    baseline = AssignmentFactory(youth=withdrawn, instrument=outcomes)

    assert cancel_outdated_assignments() == 3
    statuses = {
        name: Assignment.objects.get(pk=a.pk).status
        for name, a in {
            "open_quality": open_quality,
            "started_quality": started_quality,
            "sent_quality": sent_quality,
            "outcome_12": outcome_12,
            "at_closure": at_closure,
            "running_quality": running_quality,
            "baseline": baseline,
        }.items()
    }
    assert statuses == {
        "open_quality": "cancelled",
        "started_quality": "cancelled",
        "sent_quality": "submitted",
        "outcome_12": "open",
        "at_closure": "open",
        "running_quality": "open",
        "baseline": "cancelled",
    }
    assert ActivityLog.objects.filter(action="surveys.assignment.cancelled").count() == 3
    assert cancel_outdated_assignments() == 0


def test_a_survey_reminder_is_skipped_once_the_survey_was_sent_in(cast):
    survey = AssignmentFactory(youth=cast.youth_row, instrument=small_instrument(respondents=["youth"]))
    r.propose_reminders(today=timezone.localdate())
    reminder = Reminder.objects.get(kind="survey_due")
    survey.status = AssignmentStatus.SUBMITTED
    survey.submitted_at = timezone.now()
    survey.save()
    mail.outbox.clear()

    _send_surveys()

    reminder.refresh_from_db()
    assert reminder.status == "skipped"
    assert mail.outbox == []


# --- Invitations and reminders (common/domain/reminders.py, kind SURVEY_DUE) -----------------------


def _send_surveys():
    Reminder.objects.exclude(kind="survey_due").delete()
    call_command("send_reminders", "--inline", "--no-propose", verbosity=0)


def test_invitation_then_weekly_reminder_with_the_personal_link(cast):
    cast.mentor_row.preferred_language = "en"
    cast.mentor_row.save()
    survey = AssignmentFactory(
        youth=cast.youth_row,
        match=cast.match,
        respondent="mentor",
        mentor=cast.mentor_row,
        instrument=small_instrument(respondents=["mentor"]),
    )
    today = timezone.localdate()
    r.propose_reminders(today=today)
    invitation = Reminder.objects.get(kind="survey_due")
    assert invitation.key == f"survey:{survey.pk}:{r.iso_week(today)}"
    assert (invitation.email, invitation.language, invitation.context["invitation"]) == (
        cast.mentor_row.email,
        "en",
        True,
    )
    assert "survey_due" not in r.propose_reminders(today=today)  # once a week
    _send_surveys()
    body = mail.outbox[-1].body
    assert "You are invited" in body
    assert "/link/survey/" in body
    next_week = today + timedelta(days=7)
    survey.closes_on = next_week
    survey.save()
    assert r.propose_reminders(today=next_week)["survey_due"] == 1
    assert not Reminder.objects.get(key=f"survey:{survey.pk}:{r.iso_week(next_week)}").context["invitation"]
    survey.status = AssignmentStatus.SUBMITTED
    survey.submitted_at = timezone.now()
    survey.save()
    assert "survey_due" not in r.propose_reminders(today=next_week + timedelta(days=7))


def test_a_youth_without_an_address_is_announced_to_the_guardians_without_the_link(cast):
    # The youth's answers (substance use, delinquency, the relationship with the parents) are the
    # youth's own: a parent never receives the link that opens them.
    from koppel.accounts.models import User

    User.objects.filter(pk=cast.youth.pk).update(email="")
    cast.youth_row.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 13)
    cast.youth_row.email = ""
    cast.youth_row.save()
    survey = AssignmentFactory(youth=cast.youth_row, instrument=small_instrument(respondents=["youth"]))
    r.propose_reminders(today=timezone.localdate())
    reminder = Reminder.objects.get(kind="survey_due")
    assert reminder.email == cast.guardian_row.email
    assert reminder.key.startswith(f"survey:{survey.pk}:g{cast.guardian_row.pk}:")
    assert reminder.context["via"] == "guardian"
    _send_surveys()
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == [cast.guardian_row.email]
    assert "/link/survey/" not in body
    assert cast.youth_row.first_name in body


def test_a_young_youth_with_an_address_gets_their_own_link_and_the_guardians_nothing(cast):
    cast.youth_row.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 13)
    cast.youth_row.save()
    AssignmentFactory(youth=cast.youth_row, instrument=small_instrument(respondents=["youth"]))
    r.propose_reminders(today=timezone.localdate())
    reminder = Reminder.objects.get(kind="survey_due")
    assert reminder.email == cast.youth_row.email != cast.guardian_row.email
    _send_surveys()
    assert [m.to for m in mail.outbox] == [[cast.youth_row.email]]
    assert "/link/survey/" in mail.outbox[-1].body


def test_a_youth_of_16_gets_their_own_invitation(cast):
    cast.youth_row.date_of_birth = date(timezone.localdate().year - 17, 1, 1)
    cast.youth_row.save()
    AssignmentFactory(youth=cast.youth_row, instrument=small_instrument(respondents=["youth"]))
    r.propose_reminders(today=timezone.localdate())
    assert Reminder.objects.get(kind="survey_due").email == cast.youth_row.email


def test_the_command_plans_expires_and_cancels_surveys(cast):
    schedule = _schedule(cast.programme, moment=Moment.BASELINE)
    newcomer = YouthFactory(programme=cast.programme, waiting_since=timezone.localdate())
    late = AssignmentFactory(closes_on=timezone.localdate() - timedelta(days=1))
    gone = AssignmentFactory(youth=YouthFactory(status="withdrawn"))
    call_command("send_reminders", "--inline", verbosity=0)
    assert Assignment.objects.filter(schedule=schedule, youth=newcomer).count() == 1
    late.refresh_from_db()
    gone.refresh_from_db()
    assert (late.status, gone.status) == (AssignmentStatus.EXPIRED, AssignmentStatus.CANCELLED)


# --- OUT-2: a follow-up done leaves the worklist ---------------------------------------------------


def test_closure_follow_up_done_leaves_the_worklist__OUT_2(cast):
    match = MatchFactory(
        youth=cast.youth_row, state=MatchState.CLOSED, started_on=date(2024, 1, 1), ended_on=date(2025, 1, 1)
    )
    closure = Closure.objects.create(
        match=match,
        kind="planned",
        reason="completed",
        ends_on=date(2025, 1, 1),
        contact_after="none",
        follow_up_due=timezone.localdate() - timedelta(days=1),
    )
    assert list(follow_ups_due(cast.coordinator)) == [match]
    closure.follow_up_done_on = timezone.localdate()
    closure.save()
    assert list(follow_ups_due(cast.coordinator)) == []
