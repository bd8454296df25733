from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from koppel.accounts.models import User
from koppel.demo.load import DEMO_PASSWORD, demo_logins, load_demo
from koppel.matches.enums import OPEN_STATES, MatchState
from koppel.matches.models import Consent, Match
from koppel.people.domain.intake import missing_for_waiting_list
from koppel.people.domain.pipeline import approval_checklist, vog_in_order
from koppel.people.domain.queries.screening import disclosures_to_review, vog_renewals_due
from koppel.people.enums import (
    AVAILABILITY_SLOTS,
    DisclosureDecision,
    DisqualificationReason,
    Importance,
    MentorRoute,
    MentorStatus,
    PersonalityTrait,
    ReferenceOutcome,
    SpokenLanguage,
    VogOutcome,
    YouthReferral,
    YouthStatus,
)
from koppel.people.models import (
    Campaign,
    Guardian,
    Intake,
    Mentor,
    SelfDisclosure,
    Youth,
)
from koppel.programmes.enums import ProgrammeForm, ProgrammeKind
from koppel.programmes.models import Administrator, Coordinator, Organisation, Programme
from koppel.training.domain.ledger import (
    mentors_below_monthly_hours,
    mentors_short_of_training,
    pre_match_hours_missing,
)
from koppel.training.enums import Audience
from koppel.training.models import ExternalHours, PeerGroup, Session

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
def loaded(demo):
    """The demo, loaded once for this module (`demo_db` in tests/conftest.py); the tests that need an
    empty database are in test_load_empty.py."""


def test_loads_only_into_an_empty_database(loaded):
    assert load_demo() is False
    assert Organisation.objects.count() == 1
    assert Programme.objects.count() == 2


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
        # Waiting since a day; a youth with only a proposal keeps it (as a cancelled proposal would).
        if youth.status == YouthStatus.WAITING:
            assert youth.waiting_since is not None
        if youth.status in (YouthStatus.INTAKE, YouthStatus.WITHDRAWN):
            assert youth.waiting_since is None
    for mentor in Mentor.objects.select_related("programme"):
        assert 17 <= mentor.age <= 67
        assert mentor.age >= 18 or mentor.programme.kind == ProgrammeKind.SCHOOL


def test_every_youth_has_a_guardian(loaded):
    assert not Youth.objects.filter(guardianships__isnull=True).exists()
    assert any(guardian.children.count() == 2 for guardian in Guardian.objects.all())


def test_matches(loaded):
    matches = Match.objects.prefetch_related("mentors").select_related("programme", "youth")
    # Every state of the match lifecycle, and a paused match.
    assert set(matches.values_list("state", flat=True)) == set(MatchState.values)
    assert matches.filter(paused_since__isnull=False).count() == 1
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
            # AGR-1: a started match has an agreement everyone consented to.
            assert not Consent.objects.filter(agreement__match=match, given_at__isnull=True).exists()
            assert Consent.objects.filter(agreement__match=match).count() >= 3
        if match.state == MatchState.CLOSED:
            closure = match.closure
            assert closure.follow_up_due is not None  # OUT-2
            assert closure.conversations.count() >= 3  # CLS-1
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


# --- Every stage of the pipeline ---------------------------------------------------------------------

IN_POOL = (MentorStatus.APPROVED, MentorStatus.READY, MentorStatus.MATCHED, MentorStatus.PAUSED)


def test_every_mentor_status_occurs(loaded):
    assert set(Mentor.objects.values_list("status", flat=True)) == set(MentorStatus.values)


def test_campaigns_and_routes_REC_1_REC_2(loaded):
    for programme in Programme.objects.all():
        assert 2 <= programme.campaigns.count() <= 3
    for mentor in Mentor.objects.select_related("campaign"):
        assert mentor.applied_at is not None
        assert mentor.applied_at.date() <= timezone.localdate()
        if mentor.route == MentorRoute.NATURAL:
            assert mentor.campaign is None
            assert mentor.proposed_for.programme_id == mentor.programme_id
            assert mentor.proposed_relation
        else:
            assert mentor.campaign.programme_id == mentor.programme_id
            assert mentor.channel == mentor.campaign.channel
    assert 3 <= Mentor.objects.filter(route=MentorRoute.NATURAL).count() <= 4
    assert Campaign.objects.filter(is_active=False).exists()


def test_screening_records_follow_the_status_SCR_1_SCR_2(loaded):
    today = timezone.localdate()
    for mentor in Mentor.objects.select_related("programme__settings"):
        interviews = list(mentor.interviews.all())
        if mentor.status == MentorStatus.APPLIED:
            assert not interviews
            assert not mentor.pipeline_events.exists()
        elif mentor.status == MentorStatus.INTERVIEW_PLANNED:
            (interview,) = interviews
            assert interview.held_on is None
            assert today <= interview.planned_for.date() <= today + timedelta(days=14)
        else:
            assert any(i.is_done and i.recommendation and len(i.qualities) == 16 for i in interviews)
        events = list(mentor.pipeline_events.order_by("at", "id"))
        if events:
            assert events[-1].to_status == mentor.status
            assert all(a.to_status == b.from_status for a, b in pairwise(events))
            assert all(event.reason and event.at.date() <= today for event in events)
        if mentor.status == MentorStatus.IN_SCREENING:
            assert mentor.conduct_certificates.get().outcome == VogOutcome.REQUESTED
            assert mentor.references.filter(outcome=ReferenceOutcome.PENDING).exists()
        if mentor.status in IN_POOL:
            assert all(item.done for item in approval_checklist(mentor))
            assert not mentor.disclosures.exclude(decision=DisclosureDecision.NO_CONCERN).exists()
            vog = mentor.conduct_certificates.get()
            assert vog.original_seen_by == mentor.coordinator
            assert vog.valid_until == vog.issued_on.replace(year=vog.issued_on.year + 3)
    disqualified = Mentor.objects.get(status=MentorStatus.DISQUALIFIED)
    assert disqualified.disqualification_reason == DisqualificationReason.VOG_REFUSED
    assert disqualified.conduct_certificates.get().outcome == VogOutcome.REFUSED
    rejected = Mentor.objects.get(status=MentorStatus.REJECTED)
    assert rejected.references.filter(outcome=ReferenceOutcome.NEGATIVE).exists()


def test_ready_and_matched_mentors_have_their_hours_and_a_valid_vog_TRN_1_SCR_2(loaded):
    mentors = Mentor.objects.filter(
        status__in=(MentorStatus.READY, MentorStatus.MATCHED, MentorStatus.PAUSED)
    ).select_related("programme__settings")
    assert mentors.count() >= 20
    for mentor in mentors:
        assert pre_match_hours_missing(mentor) == 0
        if mentor.programme.settings.vog_required:
            assert any(vog_in_order(vog) for vog in mentor.conduct_certificates.all())


def test_approved_mentors_are_short_of_hours_TRN_1(loaded):
    approved = Mentor.objects.filter(status=MentorStatus.APPROVED).select_related("programme__settings")
    assert all(pre_match_hours_missing(mentor) > 0 for mentor in approved)
    coordinator = Coordinator.objects.get(programme__kind=ProgrammeKind.COMMUNITY).user
    assert mentors_short_of_training(coordinator).exists()
    assert ExternalHours.objects.exists()


def test_some_matched_mentors_are_below_the_monthly_hours_TRN_2(loaded):
    for programme in Programme.objects.all():
        below = mentors_below_monthly_hours(programme, month=timezone.localdate())
        matched = programme.mentor_set.filter(status=MentorStatus.MATCHED).count()
        assert 1 <= len(below) < matched


def test_vog_renewals_and_a_disclosure_to_review_SCR_2_SCR_3(loaded):
    programme_ids = list(Programme.objects.values_list("id", flat=True))
    renewals = list(vog_renewals_due(programme_ids, within_days=60))
    assert len(renewals) == 2
    assert all(vog.valid_until > timezone.localdate() for vog in renewals)
    (pending,) = disclosures_to_review(programme_ids)
    assert pending.other_conviction
    assert not pending.involves_children


def test_training_sessions_and_peer_groups_TRN_3_TRN_4_TRN_5(loaded):
    now = timezone.localdate()
    for programme in Programme.objects.all():
        sessions = programme.training_sessions.all()
        mentor_sessions = sessions.filter(audience=Audience.MENTOR)
        assert mentor_sessions.filter(starts_at__date__lt=now).count() >= 3
        assert mentor_sessions.filter(starts_at__date__gt=now).count() >= 2
        assert all(s.modules.filter(rule="TRN-3").exists() for s in mentor_sessions)
        assert sessions.get(audience=Audience.YOUTH).modules.filter(rule="TRN-4").exists()
        assert sessions.get(audience=Audience.GUARDIAN).modules.filter(rule="TRN-5").exists()
        for session in sessions:
            future = session.starts_at.date() > now
            assert all((r.attended is None) == future for r in session.registrations.all())
        group = PeerGroup.objects.get(programme=programme)
        assert group.members.count() >= 4
        assert group.sessions.count() == 2
        for peer_session in group.sessions.all():
            assert peer_session.attendees.exists()
            assert set(peer_session.attendees.all()) <= set(group.members.all())
    assert Session.objects.filter(registrations__youth__isnull=False).exists()
    assert Session.objects.filter(registrations__guardian__isnull=False).exists()


def test_waiting_youth_passed_the_intake_YTH_1_YTH_2(loaded):
    for youth in Youth.objects.filter(status__in=(YouthStatus.WAITING, YouthStatus.MATCHED)):
        intake = youth.intake
        assert missing_for_waiting_list(youth, intake) == []
        assert youth.guardians.filter(pk=intake.consent_by_id).exists()
        assert intake.consent_on is not None
        assert intake.held_on <= (youth.waiting_since or timezone.localdate())
    in_intake = list(Youth.objects.filter(status=YouthStatus.INTAKE))
    incomplete = [y for y in in_intake if missing_for_waiting_list(y, Intake.objects.filter(youth=y).first())]
    assert 1 <= len(incomplete) < len(in_intake)
    intakes = Intake.objects.filter(youth__status=YouthStatus.INTAKE)
    assert intakes.filter(guardian_consent=False).exists()
    assert intakes.filter(motivation="").exists()
    assert not Intake.objects.filter(youth__status=YouthStatus.WAITING, wish_interests__isnull=True).exists()


def test_referrals_and_cultural_match_MAT_5(loaded):
    referrals = Counter(Youth.objects.values_list("referral", flat=True))
    assert referrals.most_common(1)[0][0] == YouthReferral.GUARDIAN
    assert referrals[YouthReferral.SCHOOL] >= 2
    assert referrals[YouthReferral.YOUTH_WORK] >= 1
    for youth in Youth.objects.exclude(referral=YouthReferral.GUARDIAN):
        assert youth.referrer_name
        assert youth.referrer_organisation
    important = Youth.objects.filter(cultural_match=Importance.IMPORTANT)
    assert important.count() >= 2
    assert all(youth.cultural_background for youth in important)


def test_screening_records_are_deterministic(loaded):
    natural = sorted(m.full_name for m in Mentor.objects.filter(route=MentorRoute.NATURAL))
    assert natural == ["Jeroen Vos", "Rosaly Isenia", "Sofiia Shevchenko", "Tygo Koster"]
    pending = SelfDisclosure.objects.get(decision=DisclosureDecision.PENDING).mentor
    assert (pending.full_name, pending.status) == ("Jeroen Vos", MentorStatus.IN_SCREENING)


def test_the_demo_keeps_the_gates_it_shows__SCR_3__AGR_1(loaded):
    from django.db.models import F

    from koppel.matches.enums import STARTED_STATES
    from koppel.matches.models import Consent, MatchMentor
    from koppel.people.domain.disqualification import disqualified_mentor_ids

    # "Matched" only with a match that runs; a disqualified mentor in no open match.
    running = set(
        MatchMentor.objects.filter(match__state__in=STARTED_STATES).values_list("mentor_id", flat=True)
    )
    matched = set(Mentor.objects.filter(status=MentorStatus.MATCHED).values_list("pk", flat=True))
    assert matched and matched <= running
    assert not disqualified_mentor_ids(running)
    # A consent is asked for when its agreement is written, and given after that.
    assert not Consent.objects.filter(given_at__lt=F("created_at")).exists()
    assert not Consent.objects.exclude(created_at=F("agreement__created_at")).exists()


def test_youth_with_an_open_match_are_off_the_waiting_list(loaded):
    from koppel.matches.enums import OPEN_STATES
    from koppel.matches.models import Match

    held = set(Match.objects.filter(state__in=OPEN_STATES).values_list("youth_id", flat=True))
    assert held
    assert set(Youth.objects.filter(pk__in=held).values_list("status", flat=True)) == {YouthStatus.MATCHED}
