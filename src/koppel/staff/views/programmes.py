"""The overview of a user's programmes and a programme's pages: details, settings, history.
Same recipe as every staff page (koppel.staff.views.helpers)."""

from django.contrib import messages
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.common.domain.audit import history_of
from koppel.matches.domain.counts import ACTIVE_DEFINITION, PREPARING_DEFINITION, active_on, in_preparation
from koppel.matches.models import Match
from koppel.people.models import Mentor, Youth
from koppel.policy import get_visible_or_404, programmes_visible_to
from koppel.programmes.domain.programmes import update_programme, update_programme_settings
from koppel.programmes.forms import ProgrammeForm, ProgrammeSettingsForm
from koppel.staff.views.helpers import (
    paginate,
    posted_and_saved,
    save_versioned_form,
    show_saved,
    staff_required,
)


def _count(model, field="programme"):
    return Coalesce(
        Subquery(
            model.objects.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _count_matches(condition: Q):
    """The programme's matches that meet `condition` (matches/domain/counts.py)."""
    return Coalesce(
        Subquery(
            Match.objects.filter(condition, programme=OuterRef("pk"))
            .order_by()
            .values("programme")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


@staff_required
def overview(request):
    # Active and in preparation as the dashboard counts them (one definition, matches/domain/counts.py).
    today = timezone.localdate()
    programmes = programmes_visible_to(request.user).annotate(
        n_mentors=_count(Mentor),
        n_youth=_count(Youth),
        n_active_matches=_count_matches(active_on(today)),
        n_preparing_matches=_count_matches(in_preparation(today)),
    )
    return render(
        request,
        "staff/overview.html",
        {
            "programmes": programmes,
            "definitions": [ACTIVE_DEFINITION, PREPARING_DEFINITION],
        },
    )


@staff_required
def programme_detail(request, pk):
    programme = get_visible_or_404(programmes_visible_to(request.user).select_related("settings"), pk)
    return render(request, "staff/programme_detail.html", {"programme": programme})


@staff_required
def programme_edit(request, pk):
    programme = get_visible_or_404(programmes_visible_to(request.user), pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if posted_and_saved(request, form, update_programme, programme):
        messages.success(request, _("The programme was saved."))
        return redirect("staff:programme_detail", pk=programme.pk)
    return render(request, "staff/programme_form.html", {"programme": programme, "form": form})


@staff_required
def programme_settings(request, pk):
    programme = get_visible_or_404(programmes_visible_to(request.user).select_related("settings"), pk)
    form = ProgrammeSettingsForm(request.POST or None, instance=programme.settings)
    if request.method == "POST" and form.is_valid():
        changed = save_versioned_form(request, form, update_programme_settings, programme.settings)
        if changed is not None:
            show_saved(request, changed, _("The programme settings were saved."))
            return redirect("staff:programme_detail", pk=programme.pk)
    return render(request, "staff/programme_settings.html", {"programme": programme, "form": form})


@staff_required
def programme_history(request, pk):
    programme = get_visible_or_404(programmes_visible_to(request.user), pk)
    return render(
        request,
        "staff/history.html",
        {
            "object": programme,
            "entries": paginate(request, history_of(programme)),
            "back_url": programme_url(programme),
        },
    )


def programme_url(programme):
    return reverse("staff:programme_detail", kwargs={"pk": programme.pk})
