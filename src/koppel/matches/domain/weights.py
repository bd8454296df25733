"""A programme's matching settings and weights (MAT-1, MAT-2, MAT-3, MAT-5): change them (what a
round aims for among them: youth first or the best total score, MAT-1, REL-3), reset them to the
factsheet's defaults, and preview what new settings would do to the last finished round.

The preview re-runs the engine on the last round's pool without saving anything, and compares the
new proposals with the stored ones. Both totals are computed under the NEW weights (the old
assignment is re-scored), so the comparison says which assignment is better by the same yardstick.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

import matchmaker.types as mm
from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.versioning import save_versioned
from koppel.matches.domain import adapter
from koppel.matches.domain.reasons import pair_problem, params_for
from koppel.matches.domain.rounds import rejected_pairs
from koppel.matches.enums import OPEN_STATES, RoundStatus
from koppel.matches.models import MatchingSettings, MatchRound, RoundProposal
from koppel.people.models import Mentor, Youth
from koppel.programmes.models import Programme
from matchmaker.constraints import broken_constraints
from matchmaker.encode import build_vocabularies, encode_mentors, encode_youths
from matchmaker.scoring import score as score_pairs
from matchmaker.solver import match as run_engine

# What a round checks (hard constraints), what it aims for, then what it weighs, in the page's order.
CONSTRAINT_FIELDS = ("max_travel_km", "online", "min_availability_overlap", "min_score")
OBJECTIVE_FIELDS = ("objective",)
WEIGHT_FIELDS = tuple(f"weight_{name}" for name in MatchingSettings.WEIGHTS)
SETTINGS_FIELDS = CONSTRAINT_FIELDS + OBJECTIVE_FIELDS + WEIGHT_FIELDS


def rule_of(name: str) -> str:
    """The practice rule behind a setting ("" when it follows from no single rule)."""
    return MatchingSettings.RULES.get(name, "")


def factsheet_defaults() -> dict:
    """Setting -> the factsheet's value (the model field's default)."""
    fields = {f.name: f for f in MatchingSettings._meta.concrete_fields}
    return {name: fields[name].get_default() for name in SETTINGS_FIELDS}


def weights_problem(values: dict) -> str | None:
    """Why these weights cannot score anything (all zero), or None; needs all 11. Shared by the form
    and the domain."""
    weights = [values[name] for name in WEIGHT_FIELDS if values.get(name) is not None]
    if len(weights) == len(WEIGHT_FIELDS) and sum(weights) <= 0:
        return _("At least one weight must be above zero; otherwise no pair can be scored.")
    return None


def _plain(value: object) -> object:
    """A setting's value for the activity log (weights are not personal data)."""
    return str(value) if isinstance(value, Decimal) else value


@transaction.atomic
def update_matching_settings(
    settings: MatchingSettings, *, by: User, values: dict, expected_version: int
) -> list[str]:
    """Change a programme's matching settings and weights; returns the changed field names.

    Refused (DomainError) when all weights would be zero, ConflictError when someone else saved the
    settings since `expected_version`. Side effects: one activity-log entry on the programme,
    "matches.weights.changed", with the changed fields, their rule IDs and old and new values.
    """
    stored = MatchingSettings.objects.select_related("programme").get(pk=settings.pk)
    problem = weights_problem({**{name: getattr(stored, name) for name in WEIGHT_FIELDS}, **values})
    if problem:
        raise DomainError(problem)
    changed = save_versioned(settings, values, expected_version=expected_version)
    if changed:
        log_action(
            stored.programme,
            "matches.weights.changed",
            by=by,
            fields=changed,
            data={
                "rules": {name: rule_of(name) for name in changed if rule_of(name)},
                "old": {name: _plain(getattr(stored, name)) for name in changed},
                "new": {name: _plain(values[name]) for name in changed},
            },
        )
    return changed


# --- The preview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    """A youth whose proposal would change: mentors and mean score before and after (new weights)."""

    youth_id: int
    youth_name: str
    old_mentors: tuple[str, ...]
    new_mentors: tuple[str, ...]
    old_score: float | None
    new_score: float | None
    # Why the old pair would not be allowed under the previewed settings (e.g. a shorter max distance).
    old_problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class WeightsPreview:
    """What the previewed settings would change in the last finished round (None: no such round)."""

    round: MatchRound | None
    youth: int = 0
    kept: int = 0
    changed: int = 0
    newly_matched: int = 0
    newly_unmatched: int = 0
    # Sum of pair scores, both under the previewed weights.
    old_total: float = 0.0
    new_total: float = 0.0
    rows: list[PreviewRow] = field(default_factory=list)

    @property
    def difference(self) -> float:
        return self.new_total - self.old_total


def last_finished_round(programme: Programme) -> MatchRound | None:
    return (
        MatchRound.objects.filter(programme=programme, status=RoundStatus.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )


def _settings_with(programme: Programme, values: dict) -> MatchingSettings:
    """An unsaved copy of the programme's settings with `values` applied."""
    saved = adapter.matching_settings_of(programme)
    current = {name: getattr(saved, name) for name in SETTINGS_FIELDS}
    return MatchingSettings(programme=programme, **{**current, **values})


def _pool(
    match_round: MatchRound, programme: Programme, today: date
) -> tuple[list[mm.Youth], list[mm.Mentor]]:
    """The round's youth and mentors with their current profiles.

    A mentor's room counts the open matches with youth outside this pool only: accepting the round's
    own proposals since must not make its mentors look full, or every accepted pair would "change".
    """
    youth_qs = Youth.objects.filter(programme=programme, pk__in=match_round.youth_ids).order_by("pk")
    mentor_qs = (
        Mentor.objects.filter(programme=programme, pk__in=match_round.mentor_ids)
        .annotate(
            open_matches=Count(
                "match_mentors",
                filter=Q(match_mentors__match__state__in=OPEN_STATES)
                & ~Q(match_mentors__match__youth_id__in=match_round.youth_ids),
                distinct=True,
            )
        )
        .order_by("pk")
    )
    youths = adapter.youth_profiles(youth_qs, today=today)
    mentors = adapter.mentor_profiles(mentor_qs, programme, today=today)
    return youths, mentors


def _pair_scores(
    pairs: list[tuple[int, int]], youths: list[mm.Youth], mentors: list[mm.Mentor], rules: mm.Rules
) -> list[float]:
    """The score of each (youth id, mentor id) pair under `rules`, in one vectorised pass."""
    if not pairs:
        return []
    y_index = {y.id: i for i, y in enumerate(youths)}
    m_index = {m.id: j for j, m in enumerate(mentors)}
    v = build_vocabularies(youths, mentors)
    ys, ms = encode_youths(youths, v), encode_mentors(mentors, v)
    yi = np.array([y_index[y] for y, _m in pairs], dtype=np.int64)
    mj = np.array([m_index[m] for _y, m in pairs], dtype=np.int64)
    return [float(s) for s in np.asarray(score_pairs(ys.pick(yi), ms.pick(mj), rules)).reshape(-1)]


def preview_weights(programme: Programme, values: dict) -> WeightsPreview:
    """Re-run the programme's last finished round with the settings in `values` (nothing is saved)
    and compare with its stored proposals.

    The pool is the round's youth and mentors (current profiles), with the current locked and
    excluded pairs and the pairs rejected in the rounds it re-ran. Queries: constant in the pool size.
    """
    match_round = last_finished_round(programme)
    if match_round is None:
        return WeightsPreview(round=None)
    today = timezone.localdate()
    youths, mentors = _pool(match_round, programme, today)
    locked, excluded = adapter.pair_rules(programme)
    rules = adapter.engine_rules(
        programme,
        _settings_with(programme, values),
        locked=locked,
        excluded=excluded | rejected_pairs(match_round),
    )
    result = run_engine(youths, mentors, rules)

    youth_by_id = {y.id: y for y in youths}
    mentor_by_id = {m.id: m for m in mentors}
    old: dict[int, tuple[int, ...]] = defaultdict(tuple)
    for youth_id, mentor_id in (
        RoundProposal.mentors.through.objects.filter(roundproposal__round=match_round)
        .order_by("roundproposal__rank", "mentor_id")
        .values_list("roundproposal__youth_id", "mentor_id")
    ):
        if youth_id in youth_by_id and mentor_id in mentor_by_id:
            old[youth_id] += (mentor_id,)
    new = {p.youth_id: p for p in result.proposals}

    old_pairs = [(y, m) for y, ms in old.items() for m in ms]
    old_scores: dict[int, list[float]] = defaultdict(list)
    for (youth_id, _mentor_id), s in zip(
        old_pairs, _pair_scores(old_pairs, youths, mentors, rules), strict=True
    ):
        old_scores[youth_id].append(s)

    counts = {"kept": 0, "changed": 0, "newly_matched": 0, "newly_unmatched": 0}
    differing: list[int] = []
    for y in youths:
        before = frozenset(old.get(y.id, ()))
        after = frozenset(new[y.id].mentor_ids) if y.id in new else frozenset()
        if before and before == after:
            counts["kept"] += 1
        elif before and after:
            counts["changed"] += 1
        elif after:
            counts["newly_matched"] += 1
        elif before:
            counts["newly_unmatched"] += 1
        if before != after:
            differing.append(y.id)

    rows = _rows(differing, old, new, old_scores, youth_by_id, mentor_by_id, rules)
    return WeightsPreview(
        round=match_round,
        youth=len(youths),
        old_total=sum(s for scores in old_scores.values() for s in scores),
        new_total=result.total_score,
        rows=rows,
        **counts,
    )


def _rows(
    differing: list[int],
    old: dict[int, tuple[int, ...]],
    new: dict[int, mm.Proposal],
    old_scores: dict[int, list[float]],
    youth_by_id: dict[int, mm.Youth],
    mentor_by_id: dict[int, mm.Mentor],
    rules: mm.Rules,
) -> list[PreviewRow]:
    """The table of changed proposals, names read in two queries."""
    mentor_ids = {m for y in differing for m in old.get(y, ())} | {
        m for y in differing if y in new for m in new[y].mentor_ids
    }
    youth_names = {y.pk: y.full_name for y in Youth.objects.filter(pk__in=differing)}
    mentor_names = {m.pk: m.full_name for m in Mentor.objects.filter(pk__in=mentor_ids)}
    rows = []
    for youth_id in differing:
        before, after = old.get(youth_id, ()), new.get(youth_id)
        scores = old_scores.get(youth_id)
        youth = youth_by_id[youth_id]
        broken = dict.fromkeys(
            code for m in before for code in broken_constraints(youth, mentor_by_id[m], rules)
        )
        params = params_for(youth, rules)
        rows.append(
            PreviewRow(
                youth_id=youth_id,
                youth_name=youth_names.get(youth_id, ""),
                old_mentors=tuple(mentor_names.get(m, "") for m in before),
                new_mentors=tuple(mentor_names.get(m, "") for m in (after.mentor_ids if after else ())),
                old_score=sum(scores) / len(scores) if scores else None,
                new_score=after.score if after else None,
                old_problems=tuple(pair_problem(code, params) for code in broken),
            )
        )
    rows.sort(key=lambda r: r.youth_name.casefold())
    return rows
