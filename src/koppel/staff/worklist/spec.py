"""One section of the coordinator's worklist (see views/worklist.py). Areas define their sections in
their own module (worklist/<area>.py, a SECTIONS list) so that each grows without touching the others."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class Spec:
    """One worklist section: its rows (a queryset for the user), the person of a row, the page to
    link to and a short note."""

    key: str
    title: Promise
    rule: str
    rows: Callable[[Any], QuerySet]
    note: Callable[[Any], str]
    url_name: str = "staff:mentor_screening"
    person: Callable[[Any], Any] = lambda row: row
    related: tuple[str, ...] = ("programme",)
    # For rows that are not a person (a match, a concern): the row's name and link.
    name: Callable[[Any], str] | None = None
    url: Callable[[Any], str] | None = None
