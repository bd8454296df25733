"""Staff pages for matches: the list, and each match's page with its people, state, timeline and
the steps it can take (introduce, start, pause, resume). The agreement, meetings, support contacts
and closure have their own pages, linked from the match page. Same recipe as koppel.staff.views.helpers."""

from django.contrib import messages
from django.db.models import Max, Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.audit import log_access_all
from koppel.common.refusal import show_refusal
from koppel.matches.domain import lifecycle
from koppel.matches.domain.access import people_of_match
from koppel.matches.enums import MatchState
from koppel.matches.forms.lifecycle import ActivateForm, IntroduceForm, PauseForm
from koppel.matches.models import MatchEvent, MatchMentor
from koppel.policy import get_visible_or_404, programmes_visible_to, staff_matches
from koppel.staff.views.helpers import paginate, run_step, staff_required


def _matches(user):
    return (
        staff_matches(user)
        .select_related("youth", "programme")
        .prefetch_related(Prefetch("match_mentors", queryset=MatchMentor.objects.select_related("mentor")))
    )


@staff_required
def match_list(request):
    matches = (
        _matches(request.user).annotate(last_meeting=Max("meetings__held_on")).order_by("-created_at", "-id")
    )
    state = request.GET.get("state", "")
    if state in MatchState.values:
        matches = matches.filter(state=state)
    programme = request.GET.get("programme", "")
    if programme.isdigit():
        matches = matches.filter(programme_id=int(programme))
    return render(
        request,
        "staff/matches/match_list.html",
        {
            "page": paginate(request, matches),
            "states": MatchState.choices,
            "state": state,
            "programmes": programmes_visible_to(request.user),
        },
    )


def _detail(request, match, **forms):
    events = MatchEvent.objects.filter(match=match).select_related("by").order_by("at", "id")
    log_access_all(people_of_match(match), by=request.user, page="staff:match_detail")
    today = timezone.localdate()
    context = {
        "match": match,
        "mentors": [mm.mentor for mm in match.match_mentors.all()],
        "events": events,
        "agreement": lifecycle.latest_agreement(match),
        "introduce_form": forms.get("introduce_form")
        or IntroduceForm(user=request.user, initial={"on": today}),
        "activate_form": forms.get("activate_form") or ActivateForm(initial={"started_on": today}),
        "pause_form": forms.get("pause_form") or PauseForm(initial={"since": today}),
    }
    return render(request, "staff/matches/match_detail.html", context, status=200)


@staff_required
def match_detail(request, pk):
    match = get_visible_or_404(_matches(request.user), pk)
    return _detail(request, match)


def _step(request, pk, form_class, name, call, done):
    """Bind the step's form, call the domain function, or show the match page with the errors."""
    match = get_visible_or_404(_matches(request.user), pk)
    kwargs = {"user": request.user} if form_class is IntroduceForm else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        with show_refusal(form) as outcome:
            call(match, form.cleaned_data)
        if outcome.ok:
            messages.success(request, done)
            return redirect("staff:match_detail", pk=match.pk)
    return _detail(request, match, **{name: form})


@staff_required
@require_POST
def match_introduce(request, pk):
    return _step(
        request,
        pk,
        IntroduceForm,
        "introduce_form",
        lambda m, d: lifecycle.introduce_match(
            m, by=request.user, on=d["on"], staff_member=d["staff_member"], note=d["note"]
        ),
        _("The first meeting was recorded."),
    )


@staff_required
@require_POST
def match_activate(request, pk):
    return _step(
        request,
        pk,
        ActivateForm,
        "activate_form",
        lambda m, d: lifecycle.activate_match(m, by=request.user, started_on=d["started_on"]),
        _("The match has started."),
    )


@staff_required
@require_POST
def match_pause(request, pk):
    return _step(
        request,
        pk,
        PauseForm,
        "pause_form",
        lambda m, d: lifecycle.pause_match(m, by=request.user, since=d["since"], reason=d["reason"]),
        _("The match is paused."),
    )


@staff_required
@require_POST
def match_resume(request, pk):
    match = get_visible_or_404(_matches(request.user), pk)
    run_step(request, lifecycle.resume_match, match, done=_("The match continues."))
    return redirect("staff:match_detail", pk=match.pk)
