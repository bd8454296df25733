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


class MatchingObjective(models.TextChoices):
    """What a match round maximises (MAT-1 youth first, REL-3); the values are the engine's."""

    YOUTH_FIRST = (
        "youth_first",
        pgettext_lazy("matching objective", "As many youth as possible, then the best total score"),
    )
    BEST_TOTAL = "best_total", pgettext_lazy("matching objective", "The best total score")


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
    YOUTH_SUGGESTED = "youth_suggested", pgettext_lazy("match origin", "The youth proposed this mentor")
    OTHER = "other", pgettext_lazy("match origin", "Other")


# --- The match, start to finish (AGR-1, REL-1..5, SUP-1..4, CLS-1, OUT-2) -------------------------

# States in which a match has started: meetings are logged and support contacts are due.
STARTED_STATES = [MatchState.ACTIVE, MatchState.CLOSING]


class Party(models.TextChoices):
    """Who takes part in a match: the three parties of the agreement (AGR-1)."""

    MENTOR = "mentor", pgettext_lazy("party", "Mentor")
    YOUTH = "youth", pgettext_lazy("party", "Youth")
    GUARDIAN = "guardian", pgettext_lazy("party", "Parent or guardian")


class ConsentVia(models.TextChoices):
    PORTAL = "portal", pgettext_lazy("consent via", "In the portal")
    LINK = "link", pgettext_lazy("consent via", "Through a personal link")
    PAPER = "paper", pgettext_lazy("consent via", "On paper, recorded by staff")


class ContactAfterClosure(models.TextChoices):
    """What contact mentor and youth may have after the match ends (agreed up front)."""

    NONE = "none", pgettext_lazy("contact after closure", "No contact")
    THROUGH_PROGRAMME = "programme", pgettext_lazy("contact after closure", "Only through the programme")
    FREE = "free", pgettext_lazy("contact after closure", "Free to stay in touch")


class ActivityKind(models.TextChoices):
    """REL-5: the most effective mix alternates fun and learning."""

    FUN = "fun", pgettext_lazy("activity", "Fun")
    LEARNING = "learning", pgettext_lazy("activity", "Learning")
    BOTH = "both", pgettext_lazy("activity", "Both")


class HowItWent(models.TextChoices):
    GOOD = "good", pgettext_lazy("how it went", "Good")
    OK = "ok", pgettext_lazy("how it went", "All right")
    DIFFICULT = "difficult", pgettext_lazy("how it went", "Difficult")


class ContactWith(models.TextChoices):
    MENTOR = "mentor", pgettext_lazy("support contact with", "Mentor")
    GUARDIAN = "guardian", pgettext_lazy("support contact with", "Parent or guardian")
    YOUTH = "youth", pgettext_lazy("support contact with", "Youth")


class ContactChannel(models.TextChoices):
    PHONE = "phone", pgettext_lazy("channel", "Phone")
    VISIT = "visit", pgettext_lazy("channel", "Visit")
    MESSAGE = "message", pgettext_lazy("channel", "Message")
    MEETING = "meeting", pgettext_lazy("channel", "Meeting")


class SupportTopic(models.TextChoices):
    """SUP-2: what programme support is about."""

    ATTENTION = "attention", pgettext_lazy("support topic", "Attention, appreciation, informal contact")
    ACTIVITIES = "activities", pgettext_lazy("support topic", "Suggested activities")
    IMPACT = "impact", pgettext_lazy("support topic", "The impact on the youth")
    RELATIONSHIP = "relationship", pgettext_lazy("support topic", "How the relationship goes")
    SAFETY = "safety", pgettext_lazy("support topic", "Safety")


class ConcernStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("concern", "Open")
    HANDLING = "handling", pgettext_lazy("concern", "Being handled")
    CLOSED = "closed", pgettext_lazy("concern", "Closed")


class ResourceKind(models.TextChoices):
    """SUP-3: publications, internet sources, agencies to refer to."""

    PUBLICATION = "publication", pgettext_lazy("resource", "Publication")
    WEBSITE = "website", pgettext_lazy("resource", "Website")
    AGENCY = "agency", pgettext_lazy("resource", "Agency to refer to")
    EXPERIENCE = "experience", pgettext_lazy("resource", "Knowledge of experienced mentors or staff")


class ResourceTopic(models.TextChoices):
    STARTING = "starting", pgettext_lazy("resource topic", "Getting started")
    ACTIVITIES = "activities", pgettext_lazy("resource topic", "Activities")
    SCHOOL = "school", pgettext_lazy("resource topic", "School and work")
    SAFETY = "safety", pgettext_lazy("resource topic", "Safety and boundaries")
    WELLBEING = "wellbeing", pgettext_lazy("resource topic", "Wellbeing and health")
    FAMILY = "family", pgettext_lazy("resource topic", "Family and parenting")
    CLOSURE = "closure", pgettext_lazy("resource topic", "Saying goodbye")


class ClosureKind(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("closure", "Planned")
    EARLY = "early", pgettext_lazy("closure", "Early")


class ClosureReason(models.TextChoices):
    """CLS-1: why a match ended (recorded for every ending)."""

    DURATION_REACHED = "duration_reached", pgettext_lazy("closure reason", "The agreed duration was reached")
    GOALS_REACHED = "goals_reached", pgettext_lazy("closure reason", "The goals were reached")
    NO_CLICK = "no_click", pgettext_lazy("closure reason", "No click between mentor and youth")
    MENTOR_TIME = "mentor_time", pgettext_lazy("closure reason", "The mentor has no time any more")
    MENTOR_MOVED = "moved", pgettext_lazy("closure reason", "Someone moved away")
    YOUTH_MOTIVATION = (
        "youth_motivation",
        pgettext_lazy("closure reason", "The youth no longer wants to take part"),
    )
    FAMILY = "family", pgettext_lazy("closure reason", "The family ended it")
    SAFETY = "safety", pgettext_lazy("closure reason", "A safety concern")
    OTHER_HELP = "other_help", pgettext_lazy("closure reason", "The youth needs other help")
    OTHER = "other", pgettext_lazy("closure reason", "Other")


class EndedBy(models.TextChoices):
    """CLS-1: who ended an early closure."""

    MENTOR = "mentor", pgettext_lazy("ended by", "The mentor")
    YOUTH = "youth", pgettext_lazy("ended by", "The youth")
    GUARDIAN = "guardian", pgettext_lazy("ended by", "The parents or guardians")
    PROGRAMME = "programme", pgettext_lazy("ended by", "The programme")
    MUTUAL = "mutual", pgettext_lazy("ended by", "Together")
