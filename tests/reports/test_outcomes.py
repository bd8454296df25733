"""The outcomes report (OUT-1..4) with hand-computed figures: paired change per domain, the OUT-3
split by match length, relationship quality from both sides, match survival and suppression."""

from datetime import date

import pytest
from django.utils import translation

from koppel.matches.enums import MatchState
from koppel.matches.models import Closure
from koppel.reports.domain.outcomes import (
    CLOSURE,
    DURING_12,
    FOLLOW_UP,
    OVER_12,
    SIX_TO_12,
    UNDER_6,
    build_outcomes,
)
from koppel.reports.domain.period import ReportFilter
from koppel.reports.domain.tables import SUPPRESSED
from koppel.surveys.enums import InstrumentKind, Moment, OutcomeDomain, Respondent
from tests import factories as f
from tests.factories.survey import InstrumentFactory, SubscaleFactory, submitted_score

START, END, TODAY = date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 10)


@pytest.fixture
def programme(db):
    return f.ProgrammeFactory()


@pytest.fixture
def scales(db):
    """An outcomes instrument with a school subscale (higher is better) and a substance-use one
    (lower is better)."""
    instrument = InstrumentFactory(kind=InstrumentKind.OUTCOMES, respondents=["youth", "guardian"])
    school = SubscaleFactory(instrument=instrument, key="school", domain=OutcomeDomain.SCHOOL)
    substances = SubscaleFactory(
        instrument=instrument, key="substances", domain=OutcomeDomain.SUBSTANCES, higher_is_better=False
    )
    return school, substances


def report(programme, *, min_group=1, start=START, end=END, today=TODAY, coordinator_id=None):
    rf = ReportFilter(
        programme_ids=(programme.pk,),
        start=start,
        end=end,
        min_group=min_group,
        coordinator_id=coordinator_id,
    )
    return build_outcomes(rf, today=today)


def row(rep, moment, domain, respondent=Respondent.YOUTH):
    (found,) = [
        r for r in rep.changes if r.moment == moment and r.domain == domain and r.respondent == respondent
    ]
    return found


def youth_with_match(programme, *, started_on, ended_on=None, **kwargs):
    youth = f.YouthFactory(programme=programme, **kwargs)
    state = MatchState.CLOSED if ended_on else MatchState.ACTIVE
    match = f.MatchFactory(youth=youth, state=state, started_on=started_on, ended_on=ended_on)
    return youth, match


def test_paired_change_from_baseline_to_12_months__OUT_1(programme, scales):
    school, _substances = scales
    started = date(2024, 3, 1)
    # A: 2.0 -> 3.0 (an older baseline of 1.0 is not the latest, so it is not used);
    # B: 3.0 -> 4.5; C: 4.0 -> 3.5.
    for baseline, later, older in [(2.0, 3.0, 1.0), (3.0, 4.5, None), (4.0, 3.5, None)]:
        youth, match = youth_with_match(programme, started_on=started)
        if older is not None:
            submitted_score(youth, school, moment=Moment.BASELINE, value=older, submitted_on=date(2023, 1, 1))
        submitted_score(youth, school, moment=Moment.BASELINE, value=baseline, submitted_on=date(2024, 2, 20))
        submitted_score(
            youth,
            school,
            moment=Moment.DURING,
            months=12,
            match=match,
            value=later,
            submitted_on=date(2025, 3, 1),
        )
    # Not counted: no baseline; a baseline after the later score; the later score before the
    # period; a later score without a value (too few answers); a 6-month score; another programme.
    lonely, match = youth_with_match(programme, started_on=started)
    submitted_score(
        lonely, school, moment=Moment.DURING, months=12, match=match, value=1.0, submitted_on=date(2025, 3, 1)
    )
    late, match = youth_with_match(programme, started_on=started)
    submitted_score(late, school, moment=Moment.BASELINE, value=1.0, submitted_on=date(2025, 8, 1))
    submitted_score(
        late, school, moment=Moment.DURING, months=12, match=match, value=5.0, submitted_on=date(2025, 7, 1)
    )
    early, match = youth_with_match(programme, started_on=date(2023, 12, 1))
    submitted_score(early, school, moment=Moment.BASELINE, value=1.0, submitted_on=date(2023, 11, 1))
    submitted_score(
        early,
        school,
        moment=Moment.DURING,
        months=12,
        match=match,
        value=5.0,
        submitted_on=date(2024, 12, 31),
    )
    empty, match = youth_with_match(programme, started_on=started)
    submitted_score(empty, school, moment=Moment.BASELINE, value=1.0, submitted_on=date(2024, 2, 1))
    submitted_score(
        empty, school, moment=Moment.DURING, months=12, match=match, value=None, submitted_on=date(2025, 3, 1)
    )
    six, match = youth_with_match(programme, started_on=started)
    submitted_score(six, school, moment=Moment.BASELINE, value=1.0, submitted_on=date(2024, 2, 1))
    submitted_score(
        six, school, moment=Moment.DURING, months=6, match=match, value=5.0, submitted_on=date(2025, 3, 1)
    )
    other, match = youth_with_match(f.ProgrammeFactory(), started_on=started)
    submitted_score(other, school, moment=Moment.BASELINE, value=1.0, submitted_on=date(2024, 2, 1))
    submitted_score(
        other, school, moment=Moment.DURING, months=12, match=match, value=5.0, submitted_on=date(2025, 3, 1)
    )

    school_row = row(report(programme), DURING_12, OutcomeDomain.SCHOOL)

    # n = 3; baseline (2 + 3 + 4) / 3 = 3.0; later (3 + 4.5 + 3.5) / 3 = 11/3 = 3.67; change 2/3 = 0.67.
    assert school_row.total.n == 3
    assert school_row.total.baseline == 3.0
    assert school_row.total.later == 3.67
    assert school_row.total.change == 0.67
    assert school_row.higher_is_better is True
    assert row(report(programme), CLOSURE, OutcomeDomain.SCHOOL).total.n == 0


def test_lower_is_better_for_substance_use_and_change_at_closure_and_follow_up__OUT_2(programme, scales):
    _school, substances = scales
    youth, match = youth_with_match(programme, started_on=date(2023, 6, 1), ended_on=date(2024, 6, 1))
    submitted_score(youth, substances, moment=Moment.BASELINE, value=3.0, submitted_on=date(2023, 5, 1))
    submitted_score(
        youth, substances, moment=Moment.CLOSURE, match=match, value=2.0, submitted_on=date(2025, 1, 5)
    )
    submitted_score(
        youth,
        substances,
        moment=Moment.FOLLOW_UP,
        months=12,
        match=match,
        value=1.5,
        submitted_on=date(2025, 6, 1),
    )

    rep = report(programme)

    closure = row(rep, CLOSURE, OutcomeDomain.SUBSTANCES)
    assert closure.higher_is_better is False
    assert (closure.total.n, closure.total.baseline, closure.total.later, closure.total.change) == (
        1,
        3.0,
        2.0,
        -1.0,
    )
    follow_up = row(rep, FOLLOW_UP, OutcomeDomain.SUBSTANCES)
    assert (follow_up.total.n, follow_up.total.change) == (1, -1.5)


def test_guardian_rows_appear_only_when_guardians_answered(programme, scales):
    school, _substances = scales
    youth, match = youth_with_match(programme, started_on=date(2024, 1, 1))
    submitted_score(youth, school, moment=Moment.BASELINE, value=2.0, submitted_on=date(2024, 1, 1))
    submitted_score(
        youth, school, moment=Moment.DURING, months=12, match=match, value=4.0, submitted_on=date(2025, 1, 2)
    )
    assert {r.respondent for r in report(programme).changes} == {Respondent.YOUTH}

    guardian = f.GuardianFactory(organisation=programme.organisation)
    kwargs = {"respondent": Respondent.GUARDIAN, "guardian": guardian}
    submitted_score(youth, school, moment=Moment.BASELINE, value=3.0, submitted_on=date(2024, 1, 1), **kwargs)
    submitted_score(
        youth,
        school,
        moment=Moment.DURING,
        months=12,
        match=match,
        value=3.5,
        submitted_on=date(2025, 1, 2),
        **kwargs,
    )

    rep = report(programme)
    assert row(rep, DURING_12, OutcomeDomain.SCHOOL).total.change == 2.0
    assert row(rep, DURING_12, OutcomeDomain.SCHOOL, Respondent.GUARDIAN).total.change == 0.5


def test_split_by_match_length_boundaries__OUT_3(programme, scales):
    school, _substances = scales
    start = date(2024, 1, 15)
    # Closed matches: 15 Jan to 12 Jul is 5 months and 27 days (5.9); to 15 Jul 6.0; to 15 Jan
    # 2025 12.0; to 18 Jan 2025 12.1. Each youth improves by a different amount, so the cells
    # can be told apart: 1, 2, 3 and 4 points.
    for ended_on, gain in [
        (date(2024, 7, 12), 1.0),
        (date(2025, 2, 10), 4.0),  # 12 months and 26 days (the day of the month is earlier): over 12
        (date(2024, 7, 15), 2.0),
        (date(2025, 1, 15), 3.0),
        (date(2025, 1, 18), 4.0),
    ]:
        youth, match = youth_with_match(programme, started_on=start, ended_on=ended_on)
        submitted_score(youth, school, moment=Moment.BASELINE, value=1.0, submitted_on=date(2024, 1, 10))
        submitted_score(
            youth, school, moment=Moment.CLOSURE, match=match, value=1.0 + gain, submitted_on=date(2025, 2, 1)
        )

    closure = row(report(programme), CLOSURE, OutcomeDomain.SCHOOL)

    assert closure.total.n == 5
    assert closure.total.change == 2.8  # (1 + 2 + 3 + 4 + 4) / 5
    assert (closure.by_length[UNDER_6].n, closure.by_length[UNDER_6].change) == (1, 1.0)
    # 6.0 and 12.0 are both "6 to 12 months": (2 + 3) / 2.
    assert (closure.by_length[SIX_TO_12].n, closure.by_length[SIX_TO_12].change) == (2, 2.5)
    assert (closure.by_length[OVER_12].n, closure.by_length[OVER_12].change) == (2, 4.0)


def test_a_running_match_is_measured_to_the_later_score__OUT_3(programme, scales):
    school, _substances = scales
    # Started 1 March 2024: measured on 1 March 2025 (12.0 months) and on 5 March 2025 (12.1).
    # A match that ends after the period also counts to its later score.
    cases = [(date(2025, 3, 1), None), (date(2025, 3, 5), None), (date(2025, 3, 1), date(2026, 6, 1))]
    for submitted_on, ended_on in cases:
        youth, match = youth_with_match(programme, started_on=date(2024, 3, 1), ended_on=ended_on)
        submitted_score(youth, school, moment=Moment.BASELINE, value=2.0, submitted_on=date(2024, 2, 1))
        submitted_score(
            youth, school, moment=Moment.DURING, months=12, match=match, value=3.0, submitted_on=submitted_on
        )

    during = row(report(programme), DURING_12, OutcomeDomain.SCHOOL)

    assert during.by_length[SIX_TO_12].n == 2
    assert during.by_length[OVER_12].n == 1
    assert during.by_length[UNDER_6].n == 0


def _pairs(
    programme,
    subscale,
    count,
    *,
    moment=Moment.CLOSURE,
    started_on=date(2024, 1, 1),
    ended_on=date(2024, 12, 1),
):
    for _ in range(count):
        youth, match = youth_with_match(programme, started_on=started_on, ended_on=ended_on)
        submitted_score(youth, subscale, moment=Moment.BASELINE, value=2.0, submitted_on=date(2023, 12, 1))
        submitted_score(
            youth, subscale, moment=moment, match=match, value=3.0, submitted_on=date(2025, 1, 15)
        )


def test_a_change_about_fewer_than_the_minimum_is_suppressed(programme, scales):
    school, substances = scales
    _pairs(programme, school, 4)  # min - 1
    _pairs(programme, substances, 5)  # min

    rep = report(programme, min_group=5)

    hidden = row(rep, CLOSURE, OutcomeDomain.SCHOOL).total
    assert (hidden.n, hidden.baseline, hidden.later, hidden.change) == (SUPPRESSED,) * 4
    shown = row(rep, CLOSURE, OutcomeDomain.SUBSTANCES).total
    assert (shown.n, shown.baseline, shown.later, shown.change) == (5, 2.0, 3.0, 1.0)


def test_the_split_hides_a_second_cell_so_the_total_cannot_reveal_the_first__OUT_3(programme, scales):
    school, _substances = scales
    _pairs(programme, school, 2, ended_on=date(2024, 3, 1))  # 2 months: under 6
    _pairs(programme, school, 6, ended_on=date(2024, 9, 1))  # 8 months: 6-12
    _pairs(programme, school, 9, started_on=date(2023, 1, 1))  # 23 months: over 12

    closure = row(report(programme, min_group=5), CLOSURE, OutcomeDomain.SCHOOL)

    assert closure.total.n == 17
    assert closure.by_length[UNDER_6].n is SUPPRESSED  # 2 < 5
    assert closure.by_length[SIX_TO_12].n is SUPPRESSED  # hidden with it: 17 - 9 would give 8 = 2 + 6
    assert closure.by_length[SIX_TO_12].change is SUPPRESSED
    assert (closure.by_length[OVER_12].n, closure.by_length[OVER_12].change) == (9, 1.0)


def test_relationship_quality_from_both_sides__OUT_4(programme):
    instrument = InstrumentFactory(kind=InstrumentKind.RELATIONSHIP)
    trust = SubscaleFactory(instrument=instrument, key="trust", domain=OutcomeDomain.TRUST)
    youth_a, match_a = youth_with_match(programme, started_on=date(2024, 10, 1))
    youth_b, match_b = youth_with_match(programme, started_on=date(2024, 10, 1))
    mentor = f.MentorFactory(programme=programme)
    for youth, match, value in [(youth_a, match_a, 4.0), (youth_b, match_b, 3.0)]:
        submitted_score(
            youth,
            trust,
            moment=Moment.DURING,
            months=3,
            match=match,
            value=value,
            submitted_on=date(2025, 1, 1),
        )
    # The mentor answers a questionnaire of their own about the same aspect, as Koppel's do.
    mentor_instrument = InstrumentFactory(kind=InstrumentKind.RELATIONSHIP, respondents=["mentor"])
    mentor_trust = SubscaleFactory(instrument=mentor_instrument, key="trust", domain=OutcomeDomain.TRUST)
    submitted_score(
        youth_a,
        mentor_trust,
        moment=Moment.DURING,
        months=3,
        match=match_a,
        value=5.0,
        submitted_on=date(2025, 1, 1),
        respondent=Respondent.MENTOR,
        mentor=mentor,
    )

    rep = report(programme, min_group=2)

    # One row per side, each on its own questionnaire: nothing to tell apart, so no scale named.
    (youth_side,) = [r for r in rep.relationship if r.domain == "trust" and r.respondent == "youth"]
    (mentor_side,) = [r for r in rep.relationship if r.domain == "trust" and r.respondent == "mentor"]
    assert youth_side.scale_label == mentor_side.scale_label == ""
    assert youth_side.cells[3] == (2, 3.5)  # (4 + 3) / 2
    assert youth_side.cells[6] == (0, None)
    assert mentor_side.cells[3] == (SUPPRESSED, SUPPRESSED)  # one youth, minimum 2


SURVIVAL_END = date(2025, 12, 1)


def _closed(programme, started_on, ended_on, *, early=None):
    _youth, match = youth_with_match(programme, started_on=started_on, ended_on=ended_on)
    if early is not None:
        Closure.objects.create(
            match=match,
            kind="early" if early else "planned",
            reason="no_click" if early else "duration_reached",
            ended_by="youth" if early else "",
            ends_on=ended_on,
            early=early,
            contact_after="none",
        )
    return match


def survival_matches(programme):
    """The ten matches of tests/reports/test_survival.py, censored at 1 December 2025."""
    _closed(programme, date(2025, 1, 1), date(2025, 3, 1), early=True)  # 2 months, ended early
    _closed(programme, date(2025, 1, 1), date(2025, 4, 1), early=True)  # 3, early
    _closed(programme, date(2025, 2, 1), date(2025, 5, 1), early=False)  # 3, planned
    _closed(programme, date(2025, 9, 1), date(2025, 12, 20))  # ends after the period: censored at 3
    youth_with_match(programme, started_on=date(2025, 7, 1))  # running: censored at 5
    _closed(programme, date(2024, 1, 1), date(2024, 7, 1))  # 6, no closure record
    _closed(programme, date(2024, 1, 1), date(2024, 9, 1))  # 8
    youth_with_match(programme, started_on=date(2025, 4, 1))  # running: censored at 8
    _closed(programme, date(2023, 1, 1), date(2023, 11, 1))  # 10
    youth_with_match(programme, started_on=date(2024, 12, 1))  # running: censored at 12
    # Not counted: started after the period; never started; another programme.
    youth_with_match(programme, started_on=date(2025, 12, 15))
    f.MatchFactory(youth=f.YouthFactory(programme=programme), state=MatchState.PROPOSED)
    youth_with_match(f.ProgrammeFactory(), started_on=date(2025, 1, 1))


def test_match_survival_with_running_matches_censored(programme):
    survival_matches(programme)

    s = report(programme, min_group=2, end=SURVIVAL_END).survival

    # Kaplan-Meier S: 2 -> 0.9, 3 -> 0.7, 6 -> 0.56, 8 -> 0.42, 10 -> 0.21 (test_survival.py). With
    # a minimum of 2 the shown curve steps at 3 (3 endings, S 0.7) and 8 (2 endings, S 0.42); the
    # single ending at 10 is not shown (test_survival.py, pooled_curve).
    assert s.shown
    assert (s.matches, s.ended, s.ended_early, s.running) == (10, 6, 2, 4)
    assert s.censored_on == SURVIVAL_END
    assert [(c.first_month, c.months, c.at_risk, c.ended) for c in s.curve] == [(1, 3, 10, 3), (4, 8, 6, 2)]
    assert [(x, round(y, 2)) for x, y in s.points()] == [(0.0, 1.0), (3.0, 0.7), (8.0, 0.42)]
    by_months = {c.months: (c.at_risk, c.share) for c in s.checkpoints}
    # Followed at least 3 months: 9; at least 6: 5; 12: 1 (< 2); 18 and 24: nobody. At 3 months the
    # curve's step gives the share exactly; at 6 the single ending at 6 is in no step yet, so the
    # share (0.56) would show it: hidden.
    assert by_months == {
        3: (9, 70.0),
        6: (5, SUPPRESSED),
        12: (SUPPRESSED, SUPPRESSED),
        18: (0, None),
        24: (0, None),
    }


def test_the_survival_tables_show_no_single_ending(programme):
    survival_matches(programme)

    outcomes = report(programme, min_group=2, end=SURVIVAL_END)
    tables = {t.key: t for t in outcomes.tables()}

    assert tables["survival_steps"].rows == [[1, 3, 10, 3, 70.0], [4, 8, 6, 2, 42.0]]
    assert all(row[3] >= 2 for row in tables["survival_steps"].rows)
    assert tables["survival"].rows[:2] == [[3, 9, 70.0], [6, 5, SUPPRESSED]]
    assert tables["survival"].meta["points"] == outcomes.survival.points()


def test_a_share_the_curve_does_not_give_exactly_is_hidden(programme):
    survival_matches(programme)

    s = report(programme, min_group=4, end=SURVIVAL_END).survival

    # Minimum 4: one step at 6 (4 endings, S 0.56); the curve ends there (test_survival.py). At 3
    # months three had ended, in no step yet: hidden (not 100%). At 6 the step's share; at 12 one
    # is followed (hidden).
    assert [(c.months, c.share) for c in s.curve] == [(6, pytest.approx(0.56))]
    by_months = {c.months: (c.at_risk, c.share) for c in s.checkpoints}
    assert by_months[3] == (9, SUPPRESSED)
    assert by_months[6] == (5, 56.0)
    assert by_months[12] == (SUPPRESSED, SUPPRESSED)


def test_survival_of_a_group_smaller_than_the_minimum_is_not_shown(programme):
    survival_matches(programme)

    s = report(programme, min_group=11, end=SURVIVAL_END).survival

    assert not s.shown
    assert s.matches is SUPPRESSED
    assert s.points() == []
    assert s.curve == []
    assert s.checkpoints == []


def test_a_coordinator_filter_keeps_their_caseload(programme, scales):
    school, _substances = scales
    coordinator = f.CoordinatorFactory(programme=programme).user
    for mine in (True, False):
        youth, match = youth_with_match(
            programme, started_on=date(2024, 1, 1), coordinator=coordinator if mine else None
        )
        submitted_score(youth, school, moment=Moment.BASELINE, value=1.0, submitted_on=date(2024, 1, 1))
        submitted_score(
            youth,
            school,
            moment=Moment.DURING,
            months=12,
            match=match,
            value=2.0,
            submitted_on=date(2025, 1, 2),
        )

    rep = report(programme, coordinator_id=coordinator.pk)

    assert row(rep, DURING_12, OutcomeDomain.SCHOOL).total.n == 1
    assert rep.survival.matches == 1


def test_tables_carry_every_figure_with_suppression(programme, scales):
    school, _substances = scales
    _pairs(programme, school, 3)

    tables = {t.key: t for t in report(programme, min_group=5).tables()}

    assert set(tables) == {
        "change_during_12",
        "change_closure",
        "change_follow_up",
        "change_by_length_during_12",
        "change_by_length_closure",
        "change_by_length_follow_up",
        "relationship",
        "survival",
        "survival_steps",
    }
    closure = tables["change_closure"]
    assert closure.meta["min_group"] == 5
    school_line = closure.rows[0]
    assert school_line[3:] == [SUPPRESSED] * 4
    assert all(len(r) == len(t.columns) for t in tables.values() for r in t.rows)


def test_the_report_runs_a_constant_number_of_queries(programme, scales, django_assert_max_num_queries):
    school, _substances = scales
    _pairs(programme, school, 3)
    survival_matches(programme)
    with django_assert_max_num_queries(4):
        report(programme).tables()


def test_a_domain_measured_with_two_instruments_is_never_averaged_together__OUT_1(programme, scales):
    school, _substances = scales
    # A programme's licensed instrument measures school on 0-10, lower meaning better (a problem scale).
    licensed = InstrumentFactory(
        kind=InstrumentKind.OUTCOMES, key="licensed-school", name_en="Licensed", respondents=["youth"]
    )
    problems = SubscaleFactory(
        instrument=licensed,
        key="school-problems",
        name_en="School problems",
        domain=OutcomeDomain.SCHOOL,
        higher_is_better=False,
    )
    for subscale, baseline, later in [(school, 2.0, 3.0), (school, 3.0, 4.0), (problems, 8.0, 5.0)]:
        youth, match = youth_with_match(programme, started_on=date(2024, 1, 1))
        submitted_score(
            youth, subscale, moment=Moment.BASELINE, value=baseline, submitted_on=date(2023, 12, 1)
        )
        submitted_score(
            youth, subscale, moment=Moment.CLOSURE, match=match, value=later, submitted_on=date(2025, 6, 1)
        )

    with translation.override("en"):
        rep = report(programme)
        school_rows = [
            r for r in rep.changes if r.moment == CLOSURE and r.domain == "school" and r.respondent == "youth"
        ]
        labels = [r.domain_label for r in school_rows]

    # One row per scale, in the order of the instrument keys (Koppel's own would come first): 8 -> 5
    # on the licensed one, (2 + 3) / 2 -> (3 + 4) / 2 on the other.
    assert [(r.total.n, r.total.baseline, r.total.later, r.total.change) for r in school_rows] == [
        (1, 8.0, 5.0, -3.0),
        (2, 2.5, 3.5, 1.0),
    ]
    assert [r.higher_is_better for r in school_rows] == [False, True]
    assert labels == [
        "School attendance and attitude to school: School problems (Licensed)",
        f"School attendance and attitude to school: Trust ({school.instrument.name_en})",
    ]
    # Domains measured with one scale keep their plain label.
    assert [r.domain_label for r in rep.changes if r.moment == CLOSURE and r.domain == "substances"] == [
        "Alcohol and drug use"
    ]
