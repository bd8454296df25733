"""Calendar arithmetic shared by the match lifecycle (agreed ends, support schedules, follow-ups)."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months; the 31st becomes the last day of a shorter month
    (31 January + 1 = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
