"""The staff pages of the support schedule (SUP-1, SUP-2): the match's support page and its log form,
the worklist sections, and the caseload's next contact and on-time count. Constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from koppel.matches.domain.support import add_months, planned_contacts
from koppel.matches.models import Match, SupportContact
from tests.factories import MentorFactory, YouthFactory
from tests.factories.support import SupportContactFactory, started_match

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **EN).status_code == 200
    return len(ctx.captured_queries)


def _day(value) -> str:
    """A day as the worklist writes it: its year only when that is not this year."""
    with translation.override("en"):
        return date_format(value, "j F" if value.year == timezone.localdate().year else "j F Y")


def _caseload_match(cast, *, days_ago: int):
    youth = YouthFactory(programme=cast.programme, coordinator=cast.coordinator)
    return started_match(
        timezone.localdate() - timedelta(days=days_ago), programme=cast.programme, youth=youth
    )


# --- The match's support page -------------------------------------------------------------------------


def test_support_page_shows_the_schedule_and_the_log__SUP_1(cast, client_for):
    started = cast.match.started_on
    one_year = add_months(started, 12)
    SupportContactFactory(match=cast.match, held_on=one_year, notes="Samen gekookt.", topics=["safety"])
    page = client_for(cast.coordinator).get(reverse("staff:match_support", args=[cast.match.pk]), **EN)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Samen gekookt." in text
    assert "Safety" in text
    # Mentor: 15 planned so far (6 + 9), the one-year contact on time; guardians: none logged.
    assert "1 of 15 on time, 0 late, 14 missed." in text
    assert "0 of 15 on time, 0 late, 14 missed." in text  # the last one is still due
    assert date_format(add_months(started, 15), "SHORT_DATE_FORMAT") in text  # next mentor contact


def test_log_a_contact_from_the_support_page__SUP_2(cast, client_for):
    today = timezone.localdate()
    response = client_for(cast.coordinator).post(
        reverse("staff:match_support_add", args=[cast.match.pk]),
        {
            "held_on": today.isoformat(),
            "with_whom": "mentor",
            "channel": "visit",
            "topics": ["attention", "impact"],
            "notes": "Goed gesprek.",
            "follow_up": "Vragen naar school",
            "follow_up_on": (today + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:match_support", args=[cast.match.pk])
    contact = SupportContact.objects.get(match=cast.match)
    # With one mentor, the form fills in which one.
    assert (contact.mentor, contact.channel, contact.topics) == (
        cast.mentor_row,
        "visit",
        ["attention", "impact"],
    )
    assert contact.by == cast.coordinator


def test_a_refused_contact_re_renders_with_what_was_typed__SUP_2(cast, client_for):
    future = timezone.localdate() + timedelta(days=3)
    response = client_for(cast.coordinator).post(
        reverse("staff:match_support_add", args=[cast.match.pk]),
        {
            "held_on": future.isoformat(),
            "with_whom": "mentor",
            "channel": "phone",
            "notes": "Nog niet gebeurd",
        },
        **EN,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Log a support contact once it has taken place." in text
    assert "Nog niet gebeurd" in text
    assert not SupportContact.objects.exists()


def test_another_programmes_coordinator_cannot_log_a_contact__SUP_2(cast, client_for):
    response = client_for(cast.other_coordinator).post(
        reverse("staff:match_support_add", args=[cast.match.pk]),
        {"held_on": timezone.localdate().isoformat(), "with_whom": "mentor", "channel": "phone"},
    )
    assert response.status_code == 404
    assert not SupportContact.objects.exists()


def test_support_page_runs_constant_queries__SUP_1(cast, client_for):
    client = client_for(cast.coordinator)
    url = reverse("staff:match_support", args=[cast.match.pk])
    SupportContactFactory(match=cast.match, held_on=timezone.localdate(), mentor=cast.mentor_row)
    one = _count_queries(client, url)
    for days in range(1, 12):
        SupportContactFactory(
            match=cast.match, held_on=timezone.localdate() - timedelta(days=days * 20), mentor=cast.mentor_row
        )
        SupportContactFactory(
            match=cast.match,
            held_on=timezone.localdate() - timedelta(days=days * 20),
            with_whom="guardian",
            guardian=cast.guardian_row,
        )
    assert _count_queries(client, url) == one


# --- The worklist -------------------------------------------------------------------------------------


def test_worklist_shows_overdue_support_contacts__SUP_1(cast, client_for):
    match = _caseload_match(cast, days_ago=20)
    first = planned_contacts(match, with_whom="mentor", until=timezone.localdate())[0]
    # The guardians were contacted: only the mentor's contact is overdue.
    SupportContactFactory(match=match, held_on=first, with_whom="guardian")
    # On schedule (a contact today with both) and paused matches are not listed.
    fine = _caseload_match(cast, days_ago=20)
    SupportContactFactory(match=fine, held_on=timezone.localdate(), with_whom="mentor")
    SupportContactFactory(match=fine, held_on=timezone.localdate(), with_whom="guardian")
    _caseload_match(cast, days_ago=20).__class__.objects.filter(pk=fine.pk)
    paused = _caseload_match(cast, days_ago=20)
    Match.objects.filter(pk=paused.pk).update(
        paused_since=timezone.localdate() - timedelta(days=19), pause_reason="Ziek"
    )

    text = client_for(cast.coordinator).get(reverse("staff:worklist"), **EN).content.decode()
    assert "Support contacts due" in text
    assert f"mentor contact due since {_day(first)}" in text
    assert reverse("staff:match_support", args=[match.pk]) in text
    assert reverse("staff:match_support", args=[fine.pk]) not in text
    assert reverse("staff:match_support", args=[paused.pk]) not in text

    other = client_for(cast.other_coordinator).get(reverse("staff:worklist"), **EN).content.decode()
    assert reverse("staff:match_support", args=[match.pk]) not in other


def test_worklist_due_since_a_day_of_another_year_shows_its_year__SUP_1(cast, client_for):
    # "nodig sinds 18 december" for 18-12-2025 when today is 7-12-2026: the year was left out.
    match = _caseload_match(cast, days_ago=400)
    first = planned_contacts(match, with_whom="mentor", until=timezone.localdate())[0]
    assert first.year < timezone.localdate().year
    text = client_for(cast.coordinator).get(reverse("staff:worklist"), **EN).content.decode()
    with translation.override("en"):
        expected = f"mentor contact due since {date_format(first, 'j F Y')} ("
    assert expected in text
    assert "ago)" in text.split(expected, 1)[1].split("<", 1)[0]


def test_worklist_shows_follow_ups_due__SUP_1(cast, client_for):
    SupportContactFactory(
        match=cast.match,
        held_on=timezone.localdate() - timedelta(days=7),
        follow_up="Navragen bij school",
        follow_up_on=timezone.localdate(),
    )
    text = client_for(cast.coordinator).get(reverse("staff:worklist"), **EN).content.decode()
    assert "Follow-ups due" in text
    assert f"Navragen bij school, due on {_day(timezone.localdate())}" in text


def test_worklist_support_sections_run_constant_queries__SUP_1(cast, client_for):
    client = client_for(cast.coordinator)
    url = reverse("staff:worklist")
    one = _count_queries(client, url)
    for _i in range(4):
        match = _caseload_match(cast, days_ago=40)
        SupportContactFactory(
            match=match,
            held_on=timezone.localdate() - timedelta(days=30),
            follow_up="Bellen",
            follow_up_on=timezone.localdate(),
        )
    assert _count_queries(client, url) == one


# --- The caseload -------------------------------------------------------------------------------------


def test_caseload_shows_next_contact_and_on_time_count__SUP_1(cast, client_for):
    started = cast.match.started_on
    SupportContactFactory(match=cast.match, held_on=add_months(started, 12), with_whom="mentor")
    guardian_first = planned_contacts(cast.match, with_whom="guardian", until=timezone.localdate())[0]
    text = client_for(cast.coordinator).get(reverse("staff:caseload"), **EN).content.decode()
    # 15 planned with the mentor and 15 with the guardians so far; one on time.
    assert "1 of 30 on time" in text
    from koppel.common.formatting import day_and_ago

    with translation.override("en"):
        since = day_and_ago(guardian_first)
    assert f"Parent or guardian: due since {since}" in text
    assert reverse("staff:match_support", args=[cast.match.pk]) in text


def test_caseload_runs_constant_queries__SUP_1(cast, client_for):
    client = client_for(cast.coordinator)
    url = reverse("staff:caseload")
    one = _count_queries(client, url)
    for days in (30, 90, 200):
        match = _caseload_match(cast, days_ago=days)
        SupportContactFactory(match=match, held_on=timezone.localdate() - timedelta(days=10))
        MentorFactory(programme=cast.programme, coordinator=cast.coordinator)
    assert _count_queries(client, url) == one
