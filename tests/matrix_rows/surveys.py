"""Role-matrix rows for survey schedules, surveys and answering them (OUT-1, OUT-2, OUT-4).

ROWS asks every page about a survey the youth answers. The matrix has one row per URL name, so
the same survey pages asked about the mentor's survey (relationship quality, OUT-4) and the
parent's survey are in RESPONDENT_ROWS, which tests/test_role_matrix_surveys.py runs."""

from urllib.parse import urlsplit

from django.urls import reverse

from koppel.surveys.domain.delivery import survey_link
from koppel.surveys.enums import OutcomeDomain, Respondent
from tests.factories.survey import AssignmentFactory, ScheduleFactory, small_instrument
from tests.matrix import LOGIN, NO_PORTAL_ROLE, NOT_STAFF, ROLES, STAFF_OBJECT, Row, expect, url

STAFF_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=404, **NOT_STAFF)
# Every portal user has a "My surveys" page (empty or not); staff have no portal role.
PORTAL_PAGE = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=200, youth=200, guardian=200)
# The youth's own survey: only the youth answers it; the mentor and the parent never see it.
OWN_SURVEY = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=404, other_mentor=404, youth=200, guardian=404)
# The mentor's survey about the match: only that mentor; the youth and the parent never see it.
MENTORS_SURVEY = expect(
    anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=404, youth=404, guardian=404
)
# The parent's survey about their child: only the parent; the youth and the mentor never see it.
GUARDIANS_SURVEY = expect(
    anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=404, other_mentor=404, youth=404, guardian=200
)
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


def _mentor_survey(cast):
    """The match's mentor's relationship-quality survey (OUT-4), about the cast's youth."""
    return AssignmentFactory(
        youth=cast.youth_row,
        match=cast.match,
        instrument=small_instrument(domain=OutcomeDomain.CLOSENESS, respondents=["mentor"]),
        respondent=Respondent.MENTOR,
        mentor=cast.mentor_row,
    )


def _guardian_survey(cast):
    """The guardian's outcome survey (OUT-1) about their child, the cast's youth."""
    return AssignmentFactory(
        youth=cast.youth_row,
        match=cast.match,
        instrument=small_instrument(domain=OutcomeDomain.PARENTS, respondents=["guardian"]),
        respondent=Respondent.GUARDIAN,
        guardian=cast.guardian_row,
    )


def _survey(name, make=_youth_survey):
    def build(cast):
        return reverse(name, args=[make(cast).pk])

    return build


def _link(save: bool, make=_youth_survey):
    def build(cast):
        path = urlsplit(survey_link(make(cast))).path
        return path + "save/" if save else path

    return build


def _survey_rows(make, respondent_gets) -> dict[str, Row]:
    """The pages of one survey made by `make`: staff see it, the respondent answers it."""
    return {
        "staff:survey_detail": Row(_survey("staff:survey_detail", make), STAFF_OBJECT),
        "portal:survey": Row(_survey("portal:survey", make), respondent_gets),
        "portal:survey_save": Row(_survey("portal:survey_save", make), respondent_gets, method="post"),
        "links:survey": Row(_link(save=False, make=make), PUBLIC),
        "links:survey_save": Row(_link(save=True, make=make), PUBLIC, method="post"),
    }


ROWS: dict[str, Row] = {
    "staff:programme_survey_schedules": Row(
        url("staff:programme_survey_schedules", "programme"), STAFF_OBJECT
    ),
    "staff:survey_schedule_edit": Row(_schedule("staff:survey_schedule_edit"), STAFF_OBJECT),
    "staff:survey_schedule_deactivate": Row(
        _schedule("staff:survey_schedule_deactivate"), STAFF_POST, method="post"
    ),
    "staff:programme_surveys": Row(url("staff:programme_surveys", "programme"), STAFF_OBJECT),
    "staff:youth_surveys": Row(url("staff:youth_surveys", "youth_row"), STAFF_OBJECT),
    "staff:survey_link_reissue": Row(_survey("staff:survey_link_reissue"), STAFF_POST, method="post"),
    "portal:my_surveys": Row(url("portal:my_surveys"), PORTAL_PAGE),
    **_survey_rows(_youth_survey, OWN_SURVEY),
}

# respondent -> URL name -> row: the survey pages above, about the mentor's and the parent's survey.
RESPONDENT_ROWS: dict[str, dict[str, Row]] = {
    Respondent.MENTOR: _survey_rows(_mentor_survey, MENTORS_SURVEY),
    Respondent.GUARDIAN: _survey_rows(_guardian_survey, GUARDIANS_SURVEY),
}
