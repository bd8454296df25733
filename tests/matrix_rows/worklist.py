"""Role-matrix rows for the coordinator's worklist and its sections in full."""

from django.urls import reverse

from tests.matrix import STAFF_PAGE, Row, url

ROWS: dict[str, Row] = {
    "staff:worklist": Row(url("staff:worklist"), STAFF_PAGE),
    # Any section of the worklist in full: its rows are the user's own programmes' only.
    "staff:worklist_section": Row(
        lambda cast: reverse("staff:worklist_section", args=["applications"]), STAFF_PAGE
    ),
}
