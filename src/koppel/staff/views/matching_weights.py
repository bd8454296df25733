"""Staff pages for a programme's matching settings and weights (MAT-1, MAT-2, MAT-3, MAT-5): show and
change them, reset them to the factsheet, and preview their effect on the last finished round.
Same recipe as koppel.staff.views.helpers."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from koppel.common.domain.errors import ConflictError
from koppel.matches.domain.adapter import matching_settings_of
from koppel.matches.domain.weights import factsheet_defaults, preview_weights, update_matching_settings
from koppel.matches.forms.weights import MatchingWeightsForm, ResetForm
from koppel.policy import get_visible_or_404, programmes_visible_to
from koppel.staff.views.helpers import save_versioned_form, show_saved, staff_required

TEMPLATE = "staff/matching/weights.html"


def _programme(request, pk):
    return get_visible_or_404(programmes_visible_to(request.user).select_related("settings"), pk)


def _render(request, programme, settings, form, *, preview=None, previewed=False, partial=False):
    context = {
        "programme": programme,
        "settings": settings,
        "form": form,
        "reset_form": ResetForm(settings=settings),
        "preview": preview,
        "previewed": previewed,
    }
    return render(request, f"{TEMPLATE}#preview" if partial else TEMPLATE, context)


def _saved(request, changed: list[str], *, reset: bool = False) -> None:
    show_saved(
        request,
        changed,
        _("The matching settings were reset to the factsheet's defaults.")
        if reset
        else _("The matching settings were saved."),
    )


@staff_required
def matching_weights(request, pk):
    """GET shows the settings with their rules and defaults; POST saves them, or resets them."""
    programme = _programme(request, pk)
    settings = matching_settings_of(programme)
    if request.method == "POST" and "reset" in request.POST:
        return _reset(request, programme, settings)
    form = MatchingWeightsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        changed = save_versioned_form(request, form, update_matching_settings, settings)
        if changed is not None:
            _saved(request, changed)
            return redirect("staff:matching_weights", pk=programme.pk)
    return _render(request, programme, settings, form)


def _reset(request, programme, settings):
    reset_form = ResetForm(request.POST, settings=settings)
    if reset_form.is_valid():
        try:
            changed = update_matching_settings(
                settings,
                by=request.user,
                values=factsheet_defaults(),
                expected_version=reset_form.cleaned_data["expected_version"],
            )
        except ConflictError:
            messages.error(
                request,
                _(
                    "Someone else changed these settings in the meantime; nothing was reset. "
                    "The page now shows the latest values."
                ),
            )
        else:
            _saved(request, changed, reset=True)
    return redirect("staff:matching_weights", pk=programme.pk)


@staff_required
def matching_weights_preview(request, pk):
    """POST (the weights form's data): what these settings would change in the last finished round.

    Nothing is saved. An HTMX request gets the preview partial, any other the whole page.
    """
    programme = _programme(request, pk)
    if request.method != "POST":
        return redirect("staff:matching_weights", pk=programme.pk)
    settings = matching_settings_of(programme)
    form = MatchingWeightsForm(request.POST, instance=settings)
    preview = preview_weights(programme, form.domain_values()) if form.is_valid() else None
    return _render(
        request,
        programme,
        settings,
        form,
        preview=preview,
        previewed=True,
        partial=bool(request.htmx),
    )
