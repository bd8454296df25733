"""Staff pages for matching by hand (MAT-6) and the pool analysis (MAT-5). Same recipe as
koppel.staff.views.helpers: fetch through a selector, bind a form, call one domain function, redirect."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from koppel.common.refusal import show_refusal
from koppel.matches.domain.pair_check import check_pair
from koppel.matches.domain.pairs import propose_pair
from koppel.matches.domain.pool import pool_analysis
from koppel.matches.domain.reasons import met_constraints
from koppel.matches.forms.pairs import PairForm
from koppel.policy import get_visible_or_404, programmes_visible_to
from koppel.staff.views.helpers import staff_required


def _programme(request, pk):
    return get_visible_or_404(programmes_visible_to(request.user).select_related("settings"), pk)


@staff_required
def matching_pair(request, pk):
    """Choose a youth and a mentor (or team); "Check" shows the broken constraints and the score
    without saving, "Propose" creates the match in the proposed state (MAT-6)."""
    programme = _programme(request, pk)
    form = PairForm(request.POST or None, programme=programme, user=request.user)
    check = None
    if request.method == "POST" and form.is_valid():
        youth, mentors = form.cleaned_data["youth"], form.cleaned_data["mentors"]
        if "propose" in request.POST:
            with show_refusal(form) as outcome:
                propose_pair(
                    programme,
                    youth,
                    mentors,
                    by=request.user,
                    origin=form.cleaned_data["origin"],
                    note=form.cleaned_data["note"],
                )
            if outcome.ok:
                messages.success(
                    request,
                    _("The match of %(name)s was created in the proposed state.") % {"name": youth.full_name},
                )
                return redirect("staff:programme_detail", pk=programme.pk)
        check = check_pair(programme, youth, mentors)
    context = {"programme": programme, "form": form, "check": check, "met": met_constraints()}
    return render(request, "staff/matching/pair.html", context)


@staff_required
def matching_pool(request, pk):
    """What the mentor pool lacks for the programme's waiting youth (MAT-5)."""
    programme = _programme(request, pk)
    return render(
        request, "staff/matching/pool.html", {"programme": programme, "pool": pool_analysis(programme)}
    )
