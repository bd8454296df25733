"""Answering a survey: in the portal behind login ("My surveys"), and through a personal signed link
without an account (`links:survey`). One page for both, made for a phone: every item's answer
scale as big radio buttons, grouped by subscale; each change is saved at once with HTMX, and a plain
"Save and finish later" button does the same without JavaScript, so an interrupted survey resumes.

A respondent only ever sees their own survey (`portal_assignments`): a mentor or guardian never
sees a youth's answers or scores.
"""

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.attempts import TooManyAttempts
from koppel.common.domain.audit import log_access
from koppel.common.domain.errors import DomainError
from koppel.common.refusal import show_refusal
from koppel.policy import get_visible_or_404
from koppel.portal.views.helpers import portal_required
from koppel.surveys.domain import delivery, responses
from koppel.surveys.domain.queries.assignments import own_surveys
from koppel.surveys.enums import ANSWERABLE, AssignmentStatus, Respondent
from koppel.surveys.forms.delivery import AnswersForm, SecondCheckForm, survey_language
from koppel.surveys.models import Item

SAVE_LATER = "save"
SEND = "send"


def _items(assignment) -> list[Item]:
    return list(
        Item.objects.filter(instrument_id=assignment.instrument_id)
        .select_related("subscale")
        .order_by("subscale__position", "subscale_id", "position", "id")
    )


def _sections(form: AnswersForm) -> list[dict]:
    """The form's fields grouped under their subscale's heading, in the instrument's order."""
    sections = []
    for subscale, items in groupby(form.items, key=lambda item: item.subscale):
        sections.append(
            {
                "heading": subscale.name if subscale is not None else "",
                "fields": [form[AnswersForm.name_of(item)] for item in items],
            }
        )
    return sections


def _form(request, assignment, items, *, bound: bool) -> AnswersForm:
    language = survey_language(assignment.language)
    if bound:
        return AnswersForm(request.POST, assignment=assignment, items=items, language=language)
    initial = {AnswersForm.name_of(item): value for item, value in _saved(assignment, items)}
    return AnswersForm(initial=initial, assignment=assignment, items=items, language=language)


def _saved(assignment, items):
    answers = responses.answers_of(assignment)
    return [(item, answers[item.pk]) for item in items if item.pk in answers]


def _answer_page(request, assignment, *, save_url: str, page_url: str, done):
    """GET: the survey with the saved answers. POST: save (and with "send", submit); `done` gives
    the response after sending."""
    items = _items(assignment)
    unanswered = 0
    if request.method == "POST":
        form = _form(request, assignment, items, bound=True)
        if form.is_valid():
            with show_refusal(form) as outcome:
                responses.save_answers(assignment, values=form.values(), by=request.user)
                if request.POST.get("action") == SEND:
                    # Sending cannot be undone: with questions left open, ask once more first.
                    unanswered = len(items) - len(responses.answers_of(assignment))
                    if not unanswered or request.POST.get("confirm"):
                        responses.submit_assignment(assignment, by=request.user)
                        return done()
            if outcome.ok and not unanswered:
                messages.success(
                    request, _("Your answers are saved. You can close this page and continue later.")
                )
                return redirect(page_url)
    else:
        form = _form(request, assignment, items, bound=False)
    return render(
        request,
        "portal/surveys/answer.html",
        {
            "assignment": assignment,
            "instrument": assignment.instrument,
            "form": form,
            "sections": _sections(form),
            "save_url": save_url,
            "answered": len(_saved(assignment, items)),
            "unanswered": unanswered,
            "total": len(items),
            "SAVE_LATER": SAVE_LATER,
            "SEND": SEND,
        },
    )


def _save_fragment(request, assignment) -> HttpResponse:
    """HTMX: save what the form holds now; a small "saved" (or error) fragment, with the page's
    "x of N questions answered" count swapped in out of band."""
    items = _items(assignment)
    form = _form(request, assignment, items, bound=True)
    error = ""
    if form.is_valid():
        try:
            responses.save_answers(assignment, values=form.values(), by=request.user)
        except DomainError as e:
            error = e.message
    else:
        error = _("That answer is not one of the choices for this question.")
    return render(
        request,
        "portal/surveys/_saved.html",
        {"error": error, "answered": len(_saved(assignment, items)), "total": len(items)},
    )


# --- Through the personal link (no login) ---------------------------------------------------------

# The surveys whose second check this session passed (or whose answers it saved itself), as
# "<assignment id>:v<link version>": a re-issued link asks again.
CHECKED = "koppel_surveys_checked"
SECOND_CHECK = "second_check"


def _from_link(request, token, *, page: str):
    """The link's assignment, or the page saying why the link does not work. Every use of a valid
    link is in the access log (on the survey; the viewer is empty for a visitor without login).
    Shows the survey in the respondent's language unless they switched the language themselves."""
    try:
        assignment = delivery.assignment_from_token(token)
    except delivery.LinkExpired as e:
        return None, render(request, "portal/surveys/link_invalid.html", {"message": e.message}, status=410)
    except DomainError as e:
        return None, render(request, "portal/surveys/link_invalid.html", {"message": e.message}, status=404)
    log_access(assignment, by=request.user, page=page)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and assignment.language:
        translation.activate(assignment.language)
        request.LANGUAGE_CODE = translation.get_language()
    return assignment, None


def _checked_key(assignment) -> str:
    return f"{assignment.pk}:v{assignment.link_version}"


def _remember(request, assignment) -> None:
    checked = request.session.get(CHECKED, [])
    if _checked_key(assignment) not in checked:
        request.session[CHECKED] = [*checked, _checked_key(assignment)]


def _may_see_answers(request, assignment) -> bool:
    """Answers saved earlier are shown (and can be changed or sent) only in a session that passed
    the second check for this survey's current link, or that saved them itself. A survey without
    saved answers shows nothing of anyone's: it needs no check."""
    return _checked_key(assignment) in request.session.get(CHECKED, []) or not delivery.has_saved_answers(
        assignment
    )


def _second_check(request, assignment):
    """The check before saved answers are shown again: the date of birth (delivery.check_respondent),
    at most a few wrong answers an hour."""
    form = SecondCheckForm(
        request.POST if request.POST.get(SECOND_CHECK) else None,
        of_child=assignment.respondent == Respondent.GUARDIAN,
    )
    if form.is_bound and form.is_valid():
        try:
            passed = delivery.check_respondent(assignment, date_of_birth=form.cleaned_data["date_of_birth"])
        except TooManyAttempts as e:
            return render(request, "portal/surveys/link_invalid.html", {"message": e.message}, status=429)
        if passed:
            request.session.cycle_key()
            _remember(request, assignment)
            return redirect(request.path)
        form.add_error(None, _("That date is not the one we know. Check it and try again."))
    return render(request, "portal/surveys/link_check.html", {"assignment": assignment, "form": form})


@login_not_required
def survey_by_link(request, token):
    assignment, refusal = _from_link(request, token, page="links:survey")
    if refusal is not None:
        return refusal
    if assignment.status == AssignmentStatus.SUBMITTED:
        return render(request, "portal/surveys/thanks.html", {"assignment": assignment})
    if not _may_see_answers(request, assignment):
        return _second_check(request, assignment)
    if request.method == "POST":
        _remember(request, assignment)  # the answers saved from now on are this session's own
    url = reverse("links:survey", args=[token])
    return _answer_page(
        request,
        assignment,
        save_url=reverse("links:survey_save", args=[token]),
        page_url=url,
        done=lambda: render(request, "portal/surveys/thanks.html", {"assignment": assignment}),
    )


@login_not_required
@require_POST
def survey_save_by_link(request, token):
    assignment, refusal = _from_link(request, token, page="links:survey_save")
    if refusal is not None:
        if request.htmx:
            # HTMX shows only a 2xx answer: say in the "saved" spot why nothing was saved.
            try:
                delivery.assignment_from_token(token)
            except DomainError as e:
                return render(request, "portal/surveys/_saved.html", {"error": e.message})
        return refusal
    if not _may_see_answers(request, assignment):
        # Someone else saved answers meanwhile: nothing is changed before the second check.
        if request.htmx:
            message = _("Nothing was saved. Reload the page to continue.")
            return render(request, "portal/surveys/_saved.html", {"error": message})
        return redirect("links:survey", token=token)
    _remember(request, assignment)
    return _save_fragment(request, assignment)


# --- In the portal --------------------------------------------------------------------------------


@portal_required
def my_surveys(request):
    surveys = (
        own_surveys(request.user)
        .annotate(
            still_open=Case(
                When(status__in=ANSWERABLE, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("still_open", "due_on", "id")
    )
    return render(request, "portal/surveys/my_surveys.html", {"surveys": surveys})


@portal_required
def survey(request, pk):
    assignment = get_visible_or_404(own_surveys(request.user), pk)
    if not delivery.answerable(assignment):
        return render(request, "portal/surveys/closed.html", {"assignment": assignment})

    def done():
        messages.success(request, _("Thank you. Your answers were sent."))
        return redirect("portal:my_surveys")

    return _answer_page(
        request,
        assignment,
        save_url=reverse("portal:survey_save", args=[assignment.pk]),
        page_url=reverse("portal:survey", args=[assignment.pk]),
        done=done,
    )


@portal_required
@require_POST
def survey_save(request, pk):
    assignment = get_visible_or_404(own_surveys(request.user), pk)
    return _save_fragment(request, assignment)
