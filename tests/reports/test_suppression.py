"""Small-group suppression (OUT-3 privacy): primary and complement rules."""

from koppel.reports.domain.suppression import hidden_cells, suppress, suppress_count
from koppel.reports.domain.tables import SUPPRESSED


def test_a_figure_about_fewer_than_the_minimum_is_suppressed():
    assert suppress(3.2, 4, minimum=5) is SUPPRESSED  # min - 1
    assert suppress(3.2, 5, minimum=5) == 3.2  # min
    assert suppress_count(4, minimum=5) is SUPPRESSED
    assert suppress_count(5, minimum=5) == 5
    assert suppress_count(1, minimum=5) is SUPPRESSED


def test_nobody_is_shown_as_zero():
    assert suppress_count(0, minimum=5) == 0
    assert suppress(None, 0, minimum=5) is None


def test_one_hidden_cell_hides_the_next_smallest_so_the_total_does_not_reveal_it():
    # 3 is too small; total 21 is shown, so 21 - 10 - 8 would give 3 away: 8 goes too (3 + 8 = 11).
    assert hidden_cells([3, 10, 8], minimum=5) == [True, False, True]


def test_hidden_cells_together_must_reach_the_minimum():
    # 2 + 2 = 4 < 5: the smallest shown cell (6) is hidden too.
    assert hidden_cells([2, 2, 6, 9], minimum=5) == [True, True, True, False]


def test_no_small_cell_hides_nothing():
    assert hidden_cells([10, 8, 5], minimum=5) == [False, False, False]
    assert hidden_cells([0, 9, 0], minimum=5) == [False, False, False]


def test_a_never_shown_cell_counts_as_hidden():
    # The unknown cell (index 3) holds 2 youth: the smallest shown cell (6) is hidden with it.
    assert hidden_cells([6, 7, 0, 2], minimum=5, never_shown=frozenset({3})) == [True, False, False, True]
    # ... unless it holds at least the minimum itself.
    assert hidden_cells([6, 7, 0, 5], minimum=5, never_shown=frozenset({3})) == [False, False, False, True]


def test_a_small_total_hides_every_cell():
    assert hidden_cells([2, 1, 0], minimum=5) == [True, True, False]
