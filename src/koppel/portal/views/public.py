"""Public pages without login: the mentor application form behind a campaign's link (REC-2).

Protected against abuse by a honeypot field and a rate limit per IP address, counted atomically in
the database (koppel.common.domain.ratelimit) under a keyed hash of the address.
"""

from allauth.account.adapter import get_adapter
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render

from koppel.common.domain.ratelimit import is_rate_limited, use_rate_limit
from koppel.people.domain.queries.recruitment import open_campaigns
from koppel.people.domain.recruitment import apply_as_mentor
from koppel.people.forms.recruitment import MentorApplicationForm
from koppel.people.models import Campaign

# At most this many applications per IP address per window (seconds).
RATE_LIMIT = 5
RATE_WINDOW = 60 * 60
RATE_SCOPE = "apply"


def _client(request) -> str:
    return get_adapter().get_client_ip(request) or ""


def _over_limit(request) -> bool:
    return is_rate_limited(RATE_SCOPE, _client(request), limit=RATE_LIMIT, window=RATE_WINDOW)


def _count_application(request) -> bool:
    """Count one application from this address; False when the limit was reached meanwhile."""
    return use_rate_limit(RATE_SCOPE, _client(request), limit=RATE_LIMIT, window=RATE_WINDOW)


def _too_many(request, campaign):
    return render(request, "public/too_many.html", {"campaign": campaign}, status=429)


@login_not_required
def apply(request, token):
    campaign = open_campaigns().select_related("programme").filter(token=token).first()
    if campaign is None:
        return render(request, "public/closed.html", status=404)
    form = MentorApplicationForm(request.POST or None)
    if request.method == "POST":
        if _over_limit(request):
            return _too_many(request, campaign)
        if form.is_spam:
            # A bot filled the hidden field: it sees the thank-you page, nothing is stored.
            if not _count_application(request):
                return _too_many(request, campaign)
            return redirect("public:apply_thanks", token=token)
        if form.is_valid():
            if not _count_application(request):
                return _too_many(request, campaign)
            apply_as_mentor(campaign, values=form.domain_values())
            return redirect("public:apply_thanks", token=token)
    return render(request, "public/apply.html", {"campaign": campaign, "form": form})


@login_not_required
def apply_thanks(request, token):
    campaign = Campaign.objects.select_related("programme").filter(token=token).first()
    if campaign is None:
        return render(request, "public/closed.html", status=404)
    return render(request, "public/thanks.html", {"campaign": campaign})
