"""The portal's page of one match, for its mentor(s), its youth and the youth's parents or
guardians: who, what state, and links to the agreement, the meetings, resources and raising a concern.
A mentor sees the youth's first name; youth and parents see the mentors' first names."""

from django.shortcuts import render

from koppel.common.domain.audit import log_access_all
from koppel.matches.domain.access import people_of_match
from koppel.matches.domain.lifecycle import latest_agreement
from koppel.matches.models import MatchMentor
from koppel.policy import get_visible_or_404, portal_matches, roles_of
from koppel.portal.views.helpers import portal_required


@portal_required
def match_detail(request, pk):
    match = get_visible_or_404(portal_matches(request.user).select_related("youth", "programme"), pk)
    log_access_all(people_of_match(match), by=request.user, page="portal:match_detail")
    r = roles_of(request.user)
    mentors = [mm.mentor for mm in MatchMentor.objects.filter(match=match).select_related("mentor")]
    agreement = latest_agreement(match)
    closure = getattr(match, "closure", None) if match.state == "closed" else None
    return render(
        request,
        "portal/match_detail.html",
        {
            "match": match,
            "mentors": mentors,
            "is_mentor": any(m.pk in r.mentor_ids for m in mentors),
            "is_youth": match.youth_id in r.youth_ids,
            "agreement": agreement,
            "closure": closure,
        },
    )
