"""Staff pages for survey schedules (OUT-1, OUT-2, OUT-4), the surveys of a programme, one survey's
answers and scores, and a youth's surveys. Answers are for coordinators and administrators only;
every view of a youth's answers or scores is written to the access log. Same recipe as
koppel.staff.views.helpers: selector -> form -> domain function -> message -> redirect."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.audit import log_access
from koppel.common.refusal import show_refusal
from koppel.policy import (
    get_visible_or_404,
    instruments_visible_to,
    programmes_visible_to,
    staff_assignments,
    staff_scores,
    staff_youth,
    survey_schedules_visible_to,
)
from koppel.staff.views.helpers import (
    paginate,
    query_without_page,
    render_list,
    run_step,
    save_versioned_form,
    show_saved,
    staff_required,
)
from koppel.surveys.domain import schedules as domain
from koppel.surveys.domain.delivery import reissue_survey_link, survey_link
from koppel.surveys.enums import SENSITIVE_DOMAINS
from koppel.surveys.forms.delivery import ScheduleForm, SurveyFilterForm
from koppel.surveys.models import Answer, Item, Score, given_answers

# --- Schedules ------------------------------------------------------------------------------------


@staff_required
def programme_survey_schedules(request, pk):
    """A programme's schedules, and a form to add one (or the defaults, when it has none)."""
    programme = get_visible_or_404(programmes_visible_to(request.user).select_related("settings"), pk)
    instruments = instruments_visible_to(request.user).filter(
        Q(organisation__isnull=True) | Q(organisation_id=programme.organisation_id)
    )
    form = ScheduleForm(request.POST or None, instruments=instruments)
    if request.method == "POST":
        if request.POST.get("defaults"):
            with show_refusal(request) as outcome:
                created = domain.ensure_default_schedules(programme, by=request.user)
            if outcome.ok:
                if created:
                    messages.success(request, _("The default schedules were added."))
                else:
                    messages.info(request, _("The programme has schedules already."))
            return redirect("staff:programme_survey_schedules", pk=programme.pk)
        if form.is_valid():
            values = {k: v for k, v in form.domain_values().items() if k != "active"}
            with show_refusal(form) as outcome:
                domain.add_schedule(programme, by=request.user, values=values)
            if outcome.ok:
                messages.success(request, _("The schedule was added."))
                return redirect("staff:programme_survey_schedules", pk=programme.pk)
    schedules = (
        survey_schedules_visible_to(request.user)
        .filter(programme=programme)
        .select_related("instrument")
        .annotate(n_sent=Count("assignments"))
        .order_by("-active", "moment", "months", "respondent", "id")
    )
    return render(
        request,
        "staff/surveys/schedules.html",
        {"programme": programme, "schedules": schedules, "form": form},
    )


@staff_required
def survey_schedule_edit(request, pk):
    schedule = get_visible_or_404(
        survey_schedules_visible_to(request.user).select_related("programme", "instrument"), pk
    )
    form = ScheduleForm(
        request.POST or None, instance=schedule, instruments=instruments_visible_to(request.user)
    )
    if request.method == "POST" and form.is_valid():
        changed = save_versioned_form(request, form, domain.update_schedule, schedule)
        if changed is not None:
            show_saved(request, changed, _("The schedule was saved."))
            return redirect("staff:programme_survey_schedules", pk=schedule.programme_id)
    return render(request, "staff/surveys/schedule_form.html", {"schedule": schedule, "form": form})


@staff_required
@require_POST
def survey_schedule_deactivate(request, pk):
    schedule = get_visible_or_404(survey_schedules_visible_to(request.user), pk)
    run_step(
        request,
        domain.deactivate_schedule,
        schedule,
        done=_("The schedule was switched off. Surveys already sent stay open."),
    )
    return redirect("staff:programme_survey_schedules", pk=schedule.programme_id)


# --- Surveys --------------------------------------------------------------------------------------


def _assignment_rows(queryset):
    return queryset.select_related("instrument", "youth", "mentor", "guardian", "match").annotate(
        n_answers=Count("answers")
    )


@staff_required
def programme_surveys(request, pk):
    """The surveys of a programme, newest due first, filtered by status, instrument, moment and
    respondent. No answers on this page; a constant number of queries whatever its length."""
    programme = get_visible_or_404(programmes_visible_to(request.user), pk)
    filters = SurveyFilterForm(request.GET or None, instruments=instruments_visible_to(request.user))
    surveys = filters.filter(staff_assignments(request.user).filter(programme=programme))
    return render_list(
        request,
        "staff/surveys/survey_list.html",
        {
            "programme": programme,
            "filters": filters,
            "page": paginate(request, _assignment_rows(surveys).order_by("-due_on", "-id")),
            "query": query_without_page(request),
        },
    )


@staff_required
def survey_detail(request, pk):
    """One survey's answers and scores (coordinators and administrators only). Sensitive items and
    subscales (substance use, delinquency) are marked. Every view is in the access log, on the
    survey and on the youth it is about."""
    assignment = get_visible_or_404(
        staff_assignments(request.user).select_related(
            "instrument", "programme", "youth", "mentor", "guardian", "match"
        ),
        pk,
    )
    log_access(assignment, by=request.user, page="staff:survey_detail")
    log_access(assignment.youth, by=request.user, page="staff:survey_detail")
    answers = given_answers(Answer.objects.filter(assignment=assignment))
    items = (
        Item.objects.filter(instrument_id=assignment.instrument_id)
        .select_related("subscale")
        .order_by("subscale__position", "subscale_id", "position", "id")
    )
    scales = assignment.instrument.scales or {}
    rows = []
    for item in items:
        value = answers.get(item.pk)
        label = ""
        for option in (scales.get(item.scale) or {}).get("options", []):
            if option["value"] == value:
                label = option.get(request.LANGUAGE_CODE[:2]) or option.get("nl") or ""
        rows.append(
            {
                "item": item,
                "text": item.text_for(request.LANGUAGE_CODE, young=assignment.young),
                "value": value,
                "label": label,
                "sensitive": item.sensitive
                or (
                    item.subscale is not None
                    and (item.subscale.sensitive or item.subscale.domain in SENSITIVE_DOMAINS)
                ),
            }
        )
    scores = (
        Score.objects.filter(assignment=assignment).select_related("subscale").order_by("subscale__position")
    )
    return render(
        request,
        "staff/surveys/survey_detail.html",
        {
            "assignment": assignment,
            "rows": rows,
            "scores": scores,
            "sensitive_domains": SENSITIVE_DOMAINS,
            "link": survey_link(assignment) if assignment.status in ("open", "started") else "",
        },
    )


@staff_required
@require_POST
def survey_link_reissue(request, pk):
    """Replace the respondent's personal link: the old one stops at once (it was forwarded, or
    someone else may hold it). The new link is on the survey's page and in the next reminder."""
    assignment = get_visible_or_404(staff_assignments(request.user), pk)
    with show_refusal(request) as outcome:
        reissue_survey_link(assignment, by=request.user)
    if outcome.ok:
        messages.success(
            request,
            _(
                "The survey has a new personal link. The old link no longer works; "
                "the next reminder holds the new one."
            ),
        )
    return redirect("staff:survey_detail", pk=assignment.pk)


@staff_required
def youth_surveys(request, pk):
    """A youth's surveys (as respondent and those their mentors and parents answered about the
    match), with their scores. In the access log."""
    youth = get_visible_or_404(staff_youth(request.user).select_related("programme"), pk)
    log_access(youth, by=request.user, page="staff:youth_surveys")
    surveys = _assignment_rows(staff_assignments(request.user).filter(youth=youth)).order_by("-due_on", "-id")
    scores = (
        staff_scores(request.user)
        .filter(youth=youth, value__isnull=False)
        .select_related("subscale", "assignment")
        .order_by("subscale__position", "submitted_on")
    )
    return render(
        request,
        "staff/surveys/youth_surveys.html",
        {"youth": youth, "surveys": surveys, "scores": scores, "sensitive_domains": SENSITIVE_DOMAINS},
    )
