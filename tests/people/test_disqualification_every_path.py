"""SCR-3 on every path: a disqualified mentor never comes back, through the Django admin, an import,
the domain functions or the database itself; and matching reads the facts of a disqualification,
not only the status field."""

import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from koppel.common.domain.errors import DomainError
from koppel.common.guards import REGISTRY, installed_guards
from koppel.matches.domain import adapter
from koppel.matches.domain.lifecycle import activate_match
from koppel.matches.domain.pair_check import check_pair
from koppel.matches.domain.pairs import propose_pair
from koppel.matches.domain.rounds import create_proposed_match
from koppel.matches.enums import MatchOrigin, MatchState
from koppel.matches.models import MatchMentor
from koppel.people.domain.disqualification import is_disqualified
from koppel.people.domain.imports import import_people, read_table
from koppel.people.domain.pipeline import disqualify_mentor, mark_ready_to_match
from koppel.people.domain.screening import record_self_disclosure
from koppel.people.enums import DisqualificationReason, MentorStatus, VogOutcome
from koppel.people.models import Mentor, SelfDisclosure
from tests import factories as f
from tests.factories.agreement import consented_match
from tests.factories.matching import TrainedMentorFactory, WaitingYouthFactory
from tests.factories.screening import ConductCertificateFactory

pytestmark = pytest.mark.django_db
S = MentorStatus


def _disqualified(cast):
    mentor = cast.other_mentor_row
    record_self_disclosure(
        mentor,
        by=cast.coordinator,
        values={"submitted_on": timezone.localdate(), "child_offence": True},
    )
    mentor.refresh_from_db()
    assert mentor.status == S.DISQUALIFIED
    return mentor


def _admin_form_data(page) -> dict:
    """What the admin's change form would send back unchanged."""
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            value = "on" if value else ""
        elif isinstance(value, list):
            value = value if name == "interests" else json.dumps(value)
        elif isinstance(value, dict):
            value = json.dumps(value)
        data[name] = value
    return data


# --- The Django admin -----------------------------------------------------------------------------


def test_the_admin_cannot_bring_a_disqualified_mentor_back__SCR_3(cast, client_for):
    mentor = _disqualified(cast)
    client = client_for(cast.admin)
    url = reverse("admin:people_mentor_change", args=[mentor.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "status" not in form.fields  # shown read-only
    assert "disqualification_reason" not in form.fields
    for frozen in ("first_name", "last_name", "date_of_birth", "email", "programme"):
        assert frozen not in form.fields  # found again if they apply anew
    data = _admin_form_data(page)
    data.update(
        {"status": S.APPROVED, "disqualification_reason": "", "first_name": "Anders", "phone": "0612345678"}
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    mentor.refresh_from_db()
    assert (mentor.phone, mentor.first_name) == ("0612345678", cast.other_mentor_row.first_name)
    assert (mentor.status, mentor.disqualification_reason) == (S.DISQUALIFIED, "child_offence")
    # And a coordinator can then not mark them ready, nor match them.
    with pytest.raises(DomainError, match="SCR-3"):
        mark_ready_to_match(mentor, by=cast.coordinator)


def test_the_admin_does_not_delete_a_disqualified_mentor__SCR_3(cast, client_for):
    mentor = _disqualified(cast)
    client = client_for(cast.admin)
    response = client.post(reverse("admin:people_mentor_delete", args=[mentor.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Mentor.objects.filter(pk=mentor.pk).exists()
    changelist = reverse("admin:people_mentor_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [mentor.pk], "post": "yes"})
    assert Mentor.objects.filter(pk=mentor.pk).exists()


@pytest.mark.parametrize(
    ("admin_url", "field"),
    [
        ("admin:people_mentor_change", "status"),
        ("admin:people_youth_change", "status"),
        ("admin:people_youth_change", "waiting_since"),
        ("admin:matches_match_change", "state"),
        ("admin:matches_match_change", "started_on"),
    ],
)
def test_status_fields_governed_by_a_transition_table_are_read_only_in_the_admin(
    cast, client_for, admin_url, field
):
    obj = {"people_mentor": cast.mentor_row, "people_youth": cast.youth_row, "matches_match": cast.match}[
        admin_url.split(":")[1].rsplit("_", 1)[0]
    ]
    page = client_for(cast.admin).get(reverse(admin_url, args=[obj.pk]))
    assert page.status_code == 200
    assert field not in page.context["adminform"].form.fields


def test_the_admin_adds_no_match_and_no_mentor_to_a_match__SCR_3(cast, client_for):
    client = client_for(cast.admin)
    assert client.get(reverse("admin:matches_match_add")).status_code == 403
    page = client.get(reverse("admin:matches_match_change", args=[cast.match.pk]))
    inline = page.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission
    assert not inline.has_change_permission


# --- The database ---------------------------------------------------------------------------------


def test_the_database_keeps_a_disqualification_final__SCR_3(cast):
    mentor = _disqualified(cast)
    for values in (
        {"status": S.APPROVED},  # the status alone: the check constraint
        {"status": S.READY, "disqualification_reason": ""},  # both: the trigger
        {"disqualification_reason": DisqualificationReason.VOG_REFUSED},  # another reason: the trigger
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Mentor.objects.filter(pk=mentor.pk).update(**values)
    mentor.refresh_from_db()
    assert (mentor.status, mentor.disqualification_reason) == (S.DISQUALIFIED, "child_offence")
    # Other fields of the row can still change.
    Mentor.objects.filter(pk=mentor.pk).update(phone="0612345678")


def test_the_database_refuses_a_reason_without_the_status__SCR_3(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MentorFactory(programme=cast.programme, status=S.READY, disqualification_reason="child_offence")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MentorFactory(programme=cast.programme, status=S.DISQUALIFIED, disqualification_reason="")


def test_the_database_puts_no_disqualified_mentor_in_a_match__SCR_3(cast):
    mentor = _disqualified(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchMentor.objects.create(match=cast.match, mentor=mentor)
    link = MatchMentor.objects.get(match=cast.match)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchMentor.objects.filter(pk=link.pk).update(mentor=mentor)


def test_every_guard_is_installed_in_the_database():
    names = {guard.name for guard in REGISTRY}
    assert names >= {
        "koppel_mentor_disqualification_final",
        "koppel_match_mentor_not_disqualified",
        "koppel_match_start_without_disqualified",
    }
    assert names <= installed_guards()


# --- An import ------------------------------------------------------------------------------------


def test_an_import_cannot_change_a_mentors_status__SCR_3(cast):
    mentor = _disqualified(cast)
    content = f"first_name,last_name,date_of_birth,email,status\nAn,B,1990-01-01,{mentor.email},approved\n"
    with pytest.raises(DomainError, match="unknown or repeated columns: status"):
        import_people(
            "mentor",
            cast.programme,
            read_table(content.encode(), "m.csv"),
            by=cast.coordinator,
            dry_run=False,
        )
    mentor.refresh_from_db()
    assert mentor.status == S.DISQUALIFIED


# --- Matching reads the facts, not only the status -----------------------------------------------


@pytest.fixture
def ready_with_a_fact(cast):
    """A mentor whose status says "ready" but whose record holds a disclosed offence involving
    children: a row written around the domain functions (the status field alone would let them in)."""
    youth = WaitingYouthFactory(programme=cast.programme, first_name="Amira")
    mentor = TrainedMentorFactory(programme=cast.programme, first_name="Xena")
    SelfDisclosure.objects.create(mentor=mentor, submitted_on=timezone.localdate(), child_offence=True)
    return youth, mentor


def test_matching_reads_the_disqualification_facts__SCR_3(cast, ready_with_a_fact):
    youth, mentor = ready_with_a_fact
    assert mentor.status == S.READY
    assert is_disqualified(mentor)
    assert mentor not in adapter.available_mentors(cast.programme)
    (profile,) = adapter.mentor_profiles(
        Mentor.objects.filter(pk=mentor.pk), cast.programme, today=timezone.localdate()
    )
    assert profile.disqualified
    check = check_pair(cast.programme, youth, [mentor])
    assert "SCR-3" in [p.rule for p in check.broken]
    with pytest.raises(DomainError, match="SCR-3"):
        propose_pair(cast.programme, youth, [mentor], by=cast.coordinator, origin=MatchOrigin.CLICK)
    with pytest.raises(DomainError, match="SCR-3"), transaction.atomic():
        create_proposed_match(cast.programme, youth, [mentor], by=cast.coordinator)


@pytest.mark.parametrize("fact", ["refused_vog", "pipeline_event"])
def test_each_fact_of_a_disqualification_counts__SCR_3(cast, fact):
    mentor = TrainedMentorFactory(programme=cast.programme)
    if fact == "refused_vog":
        ConductCertificateFactory(mentor=mentor, outcome=VogOutcome.REFUSED, issued_on=None)
    else:
        mentor.pipeline_events.create(from_status=S.IN_SCREENING, to_status=S.DISQUALIFIED)
    assert is_disqualified(mentor)
    assert mentor not in adapter.available_mentors(cast.programme)


def test_a_round_never_proposes_a_mentor_with_a_disqualification_fact__SCR_3(
    cast, ready_with_a_fact, django_capture_on_commit_callbacks
):
    from koppel.matches.domain.rounds import start_round

    _youth, mentor = ready_with_a_fact
    with django_capture_on_commit_callbacks(execute=True):
        match_round = start_round(cast.programme, by=cast.coordinator)
    match_round.refresh_from_db()
    assert mentor.pk not in (match_round.mentor_ids or [])
    assert not match_round.proposals.filter(mentors=mentor).exists()


def test_a_match_with_a_disqualification_fact_cannot_start__SCR_3(cast):
    match = consented_match(cast.programme)
    mentor = match.mentors.get()
    SelfDisclosure.objects.create(mentor=mentor, submitted_on=timezone.localdate(), child_offence=True)
    with pytest.raises(DomainError, match="SCR-3"):
        activate_match(match, by=cast.coordinator, started_on=timezone.localdate())
    match.refresh_from_db()
    assert match.state == MatchState.AGREED
    # The database holds the same rule, from the facts, for a write around the domain function.
    with pytest.raises(IntegrityError), transaction.atomic():
        type(match).objects.filter(pk=match.pk).update(
            state=MatchState.ACTIVE, started_on=timezone.localdate()
        )


def test_disqualifying_a_mentor_ends_their_open_matches_and_their_access__SCR_3(cast, client_for):
    agreed = consented_match(cast.programme, mentor=cast.mentor_row)
    mentor_portal = client_for(cast.mentor)
    youth_page = reverse("portal:youth_detail", args=[cast.youth_row.pk])
    assert mentor_portal.get(youth_page).status_code == 200
    disqualify_mentor(cast.mentor_row, by=cast.coordinator, reason=DisqualificationReason.CHILD_OFFENCE)
    agreed.refresh_from_db()
    cast.match.refresh_from_db()
    # Not started: cancelled, the youth back on the waiting list. Active: its closure starts today.
    assert (agreed.state, agreed.closure.reason) == (MatchState.CLOSED, "safety")
    assert agreed.youth.status == "waiting"
    assert (cast.match.state, cast.match.closure.reason) == (MatchState.CLOSING, "safety")
    assert cast.match.closure.ends_on == timezone.localdate()
    # The mentor sees none of the youth's pages any more.
    assert client_for(cast.mentor).get(youth_page).status_code in (403, 404)
    match_page = reverse("portal:match_detail", args=[cast.match.pk])
    assert client_for(cast.mentor).get(match_page).status_code in (403, 404)


def test_a_disqualified_person_does_not_come_back_as_a_new_applicant__SCR_3(cast):
    from koppel.people.domain.pipeline import approve_mentor
    from tests.factories.screening import ClearedDisclosureFactory, InterviewFactory, ReferenceFactory

    earlier = _disqualified(cast)
    for kwargs in (
        {"email": earlier.email.upper(), "first_name": "Iemand", "programme": cast.other_programme},
        {"email": "ander@example.org", "first_name": f" {earlier.first_name.lower()} "},
    ):
        again = f.MentorFactory(
            status=S.IN_SCREENING,
            last_name=earlier.last_name,
            date_of_birth=earlier.date_of_birth,
            **{"programme": cast.programme, **kwargs},
        )
        InterviewFactory(mentor=again)
        ReferenceFactory.create_batch(2, mentor=again)
        ConductCertificateFactory(mentor=again)
        ClearedDisclosureFactory(mentor=again)
        with pytest.raises(DomainError, match="No disqualified mentor in the organisation"):
            approve_mentor(again, by=cast.coordinator)


def test_resuming_or_releasing_a_mentor_reads_the_facts__SCR_3(cast):
    from koppel.people.domain.pipeline import pause_mentor, release_after_match, resume_mentor

    paused = TrainedMentorFactory(programme=cast.programme)
    pause_mentor(paused, by=cast.coordinator, reason="Vakantie")
    SelfDisclosure.objects.create(mentor=paused, submitted_on=timezone.localdate(), child_offence=True)
    with pytest.raises(DomainError, match="SCR-3"):
        resume_mentor(paused, by=cast.coordinator)
    matched = TrainedMentorFactory(programme=cast.programme, status=S.MATCHED)
    ConductCertificateFactory(mentor=matched, outcome=VogOutcome.REFUSED, issued_on=None)
    with pytest.raises(DomainError, match="SCR-3"):
        release_after_match(matched, by=cast.coordinator)


def test_a_conviction_disclosed_after_approval_keeps_the_mentor_out_of_matching__SCR_3(cast):
    from koppel.people.domain.pipeline import mark_ready_to_match
    from koppel.people.domain.screening import review_disclosure

    mentor = TrainedMentorFactory(programme=cast.programme, status=S.APPROVED)
    disclosure = record_self_disclosure(
        mentor, by=cast.coordinator, values={"submitted_on": timezone.localdate(), "other_conviction": True}
    )
    with pytest.raises(DomainError, match="SCR-3: a conviction"):
        mark_ready_to_match(mentor, by=cast.coordinator)
    review_disclosure(disclosure, by=cast.coordinator, decision="rejected", notes="Fraude")
    with pytest.raises(DomainError, match="SCR-3: a conviction"):
        mark_ready_to_match(mentor, by=cast.coordinator)
    ready = TrainedMentorFactory(programme=cast.programme)
    record_self_disclosure(
        ready, by=cast.coordinator, values={"submitted_on": timezone.localdate(), "other_conviction": True}
    )
    youth = WaitingYouthFactory(programme=cast.programme)
    assert ready not in adapter.available_mentors(cast.programme)
    assert check_pair(cast.programme, youth, [ready]).broken
    with pytest.raises(DomainError, match="SCR-3: a conviction"), transaction.atomic():
        create_proposed_match(cast.programme, youth, [ready], by=cast.coordinator)


def test_the_database_keeps_a_disqualified_mentors_row__SCR_3(cast):
    mentor = _disqualified(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentor.objects.filter(pk=mentor.pk).delete()
    assert Mentor.objects.filter(pk=mentor.pk).exists()


def test_the_database_moves_no_disqualified_mentors_link_into_a_match__SCR_3(cast):
    youth = f.YouthFactory(programme=cast.programme)
    old = f.MatchFactory(youth=youth, state=MatchState.CLOSED, mentors=[cast.other_mentor_row])
    _disqualified(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchMentor.objects.filter(match=old).update(match=cast.match)


def test_what_identifies_a_disqualified_mentor_stays_as_recorded__SCR_3(cast):
    from koppel.people.domain.people import update_person

    mentor = _disqualified(cast)
    with pytest.raises(DomainError, match="SCR-3: the name, date of birth"):
        update_person(
            mentor,
            by=cast.coordinator,
            values={"email": "nieuw@example.org"},
            expected_version=mentor.version,
        )
    update_person(
        mentor, by=cast.coordinator, values={"phone": "0687654321"}, expected_version=mentor.version
    )
    for values in ({"last_name": "Anders"}, {"email": "x@example.org"}, {"programme": cast.other_programme}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Mentor.objects.filter(pk=mentor.pk).update(**values)
    content = (
        "first_name,last_name,date_of_birth,email\n"
        f"Anders,{mentor.last_name},{mentor.date_of_birth.isoformat()},{mentor.email}\n"
    )
    report = import_people(
        "mentor", cast.programme, read_table(content.encode(), "m.csv"), by=cast.coordinator, dry_run=False
    )
    assert not report.ok
    mentor.refresh_from_db()
    assert mentor.first_name != "Anders"


def test_a_disqualified_mentor_hears_nothing_more_about_a_youth__SCR_3(cast, client):
    from django.core import mail
    from django.core.management import call_command

    from koppel.common.domain.reminders import propose_reminders
    from koppel.people.domain.calendar import calendar_feed_token as feed_token
    from koppel.surveys.models import Assignment
    from tests.factories.survey import AssignmentFactory

    # A name of the youth's own, so the check below cannot meet the mentor's (factory) name.
    type(cast.youth_row).objects.filter(pk=cast.youth_row.pk).update(first_name="Zeynep")
    cast.youth_row.refresh_from_db()
    survey = AssignmentFactory(
        match=cast.match, youth=cast.youth_row, respondent="mentor", mentor=cast.mentor_row
    )
    feed = reverse("feeds:calendar", args=[feed_token(cast.mentor_row)])
    assert client.get(feed).status_code == 200
    disqualify_mentor(cast.mentor_row, by=cast.coordinator, reason=DisqualificationReason.CHILD_OFFENCE)
    survey.refresh_from_db()
    assert survey.status == "cancelled"
    assert client.get(feed).status_code == 404
    call_command("send_reminders", "--inline", "--no-propose", "--no-plan", verbosity=0)
    # The one mail they get is about their application, and names no youth.
    (status_mail,) = mail.outbox
    assert cast.youth_row.first_name not in status_mail.body
    mail.outbox.clear()
    propose_reminders(today=timezone.localdate())
    call_command("send_reminders", "--inline", "--no-propose", verbosity=0)
    assert not [m for m in mail.outbox if cast.mentor_row.email in m.to]
    assert Assignment.objects.filter(mentor=cast.mentor_row, status="open").count() == 0


def test_mail_to_the_mentor_still_in_the_outbox_is_dropped_at_the_disqualification__SCR_3(cast):
    """A reminder or a link queued before (the mail server down) is not delivered after it."""
    from koppel.common.domain.mail import queue_rendered_mail
    from koppel.common.models import OutgoingMail

    mentor = cast.mentor_row
    queue_rendered_mail(mentor.email.upper(), language="nl", subject="s", body="b", log_ref="reminder 1")
    other = queue_rendered_mail("someone-else@example.org", language="nl", subject="s", body="b", log_ref="x")
    disqualify_mentor(mentor, by=cast.coordinator, reason=DisqualificationReason.VOG_REFUSED)
    waiting = OutgoingMail.objects.filter(status="queued")
    assert not waiting.filter(log_ref="reminder 1").exists()
    assert waiting.filter(pk=other.pk).exists()
    # The mail about the disqualification itself (which never states the reason) still goes.
    assert waiting.filter(to__iexact=mentor.email).count() == 1
