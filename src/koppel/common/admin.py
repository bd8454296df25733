from django.contrib import admin

from koppel.common.domain.audit import log_action
from koppel.common.models import AccessLog, ActivityLog


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
            obj.version = obj.version + 1
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

    def delete_model(self, request, obj):
        log_action(
            obj,
            f"{obj._meta.app_label}.{obj._meta.model_name}.deleted",
            by=request.user,
            data={"via": "admin"},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        from koppel.common.domain.audit import log_actions_bulk

        objs = list(queryset)
        if objs:
            log_actions_bulk(
                objs,
                f"{objs[0]._meta.app_label}.{objs[0]._meta.model_name}.deleted",
                by=request.user,
            )
        super().delete_queryset(request, queryset)


class ReadOnlyLogAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "content_type", "object_id"]
    list_filter = ["content_type"]
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyLogAdmin):
    list_display = ["timestamp", "actor", "action", "content_type", "object_id", "fields"]
    list_select_related = ["actor", "content_type"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLogAdmin):
    list_display = ["timestamp", "viewer", "page", "content_type", "object_id"]
    list_select_related = ["viewer", "content_type"]
