"""Screening pages (SCR-1..4) and the mentor pipeline, for the programme's coordinators and
administrators only. Every request to one of these pages is written to the access log, because
every one of them shows screening details.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from koppel.common.domain.audit import log_access
from koppel.common.forms import VersionedModelForm
from koppel.common.refusal import show_refusal
from koppel.people.domain.pipeline import (
    SIMPLE_TRANSITIONS,
    approval_checklist,
    next_statuses,
    plan_interview,
    resume_mentor,
)
from koppel.people.domain.queries.screening import (
    disclosures_visible_to,
    interviews_visible_to,
    references_visible_to,
    screening_mentors_visible_to,
    vogs_visible_to,
)
from koppel.people.domain.screening import (
    add_reference,
    record_interview,
    record_self_disclosure,
    record_vog,
    review_disclosure,
    update_interview,
    update_reference,
    update_vog,
)
from koppel.people.enums import MentorQuality, MentorStatus
from koppel.people.forms.screening import (
    DisclosureForm,
    DisclosureReviewForm,
    InterviewForm,
    ReferenceForm,
    TransitionForm,
    VogForm,
)
from koppel.people.models import Mentor, PipelineEvent
from koppel.policy import get_visible_or_404
from koppel.staff.views.helpers import posted_and_saved, staff_required
from koppel.training.domain.ledger import pre_match_hours_missing

SCREENING_PAGE = "staff:mentor_screening"


def _mentor(request, pk, page: str):
    """The mentor, if the user is staff of the mentor's programme (404 otherwise); access logged."""
    mentor = get_visible_or_404(
        screening_mentors_visible_to(request.user).select_related("programme__settings", "coordinator"), pk
    )
    log_access(mentor, by=request.user, page=page)
    return mentor


def _record(request, queryset, pk, page: str):
    """A screening record of a mentor the user may see (404 otherwise); access logged on the mentor."""
    record = get_visible_or_404(queryset.select_related("mentor__programme__settings"), pk)
    log_access(record.mentor, by=request.user, page=page)
    return record


def _screening_page(request, mentor, transition_form=None, status=200):
    quality_labels = dict(MentorQuality.choices)
    interviews = [
        (interview, [(quality_labels.get(code, code), r) for code, r in interview.qualities.items()])
        for interview in mentor.interviews.select_related("interviewer")
    ]
    statuses = next_statuses(mentor)
    context = {
        "mentor": mentor,
        "checklist": approval_checklist(mentor),
        "events": PipelineEvent.objects.filter(mentor=mentor).select_related("by"),
        "interviews": interviews,
        "references": mentor.references.all(),
        "vogs": mentor.conduct_certificates.select_related("original_seen_by"),
        "disclosures": mentor.disclosures.select_related("reviewed_by"),
        "transition_form": transition_form or (TransitionForm(statuses=statuses) if statuses else None),
        "hours_missing": pre_match_hours_missing(mentor)
        if mentor.status in (MentorStatus.APPROVED, MentorStatus.PAUSED)
        else None,
    }
    return render(request, "staff/screening/mentor_screening.html", context, status=status)


@staff_required
def mentor_screening(request, pk):
    mentor = _mentor(request, pk, SCREENING_PAGE)
    return _screening_page(request, mentor)


@staff_required
def mentor_transition(request, pk):
    """Move the mentor along the pipeline; a refused gate is shown on the screening page."""
    mentor = _mentor(request, pk, SCREENING_PAGE)
    statuses = next_statuses(mentor)
    form = TransitionForm(request.POST or None, statuses=statuses)
    if request.method == "POST" and form.is_valid():
        to, reason = form.cleaned_data["to"], form.cleaned_data["reason"]
        with show_refusal(form) as outcome:
            if to == MentorStatus.INTERVIEW_PLANNED:
                plan_interview(
                    mentor,
                    by=request.user,
                    planned_for=form.cleaned_data["planned_for"],
                    kind=form.cleaned_data["kind"],
                    reason=reason,
                )
            elif to == "resume":
                resume_mentor(mentor, by=request.user, reason=reason)
            else:
                SIMPLE_TRANSITIONS[to](mentor, by=request.user, reason=reason)
        if outcome.ok:
            messages.success(
                request, _("The status is now '%(status)s'.") % {"status": mentor.get_status_display()}
            )
            return redirect("staff:mentor_screening", pk=mentor.pk)
    return _screening_page(request, mentor, transition_form=form)


def _form_page(request, form, mentor, title):
    return render(
        request, "staff/screening/record_form.html", {"form": form, "mentor": mentor, "title": title}
    )


def _recorded[T](
    request: HttpRequest, form: VersionedModelForm, record: Callable[..., T], mentor: Mentor
) -> T | None:
    """On a POST with a valid form, the new screening record, `record(mentor, by=, values=)`; None
    on a GET, an invalid form or a refusal (its message on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    with show_refusal(form) as outcome:
        new = record(mentor, by=request.user, values=form.domain_values())
    return new if outcome.ok else None


def _back(mentor):
    return redirect("staff:mentor_screening", pk=mentor.pk)


# --- Interviews (SCR-1, SCR-4) --------------------------------------------------------------------


@staff_required
def interview_create(request, pk):
    mentor = _mentor(request, pk, "staff:interview_create")
    form = InterviewForm(request.POST or None, mentor=mentor, initial={"interviewer": request.user.pk})
    if _recorded(request, form, record_interview, mentor) is not None:
        messages.success(request, _("The interview was saved."))
        return _back(mentor)
    return render(request, "staff/screening/interview_form.html", {"form": form, "mentor": mentor})


@staff_required
def interview_edit(request, pk):
    interview = _record(request, interviews_visible_to(request.user), pk, "staff:interview_edit")
    form = InterviewForm(request.POST or None, instance=interview, mentor=interview.mentor)
    if posted_and_saved(request, form, update_interview, interview):
        messages.success(request, _("The interview was saved."))
        return _back(interview.mentor)
    return render(
        request,
        "staff/screening/interview_form.html",
        {"form": form, "mentor": interview.mentor, "interview": interview},
    )


# --- References (SCR-2) ---------------------------------------------------------------------------


@staff_required
def reference_create(request, pk):
    mentor = _mentor(request, pk, "staff:reference_create")
    form = ReferenceForm(request.POST or None, mentor=mentor)
    if _recorded(request, form, add_reference, mentor) is not None:
        messages.success(request, _("The reference was saved."))
        return _back(mentor)
    return _form_page(request, form, mentor, _("Add a reference"))


@staff_required
def reference_edit(request, pk):
    reference = _record(request, references_visible_to(request.user), pk, "staff:reference_edit")
    form = ReferenceForm(request.POST or None, instance=reference)
    if posted_and_saved(request, form, update_reference, reference):
        messages.success(request, _("The reference was saved."))
        return _back(reference.mentor)
    return _form_page(request, form, reference.mentor, _("Reference"))


# --- Certificate of conduct (SCR-2, SCR-3) --------------------------------------------------------


def _vog_message(request, certificate_or_mentor) -> None:
    mentor = getattr(certificate_or_mentor, "mentor", certificate_or_mentor)
    mentor.refresh_from_db(fields=["status"])
    if mentor.status == MentorStatus.DISQUALIFIED:
        messages.warning(request, _("SCR-3: the refused certificate of conduct disqualified this mentor."))
    else:
        messages.success(request, _("The certificate of conduct was saved."))


@staff_required
def vog_create(request, pk):
    mentor = _mentor(request, pk, "staff:vog_create")
    form = VogForm(request.POST or None, mentor=mentor)
    if _recorded(request, form, record_vog, mentor) is not None:
        _vog_message(request, mentor)
        return _back(mentor)
    return _form_page(request, form, mentor, _("Certificate of conduct (VOG)"))


@staff_required
def vog_edit(request, pk):
    certificate = _record(request, vogs_visible_to(request.user), pk, "staff:vog_edit")
    form = VogForm(request.POST or None, instance=certificate, mentor=certificate.mentor)
    if posted_and_saved(request, form, update_vog, certificate):
        _vog_message(request, certificate)
        return _back(certificate.mentor)
    return _form_page(request, form, certificate.mentor, _("Certificate of conduct (VOG)"))


# --- Self-disclosure (SCR-3) ----------------------------------------------------------------------


@staff_required
def disclosure_create(request, pk):
    mentor = _mentor(request, pk, "staff:disclosure_create")
    form = DisclosureForm(request.POST or None, mentor=mentor)
    disclosure = _recorded(request, form, record_self_disclosure, mentor)
    if disclosure is not None:
        if disclosure.involves_children:
            messages.warning(
                request, _("SCR-3: the disclosed offence involving children disqualified this mentor.")
            )
        elif disclosure.other_conviction:
            messages.info(request, _("The disclosure waits for a coordinator's review."))
        else:
            messages.success(request, _("The self-disclosure was saved."))
        return _back(mentor)
    return _form_page(request, form, mentor, _("Self-disclosure"))


@staff_required
def disclosure_review(request, pk):
    disclosure = _record(request, disclosures_visible_to(request.user), pk, "staff:disclosure_review")
    form = DisclosureReviewForm(
        request.POST or None, initial={"decision": disclosure.decision, "notes": disclosure.review_notes}
    )
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            review_disclosure(
                disclosure,
                by=request.user,
                decision=form.cleaned_data["decision"],
                notes=form.cleaned_data["notes"],
            )
        if outcome.ok:
            messages.success(request, _("The decision was recorded."))
            return _back(disclosure.mentor)
    return render(
        request,
        "staff/screening/disclosure_review.html",
        {"form": form, "mentor": disclosure.mentor, "disclosure": disclosure},
    )
