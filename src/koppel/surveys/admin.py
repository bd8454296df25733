"""The Django admin for surveys: instruments are read-only here (they are loaded from definition
files, see docs/surveys.md); answers are not shown at all (sensitive, and read through staff pages
that write the access log)."""

from django.contrib import admin

from koppel.common.admin import AuditedModelAdmin
from koppel.surveys.models import Instrument, Item, QualityAlert, Subscale, SurveySchedule


class SubscaleInline(admin.TabularInline):
    model = Subscale
    extra = 0
    can_delete = False
    fields = ["position", "key", "domain", "method", "min_answered", "threshold", "drop", "sensitive"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    can_delete = False
    fields = ["position", "key", "subscale", "scale", "text_nl", "reverse", "sensitive"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(AuditedModelAdmin):
    list_display = ["key", "revision", "kind", "organisation", "active"]
    list_filter = ["kind", "active", "organisation"]
    search_fields = ["key", "name_nl", "name_en"]
    fields = ["key", "revision", "kind", "organisation", "name_nl", "name_en", "licence_name", "active"]
    readonly_fields = ["key", "revision", "kind", "organisation", "name_nl", "name_en", "licence_name"]
    inlines = [SubscaleInline, ItemInline]

    def has_add_permission(self, request):
        return False


@admin.register(SurveySchedule)
class SurveyScheduleAdmin(AuditedModelAdmin):
    list_display = ["programme", "instrument", "respondent", "moment", "months", "active"]
    list_filter = ["programme", "moment", "respondent", "active"]
    list_select_related = ["programme", "instrument"]


@admin.register(QualityAlert)
class QualityAlertAdmin(AuditedModelAdmin):
    list_display = ["match", "reason", "value", "threshold", "previous", "created_at", "handled_at"]
    list_filter = ["reason"]
    raw_id_fields = ["match", "score", "handled_by"]
    readonly_fields = ["match", "score", "reason", "value", "threshold", "previous"]
