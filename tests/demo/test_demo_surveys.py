"""The demo's surveys: default schedules, a history of answered surveys with scores,
open surveys for the demo youth and mentor, and one low relationship score with its alert (OUT-4)."""

from collections import Counter

import pytest

from koppel.programmes.models import Programme
from koppel.surveys.domain.alerts import open_alerts
from koppel.surveys.enums import AssignmentStatus, OutcomeDomain
from koppel.surveys.models import Assignment, QualityAlert, Score, SurveySchedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded(demo):
    """The demo, loaded once for this module (`demo_db` in tests/conftest.py)."""


def test_demo_surveys(loaded):
    for programme in Programme.objects.all():
        assert SurveySchedule.objects.filter(programme=programme).count() == 12
    statuses = Counter(Assignment.objects.values_list("status", flat=True))
    assert statuses[AssignmentStatus.SUBMITTED] >= 100
    assert statuses[AssignmentStatus.OPEN] >= 5
    # Every submitted survey has its scores, dated on or before today.
    submitted = Assignment.objects.filter(status=AssignmentStatus.SUBMITTED)
    assert not submitted.filter(scores__isnull=True).exists()
    assert not submitted.filter(submitted_at__isnull=True).exists()
    for a in submitted.filter(match__isnull=False).select_related("match"):
        assert a.due_on >= a.match.started_on
    # Baseline groups large enough for the outcomes report in every OUT-1 domain.
    baseline = Counter(
        Score.objects.filter(moment="baseline", respondent="youth", value__isnull=False).values_list(
            "domain", flat=True
        )
    )
    for domain in (OutcomeDomain.SCHOOL, OutcomeDomain.PARENTS, OutcomeDomain.HELPING):
        assert baseline[domain] >= 5


def test_demo_logins_have_an_open_survey_and_one_alert_waits(loaded):
    open_ = Assignment.objects.filter(status__in=["open", "started"])
    assert open_.filter(respondent="youth", youth__user__email="jongere@demo.example.org").exists()
    assert open_.filter(respondent="mentor", mentor__user__email="mentor@demo.example.org").exists()
    alerts = QualityAlert.objects.select_related("score__assignment")
    assert alerts.exists()
    assert {a.score.assignment_id for a in alerts} == {alerts[0].score.assignment_id}  # one low survey
    assert all(a.handled_at is None for a in alerts)
    # It waits on the worklist: no contact with the mentor answered it yet.
    programme_ids = list(Programme.objects.values_list("pk", flat=True))
    assert set(open_alerts(programme_ids)) == set(alerts)
