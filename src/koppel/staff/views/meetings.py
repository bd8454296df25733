"""Staff pages for meetings (REL-1, REL-5) and the holiday periods of a programme (REL-4): a match's
meetings with its REL-1 status and rhythm, and a programme's holidays.
Same recipe as koppel.staff.views.helpers."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.audit import log_access_all
from koppel.common.refusal import show_refusal
from koppel.matches.domain.access import people_of_match
from koppel.matches.domain.meetings import (
    add_holiday,
    meeting_rhythm,
    meeting_status,
    remove_holiday,
)
from koppel.matches.forms.meetings import HolidayForm
from koppel.matches.models import HolidayPeriod, MatchMentor, MeetingLog
from koppel.policy import get_visible_or_404, programmes_visible_to, staff_matches
from koppel.programmes.enums import ProgrammeKind
from koppel.staff.views.helpers import paginate, staff_required


@staff_required
def match_meetings(request, pk):
    """The match's meetings, its REL-1 status and its rhythm and fun/learning mix (REL-5)."""
    match = get_visible_or_404(staff_matches(request.user).select_related("programme", "youth"), pk)
    log_access_all(people_of_match(match), by=request.user, page="staff:match_meetings")
    today = timezone.localdate()
    meetings = MeetingLog.objects.filter(match=match).select_related("mentor").order_by("-held_on", "-id")
    mentors = [mm.mentor for mm in MatchMentor.objects.filter(match=match).select_related("mentor")]
    return render(
        request,
        "staff/meetings/match_meetings.html",
        {
            "match": match,
            "mentors": mentors,
            "page": paginate(request, meetings),
            "status": meeting_status(match, today),
            "rhythm": meeting_rhythm(match, today=today),
        },
    )


def _holidays_page(request, programme, form, *, status=200):
    holidays = HolidayPeriod.objects.filter(programme=programme).order_by("-starts_on", "-id")
    return render(
        request,
        "staff/meetings/programme_holidays.html",
        {
            "programme": programme,
            "holidays": holidays,
            "form": form,
            "is_school": programme.kind == ProgrammeKind.SCHOOL,
        },
        status=status,
    )


@staff_required
def programme_holidays(request, pk):
    """A programme's holiday periods; in school-based programmes they pause the REL-1 alert (REL-4)."""
    programme = get_visible_or_404(programmes_visible_to(request.user), pk)
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            add_holiday(programme, by=request.user, values=form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("The holiday was added."))
            return redirect("staff:programme_holidays", pk=programme.pk)
    return _holidays_page(request, programme, form)


@staff_required
@require_POST
def programme_holiday_delete(request, pk):
    holiday = get_visible_or_404(
        HolidayPeriod.objects.filter(programme__in=programmes_visible_to(request.user)).select_related(
            "programme"
        ),
        pk,
    )
    remove_holiday(holiday, by=request.user)
    messages.success(request, _("The holiday was removed."))
    return redirect("staff:programme_holidays", pk=holiday.programme_id)
