"""An export run in the background: its progress, and the file when done."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koppel.common.models import ClaimedJob
from koppel.programmes.models import Organisation, Programme


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    PDF = "pdf", "PDF"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export", "Waiting")
    RUNNING = "running", pgettext_lazy("export", "Running")
    DONE = "done", pgettext_lazy("export", "Ready")
    FAILED = "failed", pgettext_lazy("export", "Failed")


class ExportJob(ClaimedJob):
    """One requested export. Only the person who asked for it downloads it; the file is kept in the
    database (reports are small; the largest data export is a few megabytes) and removed after
    `KEEP_DAYS`. A worker claims it (ClaimedJob: the claim, its heartbeat, the attempts)."""

    KEEP_DAYS = 7

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    report = models.CharField(_("report"), max_length=30)
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, default="nl")
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.CharField(_("error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.report}.{self.format} #{self.pk}"
