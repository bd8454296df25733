from collections import Counter

import pytest
from django.contrib.auth.password_validation import validate_password

from koppel.accounts.models import User
from koppel.demo.load import DEMO_PASSWORD, demo_logins, load_demo
from koppel.matches.enums import OPEN_STATES, MatchState
from koppel.matches.models import Match
from koppel.people.enums import (
    AVAILABILITY_SLOTS,
    MentorStatus,
    PersonalityTrait,
    SpokenLanguage,
    YouthStatus,
)
from koppel.people.models import Guardian, Interest, Mentor, Youth
from koppel.programmes.enums import ProgrammeForm, ProgrammeKind
from koppel.programmes.models import Administrator, Coordinator, Organisation, Programme

pytestmark = pytest.mark.django_db

# Read off once; the loader is seeded, so these never change.
FIRST_MENTORS = [
    "Oleksandr Kovalenko",
    "Ömer Doğan",
    "Rosaly Isenia",
    "Salma El Haddouchi",
    "Shurandy Martina",
]


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded():
    assert load_demo() is True


def test_interests_are_seeded_by_the_migration():
    assert Interest.objects.count() >= 25
    football = Interest.objects.get(slug="voetbal")
    assert (football.name_nl, football.name_en) == ("voetbal", "football")


def test_loads_only_into_an_empty_database(loaded):
    assert load_demo() is False
    assert Organisation.objects.count() == 1
    assert Programme.objects.count() == 2


def test_loads_nothing_when_an_organisation_exists():
    Organisation.objects.create(name="Al bestaand", slug="al-bestaand")
    assert load_demo() is False
    assert not Programme.objects.exists()
    assert not Mentor.objects.exists()


def test_programmes(loaded):
    community = Programme.objects.get(name="Maatjes Rotterdam-Zuid")
    school = Programme.objects.get(name="Samen Sterk op School")
    assert (community.kind, community.form) == (ProgrammeKind.COMMUNITY, ProgrammeForm.INDIVIDUAL)
    assert (school.kind, school.form) == (ProgrammeKind.SCHOOL, ProgrammeForm.TEAM)
    assert (school.team_size_min, school.team_size_max) == (2, 3)
    assert not community.settings.holiday_expectations_required
    assert school.settings.holiday_expectations_required


def test_counts_are_in_range(loaded):
    assert 70 <= Mentor.objects.count() <= 90
    assert 50 <= Youth.objects.count() <= 70
    for programme in Programme.objects.all():
        assert programme.mentor_set.count() >= 20
        assert programme.youth_set.count() >= 20
    statuses = Counter(Mentor.objects.values_list("status", flat=True))
    assert statuses[MentorStatus.READY] >= 10
    assert statuses[MentorStatus.MATCHED] >= 10
    assert statuses[MentorStatus.DISQUALIFIED] >= 1
    assert Counter(Youth.objects.values_list("status", flat=True))[YouthStatus.WAITING] >= 10


def test_people_are_plausible(loaded):
    languages = set(SpokenLanguage.values)
    for person in [*Mentor.objects.all(), *Youth.objects.all()]:
        assert not person.email or person.email.endswith("@example.org")
        assert len(person.postcode) <= 7
        assert set(person.languages) <= languages
        assert set(person.availability) <= set(AVAILABILITY_SLOTS)
        assert 3 <= len(person.availability) <= 8
        assert set(person.personality) == set(PersonalityTrait.values)
        assert 2 <= person.interests.count() <= 5
        assert person.coordinator == person.programme.coordinators.get().user
    for youth in Youth.objects.select_related("programme"):
        low, high = (12, 16) if youth.programme.kind == ProgrammeKind.SCHOOL else (10, 17)
        assert low <= youth.age <= high
        assert youth.age >= 16 or not youth.email
        assert (youth.status == YouthStatus.WAITING) == (youth.waiting_since is not None)
    for mentor in Mentor.objects.select_related("programme"):
        assert 17 <= mentor.age <= 67
        assert mentor.age >= 18 or mentor.programme.kind == ProgrammeKind.SCHOOL


def test_every_youth_has_a_guardian(loaded):
    assert not Youth.objects.filter(guardianships__isnull=True).exists()
    assert any(guardian.children.count() == 2 for guardian in Guardian.objects.all())


def test_matches(loaded):
    matches = Match.objects.prefetch_related("mentors").select_related("programme", "youth")
    assert Counter(matches.values_list("state", flat=True))[MatchState.PROPOSED] >= 2
    for match in matches:
        mentors = list(match.mentors.all())
        if match.programme.form == ProgrammeForm.TEAM:
            assert 2 <= len(mentors) <= 3
        else:
            assert len(mentors) == 1
        assert all(mentor.programme_id == match.programme_id for mentor in mentors)
        assert all(mentor.age - match.youth.age >= 2 for mentor in mentors)  # MAT-3
        if match.state == MatchState.ACTIVE:
            assert match.youth.status == YouthStatus.MATCHED
            assert all(mentor.status == MentorStatus.MATCHED for mentor in mentors)
            assert match.started_on is not None
    open_matches = Counter(matches.filter(state__in=OPEN_STATES).values_list("youth", flat=True))
    assert max(open_matches.values()) == 1
    assert not Youth.objects.filter(status=YouthStatus.MATCHED, matches__isnull=True).exists()


def test_demo_logins(loaded):
    logins = demo_logins()
    assert len(logins) == 6
    users = {email: User.objects.get(email=email) for _, email in logins}
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD)
        validate_password(DEMO_PASSWORD, user)
    admin, coordinator_zuid, coordinator_school, mentor, youth, guardian = (
        users[email] for _, email in logins
    )
    assert Administrator.objects.filter(user=admin).exists()
    assert admin.is_staff
    assert admin.is_superuser
    assert Coordinator.objects.get(user=coordinator_zuid).programme.kind == ProgrammeKind.COMMUNITY
    assert Coordinator.objects.get(user=coordinator_school).programme.kind == ProgrammeKind.SCHOOL
    assert coordinator_school.language == "en"
    assert not any(u.is_staff for u in (coordinator_zuid, coordinator_school, mentor, youth, guardian))

    mentor_profile = Mentor.objects.get(user=mentor)
    youth_profile = Youth.objects.get(user=youth)
    guardian_profile = Guardian.objects.get(user=guardian)
    assert youth_profile.age >= 12
    assert Match.objects.filter(state=MatchState.ACTIVE, youth=youth_profile, mentors=mentor_profile).exists()
    assert youth_profile.guardians.filter(pk=guardian_profile.pk).exists()


def test_is_deterministic(loaded):
    assert [m.full_name for m in Mentor.objects.order_by("id")[:5]] == FIRST_MENTORS
