"""A request for a copy of everything Koppel holds about one person (GDPR/AVG art. 15 and 20).

The archive (a ZIP: a readable summary, the data as JSON and one CSV per section) is built in the
background like an export (ClaimedJob: the claim, its heartbeat, the attempts) and kept in the
database until `expires_at`; then the periodic command wipes it and the row stays as the record
that the request was made and answered."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koppel.common.models import ClaimedJob
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.models import Organisation


class AccessStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("access request", "Waiting")
    RUNNING = "running", pgettext_lazy("access request", "Being prepared")
    DONE = "done", pgettext_lazy("access request", "Ready")
    FAILED = "failed", pgettext_lazy("access request", "Failed")
    EXPIRED = "expired", pgettext_lazy("access request", "Removed after the download period")


OPEN_STATUSES = (AccessStatus.QUEUED, AccessStatus.RUNNING)


class AccessRequest(ClaimedJob):
    """One request for a person's data: exactly one of mentor, youth or guardian is the subject."""

    # The archive can be downloaded for this many days after it is ready. Long enough for a person
    # who reads their mail once a week; short enough that a copy of a whole file does not linger.
    KEEP_DAYS = 14

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    youth = models.ForeignKey(
        Youth,
        verbose_name=pgettext_lazy("one person", "youth"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    guardian = models.ForeignKey(
        Guardian,
        verbose_name=_("parent or guardian"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_behalf = models.ForeignKey(
        Guardian,
        verbose_name=_("asked by the parent or guardian"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A parent with parental authority asking for the data of a child under 16."),
    )
    from_portal = models.BooleanField(_("asked in the portal"), default=False)
    language = models.CharField(_("language"), max_length=8, default="nl")
    status = models.CharField(
        _("status"), max_length=10, choices=AccessStatus.choices, default=AccessStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.CharField(_("error"), max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("first downloaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mentor__isnull=False, youth__isnull=True, guardian__isnull=True)
                | models.Q(mentor__isnull=True, youth__isnull=False, guardian__isnull=True)
                | models.Q(mentor__isnull=True, youth__isnull=True, guardian__isnull=False),
                name="access_request_has_one_subject",
            ),
            # One open request per subject and requester (the domain function says so first).
            *(
                models.UniqueConstraint(
                    fields=["requested_by", kind],
                    condition=models.Q(status__in=OPEN_STATUSES),
                    name=f"one_open_access_request_per_{kind}",
                )
                for kind in ("mentor", "youth", "guardian")
            ),
        ]

    def __str__(self) -> str:
        return f"{_('access request')} #{self.pk}"

    @property
    def subject(self) -> Mentor | Youth | Guardian:
        subject = self.mentor or self.youth or self.guardian
        if subject is None:  # the check constraint keeps this from happening
            raise ValueError("an access request without a subject")
        return subject

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
