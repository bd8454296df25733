"""Role-matrix rows for youth intake and the waiting list."""

from tests.matrix import LOGIN, NOT_STAFF, STAFF_OBJECT, STAFF_PAGE, Row, expect, url

# POST-only actions on the cast's youth: staff of the programme are sent back to a page (the cast's
# youth is already matched, so the action itself is refused with a message).
STAFF_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=404, **NOT_STAFF)

ROWS: dict[str, Row] = {
    "staff:youth_intake": Row(url("staff:youth_intake", "youth_row"), STAFF_OBJECT),
    "staff:youth_add_to_waiting_list": Row(
        url("staff:youth_add_to_waiting_list", "youth_row"), STAFF_POST, method="post"
    ),
    "staff:youth_withdraw": Row(url("staff:youth_withdraw", "youth_row"), STAFF_POST, method="post"),
    "staff:waiting_list": Row(url("staff:waiting_list"), STAFF_PAGE),
}
