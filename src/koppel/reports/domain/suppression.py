"""Small-group suppression: no report figure may be about so few youth that one could be recognised.

The rules every report applies (the smallest group is `ReportFilter.min_group`, the largest of the
programmes' `report_min_group` settings, 5 by default):

1. **Primary.** A figure about 1 to minimum - 1 youth is replaced by `SUPPRESSED`, and so is its
   count. A count of 0 is shown: it is about no one. Every page, chart and export shows a hidden
   figure as `hidden_text` ("hidden: fewer than 5 matches"), so that it never reads as a value
   below N.
2. **Complement.** When a group is split into cells whose total is shown elsewhere (the OUT-3 split
   of a change by match length), the hidden cells of the split must together count at least the
   minimum; otherwise the total minus the shown cells would reveal them. So while the hidden cells
   count fewer than the minimum, the smallest shown cell is hidden as well. A cell that is never
   shown (youth whose match length is unknown) counts as hidden.
3. **Curves.** A survival curve of fewer matches than the minimum is not shown at all. The curve
   moves only once at least the minimum of matches have ended since its previous step (so no
   smaller number of endings can be read from a drop), and it stops where fewer than the minimum
   are still followed (survival.pooled_curve). A share after N months is shown only where the curve
   gives it exactly.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koppel.reports.domain.tables import SUPPRESSED, Table

# What the group behind a figure counts (a table's meta "group", or per row "row_groups"): the
# text that stands in for a hidden figure names it.
MATCHES = "matches"
YOUTH = "youth"
MENTORS = "mentors"
PEOPLE = "people"


def hidden_text(min_group: int | None, group: str = PEOPLE) -> str:
    """What stands in place of a hidden figure: "hidden: fewer than 5 matches". It says that the
    figure is hidden and why, and never reads as a value (a share or mean "<5" would)."""
    if not min_group:
        return _("hidden: group too small")
    n = min_group
    if group == MATCHES:
        text = ngettext("hidden: fewer than %(n)s match", "hidden: fewer than %(n)s matches", n)
    elif group == YOUTH:
        text = ngettext("hidden: fewer than %(n)s youth", "hidden: fewer than %(n)s youth", n)
    elif group == MENTORS:
        text = ngettext("hidden: fewer than %(n)s mentor", "hidden: fewer than %(n)s mentors", n)
    else:
        text = ngettext("hidden: fewer than %(n)s person", "hidden: fewer than %(n)s people", n)
    return text % {"n": n}


def group_of(table: Table, row: int | None = None) -> str:
    """What the figures of `table` (of its row `row`, when the table says so per row) are about."""
    per_row = table.meta.get("row_groups") or []
    if row is not None and row < len(per_row) and per_row[row]:
        return per_row[row]
    return table.meta.get("group") or PEOPLE


def table_hidden_text(table: Table, row: int | None = None, *, min_group: int | None = None) -> str:
    """`hidden_text` for a hidden cell of `table` (row `row`): the smallest group from the table's
    meta "min_group", else `min_group`."""
    return hidden_text(table.meta.get("min_group") or min_group, group_of(table, row))


def too_small(n: int, *, minimum: int) -> bool:
    """True for 1 to minimum - 1 (rule 1)."""
    return 0 < n < minimum


def suppress(value: Any, n: int, *, minimum: int) -> Any:
    """`value` (a mean, a share, ...) about `n` youth, or SUPPRESSED when `n` is too small."""
    return SUPPRESSED if too_small(n, minimum=minimum) else value


def suppress_count(n: int, *, minimum: int) -> int | Any:
    """A count of youth, or SUPPRESSED when it is 1 to minimum - 1."""
    return SUPPRESSED if too_small(n, minimum=minimum) else n


def hidden_cells(counts: list[int], *, minimum: int, never_shown: frozenset[int] = frozenset()) -> list[bool]:
    """Which cells of a split to hide (rules 1 and 2). `counts` are the youth per cell; the total
    is their sum and is shown. Cells in `never_shown` (by index) are hidden whatever their count.

    Cells too small are hidden; then, while the hidden cells with anyone in them count together
    fewer than `minimum`, the smallest shown non-empty cell is hidden too."""
    hidden = [too_small(n, minimum=minimum) or (i in never_shown and n > 0) for i, n in enumerate(counts)]
    while True:
        hidden_total = sum(n for n, h in zip(counts, hidden, strict=True) if h)
        if hidden_total == 0 or hidden_total >= minimum:
            return hidden
        shown = [(n, i) for i, (n, h) in enumerate(zip(counts, hidden, strict=True)) if not h and n > 0]
        if not shown:
            return hidden
        hidden[min(shown)[1]] = True
