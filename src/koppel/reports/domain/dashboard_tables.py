"""The programme dashboard's tables: how its figures (dashboard.py, which calls each rule's owner
for them) are laid out for the page, its charts and the exports (CSV, XLSX, PDF): titles, columns,
the rows of plain values, and the note under each table that says how a figure was counted.
Presentation only: nothing here reads the database or computes a figure."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from koppel.matches.domain.counts import ACTIVE_DEFINITION, PREPARING_DEFINITION
from koppel.reports.domain.dashboard import DashboardReport, PoolRow, Share, SurveyRow
from koppel.reports.domain.suppression import MATCHES, MENTORS, YOUTH
from koppel.reports.domain.tables import SUPPRESSED, Table


def _count_or_suppressed(n: int, min_group: int) -> Any:
    """A count of youth in a small group (a cultural background) is hidden below the minimum."""
    return SUPPRESSED if 0 < n < min_group else n


def _month_label(month: date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def dashboard_tables(r: DashboardReport) -> list[Table]:
    """The dashboard's tables, in page order: each figure with its label, columns and the note that
    says how it was counted (the rule ID in `rule`)."""
    meta = {"min_group": r.min_group}
    suppressed_note = _("Shares about fewer than %(n)s matches or people are not shown.") % {"n": r.min_group}
    small_youth_note = _("Numbers of youth below %(n)s are not shown.") % {"n": r.min_group}
    reached = r.reached_duration or Share(0, 0, r.min_group, group=MATCHES)
    trn1 = r.trn1 or Share(0, 0, r.min_group, group=MENTORS)
    # (label, value, what a hidden value's group counts: suppression.group_of)
    overview = [
        (_("Active matches at the end of the period"), r.active_matches, MATCHES),
        (_("Matches in preparation now"), r.matches_in_preparation, MATCHES),
        (_("Matches made in the period"), r.matches_made, MATCHES),
        (_("Youth waiting for a mentor now"), r.youth_waiting, YOUTH),
        (_("Median waiting time (days)"), r.waiting_median_days, YOUTH),
        (_("Longest waiting time (days)"), r.waiting_longest_days, YOUTH),
        (_("Matches that ended in the period"), r.matches_ended, MATCHES),
        (_("Average length of those matches (months)"), r.length_mean_months, MATCHES),
        (_("Median length of those matches (months)"), r.length_median_months, MATCHES),
        (_("Reached the agreed duration (%)"), reached.percent, MATCHES),
        (_("Ended early"), r.early_closures, MATCHES),
        (_("Mentors ready to match now"), r.mentors_available, MENTORS),
    ]
    tables = [
        Table(
            key="overview",
            title=_("Matches and waiting list"),
            columns=[_("Figure"), _("Value")],
            rows=[[label, value] for label, value, _group in overview],
            note=f"{ACTIVE_DEFINITION} {PREPARING_DEFINITION} "
            + _("Length in calendar months, the days after the last whole month as a fraction of a month.")
            + " "
            + suppressed_note,
            rule="CLS-1",
            meta={**meta, "group": MATCHES, "row_groups": [group for _label, _value, group in overview]},
        ),
        Table(
            key="waiting",
            title=_("How long youth have been waiting"),
            columns=[_("Waiting"), _("Youth")],
            rows=[[label, n] for label, n in r.waiting_buckets],
            note=_("Days since the youth was put on the waiting list, for the youth waiting today."),
            meta={**meta, "group": YOUTH},
        ),
        Table(
            key="closure_reasons",
            title=_("Why matches ended"),
            columns=[_("Reason"), _("Matches"), _("Of which early")],
            rows=[[row.label, row.total, row.early] for row in r.closure_reasons],
            note=_("Matches that ended in the period, by the reason recorded at closure.")
            + " "
            + _(
                "A number below %(n)s is not shown, nor another that would give it away (the early "
                "ones of a reason, when the planned ones are too few)."
            )
            % {"n": r.min_group},
            rule="CLS-1",
            meta={**meta, "group": MATCHES},
        ),
        Table(
            key="meetings",
            title=_("Meeting frequency per month"),
            columns=[
                pgettext("calendar", "Month"),
                _("Matches active all month"),
                _("Met often enough"),
                _("Share (%)"),
            ],
            rows=[
                [_month_label(m.month), m.share.whole, m.share.shown_part, m.share.percent]
                for m in r.meetings
            ],
            note=_(
                "Of the matches active and not paused for the whole month, the share that logged at least "
                "as many meetings as the month has meeting intervals (4 a month when meeting weekly). "
                "Holiday periods are not taken out."
            )
            + " "
            + suppressed_note,
            rule="REL-1",
            meta={**meta, "group": MATCHES, "months": [m.month for m in r.meetings]},
        ),
        Table(
            key="support",
            title=_("Support contacts on schedule"),
            columns=[
                _("At the end of"),
                _("Matches"),
                _("Mentor contacts on schedule (%)"),
                _("Matches with parents to support"),
                _("Parent contacts on schedule (%)"),
            ],
            rows=[
                [_month_label(p.day), p.mentor.whole, p.mentor.percent, p.guardian.whole, p.guardian.percent]
                for p in r.support
            ],
            note=_(
                "At the end of every third month: the share of active, unpaused matches with no support "
                "contact overdue that day by the schedule (twice a month in the first months, then monthly, "
                "after the first year every three months, as the programme set it): the latest contact falls "
                "in the window of the last planned date, which opens half an interval before it. The "
                "worklist counts the same way."
            )
            + " "
            + suppressed_note,
            rule="SUP-1",
            meta={**meta, "group": MATCHES, "months": [p.day for p in r.support]},
        ),
        Table(
            key="training",
            title=_("Training"),
            columns=[_("Measure"), _("Mentors"), _("With enough hours"), _("Share (%)")],
            rows=[
                [
                    _("Before matching (mentors ready or matched now)"),
                    trn1.whole,
                    trn1.shown_part,
                    trn1.percent,
                ],
                *[
                    [
                        _("In %(month)s (matched mentors)") % {"month": _month_label(m.month)},
                        m.share.whole,
                        m.share.shown_part,
                        m.share.percent,
                    ]
                    for m in r.trn2
                ],
            ],
            note=_(
                "TRN-1: the programme's training hours before the first match. TRN-2: the programme's "
                "monthly hours, for mentors in a match during the month."
            )
            + " "
            + suppressed_note,
            rule="TRN-1, TRN-2",
            meta={**meta, "group": MENTORS, "months": [m.month for m in r.trn2]},  # the rows after TRN-1
        ),
    ]
    funnel_columns = [
        _("Applied"),
        _("Screened"),
        _("Trained (ready)"),
        pgettext("mentor state", "Matched"),
        _("A full year matched"),
    ]
    tables += [
        Table(
            key="funnel_campaigns",
            title=_("Recruitment per campaign"),
            columns=[_("Campaign"), *funnel_columns],
            rows=[[row.label, *row.steps()] for row in r.funnel_campaigns],
            note=_("Applicants of the period and how far they got so far; a full year needs a year to pass."),
            rule="REC-3",
            meta=meta,
        ),
        Table(
            key="funnel_channels",
            title=_("Recruitment per channel"),
            columns=[_("Channel"), *funnel_columns],
            rows=[[row.label, *row.steps()] for row in r.funnel_channels],
            rule="REC-3",
            meta=meta,
        ),
        *[
            _pool_table(r, key, title, pool, columns=columns, note=small_youth_note)
            for key, title, pool, columns in (
                (
                    "pool_languages",
                    _("Languages: youth waiting and mentors available"),
                    r.pool_languages,
                    [_("Language"), _("Youth who wish it"), _("Mentors who speak it")],
                ),
                (
                    "pool_genders",
                    _("Mentor gender: youth waiting and mentors available"),
                    r.pool_genders,
                    [_("Wish"), _("Youth who wish it"), _("Mentors available")],
                ),
            )
        ],
        Table(
            key="pool_backgrounds",
            title=_("Cultural background: youth waiting and mentors available"),
            columns=[
                _("Background"),
                _("Youth who require it"),
                _("Youth who find it important"),
                _("Mentors available"),
            ],
            rows=[
                [
                    row.label,
                    _count_or_suppressed(row.youth, r.min_group),
                    _count_or_suppressed(row.important, r.min_group),
                    row.mentors,
                ]
                for row in r.pool_backgrounds
            ],
            note=_(
                "Only where the family asked for it. Mentors available: ready to match now. Numbers of youth "
                "below %(n)s are not shown."
            )
            % {"n": r.min_group},
            rule="MAT-5",
            meta={**meta, "group": YOUTH},
        ),
    ]
    tables += _survey_tables(r, meta, suppressed_note)
    return tables


def _pool_table(
    r: DashboardReport, key: str, title: str, pool: list[PoolRow], *, columns: list[str], note: str
) -> Table:
    """A MAT-5 table of the matching pool: per wish, the youth waiting who wish it (hidden below the
    smallest group) and the mentors available who offer it."""
    return Table(
        key=key,
        title=title,
        columns=columns,
        rows=[[row.label, _count_or_suppressed(row.youth, r.min_group), row.mentors] for row in pool],
        note=note,
        rule="MAT-5",
        meta={"min_group": r.min_group, "group": YOUTH},
    )


def _moment_label(row: SurveyRow) -> str:
    if row.months:
        return _("%(moment)s, %(months)s months") % {"moment": row.moment, "months": row.months}
    return row.moment


def _survey_tables(r: DashboardReport, meta: dict, suppressed_note: str) -> list[Table]:
    return [
        Table(
            key="surveys",
            title=_("Surveys due in the period"),
            columns=[
                _("Instrument"),
                _("Moment"),
                _("Respondent"),
                pgettext("survey", "Due"),
                pgettext("survey", "Submitted"),
                _("Response rate (%)"),
                _("Still open"),
            ],
            rows=[
                [
                    row.instrument,
                    _moment_label(row),
                    row.respondent,
                    row.due,
                    row.submitted,
                    row.rate.percent,
                    row.open,
                ]
                for row in r.surveys
            ],
            note=_(
                "Surveys whose due date falls in the period (cancelled ones left out): how many were "
                "submitted and how many can still be answered. Whether surveys came back says nothing "
                "about the answers, so these are shown for groups of any size."
            ),
            rule="OUT-1, OUT-4",
            meta=meta,
        ),
        Table(
            key="relationship_quality",
            title=_("Relationship quality"),
            columns=[
                _("Aspect"),
                _("Mean score from youth"),
                _("Youth"),
                _("Mean score from mentors"),
                _("Youth (mentor answers)"),
            ],
            rows=[
                [row.domain, row.youth_mean, row.youth_n, row.mentor_mean, row.mentor_n]
                for row in r.relationship
            ],
            note=_(
                "Scores submitted in the period, on the instrument's scale. Open extra-support "
                "requests after a low score or a sharp drop: %(n)s. A mean about fewer than %(min)s "
                "youth is not shown."
            )
            % {"n": r.open_alerts, "min": r.min_group},
            rule="OUT-4",
            meta={**meta, "group": YOUTH, "open_alerts": r.open_alerts},
        ),
        Table(
            key="outcome_baselines",
            title=_("Baselines received per outcome domain"),
            columns=[
                _("Outcome domain"),
                pgettext("respondent", "Youth"),
                pgettext("respondent", "Mentor"),
                pgettext("respondent", "Parent or guardian"),
                _("Total"),
            ],
            rows=[[row.domain, row.youth, row.mentor, row.guardian, row.total] for row in r.baselines],
            note=_("Baseline surveys submitted in the period, counted per outcome domain and respondent."),
            rule="OUT-1",
            meta=meta,
        ),
    ]
