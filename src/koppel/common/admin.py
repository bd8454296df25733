from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from koppel.common.domain.audit import log_action, log_actions_bulk
from koppel.common.models import AccessLog, ActivityLog, OutgoingMail


class AuditedModelAdmin(admin.ModelAdmin):
    """Changes made in the Django admin are audited like changes made anywhere else.

    `governed_fields` are changed only by the domain functions that check their transition table and
    gates (a mentor's pipeline status, a youth's status, a match's state): the admin shows them,
    read-only, so no gate is skipped there.
    """

    governed_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.governed_fields)

    def save_model(self, request, obj, form, change):
        if change:
            # Only the fields changed on the form (and the version), so a status moved by a domain
            # function meanwhile is never written back with the value this form was loaded with.
            obj.version = obj.version + 1
            concrete = {f.name for f in obj._meta.concrete_fields}
            stamps = ["updated_at"] if "updated_at" in concrete else []
            obj.save(update_fields=[*(n for n in form.changed_data if n in concrete), "version", *stamps])
        else:
            super().save_model(request, obj, form, change)
        verb = "changed" if change else "created"
        fields = (
            form.changed_data if change else form.changed_data or [f.name for f in obj._meta.concrete_fields]
        )
        if fields:
            log_action(
                obj,
                f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}",
                by=request.user,
                fields=fields,
                data={"via": "admin"},
            )

    def save_formset(self, request, form, formset, change):
        """Inline rows (a youth's guardianships, say) are audited like the object they belong to."""

        def log(obj, verb, fields=()):
            action = f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"
            log_action(obj, action, by=request.user, fields=fields, data={"via": "admin"})

        for deleted in formset.deleted_forms:  # before the rows and their ids are gone
            if deleted.instance.pk is not None:
                log(deleted.instance, "deleted")
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            log(obj, "created", [f.name for f in obj._meta.concrete_fields])
        for obj, fields in formset.changed_objects:
            log(obj, "changed", fields)

    def delete_model(self, request, obj):
        log_action(
            obj,
            f"{obj._meta.app_label}.{obj._meta.model_name}.deleted",
            by=request.user,
            data={"via": "admin"},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):

        objs = list(queryset)
        if objs:
            log_actions_bulk(
                objs,
                f"{objs[0]._meta.app_label}.{objs[0]._meta.model_name}.deleted",
                by=request.user,
            )
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows to read in the admin, never to add, change or delete there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyLogAdmin(ReadOnlyAdmin):
    list_display = ["timestamp", "content_type", "object_id"]
    list_filter = ["content_type"]
    date_hierarchy = "timestamp"


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyLogAdmin):
    list_display = ["timestamp", "actor", "action", "content_type", "object_id", "fields"]
    list_select_related = ["actor", "content_type"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLogAdmin):
    list_display = ["timestamp", "viewer", "page", "content_type", "object_id"]
    list_select_related = ["viewer", "content_type"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    """The outbox, to read only: what went out or is failing. The body (it can hold a personal
    link) is never shown; failing mail is retried from the staff page for reminders."""

    list_display = ["created_at", "log_ref", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status"]
    date_hierarchy = "created_at"
    exclude = ["body"]
    # What the mail is first, then its delivery (ClaimedSend's fields would otherwise come first).
    fields = [
        "to",
        "language",
        "subject",
        "log_ref",
        "programme_id",
        "message_id",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_by",
        "claimed_at",
        "sent_at",
        "last_error",
    ]
    search_fields = ["log_ref", "message_id"]
