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
        if factsheet is None:  # a setting the factsheet says nothing about: never shown as its value
            factsheet = ProgrammeSettings.source_text(name)
        rows.append({"label": field.verbose_name, "value": value, "rule": rule, "factsheet": factsheet})
    return rows
