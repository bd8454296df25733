"""Closure pages (CLS-1, OUT-2): the walkthrough of an early closure and a rematch, the cancel form,
form errors kept, and the worklist sections with constant queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from koppel.matches.domain import adapter
from koppel.matches.domain import closure as domain
from koppel.matches.enums import MatchState
from koppel.matches.models import Closure, Match
from koppel.people.enums import MentorStatus, YouthStatus
from koppel.people.models import Youth
from tests.factories.closure import AgreementFactory, active_match, proposed_match

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate()


def _day(value) -> str:
    with translation.override("en"):
        return date_format(value, "SHORT_DATE_FORMAT")


def _worklist_day(value) -> str:
    """A day as the worklist writes it: its year only when that is not this year."""
    with translation.override("en"):
        return date_format(value, "j F" if value.year == timezone.localdate().year else "j F Y")


@pytest.fixture
def coordinator(cast, client_for):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    return client_for(cast.coordinator)


def _post(client, name, match, data=None):
    return client.post(reverse(name, args=[match.pk]), data or {}, **EN)


def _start_data(**kwargs):
    return {
        "ends_on": TODAY.isoformat(),
        "reason": "mentor_time",
        "ended_by": "mentor",
        "reason_note": "Nieuwe baan met avonddiensten",
        "contact_after": "programme",
        "contact_after_note": "",
    } | kwargs


def test_walkthrough_an_early_closure_with_its_reason_then_a_rematch__CLS_1_OUT_2(cast, coordinator):
    match = active_match(programme=cast.programme, started_on=TODAY - timedelta(days=100))
    AgreementFactory(match=match, start_date=match.started_on, duration_months=12)
    mentor = match.mentors.get()
    url = reverse("staff:match_closure", args=[match.pk])

    # The page explains the early-ending flag with the agreed duration.
    page = coordinator.get(url, **EN).content.decode()
    assert "ends before the agreed duration (12 months) - an early ending, CLS-1" in page

    # An early ending without who ended it: refused, the form keeps what was typed.
    refused = _post(coordinator, "staff:match_closure", match, _start_data(ended_by=""))
    assert refused.status_code == 200
    assert "this is an early ending; say who ended it" in refused.content.decode()
    assert "Nieuwe baan met avonddiensten" in refused.content.decode()
    assert Match.objects.get(pk=match.pk).state == MatchState.ACTIVE

    started = _post(coordinator, "staff:match_closure", match, _start_data())
    assert started.status_code == 302 and started["Location"] == url
    closure = Closure.objects.get(match=match)
    assert (closure.kind, closure.early, closure.ended_by, closure.reason) == (
        "early",
        True,
        "mentor",
        "mentor_time",
    )
    page = coordinator.get(url, **EN).content.decode()
    assert "before the agreed duration" in page and "early-badge" in page

    # Closing before the conversations: refused, naming who is missing.
    refused = coordinator.post(reverse("staff:match_close", args=[match.pk]), follow=True, **EN)
    assert f"Still missing: {mentor.full_name}" in refused.content.decode()

    for slot in domain.parties_of(match):
        answer = _post(
            coordinator,
            "staff:closure_conversation_add",
            match,
            {
                "with_whom": slot.key,
                "held_on": TODAY.isoformat(),
                "went_well": "Samen naar de bieb",
                "rating": "4",
                "would_recommend": "yes",
            },
        )
        assert answer.status_code == 302
    assert closure.conversations.count() == 3
    assert set(closure.conversations.values_list("rating", "would_recommend")) == {(4, True)}

    closed = coordinator.post(reverse("staff:match_close", args=[match.pk]), follow=True, **EN)
    text = closed.content.decode()
    assert "The match is closed." in text
    assert _day(domain.add_months(TODAY, 12)) in text  # the OUT-2 follow-up
    assert reverse("staff:match_rematch", args=[match.pk]) in text
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.READY

    rematched = _post(coordinator, "staff:match_rematch", match)
    assert rematched.status_code == 302
    youth = Youth.objects.get(pk=match.youth_id)
    assert (youth.status, youth.waiting_since) == (YouthStatus.WAITING, TODAY)
    assert youth in adapter.waiting_youth(cast.programme)
    assert mentor in adapter.available_mentors(cast.programme)
    # The youth is waiting again: no second rematch button.
    assert reverse("staff:match_rematch", args=[match.pk]) not in coordinator.get(url, **EN).content.decode()


def test_a_conversation_form_with_errors_is_shown_open_with_the_data(cast, coordinator):
    match = active_match(programme=cast.programme, started_on=TODAY - timedelta(days=100))
    domain.start_closure(match, by=cast.coordinator, reason="no_click", ended_by="youth", ends_on=TODAY)
    answer = _post(
        coordinator,
        "staff:closure_conversation_add",
        match,
        {"with_whom": "youth", "held_on": "", "went_well": "Voetbal"},
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "<details open>" in text and "Voetbal" in text
    assert not Closure.objects.get(match=match).conversations.exists()
    # Each party has its own form with its own ids; once held, the party's form goes.
    assert 'id="party1_held_on"' in text and 'value="youth"' in text
    _post(
        coordinator,
        "staff:closure_conversation_add",
        match,
        {"with_whom": "youth", "held_on": TODAY.isoformat()},
    )
    page = coordinator.get(reverse("staff:match_closure", args=[match.pk]), **EN).content.decode()
    assert 'value="youth"' not in page and 'value="mentor:' in page


def test_cancel_a_proposed_match_from_its_page(cast, coordinator):
    match = proposed_match(cast.programme)
    page = coordinator.get(reverse("staff:match_closure", args=[match.pk]), **EN).content.decode()
    assert reverse("staff:match_cancel", args=[match.pk]) in page
    answer = _post(coordinator, "staff:match_cancel", match, {"reason": "family", "ended_by": "guardian"})
    assert answer.status_code == 302
    match.refresh_from_db()
    assert match.state == MatchState.CLOSED
    assert (match.closure.reason, match.closure.ended_by) == ("family", "guardian")
    assert Youth.objects.get(pk=match.youth_id).status == YouthStatus.WAITING


def test_another_programmes_coordinator_cannot_close(cast, client_for):
    match = active_match(programme=cast.programme, started_on=TODAY - timedelta(days=100))
    other = client_for(cast.other_coordinator)
    assert _post(other, "staff:match_closure", match, _start_data()).status_code == 404
    assert Match.objects.get(pk=match.pk).state == MatchState.ACTIVE


# --- Worklist -------------------------------------------------------------------------------------


def _closing(cast, *, held: int):
    """A closing match (one mentor, the youth, one parent: three conversations), `held` of them held."""
    match = active_match(programme=cast.programme, started_on=TODAY - timedelta(days=100))
    closure = domain.start_closure(
        match, by=cast.coordinator, reason="no_click", ended_by="youth", ends_on=TODAY
    )
    for slot in domain.parties_of(match)[:held]:
        domain.record_closure_conversation(
            closure, by=cast.coordinator, values={"with_whom": slot.key, "held_on": TODAY}
        )
    return match


def _closed_with_follow_up(cast, due: date):
    match = active_match(programme=cast.programme, started_on=TODAY - timedelta(days=500))
    closure = domain.start_closure(match, by=cast.coordinator, reason="duration_reached", ends_on=TODAY)
    Match.objects.filter(pk=match.pk).update(state=MatchState.CLOSED, ended_on=TODAY)
    Closure.objects.filter(pk=closure.pk).update(follow_up_due=due)
    return match


def test_worklist_shows_closures_to_finish_with_the_conversations_held__CLS_1(cast, coordinator):
    match = _closing(cast, held=2)
    text = coordinator.get(reverse("staff:worklist"), **EN).content.decode()
    assert "Closures to finish" in text
    assert reverse("staff:match_closure", args=[match.pk]) in text
    assert "2 of 3 conversations held" in text
    team = active_match(
        programme=cast.programme, started_on=TODAY - timedelta(days=100), mentors=2, guardian=False
    )
    domain.start_closure(team, by=cast.coordinator, reason="no_click", ended_by="youth", ends_on=TODAY)
    text = coordinator.get(reverse("staff:worklist"), **EN).content.decode()
    assert "0 of 3 conversations held" in text  # two mentors and the youth; no parent on record


def test_worklist_shows_follow_ups_due_within_30_days_or_past__OUT_2(cast, coordinator, client_for):
    due = _closed_with_follow_up(cast, TODAY + timedelta(days=30))
    past = _closed_with_follow_up(cast, TODAY - timedelta(days=3))
    later = _closed_with_follow_up(cast, TODAY + timedelta(days=31))
    text = coordinator.get(reverse("staff:worklist"), **EN).content.decode()
    assert "Follow-ups due after closure" in text
    assert f"follow-up due on {_worklist_day(TODAY + timedelta(days=30))}" in text
    assert reverse("staff:match_closure", args=[due.pk]) in text
    assert reverse("staff:match_closure", args=[past.pk]) in text
    assert reverse("staff:match_closure", args=[later.pk]) not in text
    other = client_for(cast.other_coordinator).get(reverse("staff:worklist"), **EN).content.decode()
    assert reverse("staff:match_closure", args=[due.pk]) not in other


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **EN).status_code == 200
    return len(ctx.captured_queries)


def test_worklist_closure_sections_run_constant_queries__CLS_1_OUT_2(cast, coordinator):
    url = reverse("staff:worklist")
    _closing(cast, held=1)
    _closed_with_follow_up(cast, TODAY)
    one = _count_queries(coordinator, url)
    for held in (0, 2, 3):
        _closing(cast, held=held)
        _closed_with_follow_up(cast, TODAY + timedelta(days=held))
    assert _count_queries(coordinator, url) == one
