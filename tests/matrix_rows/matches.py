"""Role-matrix rows for the match hub pages (staff and portal)."""

from tests.matrix import LOGIN, NO_PORTAL_ROLE, NOT_STAFF, STAFF_OBJECT, STAFF_PAGE, Row, expect, url

# A step's form posted empty re-renders the match page with the errors (nothing changes).
STAFF_FORM_POST = expect(anonymous=LOGIN, admin=200, coordinator=200, other_coordinator=404, **NOT_STAFF)
STAFF_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=404, **NOT_STAFF)
# cast.match is the mentor's match with the youth (the guardian's child), started long ago.
PORTAL_MATCH = expect(
    anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=404, youth=200, guardian=200
)

ROWS: dict[str, Row] = {
    "staff:match_list": Row(url("staff:match_list"), STAFF_PAGE),
    "staff:match_detail": Row(url("staff:match_detail", "match"), STAFF_OBJECT),
    "staff:match_introduce": Row(url("staff:match_introduce", "match"), STAFF_FORM_POST, method="post"),
    "staff:match_activate": Row(url("staff:match_activate", "match"), STAFF_FORM_POST, method="post"),
    "staff:match_pause": Row(url("staff:match_pause", "match"), STAFF_FORM_POST, method="post"),
    "staff:match_resume": Row(url("staff:match_resume", "match"), STAFF_POST, method="post"),
    "portal:match_detail": Row(url("portal:match_detail", "match"), PORTAL_MATCH),
}

# The mentor's own pages: other portal users have no mentor role (403).
MENTOR_PAGE = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=200, youth=403, guardian=403)
ROWS["portal:training"] = Row(url("portal:training"), MENTOR_PAGE)
ROWS["portal:support_contacts"] = Row(url("portal:support_contacts"), MENTOR_PAGE)
