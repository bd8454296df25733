"""The rules that erase a whole person (applicants never matched, a person's file after their last
match) through the erasure module's `erase_person(person, *, by, reason)`."""

from datetime import timedelta

import pytest

from koppel.people.models import Guardian, Mentor, Youth
from koppel.privacy.domain.ledger import subject_hash
from koppel.privacy.domain.retention import apply_retention, preview_retention
from koppel.privacy.enums import RetentionRule
from koppel.privacy.models import ErasureLedgerEntry, RetentionPreviewItem
from tests import factories as f
from tests.privacy.retention_helpers import TODAY, backdate_youth, closed_match, ended_mentor, months_before

pytestmark = pytest.mark.django_db

NOTICE = 14


@pytest.fixture(autouse=True)
def notice(settings):
    settings.RETENTION_NOTICE_DAYS = NOTICE


@pytest.fixture
def programme():
    return f.ProgrammeFactory()


def test_an_applicant_never_matched_is_erased_six_months_after_the_rejection(programme):
    org = programme.organisation
    rejected = ended_mentor(programme, on=months_before(TODAY, 6), status="rejected")
    recent = ended_mentor(programme, on=months_before(TODAY, 6) + timedelta(days=1), status="withdrawn")
    preview_retention(org, today=TODAY)
    assert set(
        RetentionPreviewItem.objects.filter(rule=RetentionRule.APPLICANT_NOT_MATCHED).values_list(
            "object_id", flat=True
        )
    ) == {rejected.pk}
    assert apply_retention(org, today=TODAY + timedelta(days=NOTICE)) == {
        RetentionRule.APPLICANT_NOT_MATCHED: 1
    }
    assert Mentor.objects.get(pk=rejected.pk).erased_at is not None
    assert ErasureLedgerEntry.objects.filter(subject_hash=subject_hash(rejected)).exists()
    assert Mentor.objects.filter(pk=recent.pk).exists()
    # Erased, they qualify for no rule any more: the next preview does not list them.
    preview_retention(org, today=TODAY + timedelta(days=NOTICE + 1))
    assert not RetentionPreviewItem.objects.filter(
        object_id=rejected.pk, content_type__model="mentor"
    ).exists()


def test_a_withdrawn_youth_never_matched_is_erased(programme):
    youth = f.YouthFactory(programme=programme, status="withdrawn")
    backdate_youth(youth, months_before(TODAY, 6))
    preview_retention(programme.organisation, today=TODAY)
    apply_retention(programme.organisation, today=TODAY + timedelta(days=NOTICE))
    assert Youth.objects.get(pk=youth.pk).erased_at is not None


def test_a_persons_file_is_erased_two_years_after_their_last_match_with_their_parents(programme):
    org = programme.organisation
    youth = f.YouthFactory(programme=programme, status="closed")
    guardian = f.GuardianFactory(organisation=org)
    f.GuardianshipFactory(youth=youth, guardian=guardian)
    mentor = ended_mentor(programme, on=months_before(TODAY, 24), status="withdrawn")
    closed_match(youth, [mentor], ended_on=months_before(TODAY, 24))
    backdate_youth(youth, months_before(TODAY, 24))
    preview_retention(org, today=TODAY - timedelta(days=1))
    assert not RetentionPreviewItem.objects.filter(rule=RetentionRule.PERSON_RECORD).exists()
    preview_retention(org, today=TODAY)
    assert RetentionPreviewItem.objects.filter(rule=RetentionRule.PERSON_RECORD).count() == 3
    apply_retention(org, today=TODAY + timedelta(days=NOTICE))
    assert Youth.objects.get(pk=youth.pk).erased_at is not None
    assert Mentor.objects.get(pk=mentor.pk).erased_at is not None
    assert Guardian.objects.get(pk=guardian.pk).erased_at is not None
    assert ErasureLedgerEntry.objects.count() == 3


def test_a_person_who_came_back_is_not_erased(programme):
    org = programme.organisation
    youth = f.YouthFactory(programme=programme, status="closed")
    closed_match(youth, [f.MentorFactory(programme=programme)], ended_on=months_before(TODAY, 25))
    backdate_youth(youth, months_before(TODAY, 25))
    preview_retention(org, today=TODAY)
    Youth.objects.filter(pk=youth.pk).update(status="waiting")
    apply_retention(org, today=TODAY + timedelta(days=NOTICE))
    assert Youth.objects.get(pk=youth.pk).erased_at is None
    assert not ErasureLedgerEntry.objects.exists()
