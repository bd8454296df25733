"""Role-matrix rows for subject access requests (GDPR art. 15/20): the staff pages are for
administrators only (coordinators 403, like the access log); the portal pages show a request only to
the person who asked for it."""

from django.urls import reverse

from koppel.privacy.models import AccessRequest
from tests.matrix import LOGIN, NO_PORTAL_ROLE, NOT_STAFF, Row, expect, url

ADMIN_ONLY = expect(anonymous=LOGIN, admin=200, coordinator=403, other_coordinator=403, **NOT_STAFF)
# Any portal role may open its data page; a youth under 16 reads there that a parent can ask.
PORTAL_PAGE = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=200, youth=200, guardian=200)
# Posting without choosing whose data: nobody's, so 404 for every portal role.
PORTAL_POST = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=404, other_mentor=404, youth=404, guardian=404)
# The cast's mentor asked for their own data in the portal: only they see it there.
OWN_REQUEST = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=404, youth=404, guardian=404)


def _request(cast, **kwargs) -> AccessRequest:
    if not kwargs:  # one open request per person and requester: the same one each time
        found = AccessRequest.objects.filter(mentor=cast.mentor_row, status="queued").first()
        if found is not None:
            return found
    return AccessRequest.objects.create(
        organisation=cast.programme.organisation,
        mentor=cast.mentor_row,
        requested_by=cast.mentor,
        from_portal=True,
        **kwargs,
    )


def _ready(cast) -> AccessRequest:
    return _request(cast, status="done", progress=100, content=b"PK\x05\x06" + b"\0" * 18, filename="x.zip")


ROWS: dict[str, Row] = {
    "staff:access_request_list": Row(url("staff:access_request_list"), ADMIN_ONLY),
    "staff:access_request_detail": Row(
        lambda cast: reverse("staff:access_request_detail", args=[_request(cast).pk]), ADMIN_ONLY
    ),
    "staff:access_request_download": Row(
        lambda cast: reverse("staff:access_request_download", args=[_ready(cast).pk]), ADMIN_ONLY
    ),
    "staff:mentor_access_request": Row(url("staff:mentor_access_request", "mentor_row"), ADMIN_ONLY),
    "staff:youth_access_request": Row(url("staff:youth_access_request", "youth_row"), ADMIN_ONLY),
    "staff:guardian_access_request": Row(url("staff:guardian_access_request", "guardian_row"), ADMIN_ONLY),
    "portal:my_data": Row(url("portal:my_data"), PORTAL_PAGE),
    "portal:access_request_new": Row(url("portal:access_request_new"), PORTAL_POST, method="post"),
    "portal:access_request_detail": Row(
        lambda cast: reverse("portal:access_request_detail", args=[_request(cast).pk]), OWN_REQUEST
    ),
    "portal:access_request_download": Row(
        lambda cast: reverse("portal:access_request_download", args=[_ready(cast).pk]), OWN_REQUEST
    ),
}
