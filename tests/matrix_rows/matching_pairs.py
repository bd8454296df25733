"""Role-matrix rows for a pair by hand (MAT-6) and the pool analysis (MAT-5)."""

from tests.matrix import STAFF_OBJECT, Row, url

ROWS: dict[str, Row] = {
    "staff:matching_pair": Row(url("staff:matching_pair", "programme"), STAFF_OBJECT),
    "staff:matching_pool": Row(url("staff:matching_pool", "programme"), STAFF_OBJECT),
}
