"""Portal pages for meetings (REL-1, REL-5): the mentor logs a meeting in under a minute, on a
phone; mentor(s), youth and guardians see the match's meetings; the youth confirms them.

Guardians see the mentor's notes only when the programme allows it (guardians_see_meeting_notes), and
only while the youth is under 16."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.audit import log_access_all
from koppel.common.refusal import show_refusal
from koppel.matches.domain.access import people_of_match
from koppel.matches.domain.lifecycle import latest_agreement
from koppel.matches.domain.meetings import EDIT_DAYS, confirm_meeting, log_meeting, update_meeting
from koppel.matches.enums import STARTED_STATES
from koppel.matches.forms.meetings import MeetingForm
from koppel.matches.models import MatchMentor, MeetingLog
from koppel.people.models import Mentor, Youth
from koppel.policy import get_visible_or_404, portal_matches, roles_of
from koppel.portal.views.helpers import portal_required
from koppel.privacy.domain.coming_of_age import is_under_own_consent_age

MEETINGS_PER_PAGE = 50


def _matches(user):
    return portal_matches(user).select_related("programme__settings", "youth")


def _match_and_mentor(request, pk):
    """The match (404 when it is not the user's) and the user's Mentor row in it (None if not one)."""
    match = get_visible_or_404(_matches(request.user), pk)
    mentor_ids = roles_of(request.user).mentor_ids
    mentor = (
        Mentor.objects.filter(pk__in=mentor_ids, match_mentors__match=match).select_related("user").first()
        if mentor_ids
        else None
    )
    return match, mentor


@portal_required
def meeting_log(request, pk):
    """One screen: date, duration, kind of activity, place, how it went and a short note."""
    match, mentor = _match_and_mentor(request, pk)
    if mentor is None:
        raise PermissionDenied  # youth and guardians see the meetings but do not log them
    log_access_all(people_of_match(match), by=request.user, page="portal:meeting_log")
    agreement = latest_agreement(match)
    initial = {"held_on": timezone.localdate(), "duration": "60"}
    if agreement is not None:
        initial["place"] = agreement.place
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            log_meeting(match, mentor=mentor, values=form.domain_values())
        if outcome.ok:
            messages.success(request, _("The meeting was logged. Thank you!"))
            return redirect("portal:match_meetings", pk=match.pk)
    return render(
        request,
        "portal/meetings/meeting_log.html",
        {"match": match, "form": form, "started": match.state in STARTED_STATES},
    )


@portal_required
def meeting_edit(request, pk):
    """The mentor who logged a meeting corrects it within EDIT_DAYS (optimistic locking)."""
    meeting = get_visible_or_404(
        MeetingLog.objects.filter(match__in=portal_matches(request.user)).select_related(
            "match__youth", "mentor__user"
        ),
        pk,
    )
    if meeting.mentor_id not in roles_of(request.user).mentor_ids:
        raise PermissionDenied
    log_access_all(people_of_match(meeting.match), by=request.user, page="portal:meeting_edit")
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            update_meeting(
                meeting,
                mentor=meeting.mentor,
                values=form.domain_values(),
                expected_version=form.get_expected_version(),
            )
        if outcome.ok:
            messages.success(request, _("The meeting was changed."))
            return redirect("portal:match_meetings", pk=meeting.match_id)
    return render(
        request,
        "portal/meetings/meeting_log.html",
        {"match": meeting.match, "form": form, "started": True, "meeting": meeting},
    )


@portal_required
def match_meetings(request, pk):
    match = get_visible_or_404(_matches(request.user), pk)
    r = roles_of(request.user)
    is_mentor = MatchMentor.objects.filter(match=match, mentor_id__in=r.mentor_ids).exists()
    is_youth = match.youth_id in r.youth_ids
    meetings = MeetingLog.objects.filter(match=match).select_related("mentor").order_by("-held_on", "-id")
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    editable_since = timezone.now() - timedelta(days=EDIT_DAYS)
    for meeting in page.object_list:
        meeting.editable = meeting.mentor_id in r.mentor_ids and meeting.created_at >= editable_since
    return render(
        request,
        "portal/meetings/match_meetings.html",
        {
            "match": match,
            "page": page,
            "is_mentor": is_mentor,
            "is_youth": is_youth,
            # The mentor's notes: for the mentors and the youth; for guardians only when allowed, and
            # only while the youth is under 16 (UAVG art. 5: from 16 the youth decides).
            "show_notes": is_mentor
            or is_youth
            or (
                match.programme.settings.guardians_see_meeting_notes and is_under_own_consent_age(match.youth)
            ),
            "can_log": is_mentor and match.state in STARTED_STATES,
        },
    )


@portal_required
@require_POST
def meeting_confirm(request, pk):
    """The youth confirms a meeting (POST only)."""
    meeting = get_visible_or_404(
        MeetingLog.objects.filter(match__in=portal_matches(request.user)).select_related("match"), pk
    )
    if meeting.match.youth_id not in roles_of(request.user).youth_ids:
        raise PermissionDenied
    with show_refusal(request) as outcome:
        confirm_meeting(meeting, youth=Youth.objects.select_related("user").get(pk=meeting.match.youth_id))
    if outcome.ok:
        messages.success(request, _("Thank you for confirming the meeting."))
    return redirect("portal:match_meetings", pk=meeting.match_id)
