"""The match counts staff see, each defined once: the programme overview and the dashboard count
with these conditions and name them with these words, so one figure never means two things.

- **Active** on a day: the match started on or before that day and had not ended before it. That is
  an active or closing match today, and, for a day in the past, also a match closed since.
- **In preparation** now: proposed, introduced or agreed, or agreed to start on a later day; the
  pair is being prepared and has not started yet.

Closed matches that ended, and proposals of a match round still to be decided, are neither.
"""

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from koppel.matches.enums import STARTED_STATES, MatchState

# Matches that ran (or run): their start and end dates say when they were active.
RAN_STATES = [*STARTED_STATES, MatchState.CLOSED]
# Not started: the pair is being prepared.
PREPARING_STATES = [MatchState.PROPOSED, MatchState.INTRODUCED, MatchState.AGREED]

ACTIVE_DEFINITION = _(
    "Active: started on or before the day and not ended before it (closing matches included)."
)
PREPARING_DEFINITION = _("In preparation: proposed, introduced or agreed, not started yet.")


def active_on(day: date, prefix: str = "") -> Q:
    """A match (through `prefix`, e.g. "match__") active on `day`."""
    return Q(
        **{
            f"{prefix}state__in": RAN_STATES,
            f"{prefix}started_on__isnull": False,
            f"{prefix}started_on__lte": day,
        }
    ) & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day}))


def in_preparation(today: date, prefix: str = "") -> Q:
    """A match (through `prefix`) in preparation on `today`: not started, not closed."""
    return Q(**{f"{prefix}state__in": PREPARING_STATES}) | Q(
        **{f"{prefix}state__in": STARTED_STATES, f"{prefix}started_on__gt": today}
    )
