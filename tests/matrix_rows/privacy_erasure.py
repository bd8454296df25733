"""Role-matrix rows for erasure (GDPR art. 17): administrators only. A coordinator of the person's
programme gets 403, the other programme's coordinator does not know the person exists (404). The
cast's people are in an active match: the confirmation page shows the refusal (200)."""

from tests.matrix import ACCESS_LOG, LOGIN, NOT_STAFF, Row, expect, url

ADMIN_ONLY = expect(anonymous=LOGIN, admin=200, coordinator=403, other_coordinator=403, **NOT_STAFF)

ROWS: dict[str, Row] = {
    "staff:mentor_erase": Row(url("staff:mentor_erase", "mentor_row"), ACCESS_LOG),
    "staff:youth_erase": Row(url("staff:youth_erase", "youth_row"), ACCESS_LOG),
    "staff:guardian_erase": Row(url("staff:guardian_erase", "guardian_row"), ACCESS_LOG),
    "staff:erasure_list": Row(url("staff:erasure_list"), ADMIN_ONLY),
}
