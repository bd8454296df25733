"""Staff pages for a match's agreement and the parties' consent (AGR-1, REL-3, REL-4): the versions,
each party's consent, writing a new version, sending the personal links, recording consent given
on paper, and the PDF. Same recipe as koppel.staff.views.helpers."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.audit import log_access_all
from koppel.common.refusal import show_refusal
from koppel.matches.domain import agreement as domain
from koppel.matches.domain.access import people_of_match
from koppel.matches.domain.lifecycle import latest_agreement
from koppel.matches.enums import Party
from koppel.matches.forms.agreement import AgreementForm, PaperConsentForm
from koppel.matches.models import Agreement, Consent, MatchMentor
from koppel.matches.pdf import agreement_pdf
from koppel.policy import get_visible_or_404, staff_matches
from koppel.staff.views.helpers import staff_required


def _matches(user):
    return staff_matches(user).select_related("youth", "programme__settings")


def _consents():
    return Consent.objects.select_related("mentor", "guardian", "youth").order_by("party", "id")


@staff_required
def match_agreement(request, pk):
    match = get_visible_or_404(_matches(request.user), pk)
    log_access_all(people_of_match(match), by=request.user, page="staff:match_agreement")
    agreements = list(
        Agreement.objects.filter(match=match)
        .select_related("created_by")
        .prefetch_related(Prefetch("consents", queryset=_consents()))
        .order_by("-number")
    )
    latest = agreements[0] if agreements else None
    rows = []
    if latest is not None:
        youth_age = match.youth.age
        for consent in latest.consents.all():
            rows.append(
                {
                    "consent": consent,
                    "person": domain.person_of(consent),
                    # Staff can copy a pending party's link, so a failing mail server loses nothing.
                    "link": domain.consent_link(consent) if consent.given_at is None else "",
                    "via_parents": consent.party == Party.YOUTH
                    and (youth_age is None or youth_age < domain.OWN_LINK_FROM_AGE),
                }
            )
    context = {
        "match": match,
        "mentors": [mm.mentor for mm in MatchMentor.objects.filter(match=match).select_related("mentor")],
        "latest": latest,
        "older": agreements[1:],
        "rows": rows,
        "pending": sum(1 for r in rows if r["consent"].given_at is None),
        "can_write": match.state in domain.WRITABLE_STATES,
        "asks_consent": match.state in domain.CONSENT_STATES,
        "link_days": match.programme.settings.consent_link_days,
    }
    return render(request, "staff/agreement/agreement.html", context)


@staff_required
def match_agreement_edit(request, pk):
    match = get_visible_or_404(_matches(request.user), pk)
    log_access_all(people_of_match(match), by=request.user, page="staff:match_agreement_edit")
    latest = latest_agreement(match)
    form = AgreementForm(
        request.POST or None,
        programme=match.programme,
        initial={**domain.agreement_defaults(match), "seen_number": latest.number if latest else 0},
    )
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            agreement = domain.write_agreement(
                match,
                by=request.user,
                values=form.domain_values(),
                expected_number=form.cleaned_data["seen_number"],
            )
        if outcome.ok:
            messages.success(
                request,
                _("Version %(n)s of the agreement was saved. Everyone is asked to consent to it.")
                % {"n": agreement.number},
            )
            return redirect("staff:match_agreement", pk=match.pk)
    return render(
        request,
        "staff/agreement/agreement_form.html",
        {"match": match, "form": form, "latest": latest},
    )


@staff_required
@require_POST
def match_agreement_send_links(request, pk):
    match = get_visible_or_404(_matches(request.user), pk)
    latest = latest_agreement(match)
    if latest is None:
        messages.error(request, _("Write the agreement first."))
        return redirect("staff:match_agreement", pk=match.pk)
    with show_refusal(request) as outcome:
        sent = domain.send_consent_links(latest, by=request.user)
    if not outcome.ok:
        return redirect("staff:match_agreement", pk=match.pk)
    if sent.mailed:
        messages.success(
            request,
            _("The personal links are being e-mailed to %(n)s parties.") % {"n": len(sent.mailed)},
        )
    if sent.via_parents:
        messages.info(request, _("The youth is younger than 16: their link goes to their parents."))
    if sent.without_address:
        messages.warning(
            request,
            _("No e-mail address for: %(names)s. Copy their link from this page.")
            % {"names": ", ".join(domain.person_of(c).full_name for c in sent.without_address)},
        )
    if not sent.mailed and not sent.without_address:
        messages.info(request, _("Everyone has consented; no links were sent."))
    return redirect("staff:match_agreement", pk=match.pk)


@staff_required
def consent_record_paper(request, pk):
    consent = get_visible_or_404(
        _consents()
        .select_related("agreement__match__youth", "agreement__match__programme")
        .filter(agreement__match__in=staff_matches(request.user)),
        pk,
    )
    match = consent.agreement.match
    log_access_all(people_of_match(match), by=request.user, page="staff:consent_record_paper")
    form = PaperConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            domain.record_paper_consent(
                consent,
                by=request.user,
                typed_name=form.cleaned_data["typed_name"],
                given_on=form.cleaned_data["given_on"],
            )
        if outcome.ok:
            messages.success(request, _("The consent on paper was recorded."))
            return redirect("staff:match_agreement", pk=match.pk)
    return render(
        request,
        "staff/agreement/paper_consent.html",
        {"consent": consent, "person": domain.person_of(consent), "match": match, "form": form},
    )


@staff_required
def match_agreement_pdf(request, pk):
    match = get_visible_or_404(_matches(request.user), pk)
    agreement = latest_agreement(match)
    if agreement is None:
        raise Http404
    log_access_all(people_of_match(match), by=request.user, page="staff:match_agreement_pdf")
    response = HttpResponse(agreement_pdf(agreement), content_type="application/pdf")
    filename = f"agreement-{match.pk}-v{agreement.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
