"""Role-matrix rows for concerns, the resource library (SUP-3) and peer supervision (SUP-4)."""

from django.urls import reverse

from tests.factories.concern import ConcernFactory, ResourceFactory
from tests.matrix import LOGIN, NO_PORTAL_ROLE, NOT_STAFF, STAFF_OBJECT, STAFF_PAGE, Row, expect, url

# A POST that succeeds redirects; the other programme's coordinator may not know the object exists.
STAFF_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=404, **NOT_STAFF)
# The close form posted without an outcome shows the concern again with the error.
STAFF_FORM_POST = expect(anonymous=LOGIN, admin=200, coordinator=200, other_coordinator=404, **NOT_STAFF)
# Every portal role (other_mentor is a mentor of the programme without a match).
PORTAL_PAGE = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=200, youth=200, guardian=200)
MENTOR_PAGE = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=200, youth=403, guardian=403)


def _concern(name):
    return lambda cast: reverse(name, args=[ConcernFactory(programme=cast.programme, match=cast.match).pk])


def _resource(name):
    return lambda cast: reverse(name, args=[ResourceFactory(programme=cast.programme).pk])


ROWS: dict[str, Row] = {
    "staff:concern_list": Row(url("staff:concern_list"), STAFF_PAGE),
    "staff:concern_create": Row(url("staff:concern_create"), STAFF_PAGE),
    "staff:concern_detail": Row(_concern("staff:concern_detail"), STAFF_OBJECT),
    "staff:concern_take_up": Row(_concern("staff:concern_take_up"), STAFF_POST, method="post"),
    "staff:concern_close": Row(_concern("staff:concern_close"), STAFF_FORM_POST, method="post"),
    "staff:resource_list": Row(url("staff:resource_list"), STAFF_PAGE),
    "staff:resource_create": Row(url("staff:resource_create"), STAFF_PAGE),
    "staff:resource_edit": Row(_resource("staff:resource_edit"), STAFF_OBJECT),
    "staff:resource_delete": Row(_resource("staff:resource_delete"), STAFF_POST, method="post"),
    "portal:concern_raise": Row(url("portal:concern_raise"), PORTAL_PAGE),
    "portal:concerns": Row(url("portal:concerns"), PORTAL_PAGE),
    "portal:resources": Row(url("portal:resources"), PORTAL_PAGE),
    "portal:peer_sessions": Row(url("portal:peer_sessions"), MENTOR_PAGE),
}
