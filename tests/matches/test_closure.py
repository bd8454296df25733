"""Closure (CLS-1, OUT-2): early endings flagged from the dates, who ended it, a conversation with
each party before the match closes, the follow-up a year later, the mentor available again and the
youth rematched."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.matches.domain import adapter
from koppel.matches.domain import closure as domain
from koppel.matches.enums import MatchState
from koppel.matches.models import Closure, Match, MatchEvent
from koppel.people.enums import MentorStatus, YouthStatus
from koppel.people.models import Mentor, Youth
from tests.factories import GuardianshipFactory, MatchFactory, UserFactory, YouthFactory
from tests.factories.closure import AgreementFactory, active_match, matched_mentor, proposed_match

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = date(2025, 1, 15)


@pytest.fixture
def staff():
    return UserFactory()


def _start(match, staff, ends_on, **kwargs):
    values = {"reason": "no_click", "ended_by": "mentor"} | kwargs
    return domain.start_closure(match, by=staff, ends_on=ends_on, **values)


def _talk_to_everyone(closure, staff, *, skip=()):
    for slot in domain.parties_of(closure.match):
        if slot.key not in skip:
            domain.record_closure_conversation(
                closure, by=staff, values={"with_whom": slot.key, "held_on": TODAY}
            )


# --- CLS-1: the early flag ------------------------------------------------------------------------


def test_months_are_added_to_the_same_day_or_the_last_of_a_short_month():
    assert domain.add_months(date(2025, 1, 15), 12) == date(2026, 1, 15)
    assert domain.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert domain.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert domain.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("ends_on", "early", "kind"),
    [
        (date(2026, 1, 14), True, "early"),  # one day before the agreed end (15 Jan 2025 + 12 months)
        (date(2026, 1, 15), False, "planned"),  # on it
        (date(2026, 1, 16), False, "planned"),  # after it
    ],
)
def test_ending_before_the_agreed_duration_is_flagged_early__CLS_1(staff, ends_on, early, kind):
    # The agreement's own start and duration count, not the match's start date.
    match = active_match(started_on=date(2024, 12, 1))
    AgreementFactory(match=match, start_date=START, duration_months=12)
    closure = _start(match, staff, ends_on, kind="planned")  # a typed kind never overrides the dates
    assert (closure.early, closure.kind) == (early, kind)
    assert Closure.objects.get(match=match).early is early


@pytest.mark.parametrize(
    ("min_months", "ends_on", "early"),
    [
        (12, date(2026, 1, 14), True),
        (12, date(2026, 1, 15), False),
        (6, date(2025, 7, 14), True),
        (6, date(2025, 7, 15), False),
        (6, date(2025, 7, 16), False),
    ],
)
def test_without_an_agreement_the_programme_minimum_counts__CLS_1(staff, min_months, ends_on, early):
    match = active_match(started_on=START)
    match.programme.settings.min_duration_months = min_months
    match.programme.settings.save()
    assert _start(match, staff, ends_on).early is early


def test_the_latest_agreement_version_sets_the_agreed_end__CLS_1(staff):
    match = active_match(started_on=START)
    AgreementFactory(match=match, number=1, start_date=START, duration_months=12)
    AgreementFactory(match=match, number=2, start_date=START, duration_months=6)
    assert domain.agreed_end(match) == domain.AgreedEnd(date(2025, 7, 15), 6)
    assert _start(match, staff, date(2025, 8, 1)).early is False


def test_early_closure_needs_who_ended_it__CLS_1(staff):
    match = active_match(started_on=START)
    with pytest.raises(DomainError, match="early ending; say who ended it"):
        _start(match, staff, date(2025, 6, 1), ended_by="")
    match.refresh_from_db()
    assert match.state == MatchState.ACTIVE
    assert not Closure.objects.filter(match=match).exists()
    closure = _start(match, staff, date(2025, 6, 1), ended_by="youth", reason="youth_motivation")
    assert (closure.kind, closure.ended_by, closure.reason) == ("early", "youth", "youth_motivation")
    match.refresh_from_db()
    assert match.state == MatchState.CLOSING


def test_a_planned_closure_needs_nobody_to_have_ended_it__CLS_1(staff):
    match = active_match(started_on=START)
    closure = _start(match, staff, date(2026, 1, 15), ended_by="", reason="duration_reached")
    assert (closure.kind, closure.ended_by) == ("planned", "")


def test_closure_needs_a_reason_an_active_match_and_a_last_day_after_the_start(staff):
    match = active_match(started_on=START)
    with pytest.raises(DomainError, match="choose the reason"):
        _start(match, staff, date(2026, 2, 1), reason="")
    with pytest.raises(DomainError, match="before the match started"):
        _start(match, staff, date(2025, 1, 14))
    proposed = MatchFactory(state=MatchState.PROPOSED)
    with pytest.raises(DomainError, match="Only an active match"):
        _start(proposed, staff, TODAY)


def test_start_closure_moves_the_match_and_writes_the_timeline(staff):
    match = active_match(started_on=START)
    closure = _start(match, staff, date(2025, 6, 1))
    event = MatchEvent.objects.get(match=match)
    assert (event.from_state, event.to_state, event.by) == ("active", "closing", staff)
    log = ActivityLog.objects.get(action="matches.closure.started", object_id=closure.pk)
    assert log.data == {"kind": "early", "early": True, "reason": "no_click", "ended_by": "mentor"}
    assert closure.started_by == staff


def test_contact_after_comes_from_the_agreement_unless_given(staff):
    match = active_match(started_on=START)
    AgreementFactory(match=match, contact_after="free", contact_after_note="Kaartje met verjaardag")
    closure = _start(match, staff, date(2026, 2, 1))
    assert (closure.contact_after, closure.contact_after_note) == ("free", "Kaartje met verjaardag")
    other = active_match(started_on=START)
    AgreementFactory(match=other, contact_after="free")
    assert _start(other, staff, date(2026, 2, 1), contact_after="none").contact_after == "none"
    # Without an agreement: contact only through the programme.
    third = active_match(started_on=START)
    assert _start(third, staff, date(2026, 2, 1)).contact_after == "programme"


# --- OUT-2: the follow-up -------------------------------------------------------------------------


def test_follow_up_is_scheduled_a_year_after__OUT_2(staff):
    match = active_match(started_on=START)
    assert _start(match, staff, date(2026, 3, 31)).follow_up_due == date(2027, 3, 31)
    other = active_match(started_on=START)
    other.programme.settings.follow_up_months = 6
    other.programme.settings.save()
    # 31 March + 6 months: September has 30 days.
    assert _start(other, staff, date(2026, 3, 31)).follow_up_due == date(2026, 9, 30)


# --- CLS-1: a conversation with each party --------------------------------------------------------


def test_close_needs_a_conversation_with_each_party__CLS_1(staff):
    match = active_match(started_on=START, mentors=2)
    first, second = Mentor.objects.filter(match_mentors__match=match).order_by(
        "last_name", "first_name", "id"
    )
    guardian = match.youth.guardianships.get().guardian
    closure = _start(match, staff, TODAY)
    with pytest.raises(DomainError, match="Still missing") as refused:
        domain.close_match(match, by=staff)
    for name in (first.full_name, second.full_name, match.youth.full_name, guardian.full_name):
        assert name in refused.value.message
    _talk_to_everyone(closure, staff, skip={f"mentor:{second.pk}"})
    with pytest.raises(DomainError, match="Still missing") as refused:
        domain.close_match(match, by=staff)
    assert refused.value.message.endswith(f"Still missing: {second.full_name}.")
    match.refresh_from_db()
    assert match.state == MatchState.CLOSING
    domain.record_closure_conversation(
        closure,
        by=staff,
        values={
            "with_whom": f"mentor:{second.pk}",
            "held_on": TODAY,
            "went_well": "Samen voetballen",
            "rating": 4,
            "would_recommend": True,
        },
    )
    domain.close_match(match, by=staff)
    match.refresh_from_db()
    closure.refresh_from_db()
    assert (match.state, match.ended_on) == (MatchState.CLOSED, TODAY)
    assert closure.closed_at is not None
    assert closure.conversations.get(mentor=second).rating == 4


def test_a_guardian_without_parental_authority_does_not_stand_for_the_parents__CLS_1(staff):
    match = active_match(started_on=START)
    stepfather = GuardianshipFactory(youth=match.youth, has_parental_authority=False).guardian
    mother = match.youth.guardianships.get(has_parental_authority=True).guardian
    closure = _start(match, staff, TODAY)
    _talk_to_everyone(closure, staff, skip={f"guardian:{mother.pk}"})
    assert f"guardian:{stepfather.pk}" in domain.held_keys(closure)
    with pytest.raises(DomainError, match="a parent or guardian with parental authority"):
        domain.close_match(match, by=staff)


def test_a_youth_without_guardians_needs_no_parent_conversation__CLS_1(staff):
    match = active_match(started_on=START, guardian=False)
    closure = _start(match, staff, TODAY)
    _talk_to_everyone(closure, staff)
    assert domain.missing_conversations(closure) == []
    domain.close_match(match, by=staff)


def test_conversations_are_with_the_match_parties_in_range_and_while_closing(staff):
    match = active_match(started_on=START)
    closure = _start(match, staff, TODAY)
    outsider = matched_mentor(match.programme, trained_before=TODAY)
    with pytest.raises(DomainError, match="a mentor of this match"):
        domain.record_closure_conversation(
            closure, by=staff, values={"with_whom": f"mentor:{outsider.pk}", "held_on": TODAY}
        )
    with pytest.raises(DomainError, match="from 1 to 5"):
        domain.record_closure_conversation(
            closure, by=staff, values={"with_whom": "youth", "held_on": TODAY, "rating": 6}
        )
    with pytest.raises(DomainError, match="once it has taken place"):
        domain.record_closure_conversation(
            closure, by=staff, values={"with_whom": "youth", "held_on": TODAY + timedelta(days=1)}
        )
    conversation = domain.record_closure_conversation(
        closure, by=staff, values={"party": "youth", "held_on": TODAY, "notes": "Fijn gesprek"}
    )
    log = ActivityLog.objects.get(action="matches.closure_conversation.recorded", object_id=conversation.pk)
    assert log.fields == ["held_on", "notes", "party"]
    assert "Fijn" not in str(log.data)


def test_the_match_closes_on_or_after_its_last_day(staff):
    match = active_match(started_on=START)
    closure = _start(match, staff, TODAY + timedelta(days=7))
    _talk_to_everyone(closure, staff)
    with pytest.raises(DomainError, match="on or after its last day"):
        domain.close_match(match, by=staff)


# --- After closure: the mentor available again, the youth rematched -------------------------------


def _closed(staff, **kwargs):
    match = active_match(started_on=START, **kwargs)
    closure = _start(match, staff, TODAY)
    _talk_to_everyone(closure, staff)
    return domain.close_match(match, by=staff)


def test_closing_makes_the_mentor_available_and_rematch_puts_the_youth_back_in_the_pool(staff):
    match = _closed(staff)
    mentor = match.mentors.get()
    youth = Youth.objects.get(pk=match.youth_id)
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.READY
    assert youth.status == YouthStatus.CLOSED
    assert ActivityLog.objects.filter(action="people.youth.closed", object_id=youth.pk).exists()
    assert mentor in adapter.available_mentors(match.programme)
    assert youth not in adapter.waiting_youth(match.programme)

    youth.waiting_since = TODAY - timedelta(days=500)
    youth.save()
    domain.rematch_youth(match, by=staff)
    youth.refresh_from_db()
    assert (youth.status, youth.waiting_since) == (YouthStatus.WAITING, TODAY)
    assert list(adapter.waiting_youth(match.programme)) == [youth]
    assert ActivityLog.objects.get(action="people.youth.rematched", object_id=youth.pk).data == {
        "match": match.pk,
        "from": YouthStatus.CLOSED,
        "to": YouthStatus.WAITING,
    }
    with pytest.raises(DomainError, match="is: Waiting for a mentor"):
        domain.rematch_youth(match, by=staff)


def test_rematch_waits_for_the_closure(staff):
    match = active_match(started_on=START)
    with pytest.raises(DomainError, match="once this match is closed"):
        domain.rematch_youth(match, by=staff)


def test_a_mentor_with_another_open_match_stays_matched(staff):
    match = active_match(started_on=START)
    mentor = match.mentors.get()
    MatchFactory(youth=YouthFactory(programme=match.programme, status="matched"), mentors=[mentor])
    closure = _start(match, staff, TODAY)
    _talk_to_everyone(closure, staff)
    domain.close_match(match, by=staff)
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.MATCHED


def test_a_mentor_short_of_training_hours_is_paused_not_made_ready__TRN_1(staff):
    match = active_match(started_on=START)
    match.programme.settings.pre_match_training_hours = 10
    match.programme.settings.save()
    closure = _start(match, staff, TODAY)
    _talk_to_everyone(closure, staff)
    domain.close_match(match, by=staff)
    mentor = match.mentors.get()
    assert mentor.status == MentorStatus.PAUSED
    assert mentor not in adapter.available_mentors(match.programme)


# --- Cancel a match that never started ------------------------------------------------------------


@pytest.mark.parametrize("state", ["proposed", "introduced", "agreed"])
def test_cancel_a_match_that_never_started(staff, state):
    match = proposed_match(MatchFactory().programme)
    Match.objects.filter(pk=match.pk).update(state=state)
    waiting_since = match.youth.waiting_since
    closure = domain.cancel_match(match, by=staff, reason="no_click", reason_note="Geen klik")
    match.refresh_from_db()
    assert (match.state, match.ended_on) == (MatchState.CLOSED, TODAY)
    assert (closure.kind, closure.early, closure.ended_by, closure.ends_on) == (
        "early",
        True,
        "programme",
        TODAY,
    )
    assert closure.follow_up_due is None and closure.closed_at is not None
    youth = Youth.objects.get(pk=match.youth_id)
    assert (youth.status, youth.waiting_since) == (YouthStatus.WAITING, waiting_since)
    mentor = match.mentors.get()
    assert mentor.status == MentorStatus.READY
    assert youth in adapter.waiting_youth(match.programme)
    assert mentor in adapter.available_mentors(match.programme)


def test_a_started_match_is_closed_not_cancelled(staff):
    match = active_match(started_on=START)
    with pytest.raises(DomainError, match="Only a match that has not started"):
        domain.cancel_match(match, by=staff, reason="no_click")
    match.refresh_from_db()
    assert match.state == MatchState.ACTIVE


def test_a_mentor_paused_at_closure_resumes_as_ready_not_matched():
    """A mentor paused at closure (TRN-1 hours missing) resumes as ready once the hours are there."""
    from decimal import Decimal

    from koppel.people.domain.pipeline import resume_mentor
    from koppel.people.models import PipelineEvent
    from koppel.training.models import ExternalHours
    from tests.factories import MentorFactory, UserFactory

    by = UserFactory()
    mentor = MentorFactory(status="paused")
    PipelineEvent.objects.create(
        mentor=mentor, by=by, from_status="matched", to_status="paused", reason="closure"
    )
    ExternalHours.objects.create(
        mentor=mentor, date=timezone.localdate(), hours=Decimal("6"), kind="self_study"
    )
    resume_mentor(mentor, by=by)
    mentor.refresh_from_db()
    assert mentor.status == "ready"
