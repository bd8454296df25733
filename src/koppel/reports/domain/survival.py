"""Match survival: the Kaplan-Meier estimate of the share of matches still running after t months.

Pure Python (no Django), so it can be tested with hand-computed numbers and reused by any report.

The estimate handles matches that are still running: such a match is *censored* at the report's
end date. It counts as "at risk" for every time up to its censoring time and then drops out without
counting as an ending. At each time t where at least one match ended,

    S(t) = S(previous) * (1 - ended at t / at risk just before t),

where "at risk just before t" is every match whose duration is at least t. A match censored at the
same time as an ending is still at risk at that time (the usual convention: the ending comes first).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from koppel.common.dates import add_months  # plain date arithmetic, no Django

# The average month (365.25 / 12 days), for the fraction after the whole calendar months.
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class KMStep:
    """One distinct time on the curve: how many were at risk just before it, how many ended and
    how many were censored at it, and the estimated share still running just after it."""

    time: float
    at_risk: int
    events: int
    censored: int
    survival: float


def kaplan_meier(durations: list[float], events: list[bool]) -> list[KMStep]:
    """The Kaplan-Meier steps of `durations` (months), where `events[i]` is True when match i ended
    and False when it was still running (censored). One step per distinct time, in time order;
    a time with only censored matches keeps the previous share."""
    if len(durations) != len(events):
        raise ValueError("durations and events must have the same length")
    if any(d < 0 for d in durations):
        raise ValueError("a duration cannot be negative")
    counts: dict[float, list[int]] = {}
    for duration, is_event in zip(durations, events, strict=True):
        cell = counts.setdefault(float(duration), [0, 0])
        cell[0 if is_event else 1] += 1
    at_risk = len(durations)
    survival = 1.0
    steps = []
    for time in sorted(counts):
        ended, censored = counts[time]
        if ended:
            survival *= 1 - ended / at_risk
        steps.append(KMStep(time=time, at_risk=at_risk, events=ended, censored=censored, survival=survival))
        at_risk -= ended + censored
    return steps


@dataclass(frozen=True)
class CurveStep:
    """One step of the curve as reports show it: the stretch from the previous step (or the start)
    to the end of whole month `months`, how many matches were followed at its start, how many ended
    in it, and the share still active at its end (Kaplan-Meier)."""

    first_month: int
    months: int
    at_risk: int
    ended: int
    share: float


def pooled_curve(steps: list[KMStep], minimum: int) -> list[CurveStep]:
    """The Kaplan-Meier curve of `steps` as a report may show it (small-group suppression): per whole
    month, moving only once at least `minimum` matches have ended since its previous step, so no
    ending of fewer matches (and never a single one) can be read from a drop. It stops before the
    first month that starts with fewer than `minimum` matches followed; endings still pending then
    are not shown, so the curve ends at its last step, and with none pending it runs on flat (no
    match ended) to the last month followed by enough."""
    rows: list[CurveStep] = []
    if not steps:
        return rows
    pending = 0
    first_month = start_risk = 0
    stretch_open = False
    last_month = 0
    for month in range(1, math.ceil(steps[-1].time) + 1):
        # The month's steps and those after it (month 1 includes a match that ended on its first day).
        later = [step for step in steps if step.time > month - 1 or month == 1]
        at_risk = later[0].at_risk if later else 0
        if at_risk < minimum:
            break
        last_month = month
        if not stretch_open:
            first_month, start_risk, stretch_open = month, at_risk, True
        pending += sum(step.events for step in later if step.time <= month)
        if pending >= minimum:
            rows.append(CurveStep(first_month, month, start_risk, pending, survival_at(steps, month)))
            pending, stretch_open = 0, False
    if stretch_open and pending == 0:
        rows.append(CurveStep(first_month, last_month, start_risk, 0, rows[-1].share if rows else 1.0))
    return rows


def survival_at(steps: list[KMStep], time: float) -> float:
    """The estimated share still running at `time`: the share after the last step at or before
    `time` (1.0 before the first step)."""
    share = 1.0
    for step in steps:
        if step.time > time:
            break
        share = step.survival
    return share


def at_risk_at(durations: list[float], time: float) -> int:
    """How many matches were followed for at least `time` months (ended or still running)."""
    return sum(1 for d in durations if d >= time)


def whole_months(start: date, end: date) -> int:
    """Calendar months completed from `start` to `end`: 15 January to 14 July is 5, to 15 July 6.
    The outcomes report's OUT-3 split in SQL (outcomes._DateKey) agrees with it."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months - 1 if end.day < start.day else months


def months_between(start: date, end: date) -> float:
    """The length from `start` to `end` in months: whole calendar months plus the days after them
    divided by the average month (30.4375 days). So exactly six calendar months is 6.0, a day less
    is just under 6, a day more just over. The one definition of a match's length in months: the
    survival curve (OUT-3) and the dashboard's mean and median length of ended matches (CLS-1)."""
    whole = whole_months(start, end)
    rest = (end - add_months(start, whole)).days
    return whole + rest / DAYS_PER_MONTH
