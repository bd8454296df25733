"""Facts of a mentor's matches that the apps below matches ask: when the first match started, whether
a mentor is matched, who was matched in a month, whether a mentor is in a started match, how many
matches started recently. The training ledger (TRN-1, TRN-2) and the mentor pipeline get them
through their hooks, filled in MatchesConfig.ready (see `give_match_facts`)."""

from datetime import date, timedelta

from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone

from koppel.common.dates import add_months
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


def served_full_year(mentor: Mentor, *, today: date) -> bool:
    """REC-3: the mentor was in a match for a full year (12 months): one that ended more than 364 days
    after its start, or one that still runs and started a year ago or earlier."""
    year_ago = add_months(today, -12)
    for match in Match.objects.filter(match_mentors__mentor=mentor, started_on__isnull=False):
        started, ended = match.started_on, match.ended_on
        if started is None:  # excluded by the filter; says so to the type checker
            continue
        if ended is None and match.state in STARTED_STATES and started <= year_ago:
            return True
        if ended is not None and ended > started + timedelta(days=364):
            return True
    return False


def served_full_year_q(today: date) -> Exists:
    """REC-3 for many mentors (the outer row is a mentor), as `served_full_year` answers for one."""
    return Exists(
        MatchMentor.objects.filter(mentor=OuterRef("pk"), match__started_on__isnull=False)
        .annotate(
            year_after=ExpressionWrapper(
                F("match__started_on") + timedelta(days=364), output_field=DateField()
            )
        )
        .filter(
            Q(
                match__ended_on__isnull=True,
                match__state__in=STARTED_STATES,
                match__started_on__lte=add_months(today, -12),
            )
            # ended_on > start + 364 days: compares the same way as a date and as a timestamp.
            | Q(match__ended_on__gt=F("year_after"))
        )
    )


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
