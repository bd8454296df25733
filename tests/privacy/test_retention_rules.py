"""The retention schedule's rules: boundaries, the notice period, items that stop qualifying,
organisation periods, and what each rule leaves behind. Whole-person erasure (the applicants' and
the person-file rules) is tested in test_retention_erasure.py."""

import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum

from koppel.accounts.models import User
from koppel.common.dates import add_months
from koppel.common.domain.errors import ConflictError, DomainError
from koppel.common.models import ActivityLog
from koppel.matches.models import Closure, MeetingLog, SupportContact
from koppel.people.models import (
    ConductCertificate,
    Interview,
    Mentor,
    PipelineEvent,
    Reference,
    SelfDisclosure,
)
from koppel.privacy.domain.retention import (
    PREVIEWED,
    SCHEDULE,
    apply_retention,
    log_retention_days,
    period_months,
    preview_retention,
    set_retention_period,
)
from koppel.privacy.enums import RetentionRule
from koppel.privacy.models import RetentionOverride, RetentionPreviewItem, RetentionRun
from koppel.surveys.enums import AssignmentStatus
from koppel.surveys.models import Answer, Assignment, Score
from tests import factories as f
from tests.factories.meeting import MeetingLogFactory
from tests.factories.screening import (
    ConductCertificateFactory,
    InterviewFactory,
    ReferenceFactory,
    SelfDisclosureFactory,
)
from tests.factories.survey import AnswerFactory, AssignmentFactory, ScoreFactory, small_instrument
from tests.privacy.retention_helpers import TODAY, aware, closed_match, ended_mentor, months_before

pytestmark = pytest.mark.django_db

NOTICE = 14


@pytest.fixture(autouse=True)
def notice(settings):
    settings.RETENTION_NOTICE_DAYS = NOTICE


@pytest.fixture
def programme():
    return f.ProgrammeFactory()


@pytest.fixture
def org(programme):
    return programme.organisation


def items(org, rule):
    return set(
        RetentionPreviewItem.objects.filter(organisation=org, rule=rule).values_list("object_id", flat=True)
    )


def set_period(org, rule, months, reason, *, version, by):
    return set_retention_period(
        org, rule=rule, by=by, values={"months": months, "reason": reason}, expected_version=version
    )


def screened(mentor):
    InterviewFactory(mentor=mentor, attitude_ideas="Open, geduldig")
    ReferenceFactory(mentor=mentor, notes="Zeer betrokken", phone="0612345678")
    ConductCertificateFactory(mentor=mentor)
    SelfDisclosureFactory(mentor=mentor, review_notes="Besproken, geen bezwaar", decision="accepted")


# --- The schedule ----------------------------------------------------------------------------------


def test_every_rule_has_an_entry_with_a_reason_a_clock_and_an_effect():
    assert set(SCHEDULE) == set(RetentionRule)
    for rule in SCHEDULE.values():
        assert str(rule.reason) and str(rule.clock) and str(rule.effect)
    assert SCHEDULE[RetentionRule.APPLICANT_NOT_MATCHED].default_months == 6
    assert SCHEDULE[RetentionRule.VOG_FACTS].default_months == 6
    assert SCHEDULE[RetentionRule.MATCH_RECORDS].default_months == 24
    assert SCHEDULE[RetentionRule.PERSON_RECORD].default_months == 24
    assert not SCHEDULE[RetentionRule.DISQUALIFICATION].editable


def test_the_logs_period_is_the_one_setting_the_purge_uses(settings):
    from koppel.common.domain.retention import retention_cutoff

    settings.LOG_RETENTION_DAYS = 40
    assert log_retention_days() == 40
    now = aware(TODAY)
    assert retention_cutoff(now=now) == now - timedelta(days=40)
    assert not SCHEDULE[RetentionRule.LOGS].editable


# --- Boundaries and the notice period --------------------------------------------------------------


def test_screening_facts_enter_the_preview_the_day_the_period_ends__not_the_day_before(programme, org):
    ended_on = months_before(TODAY, 6)
    mentor = ended_mentor(programme, on=ended_on)
    screened(mentor)
    preview_retention(org, today=TODAY - timedelta(days=1))
    assert items(org, RetentionRule.VOG_FACTS) == set()
    preview_retention(org, today=TODAY)
    assert items(org, RetentionRule.VOG_FACTS) == {mentor.pk}
    assert RetentionPreviewItem.objects.get(rule=RetentionRule.VOG_FACTS).first_previewed_on == TODAY


def test_nothing_goes_before_the_notice_period_has_passed(programme, org):
    mentor = ended_mentor(programme, on=months_before(TODAY, 6), matched=True)
    screened(mentor)
    preview_retention(org, today=TODAY)
    assert apply_retention(org, today=TODAY + timedelta(days=NOTICE - 1)) == {}
    assert Interview.objects.get(mentor=mentor).motivation != ""
    # A later preview keeps the day the item first appeared: the notice period does not restart.
    preview_retention(org, today=TODAY + timedelta(days=NOTICE - 1))
    assert apply_retention(org, today=TODAY + timedelta(days=NOTICE)) == {RetentionRule.VOG_FACTS: 1}
    assert Interview.objects.get(mentor=mentor).motivation == ""
    assert items(org, RetentionRule.VOG_FACTS) == set()


def test_apply_without_an_earlier_preview_only_starts_the_notice_period(programme, org):
    mentor = ended_mentor(programme, on=months_before(TODAY, 12))
    screened(mentor)
    assert apply_retention(org, today=TODAY) == {}
    assert items(org, RetentionRule.VOG_FACTS) == {mentor.pk}
    assert Interview.objects.get(mentor=mentor).motivation != ""


def test_an_item_that_stops_qualifying_leaves_the_preview_and_is_kept(programme, org):
    youth = f.YouthFactory(programme=programme)
    mentor = f.MentorFactory(programme=programme)
    match = closed_match(youth, [mentor], ended_on=months_before(TODAY, 24))
    MeetingLogFactory(match=match, note="Naar de bieb geweest")
    preview_retention(org, today=TODAY)
    assert items(org, RetentionRule.MATCH_RECORDS) == {match.pk}
    # The youth comes back: a new match, so the old one's notes are needed again.
    f.MatchFactory(youth=youth, mentors=[f.MentorFactory(programme=programme)], state="active")
    assert apply_retention(org, today=TODAY + timedelta(days=NOTICE)) == {}
    assert MeetingLog.objects.get(match=match).note == "Naar de bieb geweest"
    assert items(org, RetentionRule.MATCH_RECORDS) == set()


def test_a_clock_that_started_again_starts_a_new_notice_period(programme, org):
    mentor = ended_mentor(programme, on=months_before(TODAY, 8), matched=True)
    screened(mentor)
    preview_retention(org, today=TODAY)
    # Back and gone again before the next run: the latest step is the clock's start now.
    step = PipelineEvent.objects.create(mentor=mentor, from_status="ready", to_status="withdrawn")
    PipelineEvent.objects.filter(pk=step.pk).update(at=aware(months_before(TODAY, 7)))
    assert apply_retention(org, today=TODAY + timedelta(days=NOTICE)) == {}
    item = RetentionPreviewItem.objects.get(rule=RetentionRule.VOG_FACTS)
    assert (item.since, item.first_previewed_on) == (months_before(TODAY, 7), TODAY + timedelta(days=NOTICE))
    assert Interview.objects.get(mentor=mentor).motivation != ""


def test_a_mentor_who_matched_again_keeps_the_notes_of_their_earlier_match(programme, org):
    mentor = f.MentorFactory(programme=programme)
    match = closed_match(f.YouthFactory(programme=programme), [mentor], ended_on=months_before(TODAY, 30))
    MeetingLogFactory(match=match)
    closed_match(f.YouthFactory(programme=programme), [mentor], ended_on=months_before(TODAY, 23))
    preview_retention(org, today=TODAY)
    assert match.pk not in items(org, RetentionRule.MATCH_RECORDS)


# --- Organisation periods --------------------------------------------------------------------------


def test_an_organisation_period_moves_the_cutoff_and_is_audited_without_its_reason(programme, org):
    admin = f.AdministratorFactory(organisation=org).user
    mentor = ended_mentor(programme, on=months_before(TODAY, 6))
    screened(mentor)
    changed = set_retention_period(
        org,
        rule=RetentionRule.VOG_FACTS,
        by=admin,
        values={"months": 12, "reason": "De subsidiegever vraagt een jaar"},
        expected_version=0,
    )
    assert changed == ["months", "reason"]
    assert period_months(SCHEDULE[RetentionRule.VOG_FACTS], org) == 12
    preview_retention(org, today=TODAY)
    assert items(org, RetentionRule.VOG_FACTS) == set()
    preview_retention(org, today=add_months(TODAY, 6))
    assert items(org, RetentionRule.VOG_FACTS) == {mentor.pk}
    entry = ActivityLog.objects.get(action="privacy.retention.period_changed")
    assert entry.actor == admin and entry.data["months"] == 12
    assert "subsidiegever" not in json.dumps(entry.data)
    override = RetentionOverride.objects.get()
    assert (override.version, override.changed_by) == (1, admin)


def test_a_period_of_zero_an_empty_reason_a_fixed_rule_or_a_stale_version_is_refused(org):
    admin = f.AdministratorFactory(organisation=org).user
    with pytest.raises(DomainError):
        set_retention_period(
            org,
            rule=RetentionRule.VOG_FACTS,
            by=admin,
            values={"months": 0, "reason": "x"},
            expected_version=0,
        )
    with pytest.raises(DomainError):
        set_retention_period(
            org,
            rule=RetentionRule.VOG_FACTS,
            by=admin,
            values={"months": 9, "reason": " "},
            expected_version=0,
        )
    for rule in (RetentionRule.LOGS, RetentionRule.SURVEYS, RetentionRule.DISQUALIFICATION):
        with pytest.raises(DomainError):
            set_retention_period(
                org, rule=rule, by=admin, values={"months": 9, "reason": "x"}, expected_version=0
            )
    set_period(org, RetentionRule.ACCOUNT, 9, "x", version=0, by=admin)
    with pytest.raises(ConflictError):
        set_retention_period(
            org,
            rule=RetentionRule.ACCOUNT,
            by=admin,
            values={"months": 10, "reason": "y"},
            expected_version=0,
        )
    set_period(org, RetentionRule.ACCOUNT, 10, "y", version=1, by=admin)
    assert RetentionOverride.objects.get().months == 10
    assert set_period(org, RetentionRule.ACCOUNT, 10, "y", version=2, by=admin) == []
    assert RetentionOverride.objects.get().version == 2
    assert not RetentionOverride.objects.filter(rule=RetentionRule.VOG_FACTS).exists()


def test_another_organisations_period_does_not_count(programme, org):
    other = f.OrganisationFactory()
    set_retention_period(
        other, rule=RetentionRule.VOG_FACTS, by=None, values={"months": 60, "reason": "x"}, expected_version=0
    )
    mentor = ended_mentor(programme, on=months_before(TODAY, 6))
    screened(mentor)
    preview_retention(org, today=TODAY)
    assert items(org, RetentionRule.VOG_FACTS) == {mentor.pk}


# --- What each rule leaves -------------------------------------------------------------------------


def test_screening_keeps_only_the_minimal_facts(programme, org):
    mentor = ended_mentor(programme, on=months_before(TODAY, 7), matched=True)
    screened(mentor)
    certificate = ConductCertificate.objects.get(mentor=mentor)
    preview_retention(org, today=TODAY)
    apply_retention(org, today=TODAY + timedelta(days=NOTICE))
    interview = Interview.objects.get(mentor=mentor)
    assert (interview.motivation, interview.attitude_ideas, interview.qualities) == ("", "", {})
    assert interview.held_on is not None and interview.recommendation == "approve"
    reference = Reference.objects.get(mentor=mentor)
    assert (reference.name, reference.relation, reference.email, reference.phone, reference.notes) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert reference.outcome == "positive" and reference.contacted_on is not None
    disclosure = SelfDisclosure.objects.get(mentor=mentor)
    assert (disclosure.other_details, disclosure.review_notes) == ("", "")
    assert disclosure.decision == "accepted"
    kept = ConductCertificate.objects.get(mentor=mentor)
    assert (kept.outcome, kept.issued_on, kept.requested_on) == (
        certificate.outcome,
        certificate.issued_on,
        certificate.requested_on,
    )
    assert PipelineEvent.objects.get(mentor=mentor).reason == ""
    assert interview.version == 2  # a form opened before cannot save the text back
    # The mentor stays (only the applicants' rule erases, after its own period).
    assert Mentor.objects.filter(pk=mentor.pk).exists()


def test_a_disqualification_is_never_trimmed__SCR_3(programme, org):
    disqualified = f.MentorFactory(
        programme=programme, status="disqualified", disqualification_reason="vog_refused"
    )
    screened(disqualified)
    refused = ended_mentor(programme, on=months_before(TODAY, 30), status="rejected")
    screened(refused)
    ConductCertificate.objects.filter(mentor=refused).update(outcome="refused")
    PipelineEvent.objects.filter(mentor=disqualified).delete()
    preview_retention(org, today=TODAY)
    apply_retention(org, today=add_months(TODAY, 60))
    for mentor in (disqualified, refused):
        assert Interview.objects.get(mentor=mentor).motivation != ""
        assert Reference.objects.get(mentor=mentor).notes == "Zeer betrokken"
    for rule in PREVIEWED:
        if rule != RetentionRule.ACCOUNT:
            assert not items(org, rule) & {disqualified.pk, refused.pk}, rule


def test_match_notes_are_wiped_and_the_meetings_still_count(programme, org):
    youth = f.YouthFactory(programme=programme)
    mentor = f.MentorFactory(programme=programme)
    match = closed_match(youth, [mentor], ended_on=months_before(TODAY, 24))
    for _ in range(3):
        MeetingLogFactory(match=match, note="Samen gekookt", held_on=months_before(TODAY, 26))
    SupportContact.objects.create(
        match=match, held_on=months_before(TODAY, 25), with_whom="mentor", channel="phone", notes="Gaat goed"
    )
    Closure.objects.create(
        match=match,
        kind="planned",
        reason="duration_reached",
        ends_on=match.ended_on,
        contact_after="none",
        reason_note="Doel gehaald",
    )
    before = MeetingLog.objects.filter(match=match).aggregate(n=Sum("duration_minutes"))
    preview_retention(org, today=TODAY)
    assert apply_retention(org, today=TODAY + timedelta(days=NOTICE)) == {RetentionRule.MATCH_RECORDS: 1}
    assert set(MeetingLog.objects.filter(match=match).values_list("note", flat=True)) == {""}
    assert MeetingLog.objects.filter(match=match).count() == 3
    assert MeetingLog.objects.filter(match=match).aggregate(n=Sum("duration_minutes")) == before
    assert SupportContact.objects.get(match=match).notes == ""
    assert Closure.objects.get(match=match).reason_note == ""
    assert ActivityLog.objects.filter(action="privacy.retention.notes_wiped", object_id=match.pk).exists()


def test_surveys_lose_their_answers_after_the_reporting_period_and_keep_their_scores(programme, org):
    instrument = small_instrument()
    youth = f.YouthFactory(programme=programme)
    submitted = months_before(TODAY, 24)
    assignment = AssignmentFactory(
        youth=youth, instrument=instrument, status=AssignmentStatus.SUBMITTED, submitted_at=aware(submitted)
    )
    for item in instrument.items.all():
        AnswerFactory(assignment=assignment, item=item, value=4)
    ScoreFactory(assignment=assignment, value=4.0, submitted_on=submitted)
    scores = list(Score.objects.values())
    preview_retention(org, today=TODAY - timedelta(days=1))
    assert items(org, RetentionRule.SURVEYS) == set()
    preview_retention(org, today=TODAY)
    assert items(org, RetentionRule.SURVEYS) == {assignment.pk}
    assert apply_retention(org, today=TODAY + timedelta(days=NOTICE)) == {RetentionRule.SURVEYS: 1}
    assert not Answer.objects.filter(assignment=assignment).exists()
    assert list(Score.objects.values()) == scores
    assert Assignment.objects.get(pk=assignment.pk).link_version == assignment.link_version + 1


def test_the_programmes_reporting_period_sets_the_surveys_cutoff(programme, org):
    programme.settings.survey_reporting_months = 12
    programme.settings.save()
    instrument = small_instrument()
    assignment = AssignmentFactory(
        youth=f.YouthFactory(programme=programme),
        instrument=instrument,
        status=AssignmentStatus.SUBMITTED,
        submitted_at=aware(months_before(TODAY, 12)),
    )
    AnswerFactory(assignment=assignment, item=instrument.items.first())
    open_one = AssignmentFactory(youth=f.YouthFactory(programme=programme), instrument=instrument)
    AnswerFactory(assignment=open_one, item=instrument.items.first())
    preview_retention(org, today=TODAY)
    assert items(org, RetentionRule.SURVEYS) == {assignment.pk}


def test_a_login_goes_months_after_the_role_ended_but_never_a_staff_login(programme, org):
    gone = f.UserFactory()
    mentor = ended_mentor(programme, on=months_before(TODAY, 3), user=gone)
    staff = f.CoordinatorFactory(programme=programme).user
    ended_mentor(programme, on=months_before(TODAY, 3), user=staff)
    active = f.MentorFactory(programme=programme, user=f.UserFactory())
    preview_retention(org, today=TODAY - timedelta(days=1))
    assert items(org, RetentionRule.ACCOUNT) == set()
    preview_retention(org, today=TODAY)
    assert items(org, RetentionRule.ACCOUNT) == {gone.pk}
    apply_retention(org, today=TODAY + timedelta(days=NOTICE))
    assert not User.objects.filter(pk=gone.pk).exists()
    mentor.refresh_from_db()
    assert mentor.user is None  # the file stays under its own rule
    assert User.objects.filter(pk=staff.pk).exists() and User.objects.filter(pk=active.user_id).exists()


def test_a_parents_login_stays_while_a_child_is_in_the_programme(programme, org):
    guardian = f.GuardianFactory(organisation=org, user=f.UserFactory())
    finished = f.YouthFactory(programme=programme, status="closed")
    closed_match(finished, [f.MentorFactory(programme=programme)], ended_on=months_before(TODAY, 6))
    waiting = f.YouthFactory(programme=programme, status="waiting")
    f.GuardianshipFactory(youth=finished, guardian=guardian)
    f.GuardianshipFactory(youth=waiting, guardian=guardian)
    preview_retention(org, today=add_months(TODAY, 12))
    assert guardian.user_id not in items(org, RetentionRule.ACCOUNT)


# --- Audit -----------------------------------------------------------------------------------------


def test_each_preview_and_purge_is_audited_with_counts_and_no_names(programme, org):
    mentor = ended_mentor(
        programme, on=months_before(TODAY, 6), matched=True, first_name="Annelies", last_name="Verbeek"
    )
    screened(mentor)
    preview = preview_retention(org, today=TODAY)
    assert preview.counts[RetentionRule.VOG_FACTS] == 1
    assert preview.run.kind == RetentionRun.Kind.PREVIEW
    apply_retention(org, today=TODAY + timedelta(days=NOTICE))
    previewed = ActivityLog.objects.get(action="privacy.retention.previewed")
    applied = ActivityLog.objects.get(action="privacy.retention.applied")
    assert previewed.data["counts"][RetentionRule.VOG_FACTS] == 1
    assert applied.data["counts"] == {RetentionRule.VOG_FACTS: 1}
    assert applied.content_type == ContentType.objects.get_for_model(RetentionRun)
    trimmed = ActivityLog.objects.get(action="privacy.retention.screening_trimmed")
    assert trimmed.object_id == mentor.pk and "interview.motivation" in trimmed.fields
    for entry in (previewed, applied, trimmed):
        text = json.dumps([entry.data, entry.fields])
        assert "Annelies" not in text and "Verbeek" not in text
    run = RetentionRun.objects.get(kind=RetentionRun.Kind.PURGE)
    assert run.counts == {RetentionRule.VOG_FACTS: 1}
