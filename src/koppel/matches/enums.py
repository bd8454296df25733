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


class RoundStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("round status", "Queued")
    RUNNING = "running", pgettext_lazy("round status", "Running")
    DONE = "done", pgettext_lazy("round status", "Done")
    FAILED = "failed", pgettext_lazy("round status", "Failed")


class Decision(models.TextChoices):
    OPEN = "open", pgettext_lazy("proposal decision", "Open")
    ACCEPTED = "accepted", pgettext_lazy("proposal decision", "Accepted")
    REJECTED = "rejected", pgettext_lazy("proposal decision", "Rejected")


class PairRuleKind(models.TextChoices):
    LOCK = "lock", pgettext_lazy("pair rule", "Locked")
    EXCLUDE = "exclude", pgettext_lazy("pair rule", "Excluded")


class MatchOrigin(models.TextChoices):
    """Where a match came from: a match round, or a pair proposed by hand (MAT-6)."""

    ROUND = "round", pgettext_lazy("match origin", "A match round")
    CLICK = "click", pgettext_lazy("match origin", "A natural click")
    YOUTH_SUGGESTED = "youth_suggested", pgettext_lazy("match origin", "The youth suggested this mentor")
    OTHER = "other", pgettext_lazy("match origin", "Other")
