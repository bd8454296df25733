"""Exports of the reports, run in the background: request one (from the buttons on a report page or
the form on the exports page), follow its progress, download the file. An export is personal: only
the staff member who asked for it sees and downloads it (`policy.export_jobs_visible_to`)."""

from datetime import date

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from koppel.common.domain.audit import log_access, log_action
from koppel.common.domain.jobs import is_stalled
from koppel.common.redirects import safe_next_url
from koppel.common.refusal import show_refusal
from koppel.policy import (
    export_jobs_visible_to,
    get_visible_or_404,
)
from koppel.reports.domain.jobs import FORMATS, REPORT_LABELS, request_export
from koppel.reports.models.exports import ExportFormat, ExportStatus
from koppel.staff.views.helpers import paginate, staff_required
from koppel.staff.views.reports import report_filter_form

# Every export as one choice for the form on the exports page: "outcomes.xlsx".
EXPORT_LABELS = {
    ("dashboard", "csv"): gettext_lazy("Programme dashboard (CSV)"),
    ("dashboard", "xlsx"): gettext_lazy("Programme dashboard (Excel)"),
    ("outcomes", "csv"): gettext_lazy("Outcomes report (CSV)"),
    ("outcomes", "xlsx"): gettext_lazy("Outcomes report (Excel)"),
    ("programme", "pdf"): gettext_lazy("Programme report for a funder (PDF)"),
    ("programme", "xlsx"): gettext_lazy("Programme report: dashboard and outcomes (Excel)"),
    ("scores", "csv"): gettext_lazy("Survey scores, one row per score, pseudonymous (CSV)"),
    ("scores", "xlsx"): gettext_lazy("Survey scores, one row per score, pseudonymous (Excel)"),
}


class ExportRequestForm(forms.Form):
    """Which report in which format; the filter fields come with `ReportFilterForm`."""

    report = forms.ChoiceField(label=gettext_lazy("Report"), choices=list(REPORT_LABELS.items()))
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ExportFormat.choices)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        report, fmt = cleaned.get("report"), cleaned.get("format")
        if report and fmt and fmt not in FORMATS[report]:
            raise forms.ValidationError(_("This report cannot be exported in this format."))
        return cleaned


class NewExportForm(forms.Form):
    """The form on the exports page: one choice for report and format together."""

    export = forms.ChoiceField(
        label=gettext_lazy("Export"),
        choices=[(f"{r}.{f}", label) for (r, f), label in EXPORT_LABELS.items()],
    )


def _error_texts(form) -> list[str]:
    texts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        prefix = f"{field.label}: " if field is not None and field.label else ""
        texts += [f"{prefix}{error}" for error in errors]
    return texts


FILTER_FIELDS = ("programme", "start", "end", "coordinator")


def _posted_data(request):
    """The posted fields, with the filter as the buttons send it: the page's filter form's current
    fields (HTMX includes them) or else the filter the page was loaded with ("page_*")."""
    data = request.POST.copy()
    for name in FILTER_FIELDS:
        if name not in data and f"page_{name}" in data:
            data[name] = data[f"page_{name}"]
    if "export" in data and "report" not in data:
        data["report"], _sep, data["format"] = data["export"].partition(".")
    return data


def _go(request, url: str):
    """A redirect; an HTMX post gets HX-Redirect, so the browser loads the page itself."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _back(request, url: str):
    return _go(request, safe_next_url(request, url, "staff:export_list"))


@staff_required
@require_POST
def export_request(request):
    """Queue an export. The filter is rebuilt from the posted fields over the user's own visible
    programmes: a posted programme the user may not see makes the form invalid."""
    data = _posted_data(request)
    form = ExportRequestForm(data)
    filter_form = report_filter_form(request, data)
    if not form.is_valid() or not filter_form.is_valid():
        messages.error(
            request,
            _("The export could not be started: %(errors)s")
            % {"errors": " ".join(_error_texts(form) + _error_texts(filter_form))},
        )
        return _back(request, data.get("next", ""))
    with show_refusal(request) as outcome:
        job = request_export(
            user=request.user,
            report=form.cleaned_data["report"],
            format=form.cleaned_data["format"],
            report_filter=filter_form.report_filter(),
            language=get_language() or "nl",
        )
    if not outcome.ok:
        return _back(request, form.cleaned_data["next"])
    # No message: the export's page says what is happening, and keeps saying it as it changes.
    return _go(request, reverse("staff:export_detail", args=[job.pk]))


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _jobs(request):
    # The file itself is only read on download.
    return export_jobs_visible_to(request.user).defer("content").select_related("programme")


@staff_required
def export_detail(request, pk):
    """The job's status; while it waits or runs the status block polls itself every second (HTMX)
    and, once done, shows the download link."""
    job = get_visible_or_404(_jobs(request), pk)
    context = {
        "job": job,
        "label": EXPORT_LABELS.get((job.report, job.format), job.report),
        # The period as dates, shown in the page's date format like the request time.
        "start": _day(job.params.get("start")),
        "end": _day(job.params.get("end")),
        # The periodic command queues an export whose worker went quiet again; the page says so.
        "stalled": is_stalled(job),
    }
    template = "staff/exports/detail.html"
    if request.htmx:
        template += "#status"
    return render(request, template, context)


@staff_required
def export_download(request, pk):
    """The file, as an attachment, for its requester only. Side effect: "reports.export.downloaded"
    in the activity log (an export is an access to programme data)."""
    job = get_visible_or_404(export_jobs_visible_to(request.user), pk)
    if job.status != ExportStatus.DONE or job.content is None:
        raise Http404
    log_action(
        job, "reports.export.downloaded", by=request.user, data={"report": job.report, "format": job.format}
    )
    if job.report == "scores":
        # Row-level survey scores (pseudonymised, sensitive domains included): a read of sensitive
        # data, so it is in the access log like opening a survey's answers.
        log_access(job, by=request.user, page="export_scores")
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def export_list(request):
    """My recent exports (kept for ExportJob.KEEP_DAYS days) and a form to start a new one."""
    jobs = _jobs(request).order_by("-created_at", "-id")
    page = paginate(request, jobs)
    for job in page:
        job.label = EXPORT_LABELS.get((job.report, job.format), job.report)
    context = {
        "page": page,
        "new_form": NewExportForm(),
        "filter_form": report_filter_form(request, None),
        "keep_days": jobs.model.KEEP_DAYS,
    }
    return render(request, "staff/exports/list.html", context)
