from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from koppel.common.admin import AuditedModelAdmin
from koppel.programmes.domain.programmes import ensure_programme_settings
from koppel.programmes.models import (
    Administrator,
    Coordinator,
    Organisation,
    Programme,
    ProgrammeSettings,
)


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug"]}),
        (_("Privacy statement"), {"fields": ["privacy_email", "privacy_officer", "postal_address", "town"]}),
        (
            _("Accessibility statement"),
            {
                "fields": [
                    "accessibility_email",
                    "accessibility_evaluated_on",
                    "accessibility_status",
                    "accessibility_limitations",
                ]
            },
        ),
    ]


@admin.register(Programme)
class ProgrammeAdmin(AuditedModelAdmin):
    list_display = ["name", "organisation", "kind", "form", "is_active"]
    list_filter = ["kind", "form", "is_active"]
    list_select_related = ["organisation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # Settings come from the factsheet; coordinators change them on the settings page.
            ensure_programme_settings(obj)


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
