"""Staff pages of the retention schedule: administrators only.

Coordinators get 403: how long the organisation keeps personal data is the administrators' decision
(with the privacy officer). The page shows the schedule (each rule's default, the organisation's
period, why, the last change), the current preview with the day each item goes, a list of the items
on demand and the last purges. Same recipe as koppel.staff.views.helpers.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from koppel.common.refusal import show_refusal
from koppel.policy import roles_of
from koppel.privacy.domain import retention
from koppel.privacy.forms import RetentionOverrideForm
from koppel.privacy.models import RetentionOverride, RetentionPreviewItem, RetentionRun
from koppel.programmes.models import Organisation
from koppel.staff.views.helpers import paginate, show_saved, staff_required

PURGES_SHOWN = 10


def _organisation(request) -> Organisation:
    """The organisation the administrator administers (the one asked for, when they have several)."""
    ids = roles_of(request.user).admin_org_ids
    if not ids:
        raise PermissionDenied
    wanted = request.GET.get("organisation") or ""
    pk = int(wanted) if wanted.isdigit() and int(wanted) in ids else min(ids)
    return get_object_or_404(Organisation.objects.filter(pk__in=ids), pk=pk)


def _rule_or_404(code: str) -> retention.Rule:
    entry = next((rule for key, rule in retention.SCHEDULE.items() if key.value == code), None)
    if entry is None:
        raise Http404
    return entry


def _schedule_rows(organisation: Organisation) -> list[dict]:
    overrides = retention.overrides_of(organisation)
    rows = []
    for code, rule in retention.SCHEDULE.items():
        override = overrides.get(code) if rule.editable else None
        rows.append(
            {
                "rule": rule,
                "code": code.value,
                "default": retention.period_text(rule, rule.default_months),
                "current": retention.period_text(
                    rule, retention.period_months(rule, organisation, overrides=overrides)
                ),
                "override": override,
            }
        )
    return rows


@staff_required
def retention_page(request):
    organisation = _organisation(request)
    notice = timezone.timedelta(days=retention.notice_days())
    labels = {rule.code.value: rule.label for rule in retention.SCHEDULE.values()}
    preview = [
        {
            "code": row["rule"],
            "label": labels.get(row["rule"], row["rule"]),
            "count": row["n"],
            "goes_on": row["first"] + notice,
        }
        for row in RetentionPreviewItem.objects.filter(organisation=organisation)
        .values("rule")
        .annotate(n=Count("pk"), first=Min("first_previewed_on"))
        .order_by("rule")
    ]
    last_preview = RetentionRun.objects.filter(
        organisation=organisation, kind=RetentionRun.Kind.PREVIEW
    ).first()
    purges = RetentionRun.objects.filter(
        organisation=organisation, kind=RetentionRun.Kind.PURGE
    ).select_related("by")[:PURGES_SHOWN]
    return render(
        request,
        "staff/privacy/retention.html",
        {
            "organisation": organisation,
            "rows": _schedule_rows(organisation),
            "preview": preview,
            "last_preview": last_preview,
            "purges": [(run, [(labels.get(k, k), n) for k, n in run.counts.items()]) for run in purges],
            "notice_days": retention.notice_days(),
        },
    )


@staff_required
def retention_items(request, rule):
    organisation = _organisation(request)
    entry = _rule_or_404(rule)
    items = (
        RetentionPreviewItem.objects.filter(organisation=organisation, rule=rule)
        .select_related("content_type")
        .order_by("first_previewed_on", "id")
    )
    page = paginate(request, items)
    notice = timezone.timedelta(days=retention.notice_days())
    rows = []
    for item in page:
        model = item.content_type.model_class()
        rows.append((item, model._meta.verbose_name if model else "", item.first_previewed_on + notice))
    return render(
        request,
        "staff/privacy/retention_items.html",
        {
            "organisation": organisation,
            "rule": entry,
            "page": page,
            "rows": rows,
            "query": f"organisation={organisation.pk}",
        },
    )


@staff_required
@require_POST
def retention_preview(request):
    organisation = _organisation(request)
    found = retention.preview_retention(organisation, today=timezone.localdate(), by=request.user)
    messages.success(
        request,
        ngettext(
            "The preview was made: %(n)s item.",
            "The preview was made: %(n)s items.",
            sum(found.counts.values()),
        )
        % {"n": sum(found.counts.values())},
    )
    return redirect("staff:privacy_retention")


@staff_required
def retention_edit(request, rule):
    organisation = _organisation(request)
    entry = _rule_or_404(rule)
    if not entry.editable:
        raise Http404
    current = RetentionOverride.objects.filter(organisation=organisation, rule=rule).first()
    instance = current or RetentionOverride(
        organisation=organisation, rule=rule, months=entry.default_months or 1
    )
    form = RetentionOverrideForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            changed = retention.set_retention_period(
                organisation,
                rule=rule,
                by=request.user,
                values=form.domain_values(),
                expected_version=form.get_expected_version(),
            )
        if outcome.ok:
            show_saved(request, changed, _("The retention period was saved."))
            return redirect("staff:privacy_retention")
    return render(
        request,
        "staff/privacy/retention_edit.html",
        {
            "organisation": organisation,
            "rule": entry,
            "form": form,
            "default": retention.period_text(entry, entry.default_months),
            "override": current,
        },
    )
