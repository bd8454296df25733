"""Subject access requests (GDPR/AVG art. 15 and 20) on the staff pages, for administrators only:
the organisation's requests, producing an archive for a mentor, youth or guardian from their page,
following its progress, and downloading it (audited: the activity log and the subject's access
log). Coordinators get 403: a copy of a whole file is the administrator's decision."""

from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from koppel.common.domain.audit import log_access, log_access_all
from koppel.common.domain.errors import DomainError
from koppel.common.domain.jobs import is_stalled
from koppel.common.refusal import show_refusal
from koppel.people.models import Guardian, Youth
from koppel.policy import get_visible_or_404, roles_of, staff_access_requests
from koppel.privacy.domain.access import record_download, request_access_archive
from koppel.privacy.http import archive_response
from koppel.privacy.models import AccessRequest
from koppel.staff.views.helpers import paginate, staff_required
from koppel.staff.views.people import KINDS, staff_people


def admin_required(view):
    """Staff pages for administrators only (403 for coordinators and anyone else)."""

    @wraps(view)
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not roles_of(request.user).is_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _requests(user):
    # The archive itself is only read on download.
    return (
        staff_access_requests(user)
        .defer("content")
        .select_related("mentor", "youth", "guardian", "requested_by", "on_behalf")
    )


class AccessRequestForm(forms.Form):
    """Produce an archive; for a youth, optionally on behalf of a parent with parental authority."""

    on_behalf = forms.ModelChoiceField(
        label=gettext_lazy("Asked by a parent or guardian"),
        queryset=Guardian.objects.none(),
        required=False,
        empty_label=gettext_lazy("No: the organisation makes it (or the person asked staff)"),
        help_text=gettext_lazy(
            "Choose the parent who asked for the data of their child under 16; their own contact "
            "details are then in the archive."
        ),
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(person, Youth):
            self.fields["on_behalf"].queryset = Guardian.objects.filter(
                guardianships__youth=person, guardianships__has_parental_authority=True
            )
        else:
            del self.fields["on_behalf"]


@admin_required
def access_request_list(request):
    """The organisation's access requests, newest first (who, for whom, status)."""
    page = paginate(request, _requests(request.user).order_by("-created_at", "-id"))
    return render(
        request, "staff/privacy/access_list.html", {"page": page, "keep_days": AccessRequest.KEEP_DAYS}
    )


@admin_required
def access_request_new(request, kind, pk):
    """Produce an archive of everything Koppel holds about a mentor, youth or guardian."""
    kind = KINDS[kind]
    person = get_visible_or_404(staff_people(kind, request.user), pk)
    form = AccessRequestForm(request.POST or None, person=person)
    shown = [person, *(form.fields["on_behalf"].queryset if "on_behalf" in form.fields else [])]
    log_access_all(shown, by=request.user, page=f"staff:{kind.name}_access_request")
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            access = request_access_archive(
                person, by=request.user, on_behalf_of=form.cleaned_data.get("on_behalf")
            )
        if outcome.ok:
            return redirect("staff:access_request_detail", pk=access.pk)
    earlier = _requests(request.user).filter(**{kind.name: person}).order_by("-created_at", "-id")[:10]
    return render(
        request,
        "staff/privacy/access_new.html",
        {"kind": kind, "person": person, "form": form, "earlier": earlier},
    )


@admin_required
def access_request_detail(request, pk):
    """A request's status; while it waits or runs the status block polls itself (HTMX) and, once
    ready, shows the download link."""
    access = get_visible_or_404(_requests(request.user), pk)
    log_access(access.subject, by=request.user, page="staff:access_request_detail")
    template = "staff/privacy/access_detail.html"
    if request.htmx:
        template += "#status"
    return render(request, template, {"access": access, "stalled": is_stalled(access)})


@admin_required
def access_request_download(request, pk):
    """The archive, for an administrator of the organisation. Side effects: record_download
    (activity log, the subject's access log, the first download's time)."""
    access = get_visible_or_404(
        staff_access_requests(request.user).select_related("mentor", "youth", "guardian"), pk
    )
    try:
        record_download(access, by=request.user, staff=True)
    except DomainError:
        raise Http404 from None
    return archive_response(access)
