"""The one adapter between Koppel's models and the matching engine's plain types (src/matchmaker).

Profiles are read in a constant number of queries whatever the pool's size: the callers pass
querysets, this module adds the prefetches it needs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet

import matchmaker.types as mm
from koppel.matches.enums import OPEN_STATES, PairRuleKind
from koppel.matches.models import MatchingSettings, PairRule, PostcodeArea
from koppel.people.domain.disqualification import disqualified_mentor_ids, not_clear_q, unsettled_mentor_ids
from koppel.people.enums import SCHOOL_STAGE, Importance, MentorStatus, SchoolType, YouthStatus
from koppel.people.models import Mentor, Youth
from koppel.people.models.people import age_on
from koppel.programmes.enums import ProgrammeForm
from koppel.programmes.models import Programme
from koppel.training.domain.ledger import pre_match_hours_of

# Flat map of the Netherlands: kilometres east and north of 52 N, 4 E (good to well under 1 % here).
ORIGIN_LAT, ORIGIN_LON = 52.0, 4.0
KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LON = 111.32 * math.cos(math.radians(ORIGIN_LAT))

_SPLIT = re.compile(r"[,;\n]+")


def matching_settings_of(programme: Programme) -> MatchingSettings:
    """The programme's matching settings, created with the factsheet's defaults the first time."""
    settings, _ = MatchingSettings.objects.get_or_create(programme=programme)
    return settings


def waiting_youth(programme: Programme) -> QuerySet[Youth]:
    """Youth of the programme on the waiting list without an open match."""
    return Youth.objects.filter(programme=programme, status=YouthStatus.WAITING).exclude(
        matches__programme=programme, matches__state__in=OPEN_STATES
    )


def available_mentors(programme: Programme) -> QuerySet[Mentor]:
    """Mentors ready to match or matched, with room for another youth (capacity > open matches) and
    no fact of a disqualification and no disclosed conviction that is not accepted (SCR-3, whatever the
    status says). Annotated with `open_matches`."""
    return (
        Mentor.objects.filter(programme=programme, status__in=[MentorStatus.READY, MentorStatus.MATCHED])
        .exclude(not_clear_q())
        .annotate(
            open_matches=Count(
                "match_mentors", filter=Q(match_mentors__match__state__in=OPEN_STATES), distinct=True
            )
        )
        .filter(capacity__gt=F("open_matches"))
    )


def _words(text: str) -> frozenset[str]:
    return frozenset(w for part in _SPLIT.split(text or "") if (w := " ".join(part.casefold().split())))


def _location(postcode: str, areas: dict[str, tuple[float, float]]) -> mm.Location | None:
    return areas.get((postcode or "")[:4])


def postcode_locations(postcodes: Iterable[str]) -> dict[str, tuple[float, float]]:
    """Four-digit postcode area -> (x km, y km), for the areas known to Koppel."""
    wanted = {p[:4] for p in postcodes if p and len(p) >= 4}
    return {
        a.postcode: (
            (float(a.longitude) - ORIGIN_LON) * KM_PER_DEGREE_LON,
            (float(a.latitude) - ORIGIN_LAT) * KM_PER_DEGREE_LAT,
        )
        for a in PostcodeArea.objects.filter(postcode__in=wanted)
    }


def _stage(school_type: str) -> int | None:
    return SCHOOL_STAGE.get(SchoolType(school_type)) if school_type in SchoolType.values else None


def _profile(person: Youth | Mentor, areas: dict[str, tuple[float, float]], today: date) -> dict[str, Any]:
    """What the engine reads alike of a youth and a mentor (matchmaker's `Profile`), as keyword
    arguments; the interests prefetched."""
    return {
        "id": person.pk,
        "age": age_on(person.date_of_birth, today) or 0,
        "gender": person.gender,
        "languages": frozenset(person.languages or ()),
        "cultural_background": person.cultural_background,
        "location": _location(person.postcode, areas),
        "school_stage": _stage(person.school_type),
        "interests": frozenset(i.slug for i in person.interests.all()) | _words(person.interests_other),
        "personality": dict(person.personality or {}),
        "values": _words(person.values_beliefs),
        "availability": frozenset(person.availability or ()),
    }


def youth_profiles(youths: QuerySet[Youth], *, today: date) -> list[mm.Youth]:
    """The engine's view of each youth: profile, the wishes from the intake (YTH-3), waiting time."""
    rows = list(youths.select_related("intake").prefetch_related("interests", "intake__wish_interests"))
    areas = postcode_locations(y.postcode for y in rows)
    out = []
    for y in rows:
        intake = getattr(y, "intake", None)
        wished = frozenset(i.slug for i in intake.wish_interests.all()) if intake else frozenset()
        out.append(
            mm.Youth(
                **_profile(y, areas, today),
                neighbourhood=y.neighbourhood,
                goals=frozenset(y.goal_areas or ()),
                wish_gender=y.wish_mentor_gender,
                wish_language=y.wish_language,
                cultural_match=y.cultural_match or Importance.NOT,
                wish_interests=wished,
                wish_age_min=intake.wish_age_min if intake else None,
                wish_age_max=intake.wish_age_max if intake else None,
                waiting_days=(today - y.waiting_since).days if y.waiting_since else 0,
            )
        )
    return out


def mentor_profiles(mentors: QuerySet[Mentor], programme: Programme, *, today: date) -> list[mm.Mentor]:
    """The engine's view of each mentor: profile, readiness (screened, trained: TRN-1, not
    disqualified: SCR-3), an adult supervisor when under 18 (MAT-4), and the room left for youth."""
    if "open_matches" not in mentors.query.annotations:
        mentors = mentors.annotate(
            open_matches=Count(
                "match_mentors", filter=Q(match_mentors__match__state__in=OPEN_STATES), distinct=True
            )
        )
    rows = list(mentors.prefetch_related("interests"))
    disqualified = disqualified_mentor_ids(m.pk for m in rows)
    unsettled = unsettled_mentor_ids(m.pk for m in rows)
    areas = postcode_locations(m.postcode for m in rows)
    # TRN-1 as the gate counts it: the hours before the first match (all hours while none has started).
    hours = pre_match_hours_of([m.pk for m in rows if m.status == MentorStatus.READY])
    required = programme.settings.pre_match_training_hours
    out = []
    for m in rows:
        # SCR-3: a disclosed conviction not (yet) accepted keeps the mentor from being matched.
        ready = m.status in (MentorStatus.READY, MentorStatus.MATCHED) and m.pk not in unsettled
        # A matched mentor passed the TRN-1 gate before their first match.
        trained = m.status == MentorStatus.MATCHED or hours.get(m.pk, Decimal(0)) >= required
        out.append(
            mm.Mentor(
                **_profile(m, areas, today),
                neighbourhoods=frozenset(m.travel_neighbourhoods or ()),
                motives=frozenset(m.motives or ()),
                ready=ready,
                # SCR-3 from every fact of a disqualification, not only the status.
                disqualified=m.pk in disqualified,
                trained=trained,
                has_adult_supervisor=bool(m.adult_supervisor.strip()),
                capacity=max(m.capacity - m.open_matches, 0),  # type: ignore[attr-defined]
            )
        )
    return out


def pair_rules(programme: Programme) -> tuple[frozenset[tuple[int, int]], frozenset[tuple[int, int]]]:
    """(locked, excluded) pairs of the programme as (youth id, mentor id)."""
    locked: set[tuple[int, int]] = set()
    excluded: set[tuple[int, int]] = set()
    for youth_id, mentor_id, kind in PairRule.objects.filter(programme=programme).values_list(
        "youth_id", "mentor_id", "kind"
    ):
        (locked if kind == PairRuleKind.LOCK else excluded).add((youth_id, mentor_id))
    return frozenset(locked), frozenset(excluded)


def engine_rules(
    programme: Programme,
    settings: MatchingSettings,
    *,
    locked: frozenset[tuple[int, int]] = frozenset(),
    excluded: frozenset[tuple[int, int]] = frozenset(),
    weights: dict[str, float] | None = None,
) -> mm.Rules:
    """The programme's rules for a round: MAT-3 age gaps from its settings, REL-3 team sizes, the
    matching settings (with what a round aims for: youth first, MAT-1, or the best total score), and
    the weights (the saved ones unless `weights` is given, for a preview)."""
    practice = programme.settings
    team = programme.form == ProgrammeForm.TEAM
    return mm.Rules(
        min_age_gap=practice.min_age_gap_years,
        preferred_age_gap=practice.preferred_age_gap_years,
        min_availability_overlap=settings.min_availability_overlap,
        max_travel_km=float(settings.max_travel_km),
        online=settings.online,
        team_min=programme.team_size_min if team else 1,
        team_max=programme.team_size_max if team else 1,
        min_score=float(settings.min_score),
        weights=mm.Weights(**(weights if weights is not None else settings.weights())),
        locked=locked,
        excluded=excluded,
        objective=settings.objective,
    )
