"""Reusable querysets of programmes."""

from django.db.models import QuerySet

from koppel.programmes.models import Programme


def active_programmes() -> QuerySet[Programme]:
    """The programmes that run (a closed programme gets no reminders), with their settings."""
    return Programme.objects.filter(is_active=True).select_related("settings")
