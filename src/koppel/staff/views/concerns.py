"""Staff pages for concerns (taken up and closed with an outcome) and the resource library (SUP-3).
Same recipe as koppel.staff.views.helpers: selector -> form -> domain function -> message -> redirect."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.audit import log_access, log_access_all
from koppel.common.refusal import show_refusal
from koppel.matches.domain.access import people_of_match
from koppel.matches.domain.concerns import (
    STATUS_ORDER,
    close_concern,
    raise_concern,
    take_up_concern,
)
from koppel.matches.domain.resources import (
    create_resource,
    delete_resource,
    resources_editable_by,
    update_resource,
)
from koppel.matches.forms.concerns import CloseConcernForm, ConcernFilterForm, StaffConcernForm
from koppel.matches.forms.resources import ResourceForm
from koppel.policy import concerns_visible_to, get_visible_or_404, resources_visible_to
from koppel.programmes.models import Organisation
from koppel.staff.views.helpers import (
    paginate,
    posted_and_saved,
    query_without_page,
    run_step,
    staff_required,
)

# --- Concerns -------------------------------------------------------------------------------------


@staff_required
def concern_list(request):
    """Open concerns first, then those being handled, then closed ones; newest first within each."""
    concerns = (
        concerns_visible_to(request.user)
        .select_related("programme", "match__youth", "handled_by")
        .annotate(status_order=STATUS_ORDER)
        .order_by("status_order", "-created_at", "-id")
    )
    filters = ConcernFilterForm(request.GET or None, user=request.user)
    match_id = None
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            concerns = concerns.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["programme"] is not None:
            concerns = concerns.filter(programme=filters.cleaned_data["programme"])
        match_id = filters.cleaned_data["match"]
        if match_id is not None:
            concerns = concerns.filter(match_id=match_id)
    return render(
        request,
        "staff/concerns/concern_list.html",
        {
            "page": paginate(request, concerns),
            "filters": filters,
            "match_id": match_id,
            "query": query_without_page(request),
        },
    )


def _concern(request, pk):
    return get_visible_or_404(
        concerns_visible_to(request.user).select_related(
            "programme", "match__youth", "raised_by", "handled_by"
        ),
        pk,
    )


def _detail(request, concern, *, close_form=None, error=None, status=200):
    # Reading a concern is logged like reading a person's page: its text is sensitive.
    log_access(concern, by=request.user, page="staff:concern_detail")
    if concern.match_id is not None:
        log_access_all(people_of_match(concern.match), by=request.user, page="staff:concern_detail")
    return render(
        request,
        "staff/concerns/concern_detail.html",
        {"concern": concern, "close_form": close_form or CloseConcernForm(), "error": error},
        status=status,
    )


@staff_required
def concern_detail(request, pk):
    return _detail(request, _concern(request, pk))


@staff_required
@require_POST
def concern_take_up(request, pk):
    concern = _concern(request, pk)
    run_step(request, take_up_concern, concern, done=_("You are handling this concern now."))
    return redirect("staff:concern_detail", pk=concern.pk)


@staff_required
@require_POST
def concern_close(request, pk):
    concern = _concern(request, pk)
    form = CloseConcernForm(request.POST)
    if form.is_valid():
        with show_refusal(form) as outcome:
            close_concern(concern, by=request.user, outcome=form.cleaned_data["outcome"])
        if outcome.ok:
            messages.success(request, _("The concern was closed."))
            return redirect("staff:concern_detail", pk=concern.pk)
    return _detail(request, concern, close_form=form)


@staff_required
def concern_create(request):
    """A concern recorded by staff, for instance after a phone call from a parent or a school."""
    initial = {}
    if request.GET.get("match", "").isdigit():
        initial["match"] = int(request.GET["match"])
    form = StaffConcernForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            concern = raise_concern(
                form.cleaned_data["programme"],
                by=request.user,
                raised_as="staff",
                text=form.cleaned_data["text"],
                match=form.cleaned_data["match"],
            )
        if outcome.ok:
            messages.success(request, _("The concern was recorded."))
            return redirect("staff:concern_detail", pk=concern.pk)
    return render(request, "staff/concerns/concern_form.html", {"form": form})


# --- Resources (SUP-3) ----------------------------------------------------------------------------


@staff_required
def resource_list(request):
    resources = (
        resources_visible_to(request.user)
        .select_related("programme", "organisation")
        .order_by("topic", "title", "id")
    )
    editable = set(resources_editable_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "staff/resources/resource_list.html",
        {"page": paginate(request, resources), "editable": editable},
    )


@staff_required
def resource_create(request):
    form = ResourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            organisation = Organisation.objects.get(pk=form.organisation_id())
            create_resource(organisation, by=request.user, values=form.domain_values())
        if outcome.ok:
            messages.success(request, _("The item was added to the library."))
            return redirect("staff:resource_list")
    return render(request, "staff/resources/resource_form.html", {"form": form})


@staff_required
def resource_edit(request, pk):
    resource = get_visible_or_404(resources_editable_by(request.user), pk)
    form = ResourceForm(request.POST or None, instance=resource, user=request.user)
    if posted_and_saved(request, form, update_resource, resource):
        messages.success(request, _("The item was saved."))
        return redirect("staff:resource_list")
    return render(request, "staff/resources/resource_form.html", {"form": form, "resource": resource})


@staff_required
@require_POST
def resource_delete(request, pk):
    resource = get_visible_or_404(resources_editable_by(request.user), pk)
    delete_resource(resource, by=request.user)
    messages.success(request, _("The item was removed from the library."))
    return redirect("staff:resource_list")
