from django.contrib import admin

from koppel.common.admin import AuditedModelAdmin
from koppel.training.models import ExternalHours, Module, PeerGroup, PeerSession, Registration, Session


@admin.register(Module)
class ModuleAdmin(AuditedModelAdmin):
    list_display = ["code", "title_nl", "title_en", "audience", "rule", "default_hours", "active"]
    list_filter = ["audience", "rule", "active"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ["mentor", "youth", "guardian"]


@admin.register(Session)
class SessionAdmin(AuditedModelAdmin):
    list_display = ["title", "programme", "audience", "starts_at", "duration_hours", "capacity"]
    list_filter = ["programme", "audience"]
    list_select_related = ["programme"]
    filter_horizontal = ["modules"]
    inlines = [RegistrationInline]


@admin.register(ExternalHours)
class ExternalHoursAdmin(AuditedModelAdmin):
    list_display = ["mentor", "date", "hours", "kind"]
    list_filter = ["kind"]
    list_select_related = ["mentor"]
    raw_id_fields = ["mentor"]


@admin.register(PeerGroup)
class PeerGroupAdmin(AuditedModelAdmin):
    list_display = ["name", "programme", "facilitator"]
    list_filter = ["programme"]
    list_select_related = ["programme", "facilitator"]
    raw_id_fields = ["members"]


@admin.register(PeerSession)
class PeerSessionAdmin(AuditedModelAdmin):
    list_display = ["group", "date", "duration_hours", "topic"]
    list_select_related = ["group"]
    raw_id_fields = ["attendees"]
