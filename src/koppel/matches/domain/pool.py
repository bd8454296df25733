"""Pool analysis (MAT-5): which wishes of the programme's waiting youth the available mentors cannot
meet, so recruitment knows whom to look for ("keep the mentor pool diverse enough to offer suitable
options").

Reads the same pool a match round would (`adapter.waiting_youth`, `adapter.available_mentors`) and
the engine's `matchmaker.analysis.pool_gaps`; aggregates per wished language, mentor gender, required
cultural background, neighbourhood and weekly time slot. A constant number of queries whatever the
pool's size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

import matchmaker.types as mm
from koppel.matches.domain import adapter, reasons
from koppel.people.enums import DayPart, Gender, Importance, SpokenLanguage, Weekday
from koppel.people.models import Youth
from koppel.programmes.models import Programme
from matchmaker.analysis import pool_gaps
from matchmaker.encode import normalise_name


@dataclass(frozen=True)
class WishRow:
    """One wish (a language, a gender, a background): how many waiting youth ask for it, how many
    available mentors offer it, and how many of those youth have no suitable mentor at all."""

    code: str
    label: str
    youth: int
    mentors: int
    without_mentor: int
    important: int = 0  # cultural background only: youth who find it important, not required

    @property
    def short(self) -> bool:
        """Fewer mentors offer it than youth ask for it: worth recruiting for."""
        return self.mentors < self.youth or self.without_mentor > 0


@dataclass(frozen=True)
class PlaceRow:
    """A neighbourhood where waiting youth have no mentor within reach."""

    label: str
    youth: int  # waiting youth there
    out_of_reach: int  # of whom no available mentor lives within reach ("too_far")


@dataclass(frozen=True)
class SlotRow:
    """One weekday: per part of the day (morning, afternoon, evening) waiting youth and mentors free."""

    label: str
    parts: list[tuple[int, int]]


@dataclass(frozen=True)
class StuckYouth:
    """A waiting youth for whom no available mentor meets every hard constraint."""

    youth: Youth
    text: str
    rules: list[str]


@dataclass(frozen=True)
class PoolAnalysis:
    youth_waiting: int
    mentors_available: int  # ready and trained (TRN-1): those the engine considers
    mentors_in_training: int  # ready to match but still short of the training hours
    youth_without_mentor: int
    languages: list[WishRow]
    genders: list[WishRow]
    backgrounds: list[WishRow]
    neighbourhoods: list[PlaceRow]
    availability_short: int  # youth with no mentor sharing enough weekly time slots
    min_overlap: int
    slots: list[SlotRow]
    day_parts: list[str]
    stuck: list[StuckYouth]


def _stuck_text(gap: mm.PoolGap, youth: mm.Youth, rules: mm.Rules, considered: int) -> str:
    if not considered:
        return _("There are no trained mentors available.")
    if not gap.unmet:
        return _("Every wish on its own can be met, but no available mentor meets all of them together.")
    return reasons.unmatched_text(
        gap.unmet[0], list(gap.unmet), reasons.params_for(youth, rules), {}, considered
    )


def pool_analysis(programme: Programme) -> PoolAnalysis:
    """Aggregate `pool_gaps` over the programme's waiting youth and available mentors. No side effects."""
    today = timezone.localdate()
    youth_qs = adapter.waiting_youth(programme).order_by("pk")
    youths = adapter.youth_profiles(youth_qs, today=today)
    mentors = adapter.mentor_profiles(
        adapter.available_mentors(programme).order_by("pk"), programme, today=today
    )
    settings = adapter.matching_settings_of(programme)
    excluded = adapter.pair_rules(programme)[1]
    rules = adapter.engine_rules(programme, settings, excluded=excluded)
    gaps = {g.youth_id: g for g in pool_gaps(youths, mentors, rules)}
    considered = [m for m in mentors if m.ready and m.trained and not m.disqualified]
    stuck_ids = {y.id for y in youths if gaps[y.id].feasible_mentors == 0}

    languages = _wish_rows(
        youths,
        considered,
        stuck_ids,
        wish=lambda y: y.wish_language,
        offers=lambda m, code: code in m.languages,
        labels=dict(SpokenLanguage.choices),
    )
    genders = _wish_rows(
        youths,
        considered,
        stuck_ids,
        wish=lambda y: y.wish_gender,
        offers=lambda m, code: m.gender == code,
        labels=dict(Gender.choices),
    )
    names = {
        y.pk: y
        for y in Youth.objects.filter(pk__in=stuck_ids).only("pk", "first_name", "last_name", "erased_at")
    }
    stuck = [
        StuckYouth(
            youth=names[y.id],
            text=_stuck_text(gaps[y.id], y, rules, len(considered)),
            rules=sorted({reasons.RULE_OF[c] for c in gaps[y.id].unmet if c in reasons.RULE_OF}),
        )
        for y in youths
        if y.id in stuck_ids and y.id in names
    ]
    return PoolAnalysis(
        youth_waiting=len(youths),
        mentors_available=len(considered),
        mentors_in_training=sum(1 for m in mentors if m.ready and not m.trained and not m.disqualified),
        youth_without_mentor=len(stuck_ids),
        languages=languages,
        genders=genders,
        backgrounds=_background_rows(youths, considered, stuck_ids),
        neighbourhoods=_place_rows(youths, gaps),
        availability_short=sum(1 for g in gaps.values() if "too_little_availability_overlap" in g.unmet),
        min_overlap=rules.min_availability_overlap,
        slots=_slot_rows(youths, considered),
        day_parts=[str(label) for label in DayPart.labels],
        stuck=stuck,
    )


def _wish_rows(
    youths: list[mm.Youth],
    mentors: list[mm.Mentor],
    stuck_ids: set[int],
    *,
    wish: Callable[[mm.Youth], str],
    offers: Callable[[mm.Mentor, str], bool],
    labels: Mapping[str, str | Promise],
) -> list[WishRow]:
    asked: Counter[str] = Counter()
    stuck: Counter[str] = Counter()
    for y in youths:
        if code := wish(y):
            asked[code] += 1
            stuck[code] += y.id in stuck_ids
    return [
        WishRow(
            code=code,
            label=str(labels.get(code, code)),
            youth=n,
            mentors=sum(1 for m in mentors if offers(m, code)),
            without_mentor=stuck[code],
        )
        for code, n in sorted(asked.items(), key=lambda item: (-item[1], item[0]))
    ]


def _background_rows(youths: list[mm.Youth], mentors: list[mm.Mentor], stuck_ids: set[int]) -> list[WishRow]:
    """MAT-5: backgrounds the family requires, with those who find it important counted separately."""
    required: Counter[str] = Counter()
    important: Counter[str] = Counter()
    stuck: Counter[str] = Counter()
    label: dict[str, str] = {}
    for y in youths:
        key = normalise_name(y.cultural_background)
        if not key or y.cultural_match not in (Importance.REQUIRED, Importance.IMPORTANT):
            continue
        label.setdefault(key, " ".join(y.cultural_background.split()))
        if y.cultural_match == Importance.REQUIRED:
            required[key] += 1
            stuck[key] += y.id in stuck_ids
        else:
            important[key] += 1
    offered = Counter(normalise_name(m.cultural_background) for m in mentors if m.cultural_background)
    return [
        WishRow(
            code=key,
            label=label[key],
            youth=required[key],
            mentors=offered[key],
            without_mentor=stuck[key],
            important=important[key],
        )
        for key in sorted(label, key=lambda k: (-required[k], -important[k], k))
    ]


def _place_rows(youths: list[mm.Youth], gaps: dict[int, mm.PoolGap]) -> list[PlaceRow]:
    waiting: Counter[str] = Counter()
    far: Counter[str] = Counter()
    label: dict[str, str] = {}
    for y in youths:
        key = normalise_name(y.neighbourhood)
        label.setdefault(key, " ".join(y.neighbourhood.split()) or _("(no neighbourhood recorded)"))
        waiting[key] += 1
        far[key] += "too_far" in gaps[y.id].unmet
    return [
        PlaceRow(label=label[key], youth=waiting[key], out_of_reach=n)
        for key, n in sorted(far.items(), key=lambda item: (-item[1], item[0]))
        if n
    ]


def _slot_rows(youths: list[mm.Youth], mentors: list[mm.Mentor]) -> list[SlotRow]:
    youth_free: defaultdict[str, int] = defaultdict(int)
    mentor_free: defaultdict[str, int] = defaultdict(int)
    for y in youths:
        for slot in y.availability:
            youth_free[slot] += 1
    for m in mentors:
        for slot in m.availability:
            mentor_free[slot] += 1
    return [
        SlotRow(
            label=str(day_label),
            parts=[(youth_free[f"{day}-{part}"], mentor_free[f"{day}-{part}"]) for part in DayPart.values],
        )
        for day, day_label in Weekday.choices
    ]
