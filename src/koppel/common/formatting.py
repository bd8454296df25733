"""Numbers and dates as people read them, in the active language: the one place that rounds a
figure and writes a day, so that every page, chart, PDF, mail and domain message says the same.

- **Numbers** are rounded half away from zero (2.25 -> 2.3, -2.25 -> -2.3) on their decimal value
  (the float 2.675 is 2.675, not 2.67499...), never shown as "-0", and written with the active
  language's decimal sign (2,3 in Dutch, 2.3 in English). Django's `number_format` cuts digits off
  instead of rounding (2.78 -> "2,7"), so nothing should call it with `decimal_pos` but `figure`.
- **Days** show their year only when it is not the current one ("18 December", "18 December
  2025"); `ago` says how long ago a day was ("3 weeks ago") where that helps the reader.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Number = int | float | Decimal


def _decimal(value: Number | str) -> Decimal:
    """The decimal value of `value`: a float by its shortest representation (repr), so that 2.675
    rounds as 2.675 and not as the binary 2.67499...; a string as written ("7.5")."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value).strip())


def rounded_decimal(value: Number | str, decimals: int = 0) -> Decimal:
    """`value` rounded half away from zero to `decimals` places, without a negative zero."""
    exact = _decimal(value)
    result = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(result) if result == 0 else result


def rounded(value: Number, decimals: int = 0) -> float:
    """`value` rounded half away from zero, as a float (for figures handed to tables and charts:
    Python's round() rounds 0.25 to 0.2)."""
    return float(rounded_decimal(value, decimals))


def figure(value: Number | str, decimals: int = 1, *, trim: bool = False) -> str:
    """A number as a reader sees it: rounded half away from zero to `decimals` places, in the active
    language (2,8 in Dutch), never "-0". With `trim`, trailing zeros go (3,25 / 3,2 / 3): for places
    that show "up to" `decimals` decimals."""
    number = rounded_decimal(value, decimals)
    places = decimals
    if trim:
        number = number.normalize()
        places = max(0, -number.as_tuple().exponent)  # type: ignore[operator]
        number = number.quantize(Decimal(1).scaleb(-places))
    return formats.number_format(number, decimal_pos=places, use_l10n=True)


def decimal_text(value: Number | str | None) -> str:
    """A quantity such as hours or kilometres in a sentence: as many decimals as it has (at most
    two), none when it is whole, in the active language ("0,5", "2", "7,5"). Text that is no
    number (an old stored value) is returned as it is."""
    if value is None or value == "":
        return ""
    try:
        return figure(value, 2, trim=True)
    except (InvalidOperation, ValueError):
        return str(value)


# -- days -----------------------------------------------------------------------------------------


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def day(value: date | datetime | None, *, today: date | None = None) -> str:
    """A day in words, with its year only when that is not this year: "18 December" this year,
    "18 December 2025" otherwise (the active language's MONTH_DAY_FORMAT and DATE_FORMAT)."""
    if value is None:
        return ""
    value = _as_date(value)
    today = today or timezone.localdate()
    return formats.date_format(value, "MONTH_DAY_FORMAT" if value.year == today.year else "DATE_FORMAT")


def ago(value: date | datetime | None, *, today: date | None = None) -> str:
    """How long ago `value` was, in the largest whole unit that fits: "today", "yesterday",
    "5 days ago", "3 weeks ago", "4 months ago", "2 years ago"; a day still to come says "in 3
    days" and the like."""
    if value is None:
        return ""
    days = ((today or timezone.localdate()) - _as_date(value)).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    if days == -1:
        return _("tomorrow")
    if days < 0:
        return _in_days(-days)
    if days < 14:
        return ngettext("%(n)s day ago", "%(n)s days ago", days) % {"n": days}
    if days < 60:
        weeks = days // 7
        return ngettext("%(n)s week ago", "%(n)s weeks ago", weeks) % {"n": weeks}
    if days < 730:
        months = days * 12 // 365
        return ngettext("%(n)s month ago", "%(n)s months ago", months) % {"n": months}
    years = days // 365
    return ngettext("%(n)s year ago", "%(n)s years ago", years) % {"n": years}


def _in_days(days: int) -> str:
    if days < 14:
        return ngettext("in %(n)s day", "in %(n)s days", days) % {"n": days}
    if days < 60:
        weeks = days // 7
        return ngettext("in %(n)s week", "in %(n)s weeks", weeks) % {"n": weeks}
    months = days * 12 // 365
    return ngettext("in %(n)s month", "in %(n)s months", months) % {"n": months}


def day_and_ago(value: date | datetime | None, *, today: date | None = None) -> str:
    """A day with how long ago it was: "18 December 2025 (51 weeks ago)"; today is just "today"."""
    if value is None:
        return ""
    today = today or timezone.localdate()
    if _as_date(value) == today:
        return _("today")
    return _("%(day)s (%(ago)s)") % {"day": day(value, today=today), "ago": ago(value, today=today)}
