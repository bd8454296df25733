"""The agreement in plain words and the party's own consent (AGR-1): in the portal for the match's
mentor(s), youth and parents, and through a personal signed link without login.

A youth under 12 reads the agreement in short, simple sentences. The public link page shows the
other parties by first name only.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from koppel.common.domain.attempts import TooManyAttempts
from koppel.common.domain.audit import log_access_all
from koppel.common.domain.errors import DomainError
from koppel.common.refusal import show_refusal
from koppel.matches.domain import agreement as domain
from koppel.matches.domain.access import people_of_match
from koppel.matches.domain.lifecycle import latest_agreement
from koppel.matches.enums import ConsentVia, Party
from koppel.matches.forms.agreement import ConsentForm
from koppel.matches.models import Consent, Match, MatchMentor
from koppel.policy import get_visible_or_404, portal_matches, roles_of
from koppel.portal.views.helpers import portal_required


def _terms_context(match: Match, agreement, consents, *, youth_reads: bool) -> dict:
    age = match.youth.age
    return {
        "match": match,
        "agreement": agreement,
        "consents": consents,
        "youth_first_name": match.youth.first_name,
        "mentor_first_names": [
            mm.mentor.first_name for mm in MatchMentor.objects.filter(match=match).select_related("mentor")
        ],
        "youth_reads": youth_reads,
        "simple": youth_reads and age is not None and age < domain.SIMPLE_WORDING_BELOW_AGE,
    }


def _own(consent: Consent, r) -> bool:
    return (
        (consent.mentor_id is not None and consent.mentor_id in r.mentor_ids)
        or (consent.youth_id is not None and consent.youth_id in r.youth_ids)
        or (consent.guardian_id is not None and consent.guardian_id == r.guardian_id)
    )


@portal_required
def agreement(request, pk):
    match = get_visible_or_404(portal_matches(request.user).select_related("youth", "programme"), pk)
    log_access_all(people_of_match(match), by=request.user, page="portal:agreement")
    r = roles_of(request.user)
    latest = latest_agreement(match)
    consents = list(domain.consents_of(latest)) if latest is not None else []
    own_pending = next(
        (c for c in consents if _own(c, r) and c.given_at is None and match.state in domain.CONSENT_STATES),
        None,
    )
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and own_pending is not None and form.is_valid():
        with show_refusal(form) as outcome:
            domain.give_consent(
                own_pending,
                typed_name=form.cleaned_data["typed_name"],
                via=ConsentVia.PORTAL,
                by=request.user,
            )
        if outcome.ok:
            messages.success(request, _("Thank you. Your consent was recorded."))
            return redirect("portal:agreement", pk=match.pk)
    context = _terms_context(match, latest, consents, youth_reads=match.youth_id in r.youth_ids)
    context.update(
        {
            "own": [c for c in consents if _own(c, r)],
            "own_pending": own_pending,
            "form": form,
        }
    )
    return render(request, "portal/agreement/agreement.html", context)


@login_not_required
def consent_by_link(request, token):
    """A party's personal link: the agreement and their consent form; a thank-you once given."""
    details = domain.link_details(token)
    # The page opens in the recipient's stored language, unless they switched it themselves.
    if details.language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(details.language)
        request.LANGUAGE_CODE = translation.get_language()
    try:
        consent = domain.consent_from_token(token)
    except domain.LinkInvalid as e:
        return render(request, "portal/agreement/link_invalid.html", {"message": e.message}, status=404)
    except domain.LinkExpired as e:
        return render(request, "portal/agreement/link_invalid.html", {"message": e.message}, status=410)
    except DomainError as e:
        # Used already, replaced by a newer version, or no longer asked: the page says which.
        return render(request, "portal/agreement/link_invalid.html", {"message": e.message})
    match = consent.agreement.match
    log_access_all(people_of_match(match), by=request.user, page="links:consent")
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.give_consent(
                consent, typed_name=form.cleaned_data["typed_name"], via=ConsentVia.LINK, by=request.user
            )
        except TooManyAttempts as e:
            return render(request, "portal/agreement/link_invalid.html", {"message": e.message}, status=429)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            return render(request, "portal/agreement/link_thanks.html", {"match": match})
    consents = list(domain.consents_of(consent.agreement))
    context = _terms_context(match, consent.agreement, consents, youth_reads=consent.party == Party.YOUTH)
    context.update(
        {
            "consent": consent,
            "person_first_name": domain.person_of(consent).first_name,
            "for_child": details.for_child,
            "form": form,
        }
    )
    return render(request, "portal/agreement/link.html", context)
