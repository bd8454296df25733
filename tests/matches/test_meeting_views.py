"""Meeting pages (REL-1, REL-5) in the portal and for staff, the holidays page (REL-4) and the
worklist section "No meeting logged"."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koppel.matches.enums import MatchState
from koppel.matches.models import HolidayPeriod, MeetingLog
from tests.factories import MatchFactory, MentorFactory, YouthFactory
from tests.factories.meeting import HolidayPeriodFactory, MeetingLogFactory

pytestmark = pytest.mark.django_db

NOTE = "Samen naar de bibliotheek, ging over de ruzie thuis"


def today():
    return timezone.localdate()


def _post(**changes):
    return {
        "held_on": (today() - timedelta(days=1)).isoformat(),
        "duration": "90",
        "duration_other": "",
        "activity": "learning",
        "place": "community_centre",
        "how_it_went": "ok",
        "note": "Huiswerk gemaakt",
        **changes,
    }


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


# --- The portal: logging ---------------------------------------------------------------------------


def test_mentor_logs_a_meeting_with_a_quick_duration__REL_1(cast, client_for):
    response = client_for(cast.mentor).post(reverse("portal:meeting_log", args=[cast.match.pk]), _post())
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:match_meetings", args=[cast.match.pk])
    meeting = MeetingLog.objects.get()
    assert (meeting.mentor, meeting.duration_minutes, meeting.activity, meeting.how_it_went) == (
        cast.mentor_row,
        90,
        "learning",
        "ok",
    )


def test_mentor_logs_another_duration(cast, client_for):
    client = client_for(cast.mentor)
    client.post(
        reverse("portal:meeting_log", args=[cast.match.pk]), _post(duration="other", duration_other="45")
    )
    assert MeetingLog.objects.get().duration_minutes == 45


def test_other_duration_without_minutes_re_renders_with_the_data(cast, client_for):
    response = client_for(cast.mentor).post(
        reverse("portal:meeting_log", args=[cast.match.pk]),
        _post(duration="other", note="Heel fijn"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Say how many minutes the meeting took." in response.text
    assert "Heel fijn" in response.text
    assert not MeetingLog.objects.exists()


def test_the_log_form_defaults_to_today(cast, client_for):
    response = client_for(cast.mentor).get(reverse("portal:meeting_log", args=[cast.match.pk]))
    assert f'value="{today().isoformat()}"' in response.text
    assert 'type="radio"' in response.text


def test_log_in_the_future_is_refused_on_the_page(cast, client_for):
    response = client_for(cast.mentor).post(
        reverse("portal:meeting_log", args=[cast.match.pk]),
        _post(held_on=(today() + timedelta(days=1)).isoformat()),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "this date is in the future" in response.text
    assert not MeetingLog.objects.exists()


def test_log_before_the_start_is_refused_on_the_page(cast, client_for):
    response = client_for(cast.mentor).post(
        reverse("portal:meeting_log", args=[cast.match.pk]),
        _post(held_on=(cast.match.started_on - timedelta(days=1)).isoformat()),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "This date is before the match started." in response.text
    assert not MeetingLog.objects.exists()


def test_mentor_of_another_match_gets_404(cast, client_for):
    meeting = MeetingLogFactory(match=cast.match)
    client = client_for(cast.other_mentor)
    assert client.get(reverse("portal:match_meetings", args=[cast.match.pk])).status_code == 404
    assert client.post(reverse("portal:meeting_log", args=[cast.match.pk]), _post()).status_code == 404
    assert client.post(reverse("portal:meeting_confirm", args=[meeting.pk])).status_code == 404
    assert MeetingLog.objects.count() == 1


def test_youth_and_guardian_cannot_log_a_meeting(cast, client_for):
    for user in (cast.youth, cast.guardian):
        response = client_for(user).post(reverse("portal:meeting_log", args=[cast.match.pk]), _post())
        assert response.status_code == 403
    assert not MeetingLog.objects.exists()


# --- The portal: the list, notes and confirming ----------------------------------------------------


def test_guardian_never_sees_meeting_notes_unless_the_programme_allows_it(cast, client_for):
    MeetingLogFactory(match=cast.match, note=NOTE)
    url = reverse("portal:match_meetings", args=[cast.match.pk])
    guardian_page = client_for(cast.guardian).get(url).text
    assert NOTE not in guardian_page
    assert "60 min" in guardian_page  # the meeting itself is there
    assert NOTE in client_for(cast.mentor).get(url).text
    assert NOTE in client_for(cast.youth).get(url).text
    cast.programme.settings.guardians_see_meeting_notes = True
    cast.programme.settings.save()
    assert NOTE in client_for(cast.guardian).get(url).text


def test_youth_confirms_a_meeting_from_the_list(cast, client_for):
    meeting = MeetingLogFactory(match=cast.match)
    client = client_for(cast.youth)
    confirm_url = reverse("portal:meeting_confirm", args=[meeting.pk])
    assert confirm_url in client.get(reverse("portal:match_meetings", args=[cast.match.pk])).text
    response = client.post(confirm_url)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.confirmed_by_youth_at is not None
    assert confirm_url not in client.get(reverse("portal:match_meetings", args=[cast.match.pk])).text


def test_only_the_youth_gets_the_confirm_button(cast, client_for):
    meeting = MeetingLogFactory(match=cast.match)
    confirm_url = reverse("portal:meeting_confirm", args=[meeting.pk])
    url = reverse("portal:match_meetings", args=[cast.match.pk])
    for user in (cast.mentor, cast.guardian):
        assert confirm_url not in client_for(user).get(url).text
        assert client_for(user).post(confirm_url).status_code == 403
    meeting.refresh_from_db()
    assert meeting.confirmed_by_youth_at is None


def test_confirm_is_post_only(cast, client_for):
    meeting = MeetingLogFactory(match=cast.match)
    assert client_for(cast.youth).get(reverse("portal:meeting_confirm", args=[meeting.pk])).status_code == 405


def test_portal_meeting_list_runs_constant_queries(cast, client_for):
    client = client_for(cast.guardian)
    url = reverse("portal:match_meetings", args=[cast.match.pk])
    MeetingLogFactory(match=cast.match)
    one = _count(client, url)
    for days in range(2, 22):
        MeetingLogFactory(match=cast.match, held_on=today() - timedelta(days=days))
    assert _count(client, url) == one


# --- Staff: the match's meetings -------------------------------------------------------------------


def test_staff_page_shows_days_overdue_and_the_rhythm__REL_1_REL_5(cast, client_for):
    MeetingLogFactory(match=cast.match, held_on=today() - timedelta(days=12), activity="learning")
    response = client_for(cast.coordinator).get(
        reverse("staff:match_meetings", args=[cast.match.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "5 days late" in response.text  # 12 days since the meeting, weekly agreed
    assert "the meeting alert is on the worklist" in response.text
    assert "more day" not in response.text  # no "the alert waits ..." once it is on


def test_staff_page_says_the_rhythm_was_missed_inside_the_grace__REL_1(cast, client_for):
    MeetingLogFactory(match=cast.match, held_on=today() - timedelta(days=9))
    response = client_for(cast.coordinator).get(
        reverse("staff:match_meetings", args=[cast.match.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "On time" not in response.text
    assert "2 days late" in response.text
    assert "The agreed rhythm was missed. Unless a meeting is logged, the worklist alerts tomorrow." in (
        response.text
    )
    assert "The worklist alerts 2 days after a missed meeting" in response.text
    assert "<meter" in response.text
    assert reverse("staff:match_detail", args=[cast.match.pk]) in response.text


def test_staff_meeting_list_runs_constant_queries(cast, client_for):
    client = client_for(cast.coordinator)
    url = reverse("staff:match_meetings", args=[cast.match.pk])
    MeetingLogFactory(match=cast.match)
    one = _count(client, url)
    for days in range(2, 40, 2):
        MeetingLogFactory(match=cast.match, held_on=today() - timedelta(days=days))
    assert _count(client, url) == one


def test_other_coordinator_gets_404_for_the_meetings(cast, client_for):
    url = reverse("staff:match_meetings", args=[cast.match.pk])
    assert client_for(cast.other_coordinator).get(url).status_code == 404


# --- Both meeting pages in every state of the match ------------------------------------------------

ALL_STATES = [state.value for state in MatchState]


def _in_state(match, state: str, *, meetings: bool, started: bool = True):
    """Put the match in `state` as the lifecycle would leave it (a start date once it ran, an end
    date once closed), with or without a meeting logged while it ran."""
    ran = state in (MatchState.ACTIVE, MatchState.CLOSING) or (state == MatchState.CLOSED and started)
    match.state = state
    match.started_on = today() - timedelta(days=200) if ran else None
    match.ended_on = today() - timedelta(days=20) if state == MatchState.CLOSED else None
    match.paused_since = None
    match.save(update_fields=["state", "started_on", "ended_on", "paused_since"])
    if meetings:
        MeetingLogFactory(match=match, held_on=today() - timedelta(days=30))
    return match


@pytest.mark.parametrize("meetings", [True, False], ids=["with_meetings", "without_meetings"])
@pytest.mark.parametrize("state", ALL_STATES)
def test_staff_meetings_page_answers_in_every_state_of_the_match(cast, client_for, state, meetings):
    _in_state(cast.match, state, meetings=meetings)
    response = client_for(cast.coordinator).get(
        reverse("staff:match_meetings", args=[cast.match.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert ("Last meeting on" in response.text) == meetings
    assert ("No meetings logged yet." in response.text) == (not meetings)


@pytest.mark.parametrize("meetings", [True, False], ids=["with_meetings", "without_meetings"])
def test_staff_meetings_page_of_a_match_closed_before_it_started(cast, client_for, meetings):
    _in_state(cast.match, MatchState.CLOSED, meetings=meetings, started=False)
    response = client_for(cast.coordinator).get(
        reverse("staff:match_meetings", args=[cast.match.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200


def test_staff_meetings_page_of_a_closed_match_names_the_last_meeting_without_counting_on(cast, client_for):
    _in_state(cast.match, MatchState.CLOSED, meetings=True)
    response = client_for(cast.coordinator).get(
        reverse("staff:match_meetings", args=[cast.match.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert '<span class="badge">Closed</span>' in response.text
    # The match ended: no alert, and no "days ago" that keeps growing after the end.
    assert "days ago" not in response.text
    assert "overdue" not in response.text


@pytest.mark.parametrize("meetings", [True, False], ids=["with_meetings", "without_meetings"])
@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("role", ["mentor", "youth", "guardian"])
def test_portal_meetings_page_answers_in_every_state_of_the_match(cast, client_for, state, meetings, role):
    _in_state(cast.match, state, meetings=meetings)
    response = client_for(getattr(cast, role)).get(
        reverse("portal:match_meetings", args=[cast.match.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    # A proposal is the programme's business until the introduction (policy.portal_matches).
    assert response.status_code == (404 if state == MatchState.PROPOSED else 200)
    if response.status_code == 200:
        assert ("No meetings logged yet." in response.text) == (not meetings)


# --- Staff: holidays (REL-4) -----------------------------------------------------------------------


def test_coordinator_adds_and_removes_a_holiday__REL_4(cast, client_for):
    client = client_for(cast.coordinator)
    url = reverse("staff:programme_holidays", args=[cast.programme.pk])
    response = client.post(
        url,
        {
            "name": "Kerstvakantie",
            "starts_on": (today() + timedelta(days=20)).isoformat(),
            "ends_on": (today() + timedelta(days=34)).isoformat(),
        },
    )
    assert response.status_code == 302
    holiday = HolidayPeriod.objects.get()
    assert (holiday.programme, holiday.name, (holiday.ends_on - holiday.starts_on).days) == (
        cast.programme,
        "Kerstvakantie",
        14,
    )
    assert "Kerstvakantie" in client.get(url).text
    delete = reverse("staff:programme_holiday_delete", args=[holiday.pk])
    assert client_for(cast.other_coordinator).post(delete).status_code == 404
    assert client.post(delete).status_code == 302
    assert not HolidayPeriod.objects.exists()


def test_holiday_ending_before_it_starts_re_renders_with_the_data__REL_4(cast, client_for):
    response = client_for(cast.coordinator).post(
        reverse("staff:programme_holidays", args=[cast.programme.pk]),
        {"name": "Voorjaarsvakantie", "starts_on": "2027-02-20", "ends_on": "2027-02-10"},
    )
    assert response.status_code == 200
    assert 'value="Voorjaarsvakantie"' in response.text
    assert not HolidayPeriod.objects.exists()


def test_other_coordinator_cannot_add_a_holiday(cast, client_for):
    response = client_for(cast.other_coordinator).post(
        reverse("staff:programme_holidays", args=[cast.programme.pk]),
        {"name": "x", "starts_on": "2027-02-10", "ends_on": "2027-02-20"},
    )
    assert response.status_code == 404
    assert not HolidayPeriod.objects.exists()


# --- The worklist (REL-1) --------------------------------------------------------------------------


def _late_match(cast, days_ago: int | None):
    youth = YouthFactory(programme=cast.programme)
    match = MatchFactory(
        youth=youth, mentors=[MentorFactory(programme=cast.programme)], started_on=today() - timedelta(100)
    )
    if days_ago is not None:
        MeetingLogFactory(match=match, held_on=today() - timedelta(days=days_ago))
    return match


def test_worklist_lists_matches_without_a_recent_meeting__REL_1(cast, client_for):
    # cast.match started 400 days ago without meetings: "no meeting since the start".
    late = _late_match(cast, 12)
    on_time = _late_match(cast, 3)
    text = client_for(cast.coordinator).get(reverse("staff:worklist"), HTTP_ACCEPT_LANGUAGE="en").text
    assert reverse("staff:match_meetings", args=[late.pk]) in text
    assert reverse("staff:match_meetings", args=[cast.match.pk]) in text
    assert reverse("staff:match_meetings", args=[on_time.pk]) not in text
    assert "last meeting 12 days ago" in text
    assert "no meeting since the start" in text
    other = client_for(cast.other_coordinator).get(reverse("staff:worklist")).text
    assert reverse("staff:match_meetings", args=[late.pk]) not in other


def test_worklist_notes_say_how_long_ago__REL_1(cast):
    from django.utils import translation

    from koppel.staff.worklist.meetings import SECTIONS

    late = _late_match(cast, 12)
    [spec] = SECTIONS
    rows = {m.pk: m for m in spec.rows(cast.coordinator)}
    with translation.override("en"):
        assert spec.note(rows[late.pk]) == "last meeting 12 days ago"
        assert spec.note(rows[cast.match.pk]) == "no meeting since the start"
    assert spec.url(rows[late.pk]) == reverse("staff:match_meetings", args=[late.pk])


def test_worklist_section_runs_constant_queries__REL_1(cast, client_for):
    from koppel.staff.views.worklist import _section
    from koppel.staff.worklist.meetings import SECTIONS

    cast.programme.kind = "school"
    cast.programme.save()
    HolidayPeriodFactory(
        programme=cast.programme, starts_on=today() - timedelta(days=60), ends_on=today() - timedelta(days=10)
    )

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            section = _section(SECTIONS[0], cast.coordinator)
        return len(ctx), section.count

    _late_match(cast, 70)
    count()  # reads (and keeps) the coordinator's roles
    one = count()
    for _ in range(12):
        _late_match(cast, 70)
    many = count()
    assert (one[1], many[1]) == (2, 14)  # cast.match (no meeting in 400 days) and the late ones
    assert one[0] == many[0]


# --- The portal: correcting a meeting --------------------------------------------------------------


def test_mentor_corrects_a_recent_meeting(cast, client_for):
    meeting = MeetingLogFactory(match=cast.match, mentor=cast.mentor_row, duration_minutes=60)
    client = client_for(cast.mentor)
    assert (
        reverse("portal:meeting_edit", args=[meeting.pk])
        in client.get(reverse("portal:match_meetings", args=[cast.match.pk])).text
    )
    form = client.get(reverse("portal:meeting_edit", args=[meeting.pk])).text
    assert 'value="60" required id="id_duration_1" checked' in form
    response = client.post(
        reverse("portal:meeting_edit", args=[meeting.pk]),
        _post(duration="120", expected_version=meeting.version),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.duration_minutes, meeting.version) == (120, 2)


def test_a_stale_correction_is_refused_and_keeps_the_data(cast, client_for):
    meeting = MeetingLogFactory(match=cast.match, mentor=cast.mentor_row)
    client = client_for(cast.mentor)
    url = reverse("portal:meeting_edit", args=[meeting.pk])
    client.post(url, _post(duration="30", expected_version=1))
    response = client.post(
        url, _post(duration="90", note="Mijn versie", expected_version=1), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Someone else changed this record" in response.text
    assert "Mijn versie" in response.text
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 30


def test_an_old_meeting_has_no_change_link(cast, client_for):
    meeting = MeetingLogFactory(match=cast.match, mentor=cast.mentor_row)
    MeetingLog.objects.filter(pk=meeting.pk).update(created_at=timezone.now() - timedelta(days=8))
    client = client_for(cast.mentor)
    url = reverse("portal:meeting_edit", args=[meeting.pk])
    assert url not in client.get(reverse("portal:match_meetings", args=[cast.match.pk])).text
    assert client.post(url, _post(expected_version=1)).status_code == 200
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 60
