"""Role-matrix rows for the support schedule and contact log (SUP-1, SUP-2)."""

from tests.matrix import LOGIN, NOT_STAFF, STAFF_OBJECT, Row, expect, url

# The log form posted without data re-renders the support page with its errors (nothing is saved).
STAFF_FORM_POST = expect(anonymous=LOGIN, admin=200, coordinator=200, other_coordinator=404, **NOT_STAFF)

ROWS: dict[str, Row] = {
    "staff:match_support": Row(url("staff:match_support", "match"), STAFF_OBJECT),
    "staff:match_support_add": Row(url("staff:match_support_add", "match"), STAFF_FORM_POST, method="post"),
}
