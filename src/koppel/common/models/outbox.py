"""The outbox: every mail Koppel sends is a row here first, delivered by the worker."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koppel.common.models.jobs import ClaimedSend


class MailStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("mail", "Waiting to be sent")
    SENDING = "sending", pgettext_lazy("mail", "Being sent")
    SENT = "sent", pgettext_lazy("mail", "Sent")
    FAILED = "failed", pgettext_lazy("mail", "Failed, will not be retried")


class OutgoingMail(ClaimedSend):
    """One mail to one recipient, rendered in their language when it was queued.

    The request (or command) that has something to say writes this row in its own transaction; the
    worker delivers it. Delivery claims the row with one conditional UPDATE (queued and due ->
    sending, with `claimed_at` as the start of a lease); a failure puts it back to queued with a later
    `next_attempt_at` until `MAX_ATTEMPTS`, then "failed", where administrators see it. `message_id`
    is made once, so a mail sent again after a crash carries the same Message-ID header. After
    sending, the body (it can hold a personal link) is wiped.
    """

    MAX_ATTEMPTS = 6

    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    # What the mail is about, for logs and the administrators' page: ids, never personal data.
    log_ref = models.CharField(_("about"), max_length=200)
    # The programme the mail belongs to (None for account mails): which administrators see it.
    programme_id = models.PositiveBigIntegerField(null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.log_ref} ({self.status})"
