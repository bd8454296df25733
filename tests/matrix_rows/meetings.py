"""Role-matrix rows for meeting logs (REL-1, REL-5) and a programme's holidays (REL-4)."""

from django.urls import reverse

from tests.factories.meeting import HolidayPeriodFactory, MeetingLogFactory
from tests.matrix import LOGIN, NO_PORTAL_ROLE, NOT_STAFF, STAFF_OBJECT, Row, expect, url
from tests.matrix_rows.matches import PORTAL_MATCH

STAFF_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=404, **NOT_STAFF)
# Youth and guardians see the match's meetings but do not log them: 403 (the match is theirs to see).
PORTAL_LOG = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=404, youth=403, guardian=403)
# Only the youth confirms; the mentor and the guardian see the meeting (403), another mentor does not (404).
PORTAL_CONFIRM = expect(
    anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=403, other_mentor=404, youth=302, guardian=403
)


def _holiday(cast):
    return reverse("staff:programme_holiday_delete", args=[HolidayPeriodFactory(programme=cast.programme).pk])


def _meeting(name):
    return lambda cast: reverse(name, args=[MeetingLogFactory(match=cast.match).pk])


ROWS: dict[str, Row] = {
    "staff:match_meetings": Row(url("staff:match_meetings", "match"), STAFF_OBJECT),
    "staff:programme_holidays": Row(url("staff:programme_holidays", "programme"), STAFF_OBJECT),
    "staff:programme_holiday_delete": Row(_holiday, STAFF_POST, method="post"),
    "portal:match_meetings": Row(url("portal:match_meetings", "match"), PORTAL_MATCH),
    "portal:meeting_log": Row(url("portal:meeting_log", "match"), PORTAL_LOG),
    # The mentor who logged the meeting may correct it; the youth and guardian see it (403).
    "portal:meeting_edit": Row(_meeting("portal:meeting_edit"), PORTAL_LOG),
    "portal:meeting_confirm": Row(_meeting("portal:meeting_confirm"), PORTAL_CONFIRM, method="post"),
}
