"""A mentor, a youth and a parent with distinctive values in every field that can hold them, across
their whole lifecycle, for the erasure tests (tests/privacy/test_erasure_*.py)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from koppel.common.domain.audit import log_access, log_action
from koppel.common.domain.mail import queue_rendered_mail
from koppel.common.models import Reminder
from koppel.matches.enums import ClosureKind, ClosureReason, ContactWith, MatchState, Party
from koppel.matches.models import Closure, ClosureConversation, MatchEvent, PairRule
from koppel.people.models import Intake, PipelineEvent, RepeatApplication
from koppel.reports.models import ExportJob
from tests import factories as f
from tests.factories.agreement import AgreementFactory, ConsentFactory
from tests.factories.concern import ClosedConcernFactory
from tests.factories.meeting import MeetingLogFactory
from tests.factories.screening import (
    ConductCertificateFactory,
    InterviewFactory,
    ReferenceFactory,
    SelfDisclosureFactory,
)
from tests.factories.support import SupportContactFactory
from tests.factories.training import ExternalHoursFactory

TEXT = "kwikstaartje-unique"
MENTOR = {
    "first_name": "Zwaluwstaart",
    "last_name": "Vlinderkruid",
    "email": "zwaluw.7731@example.org",
    "phone": "+31 6 7731 0042",
    "postcode": "9999 ZZ",
}
YOUTH = {
    "first_name": "Merelzang",
    "last_name": "Boterbloemen",
    "email": "merel.8842@example.org",
    "phone": "+31 6 8842 0043",
    "postcode": "9998 ZY",
}
GUARDIAN = {
    "first_name": "Koekoeksbloem",
    "last_name": "Pimpernelle",
    "email": "koekoek.9953@example.org",
    "phone": "+31 6 9953 0044",
    "postcode": "9997 ZX",
}
REFEREE = {"name": "Roodborstje Referent", "email": "roodborst.1177@example.org", "phone": "+31 6 1177 0045"}
MENTOR_BORN = date(1991, 3, 14)
YOUTH_BORN = date(timezone.localdate().year - 15, 11, 23)


def secrets_of(people: dict) -> list[str]:
    return [v for v in people.values() if isinstance(v, str)]


ALL_SECRETS = [*secrets_of(MENTOR), *secrets_of(YOUTH), *secrets_of(GUARDIAN), *secrets_of(REFEREE), TEXT]


@dataclass
class World:
    mentor: object
    youth: object
    guardian: object
    match: object


def build_world(cast, *, mentor_status: str = "ready") -> World:
    """The three people, their logins and a closed match with everything a relationship leaves."""
    programme, org = cast.programme, cast.programme.organisation
    text = f"Notitie {TEXT} over {MENTOR['first_name']} en {YOUTH['first_name']}"
    mentor = f.MentorFactory(
        programme=programme,
        status=mentor_status,
        date_of_birth=MENTOR_BORN,
        user=f.UserFactory(email=MENTOR["email"], name=f"{MENTOR['first_name']} {MENTOR['last_name']}"),
        motivation=text,
        occupation=text[:150],
        values_beliefs=text,
        interests_other=text,
        **MENTOR,
    )
    youth = f.YouthFactory(
        programme=programme,
        status="closed",
        date_of_birth=YOUTH_BORN,
        user=f.UserFactory(email=YOUTH["email"], name=f"{YOUTH['first_name']} {YOUTH['last_name']}"),
        goals=text,
        wishes=text,
        referrer_name=f"{TEXT} referrer",
        **YOUTH,
    )
    guardian = f.GuardianFactory(
        organisation=org,
        user=f.UserFactory(email=GUARDIAN["email"], name=f"{GUARDIAN['first_name']} {GUARDIAN['last_name']}"),
        **GUARDIAN,
    )
    f.GuardianshipFactory(youth=youth, guardian=guardian)
    # Application and screening.
    RepeatApplication.objects.create(mentor=mentor, route="campaign", values={"motivation": text})
    PipelineEvent.objects.create(mentor=mentor, to_status="in_screening", reason=text)
    InterviewFactory(mentor=mentor, motivation=text, attitude_ideas=text, qualities={"warmth": [4, text]})
    ReferenceFactory(mentor=mentor, notes=text, relation=TEXT, **REFEREE)
    ConductCertificateFactory(mentor=mentor)
    SelfDisclosureFactory(mentor=mentor, other_details=text, review_notes=text)
    ExternalHoursFactory(mentor=mentor, description=text[:250])
    Intake.objects.create(youth=youth, motivation=text, wish_kind_of_person=text, wish_location=TEXT)
    # The match, from proposal to closure.
    match = f.MatchFactory(
        youth=youth,
        mentors=[mentor],
        state=MatchState.CLOSED,
        started_on=timezone.localdate() - timedelta(days=400),
        ended_on=timezone.localdate() - timedelta(days=10),
        origin_note=text[:300],
        introduction_note=text,
    )
    MatchEvent.objects.create(match=match, to_state="closed", note=text[:300])
    agreement = AgreementFactory(
        match=match, goals=text, holiday_expectations=text, place_detail=TEXT, contact_after_note=TEXT
    )
    now = timezone.now()
    ConsentFactory(
        agreement=agreement, party=Party.YOUTH, youth=youth, given_at=now, typed_name=YOUTH["first_name"]
    )
    ConsentFactory(
        agreement=agreement,
        party=Party.MENTOR,
        youth=None,
        mentor=mentor,
        given_at=now,
        typed_name=MENTOR["first_name"],
    )
    ConsentFactory(
        agreement=agreement,
        party=Party.GUARDIAN,
        youth=None,
        guardian=guardian,
        given_at=now,
        typed_name=GUARDIAN["first_name"],
    )
    MeetingLogFactory(match=match, mentor=mentor, note=text)
    SupportContactFactory(
        match=match, with_whom=ContactWith.MENTOR, mentor=mentor, notes=text, follow_up=TEXT
    )
    SupportContactFactory(match=match, with_whom=ContactWith.GUARDIAN, guardian=guardian, notes=text)
    ClosedConcernFactory(programme=programme, match=match, raised_by=guardian.user, text=text, outcome=text)
    closure = Closure.objects.create(
        match=match,
        kind=ClosureKind.PLANNED,
        reason=ClosureReason.DURATION_REACHED,
        reason_note=text,
        ends_on=match.ended_on,
        contact_after="programme",
        contact_after_note=TEXT,
        closed_at=now,
    )
    for party, kwargs in ((Party.MENTOR, {"mentor": mentor}), (Party.GUARDIAN, {"guardian": guardian})):
        ClosureConversation.objects.create(
            closure=closure,
            party=party,
            held_on=timezone.localdate(),
            notes=text,
            went_well=text,
            could_be_better=text,
            **kwargs,
        )
    PairRule.objects.create(programme=programme, youth=youth, mentor=mentor, kind="lock", note=TEXT)
    # What the people did, and who looked at them.
    for user in (mentor.user, youth.user, guardian.user):
        log_action(match, "matches.meeting.logged", by=user)
    log_action(mentor, "people.mentor.changed", by=cast.coordinator, data={"typed": MENTOR["first_name"]})
    for person in (mentor, youth, guardian):
        log_access(person, by=cast.coordinator, page="staff:person_detail")
    log_access(youth, by=mentor.user, page="portal:youth")
    # Mail to them, and a reminder; an export that named them.
    for who in (MENTOR, YOUTH, GUARDIAN):
        queue_rendered_mail(
            who["email"], language="nl", subject=f"Hallo {who['first_name']}", body=text, log_ref="test"
        )
    queue_rendered_mail(
        "coordinator@example.org",
        language="nl",
        subject="Digest",
        body=f"Your worklist: {MENTOR['first_name']} {MENTOR['last_name']} has a support contact due.",
        log_ref="t",
    )
    Reminder.objects.create(
        kind="training_hours",
        key=f"training:{mentor.pk}:x",
        recipient=mentor.user,
        email=MENTOR["email"],
        language="nl",
        content_type_id=log_action(mentor, "x", by=None).content_type_id,
        object_id=mentor.pk,
        due_at=now,
        next_attempt_at=now,
    )
    ExportJob.objects.create(
        requested_by=cast.coordinator,
        organisation=org,
        report="people",
        format="csv",
        status="done",
        content=f"{MENTOR['first_name']},{MENTOR['email']}".encode(),
        filename="people.csv",
    )
    return World(mentor=mentor, youth=youth, guardian=guardian, match=match)
