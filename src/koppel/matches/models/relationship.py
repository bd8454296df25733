"""The relationship and its support: meeting logs (REL-1, REL-5), holiday periods (REL-4), support
contacts (SUP-1, SUP-2), concerns, resources (SUP-3), and closure (CLS-1, OUT-2)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.common.fields import EncryptedTextField
from koppel.common.models import KoppelModel
from koppel.matches.enums import (
    ActivityKind,
    ClosureKind,
    ClosureReason,
    ConcernStatus,
    ContactAfterClosure,
    ContactChannel,
    ContactWith,
    EndedBy,
    HowItWent,
    Party,
    ResourceKind,
    ResourceTopic,
)
from koppel.matches.models.match import Match
from koppel.people.models import Guardian, Mentor
from koppel.programmes.enums import Location
from koppel.programmes.models import Organisation, Programme


class HolidayPeriod(KoppelModel):
    """A school holiday of a programme: no REL-1 alert for meetings missed then (REL-4)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("holiday period")
        verbose_name_plural = _("holiday periods")
        ordering = ["programme", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="holiday_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MeetingLog(KoppelModel):
    """A meeting of mentor and youth, logged by the mentor (REL-1, REL-5); the youth can confirm it."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="meetings")
    mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    place = models.CharField(_("place"), max_length=20, choices=Location.choices)
    activity = models.CharField(_("kind of activity"), max_length=10, choices=ActivityKind.choices)
    note = models.CharField(_("short note"), max_length=500, blank=True)
    how_it_went = models.CharField(_("how it went"), max_length=10, choices=HowItWent.choices)
    confirmed_by_youth_at = models.DateTimeField(_("confirmed by the youth at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["match", "-held_on", "-id"]
        indexes = [models.Index(fields=["match", "held_on"])]

    def __str__(self) -> str:
        return f"{self.match_id} {self.held_on}"


class SupportContact(KoppelModel):
    """A programme contact with the mentor, a guardian or the youth of a match (SUP-1, SUP-2)."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="support_contacts")
    held_on = models.DateField(_("date"))
    with_whom = models.CharField(_("with"), max_length=10, choices=ContactWith.choices)
    mentor = models.ForeignKey(Mentor, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    guardian = models.ForeignKey(Guardian, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField(_("how"), max_length=10, choices=ContactChannel.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True, help_text=_("SUP-2"))
    notes = models.TextField(_("notes"), blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("support contact")
        verbose_name_plural = _("support contacts")
        ordering = ["match", "-held_on", "-id"]
        indexes = [models.Index(fields=["match", "with_whom", "held_on"])]

    def __str__(self) -> str:
        return f"{self.match_id} {self.with_whom} {self.held_on}"


class Concern(KoppelModel):
    """A concern about safety or wellbeing raised by a youth, guardian, mentor or staff member; it
    reaches the programme's coordinators at once and is closed with a recorded outcome."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="concerns")
    match = models.ForeignKey(
        Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_as = models.CharField(
        _("raised by"), max_length=10, choices=[*Party.choices, ("staff", _("Staff"))]
    )
    text = EncryptedTextField(_("what is the concern"))
    status = models.CharField(
        _("status"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    outcome = EncryptedTextField(_("outcome"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ConcernStatus.CLOSED) | ~models.Q(outcome=""),
                name="closed_concern_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.get_status_display()}"


class Resource(KoppelModel):
    """An item of the resource library (SUP-3), for mentors, youth and/or guardians."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="resources")
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("only for programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=ResourceTopic.choices)
    url = models.URLField(_("web address"), blank=True)
    description = models.TextField(_("description"), blank=True)
    for_mentors = models.BooleanField(_("for mentors"), default=True)
    for_youth = models.BooleanField(_("for youth"), default=False)
    for_guardians = models.BooleanField(_("for parents and guardians"), default=False)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["topic", "title"]

    def __str__(self) -> str:
        return self.title


class Closure(KoppelModel):
    """How a match ended (CLS-1): planned or early, why and, when early, who ended it; the agreed
    contact afterwards; and the follow-up about a year later (OUT-2)."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="closure")
    kind = models.CharField(_("kind"), max_length=10, choices=ClosureKind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=ClosureReason.choices)
    ended_by = models.CharField(_("ended by"), max_length=10, choices=EndedBy.choices, blank=True)
    reason_note = models.CharField(_("about the reason"), max_length=500, blank=True)
    ends_on = models.DateField(_("last day"))
    early = models.BooleanField(_("ended before the agreed duration"), default=False)
    contact_after = models.CharField(
        _("contact after the match ends"), max_length=20, choices=ContactAfterClosure.choices
    )
    contact_after_note = models.CharField(_("about contact afterwards"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True, help_text=_("OUT-2"))
    follow_up_done_on = models.DateField(
        _("follow-up done on"),
        null=True,
        blank=True,
        help_text=_("OUT-2: the follow-up survey was submitted."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=ClosureKind.EARLY) | ~models.Q(ended_by=""),
                name="early_closure_says_who_ended_it",
            )
        ]

    def __str__(self) -> str:
        return f"{self.match_id}: {self.get_reason_display()}"


class ClosureConversation(KoppelModel):
    """The closure conversation with one party, with their exit questionnaire (CLS-1)."""

    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="conversations")
    party = models.CharField(_("with"), max_length=10, choices=Party.choices)
    mentor = models.ForeignKey(Mentor, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    guardian = models.ForeignKey(Guardian, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"), blank=True)
    went_well = models.TextField(_("what went well"), blank=True)
    could_be_better = models.TextField(_("what could have been better"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("how was it, all in all (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    would_recommend = models.BooleanField(_("would recommend the programme"), null=True, blank=True)

    class Meta:
        verbose_name = _("closure conversation")
        verbose_name_plural = _("closure conversations")
        ordering = ["closure", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.closure_id} {self.party}"
