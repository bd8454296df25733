"""The mentor pipeline: the table of transitions, the approval gate (SCR-1..3), TRN-1, the audit
trail and the applicant's e-mail in their own language."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from koppel.common.domain.audit import history_of
from koppel.common.domain.errors import DomainError
from koppel.people.domain.pipeline import (
    ALLOWED,
    approve_mentor,
    disqualify_mentor,
    mark_matched,
    mark_ready_to_match,
    pause_mentor,
    plan_interview,
    reject_mentor,
    resume_mentor,
    start_screening,
    withdraw_mentor,
)
from koppel.people.enums import DisqualificationReason, MentorStatus
from koppel.people.models import PipelineEvent
from koppel.training.models import ExternalHours
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


def applicant(status=S.APPLIED, **kwargs):
    return f.MentorFactory(status=status, **kwargs)


def screened(mentor, *, references=2, vog=True, interview=True, disclosure=True):
    """Give `mentor` everything approval needs (or less, by the arguments)."""
    if interview:
        InterviewFactory(mentor=mentor)
    if disclosure:
        ClearedDisclosureFactory(mentor=mentor)
    for _ in range(references):
        ReferenceFactory(mentor=mentor)
    if vog:
        ConductCertificateFactory(mentor=mentor)
    return mentor


def set_programme(mentor, **values):
    settings = mentor.programme.settings
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()


def train(mentor, hours):
    ExternalHours.objects.create(
        mentor=mentor, date=timezone.localdate(), hours=Decimal(hours), kind="external", description="Cursus"
    )


# --- The approval gate ----------------------------------------------------------------------------


def test_approval_refused_without_interview__SCR_1(coordinator):
    mentor = screened(applicant(S.IN_SCREENING), interview=False)
    with pytest.raises(DomainError) as refused:
        approve_mentor(mentor, by=coordinator)
    assert "SCR-1" in refused.value.message
    mentor.refresh_from_db()
    assert mentor.status == S.IN_SCREENING


def test_approval_refused_when_the_interview_did_not_explain_responsibilities__SCR_1(coordinator):
    mentor = screened(applicant(S.IN_SCREENING), interview=False)
    InterviewFactory(mentor=mentor, responsibilities_explained=False)
    with pytest.raises(DomainError, match="SCR-1"):
        approve_mentor(mentor, by=coordinator)


def test_approval_refused_without_references__SCR_2(coordinator):
    mentor = screened(applicant(S.IN_SCREENING), references=1)
    ReferenceFactory(mentor=mentor, outcome="doubts")
    with pytest.raises(DomainError) as refused:
        approve_mentor(mentor, by=coordinator)
    assert "SCR-2" in refused.value.message
    assert "SCR-1" not in refused.value.message


def test_approval_refused_without_vog_when_required__SCR_2(coordinator):
    mentor = screened(applicant(S.IN_SCREENING), vog=False)
    assert mentor.programme.settings.vog_required
    with pytest.raises(DomainError, match="SCR-2"):
        approve_mentor(mentor, by=coordinator)


@pytest.mark.parametrize(
    "vog",
    [
        {"original_seen_on": None},
        {"outcome": "requested", "issued_on": None},
        {"issued_on": date(2020, 1, 1)},  # valid until 2023: expired
    ],
)
def test_approval_refused_with_a_vog_not_in_order__SCR_2(coordinator, vog):
    mentor = screened(applicant(S.IN_SCREENING), vog=False)
    ConductCertificateFactory(mentor=mentor, **vog)
    with pytest.raises(DomainError, match="SCR-2"):
        approve_mentor(mentor, by=coordinator)


def test_vog_not_needed_when_programme_does_not_require_it__SCR_2(coordinator):
    mentor = screened(applicant(S.IN_SCREENING), vog=False)
    set_programme(mentor, vog_required=False)
    approve_mentor(mentor, by=coordinator)
    mentor.refresh_from_db()
    assert mentor.status == S.APPROVED


def test_no_references_needed_when_programme_requires_none__SCR_2(coordinator):
    mentor = screened(applicant(S.IN_SCREENING), references=0)
    set_programme(mentor, references_required=0)
    approve_mentor(mentor, by=coordinator)
    assert mentor.status == S.APPROVED


def test_refusal_lists_every_missing_item_with_its_rule__SCR_1_SCR_2_SCR_3(coordinator):
    mentor = applicant(S.IN_SCREENING)
    with pytest.raises(DomainError) as refused:
        approve_mentor(mentor, by=coordinator)
    message = refused.value.message
    assert message.count("SCR-2") == 2  # references and VOG
    assert "SCR-1" in message
    assert "2 references with a positive outcome (0 so far)." in message
    assert message.count("SCR-3") == 1  # the self-disclosure; not disqualified is fine
    assert "A self-disclosure is on record" in message


def test_approval_refused_without_a_self_disclosure_on_record__SCR_3(coordinator):
    mentor = screened(applicant(S.IN_SCREENING), disclosure=False)
    with pytest.raises(DomainError, match="SCR-3: A self-disclosure is on record"):
        approve_mentor(mentor, by=coordinator)
    assert mentor.status == S.IN_SCREENING


@pytest.mark.parametrize("decision", ["pending", "rejected"])
def test_approval_refused_while_a_disclosed_conviction_is_unreviewed_or_refused__SCR_3(coordinator, decision):
    mentor = screened(applicant(S.IN_SCREENING), disclosure=False)
    SelfDisclosureFactory(mentor=mentor, decision=decision)
    with pytest.raises(DomainError, match="SCR-3"):
        approve_mentor(mentor, by=coordinator)
    # The same holds where the programme does not ask for a disclosure: one that is there counts.
    set_programme(mentor, self_disclosure_required=False)
    with pytest.raises(DomainError, match=r"SCR-3: Every disclosed conviction was reviewed and accepted\."):
        approve_mentor(mentor, by=coordinator)


def test_approval_with_a_conviction_accepted_with_conditions__SCR_3(coordinator):
    mentor = screened(applicant(S.IN_SCREENING), disclosure=False)
    SelfDisclosureFactory(mentor=mentor, decision="conditions", review_notes="Niet rijden met de jongere.")
    approve_mentor(mentor, by=coordinator)
    assert mentor.status == S.APPROVED


def test_no_disclosure_needed_when_the_programme_does_not_ask_for_one__SCR_3(coordinator):
    mentor = screened(applicant(S.IN_SCREENING), disclosure=False)
    set_programme(mentor, self_disclosure_required=False)
    approve_mentor(mentor, by=coordinator)
    assert mentor.status == S.APPROVED


def test_approval_with_everything_in_order(coordinator):
    mentor = screened(applicant(S.IN_SCREENING))
    event = approve_mentor(mentor, by=coordinator, reason="Goed gesprek")
    mentor.refresh_from_db()
    assert mentor.status == S.APPROVED
    assert (event.from_status, event.to_status, event.reason, event.by) == (
        S.IN_SCREENING,
        S.APPROVED,
        "Goed gesprek",
        coordinator,
    )


# --- SCR-3: disqualification is final -------------------------------------------------------------


def test_disqualified_mentor_can_never_be_approved_ready_or_matched__SCR_3(coordinator):
    mentor = screened(applicant(S.IN_SCREENING))
    disqualify_mentor(mentor, by=coordinator, reason=DisqualificationReason.VOG_REFUSED)
    for step in (approve_mentor, mark_ready_to_match, mark_matched, start_screening, withdraw_mentor):
        with pytest.raises(DomainError, match="SCR-3"):
            step(mentor, by=coordinator)
    with pytest.raises(DomainError, match="SCR-3"):
        disqualify_mentor(mentor, by=coordinator, reason=DisqualificationReason.CHILD_OFFENCE)
    mentor.refresh_from_db()
    assert mentor.status == S.DISQUALIFIED
    assert mentor.disqualification_reason == DisqualificationReason.VOG_REFUSED


def test_nothing_leads_out_of_the_end_states_but_disqualification__SCR_3():
    assert ALLOWED[S.DISQUALIFIED] == frozenset()
    assert ALLOWED[S.REJECTED] == frozenset({S.DISQUALIFIED})
    assert ALLOWED[S.WITHDRAWN] == frozenset({S.DISQUALIFIED})
    assert all(S.DISQUALIFIED in targets for status, targets in ALLOWED.items() if status != S.DISQUALIFIED)


def test_a_withdrawn_applicant_can_still_be_disqualified__SCR_3(coordinator):
    mentor = applicant()
    withdraw_mentor(mentor, by=coordinator)
    disqualify_mentor(mentor, by=coordinator, reason=DisqualificationReason.VOG_REFUSED)
    mentor.refresh_from_db()
    assert mentor.status == S.DISQUALIFIED
    with pytest.raises(DomainError):
        start_screening(mentor, by=coordinator)


def test_a_failing_mail_server_does_not_undo_the_step(
    coordinator, django_capture_on_commit_callbacks, settings
):
    settings.MAILERS = {"default": {"BACKEND": "tests.common.test_outbox.BrokenMailServer"}}
    mentor = applicant(email="sanne@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_mentor(mentor, by=coordinator)
    mentor.refresh_from_db()
    assert mentor.status == S.WITHDRAWN
    assert mail.outbox == []


# --- TRN-1 ----------------------------------------------------------------------------------------


def test_ready_to_match_refused_with_missing_hours__TRN_1(coordinator):
    mentor = applicant(S.APPROVED)
    set_programme(mentor, pre_match_training_hours=Decimal("2"))
    train(mentor, "0.5")
    with pytest.raises(DomainError) as refused:
        mark_ready_to_match(mentor, by=coordinator)
    assert refused.value.message == "TRN-1: 1.5 more hours of training are needed before matching."
    mentor.refresh_from_db()
    assert mentor.status == S.APPROVED


def test_the_hours_missing_are_written_in_the_active_language__TRN_1(coordinator):
    # "nog 0,5 uur" as the training page writes it, not "0.5" in a Dutch sentence.
    mentor = applicant(S.APPROVED)
    set_programme(mentor, pre_match_training_hours=Decimal("2"))
    train(mentor, "1.5")
    with translation.override("nl"), pytest.raises(DomainError) as refused:
        mark_ready_to_match(mentor, by=coordinator)
    assert "0,5" in refused.value.message
    assert "0.5" not in refused.value.message


def test_one_missing_hour_is_one_hour__TRN_1(coordinator):
    mentor = applicant(S.APPROVED)
    set_programme(mentor, pre_match_training_hours=Decimal("2"))
    train(mentor, "1")
    with pytest.raises(DomainError) as refused:
        mark_ready_to_match(mentor, by=coordinator)
    assert refused.value.message == "TRN-1: 1 more hour of training is needed before matching."


def test_ready_to_match_with_enough_hours__TRN_1(coordinator):
    mentor = applicant(S.APPROVED)
    set_programme(mentor, pre_match_training_hours=Decimal("6"))
    train(mentor, "6")
    mark_ready_to_match(mentor, by=coordinator)
    assert mentor.status == S.READY


# --- The table of transitions ---------------------------------------------------------------------


def test_the_whole_path(coordinator, django_capture_on_commit_callbacks):
    mentor = applicant(email="sanne@example.org")
    set_programme(mentor, pre_match_training_hours=Decimal("0"))
    with django_capture_on_commit_callbacks(execute=True):
        interview = plan_interview(
            mentor, by=coordinator, planned_for=timezone.now() + timedelta(days=3), kind="home_visit"
        )
        start_screening(mentor, by=coordinator)
        interview.held_on = timezone.localdate()
        interview.responsibilities_explained = True
        interview.save()
        screened(mentor, interview=False)
        approve_mentor(mentor, by=coordinator)
        mark_ready_to_match(mentor, by=coordinator)
        f.MatchFactory(youth=f.YouthFactory(programme=mentor.programme, status="matched"), mentors=[mentor])
        mark_matched(mentor, by=coordinator)  # as the match's start does
        pause_mentor(mentor, by=coordinator, reason="Verhuizing")
        resume_mentor(mentor, by=coordinator)
    mentor.refresh_from_db()
    assert mentor.status == S.MATCHED  # back to matched: the match is still open
    steps = list(
        PipelineEvent.objects.filter(mentor=mentor).order_by("id").values_list("to_status", flat=True)
    )
    assert steps == [
        S.INTERVIEW_PLANNED,
        S.IN_SCREENING,
        S.APPROVED,
        S.READY,
        S.MATCHED,
        S.PAUSED,
        S.MATCHED,
    ]
    # Mail where due: interview planned, approved, ready; not for screening, matched, paused.
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.APPLIED, approve_mentor),
        (S.APPLIED, mark_ready_to_match),
        (S.APPLIED, mark_matched),
        (S.INTERVIEW_PLANNED, approve_mentor),
        (S.IN_SCREENING, mark_ready_to_match),
        (S.APPROVED, mark_matched),
        (S.APPROVED, start_screening),
        (S.READY, approve_mentor),
        (S.REJECTED, start_screening),
        (S.WITHDRAWN, approve_mentor),
        (S.MATCHED, reject_mentor),
        (S.APPLIED, pause_mentor),
        (S.APPLIED, resume_mentor),
    ],
)
def test_transitions_not_in_the_table_are_refused(coordinator, status, step):
    mentor = screened(applicant(status))
    set_programme(mentor, pre_match_training_hours=Decimal("0"))
    with pytest.raises(DomainError):
        step(mentor, by=coordinator)
    mentor.refresh_from_db()
    assert mentor.status == status
    assert not PipelineEvent.objects.filter(mentor=mentor).exists()


@pytest.mark.parametrize(
    ("status", "step", "to"),
    [
        (S.APPLIED, start_screening, S.IN_SCREENING),
        (S.APPLIED, withdraw_mentor, S.WITHDRAWN),
        (S.INTERVIEW_PLANNED, reject_mentor, S.REJECTED),
        (S.IN_SCREENING, reject_mentor, S.REJECTED),
        (S.APPROVED, pause_mentor, S.PAUSED),
        (S.MATCHED, withdraw_mentor, S.WITHDRAWN),
        (S.MATCHED, mark_ready_to_match, S.READY),
    ],
)
def test_transitions_in_the_table_are_allowed(coordinator, status, step, to):
    mentor = applicant(status)
    set_programme(mentor, pre_match_training_hours=Decimal("0"))
    step(mentor, by=coordinator)
    mentor.refresh_from_db()
    assert mentor.status == to
    assert to in ALLOWED[status]


def test_resume_returns_to_the_status_before_the_pause(coordinator):
    mentor = applicant(S.APPROVED)
    pause_mentor(mentor, by=coordinator)
    resume_mentor(mentor, by=coordinator)
    assert mentor.status == S.APPROVED


def test_a_transition_is_audited_without_the_reason(coordinator):
    mentor = applicant()
    reject_mentor(mentor, by=coordinator, reason="Te weinig tijd, zei de buurvrouw")
    entry = history_of(mentor).get()
    assert entry.action == "people.mentor.status_changed"
    assert entry.fields == ["status"]
    assert entry.data == {"from": S.APPLIED, "to": S.REJECTED}
    assert "buurvrouw" not in str(entry.data)
    assert PipelineEvent.objects.get(mentor=mentor).reason == "Te weinig tijd, zei de buurvrouw"


def test_a_transition_bumps_the_version_so_open_edit_forms_conflict(coordinator):
    mentor = applicant()
    version = mentor.version
    start_screening(mentor, by=coordinator)
    mentor.refresh_from_db()
    assert mentor.version == version + 1


# --- E-mail in the applicant's language -----------------------------------------------------------


def test_mail_goes_to_the_applicant_in_english(coordinator, django_capture_on_commit_callbacks):
    mentor = screened(applicant(S.IN_SCREENING, preferred_language="en", email="sam@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        approve_mentor(mentor, by=coordinator, reason="secret staff note")
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.subject == "You have been approved as a mentor"
    assert f"Dear {mentor.first_name}" in message.body
    assert mentor.programme.name in message.body
    assert "secret staff note" not in message.body


def test_mail_goes_to_the_applicant_in_dutch(coordinator, django_capture_on_commit_callbacks):
    mentor = applicant(preferred_language="nl", email="sanne@example.org")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        reject_mentor(mentor, by=coordinator)
    [message] = mail.outbox
    assert message.to == ["sanne@example.org"]
    with translation.override("nl"):
        assert message.subject == gettext("Your application as a mentor")


def test_no_mail_before_the_transaction_commits(coordinator, django_capture_on_commit_callbacks):
    mentor = applicant(email="sanne@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        withdraw_mentor(mentor, by=coordinator)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_no_mail_for_steps_the_applicant_is_not_told_about(coordinator, django_capture_on_commit_callbacks):
    mentor = applicant(S.APPROVED, email="sanne@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        pause_mentor(mentor, by=coordinator)
    assert mail.outbox == []


def test_disqualification_mail_does_not_state_the_reason__SCR_3(
    coordinator, django_capture_on_commit_callbacks
):
    mentor = applicant(S.IN_SCREENING, preferred_language="en", email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        disqualify_mentor(mentor, by=coordinator, reason=DisqualificationReason.CHILD_OFFENCE)
    [message] = mail.outbox
    body = message.body.lower()
    for word in ("child", "offence", "vog", "certificate", "conviction", "disqualif"):
        assert word not in body


def test_interview_mail_says_when(coordinator, django_capture_on_commit_callbacks):
    mentor = applicant(preferred_language="en", email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        plan_interview(mentor, by=coordinator, planned_for=timezone.now() + timedelta(days=3), kind="online")
    [message] = mail.outbox
    assert "Online" in message.body
    assert message.subject == "Your interview with the mentoring programme"


def test_matched_only_follows_from_a_started_match(coordinator):
    mentor = applicant(S.READY)
    with pytest.raises(DomainError, match="once one of their matches has started"):
        mark_matched(mentor, by=coordinator)
    youth = f.YouthFactory(programme=mentor.programme, status="matched")
    proposed = f.MatchFactory(youth=youth, state="proposed", mentors=[mentor])
    with pytest.raises(DomainError, match="once one of their matches has started"):
        mark_matched(mentor, by=coordinator)
    type(proposed).objects.filter(pk=proposed.pk).update(state="active", started_on=timezone.localdate())
    mark_matched(mentor, by=coordinator)
    assert mentor.status == S.MATCHED


def test_a_paused_mentor_resumes_as_ready_while_their_match_has_not_started(coordinator):
    mentor = applicant(S.READY)
    set_programme(mentor, pre_match_training_hours=Decimal("0"))
    f.MatchFactory(youth=f.YouthFactory(programme=mentor.programme), state="proposed", mentors=[mentor])
    pause_mentor(mentor, by=coordinator)
    resume_mentor(mentor, by=coordinator)
    assert mentor.status == S.READY
