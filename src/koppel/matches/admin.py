from django.contrib import admin

from koppel.common.admin import AuditedModelAdmin
from koppel.matches.models import Match, MatchMentor


class MatchMentorInline(admin.TabularInline):
    """A match's mentors, read-only: a mentor joins a match only through a round or a pair by hand,
    which check every hard constraint (SCR-3, MAT-3..5)."""

    model = MatchMentor
    extra = 0
    raw_id_fields = ["mentor"]
    readonly_fields = ["mentor"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Match)
class MatchAdmin(AuditedModelAdmin):
    list_display = ["youth", "programme", "state", "started_on"]
    list_filter = ["programme", "state"]
    list_select_related = ["youth", "programme"]
    raw_id_fields = ["youth"]
    inlines = [MatchMentorInline]
    # The match's lifecycle (matches/domain/lifecycle.py) moves these, with its gates (AGR-1).
    governed_fields = (
        "programme",
        "youth",
        "state",
        "introduced_on",
        "introduced_by",
        "agreed_on",
        "started_on",
        "ended_on",
        "paused_since",
        "pause_reason",
    )

    def has_add_permission(self, request):
        # A match is proposed by a round or by hand, where every hard constraint is checked.
        return False

    def has_delete_permission(self, request, obj=None):
        # A match ends through its closure (CLS-1), which moves the youth and mentors on.
        return False
