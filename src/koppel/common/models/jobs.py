"""What a row needs that a background worker claims and runs (a match round, an export)."""

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
