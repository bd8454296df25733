"""Import and export of mentors, youth and guardians.

Import is two steps on one page: the upload runs a dry run and shows what would change and every
error per row and column; the confirmation imports the same file, which waits in the cache (never on
disk in a public place) under a random key bound to the user. All rows are written or none.
"""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.common.refusal import show_refusal
from koppel.people.domain.imports import CONTENT_TYPES, export_people, import_people, read_table
from koppel.people.forms.imports import ConfirmImportForm, ExportForm, ImportForm
from koppel.policy import get_visible_or_404, programmes_visible_to
from koppel.staff.views.helpers import staff_required

PENDING_SECONDS = 60 * 60
LIST_PAGES = {"mentor": "staff:mentor_list", "youth": "staff:youth_list", "guardian": "staff:guardian_list"}


def _cache_key(token: str) -> str:
    return f"koppel:import:{token}"


@staff_required
def import_people_page(request):
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        kind, programme = form.cleaned_data["kind"], form.cleaned_data["programme"]
        with show_refusal(form, field="file") as outcome:
            report = import_people(
                kind, programme, read_table(content, upload.name), by=request.user, dry_run=True
            )
        if outcome.ok:
            context.update(report=report, programme=programme)
            if report.ok:
                token = secrets.token_urlsafe(32)
                pending = {
                    "user": request.user.pk,
                    "kind": kind,
                    "programme": programme.pk,
                    "filename": upload.name,
                    "content": content,
                }
                cache.set(_cache_key(token), pending, PENDING_SECONDS)
                context["confirm_form"] = ConfirmImportForm(initial={"token": token})
    return render(request, "staff/imports/import.html", context)


def _confirm(request):
    form = ConfirmImportForm(request.POST)
    key = _cache_key(form.cleaned_data["token"]) if form.is_valid() else ""
    pending = cache.get(key) if key else None
    # Deleting claims the pending file: a second click (or a second tab) finds nothing to import.
    if not pending or pending["user"] != request.user.pk or not cache.delete(key):
        messages.error(request, _("This import is no longer waiting; upload the file again."))
        return redirect("staff:import_people")
    programme = get_visible_or_404(programmes_visible_to(request.user), pending["programme"])
    with show_refusal(request) as outcome:
        dataset = read_table(pending["content"], pending["filename"])
        report = import_people(pending["kind"], programme, dataset, by=request.user, dry_run=False)
    if not outcome.ok:
        return redirect("staff:import_people")
    if not report.written:
        # Something changed since the preview; nothing was written, show why.
        context = {"form": ImportForm(user=request.user), "report": report, "programme": programme}
        return render(request, "staff/imports/import.html", context)
    messages.success(
        request,
        _("Imported: %(new)s new, %(updated)s changed, %(unchanged)s unchanged.")
        % {"new": report.new, "updated": report.updated, "unchanged": report.unchanged},
    )
    return redirect(LIST_PAGES[pending["kind"]])


@staff_required
def export_people_page(request):
    form = ExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        kind, programme, fmt = (form.cleaned_data[n] for n in ("kind", "programme", "format"))
        content, _rows = export_people(kind, programme, by=request.user, fmt=fmt)
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        filename = f"{kind}-{programme.pk}-{timezone.localdate().isoformat()}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(request, "staff/imports/export.html", {"form": form})
