"""Pages for mentors, youth and parents or guardians: each sees only what is theirs."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from koppel.common.domain.audit import log_access_all
from koppel.matches.domain.access import people_around
from koppel.matches.enums import KNOWN_TO_MENTOR, OPEN_STATES
from koppel.matches.models import Match
from koppel.people.models import Guardianship
from koppel.policy import get_visible_or_404, matches_visible_to, portal_matches, roles_of, youth_visible_to
from koppel.portal.views.helpers import portal_required
from koppel.privacy.domain.coming_of_age import agreements_to_confirm


@portal_required
def home(request):
    r = roles_of(request.user)
    matches = (
        matches_visible_to(request.user)
        .filter(state__in=OPEN_STATES)
        .select_related("youth", "programme")
        .prefetch_related("mentors")
    )
    children = (
        Guardianship.objects.filter(guardian_id=r.guardian_id).select_related("youth__programme")
        if r.is_guardian
        else Guardianship.objects.none()
    )
    return render(
        request,
        "portal/home.html",
        {
            "mentor_matches": [m for m in matches if any(x.pk in r.mentor_ids for x in m.mentors.all())],
            # A youth hears of their mentor once the coordinator has introduced them.
            "own_matches": [m for m in matches if m.youth_id in r.youth_ids and m.state in KNOWN_TO_MENTOR],
            "children": children,
            "child_matches": (
                portal_matches(request.user)
                .filter(youth__guardianships__guardian_id=r.guardian_id)
                .select_related("youth")
                .prefetch_related("mentors")
                if r.is_guardian
                else []
            ),
            "mentor": request.user.mentor_profile if r.is_mentor else None,
            "youth": request.user.youth_profile if r.is_youth else None,
            # From 16 (UAVG art. 5): agreements a parent consented to, for the youth to confirm.
            "to_confirm": agreements_to_confirm(r.youth_ids) if r.is_youth else [],
        },
    )


@portal_required
def youth_detail(request, pk):
    """A youth's page as a mentor (their match's youth), a guardian (their child) or the youth sees it."""
    r = roles_of(request.user)
    youth = get_visible_or_404(
        youth_visible_to(request.user)
        .select_related("programme", "coordinator")
        .prefetch_related("interests", "guardianships__guardian"),
        pk,
    )
    if youth.pk in r.youth_ids:
        viewer_role = "self"
    elif r.guardian_id is not None and any(g.guardian_id == r.guardian_id for g in youth.guardianships.all()):
        viewer_role = "guardian"
    elif Match.objects.filter(
        youth=youth, match_mentors__mentor_id__in=r.mentor_ids, state__in=KNOWN_TO_MENTOR
    ).exists():
        viewer_role = "mentor"
    else:
        raise PermissionDenied
    log_access_all(people_around(youth), by=request.user, page="portal:youth_detail")
    # Only matches the youth knows about: a proposal stays with staff until the introduction.
    matches = Match.objects.filter(youth=youth, state__in=KNOWN_TO_MENTOR).prefetch_related("mentors")
    return render(
        request,
        "portal/youth_detail.html",
        {"youth": youth, "viewer_role": viewer_role, "matches": matches},
    )
