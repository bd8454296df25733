"""Small-group suppression: no report figure may be about so few youth that one could be recognised.

The rules every report applies (the smallest group is `ReportFilter.min_group`, the largest of the
programmes' `report_min_group` settings, 5 by default):

1. **Primary.** A figure about 1 to minimum - 1 youth is replaced by `SUPPRESSED` ("fewer than N"),
   and so is its count. A count of 0 is shown: it is about no one.
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

from koppel.reports.domain.tables import SUPPRESSED


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
