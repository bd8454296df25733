"""Public pages without login: the mentor application form behind a campaign's link (REC-2).

Protected against abuse by a honeypot field and a rate limit per IP address in the shared cache.
"""

import hashlib

from allauth.account.adapter import get_adapter
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import redirect, render

from koppel.people.domain.queries.recruitment import open_campaigns
from koppel.people.domain.recruitment import apply_as_mentor
from koppel.people.forms.recruitment import MentorApplicationForm
from koppel.people.models import Campaign

# At most this many applications per IP address per window (seconds).
RATE_LIMIT = 5
RATE_WINDOW = 60 * 60


def _rate_key(request) -> str:
    # The address is hashed so the cache holds no readable IP addresses.
    ip = get_adapter().get_client_ip(request)
    return "koppel:apply:" + hashlib.sha256(ip.encode()).hexdigest()[:32]


def _over_limit(request) -> bool:
    return cache.get(_rate_key(request), 0) >= RATE_LIMIT


def _count_application(request) -> None:
    key = _rate_key(request)
    if not cache.add(key, 1, RATE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, RATE_WINDOW)


@login_not_required
def apply(request, token):
    campaign = open_campaigns().select_related("programme").filter(token=token).first()
    if campaign is None:
        return render(request, "public/closed.html", status=404)
    form = MentorApplicationForm(request.POST or None)
    if request.method == "POST":
        if _over_limit(request):
            return render(request, "public/too_many.html", {"campaign": campaign}, status=429)
        if form.is_spam:
            # A bot filled the hidden field: it sees the thank-you page, nothing is stored.
            _count_application(request)
            return redirect("public:apply_thanks", token=token)
        if form.is_valid():
            _count_application(request)
            apply_as_mentor(campaign, values=form.domain_values())
            return redirect("public:apply_thanks", token=token)
    return render(request, "public/apply.html", {"campaign": campaign, "form": form})


@login_not_required
def apply_thanks(request, token):
    campaign = Campaign.objects.select_related("programme").filter(token=token).first()
    if campaign is None:
        return render(request, "public/closed.html", status=404)
    return render(request, "public/thanks.html", {"campaign": campaign})
