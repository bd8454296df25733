"""Kaplan-Meier survival of matches, with hand-computed values (no database)."""

from datetime import date

import pytest

from koppel.reports.domain.survival import (
    CurveStep,
    at_risk_at,
    kaplan_meier,
    months_between,
    pooled_curve,
    survival_at,
    whole_months,
)

# Ten matches (months, ended?). Ties at 3 (two endings and one still running) and at 8 (one
# ending, one running); the running ones are censored.
DURATIONS = [2, 3, 3, 3, 5, 6, 8, 8, 10, 12]
EVENTS = [True, True, True, False, False, True, True, False, True, False]


def test_kaplan_meier_with_censoring_and_ties():
    steps = kaplan_meier(DURATIONS, EVENTS)
    # time  at risk  ended  censored  S(t)
    #  2      10       1       0      1 * (1 - 1/10)   = 0.9
    #  3       9       2       1      0.9 * (1 - 2/9)  = 0.7   (the censored one is at risk at 3)
    #  5       6       0       1      0.7              (censoring alone keeps the share)
    #  6       5       1       0      0.7 * (1 - 1/5)  = 0.56
    #  8       4       1       1      0.56 * (1 - 1/4) = 0.42
    # 10       2       1       0      0.42 * (1 - 1/2) = 0.21
    # 12       1       0       1      0.21
    assert [(s.time, s.at_risk, s.events, s.censored) for s in steps] == [
        (2, 10, 1, 0),
        (3, 9, 2, 1),
        (5, 6, 0, 1),
        (6, 5, 1, 0),
        (8, 4, 1, 1),
        (10, 2, 1, 0),
        (12, 1, 0, 1),
    ]
    assert [s.survival for s in steps] == pytest.approx([0.9, 0.7, 0.7, 0.56, 0.42, 0.21, 0.21])


def test_survival_at_reads_the_last_step_at_or_before_the_time():
    steps = kaplan_meier(DURATIONS, EVENTS)
    assert survival_at(steps, 0) == 1.0
    assert survival_at(steps, 1.99) == 1.0
    assert survival_at(steps, 2) == pytest.approx(0.9)
    assert survival_at(steps, 4) == pytest.approx(0.7)
    assert survival_at(steps, 6) == pytest.approx(0.56)
    assert survival_at(steps, 24) == pytest.approx(0.21)


def test_at_risk_at_a_time():
    # Followed at least 6 months: 6, 8, 8, 10, 12 -> 5.
    assert at_risk_at(DURATIONS, 6) == 5
    assert at_risk_at(DURATIONS, 13) == 0


def test_the_shown_curve_moves_only_after_the_minimum_of_endings():
    steps = kaplan_meier(DURATIONS, EVENTS)
    # Minimum 2, per whole month (followed at its start; endings in it):
    #   month 1: 10; 0   month 2: 10; 1 (the t=2 ending)   month 3: 9; 2 -> 3 pending >= 2: a step
    #   at the end of month 3 with S(3) = 0.7, followed at the start of month 1: 10.
    #   month 4: 6; 0   month 5: 6; 0   month 6: 5; 1   month 7: 4; 0   month 8: 4; 1 -> 2: a step
    #   at 8 with S(8) = 0.42, followed at the start of month 4: 6.
    #   month 9: 2; 0   month 10: 2; 1 (pending)   month 11: 1 followed (< 2): stop. One ending is
    #   still pending, so the curve ends at 8 and the drop to 0.21 at 10 is not shown.
    curve = pooled_curve(steps, 2)
    assert [(c.first_month, c.months, c.at_risk, c.ended) for c in curve] == [(1, 3, 10, 3), (4, 8, 6, 2)]
    assert [c.share for c in curve] == pytest.approx([0.7, 0.42])
    # With a minimum of 1 every ending shows, per month: 2 -> 0.9, 3 -> 0.7, 6 -> 0.56, 8 -> 0.42,
    # 10 -> 0.21; month 11 starts with 1 followed and month 12's censoring adds nothing.
    one = pooled_curve(steps, 1)
    assert [(c.first_month, c.months, c.ended) for c in one] == [
        (1, 2, 1),
        (3, 3, 2),
        (4, 6, 1),
        (7, 8, 1),
        (9, 10, 1),
        (11, 12, 0),
    ]
    assert [c.share for c in one] == pytest.approx([0.9, 0.7, 0.56, 0.42, 0.21, 0.21])
    # A minimum of 4: 3 endings by month 3, 4 by month 6 -> one step at 6 (S = 0.56); then one in
    # month 8, and month 9 starts with 2 followed (< 4): the curve ends at 6.
    assert pooled_curve(steps, 4) == [CurveStep(1, 6, 10, 4, pytest.approx(0.56))]


def test_no_step_without_enough_endings_and_a_flat_curve_without_any():
    # One ending among five: never shown. No ending at all: flat at 100% while enough are followed.
    assert pooled_curve(kaplan_meier([0.0, 1.5, 2.0, 3.0, 4.0], [True] + [False] * 4), 2) == []
    flat = pooled_curve(kaplan_meier([1.5, 2.5, 4.0], [False] * 3), 2)
    assert flat == [CurveStep(1, 3, 3, 0, 1.0)]  # month 3 starts with 2 followed, month 4 with 1
    # A match that ended on its first day counts in month 1.
    assert pooled_curve(kaplan_meier([0.0, 0.0, 5.0], [True, True, False]), 2) == [
        CurveStep(1, 1, 3, 2, pytest.approx(1 / 3))
    ]
    # Nobody followed a whole month yet.
    assert pooled_curve(kaplan_meier([0.0] * 5, [False] * 5), 5) == []


def test_no_endings_keeps_everyone():
    steps = kaplan_meier([1.5, 4.0], [False, False])
    assert [s.survival for s in steps] == [1.0, 1.0]
    assert kaplan_meier([], []) == []


def test_everyone_ending_reaches_zero():
    # 2 at risk, 1 ends at 1 -> 0.5; 1 at risk, 1 ends at 2 -> 0.
    assert [s.survival for s in kaplan_meier([1, 2], [True, True])] == [0.5, 0.0]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError, match="negative"):
        kaplan_meier([-1], [True])


def test_months_between_uses_calendar_months_then_average_days():
    start = date(2025, 1, 15)
    # 15 June + 29 days = 14 July: 5 + 29 / 30.4375.
    assert months_between(start, date(2025, 7, 14)) == pytest.approx(5 + 29 / 30.4375)
    assert months_between(start, date(2025, 7, 15)) == 6.0
    assert months_between(start, date(2026, 1, 15)) == 12.0
    assert months_between(start, date(2026, 1, 18)) == pytest.approx(12 + 3 / 30.4375)
    assert whole_months(start, date(2025, 7, 14)) == 5
    assert whole_months(start, date(2025, 7, 15)) == 6
    # 31 January to 1 March 2025: one whole month (to 28 February, clamped) and 1 day.
    assert months_between(date(2025, 1, 31), date(2025, 3, 1)) == pytest.approx(1 + 1 / 30.4375)
