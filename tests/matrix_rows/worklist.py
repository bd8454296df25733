"""Role-matrix rows for the coordinator's worklist."""

from tests.matrix import STAFF_PAGE, Row, url

ROWS: dict[str, Row] = {
    "staff:worklist": Row(url("staff:worklist"), STAFF_PAGE),
}
