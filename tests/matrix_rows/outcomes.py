"""Role-matrix rows for the outcomes report (OUT-1..4)."""

from tests.matrix import STAFF_PAGE, Row, url

# Any administrator or coordinator may open the report; it only ever shows their own programmes
# (tests/staff/test_outcomes_page.py checks that).
ROWS: dict[str, Row] = {
    "staff:outcomes": Row(url("staff:outcomes"), STAFF_PAGE),
}
