"""Checking a pair against the engine's rules without saving anything, for a pair by hand (MAT-6) and
for accepting a round's proposal alike.

`check_pair` says which hard constraints a pair breaks (with their rule IDs) and how the soft score
explains it, using the engine's own functions, so a pair by hand meets exactly the rules a round would
apply. It sits below `pairs` and `rounds`, which both call it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.matches.domain import adapter, reasons
from koppel.people.models import Mentor, Youth
from koppel.programmes.models import Programme
from matchmaker.constraints import broken_constraints
from matchmaker.explain import pair_details
from matchmaker.scoring import score_pair


class Problem(NamedTuple):
    """A hard constraint a pair breaks: the engine's code, its practice rule ID, a sentence."""

    code: str
    rule: str
    text: str


@dataclass(frozen=True)
class MentorCheck:
    """One mentor of the pair: what they break, their soft score, its explanation bars and what
    matched as (rule ID, sentence) rows: shared interests, wishes met, the age gap in years (MAT-3)."""

    mentor: Mentor
    broken: list[Problem]
    score: float
    factor_rows: list[dict]
    matched: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PairCheck:
    """The outcome of checking a youth with one mentor (or a team, REL-3).

    `broken` lists every broken constraint of every mentor (prefixed with the mentor's name in a
    team); `score` is the mean pair score over the mentors, as a round computes it.
    """

    broken: list[Problem]
    score: float
    mentors: list[MentorCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken


def check_pair(programme: Programme, youth: Youth, mentors: Iterable[Mentor]) -> PairCheck:
    """Check a pair against the programme's hard constraints and score it, without saving anything.

    Uses the programme's matching settings, its excluded pairs (a coordinator's exclusion counts as a
    broken constraint) and the saved weights; says per mentor what matched (shared interests, the
    youth's wishes, the age gap in years and a next school level, MAT-3). A constant number of
    queries for any team size.
    """
    mentors = list(mentors)
    today = timezone.localdate()
    settings = adapter.matching_settings_of(programme)
    excluded = adapter.pair_rules(programme)[1]
    rules = adapter.engine_rules(programme, settings, excluded=excluded)
    (engine_youth,) = adapter.youth_profiles(Youth.objects.filter(pk=youth.pk), today=today)
    profiles = {
        p.id: p
        for p in adapter.mentor_profiles(
            Mentor.objects.filter(pk__in=[m.pk for m in mentors]), programme, today=today
        )
    }
    params = reasons.params_for(engine_youth, rules)
    weights = rules.weights.as_dict()
    details = {m.pk: pair_details(engine_youth, profiles[m.pk]).as_dict() for m in mentors}
    names = reasons.interest_names(details.values())
    checks, broken = [], []
    for mentor in mentors:
        profile = profiles[mentor.pk]
        problems = [
            Problem(code, reasons.RULE_OF.get(code, ""), reasons.pair_problem(code, params))
            for code in broken_constraints(engine_youth, profile, rules)
        ]
        score, contributions = score_pair(engine_youth, profile, rules)
        matched = reasons.explanation(details[mentor.pk], names, min_age_gap=rules.min_age_gap)
        checks.append(
            MentorCheck(mentor, problems, score, reasons.factor_rows(contributions, weights), matched)
        )
        for problem in problems:
            text = problem.text
            if len(mentors) > 1:
                text = _("%(mentor)s: %(problem)s") % {"mentor": mentor.full_name, "problem": text}
            broken.append(problem._replace(text=text))
    score = sum(c.score for c in checks) / len(checks) if checks else 0.0
    return PairCheck(broken=broken, score=score, mentors=checks)
