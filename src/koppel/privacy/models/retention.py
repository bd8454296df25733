"""The retention schedule's per-organisation state: a changed period with its reason, each preview and
purge that ran, and the items waiting in the preview for their notice period to pass.

A preview item names its object by content type and id only: never a name or a copy of what goes."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.privacy.enums import RetentionRule
from koppel.programmes.models import Organisation


class RetentionOverride(KoppelModel):
    """An organisation's own period for one rule, instead of the schedule's default, and why."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=30, choices=RetentionRule.choices)
    months = models.PositiveSmallIntegerField(_("period (months)"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["organisation", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "rule"], name="one_retention_override_per_rule"),
            models.CheckConstraint(
                condition=models.Q(months__gt=0), name="retention_override_months_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.months}"


class RetentionRun(models.Model):
    """One preview or one purge of an organisation's retention schedule, with its counts per rule."""

    class Kind(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        PURGE = "purge", _("Purge")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    ran_at = models.DateTimeField(_("ran at"), default=timezone.now)
    today = models.DateField(_("for the day"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # rule code -> number of items (a purge: applied); a purge also "refused" -> items left for a person.
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-ran_at", "-id"]
        indexes = [models.Index(fields=["organisation", "kind", "-ran_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.today}"

    @property
    def total(self) -> int:
        return sum(n for rule, n in self.counts.items() if rule in RetentionRule.values)


class RetentionPreviewItem(models.Model):
    """One object a rule will apply to, since when it is in the preview, and when its clock started.

    It is purged once it has been in the preview for RETENTION_NOTICE_DAYS; an object that no longer
    qualifies (the person came back, a new match) is dropped from the preview and never purged."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=30, choices=RetentionRule.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    since = models.DateField(_("clock started on"))
    first_previewed_on = models.DateField(_("first in the preview on"))
    last_previewed_on = models.DateField(_("last in the preview on"))

    class Meta:
        verbose_name = _("retention preview item")
        verbose_name_plural = _("retention preview")
        ordering = ["organisation", "rule", "first_previewed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "rule", "content_type", "object_id"],
                name="one_preview_item_per_object",
            )
        ]
        indexes = [models.Index(fields=["organisation", "rule", "first_previewed_on"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.content_type_id}:{self.object_id}"
