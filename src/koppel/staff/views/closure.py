"""Staff pages for closure (CLS-1, OUT-2): one page per match that shows what its state allows:
start the closure (active), the closure conversations and the close button (closing), the summary,
contact rules, follow-up and rematch (closed), or cancel (a match that never started).
Same recipe as koppel.staff.views.helpers: selector -> form -> domain function -> message -> redirect."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.audit import log_access_all
from koppel.common.refusal import show_refusal
from koppel.matches.domain import closure as domain
from koppel.matches.domain.access import people_of_match
from koppel.matches.domain.lifecycle import latest_agreement
from koppel.matches.enums import ContactAfterClosure, MatchState
from koppel.matches.forms.closure import CancelForm, ConversationForm, StartClosureForm
from koppel.matches.models import Closure, ClosureConversation, Match
from koppel.people.enums import YouthStatus
from koppel.policy import get_visible_or_404, staff_matches
from koppel.staff.views.helpers import run_step, staff_required


def _match(request, pk):
    return get_visible_or_404(staff_matches(request.user).select_related("youth", "programme__settings"), pk)


def _closure(match) -> Closure | None:
    return Closure.objects.filter(match=match).first()


def _closure_page(request, match, *, start_form=None, conversation_form=None, cancel_form=None, status=200):
    closure = _closure(match)
    log_access_all(people_of_match(match), by=request.user, page="staff:match_closure")
    today = timezone.localdate()
    context = {
        "match": match,
        "closure": closure,
        "agreed_end": domain.agreed_end(match),
        "not_started": match.state in domain.NOT_STARTED,
    }
    if match.state == MatchState.ACTIVE:
        agreement = latest_agreement(match)
        context["start_form"] = start_form or StartClosureForm(
            initial={
                "ends_on": today,
                "contact_after": agreement.contact_after
                if agreement
                else ContactAfterClosure.THROUGH_PROGRAMME,
                "contact_after_note": agreement.contact_after_note if agreement else "",
            }
        )
    if context["not_started"]:
        context["cancel_form"] = cancel_form or CancelForm()
    if closure is not None:
        slots = domain.parties_of(match)
        conversations = list(
            ClosureConversation.objects.filter(closure=closure).select_related("mentor", "guardian")
        )
        held = {domain.slot_key(c) for c in conversations}
        bound_key = conversation_form.data.get("with_whom") if conversation_form is not None else None
        context["parties"] = []
        for index, slot in enumerate(slots):
            form = (
                conversation_form
                if slot.key == bound_key
                else ConversationForm(initial={"with_whom": slot.key, "held_on": today})
            )
            form.auto_id = f"party{index}_%s"  # one form per party on the page: ids stay unique
            context["parties"].append({"slot": slot, "held": slot.key in held, "form": form})
        context["conversations"] = conversations
        context["missing"] = domain.missing_conversations(closure)
        context["mentors"] = [s.mentor for s in slots if s.mentor is not None]
        context["can_rematch"] = match.state == MatchState.CLOSED and match.youth.status == YouthStatus.CLOSED
    return render(request, "staff/closure/match_closure.html", context, status=status)


@staff_required
def match_closure(request, pk):
    match = _match(request, pk)
    if request.method != "POST":
        return _closure_page(request, match)
    if match.state != MatchState.ACTIVE:
        messages.error(request, _("Only an active match can start its closure."))
        return redirect("staff:match_closure", pk=match.pk)
    return _submit(
        request,
        match,
        StartClosureForm(request.POST),
        lambda values: domain.start_closure(match, by=request.user, **values),
        done=_("The closure has started. Hold a closure conversation with each party."),
        form_name="start_form",
    )


@staff_required
@require_POST
def closure_conversation_add(request, pk):
    match = _match(request, pk)
    closure = _closure(match)
    if closure is None or match.state != MatchState.CLOSING:
        messages.error(request, _("Closure conversations are recorded while the match is closing."))
        return redirect("staff:match_closure", pk=match.pk)
    return _submit(
        request,
        match,
        ConversationForm(request.POST),
        lambda values: domain.record_closure_conversation(closure, by=request.user, values=values),
        done=_("The closure conversation was recorded."),
        form_name="conversation_form",
    )


def _submit(
    request: HttpRequest,
    match: Match,
    form: StartClosureForm | ConversationForm | CancelForm,
    step: Callable[[dict[str, Any]], object],
    *,
    done: str,
    form_name: str,
) -> HttpResponse:
    """A form of the closure page: when it is valid, `step(cleaned_data)` calls the domain function;
    done, the success message and back to the page; else the page with the form and its errors (or
    the refusal) under `form_name`."""
    if form.is_valid():
        with show_refusal(form) as outcome:
            step(form.cleaned_data)
        if outcome.ok:
            messages.success(request, done)
            return redirect("staff:match_closure", pk=match.pk)
    return _closure_page(request, match, **{form_name: form})


def _post_step(request, pk, step, done):
    match = _match(request, pk)
    run_step(request, step, match, done=done)
    return redirect("staff:match_closure", pk=match.pk)


@staff_required
@require_POST
def match_close(request, pk):
    return _post_step(request, pk, domain.close_match, _("The match is closed."))


@staff_required
@require_POST
def match_rematch(request, pk):
    return _post_step(
        request,
        pk,
        domain.rematch_youth,
        _("The youth is back on the waiting list for a new match."),
    )


@staff_required
@require_POST
def match_cancel(request, pk):
    match = _match(request, pk)
    if match.state not in domain.NOT_STARTED:
        messages.error(
            request, _("Only a match that has not started can be cancelled; close a started match.")
        )
        return redirect("staff:match_closure", pk=match.pk)
    return _submit(
        request,
        match,
        CancelForm(request.POST),
        lambda values: domain.cancel_match(match, by=request.user, **values),
        done=_("The match was cancelled; the youth is back on the waiting list."),
        form_name="cancel_form",
    )
