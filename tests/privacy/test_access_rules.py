"""Who may ask for whose data (GDPR art. 15; UAVG art. 5: from 16 a youth asks themself)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from koppel.common.domain.errors import DomainError
from koppel.privacy.domain.access import request_access_archive
from koppel.privacy.models import AccessRequest
from tests import factories as f

pytestmark = pytest.mark.django_db


def sixteenth_birthday_in(days: int) -> date:
    """A date of birth whose 16th birthday is `days` from the organisation's today (0: today)."""
    day = timezone.localdate() + timedelta(days=days)
    return day.replace(year=day.year - 16) if (day.month, day.day) != (2, 29) else date(day.year - 16, 3, 1)


def set_birth(youth, born: date):
    youth.date_of_birth = born
    youth.save(update_fields=["date_of_birth"])


def test_an_administrator_asks_for_a_mentor_youth_and_guardian_of_their_organisation(cast):
    for person in (cast.mentor_row, cast.youth_row, cast.guardian_row):
        access = request_access_archive(person, by=cast.admin)
        assert access.subject == person
        assert access.organisation == cast.programme.organisation
        assert access.status == "queued" and not access.from_portal


def test_a_coordinator_may_not_ask(cast):
    with pytest.raises(DomainError):
        request_access_archive(cast.mentor_row, by=cast.coordinator)
    assert not AccessRequest.objects.exists()


def test_an_administrator_of_another_organisation_may_not_ask(cast):
    stranger = f.AdministratorFactory().user
    with pytest.raises(DomainError):
        request_access_archive(cast.youth_row, by=stranger)


def test_a_mentor_asks_for_themself_but_not_for_another_mentor(cast):
    assert request_access_archive(cast.mentor_row, by=cast.mentor, from_portal=True).mentor == cast.mentor_row
    with pytest.raises(DomainError):
        request_access_archive(cast.other_mentor_row, by=cast.mentor)
    with pytest.raises(DomainError):
        request_access_archive(cast.youth_row, by=cast.mentor)


def test_a_youth_of_15_is_refused_and_told_their_parent_can_ask(cast):
    set_birth(cast.youth_row, sixteenth_birthday_in(1))  # 16 tomorrow
    with pytest.raises(DomainError) as refused:
        request_access_archive(cast.youth_row, by=cast.youth)
    assert "ouder of verzorger" in refused.value.message  # Dutch: the users' language


def test_a_youth_of_16_asks_for_themself(cast):
    set_birth(cast.youth_row, sixteenth_birthday_in(0))  # 16 today
    access = request_access_archive(cast.youth_row, by=cast.youth, from_portal=True)
    assert access.youth == cast.youth_row and access.on_behalf is None


def test_a_guardian_with_parental_authority_asks_for_a_child_of_15(cast):
    set_birth(cast.youth_row, sixteenth_birthday_in(1))
    access = request_access_archive(cast.youth_row, by=cast.guardian, from_portal=True)
    assert access.youth == cast.youth_row
    assert access.on_behalf == cast.guardian_row


def test_a_guardian_asking_for_a_child_of_16_is_refused_with_a_clear_message(cast):
    set_birth(cast.youth_row, sixteenth_birthday_in(0))
    with pytest.raises(DomainError) as refused:
        request_access_archive(cast.youth_row, by=cast.guardian)
    assert "16 of ouder" in refused.value.message
    assert cast.youth_row.first_name in refused.value.message


def test_a_guardian_without_parental_authority_is_refused(cast):
    set_birth(cast.youth_row, sixteenth_birthday_in(365))
    cast.guardian_row.guardianships.update(has_parental_authority=False)
    with pytest.raises(DomainError) as refused:
        request_access_archive(cast.youth_row, by=cast.guardian)
    assert "ouderlijk gezag" in refused.value.message


def test_a_guardian_may_not_ask_for_someone_elses_child(cast):
    with pytest.raises(DomainError):
        request_access_archive(cast.other_youth_row, by=cast.guardian)


def test_a_guardian_asks_for_themself(cast):
    assert request_access_archive(cast.guardian_row, by=cast.guardian).guardian == cast.guardian_row


def test_an_administrator_records_the_parent_who_asked_only_for_a_parent_with_authority(cast):
    access = request_access_archive(cast.youth_row, by=cast.admin, on_behalf_of=cast.guardian_row)
    assert access.on_behalf == cast.guardian_row
    other_parent = f.GuardianshipFactory(youth=cast.youth_row, has_parental_authority=False).guardian
    with pytest.raises(DomainError):
        request_access_archive(cast.youth_row, by=cast.admin, on_behalf_of=other_parent)


def test_one_open_request_per_person_and_requester(cast):
    first = request_access_archive(cast.mentor_row, by=cast.mentor)
    with pytest.raises(DomainError):
        request_access_archive(cast.mentor_row, by=cast.mentor)
    # Another requester (the administrator) may, and once the first is done the mentor may again.
    request_access_archive(cast.mentor_row, by=cast.admin)
    AccessRequest.objects.filter(pk=first.pk).update(status="done")
    assert request_access_archive(cast.mentor_row, by=cast.mentor).pk != first.pk


def test_the_database_holds_one_subject_per_request(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRequest.objects.create(
            organisation=cast.programme.organisation, mentor=cast.mentor_row, youth=cast.youth_row
        )


def test_a_request_is_audited_on_the_request_and_on_the_person(cast):
    access = request_access_archive(cast.mentor_row, by=cast.admin)
    from koppel.common.domain.audit import history_of

    assert history_of(access).filter(action="privacy.access.requested").exists()
    on_person = history_of(cast.mentor_row).get(action="privacy.access.requested")
    assert on_person.actor == cast.admin and on_person.data == {"request": access.pk}


def test_the_archive_is_in_the_subjects_language(cast):
    cast.mentor_row.preferred_language = "en"
    cast.mentor_row.save(update_fields=["preferred_language"])
    assert request_access_archive(cast.mentor_row, by=cast.admin).language == "en"
