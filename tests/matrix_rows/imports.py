"""Role-matrix rows of the import and export pages: staff only, no object in the URL."""

from tests.matrix import STAFF_PAGE, Row, url

ROWS: dict[str, Row] = {
    "staff:import_people": Row(url("staff:import_people"), STAFF_PAGE),
    "staff:export_people": Row(url("staff:export_people"), STAFF_PAGE),
}
