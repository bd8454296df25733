"""Role-matrix rows for survey schedules, surveys and answering them (OUT-1, OUT-2, OUT-4)."""

from urllib.parse import urlsplit

from django.urls import reverse

from koppel.surveys.domain.delivery import survey_link
from tests.matrix import LOGIN, NO_PORTAL_ROLE, NOT_STAFF, ROLES, STAFF_OBJECT, Row, expect, url
from tests.survey_factories import AssignmentFactory, ScheduleFactory, small_instrument

STAFF_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=404, **NOT_STAFF)
# Every portal user has a "My surveys" page (empty or not); staff have no portal role.
PORTAL_PAGE = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=200, youth=200, guardian=200)
# The youth's own survey: only the youth answers it; the mentor and the parent never see it.
OWN_SURVEY = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=404, other_mentor=404, youth=200, guardian=404)
# A personal link works without login, for whoever holds it.
PUBLIC = expect(**dict.fromkeys(ROLES, 200))


def _schedule(name):
    def build(cast):
        return reverse(name, args=[ScheduleFactory(programme=cast.programme).pk])

    return build


def _youth_survey(cast):
    return AssignmentFactory(
        youth=cast.youth_row, match=cast.match, instrument=small_instrument(respondents=["youth"])
    )


def _survey(name):
    def build(cast):
        return reverse(name, args=[_youth_survey(cast).pk])

    return build


def _link(save: bool):
    def build(cast):
        path = urlsplit(survey_link(_youth_survey(cast))).path
        return path + "save/" if save else path

    return build


ROWS: dict[str, Row] = {
    "staff:programme_survey_schedules": Row(
        url("staff:programme_survey_schedules", "programme"), STAFF_OBJECT
    ),
    "staff:survey_schedule_edit": Row(_schedule("staff:survey_schedule_edit"), STAFF_OBJECT),
    "staff:survey_schedule_deactivate": Row(
        _schedule("staff:survey_schedule_deactivate"), STAFF_POST, method="post"
    ),
    "staff:programme_surveys": Row(url("staff:programme_surveys", "programme"), STAFF_OBJECT),
    "staff:survey_detail": Row(_survey("staff:survey_detail"), STAFF_OBJECT),
    "staff:youth_surveys": Row(url("staff:youth_surveys", "youth_row"), STAFF_OBJECT),
    "portal:my_surveys": Row(url("portal:my_surveys"), PORTAL_PAGE),
    "portal:survey": Row(_survey("portal:survey"), OWN_SURVEY),
    "portal:survey_save": Row(_survey("portal:survey_save"), OWN_SURVEY, method="post"),
    "links:survey": Row(_link(save=False), PUBLIC),
    "links:survey_save": Row(_link(save=True), PUBLIC, method="post"),
}
