"""Choices of the survey app: who answers, when, about which outcome domain (OUT-1, OUT-4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Respondent(models.TextChoices):
    YOUTH = "youth", pgettext_lazy("respondent", "Youth")
    MENTOR = "mentor", pgettext_lazy("respondent", "Mentor")
    GUARDIAN = "guardian", pgettext_lazy("respondent", "Parent or guardian")


class Moment(models.TextChoices):
    """When a survey is due. BASELINE is at intake; DURING is `months` after the match started;
    CLOSURE is when the match ends; FOLLOW_UP is `months` after it ended (OUT-2)."""

    BASELINE = "baseline", pgettext_lazy("survey moment", "Baseline (intake)")
    DURING = "during", pgettext_lazy("survey moment", "During the match")
    CLOSURE = "closure", pgettext_lazy("survey moment", "At closure")
    FOLLOW_UP = "follow_up", pgettext_lazy("survey moment", "Follow-up after closure")


class InstrumentKind(models.TextChoices):
    OUTCOMES = "outcomes", _("Outcomes (OUT-1)")
    RELATIONSHIP = "relationship", _("Relationship quality (OUT-4)")


class OutcomeDomain(models.TextChoices):
    """What a subscale measures. The first six are OUT-1's outcome domains, the next four OUT-4's
    aspects of relationship quality."""

    SCHOOL = "school", _("School attendance and attitude to school")
    SUBSTANCES = "substances", _("Alcohol and drug use")
    DELINQUENCY = "delinquency", _("Delinquent behaviour")
    PARENTS = "parents", _("Relationship with parents")
    EMOTIONAL_SUPPORT = "emotional_support", _("Experienced emotional support")
    HELPING = "helping", _("Attitude towards helping others")
    TRUST = "trust", _("Trust")
    CLOSENESS = "closeness", _("Closeness")
    SATISFACTION = "satisfaction", _("Satisfaction")
    YOUTH_CENTRED = "youth_centred", _("Youth-centredness")
    OTHER = "other", _("Other")


OUTCOME_DOMAINS = [
    OutcomeDomain.SCHOOL,
    OutcomeDomain.SUBSTANCES,
    OutcomeDomain.DELINQUENCY,
    OutcomeDomain.PARENTS,
    OutcomeDomain.EMOTIONAL_SUPPORT,
    OutcomeDomain.HELPING,
]
RELATIONSHIP_DOMAINS = [
    OutcomeDomain.TRUST,
    OutcomeDomain.CLOSENESS,
    OutcomeDomain.SATISFACTION,
    OutcomeDomain.YOUTH_CENTRED,
]
# Answers about these domains are visible to coordinators and administrators only, never to a
# mentor or guardian, and every read is in the access log.
SENSITIVE_DOMAINS = [OutcomeDomain.SUBSTANCES, OutcomeDomain.DELINQUENCY]


class ScoreMethod(models.TextChoices):
    MEAN = "mean", _("Mean of the answered items")
    SUM = "sum", _("Sum, scaled up for missing items")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("survey", "Not started")
    STARTED = "started", pgettext_lazy("survey", "Started")
    SUBMITTED = "submitted", pgettext_lazy("survey", "Submitted")
    EXPIRED = "expired", pgettext_lazy("survey", "Expired")
    CANCELLED = "cancelled", pgettext_lazy("survey", "Cancelled")


ANSWERABLE = [AssignmentStatus.OPEN, AssignmentStatus.STARTED]


class AlertReason(models.TextChoices):
    BELOW_THRESHOLD = "below_threshold", _("Relationship quality below the threshold")
    SHARP_DROP = "sharp_drop", _("Sharp drop in relationship quality")
