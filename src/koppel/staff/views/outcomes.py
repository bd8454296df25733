"""Staff page for the outcomes report (OUT-1..4, CLS-1).

Read-only: the filter form (GET) -> `build_outcomes` -> change per domain with its chart per
moment, the OUT-3 split, relationship quality and the survival curve, each with its table. Every
figure is about a group of at least the programme's minimum (smaller groups are suppressed), never
about a person, so there is nothing for the access log. One view serves the page and, for HTMX
requests from the filter form, only the results partial.
"""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.reports import charts
from koppel.reports.charts import change_chart
from koppel.reports.domain.outcomes import LATER_MOMENTS, build_outcomes
from koppel.reports.domain.suppression import YOUTH, hidden_text
from koppel.staff.views.helpers import staff_required
from koppel.staff.views.reports import report_filter_form


@staff_required
def outcomes(request):
    today = timezone.localdate()
    form = report_filter_form(request, request.GET or None, today=today)
    report = build_outcomes(form.report_filter(), today=today)
    tables = {table.key: table for table in report.tables()}
    minimum, maximum = report.chart_range()
    moments = [
        {
            "change": tables[f"change_{moment}"],
            "by_length": tables[f"change_by_length_{moment}"],
            "chart": change_chart(
                title=tables[f"change_{moment}"].title,
                rows=report.change_chart_rows(moment),
                minimum=minimum,
                maximum=maximum,
                hidden=hidden_text(report.min_group, YOUTH),
            ),
        }
        for moment in LATER_MOMENTS
    ]
    survival_chart = None
    points = report.survival.points()
    if points:  # none when too few matches ended, or none has run a whole month yet
        survival_chart = charts.survival_chart(
            title=tables["survival"].title,
            points=points,
            x_label=_("months since the start"),
            y_label=_("Still active (%)"),
            # The curve ends where it is shown, not at an empty 24.
            x_max=max(3.0, points[-1][0]),
        )
    template = "staff/reports/outcomes.html"
    if request.htmx:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "report": report,
            "moments": moments,
            "relationship": tables["relationship"],
            "survival": tables["survival"],
            "survival_steps": tables["survival_steps"],
            "survival_chart": survival_chart,
        },
    )
