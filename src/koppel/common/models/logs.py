from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """No bulk update or delete of log rows from the application: the retention purge
    (common/domain/retention.py) is the one way rows leave, and the database refuses any other
    (common/guards.py). Deleting a user still clears the user column (`on_delete=SET_NULL`) through
    Django's collector; the row keeps the label written with it."""

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    delete.queryset_only = True  # type: ignore[attr-defined]

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    """A log row is written once and never changed or deleted from the application."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class ActivityLog(AppendOnlyModel):
    """Who changed what, when: ids and field names only, never copies of (sensitive) values."""

    timestamp = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who it was, written with the row and kept when the user is deleted: see `actor_label`.
    actor_label = models.CharField(_("who (as recorded)"), max_length=200, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    fields = models.JSONField(_("fields"), default=list, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-timestamp"])]

    def __str__(self) -> str:
        return f"{self.action} #{self.object_id}"

    @property
    def who(self) -> str:
        """The actor, or the label recorded with the row once their account is gone."""
        return str(self.actor) if self.actor_id is not None else self.actor_label


class AccessLog(AppendOnlyModel):
    """Every view of a person's page: who viewed whom, when, on which page."""

    timestamp = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    viewer_label = models.CharField(_("viewer (as recorded)"), max_length=200, blank=True, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    page = models.CharField(_("page"), max_length=100)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-timestamp"])]

    def __str__(self) -> str:
        return f"{self.page} #{self.object_id}"

    @property
    def who(self) -> str:
        """The viewer, or the label recorded with the row once their account is gone."""
        return str(self.viewer) if self.viewer_id is not None else self.viewer_label


class LogPurge(models.Model):
    """The permit the retention purge holds while it deletes log rows.

    The database refuses to delete a log row unless a row here, inserted and removed again in the
    purge's own transaction (so no other connection ever sees it), allows rows that old to go. Only
    `koppel.common.domain.retention.purge_logs` writes here.
    """

    before = models.DateTimeField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"purge before {self.before:%Y-%m-%d}"


class LogRedaction(models.Model):
    """The permit an erasure holds while it rewrites the label and details of named log rows.

    The database refuses to change the recorded label ("who") or the details of a log row unless a
    row here names that very log row, inserted and removed again in the erasure's own transaction (so
    no other connection ever sees it). Nothing else of a log row can change, permit or not. Only
    `koppel.common.domain.retention.redact_logs` writes here.
    """

    log_table = models.CharField(max_length=40)
    row_id = models.PositiveBigIntegerField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["log_table", "row_id"])]

    def __str__(self) -> str:
        return f"redact {self.log_table} #{self.row_id}"
