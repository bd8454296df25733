"""Reminders by e-mail, each claimed in the database before it is sent."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koppel.common.models.jobs import ClaimedSend


class ReminderKind(models.TextChoices):
    CONSENT_PENDING = "consent_pending", pgettext_lazy("reminder", "Consent pending")
    MEETING_NOT_LOGGED = "meeting_not_logged", pgettext_lazy("reminder", "No meeting logged")
    SUPPORT_DUE = "support_due", pgettext_lazy("reminder", "Support contact due")
    TRAINING_HOURS = "training_hours", pgettext_lazy("reminder", "Training hours")
    VOG_RENEWAL = "vog_renewal", pgettext_lazy("reminder", "Certificate of conduct renewal")
    SURVEY_DUE = "survey_due", pgettext_lazy("reminder", "Survey due")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("reminder", "Waiting to be sent")
    SENDING = "sending", pgettext_lazy("reminder", "Being sent")
    SENT = "sent", pgettext_lazy("reminder", "Sent")
    FAILED = "failed", pgettext_lazy("reminder", "Failed, will not be retried")
    SKIPPED = "skipped", pgettext_lazy("reminder", "No longer needed")


class Reminder(ClaimedSend):
    """One reminder to one recipient about one thing.

    `key` makes it unique (kind, object and period), so the periodic command can propose the same
    reminder every run without creating it twice. A worker claims a reminder with one UPDATE
    (pending and due -> sending); only the worker whose UPDATE changed the row sends it. A failed send
    goes back to pending with a later `next_attempt_at` (back-off) until `MAX_ATTEMPTS`, then "failed",
    where it shows on the administrators' page.
    """

    MAX_ATTEMPTS = 6

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    context = models.JSONField(_("context"), default=dict, blank=True)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-due_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
