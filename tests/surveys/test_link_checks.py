"""A personal survey link shows answers saved earlier only after a second check (the date of
birth), staff can replace the link, and every use of a link is in the access log."""

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koppel.common.models import AccessLog, ActivityLog
from koppel.common.models.reminders import Reminder
from koppel.surveys.domain import delivery
from koppel.surveys.enums import AssignmentStatus, Respondent
from koppel.surveys.models import Answer, Assignment
from tests.factories.survey import AssignmentFactory, small_instrument

pytestmark = pytest.mark.django_db

BORN = date(2010, 5, 17)


def _assignment(**kwargs):
    instrument = small_instrument(respondents=["youth", "mentor", "guardian"], young_age=12)
    return AssignmentFactory(instrument=instrument, language="en", **kwargs)


def _path(assignment) -> str:
    return urlsplit(delivery.survey_link(assignment)).path


def _items(assignment):
    return list(assignment.instrument.items.order_by("position"))


def _started_by_the_respondent(assignment) -> str:
    """The respondent saves two answers through the link in their own browser; the path."""
    q1, q2, _q3 = _items(assignment)
    path = _path(assignment)
    respondent = Client()
    respondent.post(path + "save/", {f"item-{q1.pk}": "4", f"item-{q2.pk}": "2"}, HTTP_HX_REQUEST="true")
    assert Answer.objects.filter(assignment=assignment).count() == 2
    return path


def _checked(html: str) -> list:
    import re

    return re.findall(r'<input type="radio" name="item-(\d+)" value="(\d)"[^>]*checked', html)


def _youth_survey():
    survey = _assignment()
    survey.youth.date_of_birth = BORN
    survey.youth.save()
    return survey


# --- The second check -----------------------------------------------------------------------------


def test_a_second_browser_does_not_see_saved_answers_without_the_check(client):
    survey = _youth_survey()
    path = _started_by_the_respondent(survey)
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "You saved answers to this questionnaire earlier" in page.text
    assert 'type="radio"' not in page.text
    assert _checked(page.text) == []
    for item in _items(survey):
        assert item.text_en not in page.text


def test_the_second_browser_can_neither_change_nor_send_the_saved_answers(client):
    survey = _youth_survey()
    q1, q2, q3 = _items(survey)
    path = _started_by_the_respondent(survey)
    # An empty form (every answer "unanswered") would wipe the answers; sending would send them.
    client.post(path, {"action": "send", "confirm": "1"})
    response = client.post(path + "save/", {f"item-{q3.pk}": "1"}, HTTP_HX_REQUEST="true")
    assert "Saved" not in response.text
    assert client.post(path + "save/", {f"item-{q3.pk}": "1"}).status_code == 302
    survey.refresh_from_db()
    assert survey.status == AssignmentStatus.STARTED
    assert dict(Answer.objects.values_list("item_id", "value")) == {q1.pk: 4, q2.pk: 2}


def test_the_right_date_of_birth_shows_the_saved_answers_in_that_session_only(client):
    survey = _youth_survey()
    q1, q2, _q3 = _items(survey)
    path = _started_by_the_respondent(survey)
    wrong = client.post(path, {"second_check": "1", "date_of_birth": "2010-05-18"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200
    assert "not the one we know" in wrong.text
    assert 'type="radio"' not in wrong.text
    right = client.post(path, {"second_check": "1", "date_of_birth": BORN.isoformat()})
    assert right.status_code == 302
    page = client.get(path)
    assert sorted(_checked(page.text)) == sorted([(str(q1.pk), "4"), (str(q2.pk), "2")])
    # Remembered for this survey only: another survey's link in the same browser asks again.
    other = _youth_survey()
    Answer.objects.create(assignment=other, item=_items(other)[0], value=3)
    assert 'type="radio"' not in client.get(_path(other)).text
    # And another browser still gets the check.
    assert 'type="radio"' not in Client().get(path).text


def test_a_link_without_saved_answers_needs_no_check(client):
    survey = _youth_survey()
    page = client.get(_path(survey))
    assert 'type="radio"' in page.text
    assert "You saved answers" not in page.text


def test_a_mentor_gives_their_own_date_of_birth(cast, client):
    survey = _assignment(
        youth=cast.youth_row, match=cast.match, respondent=Respondent.MENTOR, mentor=cast.mentor_row
    )
    path = _started_by_the_respondent(survey)
    youths = client.post(
        path, {"second_check": "1", "date_of_birth": cast.youth_row.date_of_birth.isoformat()}
    )
    if cast.youth_row.date_of_birth != cast.mentor_row.date_of_birth:
        assert youths.status_code == 200
    assert (
        client.post(
            path, {"second_check": "1", "date_of_birth": cast.mentor_row.date_of_birth.isoformat()}
        ).status_code
        == 302
    )
    assert 'type="radio"' in client.get(path).text


def test_a_parent_gives_their_childs_date_of_birth(cast, client):
    survey = _assignment(
        youth=cast.youth_row, match=cast.match, respondent=Respondent.GUARDIAN, guardian=cast.guardian_row
    )
    path = _started_by_the_respondent(survey)
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert "Your child&#x27;s date of birth" in page.text or "Your child's date of birth" in page.text
    assert (
        client.post(
            path, {"second_check": "1", "date_of_birth": cast.youth_row.date_of_birth.isoformat()}
        ).status_code
        == 302
    )
    assert 'type="radio"' in client.get(path).text


def test_five_wrong_dates_an_hour_lock_the_link(client):
    from koppel.common.models import FailedAttempt

    survey = _youth_survey()
    path = _started_by_the_respondent(survey)
    for _attempt in range(5):
        assert client.post(path, {"second_check": "1", "date_of_birth": "2011-01-01"}).status_code == 200
    locked = client.post(
        path, {"second_check": "1", "date_of_birth": BORN.isoformat()}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert locked.status_code == 429
    assert "Too many attempts" in locked.text
    assert 'type="radio"' not in client.get(path).text
    # Another browser is locked too: the count is the link's, in the database.
    assert Client().post(path, {"second_check": "1", "date_of_birth": BORN.isoformat()}).status_code == 429
    assert ActivityLog.objects.filter(action="surveys.assignment.link_locked", object_id=survey.pk).exists()
    # No date given is stored anywhere.
    assert set(FailedAttempt.objects.values_list("key", flat=True)) == {delivery.check_key(survey)}
    # After an hour the respondent gets in.
    FailedAttempt.objects.update(at=timezone.now() - timedelta(hours=1, minutes=1))
    assert client.post(path, {"second_check": "1", "date_of_birth": BORN.isoformat()}).status_code == 302
    assert 'type="radio"' in client.get(path).text


# --- Re-issuing the link --------------------------------------------------------------------------


def test_staff_make_a_new_link_and_the_old_one_answers_404(cast, client_for, client):
    survey = _assignment(youth=cast.youth_row, match=cast.match)
    old = _path(survey)
    assert client.get(old).status_code == 200
    coordinator = client_for(cast.coordinator)
    response = coordinator.post(reverse("staff:survey_link_reissue", args=[survey.pk]))
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.link_version == 1
    assert client.get(old).status_code == 404
    assert client.post(old + "save/", {}).status_code == 404
    new = _path(survey)
    assert new != old
    assert client.get(new).status_code == 200
    assert (
        urlsplit(delivery.survey_link(survey)).path
        in coordinator.get(reverse("staff:survey_detail", args=[survey.pk])).text
    )
    entry = ActivityLog.objects.get(action="surveys.assignment.link_reissued", object_id=survey.pk)
    assert (entry.actor_id, entry.fields) == (cast.coordinator.pk, ["link_version"])


def test_a_new_link_asks_the_check_again_in_a_browser_that_passed_it(client):
    survey = _youth_survey()
    path = _started_by_the_respondent(survey)
    client.post(path, {"second_check": "1", "date_of_birth": BORN.isoformat()})
    assert 'type="radio"' in client.get(path).text
    survey = delivery.reissue_survey_link(survey, by=None)
    page = client.get(_path(survey))
    assert 'type="radio"' not in page.text


def test_a_closed_survey_gets_no_new_link(cast, client_for):
    survey = _assignment(youth=cast.youth_row, status=AssignmentStatus.SUBMITTED, submitted_at=timezone.now())
    client_for(cast.coordinator).post(reverse("staff:survey_link_reissue", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.link_version == 0


def test_the_reminder_after_a_new_link_carries_the_new_link(cast):
    from django.core.management import call_command

    from koppel.common.domain import reminders as r

    cast.youth_row.email = "noa@example.org"
    cast.youth_row.save()
    survey = _assignment(youth=cast.youth_row, match=cast.match)
    old = _path(survey)
    r.propose_reminders(today=timezone.localdate())
    survey = delivery.reissue_survey_link(survey, by=cast.coordinator)
    Reminder.objects.exclude(kind="survey_due").delete()
    mail.outbox.clear()
    call_command("send_reminders", "--inline", "--no-propose", verbosity=0)
    body = next(m.body for m in mail.outbox if "noa@example.org" in m.to)
    assert _path(survey) in body
    assert old not in body


def test_links_mailed_before_link_versions_keep_working():
    survey = _assignment()
    token = delivery._signer().sign_object({"a": survey.pk}, compress=True)
    assert delivery.assignment_from_token(token) == survey


# --- The access log -------------------------------------------------------------------------------


def test_every_use_of_a_link_is_in_the_access_log(client):
    survey = _youth_survey()
    q1 = _items(survey)[0]
    path = _path(survey)
    client.get(path)
    client.post(path + "save/", {f"item-{q1.pk}": "4"}, HTTP_HX_REQUEST="true")
    Client().get(path)  # another browser, shown the check
    entries = AccessLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Assignment), object_id=survey.pk
    ).order_by("id")
    assert [(e.page, e.viewer_id) for e in entries] == [
        ("links:survey", None),
        ("links:survey_save", None),
        ("links:survey", None),
    ]
    # A link that does not work names no survey: nothing to log.
    client.get(reverse("links:survey", args=["garbage"]))
    assert AccessLog.objects.count() == 3
