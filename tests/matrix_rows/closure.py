"""Role-matrix rows for the closure pages (CLS-1, OUT-2)."""

from django.urls import reverse

from tests.factories.closure import proposed_match
from tests.matrix import LOGIN, NOT_STAFF, STAFF_OBJECT, Row, expect, url

# A POST the domain refuses for cast.match (active: nothing to close, rematch or record yet): the
# coordinator is sent back to the closure page with the message.
STAFF_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=404, **NOT_STAFF)
# A form posted empty re-renders the closure page with its errors.
STAFF_FORM_POST = expect(anonymous=LOGIN, admin=200, coordinator=200, other_coordinator=404, **NOT_STAFF)


def _cancel(cast):
    return reverse("staff:match_cancel", args=[proposed_match(cast.programme).pk])


ROWS: dict[str, Row] = {
    "staff:match_closure": Row(url("staff:match_closure", "match"), STAFF_OBJECT),
    "staff:closure_conversation_add": Row(
        url("staff:closure_conversation_add", "match"), STAFF_POST, method="post"
    ),
    "staff:match_close": Row(url("staff:match_close", "match"), STAFF_POST, method="post"),
    "staff:match_rematch": Row(url("staff:match_rematch", "match"), STAFF_POST, method="post"),
    "staff:match_cancel": Row(_cancel, STAFF_FORM_POST, method="post"),
}
