"""Role-matrix rows per area: each module defines ROWS: dict[str, tests.matrix.Row]."""
