from django.contrib import admin

from koppel.common.admin import AuditedModelAdmin
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


@admin.register(Youth)
class YouthAdmin(AuditedModelAdmin):
    list_display = ["last_name", "first_name", "programme", "status"]
    list_filter = ["programme", "status"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["programme"]
    raw_id_fields = ["user", "coordinator"]
    inlines = [GuardianshipInline]


@admin.register(Guardian)
class GuardianAdmin(AuditedModelAdmin):
    list_display = ["last_name", "first_name", "organisation"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]
    inlines = [GuardianshipInline]
