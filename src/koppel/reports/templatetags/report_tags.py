"""Template filters and tags for report tables (`staff/reports/_table.html`) and figures."""

from datetime import date
from numbers import Number

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from koppel.common.formatting import figure
from koppel.reports.domain.suppression import hidden_text, table_hidden_text
from koppel.reports.domain.tables import SUPPRESSED, Table

register = template.Library()


@register.simple_tag
def report_cell(value, table: Table | None = None, row: int | None = None) -> str:
    """One cell as people read it: SUPPRESSED as "hidden: fewer than 5 matches" (the smallest
    group and what it counts from the table's meta, for row `row`), None as a dash, decimals
    rounded half away from zero to one digit in the page's language (2,8)."""
    if value is SUPPRESSED:
        return table_hidden_text(table, row) if table is not None else hidden_text(None)
    if value is None or value == "":
        return "\u2013"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return figure(value, 1)
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
