"""The outcomes report (OUT-1..4): change per outcome domain, the same by match length, relationship
quality from both sides, and match survival, with small groups suppressed.

What is counted, and when:

- **Change per domain (OUT-1, OUT-2).** A *later* measurement is a youth's (or guardian's) score
  on an OUT-1 domain 12 months into the match (moment "during", months 12), at closure, or at the
  follow-up after closure (OUT-2), **submitted in the report's period**. It is paired with the
  latest baseline score of the same youth, on the same subscale (so the same instrument and
  scale), from the same kind of respondent, submitted on or before it; the baseline itself may lie
  before the period. A later measurement without such a baseline does not count. Scores without a
  value (too few answers) never count. n is the number of youth with both scores; the means are
  over the pairs (a youth with two guardians who both answered counts once in n and twice in the
  means). Mean change = mean later - mean baseline, so for substances and delinquency (lower is
  better, `Subscale.higher_is_better`) a negative change is an improvement.
- **By match length (OUT-3).** The same pairs by the length of the match the later measurement
  belongs to: from `started_on` to `ended_on` when the match ended by the end of the period, else
  to the later measurement's date (a running match at its 12-month measurement). Under 6 months is
  fewer than 6 whole calendar months; 6-12 is from exactly 6 up to exactly 12 calendar months
  (15 January to 15 January a year later is 12.0 and still "6-12"); over 12 is anything longer.
  A later measurement without a started match is in no split cell (and hidden, see suppression).
- **Relationship quality (OUT-4).** Mean score per aspect (trust, closeness, satisfaction,
  youth-centredness) from the youth's and the mentor's side at 3, 6 and 12 months into the match,
  submitted in the period; n is the number of youth the scores are about.
- **Match survival.** Every match that started on or before the end of the period (all history,
  not only the period), from its start to its end (an ending) or, when it had not ended by then,
  to the end of the period or today, whichever is earlier (censored). Early closures (CLS-1,
  `Closure.early`) are counted beside the curve.
- **Suppression** (suppression.py): every figure about fewer than `min_group` youth is SUPPRESSED;
  the OUT-3 split hides further cells so its hidden cells never count fewer than the minimum
  together; the survival curve is not shown for fewer matches than the minimum and stops where
  fewer than the minimum are still at risk.

Four queries whatever the data: the change sums (one grouped query; each later score carries its
baseline, `Score.baseline`), the relationship means (both read only the covering index
`score_report_cover`, with the period as a range in it), the subscales' directions and the
matches' dates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    Count,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.sql.compiler import SQLCompiler
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from koppel.common.formatting import rounded
from koppel.matches.models import Match
from koppel.reports.domain.period import ReportFilter
from koppel.reports.domain.suppression import (
    MATCHES,
    YOUTH,
    hidden_cells,
    suppress,
    suppress_count,
    too_small,
)
from koppel.reports.domain.survival import (
    CurveStep,
    at_risk_at,
    kaplan_meier,
    months_between,
    pooled_curve,
)
from koppel.reports.domain.tables import SUPPRESSED, Suppressed, Table
from koppel.surveys.enums import (
    OUTCOME_DOMAINS,
    RELATIONSHIP_DOMAINS,
    SENSITIVE_DOMAINS,
    Moment,
    OutcomeDomain,
    Respondent,
)
from koppel.surveys.models import Score, Subscale

# The later measurements a baseline is compared with (OUT-1, OUT-2).
DURING_12 = "during_12"
CLOSURE = "closure"
FOLLOW_UP = "follow_up"
LATER_MOMENTS = [DURING_12, CLOSURE, FOLLOW_UP]

# Match length classes (OUT-3). UNKNOWN: the later measurement has no started match.
UNDER_6 = "under_6"
SIX_TO_12 = "6_12"
OVER_12 = "over_12"
UNKNOWN = "unknown"
LENGTHS = [UNDER_6, SIX_TO_12, OVER_12]

CHANGE_RESPONDENTS = [Respondent.YOUTH, Respondent.GUARDIAN]
RELATIONSHIP_RESPONDENTS = [Respondent.YOUTH, Respondent.MENTOR]
RELATIONSHIP_MONTHS = [3, 6, 12]
CHECKPOINTS = [3, 6, 12, 18, 24]


def moment_label(moment: str) -> str:
    return {
        DURING_12: _("Baseline to 12 months into the match"),
        CLOSURE: _("Baseline to closure"),
        FOLLOW_UP: _("Baseline to follow-up after closure"),
    }[moment]


def length_label(length: str) -> str:
    return {
        UNDER_6: _("under 6 months"),
        SIX_TO_12: _("6 to 12 months"),
        OVER_12: _("over 12 months"),
    }[length]


# -- the figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Paired change for one group: n youth, mean baseline, mean later, mean change. Each is a
    number, None (nobody) or SUPPRESSED."""

    n: Any
    baseline: Any
    later: Any
    change: Any

    @classmethod
    def hidden(cls) -> Change:
        return cls(SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED)


class _DomainRow:
    """The labels of a row about one outcome domain as one kind of respondent reports it."""

    domain: str
    respondent: str
    scale_label: str

    @property
    def domain_label(self) -> str:
        label = str(OutcomeDomain(self.domain).label)
        return f"{label}: {self.scale_label}" if self.scale_label else label

    @property
    def respondent_label(self) -> str:
        return str(Respondent(self.respondent).label)


@dataclass(frozen=True)
class ChangeRow(_DomainRow):
    moment: str
    domain: str
    respondent: str
    higher_is_better: bool
    total: Change
    by_length: dict[str, Change]
    # Which subscale of which instrument, when the domain is measured with more than one (a
    # programme's licensed instrument beside Koppel's own): their scales are never averaged together.
    scale_label: str = ""


@dataclass(frozen=True)
class RelationshipRow(_DomainRow):
    domain: str
    respondent: str
    # months (3, 6, 12) -> (n, mean); both may be SUPPRESSED, mean None when nobody answered.
    cells: dict[int, tuple[Any, Any]]
    scale_label: str = ""  # as ChangeRow.scale_label


@dataclass(frozen=True)
class Checkpoint:
    months: int
    at_risk: Any
    share: Any  # percentage still active on the shown curve, None (nobody followed) or SUPPRESSED


@dataclass(frozen=True)
class Survival:
    matches: Any
    ended: Any
    ended_early: Any
    running: Any
    shown: bool
    censored_on: date
    # The curve as shown (survival.pooled_curve): each step covers at least the minimum of endings.
    curve: list[CurveStep] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)

    def points(self) -> list[tuple[float, float]]:
        """The curve for `charts.step_chart` and the PDF: (0, 1.0) and the share at the end of each
        step (whole months)."""
        if not self.curve:
            return []
        return [(0.0, 1.0), *[(float(step.months), step.share) for step in self.curve]]


@dataclass(frozen=True)
class OutcomesReport:
    report_filter: ReportFilter
    today: date
    changes: list[ChangeRow]
    relationship: list[RelationshipRow]
    survival: Survival

    @property
    def min_group(self) -> int:
        return self.report_filter.min_group

    def changes_for(self, moment: str) -> list[ChangeRow]:
        return [row for row in self.changes if row.moment == moment]

    def change_chart_rows(self, moment: str) -> list[tuple[str, Any, Any, bool]]:
        """(label, mean baseline, mean later, higher is better) per domain for `charts.change_chart`;
        SUPPRESSED when hidden, None when nobody."""

        def plain(value: object) -> float | Suppressed | None:
            return value if isinstance(value, float) or value is SUPPRESSED else None

        rows = []
        for row in self.changes_for(moment):
            label = row.domain_label
            if row.respondent != Respondent.YOUTH:
                label = f"{label} ({row.respondent_label})"
            rows.append((label, plain(row.total.baseline), plain(row.total.later), row.higher_is_better))
        return rows

    def chart_range(self) -> tuple[float, float]:
        """One scale for every change chart: at least 1 to 5 (the shipped answer scales)."""
        values = [
            v for row in self.changes for v in (row.total.baseline, row.total.later) if isinstance(v, float)
        ]
        low = min([1.0, *[math.floor(v) for v in values]])
        high = max([5.0, *[math.ceil(v) for v in values]])
        return float(low), float(high)

    def tables(self) -> list[Table]:
        return [
            *[self._change_table(moment) for moment in LATER_MOMENTS],
            *[self._length_table(moment) for moment in LATER_MOMENTS],
            self._relationship_table(),
            self._survival_table(),
            self._survival_steps_table(),
        ]

    # -- tables -----------------------------------------------------------------------------------

    def _meta(self, group: str = YOUTH, **extra: Any) -> dict[str, Any]:
        """A table's meta: the smallest group, the period, what its groups count (suppression)."""
        return {
            "min_group": self.min_group,
            "group": group,
            "start": self.report_filter.start,
            "end": self.report_filter.end,
            **extra,
        }

    def _suppression_note(self) -> str:
        return _("Groups of fewer than %(n)s youth are not shown, so no one can be recognised.") % {
            "n": self.min_group
        }

    def _change_table(self, moment: str) -> Table:
        rows = [
            [
                row.domain_label,
                row.respondent_label,
                _("higher") if row.higher_is_better else _("lower"),
                row.total.n,
                row.total.baseline,
                row.total.later,
                row.total.change,
            ]
            for row in self.changes_for(moment)
        ]
        return Table(
            key=f"change_{moment}",
            title=moment_label(moment),
            columns=[
                _("Outcome domain"),
                pgettext("survey", "Respondent"),
                _("Better when"),
                _("Youth (n)"),
                _("Mean at baseline"),
                _("Mean later"),
                _("Mean change"),
            ],
            rows=rows,
            note=_(
                "Pairs of a baseline and a later score of the same youth on the same scale; the "
                "later score was submitted in the period. %(suppression)s"
            )
            % {"suppression": self._suppression_note()},
            rule="OUT-1, OUT-2",
            meta=self._meta(moment=moment, chart=self.change_chart_rows(moment)),
        )

    def _length_table(self, moment: str) -> Table:
        rows = []
        for row in self.changes_for(moment):
            for length in LENGTHS:
                cell = row.by_length[length]
                rows.append(
                    [
                        row.domain_label,
                        row.respondent_label,
                        length_label(length),
                        cell.n,
                        cell.baseline,
                        cell.later,
                        cell.change,
                    ]
                )
        return Table(
            key=f"change_by_length_{moment}",
            title=_("%(moment)s, by match length") % {"moment": moment_label(moment)},
            columns=[
                _("Outcome domain"),
                pgettext("survey", "Respondent"),
                _("Match length"),
                _("Youth (n)"),
                _("Mean at baseline"),
                _("Mean later"),
                _("Mean change"),
            ],
            rows=rows,
            note=_(
                "Match length from the start to the end of the match, or to the later score for a "
                "match still running. When one cell is hidden, another is hidden too, so it cannot "
                "be worked out from the total. %(suppression)s"
            )
            % {"suppression": self._suppression_note()},
            rule="OUT-3",
            meta=self._meta(moment=moment),
        )

    def _relationship_table(self) -> Table:
        rows = []
        for row in self.relationship:
            line: list[Any] = [row.domain_label, row.respondent_label]
            for months in RELATIONSHIP_MONTHS:
                line.extend(row.cells[months])
            rows.append(line)
        columns = [_("Aspect"), pgettext("survey", "Respondent")]
        for months in RELATIONSHIP_MONTHS:
            columns += [
                _("n at %(months)s months") % {"months": months},
                _("Mean at %(months)s months") % {"months": months},
            ]
        return Table(
            key="relationship",
            title=_("Relationship quality from both sides"),
            columns=columns,
            rows=rows,
            note=_("Scores submitted in the period. %(suppression)s")
            % {"suppression": self._suppression_note()},
            rule="OUT-4",
            meta=self._meta(),
        )

    def _survival_table(self) -> Table:
        s = self.survival
        rows = [[c.months, c.at_risk, c.share] for c in s.checkpoints]
        if s.shown:
            note = _(
                "All %(matches)s matches that started up to the end of the period, also before it. "
                "A match still running on %(day)s counts until then (Kaplan-Meier). Ended: "
                "%(ended)s, of which early: %(early)s. The curve moves only once at least %(n)s "
                "matches have ended since its previous step."
            ) % {
                "matches": _shown(s.matches, self.min_group),
                "day": date_format(s.censored_on, "DATE_FORMAT"),
                "ended": _shown(s.ended, self.min_group),
                "early": _shown(s.ended_early, self.min_group),
                "n": self.min_group,
            }
        else:
            note = _("Too few matches to show the survival curve.")
        return Table(
            key="survival",
            title=_("Matches still active after a number of months"),
            columns=[_("Months"), _("Matches followed this long (at risk)"), _("Still active (%)")],
            rows=rows,
            note=f"{note} {self._suppression_note()}",
            rule="CLS-1",
            meta=self._meta(MATCHES, points=s.points()),
        )

    def _survival_steps_table(self) -> Table:
        rows = [
            [step.first_month, step.months, step.at_risk, step.ended, rounded(100 * step.share, 1)]
            for step in self.survival.curve
        ]
        return Table(
            key="survival_steps",
            title=_("Survival curve, step by step"),
            columns=[
                _("From month"),
                _("To month"),
                _("Followed at the start"),
                _("Ended in these months"),
                _("Still active at the end (%)"),
            ],
            rows=rows,
            note=_(
                "Each step covers whole months in which together at least %(n)s matches ended, so no "
                "single ending can be read from the curve."
            )
            % {"n": self.min_group},
            rule="CLS-1",
            meta=self._meta(MATCHES),
        )


def _shown(value: Any, minimum: int) -> str:
    """A count inside a sentence: SUPPRESSED reads "fewer than N"."""
    return _("fewer than %(n)s") % {"n": minimum} if value is SUPPRESSED else str(value)


# -- building it ----------------------------------------------------------------------------------


def build_outcomes(report_filter: ReportFilter, *, today: date) -> OutcomesReport:
    """The outcomes report for the programmes, period and caseload of `report_filter`. Reads only;
    four queries."""
    change_rows = _change_sums(report_filter)
    relationship_rows = _relationship_means(report_filter)
    scales = scales_of({row["subscale"] for row in (*change_rows, *relationship_rows)})
    return OutcomesReport(
        report_filter=report_filter,
        today=today,
        changes=_changes(report_filter, change_rows, scales),
        relationship=_relationship(report_filter, relationship_rows, scales),
        survival=_survival(report_filter, today=today),
    )


def _scores(f: ReportFilter) -> QuerySet[Score]:
    scores = Score.objects.filter(programme_id__in=f.programme_ids, value__isnull=False)
    if f.coordinator_id:
        scores = scores.filter(youth__coordinator_id=f.coordinator_id)
    return scores


@dataclass(frozen=True)
class Scale:
    """One subscale of one instrument (all its revisions: a baseline pairs with a later score on
    the same instrument key and subscale key, surveys/domain/baselines.py). Scores on different
    scales are never averaged together."""

    key: tuple[str, str]  # (instrument key, subscale key)
    label: str  # "subscale (instrument)", in the current language
    higher_is_better: bool


def scales_of(subscale_ids: set[int]) -> dict[int, Scale]:
    """The scale of each subscale id (one query); the latest revision names it and gives its
    direction."""
    dutch = (get_language() or "nl").startswith("nl")
    rows = (
        Subscale.objects.filter(pk__in=subscale_ids)
        .order_by("instrument__revision")
        .values_list(
            "pk",
            "instrument__key",
            "key",
            "name_nl" if dutch else "name_en",
            "instrument__name_nl" if dutch else "instrument__name_en",
            "higher_is_better",
        )
    )
    latest: dict[tuple[str, str], Scale] = {}
    ids: dict[int, tuple[str, str]] = {}
    for pk, instrument_key, key, name, instrument_name, higher in rows:
        ids[pk] = (instrument_key, key)
        latest[instrument_key, key] = Scale((instrument_key, key), f"{name} ({instrument_name})", higher)
    return {pk: latest[key] for pk, key in ids.items()}


def scales_per_side(found: list[tuple[str, str, Scale]]) -> dict[tuple[str, str], list[Scale]]:
    """Per domain and respondent the scales it was measured with, in a fixed order (Koppel's own
    first). Each side may answer its own instrument (the youth's and the mentor's relationship
    questionnaires): only two scales for the same side need telling apart."""
    per: dict[tuple[str, str], dict[tuple[str, str], Scale]] = {}
    for domain, respondent, scale in found:
        per.setdefault((domain, respondent), {})[scale.key] = scale
    return {
        side: sorted(scales.values(), key=lambda sc: (not sc.key[0].startswith("koppel-"), sc.key))
        for side, scales in per.items()
    }


def _key_sql(part: str, units: tuple[str, str, str]) -> str:
    """The SQL of `_DateKey` where `part`, formatted with each of the three units (year, month and
    day), takes that part of the date as an integer."""
    year, month, day = (part.format(unit=unit) for unit in units)
    return f"({year} * 1200 + {month} * 100 + {day})"


_POSTGRESQL_KEY = _key_sql("date_part('{unit}', %(expressions)s)::integer", ("year", "month", "day"))
# '%%%%' survives the template's formatting and the backend's '%%' -> '%' conversion.
_SQLITE_KEY = _key_sql("CAST(strftime('%%%%{unit}', %(expressions)s) AS INTEGER)", ("Y", "m", "d"))


class _DateKey(Func):
    """year * 1200 + month * 100 + day of a date column, as an integer. Two keys differ by at least
    600 exactly when at least 6 whole calendar months lie between the dates (survival.whole_months),
    so the OUT-3 classes are two comparisons. On SQLite strftime runs in C (Django's Extract calls
    back into Python for every row, which is many times slower on a million scores)."""

    arity = 1
    output_field = IntegerField()
    template = _key_sql("EXTRACT({unit} FROM %(expressions)s)", ("YEAR", "MONTH", "DAY"))

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        # EXTRACT returns numeric on PostgreSQL 14 and later, whose arithmetic costs about three
        # times as much over the change query's rows as date_part's double precision.
        return self.as_sql(compiler, connection, template=_POSTGRESQL_KEY, **extra_context)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        return self.as_sql(compiler, connection, template=_SQLITE_KEY, **extra_context)


def _length_class(end: date) -> tuple[Case, Any]:
    """OUT-3 in SQL: the class of the match length from `started_on` to its end (`ended_on` when
    the match ended by `end`, else the later score's date), by the date keys' difference."""
    span = Case(
        When(match__ended_on__lte=end, then=_DateKey("match__ended_on")),
        default=_DateKey("submitted_on"),
        output_field=IntegerField(),
    ) - _DateKey("match__started_on")
    return Case(
        When(match__started_on__isnull=True, then=Value(UNKNOWN)),
        When(Q(_span__lt=600), then=Value(UNDER_6)),
        When(Q(_span__gt=1200), then=Value(OVER_12)),
        default=Value(SIX_TO_12),
    ), span


def _change_sums(f: ReportFilter) -> list[dict[str, Any]]:
    # Score.baseline holds the paired baseline (surveys/domain/baselines.py): no subquery per row.
    length, span = _length_class(f.end)
    later = (
        _scores(f)
        .filter(
            domain__in=OUTCOME_DOMAINS,
            respondent__in=CHANGE_RESPONDENTS,
            submitted_on__gte=f.start,
            submitted_on__lte=f.end,
        )
        # The redundant moment__in lets SQLite use the score index on (programme, domain, moment, ...)
        # beyond `domain`; the OR alone stops it there.
        .filter(moment__in=[Moment.DURING, Moment.CLOSURE, Moment.FOLLOW_UP])
        .filter(Q(moment=Moment.DURING, months=12) | Q(moment__in=[Moment.CLOSURE, Moment.FOLLOW_UP]))
        .filter(baseline__isnull=False)
        .alias(_span=span)
        .annotate(length=length)
    )
    grouped: Any = (
        later.values("moment", "months", "domain", "respondent", "length", "subscale")
        .annotate(
            pairs=Count("id"),
            youth_n=Count("youth", distinct=True),
            base_sum=Sum("baseline"),
            later_sum=Sum("value"),
        )
        .order_by()
    )
    return list(grouped)


def _moment_key(moment: str) -> str:
    return DURING_12 if moment == Moment.DURING else moment


@dataclass
class _Sums:
    """Running totals of one cell of the change query: youth, pairs and the two sums."""

    youth: int = 0
    pairs: int = 0
    base: float = 0.0
    later: float = 0.0

    def add(self, other: _Sums) -> None:
        self.youth += other.youth
        self.pairs += other.pairs
        self.base += other.base
        self.later += other.later

    def change(self, *, minimum: int, hide: bool = False) -> Change:
        if hide or too_small(self.youth, minimum=minimum):
            return Change.hidden()
        if not self.pairs:
            return Change(n=0, baseline=None, later=None, change=None)
        return Change(
            n=self.youth,
            baseline=rounded(self.base / self.pairs, 2),
            later=rounded(self.later / self.pairs, 2),
            change=rounded((self.later - self.base) / self.pairs, 2),
        )


def _changes(f: ReportFilter, grouped: list[dict[str, Any]], scales: dict[int, Scale]) -> list[ChangeRow]:
    # (moment, domain, respondent, scale) -> length class -> sums
    sums: dict[tuple[str, str, str, tuple[str, str]], dict[str, _Sums]] = {}
    for row in grouped:
        key = (_moment_key(row["moment"]), row["domain"], row["respondent"], scales[row["subscale"]].key)
        sums.setdefault(key, {}).setdefault(row["length"], _Sums()).add(
            _Sums(row["youth_n"], row["pairs"], row["base_sum"] or 0.0, row["later_sum"] or 0.0)
        )
    per_side = scales_per_side(
        [(row["domain"], row["respondent"], scales[row["subscale"]]) for row in grouped]
    )
    guardians = any(respondent == Respondent.GUARDIAN for (_m, _d, respondent, _s) in sums)
    respondents = CHANGE_RESPONDENTS if guardians else [Respondent.YOUTH]
    minimum = f.min_group
    split = [*LENGTHS, UNKNOWN]
    rows = []
    for moment in LATER_MOMENTS:
        for domain in OUTCOME_DOMAINS:
            for respondent in respondents:
                measured_with: list[Scale | None] = [*per_side.get((domain, respondent), [])] or [None]
                for scale in measured_with:
                    cells = sums.get((moment, domain, respondent, scale.key if scale else ("", "")), {})
                    total = _Sums()
                    for cell in cells.values():
                        total.add(cell)
                    # OUT-3 complement rule: the unknown cell is never shown, so it counts as hidden.
                    hidden = hidden_cells(
                        [cells.get(length, _Sums()).youth for length in split],
                        minimum=minimum,
                        never_shown=frozenset({split.index(UNKNOWN)}),
                    )
                    by_length = {
                        length: cells.get(length, _Sums()).change(minimum=minimum, hide=hidden[i])
                        for i, length in enumerate(LENGTHS)
                    }
                    rows.append(
                        ChangeRow(
                            moment=moment,
                            domain=str(domain),
                            respondent=str(respondent),
                            # Without scores, the domain's usual direction (OUT-1).
                            higher_is_better=scale.higher_is_better
                            if scale
                            else domain not in SENSITIVE_DOMAINS,
                            total=total.change(minimum=minimum),
                            by_length=by_length,
                            scale_label=scale.label if scale and len(measured_with) > 1 else "",
                        )
                    )
    return rows


def _relationship_means(f: ReportFilter) -> list[dict[str, Any]]:
    grouped: Any = (
        _scores(f)
        .filter(
            domain__in=RELATIONSHIP_DOMAINS,
            respondent__in=RELATIONSHIP_RESPONDENTS,
            moment=Moment.DURING,
            months__in=RELATIONSHIP_MONTHS,
            submitted_on__gte=f.start,
            submitted_on__lte=f.end,
        )
        .values("domain", "respondent", "months", "subscale")
        .annotate(n=Count("youth", distinct=True), total=Sum("value"), scores=Count("id"))
        .order_by()
    )
    return list(grouped)


def _relationship(
    f: ReportFilter, grouped: list[dict[str, Any]], scales: dict[int, Scale]
) -> list[RelationshipRow]:
    # (domain, respondent, months, scale) -> [youth, sum, scores] (revisions of a scale added up)
    found: dict[tuple[str, str, int, tuple[str, str]], list] = {}
    for row in grouped:
        key = (row["domain"], row["respondent"], row["months"], scales[row["subscale"]].key)
        cell = found.setdefault(key, [0, 0.0, 0])
        cell[0] += row["n"]
        cell[1] += row["total"] or 0.0
        cell[2] += row["scores"]
    per_side = scales_per_side(
        [(row["domain"], row["respondent"], scales[row["subscale"]]) for row in grouped]
    )
    minimum = f.min_group
    rows = []
    for domain in RELATIONSHIP_DOMAINS:
        for respondent in RELATIONSHIP_RESPONDENTS:
            measured_with: list[Scale | None] = [*per_side.get((domain, respondent), [])] or [None]
            for scale in measured_with:
                cells = {}
                for months in RELATIONSHIP_MONTHS:
                    n, total, count = found.get(
                        (str(domain), str(respondent), months, scale.key if scale else ("", "")), (0, 0.0, 0)
                    )
                    mean = rounded(total / count, 2) if count else None
                    cells[months] = (suppress_count(n, minimum=minimum), suppress(mean, n, minimum=minimum))
                rows.append(
                    RelationshipRow(
                        domain=str(domain),
                        respondent=str(respondent),
                        cells=cells,
                        scale_label=scale.label if scale and len(measured_with) > 1 else "",
                    )
                )
    return rows


def _survival(f: ReportFilter, *, today: date) -> Survival:
    cutoff = min(f.end, today)
    matches = Match.objects.filter(
        programme_id__in=f.programme_ids, started_on__isnull=False, started_on__lte=cutoff
    )
    if f.coordinator_id:
        matches = matches.filter(youth__coordinator_id=f.coordinator_id)
    durations: list[float] = []
    events: list[bool] = []
    early: list[bool] = []
    for started_on, ended_on, ended_early in matches.values_list("started_on", "ended_on", "closure__early"):
        if started_on is None:  # pragma: no cover - filtered out above
            continue
        ended = ended_on is not None and ended_on <= cutoff
        durations.append(max(0.0, months_between(started_on, ended_on if ended and ended_on else cutoff)))
        events.append(ended)
        early.append(bool(ended and ended_early))
    minimum = f.min_group
    n = len(durations)
    n_ended, n_early = sum(events), sum(early)
    # The complement of the early closures (the planned ones) is shown implicitly: hide both
    # when either is too small (suppression rule 2).
    hide_early = hidden_cells([n_early, n_ended - n_early], minimum=minimum)
    summary = Survival(
        matches=suppress_count(n, minimum=minimum),
        ended=suppress_count(n_ended, minimum=minimum),
        ended_early=SUPPRESSED if hide_early[0] else n_early,
        running=suppress_count(n - n_ended, minimum=minimum),
        shown=False,
        censored_on=cutoff,
    )
    if n < minimum:
        return summary
    curve = pooled_curve(kaplan_meier(durations, events), minimum)
    checkpoints = []
    for months in CHECKPOINTS:
        at_risk = at_risk_at(durations, months)
        # The share after `months` is shown only where the curve gives it exactly: every ending up to
        # then lies in the curve's steps up to then (otherwise it would show a smaller drop).
        reached = [step for step in curve if step.months <= months]
        exact = sum(step.ended for step in reached) == sum(
            1 for d, e in zip(durations, events, strict=True) if e and d <= months
        )
        if not at_risk:
            share: Any = None
        elif at_risk < minimum or not exact:
            share = SUPPRESSED
        else:
            share = rounded(100 * (reached[-1].share if reached else 1.0), 1)
        checkpoints.append(
            Checkpoint(months=months, at_risk=suppress_count(at_risk, minimum=minimum), share=share)
        )
    return replace(summary, shown=True, curve=curve, checkpoints=checkpoints)
