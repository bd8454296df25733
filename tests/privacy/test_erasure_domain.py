"""erase_person, erasure_plan and replay_ledger (GDPR art. 17): what goes, what stays and why."""

from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone, translation

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog, OutgoingMail, Reminder
from koppel.matches.enums import MatchState
from koppel.matches.models import (
    Agreement,
    Closure,
    ClosureConversation,
    Concern,
    Consent,
    Match,
    MeetingLog,
    SupportContact,
)
from koppel.people.domain.disqualification import earlier_disqualifications
from koppel.people.models import (
    ConductCertificate,
    Guardian,
    Guardianship,
    Intake,
    Interview,
    Mentor,
    PipelineEvent,
    Reference,
    RepeatApplication,
    SelfDisclosure,
    Youth,
)
from koppel.privacy.domain.erasure import erase_person, erasure_plan, erasure_records, replay_ledger
from koppel.privacy.domain.ledger import subject_hash
from koppel.privacy.models import ErasureLedgerEntry
from koppel.reports.domain.dashboard import build_dashboard
from koppel.reports.domain.outcomes import build_outcomes
from koppel.reports.domain.period import ReportFilter
from koppel.reports.models import ExportJob
from tests import factories as f
from tests.factories.screening import ConductCertificateFactory, SelfDisclosureFactory
from tests.factories.survey import small_instrument, submitted_score
from tests.privacy.erasure_world import MENTOR, MENTOR_BORN, TEXT, YOUTH, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _plan_text(plan) -> str:
    return " ".join(
        [*plan.replaced, *plan.removed, *plan.deleted, *(k.what + " " + k.reason for k in plan.kept)]
    )


# --- The plan -----------------------------------------------------------------------------------------


def test_the_plan_of_an_ordinary_applicant_keeps_nothing_that_names_them(cast):
    mentor = f.MentorFactory(programme=cast.programme, status="applied")
    plan = erasure_plan(mentor)
    assert not plan.disqualified
    assert "Name becomes a neutral label" in _plan_text(plan)
    assert not any("SCR-3" in k.reason for k in plan.kept)
    assert "1 July of the birth year" in _plan_text(plan)


def test_the_plan_of_a_disqualified_mentor_keeps_name_and_birth_date_to_protect_children(cast):
    mentor = f.MentorFactory(
        programme=cast.programme, status="disqualified", disqualification_reason="vog_refused"
    )
    ConductCertificateFactory(mentor=mentor, outcome="refused", issued_on=None, valid_until=None)
    plan = erasure_plan(mentor)
    assert plan.disqualified
    kept = " ".join(k.what + " " + k.reason for k in plan.kept)
    assert "Name, date of birth" in kept and "To protect children (SCR-3)" in kept
    assert "refused certificate of conduct" in kept
    assert "Name becomes a neutral label" not in _plan_text(plan)


def test_the_plan_of_a_youth_with_a_closed_match_names_the_match_texts_and_the_parent_erased_with_them(cast):
    world = build_world(cast)
    plan = erasure_plan(world.youth)
    assert "In their 1 match(es)" in _plan_text(plan)
    assert plan.also_erased == [world.guardian]
    # A parent with another child stays.
    f.GuardianshipFactory(guardian=world.guardian, youth=f.YouthFactory(programme=cast.programme))
    assert erasure_plan(world.youth).also_erased == []


def test_erasure_is_refused_in_a_match_that_is_not_closed(cast):
    for person in (cast.mentor_row, cast.youth_row, cast.guardian_row):
        with pytest.raises(DomainError, match="Close the match first"):
            erasure_plan(person)
        with pytest.raises(DomainError, match="Close the match first"):
            erase_person(person, by=cast.admin, reason="asked")
    cast.mentor_row.refresh_from_db()
    assert cast.mentor_row.erased_at is None and cast.mentor_row.first_name


def test_erasure_needs_a_reason_and_happens_once(cast):
    mentor = f.MentorFactory(programme=cast.programme, status="applied")
    with pytest.raises(DomainError, match="Say why"):
        erase_person(mentor, by=cast.admin, reason="  ")
    erase_person(mentor, by=cast.admin, reason="asked")
    with pytest.raises(DomainError, match="erased already"):
        erase_person(Mentor.objects.get(pk=mentor.pk), by=cast.admin, reason="again")
    assert ErasureLedgerEntry.objects.count() == 1


# --- What goes ----------------------------------------------------------------------------------------


def test_erasing_a_mentor_and_a_youth_wipes_every_area(cast):
    world = build_world(cast)
    erase_person(world.mentor, by=cast.admin, reason="asked")
    erase_person(world.youth, by=cast.admin, reason="asked")
    mentor, youth = Mentor.objects.get(pk=world.mentor.pk), Youth.objects.get(pk=world.youth.pk)
    guardian = Guardian.objects.get(pk=world.guardian.pk)
    assert (mentor.first_name, mentor.last_name, mentor.email, mentor.phone, mentor.postcode) == ("",) * 5
    assert mentor.date_of_birth == date(MENTOR_BORN.year, 7, 1)
    assert (mentor.motivation, mentor.values_beliefs, mentor.interests_other) == ("", "", "")
    assert mentor.status == "withdrawn" and mentor.erased_at is not None
    assert mentor.full_name == f"Erased mentor #{mentor.pk}" and str(youth) == f"Erased youth #{youth.pk}"
    assert (youth.goals, youth.wishes, youth.referrer_name) == ("", "", "")
    assert youth.status == "closed"  # no transition outside the table
    assert guardian.erased_at is not None and guardian.email == ""
    # The link between two erased rows stays (the reports' guardian figures); nobody is named by it.
    assert list(Guardianship.objects.filter(youth=youth).values_list("guardian", flat=True)) == [guardian.pk]
    assert not Interview.objects.filter(mentor=mentor).exists()
    assert not Reference.objects.filter(mentor=mentor).exists()
    assert not RepeatApplication.objects.filter(mentor=mentor).exists()
    assert not ConductCertificate.objects.filter(mentor=mentor).exists()
    assert not SelfDisclosure.objects.filter(mentor=mentor).exists()
    assert set(PipelineEvent.objects.filter(mentor=mentor).values_list("reason", flat=True)) == {""}
    intake = Intake.objects.get(youth=youth)
    assert (intake.motivation, intake.wish_kind_of_person, intake.wish_location) == ("", "", "")
    match = Match.objects.get(pk=world.match.pk)
    assert match.state == MatchState.CLOSED and (match.origin_note, match.introduction_note) == ("", "")
    assert set(MeetingLog.objects.filter(match=match).values_list("note", flat=True)) == {""}
    assert set(SupportContact.objects.filter(match=match).values_list("notes", "follow_up")) == {("", "")}
    concern = Concern.objects.get(match=match)
    assert concern.text == "" and TEXT not in concern.outcome
    agreement = Agreement.objects.get(match=match)
    assert (agreement.goals, agreement.holiday_expectations, agreement.place_detail) == ("", "", "")
    assert Closure.objects.get(match=match).reason_note == ""
    assert set(ClosureConversation.objects.values_list("notes", "went_well", "could_be_better")) == {
        ("", "", "")
    }
    assert set(Consent.objects.filter(agreement=agreement).values_list("typed_name", flat=True)) == {"—"}


def test_links_to_a_parent_or_child_who_stays_are_removed(cast):
    world = build_world(cast)
    sibling = f.YouthFactory(programme=cast.programme)
    f.GuardianshipFactory(guardian=world.guardian, youth=sibling)
    erase_person(world.youth, by=cast.admin, reason="asked")
    assert Guardian.objects.get(pk=world.guardian.pk).erased_at is None
    assert list(Guardianship.objects.filter(guardian=world.guardian).values_list("youth", flat=True)) == [
        sibling.pk
    ]
    erase_person(world.guardian, by=cast.admin, reason="asked")
    assert not Guardianship.objects.filter(youth=sibling).exists()


def test_the_login_and_everything_hanging_on_it_goes(cast):
    world = build_world(cast)
    user = world.mentor.user
    EmailAddress.objects.get_or_create(user=user, email=user.email)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    erase_person(world.mentor, by=cast.admin, reason="asked")
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email=MENTOR["email"]).exists()
    assert not Authenticator.objects.filter(user_id=user.pk).exists()
    assert not OutgoingMail.objects.filter(to=MENTOR["email"]).exists()
    assert not OutgoingMail.objects.filter(body__contains=MENTOR["first_name"]).exists()
    # The coordinator's notice still goes, without the name.
    assert OutgoingMail.objects.get(to="coordinator@example.org").body == (
        "Your worklist: … has a support contact due."
    )
    assert not Reminder.objects.filter(email=MENTOR["email"]).exists()
    assert not ExportJob.objects.exists()
    # The trail says what they did, not who they were.
    rows = ActivityLog.objects.filter(actor_label__endswith=f"#{user.pk}")
    assert rows.exists() and all(r.actor_label == f"#{user.pk}" for r in rows)
    assert not ActivityLog.objects.filter(actor_label__contains=MENTOR["first_name"]).exists()


def test_a_staff_login_that_was_also_a_mentor_stays_a_staff_login(cast):
    mentor = f.MentorFactory(programme=cast.programme, status="applied", user=cast.coordinator)
    erase_person(mentor, by=cast.admin, reason="asked")
    assert User.objects.filter(pk=cast.coordinator.pk).exists()
    assert Mentor.objects.get(pk=mentor.pk).user is None


def test_text_elsewhere_loses_the_name_as_a_word_only(cast):
    from koppel.common.domain.retention import redact_logs

    mentor = f.MentorFactory(programme=cast.programme, status="applied", first_name="Ali", last_name="Kaya")
    row = log_action(cast.programme, "x", by=None, data={"kind": "quality", "who": "Ali Kaya", "n": 3})
    assert redact_logs(user_id=None, values=["Ali", "Kaya", "Ali Kaya"]) == 1
    assert ActivityLog.objects.get(pk=row.pk).data == {"kind": "quality", "who": "", "n": 3}
    erase_person(mentor, by=cast.admin, reason="Ali asked; quality of data")
    assert (
        erasure_records([cast.programme.organisation_id]).get().data["reason"] == "… asked; quality of data"
    )


def test_the_audit_row_and_ledger_name_nobody(cast):
    mentor = f.MentorFactory(programme=cast.programme, status="applied", first_name="Zilverreiger")
    entry = erase_person(mentor, by=cast.admin, reason="Zilverreiger asked by phone")
    assert entry.subject_hash == subject_hash(mentor) and "Zilverreiger" not in str(entry)
    record = erasure_records([cast.programme.organisation_id]).get()
    assert record.object_id == entry.pk and record.actor == cast.admin
    assert record.data["kind"] == "mentor" and "Zilverreiger" not in record.data["reason"]
    assert erasure_records([f.OrganisationFactory().pk]).count() == 0


def test_a_disqualified_mentor_is_still_found_when_they_apply_again(cast):
    mentor = f.MentorFactory(
        programme=cast.programme,
        status="disqualified",
        disqualification_reason="child_offence",
        phone="0612345678",
    )
    SelfDisclosureFactory(mentor=mentor, child_offence=True, other_details=TEXT, review_notes=TEXT)
    erase_person(mentor, by=cast.admin, reason="asked")
    kept = Mentor.objects.get(pk=mentor.pk)
    assert kept.phone == "" and kept.erased_at is not None and kept.status == "disqualified"
    disclosure = SelfDisclosure.objects.get(mentor=kept)
    assert disclosure.child_offence and (disclosure.other_details, disclosure.review_notes) == ("", "")
    again = f.MentorFactory(
        programme=cast.programme,
        status="in_screening",
        first_name=mentor.first_name,
        last_name=mentor.last_name,
        date_of_birth=mentor.date_of_birth,
    )
    assert list(earlier_disqualifications(again)) == [kept]


# --- What stays --------------------------------------------------------------------------------------


def _figures(programme, today):
    report_filter = ReportFilter(
        programme_ids=(programme.pk,), start=today - timedelta(days=500), end=today, min_group=1
    )
    dashboard = build_dashboard(report_filter, today=today, concurrent=False)
    outcomes = build_outcomes(report_filter, today=today)
    pool = {"pool"}
    return [
        (t.key, t.rows) for t in [*dashboard.tables(), *outcomes.tables()] if not pool & set(t.key.split("_"))
    ]


def test_the_reports_count_the_erased_people_as_before(cast):
    world = build_world(cast)
    subscale = small_instrument().subscales.first()
    for moment, value in (("baseline", 2.0), ("end", 4.0)):
        submitted_score(
            world.youth,
            subscale,
            moment=moment,
            value=value,
            submitted_on=timezone.localdate() - timedelta(days=300 if moment == "baseline" else 20),
            match=world.match,
        )
    Mentor.objects.filter(pk=world.mentor.pk).update(status="withdrawn")  # the pool is about now
    today = timezone.localdate()
    before = _figures(cast.programme, today)
    erase_person(world.mentor, by=cast.admin, reason="asked")
    erase_person(world.youth, by=cast.admin, reason="asked")
    assert _figures(cast.programme, today) == before
    assert Match.objects.filter(pk=world.match.pk, state=MatchState.CLOSED).exists()


# --- Replay after a restore ----------------------------------------------------------------------------


def test_replay_erases_again_whoever_the_ledger_names(cast):
    mentor = f.MentorFactory(programme=cast.programme, status="applied", first_name=YOUTH["first_name"])
    bystander = f.MentorFactory(programme=cast.programme, status="applied")
    erase_person(mentor, by=cast.admin, reason="asked")
    # A backup from before the erasure comes back: the row has its name again.
    Mentor.objects.filter(pk=mentor.pk).update(
        erased_at=None, first_name=YOUTH["first_name"], email="back@example.org"
    )
    assert replay_ledger() == 1
    restored = Mentor.objects.get(pk=mentor.pk)
    assert restored.erased_at is not None and restored.first_name == "" and restored.email == ""
    assert Mentor.objects.get(pk=bystander.pk).erased_at is None
    assert replay_ledger() == 0
    assert ActivityLog.objects.filter(action="privacy.person.replayed").count() == 1


def test_replay_erases_a_person_whose_match_is_open_in_the_restored_copy(cast):
    erase_person(f.MentorFactory(programme=cast.programme, status="applied"), by=cast.admin, reason="x")
    ErasureLedgerEntry.objects.create(
        subject_hash=subject_hash(cast.youth_row), erased_at=cast.match.created_at
    )
    assert replay_ledger() == 1
    assert Youth.objects.get(pk=cast.youth_row.pk).erased_at is not None


def test_no_survey_is_planned_for_an_erased_person(cast):
    from koppel.surveys.domain.delivery import plan_assignments
    from koppel.surveys.enums import Moment
    from koppel.surveys.models import Assignment
    from tests.factories.survey import ScheduleFactory

    instrument = small_instrument(respondents=["youth", "mentor", "guardian"], young_age=12)
    ScheduleFactory(programme=cast.programme, moment=Moment.BASELINE, instrument=instrument)
    erased = f.YouthFactory(programme=cast.programme, status="waiting", waiting_since=date(2025, 3, 3))
    kept = f.YouthFactory(programme=cast.programme, status="waiting", waiting_since=date(2025, 3, 3))
    erase_person(erased, by=cast.admin, reason="asked")
    plan_assignments(today=date(2025, 3, 10))
    assert set(Assignment.objects.values_list("youth", flat=True)) == {kept.pk}


def test_each_new_ledger_row_goes_to_the_ledger_file_and_a_file_that_fails_refuses_the_erasure(
    cast, monkeypatch
):
    from koppel.privacy.domain.ledger_file import read_ledger_file

    mentor = f.MentorFactory(programme=cast.programme, status="applied")
    erase_person(mentor, by=cast.admin, reason="asked")
    assert subject_hash(mentor) in read_ledger_file()

    def broken(entry):
        raise OSError("disk full")

    monkeypatch.setattr("koppel.privacy.domain.erasure.append_to_ledger_file", broken)
    other = f.MentorFactory(programme=cast.programme, status="applied", first_name="Blijft")
    with pytest.raises(DomainError, match="ledger file cannot be written"):
        erase_person(other, by=cast.admin, reason="asked")
    assert Mentor.objects.get(pk=other.pk).first_name == "Blijft"
    assert ErasureLedgerEntry.objects.count() == 1
