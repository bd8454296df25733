from django.contrib import admin

from koppel.common.admin import AuditedModelAdmin
from koppel.people.domain.disqualification import FROZEN_WHEN_DISQUALIFIED
from koppel.people.enums import MentorStatus
from koppel.people.models import Guardian, Guardianship, Interest, Mentor, Youth


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_nl", "name_en"]


class ErasureAwareAdmin(AuditedModelAdmin):
    """An erased person (GDPR art. 17, koppel.privacy.domain.erasure) is read-only here: nothing can
    be typed back into the row. A person who was ever in a match, or was erased, is not deleted here
    either: erasure is the one way their data goes (it keeps the reports, cleans the audit trail and
    records the ledger that a restored backup replays)."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.erased_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def _in_a_match(self, obj) -> bool:
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.erased_at is not None or self._in_a_match(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def deletable(self, queryset):
        return queryset.filter(erased_at=None)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, self.deletable(queryset))


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    extra = 0
    autocomplete_fields = ["guardian", "youth"]


@admin.register(Mentor)
class MentorAdmin(ErasureAwareAdmin):
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

    def _in_a_match(self, obj) -> bool:
        return obj.match_mentors.exists()

    def deletable(self, queryset):
        return (
            super().deletable(queryset).exclude(status=MentorStatus.DISQUALIFIED).filter(match_mentors=None)
        )


@admin.register(Youth)
class YouthAdmin(ErasureAwareAdmin):
    list_display = ["last_name", "first_name", "programme", "status"]
    list_filter = ["programme", "status"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["programme"]
    raw_id_fields = ["user", "coordinator"]
    inlines = [GuardianshipInline]
    # The youth's status table (people/domain/youth_status.py) moves these.
    governed_fields = ("status", "waiting_since")

    def _in_a_match(self, obj) -> bool:
        return obj.matches.exists()

    def deletable(self, queryset):
        return super().deletable(queryset).filter(matches=None)


@admin.register(Guardian)
class GuardianAdmin(ErasureAwareAdmin):
    list_display = ["last_name", "first_name", "organisation"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]
    inlines = [GuardianshipInline]
