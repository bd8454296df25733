"""Staff pages for survey schedules, a programme's surveys, one survey's answers and a youth's
surveys (OUT-1, OUT-2, OUT-4): access-logged, sensitive answers marked, constant queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koppel.common.models import AccessLog, ActivityLog
from koppel.surveys.enums import AssignmentStatus, OutcomeDomain
from koppel.surveys.models import SurveySchedule
from tests.factories.survey import (
    AnswerFactory,
    AssignmentFactory,
    ScheduleFactory,
    ScoreFactory,
    small_instrument,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(cast, client_for):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    return client_for(cast.coordinator)


def test_schedules_page_adds_the_defaults(cast, coordinator):
    url = reverse("staff:programme_survey_schedules", args=[cast.programme.pk])
    assert "Add the default schedules" in coordinator.get(url).text
    response = coordinator.post(url, {"defaults": "1"})
    assert response.status_code == 302
    assert SurveySchedule.objects.filter(programme=cast.programme).count() == 12
    assert "Switch off" in coordinator.get(url).text


def test_add_schedule_refuses_wrong_respondent_and_keeps_the_input(cast, coordinator):
    instrument = small_instrument(respondents=["youth"])
    url = reverse("staff:programme_survey_schedules", args=[cast.programme.pk])
    data = {
        "instrument": instrument.pk,
        "respondent": "mentor",
        "moment": "during",
        "months": "3",
        "window_days": "21",
    }
    response = coordinator.post(url, data)
    assert response.status_code == 200
    assert "This instrument is not written for this respondent." in response.text
    assert 'value="21"' in response.text
    data["respondent"] = "youth"
    assert coordinator.post(url, data).status_code == 302
    assert SurveySchedule.objects.get(programme=cast.programme).window_days == 21


def test_edit_schedule_refuses_a_stale_version(cast, coordinator):
    schedule = ScheduleFactory(programme=cast.programme)
    url = reverse("staff:survey_schedule_edit", args=[schedule.pk])
    assert (
        coordinator.post(url, {"window_days": "10", "active": "on", "expected_version": "1"}).status_code
        == 302
    )
    stale = coordinator.post(url, {"window_days": "12", "active": "on", "expected_version": "1"})
    assert stale.status_code == 200
    schedule.refresh_from_db()
    assert schedule.window_days == 10


def test_deactivate_schedule_from_the_page(cast, coordinator):
    schedule = ScheduleFactory(programme=cast.programme)
    response = coordinator.post(reverse("staff:survey_schedule_deactivate", args=[schedule.pk]))
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert not schedule.active
    assert ActivityLog.objects.filter(action="surveys.schedule.deactivated").exists()


def _answer_rows(html: str) -> dict[str, tuple[str, str]]:
    """The survey detail page's answers table: question text -> (the question cell's markup, the
    answer cell's text)."""
    table = html.split("<h2>Answers</h2>", 1)[1]
    rows = re.findall(r"<tr><td>(.*?)</td>\s*<td>(.*?)</td></tr>", table, re.S)
    return {question.split("<", 1)[0].strip(): (question, answer.strip()) for question, answer in rows}


SENSITIVE_MARK = '<span class="sensitive-mark">sensitive</span>'


def test_survey_detail_shows_answers_marks_sensitive_and_is_access_logged(cast, coordinator):
    instrument = small_instrument(domain=OutcomeDomain.SUBSTANCES, respondents=["youth"], sensitive=True)
    q1, q2, q3 = instrument.items.order_by("position")
    survey = AssignmentFactory(youth=cast.youth_row, instrument=instrument, status=AssignmentStatus.SUBMITTED)
    AnswerFactory(assignment=survey, item=q2, value=4)
    ScoreFactory(assignment=survey, value=2.5)
    response = coordinator.get(reverse("staff:survey_detail", args=[survey.pk]))
    assert response.status_code == 200
    rows = _answer_rows(response.text)
    assert list(rows) == [q1.text_en, q2.text_en, q3.text_en]
    # Every item of a sensitive subscale carries the mark, next to the question it belongs to.
    assert all(SENSITIVE_MARK in question for question, _answer in rows.values())
    # The coordinator sees the chosen value and its label in their own language; open items a dash.
    assert rows[q2.text_en][1] == "4 · Agree"
    assert rows[q1.text_en][1] == rows[q3.text_en][1] == "-"
    # The survey's language by name, in the coordinator's language.
    assert re.search(r"<dt>Language</dt><dd>(Dutch|English)", response.text)
    # The subscale's score, marked too.
    assert re.search(rf"<td>Trust {SENSITIVE_MARK}</td>\s*<td>2.50</td>", response.text)
    pages = list(AccessLog.objects.filter(viewer=cast.coordinator).values_list("page", "object_id"))
    assert ("staff:survey_detail", survey.pk) in pages
    assert ("staff:survey_detail", cast.youth_row.pk) in pages


@pytest.mark.parametrize(
    ("domain", "flagged", "marked"),
    [
        (OutcomeDomain.DELINQUENCY, False, True),  # a sensitive domain is marked without the flag
        (OutcomeDomain.SCHOOL, True, True),  # a flagged subscale and items in any domain
        (OutcomeDomain.SCHOOL, False, False),
    ],
)
def test_survey_detail_marks_only_sensitive_answers(cast, coordinator, domain, flagged, marked):
    instrument = small_instrument(domain=domain, respondents=["youth"], sensitive=flagged)
    q1 = instrument.items.order_by("position").first()
    survey = AssignmentFactory(youth=cast.youth_row, instrument=instrument, status=AssignmentStatus.SUBMITTED)
    AnswerFactory(assignment=survey, item=q1, value=2)
    text = coordinator.get(reverse("staff:survey_detail", args=[survey.pk])).text
    question, answer = _answer_rows(text)[q1.text_en]
    assert (SENSITIVE_MARK in question) is marked
    assert answer == "2 · Disagree"


def test_youth_surveys_page_is_access_logged(cast, coordinator):
    survey = AssignmentFactory(youth=cast.youth_row)
    response = coordinator.get(reverse("staff:youth_surveys", args=[cast.youth_row.pk]))
    assert response.status_code == 200
    assert reverse("staff:survey_detail", args=[survey.pk]) in response.text
    assert AccessLog.objects.filter(page="staff:youth_surveys", object_id=cast.youth_row.pk).exists()


def test_survey_list_filters_by_status_and_moment(cast, coordinator):
    open_one = AssignmentFactory(youth=cast.youth_row)
    sent = AssignmentFactory(youth=cast.youth_row, status=AssignmentStatus.SUBMITTED, moment="closure")
    url = reverse("staff:programme_surveys", args=[cast.programme.pk])
    page = coordinator.get(url, {"status": "submitted"})
    assert [a.pk for a in page.context["page"]] == [sent.pk]
    page = coordinator.get(url, {"moment": "baseline"})
    assert [a.pk for a in page.context["page"]] == [open_one.pk]
    fragment = coordinator.get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.text
    assert 'id="results"' in fragment.text


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_survey_list_runs_constant_queries(cast, coordinator):
    instrument = small_instrument(respondents=["youth", "mentor"])
    url = reverse("staff:programme_surveys", args=[cast.programme.pk])
    AssignmentFactory(youth=cast.youth_row, instrument=instrument, match=cast.match)
    coordinator.get(url)
    one = _count(coordinator, url)
    for n in range(49):
        survey = AssignmentFactory(
            youth=cast.youth_row,
            instrument=instrument,
            match=cast.match,
            respondent="mentor" if n % 2 else "youth",
            mentor=cast.mentor_row if n % 2 else None,
            due_on=timezone.localdate() - timedelta(days=n),
        )
        AnswerFactory(assignment=survey)
    assert _count(coordinator, url) == one
    assert coordinator.get(url).context["page"].paginator.count == 50
