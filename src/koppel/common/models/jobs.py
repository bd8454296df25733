"""What a row needs that a background worker claims: a job it runs (a match round, an export), or a
message it sends (a mail, a reminder)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimedJob(models.Model):
    """The fields the periodic command reads to notice a worker that stopped (see
    koppel.common.domain.jobs): which run holds the job, its last sign of life, and how often a
    worker took it up. The row also has `status` (queued, running, done, failed), `progress`, `error`,
    `created_at` and `finished_at` of its own."""

    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)

    class Meta:
        abstract = True


class ClaimedSend(models.Model):
    """The fields of a message a worker claims and sends, retried with a back-off until the model's
    MAX_ATTEMPTS (an outgoing mail, a reminder): the attempts so far and when the next one is due,
    which run holds it and since when (the start of its lease), when it went out and the last error
    (never an address or a text). The row also has a `status` of its own (waiting, sending, sent,
    failed)."""

    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True
