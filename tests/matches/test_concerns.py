"""Concerns: raised from each portal role or by staff, reaching the programme's coordinators at once
(worklist and an e-mail without the text), taken up and closed with a recorded outcome."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koppel.common.domain.errors import DomainError
from koppel.common.models import AccessLog, ActivityLog
from koppel.matches.domain.concerns import (
    close_concern,
    raise_concern,
    raise_portal_concern,
    take_up_concern,
)
from koppel.matches.enums import ConcernStatus
from koppel.matches.models import Concern
from koppel.policy import concerns_visible_to
from koppel.staff.views.worklist import _section
from koppel.staff.worklist.concerns import SECTIONS, concern_note
from tests import factories as f
from tests.factories.concern import ClosedConcernFactory, ConcernFactory

SECRET = "Hij stuurt haar 's nachts berichten en ze durft het niet te zeggen."

pytestmark = pytest.mark.django_db


# --- Raising --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "party"), [("mentor", "mentor"), ("youth", "youth"), ("guardian", "guardian")]
)
def test_each_portal_role_raises_a_concern_about_their_match(cast, role, party):
    concern = raise_portal_concern(getattr(cast, role), text=SECRET, match=cast.match)
    concern.refresh_from_db()
    assert concern.programme == cast.programme
    assert concern.match == cast.match
    assert concern.raised_as == party
    assert concern.raised_by == getattr(cast, role)
    assert concern.status == ConcernStatus.OPEN


def test_a_mentor_without_a_match_raises_a_general_concern_in_their_programme(cast):
    concern = raise_portal_concern(cast.other_mentor, text=SECRET, programme=cast.programme)
    assert (concern.programme, concern.match, concern.raised_as) == (cast.programme, None, "mentor")


def test_a_mentor_cannot_raise_a_concern_about_a_match_that_is_not_theirs(cast):
    with pytest.raises(DomainError, match="your own match"):
        raise_portal_concern(cast.other_mentor, text=SECRET, match=cast.match)
    with pytest.raises(DomainError, match="one of your programmes"):
        raise_portal_concern(cast.mentor, text=SECRET, programme=cast.other_programme)
    assert not Concern.objects.exists()


def test_a_concern_needs_text(cast):
    with pytest.raises(DomainError, match="Describe the concern"):
        raise_concern(cast.programme, by=cast.coordinator, raised_as="staff", text="   ")


def test_raising_is_audited_without_the_text(cast):
    concern = raise_concern(cast.programme, by=cast.youth, raised_as="youth", text=SECRET, match=cast.match)
    entry = ActivityLog.objects.get(action="matches.concern.raised", object_id=concern.pk)
    assert entry.actor == cast.youth
    assert entry.data == {"raised_as": "youth", "match_id": cast.match.pk}
    assert SECRET not in str(entry.data) and SECRET not in str(entry.fields)


# --- The e-mail to the coordinators ---------------------------------------------------------------


def test_every_coordinator_of_the_programme_gets_a_mail_without_the_text(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    second = f.CoordinatorFactory(
        programme=cast.programme, user__email="tweede@example.org", user__language="nl"
    )
    cast.coordinator.language = "en"
    cast.coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_portal_concern(cast.guardian, text=SECRET, match=cast.match)
    assert sorted(m.to[0] for m in mailoutbox) == ["coordinator@example.org", "tweede@example.org"]
    link = reverse("staff:concern_detail", args=[concern.pk])
    for mail in mailoutbox:
        assert SECRET not in mail.body and SECRET not in mail.subject
        assert cast.youth_row.last_name not in mail.body  # no names either
        assert "Maatjes Zuid" in mail.body
        assert link in mail.body
    english = next(m for m in mailoutbox if m.to == ["coordinator@example.org"])
    assert english.subject == "A new concern in Koppel"
    assert "A new concern was raised in Maatjes Zuid" in english.body
    assert second.user.email in {m.to[0] for m in mailoutbox}


def test_no_mail_before_the_concern_is_saved(cast, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        raise_portal_concern(cast.mentor, text=SECRET, match=cast.match)
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_a_failing_mail_server_loses_no_concern(cast, settings, django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": "tests.common.test_outbox.BrokenMailServer"}}
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_portal_concern(cast.youth, text=SECRET, match=cast.match)
    assert Concern.objects.get(pk=concern.pk).text == SECRET
    assert [c.pk for c in SECTIONS[0].rows(cast.coordinator)] == [concern.pk]


def test_the_portal_page_survives_a_failing_mail_server(cast, client_for, settings):
    client = client_for(cast.guardian)
    settings.MAILERS = {"default": {"BACKEND": "tests.common.test_outbox.BrokenMailServer"}}
    response = client.post(reverse("portal:concern_raise"), {"match": cast.match.pk, "text": SECRET})
    assert response.status_code == 302
    assert Concern.objects.get().raised_as == "guardian"


# --- Handling and closing -------------------------------------------------------------------------


def test_take_up_then_close_with_outcome(cast):
    concern = ConcernFactory(programme=cast.programme, match=cast.match)
    take_up_concern(concern, by=cast.coordinator)
    concern.refresh_from_db()
    assert (concern.status, concern.handled_by) == (ConcernStatus.HANDLING, cast.coordinator)
    with pytest.raises(DomainError, match="Only an open concern"):
        take_up_concern(concern, by=cast.coordinator)
    close_concern(concern, by=cast.admin, outcome="Besproken met de ouder.")
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED
    assert concern.outcome == "Besproken met de ouder."
    assert concern.closed_at is not None
    assert concern.handled_by == cast.coordinator  # who took it up stays recorded
    with pytest.raises(DomainError, match="closed already"):
        close_concern(concern, by=cast.admin, outcome="Nog eens.")
    actions = list(
        ActivityLog.objects.filter(object_id=concern.pk, action__startswith="matches.concern.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["matches.concern.closed", "matches.concern.taken_up"]
    closed = ActivityLog.objects.get(object_id=concern.pk, action="matches.concern.closed")
    assert "Besproken" not in str(closed.data)


def test_closing_requires_an_outcome(cast):
    concern = ConcernFactory(programme=cast.programme)
    with pytest.raises(DomainError, match="Record the outcome"):
        close_concern(concern, by=cast.coordinator, outcome="  ")
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN


def test_the_database_refuses_a_closed_concern_without_outcome(cast):
    concern = ConcernFactory(programme=cast.programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).update(status=ConcernStatus.CLOSED, outcome="")


# --- Staff pages ----------------------------------------------------------------------------------


def test_reading_a_concern_is_in_the_access_log(cast, client_for):
    concern = ConcernFactory(programme=cast.programme, text=SECRET)
    response = client_for(cast.coordinator).get(reverse("staff:concern_detail", args=[concern.pk]))
    assert response.status_code == 200
    assert "komt steeds later" not in response.text  # the factory's text was replaced
    assert "berichten" in response.text
    log = AccessLog.objects.get(object_id=concern.pk, page="staff:concern_detail")
    assert log.viewer == cast.coordinator


def test_another_programmes_coordinator_gets_404_and_no_access_log(cast, client_for):
    concern = ConcernFactory(programme=cast.programme)
    client = client_for(cast.other_coordinator)
    for name in ("staff:concern_detail",):
        assert client.get(reverse(name, args=[concern.pk])).status_code == 404
    assert client.post(reverse("staff:concern_take_up", args=[concern.pk])).status_code == 404
    assert client.post(reverse("staff:concern_close", args=[concern.pk]), {"outcome": "x"}).status_code == 404
    assert not AccessLog.objects.filter(object_id=concern.pk, page="staff:concern_detail").exists()
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN
    assert list(concerns_visible_to(cast.other_coordinator)) == []


def test_close_form_without_outcome_shows_the_error_and_keeps_it_open(cast, client_for):
    concern = ConcernFactory(programme=cast.programme)
    client = client_for(cast.coordinator)
    response = client.post(reverse("staff:concern_close", args=[concern.pk]), {"outcome": ""})
    assert response.status_code == 200
    assert response.context["close_form"].errors["outcome"]
    response = client.post(reverse("staff:concern_close", args=[concern.pk]), {"outcome": "Opgelost."})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.outcome) == (ConcernStatus.CLOSED, "Opgelost.")


def test_take_up_through_the_page(cast, client_for):
    concern = ConcernFactory(programme=cast.programme)
    response = client_for(cast.coordinator).post(reverse("staff:concern_take_up", args=[concern.pk]))
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.HANDLING


def _listed(client, query=""):
    response = client.get(reverse("staff:concern_list") + query)
    assert response.status_code == 200
    return [c.pk for c in response.context["page"]]


def test_list_shows_open_first_and_filters_by_status_programme_and_match(cast, client_for):
    now = timezone.now()
    closed = ClosedConcernFactory(programme=cast.programme)
    handling = ConcernFactory(programme=cast.programme, status=ConcernStatus.HANDLING, match=cast.match)
    old_open = ConcernFactory(programme=cast.programme)
    new_open = ConcernFactory(programme=cast.programme, match=cast.match)
    other = ConcernFactory(programme=cast.other_programme)
    for concern, days in ((closed, 1), (handling, 2), (old_open, 5), (new_open, 3), (other, 1)):
        Concern.objects.filter(pk=concern.pk).update(created_at=now - timedelta(days=days))
    admin = client_for(cast.admin)
    assert _listed(admin) == [other.pk, new_open.pk, old_open.pk, handling.pk, closed.pk]
    coordinator = client_for(cast.coordinator)
    assert _listed(coordinator) == [new_open.pk, old_open.pk, handling.pk, closed.pk]
    assert _listed(coordinator, "?status=handling") == [handling.pk]
    assert _listed(coordinator, f"?match={cast.match.pk}") == [new_open.pk, handling.pk]
    assert _listed(admin, f"?programme={cast.other_programme.pk}") == [other.pk]
    # Another programme's concerns never show, whatever the filter says.
    assert _listed(coordinator, f"?programme={cast.other_programme.pk}") == [
        new_open.pk,
        old_open.pk,
        handling.pk,
        closed.pk,
    ]
    assert _listed(client_for(cast.other_coordinator), f"?match={cast.match.pk}") == []


def test_list_has_no_concern_text(cast, client_for):
    ConcernFactory(programme=cast.programme, text=SECRET, match=cast.match)
    assert "berichten" not in client_for(cast.coordinator).get(reverse("staff:concern_list")).text


def _queries_for_list(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("staff:concern_list")).status_code == 200
    return len(ctx.captured_queries)


def test_list_runs_a_constant_number_of_queries(cast, client_for):
    client = client_for(cast.coordinator)
    ConcernFactory(programme=cast.programme, match=cast.match, handled_by=cast.coordinator)
    one = _queries_for_list(client)
    for i in range(19):
        match = f.MatchFactory(youth=f.YouthFactory(programme=cast.programme))
        ConcernFactory(programme=cast.programme, match=match if i % 2 else None, handled_by=cast.admin)
    assert _queries_for_list(client) == one


def test_staff_records_a_concern(cast, client_for, mailoutbox, django_capture_on_commit_callbacks):
    client = client_for(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:concern_create"),
            {"programme": cast.programme.pk, "match": cast.match.pk, "text": SECRET},
        )
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert (concern.raised_as, concern.match, concern.raised_by) == ("staff", cast.match, cast.coordinator)
    assert [m.to for m in mailoutbox] == [["coordinator@example.org"]]


def test_staff_cannot_record_a_concern_in_another_programme(cast, client_for):
    response = client_for(cast.coordinator).post(
        reverse("staff:concern_create"), {"programme": cast.other_programme.pk, "text": SECRET}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["programme"]
    assert not Concern.objects.exists()


# --- Portal pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "party"), [("mentor", "mentor"), ("youth", "youth"), ("guardian", "guardian")]
)
def test_raise_from_the_portal_with_the_match_preselected(cast, client_for, role, party):
    client = client_for(getattr(cast, role))
    url = reverse("portal:concern_raise") + f"?match={cast.match.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["match"].value() == cast.match.pk
    response = client.post(url, {"match": cast.match.pk, "text": SECRET}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:concerns")
    concern = Concern.objects.get()
    assert (concern.match, concern.raised_as) == (cast.match, party)
    assert len(list(response.context["messages"])) == 1  # the confirmation


def test_portal_404_when_preselecting_someone_elses_match(cast, client_for):
    url = reverse("portal:concern_raise") + f"?match={cast.match.pk}"
    assert client_for(cast.other_mentor).get(url).status_code == 404


def test_portal_form_refuses_a_match_that_is_not_theirs(cast, client_for):
    other_match = f.MatchFactory(
        youth=f.YouthFactory(programme=cast.programme), mentors=[cast.other_mentor_row]
    )
    response = client_for(cast.mentor).post(
        reverse("portal:concern_raise"), {"match": other_match.pk, "text": SECRET}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["match"]
    assert not Concern.objects.exists()


def test_the_raiser_sees_the_status_but_never_the_outcome(cast, client_for):
    mine = ClosedConcernFactory(
        programme=cast.programme, raised_by=cast.guardian, outcome="Melding Veilig Thuis"
    )
    ConcernFactory(programme=cast.programme, raised_by=cast.mentor)
    response = client_for(cast.guardian).get(reverse("portal:concerns"))
    assert [c.pk for c in response.context["concerns"]] == [mine.pk]
    assert "Veilig Thuis" not in response.text
    assert mine.get_status_display() in response.text


# --- Worklist -------------------------------------------------------------------------------------


def test_worklist_shows_open_and_handled_concerns_first_with_who_and_when(cast):
    two_days_ago = timezone.now() - timedelta(days=2)
    by_parent = ConcernFactory(programme=cast.programme, raised_as="guardian", match=cast.match)
    handled = ConcernFactory(programme=cast.programme, raised_as="mentor", status=ConcernStatus.HANDLING)
    ClosedConcernFactory(programme=cast.programme)
    ConcernFactory(programme=cast.other_programme)
    Concern.objects.filter(pk=by_parent.pk).update(created_at=two_days_ago)
    by_parent.refresh_from_db()
    assert concern_note(by_parent) == "raised 2 days ago by a parent"
    assert concern_note(handled) == "raised today by a mentor; being handled"
    section = _section(SECTIONS[0], cast.coordinator)
    assert section.count == 2
    assert [i.url for i in section.items] == [
        reverse("staff:concern_detail", args=[by_parent.pk]),
        reverse("staff:concern_detail", args=[handled.pk]),
    ]
    assert section.items[0].name == f"Concern about the match of {cast.youth_row.full_name}"
    assert section.items[1].programme == "Maatjes Zuid"


def test_worklist_section_runs_two_queries_whatever_its_length(cast, django_assert_num_queries):
    from koppel.policy import roles_of

    for _ in range(12):
        ConcernFactory(
            programme=cast.programme, match=f.MatchFactory(youth=f.YouthFactory(programme=cast.programme))
        )
    roles_of(cast.coordinator)
    with django_assert_num_queries(2):
        section = _section(SECTIONS[0], cast.coordinator)
    assert section.count == 12 and len(section.items) == 10
