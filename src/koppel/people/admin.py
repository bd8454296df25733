from django.contrib import admin

from koppel.common.admin import AuditedModelAdmin
from koppel.people.domain.disqualification import FROZEN_WHEN_DISQUALIFIED
from koppel.people.enums import MentorStatus
from koppel.people.models import Guardian, Guardianship, Interest, Mentor, Youth


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_nl", "name_en"]


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    extra = 0
    autocomplete_fields = ["guardian", "youth"]


@admin.register(Mentor)
class MentorAdmin(AuditedModelAdmin):
    list_display = ["last_name", "first_name", "programme", "status"]
    list_filter = ["programme", "status"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["programme"]
    raw_id_fields = ["user", "coordinator"]
    # The pipeline (people/domain/pipeline.py) moves these; SCR-3 keeps a disqualification final.
    governed_fields = ("status", "disqualification_reason")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.status == MentorStatus.DISQUALIFIED:
            fields = (*fields, *FROZEN_WHEN_DISQUALIFIED)  # SCR-3: found again if they apply anew
        return fields

    def has_delete_permission(self, request, obj=None):
        # SCR-3: deleting a disqualified mentor would let them apply again as someone new.
        if obj is not None and obj.status == MentorStatus.DISQUALIFIED:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.exclude(status=MentorStatus.DISQUALIFIED))


@admin.register(Youth)
class YouthAdmin(AuditedModelAdmin):
    list_display = ["last_name", "first_name", "programme", "status"]
    list_filter = ["programme", "status"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["programme"]
    raw_id_fields = ["user", "coordinator"]
    inlines = [GuardianshipInline]
    # The youth's status table (people/domain/youth_status.py) moves these.
    governed_fields = ("status", "waiting_since")


@admin.register(Guardian)
class GuardianAdmin(AuditedModelAdmin):
    list_display = ["last_name", "first_name", "organisation"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]
    inlines = [GuardianshipInline]
