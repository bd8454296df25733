"""The programme dashboard: how the programme runs, per programme(s), period and coordinator.

A composition: each practice rule's figure is counted by the rule's owner, the domain module of the
app that owns its data, with the same definition the gates, the worklist and the reminders use
(docs/rules.md): REL-1 by matches/domain/meetings.py (`ran_whole_period_q`, `met_often_enough_q`),
SUP-1 by matches/domain/support.py (`support_on_schedule`), TRN-1 and TRN-2 by
training/domain/ledger.py (`count_with_pre_match_hours`, `count_with_monthly_hours`), the active
and preparing matches by matches/domain/counts.py, REC-3's stages by people/domain/queries/recruitment.py,
and a match's length in months by survival.py (`months_between`). What is left here is the period,
the scope (programmes, coordinator), the small-group suppression and the figures only the dashboard
shows. The tables the page and the exports read are laid out in dashboard_tables.py.

Every figure is counted in the database (conditional aggregates, grouped counts, correlated
subqueries on indexed columns); the only rows that come back one by one are the durations behind
the medians (matches that ended in the period, youth waiting now), the mentors' languages of the
available pool, for SUP-1 the matches open on the quarterly days with their latest contacts, and
for TRN-2 the matched mentors' matches of the months with their hours grouped per mentor and month.
The number of queries is the same whatever the size of the programme.

Definitions a coordinator can check by hand (also in each table's note):

- Active on a day: the match started on or before it and had not ended before it.
- Length of a match that ended (CLS-1): calendar months from start to end, the days after the last
  whole month as a fraction of an average month, as the outcomes report counts it.
- Meeting frequency (REL-1), per calendar month: of the matches active for the whole month and not
  paused, the share that logged at least floor(days in the month / agreed meeting interval)
  meetings (4 a month with the weekly rhythm). Holiday periods (REL-4) are not taken out.
- Support contacts (SUP-1), on the last day of every third month (the last one included): of the
  matches active (and not paused) that day, the share with no contact with the mentor (with the
  parents or guardians) overdue that day, as matches/domain/support.py defines it for the worklist
  (`support_on_schedule`).
- Training: TRN-1, of the mentors ready to match or matched now, the share with the programme's
  pre-match hours before their first match; TRN-2, per month, of the mentors in a match that ran
  during the month, the share who trained the programme's monthly hours in that month.
- Recruitment (REC-3): the applicants of the period (applied in it) per campaign and per channel,
  and how far they got: screened, ready (trained), matched, a full year in a match.
- Pool (MAT-5): the youth waiting now against the mentors ready to match now.
- Surveys (OUT-1, OUT-4): the surveys due in the period (cancelled ones left out) per instrument,
  moment and respondent, how many were submitted and how many can still be answered; the mean
  relationship-quality score per aspect submitted in the period, from youth and from mentors (a
  mean about fewer than `min_group` youth is suppressed); the baselines received in the period per
  outcome domain (counts of surveys, shown as they are); the open extra-support requests (OUT-4).

Small groups (suppression.py, the filter's `min_group`): a share about fewer matches or people is
hidden with the count of its part; means and medians of fewer youth, small waiting-time buckets and
closure reasons (with another cell when a total would give them away), and small numbers of waiting
youth by wish are hidden. Counts of matches, mentors and surveys are shown as they are.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import partial
from typing import Any

from django.db import connection, connections
from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from koppel.common.dates import add_months
from koppel.common.formatting import rounded
from koppel.matches.domain.counts import (
    RAN_STATES,
    active_on,
    in_preparation,
)
from koppel.matches.domain.matched import served_full_year_q
from koppel.matches.domain.meetings import met_often_enough_q, ran_whole_period_q
from koppel.matches.domain.support import support_on_schedule
from koppel.matches.enums import ClosureReason, ContactWith, MatchState
from koppel.matches.models import Closure, Match
from koppel.people.domain.queries.recruitment import (
    FUNNEL_STAGES,
    reached,  # the campaign page's REC-3 rule
)
from koppel.people.enums import (
    Channel,
    Gender,
    GenderWish,
    Importance,
    MentorStatus,
    SpokenLanguage,
    YouthStatus,
)
from koppel.people.models import Mentor, Youth
from koppel.reports.domain.outcomes import Scale, scales_of, scales_per_side
from koppel.reports.domain.period import ReportFilter
from koppel.reports.domain.suppression import (
    MATCHES,
    MENTORS,
    PEOPLE,
    hidden_cells,
    hidden_text,
    suppress,
)
from koppel.reports.domain.survival import months_between
from koppel.reports.domain.tables import SUPPRESSED, Table
from koppel.surveys.domain.alerts import open_alerts
from koppel.surveys.enums import (
    ANSWERABLE,
    OUTCOME_DOMAINS,
    RELATIONSHIP_DOMAINS,
    AssignmentStatus,
    Moment,
    OutcomeDomain,
    Respondent,
)
from koppel.surveys.models import Assignment, Score
from koppel.training.domain.ledger import count_with_monthly_hours, count_with_pre_match_hours
from matchmaker.encode import normalise_name

# The longest series of months on the page (a period of several years shows its last 24 months).
MAX_MONTHS = 24
# Waiting-time buckets in days (MAT: how long youth wait for a mentor).
WAITING_BUCKETS = ((0, 30), (31, 90), (91, 180), (181, 365), (366, None))


# -- small value types ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, and what the page may show of it (a percentage, or SUPPRESSED)."""

    part: int
    whole: int
    min_group: int
    hidden: bool = False  # hidden with another figure that would give it away (suppression rule 2)
    group: str = PEOPLE  # what `whole` counts, for the text of a hidden share (suppression.py)

    @property
    def percent(self) -> Any:
        """The percentage to one decimal (the tables' figure), None for nobody, or SUPPRESSED."""
        return self._percent(1)

    @property
    def whole_percent(self) -> Any:
        """The percentage rounded to a whole number from the exact share (the dashboard's figure:
        rounding `percent` again would turn 12.46 into 13)."""
        return self._percent(0)

    def _percent(self, decimals: int) -> Any:
        if self.whole == 0:
            return None
        if self.hidden or self.whole < self.min_group:
            return SUPPRESSED
        return rounded(100 * self.part / self.whole, decimals)

    @property
    def hidden_text(self) -> str:
        """What the page shows instead of a hidden share: "hidden: fewer than 5 matches"."""
        return hidden_text(self.min_group, self.group)

    @property
    def shown_part(self) -> Any:
        """The part as a table may show it: hidden with the share, which it would give away."""
        return SUPPRESSED if self.percent is SUPPRESSED else self.part


@dataclass(frozen=True)
class MonthShare:
    month: date  # the first day of the month
    share: Share


@dataclass(frozen=True)
class SupportPoint:
    day: date  # the month's last day
    mentor: Share
    guardian: Share


@dataclass(frozen=True)
class ReasonRow:
    reason: str
    label: str
    total: Any  # a count, or SUPPRESSED (suppression rules 1 and 2)
    early: Any


@dataclass(frozen=True)
class FunnelRow:
    label: str
    applied: int
    screened: int
    ready: int
    matched: int
    full_year: int

    def steps(self) -> list[int]:
        return [self.applied, self.screened, self.ready, self.matched, self.full_year]


@dataclass(frozen=True)
class PoolRow:
    label: str
    youth: int  # waiting youth who ask for it (required, for backgrounds)
    mentors: int  # mentors ready to match who offer it
    important: int = 0  # backgrounds only: youth who find it important but do not require it


@dataclass(frozen=True)
class SurveyRow:
    """Surveys of one instrument, moment and respondent due in the period (OUT-1, OUT-4)."""

    instrument: str
    moment: str
    months: int | None
    respondent: str
    due: int
    submitted: int
    open: int
    rate: Share


@dataclass(frozen=True)
class RelationshipRow:
    """OUT-4: the mean score of one aspect of relationship quality, from youth and from mentors.
    A mean is SUPPRESSED when it is about fewer than `min_group` youth."""

    domain: str
    youth_mean: Any
    youth_n: int
    mentor_mean: Any
    mentor_n: int


@dataclass(frozen=True)
class BaselineRow:
    """OUT-1: baseline surveys received in the period for one outcome domain, per respondent."""

    domain: str
    youth: int
    mentor: int
    guardian: int

    @property
    def total(self) -> int:
        return self.youth + self.mentor + self.guardian


@dataclass
class DashboardReport:
    """The dashboard's figures for one filter; `tables()` is what the page, charts and exports read."""

    report_filter: ReportFilter
    today: date
    as_of: date  # the period's end, or today when the period ends later
    active_matches: int = 0
    matches_in_preparation: int = 0  # now, whatever the period
    matches_made: int = 0
    youth_waiting: int = 0
    # Figures about fewer youth than the minimum are SUPPRESSED (suppression.py), hence Any.
    waiting_median_days: Any = None
    waiting_longest_days: Any = None
    waiting_buckets: list[tuple[str, Any]] = field(default_factory=list)
    matches_ended: int = 0
    length_mean_months: Any = None
    length_median_months: Any = None
    reached_duration: Share | None = None
    early_closures: Any = 0
    closure_reasons: list[ReasonRow] = field(default_factory=list)
    meetings: list[MonthShare] = field(default_factory=list)
    support: list[SupportPoint] = field(default_factory=list)
    trn1: Share | None = None
    trn2: list[MonthShare] = field(default_factory=list)
    funnel_campaigns: list[FunnelRow] = field(default_factory=list)
    funnel_channels: list[FunnelRow] = field(default_factory=list)
    funnel_total: FunnelRow | None = None
    pool_languages: list[PoolRow] = field(default_factory=list)
    pool_genders: list[PoolRow] = field(default_factory=list)
    pool_backgrounds: list[PoolRow] = field(default_factory=list)
    mentors_available: int = 0
    surveys: list[SurveyRow] = field(default_factory=list)
    relationship: list[RelationshipRow] = field(default_factory=list)
    baselines: list[BaselineRow] = field(default_factory=list)
    open_alerts: int = 0
    whole_months: list[int] = field(default_factory=list, repr=False)  # REL-1 denominators

    @property
    def min_group(self) -> int:
        return self.report_filter.min_group

    def tables(self) -> list[Table]:
        """What the page, its charts and the exports read (dashboard_tables.py lays them out)."""
        from koppel.reports.domain.dashboard_tables import dashboard_tables

        return dashboard_tables(self)


# -- the periods ----------------------------------------------------------------------------------


def _month_end(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)


def report_months(start: date, end: date, today: date) -> list[date]:
    """The calendar months (their first days) whose last day falls in the period and has passed:
    a month still running would look worse than it is. At most MAX_MONTHS, the latest ones."""
    last_day = min(end, today)
    months = []
    month = start.replace(day=1)
    while month <= last_day:
        if start <= _month_end(month) <= last_day:
            months.append(month)
        month = add_months(month, 1)
    return months[-MAX_MONTHS:]


# -- scopes ---------------------------------------------------------------------------------------


def _matches(f: ReportFilter) -> QuerySet[Match]:
    matches = Match.objects.filter(programme_id__in=f.programme_ids)
    if f.coordinator_id is not None:
        matches = matches.filter(youth__coordinator_id=f.coordinator_id)
    return matches


def _youth(f: ReportFilter) -> QuerySet[Youth]:
    youth = Youth.objects.filter(programme_id__in=f.programme_ids)
    if f.coordinator_id is not None:
        youth = youth.filter(coordinator_id=f.coordinator_id)
    return youth


def _mentors(f: ReportFilter) -> QuerySet[Mentor]:
    mentors = Mentor.objects.filter(programme_id__in=f.programme_ids)
    if f.coordinator_id is not None:
        mentors = mentors.filter(coordinator_id=f.coordinator_id)
    return mentors


# -- the report -----------------------------------------------------------------------------------


def build_dashboard(
    report_filter: ReportFilter, *, today: date, concurrent: bool | None = None
) -> DashboardReport:
    """Every figure of the dashboard for `report_filter` (the programmes of which the caller already
    restricted to what the user may see). Read-only: no side effects. A constant number of queries.

    The sections are independent reads; they run side by side on connections of their own
    (`concurrent`, by default whenever that is safe, see `_can_run_concurrently`), which on two cores
    takes about a third off the time (docs/reports.md, "Speed")."""
    f = report_filter
    report = DashboardReport(report_filter=f, today=today, as_of=min(f.end, today))
    months = report_months(f.start, f.end, today)
    # Each section: figures read one after the other (meeting frequency needs the match figures'
    # denominators); the sections are independent of each other.
    sections: list[list[Callable[[], None]]] = [
        [partial(_match_figures, report, f, months), partial(_meeting_figures, report, f, months)],
        [partial(_training_figures, report, f, months)],
        [partial(_survey_figures, report, f)],
        [partial(_support_figures, report, f, months)],
        [partial(_ended_figures, report, f), partial(_waiting_figures, report, f, today)],
        [partial(_funnel_figures, report, f, today), partial(_pool_figures, report, f)],
    ]
    if concurrent is None:
        concurrent = _can_run_concurrently()
    if not concurrent:
        for section in sections:
            for figures in section:
                figures()
        return report
    language, zone = get_language(), timezone.get_current_timezone()
    with ThreadPoolExecutor(max_workers=SECTION_WORKERS) as pool:
        for done in [pool.submit(_on_own_connection, section, language, zone) for section in sections]:
            done.result()  # raises a section's error here
    return report


# Sections at once: two cores do most of the work (the database's), a third keeps them busy.
SECTION_WORKERS = 3


def _can_run_concurrently() -> bool:
    """Other connections see what this one sees only outside a transaction (a test's, or a
    caller's atomic block, would hide its own rows from them), and never in an in-memory SQLite
    database."""
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)()
    return not connection.in_atomic_block and not in_memory


def _on_own_connection(section: list[Callable[[], None]], language: str | None, zone: tzinfo) -> None:
    """Run one section in a worker thread, in the caller's language and time zone, on the thread's
    own database connection, closed afterwards."""
    try:
        with translation.override(language), timezone.override(zone):
            for figures in section:
                figures()
    finally:
        connections.close_all()


def _match_figures(report: DashboardReport, f: ReportFilter, months: list[date]) -> None:
    """Active at the end, in preparation now, made in the period, and each month's REL-1
    denominator: one query. Active and in preparation as matches/domain/counts.py defines them."""
    counts = _matches(f).aggregate(
        active=Count("id", filter=active_on(report.as_of)),
        preparing=Count("id", filter=in_preparation(report.today)),
        made=Count(
            "id",
            filter=Q(state__in=RAN_STATES, started_on__gte=f.start, started_on__lte=report.as_of),
        ),
        **{
            f"whole{k}": Count("id", filter=ran_whole_period_q(m, _month_end(m)))
            for k, m in enumerate(months)
        },
    )
    report.active_matches = counts["active"]
    report.matches_in_preparation = counts["preparing"]
    report.matches_made = counts["made"]
    report.whole_months = [counts[f"whole{k}"] for k in range(len(months))]


def _ended_figures(report: DashboardReport, f: ReportFilter) -> None:
    """Matches that ended in the period: length (mean, median), reaching the agreed duration, early
    closures and their reasons (CLS-1). Two queries."""
    ended = _matches(f).filter(
        state=MatchState.CLOSED, started_on__isnull=False, ended_on__gte=f.start, ended_on__lte=f.end
    )
    rows = list(ended.values_list("started_on", "ended_on", "closure__early"))
    # Months as the outcomes report and its survival curve count them (survival.months_between).
    lengths = [months_between(s, e) for s, e, _early in rows if s is not None and e is not None]
    report.matches_ended = len(rows)
    if lengths:
        report.length_mean_months = suppress(
            rounded(statistics.fmean(lengths), 1), len(lengths), minimum=f.min_group
        )
        report.length_median_months = suppress(
            rounded(statistics.median(lengths), 1), len(lengths), minimum=f.min_group
        )
    early = sum(1 for _s, _e, is_early in rows if is_early)
    # The early closures and the share that reached the duration give each other away: both are
    # hidden when either group is too small (suppression rule 2).
    hide = any(hidden_cells([early, len(rows) - early], minimum=f.min_group))
    report.early_closures = SUPPRESSED if hide else early
    report.reached_duration = Share(len(rows) - early, len(rows), f.min_group, hidden=hide, group=MATCHES)
    reasons = (
        Closure.objects.filter(match__in=ended)
        .values("reason")
        .annotate(total=Count("id"), early=Count("id", filter=Q(early=True)))
        .order_by("-total", "reason")
    )
    labels = dict(ClosureReason.choices)
    reason_rows = list(reasons)
    # A reason of fewer matches than the minimum is hidden, with another when the total would give
    # it away; within a reason, the early ones when they or the planned ones are too few.
    hidden = hidden_cells([r["total"] for r in reason_rows], minimum=f.min_group)
    report.closure_reasons = [
        ReasonRow(
            r["reason"],
            str(labels.get(r["reason"], r["reason"])),
            SUPPRESSED if hide else r["total"],
            SUPPRESSED
            if hide or any(hidden_cells([r["early"], r["total"] - r["early"]], minimum=f.min_group))
            else r["early"],
        )
        for r, hide in zip(reason_rows, hidden, strict=True)
    ]


def _waiting_figures(report: DashboardReport, f: ReportFilter, today: date) -> None:
    """Youth waiting now and how long (days since `waiting_since`): one query."""
    since = list(_youth(f).filter(status=YouthStatus.WAITING).values_list("waiting_since", flat=True))
    days = sorted((today - s).days for s in since if s is not None)
    report.youth_waiting = len(since)
    if days:
        report.waiting_median_days = suppress(float(statistics.median(days)), len(days), minimum=f.min_group)
        report.waiting_longest_days = suppress(days[-1], len(days), minimum=f.min_group)
    labels, counts = [], []
    for low, high in WAITING_BUCKETS:
        labels.append(
            _("%(low)s-%(high)s days") % {"low": low, "high": high}
            if high is not None
            else _("more than %(days)s days") % {"days": low - 1}
        )
        counts.append(sum(1 for d in days if d >= low and (high is None or d <= high)))
    # Small buckets are hidden, with another when the total waiting would give them away; youth
    # without a date are in no bucket (never shown).
    hidden = hidden_cells(
        [*counts, len(since) - len(days)], minimum=f.min_group, never_shown=frozenset({len(counts)})
    )
    report.waiting_buckets = [
        (label, SUPPRESSED if hide else n) for label, n, hide in zip(labels, counts, hidden, strict=False)
    ]


def _meeting_figures(report: DashboardReport, f: ReportFilter, months: list[date]) -> None:
    """REL-1 per month: of the matches active all month, those that met often enough. One query:
    the count of a month's meetings is only looked up for the matches active all that month."""
    whole = report.whole_months
    if not months:
        return
    counts = (
        _matches(f)
        # Only the matches that ran during the months (a match active all of one month is among
        # them), so the per-month conditions are evaluated for fewer rows.
        .filter(state__in=RAN_STATES, started_on__isnull=False, started_on__lte=_month_end(months[-1]))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=months[0]))
        .aggregate(
            **{
                f"met{k}": Count(
                    "id", filter=ran_whole_period_q(m, _month_end(m)) & met_often_enough_q(m, _month_end(m))
                )
                for k, m in enumerate(months)
            }
        )
    )
    report.meetings = [
        MonthShare(m, Share(counts[f"met{k}"] or 0, whole[k], f.min_group, group=MATCHES))
        for k, m in enumerate(months)
    ]


SUPPORT_EVERY_MONTHS = 3


def _support_figures(report: DashboardReport, f: ReportFilter, months: list[date]) -> None:
    """SUP-1 on the last day of every third month, for mentors and for parents or guardians, as
    matches/domain/support.py defines "on schedule" (`support_on_schedule`: one query)."""
    if not months:
        return
    # Quarterly points (the last month and every third month before it): the schedule moves slowly,
    # and each point costs a look-up per open match.
    days = [_month_end(m) for i, m in enumerate(months) if (len(months) - 1 - i) % SUPPORT_EVERY_MONTHS == 0]
    counts = {(c.day, c.with_whom): c for c in support_on_schedule(_matches(f), days=days)}

    def share(day: date, party: str) -> Share:
        found = counts[day, party]
        return Share(found.on_schedule, found.owed, f.min_group, group=MATCHES)

    report.support = [
        SupportPoint(day, share(day, ContactWith.MENTOR), share(day, ContactWith.GUARDIAN)) for day in days
    ]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _training_figures(report: DashboardReport, f: ReportFilter, months: list[date]) -> None:
    """TRN-1 (mentors ready or matched now with the pre-match hours) and TRN-2 per month (matched
    mentors with the monthly hours), counted as training/domain/ledger.py defines them: six queries."""
    ready_or_matched = _mentors(f).filter(status__in=[MentorStatus.READY, MentorStatus.MATCHED])
    ok, total = count_with_pre_match_hours(ready_or_matched)
    report.trn1 = Share(ok, total, f.min_group, group=MENTORS)
    report.trn2 = [
        MonthShare(c.month, Share(c.met, c.matched, f.min_group, group=MENTORS))
        for c in count_with_monthly_hours(_mentors(f), months=months)
    ]


def _funnel_rows(applicants: QuerySet[Mentor], key: str, today: date) -> list[dict]:
    return list(
        applicants.values(key)
        .annotate(
            applied=Count("id"),
            **{stage: Count("id", filter=reached(stage)) for stage in FUNNEL_STAGES},
            full_year=Count("id", filter=Q(served_full_year_q(today))),
        )
        .order_by("-applied", key)
    )


def _funnel_row(label: str, r: dict) -> FunnelRow:
    return FunnelRow(label, r["applied"], r["screened"], r["ready"], r["matched"], r["full_year"])


def _funnel_figures(report: DashboardReport, f: ReportFilter, today: date) -> None:
    """REC-3: the period's applicants per campaign and per channel. Two queries."""
    applicants = _mentors(f).filter(
        Q(applied_at__gte=_day_start(f.start), applied_at__lt=_day_start(f.end + timedelta(days=1)))
        | Q(
            applied_at__isnull=True,
            created_at__gte=_day_start(f.start),
            created_at__lt=_day_start(f.end + timedelta(days=1)),
        )
    )
    by_campaign = _funnel_rows(applicants.annotate(campaign_name=F("campaign__name")), "campaign_name", today)
    report.funnel_campaigns = [_funnel_row(r["campaign_name"] or _("No campaign"), r) for r in by_campaign]
    channels = dict(Channel.choices)
    by_channel = _funnel_rows(applicants, "channel", today)
    report.funnel_channels = [
        _funnel_row(str(channels.get(r["channel"], r["channel"])) if r["channel"] else _("Unknown"), r)
        for r in by_channel
    ]
    totals = [
        sum(getattr(row, name) for row in report.funnel_channels)
        for name in FunnelRow.__dataclass_fields__
        if name != "label"
    ]
    report.funnel_total = FunnelRow(_("All applicants"), *totals)


def _pool_figures(report: DashboardReport, f: ReportFilter) -> None:
    """MAT-5: what the waiting youth ask for against what the mentors ready to match offer, per
    language, mentor gender and cultural background (required or important). Six queries."""
    waiting = _youth(f).filter(status=YouthStatus.WAITING)
    ready = _mentors(f).filter(status=MentorStatus.READY)
    languages = dict(SpokenLanguage.choices)
    genders = dict(Gender.choices)
    wished_languages = waiting.exclude(wish_language="").values("wish_language").annotate(n=Count("id"))
    spoken: Counter[str] = Counter()
    mentor_count = 0
    for spoken_list in ready.values_list("languages", flat=True):
        mentor_count += 1
        spoken.update(set(spoken_list or []))
    report.mentors_available = mentor_count
    report.pool_languages = sorted(
        (
            PoolRow(
                str(languages.get(r["wish_language"], r["wish_language"])), r["n"], spoken[r["wish_language"]]
            )
            for r in wished_languages
        ),
        key=lambda row: (-row.youth, row.label),
    )
    offered = Counter({r["gender"]: r["n"] for r in ready.values("gender").annotate(n=Count("id"))})
    wished_genders = (
        waiting.exclude(wish_mentor_gender=GenderWish.ANY)
        .values("wish_mentor_gender")
        .annotate(n=Count("id"))
    )
    report.pool_genders = sorted(
        (
            PoolRow(
                str(genders.get(r["wish_mentor_gender"], r["wish_mentor_gender"])),
                r["n"],
                offered[r["wish_mentor_gender"]],
            )
            for r in wished_genders
        ),
        key=lambda row: (-row.youth, row.label),
    )
    required: Counter[str] = Counter()
    important: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    wished_backgrounds = (
        waiting.exclude(cultural_background="")
        .filter(cultural_match__in=[Importance.REQUIRED, Importance.IMPORTANT])
        .values("cultural_background", "cultural_match")
        .annotate(n=Count("id"))
    )
    for r in wished_backgrounds:
        key = normalise_name(r["cultural_background"])
        if not key:
            continue
        spellings.setdefault(key, Counter())[" ".join(r["cultural_background"].split())] += r["n"]
        (required if r["cultural_match"] == Importance.REQUIRED else important)[key] += r["n"]
    mentor_backgrounds: Counter[str] = Counter()
    for background, n in (
        ready.exclude(cultural_background="").values_list("cultural_background").annotate(n=Count("id"))
    ):
        mentor_backgrounds[normalise_name(background)] += n
    # The most frequent spelling names the group (ties: the alphabetically first).
    label = {key: min(c, key=lambda text: (-c[text], text)) for key, c in spellings.items()}
    report.pool_backgrounds = sorted(
        (PoolRow(label[key], required[key], mentor_backgrounds[key], important[key]) for key in label),
        key=lambda row: (-(row.youth + row.important), row.label),
    )


# -- surveys (OUT-1, OUT-4) -----------------------------------------------------------------------


def _survey_figures(report: DashboardReport, f: ReportFilter) -> None:
    """Surveys due in the period and their response, relationship quality (OUT-4) from both sides,
    baselines received per outcome domain (OUT-1), and the open extra-support requests. Four
    grouped queries; counts of surveys and response rates are shown as they are (they say nothing
    about the answers), means of fewer than `min_group` youth are suppressed."""
    # Every status but cancelled, named: the (programme, status, due_on) index then covers the period.
    assignments = Assignment.objects.filter(
        programme_id__in=f.programme_ids,
        status__in=[s for s in AssignmentStatus.values if s != AssignmentStatus.CANCELLED],
        due_on__gte=f.start,
        due_on__lte=f.end,
    )
    scores = Score.objects.filter(
        programme_id__in=f.programme_ids, submitted_on__gte=f.start, submitted_on__lte=f.end
    )
    alerts = open_alerts(f.programme_ids)
    if f.coordinator_id is not None:
        assignments = assignments.filter(youth__coordinator_id=f.coordinator_id)
        scores = scores.filter(youth__coordinator_id=f.coordinator_id)
        alerts = alerts.filter(match__youth__coordinator_id=f.coordinator_id)
    language = get_language() or "nl"
    name = "instrument__name_nl" if language.startswith("nl") else "instrument__name_en"
    moments = dict(Moment.choices)
    respondents = dict(Respondent.choices)
    moment_order = {value: k for k, value in enumerate(Moment.values)}
    rows = (
        assignments.values("instrument_id", name, "moment", "months", "respondent")
        .annotate(
            due=Count("id"),
            submitted=Count("id", filter=Q(status=AssignmentStatus.SUBMITTED)),
            still_open=Count("id", filter=Q(status__in=ANSWERABLE)),
        )
        .order_by()
    )
    report.surveys = [
        SurveyRow(
            instrument=r[name],
            moment=str(moments.get(r["moment"], r["moment"])),
            months=r["months"],
            respondent=str(respondents.get(r["respondent"], r["respondent"])),
            due=r["due"],
            submitted=r["submitted"],
            open=r["still_open"],
            # Whether surveys came back says nothing about the answers: counts and rates are shown
            # for every group (a rate is no more than the two counts beside it).
            rate=Share(r["submitted"], r["due"], 1),
        )
        for r in sorted(
            rows,
            key=lambda r: (
                r[name],
                moment_order.get(r["moment"], 99),
                r["months"] or 0,
                r["respondent"],
            ),
        )
    ]
    # OUT-4: the mean per aspect, scale and side; n = the youth the scores are about. Scores on
    # different scales (a programme's own instrument beside Koppel's) are never averaged together.
    grouped: Any = (
        scores.filter(
            domain__in=RELATIONSHIP_DOMAINS,
            respondent__in=[Respondent.YOUTH, Respondent.MENTOR],
            value__isnull=False,
        )
        .values("domain", "respondent", "subscale")
        .annotate(n=Count("youth_id", distinct=True), total=Sum("value"), scores=Count("id"))
        .order_by()
    )
    grouped = list(grouped)
    scales = scales_of({r["subscale"] for r in grouped})
    quality: dict[tuple[str, str, tuple[str, str]], list] = {}
    for r in grouped:
        cell = quality.setdefault((r["domain"], r["respondent"], scales[r["subscale"]].key), [0, 0.0, 0])
        cell[0] += r["n"]
        cell[1] += r["total"] or 0.0
        cell[2] += r["scores"]
    per_side = scales_per_side([(r["domain"], r["respondent"], scales[r["subscale"]]) for r in grouped])
    domains = dict(OutcomeDomain.choices)

    def mean_of(domain: str, respondent: str, scale: Scale | None) -> tuple[Any, int]:
        n, total, count = quality.get((domain, respondent, scale.key if scale else ("", "")), (0, 0.0, 0))
        if not count:
            return None, 0
        return suppress(rounded(total / count, 2), n, minimum=f.min_group), n

    report.relationship = []
    for domain in RELATIONSHIP_DOMAINS:
        label = str(domains[domain])
        youth = per_side.get((domain, Respondent.YOUTH), [])
        mentor = per_side.get((domain, Respondent.MENTOR), [])
        if len(youth) <= 1 and len(mentor) <= 1:
            # One row: each side on its own questionnaire (as Koppel's own are).
            report.relationship.append(
                RelationshipRow(
                    label,
                    *mean_of(domain, Respondent.YOUTH, youth[0] if youth else None),
                    *mean_of(domain, Respondent.MENTOR, mentor[0] if mentor else None),
                )
            )
            continue
        # A side with more than one scale: a row per scale, named, with its side's figures only.
        for scale in youth:
            report.relationship.append(
                RelationshipRow(f"{label}: {scale.label}", *mean_of(domain, Respondent.YOUTH, scale), None, 0)
            )
        for scale in mentor:
            report.relationship.append(
                RelationshipRow(
                    f"{label}: {scale.label}", None, 0, *mean_of(domain, Respondent.MENTOR, scale)
                )
            )
    # OUT-1: baseline surveys received, per domain and respondent: the baseline scores of the
    # domain (one per survey: an instrument scores a domain in one subscale, as the shipped ones
    # do). Every respondent named, so the whole (programme, domain, moment, respondent,
    # submitted_on) index applies and no table row is read.
    received = Counter(
        {
            (r["domain"], r["respondent"]): r["n"]
            for r in scores.filter(
                domain__in=OUTCOME_DOMAINS, moment=Moment.BASELINE, respondent__in=Respondent.values
            )
            .values("domain", "respondent")
            .annotate(n=Count("id"))
            .order_by()
        }
    )
    report.baselines = [
        BaselineRow(
            str(domains[domain]),
            received[domain, Respondent.YOUTH],
            received[domain, Respondent.MENTOR],
            received[domain, Respondent.GUARDIAN],
        )
        for domain in OUTCOME_DOMAINS
    ]
    report.open_alerts = alerts.count()
