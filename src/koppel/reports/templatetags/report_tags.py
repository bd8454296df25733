"""Template filters for report tables (`staff/reports/_table.html`)."""

from datetime import date
from numbers import Number

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from koppel.reports.domain.tables import SUPPRESSED, Table

register = template.Library()


@register.filter
def report_cell(value, table: Table | None = None) -> str:
    """One cell as people read it: SUPPRESSED as "fewer than N" (N from the table's meta
    `min_group`), None as a dash, decimals with one digit in the page's language."""
    if value is SUPPRESSED:
        n = (table.meta.get("min_group") if table is not None else None) or ""
        return _("fewer than %(n)s") % {"n": n} if n else _("too few to show")
    if value is None or value == "":
        return "\u2013"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return formats.number_format(value, 1, use_l10n=True)
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


@register.filter
def is_number(value) -> bool:
    """For right-aligning numeric cells (a suppressed cell is a number hidden)."""
    return value is SUPPRESSED or (isinstance(value, Number) and not isinstance(value, bool))


@register.filter
def is_suppressed(value) -> bool:
    return value is SUPPRESSED
