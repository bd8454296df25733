"""The match's states: one domain function per transition, audited, with its timeline (AGR-1 gate)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.matches.domain import lifecycle
from koppel.matches.enums import MatchState, Party
from koppel.matches.models import Agreement, Consent, Match, MatchEvent
from tests.factories import GuardianshipFactory, MatchFactory, MentorFactory, UserFactory, YouthFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def staff():
    return UserFactory()


def _agreement(match, *, given: bool) -> Agreement:
    agreement = Agreement.objects.create(
        match=match,
        number=1,
        start_date=TODAY,
        duration_months=12,
        meeting_interval_days=7,
        place="free",
        approach="combined",
        contact_after="programme",
    )
    mentor = match.mentors.get()
    guardian = GuardianshipFactory(youth=match.youth).guardian  # with parental authority
    for party, kwargs in (
        (Party.MENTOR, {"mentor": mentor}),
        (Party.GUARDIAN, {"guardian": guardian}),
        (Party.YOUTH, {"youth": match.youth}),
    ):
        Consent.objects.create(
            agreement=agreement,
            party=party,
            given_at=timezone.now() if given else None,
            typed_name="Naam" if given else "",
            **kwargs,
        )
    return agreement


def test_introduce_needs_a_staff_member_and_a_past_date(staff):
    match = MatchFactory(state=MatchState.PROPOSED, mentors=[MentorFactory()])
    with pytest.raises(DomainError, match="staff member is present"):
        lifecycle.introduce_match(match, by=staff, on=TODAY, staff_member=None)
    with pytest.raises(DomainError, match="once it has taken place"):
        lifecycle.introduce_match(match, by=staff, on=TODAY + timedelta(days=1), staff_member=staff)
    lifecycle.introduce_match(match, by=staff, on=TODAY, staff_member=staff, note="Goed gesprek")
    match.refresh_from_db()
    assert (match.state, match.introduced_on, match.introduced_by) == (MatchState.INTRODUCED, TODAY, staff)
    event = MatchEvent.objects.get(match=match)
    assert (event.from_state, event.to_state, event.by) == (MatchState.PROPOSED, MatchState.INTRODUCED, staff)
    assert ActivityLog.objects.filter(action="matches.match.introduced", object_id=match.pk).exists()


def test_a_transition_that_is_not_allowed_is_refused(staff):
    match = MatchFactory(state=MatchState.PROPOSED, mentors=[MentorFactory()])
    with pytest.raises(DomainError, match="cannot go from 'Proposed' to 'Active'"):
        lifecycle.activate_match(match, by=staff, started_on=TODAY)
    match.refresh_from_db()
    assert match.state == MatchState.PROPOSED


def test_a_match_starts_only_when_everyone_consented__AGR_1(staff):
    match = MatchFactory(
        state=MatchState.AGREED, mentors=[MentorFactory(first_name="Sanne", last_name="Bos")]
    )
    with pytest.raises(DomainError, match="write the agreement"):
        lifecycle.activate_match(match, by=staff, started_on=TODAY)
    _agreement(match, given=False)
    with pytest.raises(DomainError, match=r"Still waiting for: .*Sanne Bos"):
        lifecycle.activate_match(match, by=staff, started_on=TODAY)
    Consent.objects.update(given_at=timezone.now(), typed_name="x")
    lifecycle.activate_match(match, by=staff, started_on=TODAY)
    match.refresh_from_db()
    assert (match.state, match.started_on) == (MatchState.ACTIVE, TODAY)


def test_pause_and_resume_a_started_match(staff):
    match = MatchFactory(state=MatchState.ACTIVE, mentors=[MentorFactory()])
    with pytest.raises(DomainError, match="Say why"):
        lifecycle.pause_match(match, by=staff, since=TODAY, reason=" ")
    lifecycle.pause_match(match, by=staff, since=TODAY, reason="Ziekte van de mentor")
    match.refresh_from_db()
    assert match.paused_since == TODAY
    with pytest.raises(DomainError, match="already paused"):
        lifecycle.pause_match(match, by=staff, since=TODAY, reason="nog eens")
    lifecycle.resume_match(match, by=staff)
    match.refresh_from_db()
    assert (match.paused_since, match.pause_reason) == (None, "")
    proposed = MatchFactory(state=MatchState.PROPOSED)
    with pytest.raises(DomainError, match="Only a started match"):
        lifecycle.pause_match(proposed, by=staff, since=TODAY, reason="x")


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"state": MatchState.ACTIVE, "started_on": None}, "started_match_has_start_date"),
        ({"state": MatchState.CLOSED, "ended_on": None}, "closed_match_has_end_date"),
        ({"state": MatchState.PROPOSED, "paused_since": TODAY}, "only_started_matches_pause"),
    ],
)
def test_database_constraints_guard_the_states(values, constraint):
    match = MatchFactory(state=MatchState.ACTIVE)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Match.objects.filter(pk=match.pk).update(**values)


def test_one_open_match_per_youth_and_programme():
    youth = YouthFactory()
    MatchFactory(youth=youth, state=MatchState.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchFactory(youth=youth, state=MatchState.PROPOSED)
    MatchFactory(youth=youth, state=MatchState.CLOSED)  # a closed one may sit beside it


def test_the_staff_page_takes_a_match_from_proposed_to_active(cast, client_for):
    match = MatchFactory(
        youth=YouthFactory(programme=cast.programme),
        state=MatchState.PROPOSED,
        mentors=[MentorFactory(programme=cast.programme)],
    )
    client = client_for(cast.coordinator)
    page = client.get(reverse("staff:match_detail", args=[match.pk]))
    assert (
        "Record the first meeting" in page.text
        or "Eerste kennismaking" in page.text
        or page.status_code == 200
    )
    answer = client.post(
        reverse("staff:match_introduce", args=[match.pk]),
        {"on": TODAY.isoformat(), "staff_member": cast.coordinator.pk, "note": "Klikte meteen"},
    )
    assert answer.status_code == 302
    match.refresh_from_db()
    assert match.state == MatchState.INTRODUCED
    Match.objects.filter(pk=match.pk).update(state=MatchState.AGREED)
    # Without consents the start is refused, and the form shows why.
    answer = client.post(reverse("staff:match_activate", args=[match.pk]), {"started_on": TODAY.isoformat()})
    assert answer.status_code == 200
    assert "AGR-1" in answer.text
    _agreement(match, given=True)
    answer = client.post(reverse("staff:match_activate", args=[match.pk]), {"started_on": TODAY.isoformat()})
    assert answer.status_code == 302
    match.refresh_from_db()
    assert match.state == MatchState.ACTIVE


def test_the_match_list_runs_a_constant_number_of_queries(cast, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.coordinator)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("staff:match_list"))
    for _ in range(8):
        MatchFactory(
            youth=YouthFactory(programme=cast.programme, status="matched"),
            mentors=[MentorFactory(programme=cast.programme)],
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("staff:match_list"))
    assert len(one.captured_queries) == len(many.captured_queries)
    assert response.context["page"].paginator.count == 9


def test_portal_match_page_shows_first_names_only(cast, client_for):
    page = client_for(cast.guardian).get(reverse("portal:match_detail", args=[cast.match.pk])).text
    assert cast.mentor_row.first_name in page
    assert cast.mentor_row.last_name not in page
    proposed = MatchFactory(
        youth=YouthFactory(programme=cast.programme), state=MatchState.PROPOSED, mentors=[cast.mentor_row]
    )
    assert client_for(cast.mentor).get(reverse("portal:match_detail", args=[proposed.pk])).status_code == 404


# --- The start: not before the last consent (AGR-1), and the mentor becomes "matched" -------------


def test_a_match_cannot_start_before_the_last_consent_was_given__AGR_1(staff):
    from tests.factories.agreement import consented_match

    match = consented_match(MentorFactory().programme)
    with pytest.raises(DomainError, match="AGR-1: the match cannot start before everyone had consented"):
        lifecycle.activate_match(match, by=staff, started_on=TODAY - timedelta(days=150))
    with pytest.raises(DomainError, match="AGR-1"):
        lifecycle.activate_match(match, by=staff, started_on=TODAY - timedelta(days=1))
    match.refresh_from_db()
    assert (match.state, match.started_on) == (MatchState.AGREED, None)
    lifecycle.activate_match(match, by=staff, started_on=TODAY)
    match.refresh_from_db()
    assert (match.state, match.started_on) == (MatchState.ACTIVE, TODAY)


def test_a_paper_consent_counts_from_the_day_it_was_signed__AGR_1(staff):
    from koppel.matches.domain.agreement import record_paper_consent
    from tests.factories.agreement import consented_match

    signed = TODAY - timedelta(days=5)
    match = consented_match(MentorFactory().programme, given_at=timezone.now() - timedelta(days=20))
    agreement = match.agreements.get()
    Agreement.objects.filter(pk=agreement.pk).update(created_at=timezone.now() - timedelta(days=30))
    youth_consent = agreement.consents.get(party=Party.YOUTH)
    Consent.objects.filter(pk=youth_consent.pk).update(given_at=None, typed_name="")
    youth_consent.refresh_from_db()
    record_paper_consent(youth_consent, by=staff, typed_name=match.youth.full_name, given_on=signed)
    with pytest.raises(DomainError, match="AGR-1"):
        lifecycle.activate_match(match, by=staff, started_on=signed - timedelta(days=1))
    lifecycle.activate_match(match, by=staff, started_on=signed)
    match.refresh_from_db()
    assert match.started_on == signed


def test_the_start_makes_a_ready_mentor_matched(staff):
    from koppel.people.enums import MentorStatus
    from tests.factories.agreement import consented_match

    mentor = MentorFactory(status=MentorStatus.READY)
    match = consented_match(mentor.programme, mentor=mentor)
    lifecycle.activate_match(match, by=staff, started_on=TODAY)
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.MATCHED
    assert mentor.pipeline_events.get().to_status == MentorStatus.MATCHED


def test_a_paused_mentor_cannot_start_a_match(staff):
    from koppel.people.enums import MentorStatus
    from tests.factories.agreement import consented_match

    mentor = MentorFactory(status=MentorStatus.PAUSED)
    match = consented_match(mentor.programme, mentor=mentor)
    with pytest.raises(DomainError, match=r"cannot start a match now \(status: Paused\)"):
        lifecycle.activate_match(match, by=staff, started_on=TODAY)


def test_a_parent_with_authority_added_after_the_agreement_is_asked_before_the_start__AGR_1(staff):
    from koppel.people.domain.people import link_guardian
    from tests.factories import GuardianFactory
    from tests.factories.agreement import consented_match

    match = consented_match(MentorFactory().programme)
    father = GuardianFactory(organisation=match.programme.organisation, first_name="Karim")
    link_guardian(match.youth, father, by=staff, relation="father", has_parental_authority=True)
    with pytest.raises(DomainError, match=r"AGR-1: Karim .* became a party after this version"):
        lifecycle.activate_match(match, by=staff, started_on=TODAY)


def test_a_minor_without_a_parent_with_authority_does_not_start__AGR_1(staff):
    from tests.factories.agreement import consented_match

    match = consented_match(MentorFactory().programme)
    match.youth.guardianships.update(has_parental_authority=False)
    with pytest.raises(DomainError, match=r"AGR-1: .* is a minor and no parent or guardian"):
        lifecycle.activate_match(match, by=staff, started_on=TODAY)


def test_a_match_does_not_start_in_the_future(staff):
    from tests.factories.agreement import consented_match

    match = consented_match(MentorFactory().programme)
    with pytest.raises(DomainError, match="record the start on that day"):
        lifecycle.activate_match(match, by=staff, started_on=TODAY + timedelta(days=1))


def test_a_consent_outlives_the_person_it_names__AGR_1(cast, client_for):
    from django.db.models import ProtectedError

    from tests.factories.agreement import consented_match

    match = consented_match(cast.programme)
    guardian = match.agreements.get().consents.get(party=Party.GUARDIAN).guardian
    with pytest.raises(ProtectedError), transaction.atomic():
        guardian.delete()
    # The Django admin neither deletes a match nor, through it, a person's consent.
    admin = client_for(cast.admin)
    delete_match = reverse("admin:matches_match_delete", args=[match.pk])
    assert admin.post(delete_match, {"post": "yes"}).status_code == 403
    admin.post(reverse("admin:people_guardian_delete", args=[guardian.pk]), {"post": "yes"})
    assert Consent.objects.filter(guardian=guardian).exists()
