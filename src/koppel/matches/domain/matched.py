"""Facts of a mentor's matches that the apps below matches ask: when the first match started, whether
a mentor is matched, who was matched in a month, whether a mentor is in a started match, how many
matches started recently. The training ledger (TRN-1, TRN-2) and the mentor pipeline get them
through their hooks, filled in MatchesConfig.ready (see `give_match_facts`)."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Min, OuterRef, Q, QuerySet
from django.utils import timezone

from koppel.matches.enums import STARTED_STATES, MatchState
from koppel.matches.models import Match, MatchMentor
from koppel.people.domain import pipeline
from koppel.people.domain.queries.intake import RATE_WINDOW_DAYS
from koppel.people.models import Mentor
from koppel.training.domain import ledger

# Matches in which the mentor is "matched" for TRN-2.
MATCHED_STATES = [MatchState.ACTIVE, MatchState.CLOSING]


def first_match_start(mentor: Mentor) -> date | None:
    """The day the mentor's first match started, or None when no match has started yet."""
    return MatchMentor.objects.filter(mentor=mentor, match__started_on__isnull=False).aggregate(
        first=Min("match__started_on")
    )["first"]


def first_match_starts() -> QuerySet[Any, Any]:
    """The day the first match of the mentor of the outer row (`OuterRef("pk")`) started (for a
    Subquery; none when no match has started)."""
    return (
        MatchMentor.objects.filter(mentor=OuterRef("pk"), match__started_on__isnull=False)
        .order_by()
        .values("mentor")
        .annotate(first=Min("match__started_on"))
        .values("first")
    )


def is_matched(mentor: Mentor) -> bool:
    """Whether the mentor has been matched: a match has started, or one is active now."""
    return MatchMentor.objects.filter(
        Q(match__started_on__isnull=False) | Q(match__state__in=MATCHED_STATES), mentor=mentor
    ).exists()


def mentors_matched_between(first: date, last: date) -> QuerySet[Any, Any]:
    """The ids (`mentor_id`) of the mentors matched on some day from `first` to `last`: a match started
    by `last` and not ended before `first` (a match closed since still counts for the days it ran)."""
    return (
        MatchMentor.objects.filter(
            match__state__in=[*MATCHED_STATES, MatchState.CLOSED],
            match__started_on__isnull=False,
            match__started_on__lte=last,
        )
        .filter(Q(match__ended_on__isnull=True) | Q(match__ended_on__gte=first))
        .values("mentor_id")
    )


def has_started_match(mentor: Mentor, *, besides: Match | None = None) -> bool:
    """Whether the mentor is in a started (active or closing) match, other than `besides`."""
    started = MatchMentor.objects.filter(mentor=mentor, match__state__in=STARTED_STATES)
    if besides is not None:
        started = started.exclude(match=besides)
    return started.exists()


def matches_started_recently(programme_id: int, *, today: date | None = None) -> int:
    """How many matches started in the programme in the last RATE_WINDOW_DAYS days (one query)."""
    today = today or timezone.localdate()
    return Match.objects.filter(
        programme_id=programme_id,
        started_on__gt=today - timedelta(days=RATE_WINDOW_DAYS),
        started_on__lte=today,
    ).count()


def give_match_facts() -> None:
    """Fill the hooks of the apps below with these facts (MatchesConfig.ready)."""
    ledger.give_match_facts(
        ledger.MatchFacts(
            first_start=first_match_start,
            first_starts=first_match_starts,
            is_matched=is_matched,
            matched_between=mentors_matched_between,
        )
    )
    pipeline.give_started_match(has_started_match)
