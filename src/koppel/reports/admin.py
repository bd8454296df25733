"""Exports in the Django admin: read-only, for support (is a job stuck, did it fail). The file itself
is not shown: only its requester downloads it, on `staff:export_download`."""

from django.contrib import admin

from koppel.reports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "report", "format", "status", "progress", "rows", "requested_by", "created_at"]
    list_filter = ["status", "report", "format"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"
    fields = [
        "requested_by",
        "organisation",
        "programme",
        "report",
        "format",
        "params",
        "language",
        "status",
        "progress",
        "filename",
        "content_type",
        "rows",
        "error",
        "created_at",
        "finished_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
