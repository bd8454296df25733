"""Privacy pages of the portal: "who looked at my file" and, from 16, the youth's own confirmation
of the agreement their parents consented to (UAVG art. 5)."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.common.domain.audit import log_access, log_access_all
from koppel.common.refusal import show_refusal
from koppel.matches.domain.access import people_of_match
from koppel.matches.forms.agreement import ConsentForm
from koppel.people.models import Guardianship, Mentor, Youth
from koppel.policy import get_visible_or_404, own_file_logs_visible_to, roles_of
from koppel.portal.views.helpers import portal_required
from koppel.privacy.domain import coming_of_age, lookers

KINDS = ("mentor", "youth", "guardian")


@portal_required
def who_looked(request):
    """The files whose "who looked" page the user may read: their own, and their children's under 16."""
    r = roles_of(request.user)
    today = timezone.localdate()
    files = []
    if r.is_mentor:
        files += [("mentor", m) for m in own_file_logs_visible_to(request.user, "mentor", today=today)]
    own_youth = list(Youth.objects.filter(id__in=r.youth_ids))
    files += [("youth", y) for y in own_youth if not coming_of_age.is_under_own_consent_age(y, today)]
    if r.is_guardian:
        files += [("guardian", g) for g in own_file_logs_visible_to(request.user, "guardian", today=today)]
        children = own_file_logs_visible_to(request.user, "youth", today=today).exclude(id__in=r.youth_ids)
        files += [("youth", child) for child in children.order_by("first_name", "id")]
    return render(
        request,
        "portal/privacy/who_looked.html",
        {
            "files": files,
            "young": any(coming_of_age.is_under_own_consent_age(y, today) for y in own_youth),
            "grown_children": _grown_children(r, today) if r.is_guardian else [],
        },
    )


def _grown_children(r, today) -> list[Youth]:
    """The guardian's children of 16 and older: the page says why their file is not listed."""
    links = Guardianship.objects.filter(guardian_id=r.guardian_id).select_related("youth")
    return [link.youth for link in links if not coming_of_age.is_under_own_consent_age(link.youth, today)]


@portal_required
def who_looked_file(request, kind, pk):
    """Who viewed or changed this file and when: staff by role and name, what kind of page or
    change; never the reason, never the person's own views. A youth under 16 reads that their
    parents can see this."""
    if kind not in KINDS:
        raise Http404
    r = roles_of(request.user)
    today = timezone.localdate()
    queryset = own_file_logs_visible_to(request.user, kind, today=today)
    if kind == "youth" and pk in r.youth_ids and not queryset.filter(pk=pk).exists():
        # The youth's own file while under 16: their parents see who looked, not they.
        return render(request, "portal/privacy/who_looked_young.html", {})
    subject = get_visible_or_404(queryset, pk)
    log_access(subject, by=request.user, page="portal:who_looked_file")
    own_user_id = subject.user_id  # type: ignore[attr-defined]
    paginator = Paginator(
        lookers.file_log(subject, leave_out=[own_user_id, request.user.pk]), settings.PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "portal/privacy/who_looked_file.html",
        {
            "subject": subject,
            "own": own_user_id == request.user.pk,
            "is_mentor_file": isinstance(subject, Mentor),
            "page": page,
            "entries": lookers.describe(page.object_list, subject),
        },
    )


@portal_required
def own_consent(request, pk):
    """From 16: the youth confirms, themselves, the agreement a parent consented to for them."""
    r = roles_of(request.user)
    pending = coming_of_age.pending_confirmations(r.youth_ids).filter(consent__agreement_id=pk)
    first = pending.first()
    if first is None:
        # Not this youth's (404), or confirmed already.
        if not coming_of_age.confirmations_of(r.youth_ids).filter(consent__agreement_id=pk).exists():
            raise Http404
        messages.info(request, _("You confirmed this agreement already. Thank you."))
        return redirect("portal:home")
    agreement, youth = first.consent.agreement, first.youth
    match = agreement.match
    log_access_all(people_of_match(match), by=request.user, page="portal:own_consent")
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            coming_of_age.confirm_own_consent(
                agreement, youth=youth, by=request.user, typed_name=form.cleaned_data["typed_name"]
            )
        if outcome.ok:
            messages.success(request, _("Thank you. You confirmed the agreement yourself."))
            return redirect("portal:home")
    return render(
        request,
        "portal/privacy/own_consent.html",
        {"agreement": agreement, "match": match, "youth": youth, "form": form},
    )
