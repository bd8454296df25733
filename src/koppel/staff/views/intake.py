"""Youth intake (YTH-1..3, MAT-5) and the waiting list, for coordinators and administrators."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.audit import log_access_all
from koppel.common.refusal import show_refusal
from koppel.matches.domain.access import people_around
from koppel.matches.domain.matched import matches_started_recently
from koppel.people.domain.intake import (
    add_to_waiting_list,
    intake_of,
    missing_for_waiting_list,
    record_intake,
    withdraw_youth,
)
from koppel.people.domain.queries.intake import (
    RATE_WINDOW_DAYS,
    waiting_list,
    waiting_rows,
)
from koppel.people.enums import YouthStatus
from koppel.people.forms.intake import IntakeForm, YouthWishesForm
from koppel.people.models import Intake
from koppel.policy import get_visible_or_404, programmes_visible_to, staff_youth
from koppel.staff.views.helpers import paginate, run_step, show_saved, staff_required


@staff_required
def youth_intake(request, pk):
    """Record the intake and the youth's goals and wishes; one save for both forms."""
    youth = get_visible_or_404(staff_youth(request.user).select_related("programme"), pk)
    intake = intake_of(youth)
    # Worked out before the forms are bound: binding copies what was typed onto the instances.
    may_join = youth.status in (YouthStatus.INTAKE, YouthStatus.WITHDRAWN)
    missing = missing_for_waiting_list(youth, intake) if may_join else []
    data = request.POST if request.method == "POST" else None
    intake_form = IntakeForm(data, instance=intake or Intake(youth=youth), youth=youth, prefix="intake")
    youth_form = YouthWishesForm(data, instance=youth, prefix="youth")
    if request.method == "POST":
        intake_ok = intake_form.is_valid()
        if youth_form.is_valid() and intake_ok:
            with show_refusal(intake_form) as outcome:
                changed = record_intake(
                    youth,
                    by=request.user,
                    values={"youth": youth_form.domain_values(), "intake": intake_form.domain_values()},
                    expected_version={
                        "youth": youth_form.get_expected_version(),
                        # 0 when the page was loaded before any intake existed.
                        "intake": intake_form.cleaned_data.get("expected_version"),
                    },
                )
            if outcome.ok:
                show_saved(request, changed, _("The intake was saved."))
                return redirect("staff:youth_intake", pk=youth.pk)
    else:
        log_access_all(people_around(youth), by=request.user, page="staff:youth_intake")
    return render(
        request,
        "staff/intake/youth_intake.html",
        {
            "person": youth,
            "intake_form": intake_form,
            "youth_form": youth_form,
            "may_join": may_join,
            "may_withdraw": youth.status in (YouthStatus.INTAKE, YouthStatus.WAITING),
            "missing": missing,
        },
    )


@staff_required
@require_POST
def youth_add_to_waiting_list(request, pk):
    youth = get_visible_or_404(staff_youth(request.user), pk)
    run_step(
        request,
        add_to_waiting_list,
        youth,
        done=_("%(name)s is on the waiting list.") % {"name": youth.full_name},
    )
    return redirect("staff:youth_intake", pk=youth.pk)


@staff_required
@require_POST
def youth_withdraw(request, pk):
    youth = get_visible_or_404(staff_youth(request.user), pk)
    run_step(request, withdraw_youth, youth, done=_("%(name)s was withdrawn.") % {"name": youth.full_name})
    return redirect("staff:youth_detail", pk=youth.pk)


@staff_required
def waiting_list_page(request):
    """One programme's waiting list: longest-waiting first, with position and expected wait."""
    programmes = list(programmes_visible_to(request.user).order_by("name", "id"))
    chosen = request.GET.get("programme", "")
    programme = next((p for p in programmes if str(p.pk) == chosen), programmes[0] if programmes else None)
    context = {"programmes": programmes, "programme": programme, "window_days": RATE_WINDOW_DAYS}
    if programme is not None:
        page = paginate(request, waiting_list(programme.pk))
        recent = matches_started_recently(programme.pk)
        context.update(
            page=page,
            query=urlencode({"programme": programme.pk}),
            recent_matches=recent,
            rows=waiting_rows(
                page.object_list,
                first_position=page.start_index() or 1,
                matches_in_window=recent,
                today=timezone.localdate(),
            ),
        )
    return render(request, "staff/intake/waiting_list.html", context)
