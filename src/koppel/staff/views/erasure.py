"""Erasure (GDPR art. 17) for administrators: from a person's page, a confirmation that shows the
plan (what goes, what is kept and why), asks for a reason and the name typed again, and erases; and
the list of erasures (when, by whom, why; never who)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from koppel.common.domain.audit import log_access_all
from koppel.common.domain.errors import DomainError
from koppel.common.refusal import show_refusal
from koppel.matches.domain.access import people_around
from koppel.policy import get_visible_or_404, roles_of
from koppel.privacy.domain.erasure import erase_person, erasure_plan, erasure_records
from koppel.privacy.models import ErasureLedgerEntry
from koppel.staff.forms.erasure import ErasureForm
from koppel.staff.views.helpers import paginate, staff_required
from koppel.staff.views.people import KINDS, staff_people


@staff_required
def person_erase(request, kind, pk):
    kind = KINDS[kind]
    person = get_visible_or_404(staff_people(kind, request.user), pk)
    if not request.user.has_perm("privacy.erase_person", person):
        raise PermissionDenied
    if person.erased_at is not None:
        messages.info(request, _("This person was erased already."))
        return redirect("staff:erasure_list")
    log_access_all(people_around(person), by=request.user, page=f"staff:{kind.name}_erase")
    name = person.full_name
    try:
        plan = erasure_plan(person)
    except DomainError as e:
        return render(
            request, "staff/privacy/erase.html", {"kind": kind, "person": person, "refusal": e.message}
        )
    form = ErasureForm(request.POST or None, name=name)
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            erase_person(person, by=request.user, reason=form.cleaned_data["reason"])
        if outcome.ok:
            messages.success(request, _("The person was erased."))
            return redirect("staff:erasure_list")
    return render(
        request, "staff/privacy/erase.html", {"kind": kind, "person": person, "plan": plan, "form": form}
    )


@staff_required
def erasure_list(request):
    """Administrators only: the erasures of their organisations' people."""
    org_ids = roles_of(request.user).admin_org_ids
    if not org_ids:
        raise PermissionDenied
    return render(
        request,
        "staff/privacy/erasure_list.html",
        {
            "entries": paginate(request, erasure_records(org_ids)),
            "ledger_count": ErasureLedgerEntry.objects.count(),
        },
    )
