"""Facts of a mentor's matches that the apps below matches ask: when the first match started, whether
a mentor is matched, who was matched in a month, whether a mentor is in a started match, how many
matches started recently. The training ledger (TRN-1, TRN-2) and the mentor pipeline get them
through their hooks, filled in MatchesConfig.ready (see `give_match_facts`)."""

from datetime import date, timedelta

from django.utils import timezone

from koppel.matches.enums import STARTED_STATES, MatchState
from koppel.matches.models import Match, MatchMentor
from koppel.people.domain import pipeline
from koppel.people.domain.queries.intake import RATE_WINDOW_DAYS
from koppel.people.models import Mentor
from koppel.training.domain import ledger


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
            mentor_matches=MatchMentor.objects.all,
            matched_states=(MatchState.ACTIVE, MatchState.CLOSING),
            closed_state=MatchState.CLOSED,
        )
    )
    pipeline.give_started_match(has_started_match)
