"""The programme dashboard's figures, each checked against hand-built data (REL-1, SUP-1, TRN-1,
TRN-2, REC-3, MAT-5, CLS-1)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from koppel.matches.enums import MatchState
from koppel.matches.models import Closure
from koppel.programmes.models import ProgrammeSettings
from koppel.reports.domain.dashboard import Share, _can_run_concurrently, build_dashboard, report_months
from koppel.reports.domain.period import ReportFilter
from koppel.reports.domain.tables import SUPPRESSED
from koppel.training.models import ExternalHours
from tests.factories import CoordinatorFactory, MentorFactory, ProgrammeFactory, YouthFactory
from tests.factories.closure import active_match
from tests.factories.meeting import MeetingLogFactory
from tests.factories.recruitment import CampaignFactory
from tests.factories.support import SupportContactFactory
from tests.factories.survey import small_instrument, submitted_score
from tests.factories.training import AttendedRegistrationFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


TODAY = date(2026, 6, 15)
START, END = date(2026, 1, 1), date(2026, 5, 31)


def _filter(programme, *, min_group: int = 1, coordinator_id=None) -> ReportFilter:
    return ReportFilter(
        programme_ids=(programme.pk,),
        start=START,
        end=END,
        min_group=min_group,
        coordinator_id=coordinator_id,
    )


def _close(match, *, ended_on: date, early: bool, reason: str) -> None:
    match.state = MatchState.CLOSED
    match.ended_on = ended_on
    match.save()
    Closure.objects.create(
        match=match,
        kind="early" if early else "planned",
        reason=reason,
        ended_by="mentor" if early else "",
        ends_on=ended_on,
        early=early,
        contact_after="none",
    )


def _applied(mentor, day: date, **values) -> None:
    for name, value in values.items():
        setattr(mentor, name, value)
    mentor.applied_at = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    mentor.save()


@pytest.fixture
def world():
    """The hand-built programme behind every expected value below."""
    programme = ProgrammeFactory()
    m1 = active_match(programme=programme, started_on=date(2025, 6, 1))
    m2 = active_match(programme=programme, started_on=date(2026, 3, 10))
    m3 = active_match(programme=programme, started_on=date(2025, 1, 1))
    _close(m3, ended_on=date(2026, 2, 15), early=False, reason="duration_reached")  # 410 days
    m4 = active_match(programme=programme, started_on=date(2025, 10, 1))
    _close(m4, ended_on=date(2026, 4, 30), early=True, reason="no_click")  # 211 days
    m5 = active_match(programme=programme, started_on=date(2024, 1, 1))
    _close(m5, ended_on=date(2025, 12, 1), early=False, reason="duration_reached")  # before the period
    # REL-1: March (31 days: 4 needed) m1 met 4 times; April (30 days: 4) m1 3 times, m2 4 times.
    for day in (3, 10, 17, 24):
        MeetingLogFactory(match=m1, held_on=date(2026, 3, day))
    for day in (3, 10, 17):
        MeetingLogFactory(match=m1, held_on=date(2026, 4, day))
    for day in (2, 9, 16, 23):
        MeetingLogFactory(match=m2, held_on=date(2026, 4, day))
    # SUP-1: m1 (regular phase) had a mentor contact on 20 April; m2 (intensive) on 1 May.
    SupportContactFactory(match=m1, held_on=date(2026, 4, 20))
    SupportContactFactory(match=m2, held_on=date(2026, 5, 1))
    # Waiting youth: 10, 100 and 400 days, and one without a date.
    YouthFactory(
        programme=programme,
        waiting_since=TODAY - timedelta(days=10),
        wish_language="ar",
        wish_mentor_gender="female",
        cultural_background="Marokkaans",
        cultural_match="required",
    )
    YouthFactory(
        programme=programme,
        waiting_since=TODAY - timedelta(days=100),
        wish_language="ar",
        cultural_background=" marokkaans ",
        cultural_match="important",
    )
    YouthFactory(programme=programme, waiting_since=TODAY - timedelta(days=400))
    YouthFactory(programme=programme, waiting_since=None)
    # Mentors ready to match: one without hours, one with 3 (TRN-1 needs 2).
    r1 = MentorFactory(
        programme=programme, status="ready", languages=["nl", "ar"], cultural_background="Marokkaans"
    )
    r2 = MentorFactory(programme=programme, status="ready", gender="male")
    ExternalHours.objects.create(mentor=r2, date=date(2026, 1, 5), hours=Decimal("3"), kind="self_study")
    # TRN-2: m1's mentor trained 2 hours in March.
    mentor1 = m1.mentors.get()
    ExternalHours.objects.create(
        mentor=mentor1, date=date(2026, 3, 12), hours=Decimal("2"), kind="self_study"
    )
    # REC-3: a campaign with three applicants of the period, and one applicant without a campaign.
    campaign = CampaignFactory(programme=programme, channel="school")
    a1 = MentorFactory(programme=programme, status="applied")
    _applied(a1, date(2026, 2, 1), campaign=campaign, channel="school")
    a2 = MentorFactory(programme=programme, status="ready")
    _applied(a2, date(2026, 3, 1), campaign=campaign, channel="school")
    _applied(mentor1, date(2026, 1, 5), campaign=campaign, channel="school")
    _applied(m3.mentors.get(), date(2026, 1, 6), channel="website")
    return {"programme": programme, "m1": m1, "m2": m2, "r1": r1, "r2": r2}


def test_months_are_the_calendar_months_that_ended_in_the_period():
    assert report_months(START, END, TODAY) == [date(2026, m, 1) for m in range(1, 6)]
    # The running month is left out; a month that started before the period is in when it ends in it.
    assert report_months(date(2026, 1, 15), date(2026, 12, 31), TODAY) == [
        date(2026, m, 1) for m in range(1, 6)
    ]


def test_matches_and_lengths__CLS_1(world):
    report = build_dashboard(_filter(world["programme"]), today=TODAY)
    assert report.active_matches == 2  # m1, m2
    assert report.matches_made == 1  # m2
    assert report.matches_ended == 2  # m3, m4 (m5 ended before the period)
    # (410 + 211) / 2 days = 310.5 days = 10.2 months; the median of two is their mean.
    assert report.length_mean_months == round(310.5 / 30.44, 1) == 10.2
    assert report.length_median_months == 10.2
    assert report.reached_duration == Share(1, 2, 1, group="matches")
    assert report.reached_duration.percent == 50.0
    assert report.early_closures == 1
    reasons = {row.reason: (row.total, row.early) for row in report.closure_reasons}
    assert reasons == {"duration_reached": (1, 0), "no_click": (1, 1)}


def test_youth_waiting_and_how_long(world):
    report = build_dashboard(_filter(world["programme"]), today=TODAY)
    assert report.youth_waiting == 4
    assert report.waiting_median_days == 100
    assert report.waiting_longest_days == 400
    assert [n for _label, n in report.waiting_buckets] == [1, 0, 1, 0, 1]


def test_meeting_frequency_per_month__REL_1(world):
    report = build_dashboard(_filter(world["programme"]), today=TODAY)
    shares = [(m.month.month, m.share.part, m.share.whole) for m in report.meetings]
    # Active all month: Jan m1 m3 m4; Feb m1 m4; Mar m1 m4; Apr m1 m2 m4; May m1 m2.
    assert shares == [(1, 0, 3), (2, 0, 2), (3, 1, 2), (4, 1, 3), (5, 0, 2)]
    # The table hands its months over for the PDF's time axis.
    meetings = next(t for t in report.tables() if t.key == "meetings")
    assert meetings.meta["months"] == [date(2026, m, 1) for m in range(1, 6)]


def test_support_contacts_on_schedule__SUP_1(world):
    report = build_dashboard(_filter(world["programme"]), today=TODAY)
    # Quarterly points, the last month included: the end of February and of May.
    february, may = report.support
    assert (february.day, may.day) == (date(2026, 2, 28), date(2026, 5, 31))
    # 28 February: m1, m4 (regular phase, 46 days) and m3 ended before it; no contacts yet.
    assert (february.mentor.part, february.mentor.whole) == (0, 2)
    # 31 May: m1 (regular phase, due within 46 days: contact 20 April) on schedule; m2 (intensive,
    # 23 days) had its contact on 1 May, more than 23 days before.
    assert (may.mentor.part, may.mentor.whole) == (1, 2)
    assert (may.guardian.part, may.guardian.whole) == (0, 2)


def test_a_match_younger_than_its_first_interval_is_on_schedule__SUP_1():
    programme = ProgrammeFactory()
    active_match(programme=programme, started_on=date(2026, 5, 20))
    report = build_dashboard(_filter(programme), today=TODAY)
    assert (report.support[-1].mentor.part, report.support[-1].mentor.whole) == (1, 1)


def test_training_compliance__TRN_1_TRN_2(world):
    report = build_dashboard(_filter(world["programme"]), today=TODAY)
    # Ready or matched now: the five matched mentors (6 hours before their start), r1 (0), r2 (3), a2 (0).
    assert (report.trn1.part, report.trn1.whole) == (6, 8)
    months = [(m.month.month, m.share.part, m.share.whole) for m in report.trn2]
    # Matched during the month: Jan m1 m3 m4; Feb m1 m3 m4; Mar m1 m2 m4; Apr m1 m2 m4; May m1 m2.
    assert months == [(1, 0, 3), (2, 0, 3), (3, 1, 3), (4, 0, 3), (5, 0, 2)]


def test_a_programme_asking_no_monthly_hours_counts_every_matched_mentor__TRN_2(world):
    ProgrammeSettings.objects.filter(programme=world["programme"]).update(monthly_training_hours=0)
    report = build_dashboard(_filter(world["programme"]), today=TODAY)
    assert [(m.share.part, m.share.whole) for m in report.trn2] == [(3, 3), (3, 3), (3, 3), (3, 3), (2, 2)]


def test_pre_match_hours_count_only_before_the_day_the_first_match_started__TRN_1():
    programme = ProgrammeFactory()  # TRN-1: 2 hours before the first match
    start = date(2026, 3, 10)

    def session_on(day: date, hour: int, mentor, hours: str) -> None:
        session = SessionFactory(
            programme=programme,
            starts_at=timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)),
            duration_hours=Decimal(hours),
        )
        AttendedRegistrationFactory(session=session, mentor=mentor)

    # a: 1 hour the day before the start and 1 hour on the start day: 1 hour counts, not enough.
    a = active_match(programme=programme, started_on=start, mentors=1).mentors.get()
    ExternalHours.objects.filter(mentor=a).delete()
    session_on(start - timedelta(days=1), 19, a, "1")
    session_on(start, 9, a, "1")
    # b: 1.5 hours before a first match, another match later; 3 hours between the two starts: not enough.
    first = active_match(programme=programme, started_on=date(2025, 9, 1))
    b = first.mentors.get()
    ExternalHours.objects.filter(mentor=b).delete()
    session_on(date(2025, 8, 20), 19, b, "1.5")
    ExternalHours.objects.create(mentor=b, date=date(2025, 12, 1), hours=Decimal("3"), kind="self_study")
    second = active_match(programme=programme, started_on=date(2026, 1, 5))
    second.mentors.add(b)
    # c: ready, never matched, 2 hours of self-study and a session not attended: enough.
    c = MentorFactory(programme=programme, status="ready")
    ExternalHours.objects.create(mentor=c, date=date(2026, 2, 1), hours=Decimal("2"), kind="self_study")
    RegistrationFactory(session=SessionFactory(programme=programme), mentor=c, attended=False)
    # The second match's own mentor has 6 hours before its start (active_match): enough.
    report = build_dashboard(_filter(programme), today=TODAY)
    assert (report.trn1.part, report.trn1.whole) == (2, 4)  # c and the second match's mentor


def test_recruitment_funnel_per_campaign_and_channel__REC_3(world):
    report = build_dashboard(_filter(world["programme"]), today=TODAY)
    campaigns = {row.label: row.steps() for row in report.funnel_campaigns}
    assert campaigns[next(iter(campaigns))] == [3, 2, 2, 1, 1]
    assert campaigns["No campaign"] == [1, 1, 1, 1, 1]  # m3's mentor: a match of 410 days
    channels = {row.label: row.steps() for row in report.funnel_channels}
    assert channels == {"School or college": [3, 2, 2, 1, 1], "Website": [1, 1, 1, 1, 1]}
    assert report.funnel_total.steps() == [4, 3, 3, 2, 2]


def test_pool_against_the_wishes__MAT_5(world):
    report = build_dashboard(_filter(world["programme"]), today=TODAY)
    assert report.mentors_available == 3  # r1, r2, a2
    assert [(r.label, r.youth, r.mentors) for r in report.pool_languages] == [("Arabic", 2, 1)]
    assert [(r.youth, r.mentors) for r in report.pool_genders] == [(1, 2)]
    assert [(r.label, r.youth, r.important, r.mentors) for r in report.pool_backgrounds] == [
        ("Marokkaans", 1, 1, 1)
    ]


def test_small_groups_are_suppressed(world):
    report = build_dashboard(_filter(world["programme"], min_group=5), today=TODAY)
    assert report.reached_duration.percent is SUPPRESSED
    tables = {t.key: t for t in report.tables()}
    backgrounds = tables["pool_backgrounds"].rows
    assert backgrounds == [["Marokkaans", SUPPRESSED, SUPPRESSED, 1]]
    # REL-1: at most 3 matches a month (< 5): the share and the count it comes from are hidden,
    # the number of matches is not.
    assert [row[1:] for row in tables["meetings"].rows] == [
        [3, SUPPRESSED, SUPPRESSED],
        [2, SUPPRESSED, SUPPRESSED],
        [2, SUPPRESSED, SUPPRESSED],
        [3, SUPPRESSED, SUPPRESSED],
        [2, SUPPRESSED, SUPPRESSED],
    ]
    # TRN-1 is about 8 mentors (shown); TRN-2 in January about 3 (hidden with its part).
    assert tables["training"].rows[0][1:] == [8, 6, 75.0]
    assert tables["training"].rows[1][1:] == [3, SUPPRESSED, SUPPRESSED]
    # Two matches ended (one early): their lengths, the early one and the share reaching the
    # duration are about fewer than 5.
    overview = dict(tables["overview"].rows)
    assert overview["Matches that ended in the period"] == 2
    assert overview["Average length of those matches (months)"] is SUPPRESSED
    assert overview["Median length of those matches (months)"] is SUPPRESSED
    assert overview["Ended early"] is SUPPRESSED
    # Four waiting youth: the median and the longest wait, every bucket; each closure reason (1).
    assert overview["Youth waiting for a mentor now"] == 4
    assert overview["Median waiting time (days)"] is SUPPRESSED
    assert overview["Longest waiting time (days)"] is SUPPRESSED
    assert [n for _label, n in tables["waiting"].rows] == [SUPPRESSED, 0, SUPPRESSED, 0, SUPPRESSED]
    assert [row[1:] for row in tables["closure_reasons"].rows] == [[SUPPRESSED, SUPPRESSED]] * 2
    # Two waiting youth wish an Arabic-speaking mentor, one a female mentor: hidden; mentors are not.
    assert tables["pool_languages"].rows == [["Arabic", SUPPRESSED, 1]]
    assert tables["pool_genders"].rows == [["Female", SUPPRESSED, 2]]


def test_a_small_group_is_hidden_with_the_figure_that_gives_it_away(world):
    report = build_dashboard(_filter(world["programme"], min_group=2), today=TODAY)
    tables = {t.key: t for t in report.tables()}
    overview = dict(tables["overview"].rows)
    # Two ended, one early and one planned: each is 1 (< 2), and either gives the other away.
    assert overview["Ended early"] is SUPPRESSED
    assert overview["Reached the agreed duration (%)"] is SUPPRESSED
    assert overview["Average length of those matches (months)"] == 10.2  # about 2: shown
    # Three youth with a date (10, 100 and 400 days) and one without: buckets of 1 are hidden;
    # together 3 (>= 2), so the empty buckets can stay.
    assert overview["Median waiting time (days)"] == 100
    assert [n for _label, n in tables["waiting"].rows] == [SUPPRESSED, 0, SUPPRESSED, 0, SUPPRESSED]
    # One match per reason (each < 2).
    assert [row[1:] for row in tables["closure_reasons"].rows] == [[SUPPRESSED, SUPPRESSED]] * 2
    assert tables["pool_languages"].rows == [["Arabic", 2, 1]]


def test_a_reason_is_hidden_with_another_when_the_total_would_give_it_away():
    programme = ProgrammeFactory()
    for day in range(1, 4):
        match = active_match(programme=programme, started_on=date(2025, 1, day))
        _close(match, ended_on=date(2026, 2, day), early=False, reason="duration_reached")
    match = active_match(programme=programme, started_on=date(2025, 6, 1))
    _close(match, ended_on=date(2026, 3, 1), early=True, reason="no_click")
    for day in range(1, 3):
        match = active_match(programme=programme, started_on=date(2025, 7, day))
        _close(match, ended_on=date(2026, 3, day), early=True, reason="moved")

    report = build_dashboard(_filter(programme, min_group=2), today=TODAY)

    # Reasons 3 (planned), 2 (early), 1 (early) of 6 ended: the 1 is hidden, and since the total (6)
    # would give it away, the smallest shown one (2) too. Within "duration reached" the early part
    # (0 of 3) is shown: 0 is about no one and 3 planned are enough.
    rows = {row.reason: (row.total, row.early) for row in report.closure_reasons}
    assert rows == {
        "duration_reached": (3, 0),
        "moved": (SUPPRESSED, SUPPRESSED),
        "no_click": (SUPPRESSED, SUPPRESSED),
    }
    assert report.early_closures == 3


def test_coordinator_filter_keeps_their_caseload(world):
    coordinator = CoordinatorFactory(programme=world["programme"]).user
    youth = world["m2"].youth
    youth.coordinator = coordinator
    youth.save()
    report = build_dashboard(_filter(world["programme"], coordinator_id=coordinator.pk), today=TODAY)
    assert report.active_matches == 1
    assert report.matches_ended == 0
    assert report.youth_waiting == 0


def test_tables_have_stable_keys_and_rules(world):
    tables = build_dashboard(_filter(world["programme"]), today=TODAY).tables()
    assert [t.key for t in tables] == [
        "overview",
        "waiting",
        "closure_reasons",
        "meetings",
        "support",
        "training",
        "funnel_campaigns",
        "funnel_channels",
        "pool_languages",
        "pool_genders",
        "pool_backgrounds",
        "surveys",
        "relationship_quality",
        "outcome_baselines",
    ]
    rules = {t.key: t.rule for t in tables}
    assert rules["meetings"] == "REL-1"
    assert rules["support"] == "SUP-1"
    assert rules["funnel_channels"] == "REC-3"
    assert all(len(row) == len(t.columns) for t in tables for row in t.rows)


def test_empty_programme():
    report = build_dashboard(_filter(ProgrammeFactory()), today=TODAY)
    assert report.active_matches == 0
    assert report.waiting_median_days is None
    assert report.reached_duration.percent is None
    assert report.tables()


def _grow(programme, n: int) -> None:
    for i in range(n):
        match = active_match(programme=programme, started_on=date(2025, 1, 1) + timedelta(days=i))
        MeetingLogFactory(match=match, held_on=date(2026, 3, 2))
        SupportContactFactory(match=match, held_on=date(2026, 3, 3))
        YouthFactory(programme=programme, waiting_since=TODAY - timedelta(days=i))
        m = MentorFactory(programme=programme, status="ready", cultural_background=f"B{i}")
        _applied(m, date(2026, 2, 1), channel="school")
        trust = small_instrument(domain="trust").subscales.get()
        submitted_score(
            match.youth, trust, moment="during", value=3.0, submitted_on=date(2026, 3, 1), match=match
        )
    closed = active_match(programme=programme, started_on=date(2025, 1, 1))
    _close(closed, ended_on=date(2026, 3, 1), early=True, reason="no_click")


@pytest.mark.django_db(transaction=True)
def test_the_sections_run_side_by_side_with_the_same_figures_in_the_callers_language():
    # Committed rows (other connections see only those); one programme with a bit of everything.
    programme = ProgrammeFactory()
    _grow(programme, 6)
    with translation.override("nl"):
        alone = build_dashboard(_filter(programme, min_group=5), today=TODAY, concurrent=False)
        together = build_dashboard(_filter(programme, min_group=5), today=TODAY, concurrent=True)
        tables_alone, tables_together = alone.tables(), together.tables()
    assert [(t.key, t.title, t.rows) for t in tables_together] == [
        (t.key, t.title, t.rows) for t in tables_alone
    ]
    # The worker threads used the caller's language: Dutch labels in the sections' own rows.
    waiting = next(t for t in tables_together if t.key == "waiting")
    assert waiting.rows[0][0] == "0-30 dagen"


def test_inside_a_transaction_the_sections_run_one_after_the_other():
    # The test's transaction would hide its rows from other connections.
    assert connection.in_atomic_block
    assert _can_run_concurrently() is False


def test_constant_number_of_queries():
    small, large = ProgrammeFactory(), ProgrammeFactory()
    _grow(small, 1)
    _grow(large, 20)
    with CaptureQueriesContext(connection) as one:
        build_dashboard(_filter(small), today=TODAY)
    with CaptureQueriesContext(connection) as many:
        build_dashboard(_filter(large), today=TODAY)
    assert len(one) == len(many)
    assert len(many) <= 26  # 21 for the running of the programme, 5 for the surveys


# -- surveys (OUT-1, OUT-4) -------------------------------------------------------------------------


@pytest.fixture
def surveyed():
    """Hand-built surveys: a relationship instrument answered by youth and mentors, an outcomes
    instrument with baselines, and one open extra-support request."""
    from koppel.surveys.enums import AlertReason, AssignmentStatus, Moment, Respondent
    from koppel.surveys.models import QualityAlert
    from tests.factories.survey import AssignmentFactory, small_instrument, submitted_score

    programme = ProgrammeFactory()
    relation = small_instrument(name_en="Our match", domain="trust")
    trust = relation.subscales.get()
    # The mentors answer a questionnaire of their own about the same aspects, as Koppel's do.
    mentor_trust = small_instrument(
        name_en="My match", domain="trust", respondents=["mentor"]
    ).subscales.get()
    outcomes = small_instrument(name_en="How I am doing", domain="school")
    school = outcomes.subscales.get()
    matches = [active_match(programme=programme, started_on=date(2025, 6, 1)) for _ in range(3)]
    # Trust from youth 4, 3, 2 (mean 3.0, three youth) and from one mentor 5 (one youth).
    for match, value in zip(matches, (4.0, 3.0, 2.0), strict=True):
        submitted_score(
            match.youth,
            trust,
            moment=Moment.DURING,
            months=6,
            value=value,
            submitted_on=date(2026, 3, 1),
            match=match,
        )
    mentor_score = submitted_score(
        matches[0].youth,
        mentor_trust,
        moment=Moment.DURING,
        months=6,
        value=5.0,
        submitted_on=date(2026, 3, 2),
        match=matches[0],
        respondent=Respondent.MENTOR,
        mentor=matches[0].mentors.get(),
    )
    # Before the period: not counted.
    submitted_score(
        matches[1].youth,
        trust,
        moment=Moment.DURING,
        months=3,
        value=1.0,
        submitted_on=date(2025, 12, 1),
        match=matches[1],
    )
    # One youth's baseline in the period: "1 baseline".
    baseline_youth = YouthFactory(programme=programme)
    submitted_score(baseline_youth, school, moment=Moment.BASELINE, value=2.0, submitted_on=date(2026, 2, 10))
    # Surveys due in the period: two more baselines, one open and one expired; one cancelled.
    AssignmentFactory(youth=YouthFactory(programme=programme), instrument=outcomes, due_on=date(2026, 4, 1))
    AssignmentFactory(
        youth=YouthFactory(programme=programme),
        instrument=outcomes,
        due_on=date(2026, 4, 2),
        status=AssignmentStatus.EXPIRED,
    )
    AssignmentFactory(
        youth=YouthFactory(programme=programme),
        instrument=outcomes,
        due_on=date(2026, 4, 3),
        status=AssignmentStatus.CANCELLED,
    )
    QualityAlert.objects.create(
        match=matches[0], score=mentor_score, reason=AlertReason.BELOW_THRESHOLD, value=2.0, threshold=3.0
    )
    return {"programme": programme, "matches": matches, "baseline_youth": baseline_youth}


def test_surveys_due_submitted_and_open__OUT_1_OUT_4(surveyed):
    report = build_dashboard(_filter(surveyed["programme"]), today=TODAY)
    rows = {(r.instrument, r.moment, r.months, r.respondent): r for r in report.surveys}
    baseline = rows["How I am doing", "Baseline (intake)", None, "Youth"]
    # Due in the period: the submitted baseline (10 Feb), the open one, the expired one.
    assert (baseline.due, baseline.submitted, baseline.open) == (3, 1, 1)
    assert baseline.rate.percent == round(100 / 3, 1)
    youth_during = rows["Our match", "During the match", 6, "Youth"]
    assert (youth_during.due, youth_during.submitted, youth_during.open) == (3, 3, 0)
    assert youth_during.rate.percent == 100.0
    mentor_during = rows["My match", "During the match", 6, "Mentor"]
    assert (mentor_during.due, mentor_during.submitted) == (1, 1)
    assert len(rows) == 3  # the survey due before the period is not there


def test_relationship_quality_from_both_sides__OUT_4(surveyed):
    report = build_dashboard(_filter(surveyed["programme"]), today=TODAY)
    trust = report.relationship[0]
    assert trust.domain == "Trust"
    assert (trust.youth_mean, trust.youth_n) == (3.0, 3)
    assert (trust.mentor_mean, trust.mentor_n) == (5.0, 1)
    assert [r.domain for r in report.relationship] == [
        "Trust",
        "Closeness",
        "Satisfaction",
        "Youth-centredness",
    ]
    assert report.relationship[1].youth_mean is None
    assert report.open_alerts == 1
    table = {t.key: t for t in report.tables()}["relationship_quality"]
    assert table.rows[0] == ["Trust", 3.0, 3, 5.0, 1]
    assert table.meta["open_alerts"] == 1


def test_relationship_means_of_small_groups_are_suppressed_but_counts_are_not(surveyed):
    report = build_dashboard(_filter(surveyed["programme"], min_group=3), today=TODAY)
    trust = report.relationship[0]
    assert trust.youth_mean == 3.0  # three youth: shown
    assert trust.mentor_mean is SUPPRESSED  # one youth: hidden
    # A single youth's baseline is a count of surveys, not their answers: shown as 1.
    baselines = {r.domain: r for r in report.baselines}
    assert baselines["School attendance and attitude to school"].youth == 1
    assert baselines["School attendance and attitude to school"].total == 1
    assert baselines["Experienced emotional support"].total == 0


def test_a_handled_alert_is_not_open__OUT_4(surveyed):
    from koppel.surveys.models import QualityAlert

    QualityAlert.objects.update(handled_at=timezone.now())
    assert build_dashboard(_filter(surveyed["programme"]), today=TODAY).open_alerts == 0


def test_survey_figures_follow_the_coordinator_filter(surveyed):
    coordinator = CoordinatorFactory(programme=surveyed["programme"]).user
    youth = surveyed["baseline_youth"]
    youth.coordinator = coordinator
    youth.save()
    report = build_dashboard(_filter(surveyed["programme"], coordinator_id=coordinator.pk), today=TODAY)
    assert [(r.instrument, r.due, r.submitted) for r in report.surveys] == [("How I am doing", 1, 1)]
    assert report.relationship[0].youth_n == 0
    assert report.open_alerts == 0
    assert sum(r.total for r in report.baselines) == 1
