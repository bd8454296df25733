"""The match's support page shows open OUT-4 requests for an extra contact and lets staff mark one handled."""

import pytest
from django.urls import reverse
from django.utils import timezone

from koppel.surveys.enums import AlertReason, AssignmentStatus, Respondent
from koppel.surveys.models import QualityAlert
from tests.factories.survey import AssignmentFactory, ScoreFactory


def _alert(match, value=2.0):
    assignment = AssignmentFactory(
        youth=match.youth,
        match=match,
        respondent=Respondent.YOUTH,
        moment="during",
        months=3,
        status=AssignmentStatus.SUBMITTED,
    )
    score = ScoreFactory(assignment=assignment, value=value)
    return QualityAlert.objects.create(
        match=match, score=score, reason=AlertReason.BELOW_THRESHOLD, value=value, threshold=3.0
    )


@pytest.mark.django_db
def test_support_page_shows_open_alert_and_marks_it_handled__OUT_4(client, cast):
    alert = _alert(cast.match)
    client.force_login(cast.coordinator)
    page = reverse("staff:match_support", args=[cast.match.pk])
    html = client.get(page).content.decode()
    assert reverse("staff:quality_alert_handle", args=[alert.pk]) in html
    assert "(OUT-4)" in html

    response = client.post(reverse("staff:quality_alert_handle", args=[alert.pk]), {"next": page})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.handled_at is not None and alert.handled_by == cast.coordinator
    assert reverse("staff:quality_alert_handle", args=[alert.pk]) not in client.get(page).content.decode()


@pytest.mark.django_db
def test_support_page_hides_alert_once_a_contact_was_logged__OUT_4(client, cast):
    from tests.factories.support import SupportContactFactory

    alert = _alert(cast.match)  # from the youth's answers
    client.force_login(cast.coordinator)
    page = reverse("staff:match_support", args=[cast.match.pk])
    handle = reverse("staff:quality_alert_handle", args=[alert.pk])
    # A contact with the mentor or a parent does not answer the youth's low score; one with the youth does.
    SupportContactFactory(match=cast.match, held_on=timezone.localdate(), with_whom="mentor")
    SupportContactFactory(match=cast.match, held_on=timezone.localdate(), with_whom="guardian")
    assert handle in client.get(page).content.decode()
    SupportContactFactory(match=cast.match, held_on=timezone.localdate(), with_whom="youth")
    assert handle not in client.get(page).content.decode()
