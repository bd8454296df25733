from django.contrib import admin

from koppel.common.admin import AuditedModelAdmin
from koppel.programmes.models import (
    Administrator,
    Coordinator,
    Organisation,
    Programme,
    ProgrammeSettings,
)


class SettingsInline(admin.StackedInline):
    model = ProgrammeSettings
    can_delete = False


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(AuditedModelAdmin):
    list_display = ["name", "organisation", "kind", "form", "is_active"]
    list_filter = ["kind", "form", "is_active"]
    list_select_related = ["organisation"]


@admin.register(ProgrammeSettings)
class ProgrammeSettingsAdmin(AuditedModelAdmin):
    list_display = ["programme", "pre_match_training_hours", "min_duration_months", "vog_required"]
    list_select_related = ["programme"]


@admin.register(Coordinator)
class CoordinatorAdmin(AuditedModelAdmin):
    list_display = ["user", "programme", "caseload_limit"]
    list_select_related = ["user", "programme"]
    autocomplete_fields = ["user"]


@admin.register(Administrator)
class AdministratorAdmin(AuditedModelAdmin):
    list_display = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user"]
