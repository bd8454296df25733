"""Portal pages for support: raising a concern and following its status, the resource library
(SUP-3) and, for mentors, their peer-supervision groups with their attendance (SUP-4)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.common.refusal import show_refusal
from koppel.matches.domain.concerns import concerns_raised_by, raise_portal_concern
from koppel.matches.domain.resources import by_topic, portal_resources
from koppel.matches.forms.concerns import RaiseConcernForm
from koppel.policy import get_visible_or_404, portal_matches, roles_of
from koppel.portal.views.helpers import portal_required
from koppel.training.models import PeerGroup, PeerSession

# --- Concerns -------------------------------------------------------------------------------------


@portal_required
def concern_raise(request):
    initial = {}
    match_pk = request.GET.get("match", "")
    if match_pk:
        # Only one of the user's own matches can be preselected; any other answers 404.
        initial["match"] = get_visible_or_404(portal_matches(request.user), match_pk).pk
    form = RaiseConcernForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            raise_portal_concern(
                request.user,
                text=form.cleaned_data["text"],
                match=form.cleaned_data.get("match"),
                programme=form.cleaned_data.get("programme"),
            )
        if outcome.ok:
            messages.success(
                request,
                _("Thank you for telling us. A coordinator of the programme will contact you soon."),
            )
            return redirect("portal:concerns")
    return render(request, "portal/support/concern_raise.html", {"form": form})


@portal_required
def concerns(request):
    """The concerns the user raised, with their status only (never the coordinator's outcome)."""
    raised = (
        concerns_raised_by(request.user)
        .select_related("programme")
        .only("pk", "created_at", "status", "programme__name", "match_id")
        .order_by("-created_at", "-id")
    )
    return render(request, "portal/support/concerns.html", {"concerns": raised})


# --- Resources (SUP-3) ----------------------------------------------------------------------------


@portal_required
def resources(request):
    items = portal_resources(request.user).only(
        "pk", "title", "kind", "topic", "url", "description", "programme_id"
    )
    return render(request, "portal/support/resources.html", {"groups": by_topic(items)})


# --- Peer supervision (SUP-4) ---------------------------------------------------------------------


@portal_required
def peer_sessions(request):
    """The mentor's peer-supervision groups and their sessions, planned and past, with whether the
    mentor attended each past one. Three queries whatever the number of groups and sessions."""
    mentor_ids = roles_of(request.user).mentor_ids
    if not mentor_ids:
        raise PermissionDenied
    attended = PeerSession.attendees.through.objects.filter(
        peersession_id=OuterRef("pk"), mentor_id__in=mentor_ids
    )
    groups = (
        PeerGroup.objects.filter(members__id__in=mentor_ids)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=PeerSession.objects.annotate(attended=Exists(attended)).order_by("-date", "-id"),
            )
        )
        .distinct()
        .order_by("name", "id")
    )
    today = timezone.localdate()
    rows = []
    for group in groups:
        sessions = list(group.sessions.all())
        # A session of today counts as planned until its attendance is recorded.
        is_planned = [s.date > today or (s.date == today and not s.attended) for s in sessions]
        planned = sorted((s for s, p in zip(sessions, is_planned, strict=True) if p), key=lambda s: s.date)
        past = [s for s, p in zip(sessions, is_planned, strict=True) if not p]
        rows.append(
            {
                "group": group,
                "planned": planned,
                "past": past,
                "attended": sum(1 for s in past if s.attended),
            }
        )
    return render(request, "portal/support/peer_sessions.html", {"rows": rows, "today": today})
