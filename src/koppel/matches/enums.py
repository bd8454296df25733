from django.db import models
from django.utils.translation import pgettext_lazy


class MatchState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("match state", "Proposed")
    INTRODUCED = "introduced", pgettext_lazy("match state", "Introduced")
    AGREED = "agreed", pgettext_lazy("match state", "Agreed")
    ACTIVE = "active", pgettext_lazy("match state", "Active")
    CLOSING = "closing", pgettext_lazy("match state", "Closing")
    CLOSED = "closed", pgettext_lazy("match state", "Closed")


# States in which the mentor and youth know each other: the mentor may see the youth's page.
KNOWN_TO_MENTOR = [MatchState.INTRODUCED, MatchState.AGREED, MatchState.ACTIVE, MatchState.CLOSING]
# States that hold a youth: at most one such match per youth and programme.
OPEN_STATES = [
    MatchState.PROPOSED,
    MatchState.INTRODUCED,
    MatchState.AGREED,
    MatchState.ACTIVE,
    MatchState.CLOSING,
]
