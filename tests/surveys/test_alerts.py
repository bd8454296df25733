"""Scores that act (OUT-4): low or sharply dropping relationship quality asks for an extra support
contact on the coordinator's worklist, until a contact is logged or the alert is marked handled."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.surveys.domain.alerts import check_quality, handle_alert, open_alerts
from koppel.surveys.domain.responses import save_answers, submit_assignment
from koppel.surveys.enums import AlertReason
from koppel.surveys.models import QualityAlert, Score
from tests.factories import MentorFactory
from tests.factories.support import SupportContactFactory, started_match
from tests.factories.survey import AssignmentFactory, small_instrument
from tests.staff.test_query_counts import MANY, assert_constant_queries, content

pytestmark = pytest.mark.django_db


def _english(user):
    user.language = "en"
    user.save()
    return user


def mentor_survey(match, instrument, *, mentor=None, **kwargs):
    return AssignmentFactory(
        instrument=instrument,
        youth=match.youth,
        match=match,
        respondent="mentor",
        mentor=mentor or match.mentors.first(),
        **{"moment": "during", "months": 3, **kwargs},
    )


def answered(assignment, q1, q2, q3):
    """Submit with answers q1, q2 and q3 (q3 is reverse-scored: 6 - q3 counts)."""
    items = {i.key: i.pk for i in assignment.instrument.items.all()}
    save_answers(assignment, values={items["q1"]: q1, items["q2"]: q2, items["q3"]: q3})
    return submit_assignment(assignment)


def _alerts(match):
    return list(
        QualityAlert.objects.filter(match=match)
        .order_by("id")
        .values_list("reason", "value", "threshold", "previous")
    )


@pytest.fixture
def instrument():
    return small_instrument(threshold=3.0, drop=1.0)


def test_score_below_threshold_raises_an_alert__OUT_4(cast, instrument):
    answered(mentor_survey(cast.match, instrument), 2, 3, 4)  # (2 + 3 + 2) / 3 = 2.33
    [(reason, value, threshold, previous)] = _alerts(cast.match)
    assert reason == AlertReason.BELOW_THRESHOLD
    assert value == pytest.approx(7 / 3) and threshold == 3.0 and previous is None


def test_score_at_the_threshold_raises_none__OUT_4(cast, instrument):
    answered(mentor_survey(cast.match, instrument), 3, 3, 3)  # exactly 3.0
    assert _alerts(cast.match) == []


def test_sharp_drop_since_the_same_respondents_previous_score__OUT_4(cast, instrument):
    answered(mentor_survey(cast.match, instrument), 5, 4, 2)  # (5 + 4 + 4) / 3 = 4.33
    answered(mentor_survey(cast.match, instrument, months=6), 4, 3, 3)  # (4 + 3 + 3) / 3 = 3.33
    [(reason, value, _threshold, previous)] = _alerts(cast.match)
    assert reason == AlertReason.SHARP_DROP
    assert value == pytest.approx(10 / 3) and previous == pytest.approx(13 / 3)


def test_small_drop_raises_none__OUT_4(cast, instrument):
    answered(mentor_survey(cast.match, instrument), 5, 4, 2)  # 4.33
    answered(mentor_survey(cast.match, instrument, months=6), 4, 4, 2)  # 4.0: a drop of 0.33
    assert _alerts(cast.match) == []


def test_low_and_dropping_gives_two_alerts__OUT_4(cast, instrument):
    answered(mentor_survey(cast.match, instrument), 4, 4, 2)  # 4.0
    answered(mentor_survey(cast.match, instrument, months=6), 2, 2, 4)  # 2.0
    assert {a[0] for a in _alerts(cast.match)} == {AlertReason.BELOW_THRESHOLD, AlertReason.SHARP_DROP}


def test_drop_compares_only_the_same_respondent_person__OUT_4(cast, instrument):
    other_mentor = MentorFactory(programme=cast.programme)
    cast.match.mentors.add(other_mentor)
    answered(mentor_survey(cast.match, instrument, mentor=other_mentor), 5, 5, 1)  # 5.0
    answered(mentor_survey(cast.match, instrument), 4, 3, 3)  # 3.33, first score of this mentor
    # And the youth's own earlier score is not the mentor's previous one.
    youth_survey = AssignmentFactory(instrument=instrument, youth=cast.youth_row, match=cast.match)
    answered(youth_survey, 5, 5, 1)
    answered(mentor_survey(cast.match, instrument, months=6), 4, 3, 3)  # 3.33 again: no drop
    assert _alerts(cast.match) == []


def test_no_alert_without_a_match__OUT_4(cast, instrument):
    answered(AssignmentFactory(instrument=instrument, youth=cast.youth_row), 1, 1, 5)
    assert not QualityAlert.objects.exists()


def test_check_quality_is_idempotent__OUT_4(cast, instrument):
    assignment = answered(mentor_survey(cast.match, instrument), 1, 1, 5)
    scores = list(
        Score.objects.filter(assignment=assignment).select_related("subscale__instrument", "assignment")
    )
    again = check_quality(scores)
    assert len(again) == 1 and QualityAlert.objects.count() == 1


def test_alert_closes_with_a_contact_with_the_respondent_logged_after_it__OUT_4(cast, instrument):
    # A mentor contact held earlier today and logged before the survey came in does not count.
    earlier = SupportContactFactory(match=cast.match, held_on=timezone.localdate(), with_whom="mentor")
    answered(mentor_survey(cast.match, instrument), 1, 1, 5)
    ids = [cast.programme.pk]
    alert = QualityAlert.objects.get()
    assert earlier.created_at < alert.created_at
    assert open_alerts(ids).count() == 1
    # Logged after the alert but held the day before; with a parent, or with the youth: still open.
    SupportContactFactory(
        match=cast.match, held_on=timezone.localdate() - timedelta(days=1), with_whom="mentor"
    )
    SupportContactFactory(match=cast.match, held_on=timezone.localdate(), with_whom="guardian")
    SupportContactFactory(match=cast.match, held_on=timezone.localdate(), with_whom="youth")
    assert open_alerts(ids).count() == 1
    # With the mentor who answered, today, logged now: answered.
    SupportContactFactory(match=cast.match, held_on=timezone.localdate(), with_whom="mentor")
    assert open_alerts(ids).count() == 0


def test_handle_alert_closes_it_and_is_audited__OUT_4(cast, instrument):
    answered(mentor_survey(cast.match, instrument), 1, 1, 5)
    alert = QualityAlert.objects.get()
    handle_alert(alert, by=cast.coordinator)
    alert.refresh_from_db()
    assert alert.handled_by == cast.coordinator and alert.handled_at is not None
    assert open_alerts([cast.programme.pk]).count() == 0
    assert ActivityLog.objects.filter(action="surveys.alert.handled", object_id=alert.pk).exists()
    with pytest.raises(DomainError):
        handle_alert(alert, by=cast.coordinator)


def test_worklist_shows_the_alert_with_its_reason__OUT_4(cast, instrument, client_for):
    answered(mentor_survey(cast.match, instrument), 2, 3, 4)  # 2.33
    client = client_for(_english(cast.coordinator))
    response = client.get(reverse("staff:worklist"))
    section = {s.key: s for s in response.context["sections"]}["quality_alerts"]
    [item] = section.items
    assert item.note == "Trust 2.3 below 3.0 (mentor)"
    assert item.url == reverse("staff:match_support", args=[cast.match.pk])
    assert item.name == cast.youth_row.full_name
    # Another programme's coordinator does not see it.
    response = client_for(cast.other_coordinator).get(reverse("staff:worklist"))
    assert {s.key: s for s in response.context["sections"]}["quality_alerts"].count == 0


def test_worklist_note_for_a_drop__OUT_4(cast, client_for):
    instrument = small_instrument(threshold=None, drop=1.0)
    closeness = instrument.subscales.get()
    closeness.name_en = "Closeness"
    closeness.save()
    youth_survey = AssignmentFactory(instrument=instrument, youth=cast.youth_row, match=cast.match)
    answered(youth_survey, 5, 4, 2)  # 4.33
    answered(AssignmentFactory(instrument=instrument, youth=cast.youth_row, match=cast.match), 3, 3, 3)
    response = client_for(_english(cast.coordinator)).get(reverse("staff:worklist"))
    [item] = {s.key: s for s in response.context["sections"]}["quality_alerts"].items
    assert item.note == "Closeness fell from 4.3 to 3.0 (youth)"


def test_handle_from_the_worklist_post__OUT_4(cast, instrument, client_for):
    answered(mentor_survey(cast.match, instrument), 1, 1, 5)
    alert = QualityAlert.objects.get()
    support = reverse("staff:match_support", args=[cast.match.pk])
    response = client_for(cast.coordinator).post(
        reverse("staff:quality_alert_handle", args=[alert.pk]), {"next": support}
    )
    assert response.status_code == 302 and response["Location"] == support
    alert.refresh_from_db()
    assert alert.handled_at is not None
    # Someone else's address is not followed.
    alert2 = QualityAlert.objects.create(
        match=cast.match, score=alert.score, reason=AlertReason.SHARP_DROP, value=1
    )
    response = client_for(cast.coordinator).post(
        reverse("staff:quality_alert_handle", args=[alert2.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("staff:worklist")
    assert (
        client_for(cast.other_coordinator)
        .post(reverse("staff:quality_alert_handle", args=[alert2.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(cast.mentor).post(reverse("staff:quality_alert_handle", args=[alert2.pk])).status_code
        == 403
    )


def test_worklist_section_query_count_is_constant__OUT_4(cast, client_for):
    instrument = small_instrument()
    answered(mentor_survey(cast.match, instrument), 1, 1, 5)

    def add_more():
        for _ in range(MANY - 1):
            match = started_match(timezone.localdate() - timedelta(days=100), programme=cast.programme)
            answered(mentor_survey(match, instrument), 1, 1, 5)

    def shows_rows(response, n):
        section = {s.key: s for s in response.context["sections"]}["quality_alerts"]
        assert section.count == n
        assert "OUT-4" in content(response)

    assert_constant_queries(client_for(cast.coordinator), reverse("staff:worklist"), add_more, shows_rows)


def test_handling_one_alert_closes_the_other_open_alerts_of_the_match__OUT_4(cast):
    from tests.factories.survey import AssignmentFactory, ScoreFactory

    alerts = []
    for reason in (AlertReason.BELOW_THRESHOLD, AlertReason.SHARP_DROP):
        assignment = AssignmentFactory(
            youth=cast.match.youth, match=cast.match, moment="during", months=3, status="submitted"
        )
        score = ScoreFactory(assignment=assignment, value=2.0)
        alerts.append(QualityAlert.objects.create(match=cast.match, score=score, reason=reason, value=2.0))
    handle_alert(alerts[0], by=cast.coordinator)
    assert not QualityAlert.objects.filter(handled_at__isnull=True).exists()
    assert ActivityLog.objects.filter(action="surveys.alert.handled").count() == 2


def test_a_raised_alert_is_in_the_activity_log_without_values__OUT_4(cast):
    from tests.factories.survey import AssignmentFactory, ScoreFactory

    assignment = AssignmentFactory(
        youth=cast.match.youth, match=cast.match, moment="during", months=3, status="submitted"
    )
    score = ScoreFactory(assignment=assignment, value=1.5)  # the subscale's threshold is 3.0
    [alert] = check_quality([score])
    entry = ActivityLog.objects.get(action="surveys.alert.raised", object_id=alert.pk)
    assert entry.fields == ["reason"] and "1.5" not in str(entry.__dict__)
    check_quality([score])  # idempotent: no second entry
    assert ActivityLog.objects.filter(action="surveys.alert.raised").count() == 1
