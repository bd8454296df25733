"""Screening records (SCR-1..4): interviews, references, VOG, self-disclosure and the automatic
disqualification; and the queries the worklist reuses."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from koppel.common.domain.audit import history_of
from koppel.common.domain.errors import DomainError
from koppel.people.domain.pipeline import approve_mentor
from koppel.people.domain.queries.screening import (
    disclosures_to_review,
    interviews_to_plan,
    references_outstanding,
    vog_renewals_due,
    vogs_outstanding,
)
from koppel.people.domain.screening import (
    add_reference,
    record_interview,
    record_self_disclosure,
    record_vog,
    review_disclosure,
    update_reference,
    update_vog,
)
from koppel.people.enums import DisclosureDecision, DisqualificationReason, MentorStatus
from tests import factories as f
from tests.factories.screening import (
    ClearedDisclosureFactory,
    ConductCertificateFactory,
    InterviewFactory,
    ReferenceFactory,
    SelfDisclosureFactory,
)

pytestmark = pytest.mark.django_db
S = MentorStatus


@pytest.fixture
def coordinator():
    return f.UserFactory()


@pytest.fixture
def mentor():
    return f.MentorFactory(status=S.IN_SCREENING, email="sam@example.org", preferred_language="en")


# --- Interviews -----------------------------------------------------------------------------------


def test_interview_records_the_qualities__SCR_4(mentor, coordinator):
    interview = record_interview(
        mentor,
        by=coordinator,
        values={
            "held_on": timezone.localdate(),
            "kind": "home_visit",
            "responsibilities_explained": True,
            "motivation": "Wil jongeren helpen",
            "qualities": {"reliable": {"score": 4, "remark": " op tijd "}, "creative": {"score": 2}},
        },
    )
    assert interview.qualities == {
        "reliable": {"score": 4, "remark": "op tijd"},
        "creative": {"score": 2, "remark": ""},
    }
    entry = history_of(interview).get()
    assert "qualities" in entry.fields
    assert "Wil jongeren helpen" not in str(entry.data)


@pytest.mark.parametrize(
    "qualities", [{"reliable": {"score": 6}}, {"reliable": {"score": 0}}, {"charisma": {"score": 3}}]
)
def test_interview_refuses_bad_ratings__SCR_4(mentor, coordinator, qualities):
    with pytest.raises(DomainError, match="SCR-4"):
        record_interview(
            mentor, by=coordinator, values={"held_on": timezone.localdate(), "qualities": qualities}
        )


# --- References -----------------------------------------------------------------------------------


def test_references_count_for_approval_once_positive__SCR_2(mentor, coordinator):
    InterviewFactory(mentor=mentor)
    ConductCertificateFactory(mentor=mentor)
    ClearedDisclosureFactory(mentor=mentor)
    refs = [
        add_reference(mentor, by=coordinator, values={"name": f"Ref {i}", "email": f"r{i}@x.nl"})
        for i in (1, 2)
    ]
    with pytest.raises(DomainError, match="SCR-2"):
        approve_mentor(mentor, by=coordinator)
    for ref in refs:
        update_reference(ref, by=coordinator, values={"outcome": "positive"}, expected_version=ref.version)
    approve_mentor(mentor, by=coordinator)
    assert mentor.status == S.APPROVED


# --- VOG ------------------------------------------------------------------------------------------


def test_vog_is_valid_for_three_years_from_its_issue_date__SCR_2(mentor, coordinator):
    vog = record_vog(
        mentor,
        by=coordinator,
        values={"requested_on": date(2026, 1, 5), "outcome": "issued", "issued_on": date(2026, 2, 10)},
    )
    assert vog.valid_until == date(2029, 2, 10)
    leap = record_vog(
        mentor,
        by=coordinator,
        values={"requested_on": date(2024, 2, 1), "outcome": "issued", "issued_on": date(2024, 2, 29)},
    )
    assert leap.valid_until == date(2027, 2, 28)


def test_refused_vog_disqualifies_for_good__SCR_3(mentor, coordinator, django_capture_on_commit_callbacks):
    InterviewFactory(mentor=mentor)
    ReferenceFactory.create_batch(2, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        record_vog(
            mentor, by=coordinator, values={"requested_on": timezone.localdate(), "outcome": "refused"}
        )
    mentor.refresh_from_db()
    assert mentor.status == S.DISQUALIFIED
    assert mentor.disqualification_reason == DisqualificationReason.VOG_REFUSED
    # A valid VOG afterwards changes nothing: disqualification is final.
    with pytest.raises(DomainError, match="SCR-3"):
        record_vog(mentor, by=coordinator, values={"requested_on": timezone.localdate(), "outcome": "issued"})
    with pytest.raises(DomainError, match="SCR-3"):
        approve_mentor(mentor, by=coordinator)
    [message] = mail.outbox  # the applicant is told, without the reason
    assert "VOG" not in message.body and "certificate" not in message.body.lower()


def test_a_vog_changed_to_refused_disqualifies__SCR_3(mentor, coordinator):
    vog = record_vog(
        mentor, by=coordinator, values={"requested_on": timezone.localdate(), "outcome": "requested"}
    )
    assert mentor.status == S.IN_SCREENING
    update_vog(vog, by=coordinator, values={"outcome": "refused"}, expected_version=vog.version)
    mentor.refresh_from_db()
    assert mentor.status == S.DISQUALIFIED
    with pytest.raises(DomainError, match="SCR-3"):
        update_vog(vog, by=coordinator, values={"outcome": "issued"}, expected_version=vog.version)


# --- Self-disclosure ------------------------------------------------------------------------------


@pytest.mark.parametrize("offence", ["child_sexual_offence", "child_offence"])
def test_disclosed_child_offence_disqualifies__SCR_3(mentor, coordinator, offence):
    disclosure = record_self_disclosure(
        mentor, by=coordinator, values={"submitted_on": timezone.localdate(), offence: True}
    )
    mentor.refresh_from_db()
    assert mentor.status == S.DISQUALIFIED
    assert mentor.disqualification_reason == DisqualificationReason.CHILD_OFFENCE
    assert disclosure.decision == DisclosureDecision.DISQUALIFIED
    with pytest.raises(DomainError, match="SCR-3"):
        review_disclosure(disclosure, by=coordinator, decision="no_concern", notes="")


def test_other_disclosure_goes_to_review__SCR_3(mentor, coordinator):
    disclosure = record_self_disclosure(
        mentor,
        by=coordinator,
        values={
            "submitted_on": timezone.localdate(),
            "other_conviction": True,
            "other_details": "Winkeldiefstal 2009",
        },
    )
    mentor.refresh_from_db()
    assert mentor.status == S.IN_SCREENING
    assert disclosure.decision == DisclosureDecision.PENDING
    assert list(disclosures_to_review([mentor.programme_id])) == [disclosure]
    review_disclosure(disclosure, by=coordinator, decision="conditions", notes="Niet alleen met geld")
    disclosure.refresh_from_db()
    assert (disclosure.decision, disclosure.reviewed_by, disclosure.reviewed_on) == (
        DisclosureDecision.ACCEPTED_WITH_CONDITIONS,
        coordinator,
        timezone.localdate(),
    )
    assert list(disclosures_to_review([mentor.programme_id])) == []
    entry = history_of(disclosure).first()
    assert entry.action == "people.disclosure.reviewed"
    assert "Niet alleen" not in str(entry.data)


def test_review_with_conditions_needs_the_conditions__SCR_3(mentor, coordinator):
    disclosure = SelfDisclosureFactory(mentor=mentor)
    with pytest.raises(DomainError):
        review_disclosure(disclosure, by=coordinator, decision="conditions", notes=" ")


def test_nothing_disclosed_needs_no_review(mentor, coordinator):
    disclosure = record_self_disclosure(mentor, by=coordinator, values={"submitted_on": timezone.localdate()})
    assert disclosure.decision == DisclosureDecision.NO_CONCERN
    assert mentor.status == S.IN_SCREENING


# --- Queries for the worklist ---------------------------------------------------------------------


def test_vog_renewals_due_within_the_window(coordinator):
    today = timezone.localdate()
    pool = f.MentorFactory(status=S.MATCHED)
    soon = ConductCertificateFactory(
        mentor=pool, issued_on=today.replace(year=today.year - 3) + timedelta(days=30)
    )
    ConductCertificateFactory(mentor=f.MentorFactory(programme=pool.programme, status=S.READY))  # valid long
    renewed = f.MentorFactory(programme=pool.programme, status=S.READY)
    old = ConductCertificateFactory(
        mentor=renewed, issued_on=today.replace(year=today.year - 3) + timedelta(days=5)
    )
    ConductCertificateFactory(mentor=renewed, requested_on=today, outcome="requested", issued_on=None)
    assert old.valid_until <= today + timedelta(days=60)
    assert list(vog_renewals_due([pool.programme_id])) == [soon]
    assert list(vog_renewals_due([pool.programme_id], within_days=10)) == []
    assert list(vog_renewals_due([f.ProgrammeFactory().pk])) == []


def test_outstanding_references_vogs_and_interviews_to_plan(mentor):
    pending = ReferenceFactory(mentor=mentor, outcome="pending")
    ReferenceFactory(mentor=mentor)  # positive: done
    requested = ConductCertificateFactory(mentor=mentor, outcome="requested", issued_on=None)
    new = f.MentorFactory(programme=mentor.programme, status=S.APPLIED)
    planned = f.MentorFactory(programme=mentor.programme, status=S.APPLIED)
    InterviewFactory(mentor=planned, held_on=None, planned_for="2030-01-01T10:00Z")
    ids = [mentor.programme_id]
    assert list(references_outstanding(ids)) == [pending]
    assert list(vogs_outstanding(ids)) == [requested]
    assert list(interviews_to_plan(ids)) == [new]


@pytest.mark.parametrize(
    "query",
    [vog_renewals_due, disclosures_to_review, references_outstanding, interviews_to_plan, vogs_outstanding],
)
def test_worklist_queries_cost_one_query(query, django_assert_num_queries, mentor):
    SelfDisclosureFactory(mentor=mentor)
    ReferenceFactory(mentor=mentor, outcome="pending")
    with django_assert_num_queries(1):
        rows = list(query([mentor.programme_id]))
        for row in rows:
            getattr(row, "mentor", row).programme.name  # noqa: B018 - what a worklist row shows
