"""My surveys in the portal: only the user's own, open ones first; never another respondent's."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from koppel.surveys.enums import AssignmentStatus, Respondent
from koppel.surveys.models import Answer
from tests.factories.survey import AnswerFactory, AssignmentFactory, small_instrument
from tests.staff.test_query_counts import MANY, assert_constant_queries

pytestmark = pytest.mark.django_db


def _youth_survey(cast, **kwargs):
    kwargs.setdefault("instrument", small_instrument(respondents=["youth", "mentor"]))
    return AssignmentFactory(youth=cast.youth_row, match=cast.match, **kwargs)


def _mentor_survey(cast, **kwargs):
    return _youth_survey(cast, respondent=Respondent.MENTOR, mentor=cast.mentor_row, **kwargs)


def test_my_surveys_lists_open_ones_first(cast, client_for):
    sent = _youth_survey(
        cast, status=AssignmentStatus.SUBMITTED, due_on=timezone.localdate() - timedelta(days=5)
    )
    later = _youth_survey(cast, due_on=timezone.localdate())
    sooner = _youth_survey(cast, due_on=timezone.localdate() - timedelta(days=2))
    page = client_for(cast.youth).get(reverse("portal:my_surveys"))
    assert page.status_code == 200
    ids = [a.pk for a in page.context["surveys"]]
    assert ids == [sooner.pk, later.pk, sent.pk]
    assert reverse("portal:survey", args=[sooner.pk]) in page.text
    assert reverse("portal:survey", args=[sent.pk]) not in page.text


def test_a_mentor_never_sees_the_youths_survey_or_answers(cast, client_for):
    youth_survey = _youth_survey(cast, instrument=small_instrument(respondents=["youth"], sensitive=True))
    AnswerFactory(assignment=youth_survey, value=5)
    mentor = client_for(cast.mentor)
    assert youth_survey not in mentor.get(reverse("portal:my_surveys")).context["surveys"]
    assert mentor.get(reverse("portal:survey", args=[youth_survey.pk])).status_code == 404
    assert mentor.post(reverse("portal:survey_save", args=[youth_survey.pk]), {}).status_code == 404
    guardian = client_for(cast.guardian)
    assert guardian.get(reverse("portal:survey", args=[youth_survey.pk])).status_code == 404
    assert (
        client_for(cast.other_mentor).get(reverse("portal:survey", args=[youth_survey.pk])).status_code == 404
    )


def test_mentor_answers_their_own_survey_in_the_portal(cast, client_for):
    survey = _mentor_survey(cast)
    q1, q2, q3 = survey.instrument.items.order_by("position")
    mentor = client_for(cast.mentor)
    url = reverse("portal:survey", args=[survey.pk])
    assert mentor.get(url).status_code == 200
    saved = mentor.post(reverse("portal:survey_save", args=[survey.pk]), {f"item-{q1.pk}": "2"})
    assert saved.status_code == 200
    assert Answer.objects.get(assignment=survey).value == 2
    response = mentor.post(url, {f"item-{q2.pk}": "1", f"item-{q3.pk}": "5", "action": "send"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_surveys")
    survey.refresh_from_db()
    assert survey.status == AssignmentStatus.SUBMITTED
    closed = mentor.get(url)
    assert closed.status_code == 200
    assert 'type="radio"' not in closed.text


def test_each_save_in_the_portal_updates_the_answered_count(cast, client_for, settings):
    survey = _mentor_survey(cast, language="en")
    q1, q2, _q3 = survey.instrument.items.order_by("position")
    mentor = client_for(cast.mentor)
    mentor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("portal:survey", args=[survey.pk])
    save = reverse("portal:survey_save", args=[survey.pk])
    count = re.compile(r'<p id="survey-progress" class="hint"( hx-swap-oob="true")?>([^<]*)</p>')
    assert count.findall(mentor.get(url).text) == [("", "0 of 3 questions answered.")]
    first = mentor.post(save, {f"item-{q1.pk}": "2"}, HTTP_HX_REQUEST="true")
    assert "Saved" in first.text
    assert count.findall(first.text) == [(' hx-swap-oob="true"', "1 of 3 questions answered.")]
    second = mentor.post(save, {f"item-{q1.pk}": "2", f"item-{q2.pk}": "4"}, HTTP_HX_REQUEST="true")
    assert count.findall(second.text) == [(' hx-swap-oob="true"', "2 of 3 questions answered.")]
    assert count.findall(mentor.get(url).text) == [("", "2 of 3 questions answered.")]


def test_staff_have_no_portal_surveys(cast, client_for):
    assert client_for(cast.coordinator).get(reverse("portal:my_surveys")).status_code == 403


def test_portal_home_block_lists_open_surveys(cast, client_for):
    from django.template import Context, Template

    survey = _youth_survey(cast)
    html = Template('{% include "portal/surveys/_home_block.html" %}').render(Context({"user": cast.youth}))
    assert reverse("portal:survey", args=[survey.pk]) in html
    assert (
        Template('{% include "portal/surveys/_home_block.html" %}')
        .render(Context({"user": cast.mentor}))
        .strip()
        == ""
    )


@pytest.mark.parametrize("respondent", [Respondent.YOUTH, Respondent.MENTOR, Respondent.GUARDIAN])
def test_my_surveys_query_count(cast, client_for, respondent):
    """As many queries with one survey on the page as with MANY."""
    person = {
        Respondent.YOUTH: {},
        Respondent.MENTOR: {"mentor": cast.mentor_row},
        Respondent.GUARDIAN: {"guardian": cast.guardian_row},
    }[respondent]
    user = getattr(cast, respondent)

    def add_survey(i):
        # Each survey its own instrument; open and sent-in ones alternate (a link or a date).
        name = f"Vragenlijst{i:02d}"
        AssignmentFactory(
            youth=cast.youth_row,
            match=cast.match,
            instrument=small_instrument(respondents=[respondent], name_nl=name, name_en=name),
            respondent=respondent,
            status=AssignmentStatus.SUBMITTED if i % 2 else AssignmentStatus.OPEN,
            due_on=timezone.localdate() - timedelta(days=i),
            **person,
        )

    add_survey(0)

    def shows_rows(response, n):
        assert len(response.context["surveys"]) == n
        assert "Vragenlijst00" in response.text
        if n > 1:
            assert "Vragenlijst48" in response.text and "Vragenlijst49" in response.text

    assert_constant_queries(
        client_for(user),
        reverse("portal:my_surveys"),
        lambda: [add_survey(i) for i in range(1, MANY)],
        shows_rows,
    )
