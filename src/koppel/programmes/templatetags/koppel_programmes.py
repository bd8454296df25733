"""Template filters of the programme pages."""

from django import template
from django.utils.translation import gettext_lazy as _

from koppel.programmes.models import ProgrammeSettings

register = template.Library()


@register.filter
def setting_rows(programme_settings: ProgrammeSettings) -> list[dict[str, object]]:
    """Each practice rule's setting with its value, rule ID and the factsheet's value."""
    rows: list[dict[str, object]] = []
    for name, (rule, factsheet) in ProgrammeSettings.RULES.items():
        field = programme_settings._meta.get_field(name)
        value = getattr(programme_settings, name)
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        # A setting the factsheet says nothing about: never shown as its value.
        shown = ProgrammeSettings.source_text(name) if factsheet is None else factsheet
        label = getattr(field, "verbose_name", name)  # a concrete field of the settings
        rows.append({"label": label, "value": value, "rule": rule, "factsheet": shown})
    return rows
