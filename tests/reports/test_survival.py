"""Kaplan-Meier survival of matches, with hand-computed values (no database)."""

from datetime import date

import pytest

from koppel.reports.domain.survival import (
    at_risk_at,
    ended_by,
    kaplan_meier,
    months_between,
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


def test_at_risk_and_ended_by_a_time():
    # Followed at least 6 months: 6, 8, 8, 10, 12 -> 5. Ended by 6 months: 2, 3, 3, 6 -> 4.
    assert at_risk_at(DURATIONS, 6) == 5
    assert ended_by(DURATIONS, EVENTS, 6) == 4
    assert at_risk_at(DURATIONS, 13) == 0


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
