"""Which files did this account read? For administrators only, after a personal data breach (AVG
art. 33: the Dutch Data Protection Authority is told within 72 hours)."""

import csv
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from koppel.common.domain.audit import log_access_all, log_action
from koppel.people.resources import neutralise
from koppel.policy import (
    accounts_visible_to,
    guardians_visible_to,
    roles_of,
    staff_matches,
    staff_mentors,
    staff_youth,
)
from koppel.privacy.domain.lookers import reads_by_account
from koppel.privacy.forms import DEFAULT_WINDOW, AccountReadsForm
from koppel.staff.views.helpers import paginate, staff_required

PAGE = "staff:files_read"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _admin_only(request) -> None:
    if not roles_of(request.user).is_admin:
        raise PermissionDenied


def _form(request) -> AccountReadsForm:
    """The form bound to the query string, the period filled with the last 72 hours when empty."""
    now = timezone.now()
    # The field has whole minutes: the default end is the next one, so it includes this minute.
    end = timezone.localtime(now).replace(second=0, microsecond=0) + timedelta(minutes=1)
    data = request.GET.copy()
    data.setdefault("end", end.strftime(DATETIME_FORMAT))
    data.setdefault("start", (end - DEFAULT_WINDOW).strftime(DATETIME_FORMAT))
    return AccountReadsForm(data, accounts=accounts_visible_to(request.user), now=now)


def _reads(request, form: AccountReadsForm):
    user = request.user
    visible = {
        "mentor": staff_mentors(user),
        "youth": staff_youth(user),
        "guardian": guardians_visible_to(user),
        "match": staff_matches(user),
    }
    return reads_by_account(
        form.chosen, start=form.cleaned_data["start"], end=form.cleaned_data["end"], visible=visible
    )


def _audit(request, form: AccountReadsForm, reads, action: str) -> None:
    """The page names people: an access-log row for each, and the look-up itself in the activity
    log of the account looked up (who asked, the period, how many files)."""
    log_access_all([f.person for f in reads.files], by=request.user, page=PAGE)
    log_action(
        form.chosen,
        action,
        by=request.user,
        data={
            "start": form.cleaned_data["start"].isoformat(),
            "end": form.cleaned_data["end"].isoformat(),
            "files": len(reads.files),
            "elsewhere": reads.elsewhere,
        },
    )


@staff_required
def account_reads(request):
    _admin_only(request)
    form = _form(request)
    reads = page = None
    query = ""
    if form.is_valid() and form.chosen is not None:
        reads = _reads(request, form)
        _audit(request, form, reads, "privacy.account_reads.viewed")
        page = paginate(request, reads.files)
        query = urlencode(
            {
                "account": form.chosen.pk,
                "start": timezone.localtime(form.cleaned_data["start"]).strftime(DATETIME_FORMAT),
                "end": timezone.localtime(form.cleaned_data["end"]).strftime(DATETIME_FORMAT),
            }
        )
    return render(
        request,
        "staff/privacy/account_reads.html",
        {"form": form, "reads": reads, "page": page, "query": query},
    )


@staff_required
def account_reads_csv(request):
    """The same list as a CSV file, every cell quoted and neutralised against spreadsheet formulas."""
    _admin_only(request)
    form = _form(request)
    if not form.is_valid() or form.chosen is None:
        return render(request, "staff/privacy/account_reads.html", {"form": form}, status=400)
    reads = _reads(request, form)
    _audit(request, form, reads, "privacy.account_reads.exported")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(form.cleaned_data["end"]).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="account-{form.chosen.pk}-reads-{stamp}.csv"'
    writer = csv.writer(response, quoting=csv.QUOTE_ALL)
    writer.writerow(["kind", "id", "name", "views", "changes", "first", "last"])
    for f in reads.files:
        writer.writerow(
            [
                f.kind,
                f.obj.pk,
                neutralise(f.name),
                f.views,
                f.changes,
                timezone.localtime(f.first).isoformat(),
                timezone.localtime(f.last).isoformat(),
            ]
        )
    if reads.elsewhere:
        writer.writerow(["elsewhere", "", "", reads.elsewhere, "", "", ""])
    return response
