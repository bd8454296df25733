"""The public privacy statement and accessibility statement of an organisation, for anyone (no
login): generated from the organisation's settings and the data map, in the visitor's language.

`/privacy/` and `/accessibility/` show the only organisation's statement, or a list to choose from
on an install with several; `/privacy/<slug>/` is one organisation's."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from koppel.policy import organisations_with_statements, own_organisations
from koppel.privacy.domain.register import shared_parts, special_instruments, statement_groups
from koppel.privacy.enums import LegalBasis
from koppel.programmes.enums import AccessibilityStatus


def _organisation_or_choice(request, slug, url_name):
    """The organisation asked for (404 when unknown), the only one, the one a logged-in person belongs
    to, or None with a page to choose."""
    organisations = organisations_with_statements()
    if slug is not None:
        organisation = organisations.filter(slug=slug).first()
        if organisation is None:
            raise Http404
        return organisation, None
    if len(organisations[:2]) == 1:
        return organisations.first(), None
    if request.user.is_authenticated:
        own = list(own_organisations(request.user)[:2])
        if len(own) == 1:
            return own[0], None
    return None, render(
        request, "portal/statements/choose.html", {"organisations": organisations, "url_name": url_name}
    )


@login_not_required
def privacy_statement(request, slug=None):
    organisation, choice = _organisation_or_choice(request, slug, "statements:privacy_organisation")
    if choice is not None:
        return choice
    groups = statement_groups(organisation)
    used = {basis for group in groups for part in group.parts for basis in part.bases}
    return render(
        request,
        "portal/statements/privacy.html",
        {
            "organisation": organisation,
            "groups": groups,
            "shared": shared_parts(organisation),
            "bases": [basis for basis in LegalBasis if basis in used],
            "instruments": special_instruments(),
            # Where a person asks for their data: the portal (after logging in).
            "data_request_url": reverse("account_login") + "?next=" + reverse("portal:my_data"),
        },
    )


@login_not_required
def accessibility_statement(request, slug=None):
    organisation, choice = _organisation_or_choice(request, slug, "statements:accessibility_organisation")
    if choice is not None:
        return choice
    return render(
        request,
        "portal/statements/accessibility.html",
        {
            "organisation": organisation,
            "status": AccessibilityStatus(organisation.accessibility_status),
            "compliant": organisation.accessibility_status in {AccessibilityStatus.A, AccessibilityStatus.B},
        },
    )
