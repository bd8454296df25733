"""Portal pages for a person's own data (GDPR/AVG art. 15 and 20): ask for a copy, follow its
progress and download it. A mentor and a guardian ask for themself, a youth of 16 or older for
themself, a guardian with parental authority for their child under 16 (privacy/domain/access.py
holds the rule). Only the requester downloads the archive here."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from koppel.common.domain.audit import log_access
from koppel.common.domain.errors import DomainError
from koppel.common.refusal import show_refusal
from koppel.people.models import Guardian, Guardianship, Mentor, Youth
from koppel.policy import get_visible_or_404, portal_access_requests, roles_of
from koppel.portal.views.helpers import portal_required
from koppel.privacy.domain.access import record_download, refusal, request_access_archive
from koppel.privacy.http import archive_response
from koppel.privacy.models import AccessRequest


def _choices(user) -> list[dict]:
    """Whose data the user may ask for here: themself (as mentor, youth, guardian) and their
    children; each with the reason when they may not (a youth under 16, a child of 16 or older)."""
    r = roles_of(user)
    people: list[tuple[str, object, bool]] = []
    people += [("mentor", m, True) for m in Mentor.objects.filter(id__in=r.mentor_ids)]
    people += [("youth", y, True) for y in Youth.objects.filter(id__in=r.youth_ids)]
    if r.guardian_id is not None:
        people.append(("guardian", Guardian.objects.get(pk=r.guardian_id), True))
        links = Guardianship.objects.filter(guardian_id=r.guardian_id).select_related("youth")
        people += [("youth", link.youth, False) for link in links if link.youth_id not in r.youth_ids]
    return [
        {
            "token": f"{kind}:{person.pk}",
            "person": person,
            "own": own,
            "kind": kind,
            "refusal": refusal(person, by=user),
        }
        for kind, person, own in people
    ]


@portal_required
def my_data(request):
    """The person's data requests and the buttons to ask for a copy."""
    requests = (
        portal_access_requests(request.user)
        .defer("content")
        .select_related("mentor", "youth", "guardian")
        .order_by("-created_at", "-id")[:20]
    )
    return render(
        request,
        "portal/privacy/my_data.html",
        {"choices": _choices(request.user), "requests": requests, "keep_days": AccessRequest.KEEP_DAYS},
    )


@portal_required
@require_POST
def access_request_new(request):
    """Ask for a copy of the data of the person chosen (one of `_choices`, else 404)."""
    chosen = {c["token"]: c for c in _choices(request.user)}.get(request.POST.get("subject", ""))
    if chosen is None:
        raise Http404
    with show_refusal(request) as outcome:
        access = request_access_archive(chosen["person"], by=request.user, from_portal=True)
    if not outcome.ok:
        return redirect("portal:my_data")
    return redirect("portal:access_request_detail", pk=access.pk)


def _own_request(request, pk) -> AccessRequest:
    access = get_visible_or_404(
        portal_access_requests(request.user).defer("content").select_related("mentor", "youth", "guardian"),
        pk,
    )
    if access.subject.user_id != request.user.pk:
        # A guardian's page about their child's data.
        log_access(access.subject, by=request.user, page="portal:access_request_detail")
    return access


@portal_required
def access_request_detail(request, pk):
    access = _own_request(request, pk)
    template = "portal/privacy/access_detail.html"
    if request.htmx:
        template += "#status"
    return render(request, template, {"access": access})


@portal_required
def access_request_download(request, pk):
    """The archive, for the person who asked for it. Side effects: record_download."""
    access = get_visible_or_404(portal_access_requests(request.user), pk)
    try:
        record_download(access, by=request.user, staff=False)
    except DomainError:
        raise Http404 from None
    return archive_response(access)
