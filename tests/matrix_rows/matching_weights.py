"""Role-matrix rows for a programme's matching weights and their preview (MAT-1, MAT-2, MAT-3, MAT-5)."""

from tests.matrix import STAFF_OBJECT, Row, url

ROWS: dict[str, Row] = {
    "staff:matching_weights": Row(url("staff:matching_weights", "programme"), STAFF_OBJECT),
    # POST with the matrix's generic data: staff get the page with the form's errors (200), the other
    # programme's coordinator 404.
    "staff:matching_weights_preview": Row(
        url("staff:matching_weights_preview", "programme"), STAFF_OBJECT, method="post"
    ),
}
