"""Role-matrix rows for the programme dashboard (staff only; a coordinator sees their own programmes)."""

from tests.matrix import STAFF_PAGE, Row, url

ROWS: dict[str, Row] = {
    "staff:dashboard": Row(url("staff:dashboard"), STAFF_PAGE),
}
