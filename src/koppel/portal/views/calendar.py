"""The mentor's calendar feed: a page with the personal feed URL, and the feed itself.

The feed is public (a calendar app cannot log in): its URL holds a signed token that the mentor can
replace, which stops the old URL at once (koppel.people.domain.calendar).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from koppel.matches.domain.calendar import calendar_feed
from koppel.people.domain.calendar import calendar_feed_token, mentor_of_feed_token, revoke_calendar_feed
from koppel.policy import roles_of
from koppel.portal.views.helpers import portal_required


@portal_required
def calendar_page(request):
    if not roles_of(request.user).is_mentor:
        raise PermissionDenied
    mentor = request.user.mentor_profile
    if request.method == "POST":
        revoke_calendar_feed(mentor, by=request.user)
        messages.success(request, _("You have a new calendar address. The old address no longer works."))
        return redirect("portal:calendar")
    feed_url = request.build_absolute_uri(reverse("feeds:calendar", args=[calendar_feed_token(mentor)]))
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return render(request, "portal/calendar/page.html", {"feed_url": feed_url, "webcal_url": webcal_url})


@login_not_required
def calendar_feed_view(request, token):
    mentor = mentor_of_feed_token(token)
    if mentor is None:
        raise Http404
    response = HttpResponse(calendar_feed(mentor), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
