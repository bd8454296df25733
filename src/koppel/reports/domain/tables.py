"""The one shape every report hands to its page, its charts and its exports: a list of tables.

A report module (dashboard.py, outcomes.py) builds a report object with a `tables()` method that
returns `Table`s; the exports (CSV, XLSX, PDF) and the screen-reader tables under each chart read
only these, so a new figure in a report shows up in every export without touching exports.py.
"""

from dataclasses import dataclass, field
from typing import Any, Self

from django.utils.translation import gettext


@dataclass(frozen=True)
class Table:
    """One table: a stable key, a translated title, column headings and rows of plain values
    (str, int, float, date, None). `SUPPRESSED` in a cell means "hidden: group too small"; meta
    "group" (or "row_groups", per row) says what the groups count, for the text that stands in for
    it (suppression.hidden_text)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""
    rule: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


class Suppressed:
    """A cell hidden because its group is smaller than the programme's minimum (OUT-3 privacy)."""

    _instance = None

    def __new__(cls) -> Self:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        # Pages and exports say which group (suppression.hidden_text); this is the fallback, and it
        # must not read as a value ("<n").
        return gettext("hidden: group too small")

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __bool__(self) -> bool:
        return False


SUPPRESSED = Suppressed()
