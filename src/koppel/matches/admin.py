from django.contrib import admin

from koppel.common.admin import AuditedModelAdmin
from koppel.matches.models import Match, MatchMentor


class MatchMentorInline(admin.TabularInline):
    model = MatchMentor
    extra = 0
    raw_id_fields = ["mentor"]


@admin.register(Match)
class MatchAdmin(AuditedModelAdmin):
    list_display = ["youth", "programme", "state", "started_on"]
    list_filter = ["programme", "state"]
    list_select_related = ["youth", "programme"]
    raw_id_fields = ["youth"]
    inlines = [MatchMentorInline]
