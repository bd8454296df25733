"""Staff pages for survey instruments: the list, one instrument, loading a definition file, switching
an organisation's instrument on or off; and marking a relationship-quality alert handled (OUT-4).

Coordinators and administrators only; another organisation's instrument answers 404 (the selector
in koppel.policy); switching an organisation's instrument on or off is for the organisation's
administrators (it stops the instrument's surveys in all its programmes). Same recipe as
koppel.staff.views.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.errors import DomainError
from koppel.common.redirects import safe_next_url
from koppel.common.refusal import show_refusal
from koppel.policy import get_visible_or_404, instruments_visible_to, quality_alerts_visible_to, roles_of
from koppel.programmes.models import Organisation
from koppel.staff.forms.instruments import InstrumentLoadForm
from koppel.staff.views.helpers import paginate, run_step, staff_required
from koppel.surveys.domain.alerts import handle_alert
from koppel.surveys.domain.instruments import load_instrument, plan_instrument, set_instrument_active
from koppel.surveys.enums import Respondent
from koppel.surveys.models import Item, Subscale


def _organisations(user):
    ids = roles_of(user).staff_programme_ids
    return Organisation.objects.filter(programmes__id__in=ids).distinct().order_by("name")


def _respondent_labels(instrument) -> str:
    labels = dict(Respondent.choices)
    return ", ".join(str(labels.get(r, r)) for r in instrument.respondents)


@staff_required
def instrument_list(request):
    instruments = (
        instruments_visible_to(request.user)
        .select_related("organisation")
        .order_by("organisation__name", "key", "-revision")
    )
    page = paginate(request, instruments)
    for instrument in page:
        instrument.respondent_labels = _respondent_labels(instrument)
    return render(request, "staff/instruments/list.html", {"page": page})


@staff_required
def instrument_detail(request, pk):
    instrument = get_visible_or_404(
        instruments_visible_to(request.user)
        .select_related("organisation", "loaded_by")
        .prefetch_related(
            Prefetch("subscales", queryset=Subscale.objects.order_by("position", "id")),
            Prefetch("items", queryset=Item.objects.select_related("subscale").order_by("position", "id")),
        ),
        pk,
    )
    instrument.respondent_labels = _respondent_labels(instrument)
    # Only an organisation's own instruments can be switched off (shipped ones serve everyone).
    can_switch = instrument.organisation_id is not None and request.user.has_perm(
        "surveys.switch_instrument", instrument
    )
    scales = [
        {"key": key, "min": scale["min"], "max": scale["max"], "options": scale["options"]}
        for key, scale in instrument.scales.items()
    ]
    return render(
        request,
        "staff/instruments/detail.html",
        {"instrument": instrument, "scales": scales, "can_switch": can_switch},
    )


@staff_required
def instrument_load(request):
    organisations = _organisations(request.user)
    form = InstrumentLoadForm(request.POST or None, request.FILES or None, organisations=organisations)
    plan = problems = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["definition"]
        organisation = form.cleaned_data["organisation"]
        # Keep the definition in the form (also when it came as a file), so it can be corrected.
        form.data = form.data.copy()
        form.data["text"] = text
        try:
            if "load" in request.POST:
                instrument = load_instrument(text, organisation=organisation, by=request.user)
                messages.success(
                    request,
                    _("Instrument %(key)s revision %(revision)s is loaded.")
                    % {"key": instrument.key, "revision": instrument.revision},
                )
                return redirect("staff:instrument_detail", instrument.pk)
            plan = plan_instrument(text, organisation=organisation)
        except DomainError as e:
            lines = str(e.message).split("\n")
            problems = {"summary": lines[0], "lines": [line.removeprefix("- ") for line in lines[1:]]}
    return render(
        request,
        "staff/instruments/load.html",
        {"form": form, "plan": plan, "problems": problems},
    )


@staff_required
@require_POST
def instrument_set_active(request, pk):
    instrument = get_visible_or_404(instruments_visible_to(request.user), pk)
    if not request.user.has_perm("surveys.switch_instrument", instrument):
        raise PermissionDenied  # administrators of the instrument's organisation only
    active = request.POST.get("active") == "1"
    with show_refusal(request) as outcome:
        set_instrument_active(instrument, active=active, by=request.user)
    if outcome.ok:
        messages.success(
            request,
            _("The instrument is active again.") if active else _("The instrument is switched off."),
        )
    return redirect("staff:instrument_detail", instrument.pk)


@staff_required
@require_POST
def quality_alert_handle(request, pk):
    """OUT-4: the coordinator marks an extra-support alert handled (from the worklist or the
    match's support page); `next` says where to go back to."""
    alert = get_visible_or_404(quality_alerts_visible_to(request.user), pk)
    run_step(request, handle_alert, alert, done=_("The alert is marked as handled."))
    return redirect(safe_next_url(request, request.POST.get("next"), "staff:worklist"))
