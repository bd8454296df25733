"""Staff pages for match rounds (MAT-1..6): start a round, follow its progress, read the proposals
with their explanations, and accept, reject, lock or exclude pairs.
Same recipe as koppel.staff.views.helpers."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from koppel.common.domain.jobs import is_stalled
from koppel.common.refusal import show_refusal
from koppel.matches.domain import rounds
from koppel.matches.domain.reasons import (
    RULE_OF,
    explanation,
    factor_rows,
    interest_names,
    met_constraints,
    unmatched_text,
)
from koppel.matches.enums import OPEN_STATES, Decision, MatchingObjective, PairRuleKind
from koppel.matches.forms.rounds import RoundStartForm
from koppel.matches.models import Match
from koppel.policy import (
    get_visible_or_404,
    match_rounds_visible_to,
    pair_rules_visible_to,
    programmes_visible_to,
    proposals_visible_to,
    staff_mentors,
)
from koppel.staff.views.helpers import paginate, staff_required

STAGES = {
    "loading": lambda: _("Loading the profiles"),
    "encoding": lambda: _("Preparing the profiles"),
    "scoring": lambda: _("Checking and scoring every pair"),
    "solving": lambda: _("Finding the best matching for the whole group"),
    "explaining": lambda: _("Writing the explanations"),
    "done": lambda: _("Done"),
}


def stage_label(stage: str) -> str:
    return STAGES[stage]() if stage in STAGES else _("Waiting for a worker")


@staff_required
def round_list(request):
    match_rounds = (
        match_rounds_visible_to(request.user)
        .select_related("programme", "started_by")
        .annotate(
            n_proposals=Count("proposals", distinct=True),
            n_accepted=Count("proposals", filter=Q(proposals__decision=Decision.ACCEPTED), distinct=True),
            n_unmatched=Count("unmatched", distinct=True),
        )
        .order_by("-created_at", "-id")
    )
    programme_id = request.GET.get("programme", "")
    if programme_id.isdigit():
        match_rounds = match_rounds.filter(programme_id=int(programme_id))
    return render(
        request,
        "staff/matching/round_list.html",
        {"page": paginate(request, match_rounds), "programmes": programmes_visible_to(request.user)},
    )


@staff_required
def round_create(request):
    initial = {"programme": request.GET.get("programme")} if request.GET.get("programme") else None
    form = RoundStartForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        match_round = rounds.start_round(
            form.cleaned_data["programme"],
            by=request.user,
            youth_filter=form.youth_filter(),
            mentor_filter=form.mentor_filter(),
        )
        messages.success(request, _("The match round has started."))
        return redirect("staff:match_round_detail", pk=match_round.pk)
    return render(request, "staff/matching/round_form.html", {"form": form})


def _mentor_rows(proposal, rules: dict, names: dict, min_age_gap: int) -> list[dict]:
    """Each proposed mentor with their lock or exclusion and what matched (rounds stored before the
    pair details were kept have none)."""
    details = {d.get("mentor_id"): d for d in proposal.details}
    return [
        {
            "mentor": m,
            "rule": rules.get((proposal.youth_id, m.pk)),
            "matched": explanation(details[m.pk], names, min_age_gap=min_age_gap) if m.pk in details else [],
        }
        for m in proposal.mentors.all()
    ]


def _alternative_rows(proposal, mentor_names: dict) -> list[dict]:
    return [
        {"mentor_id": a["mentor"], "name": mentor_names.get(a["mentor"], ""), "score": a["score"]}
        for a in proposal.alternatives
        if a["mentor"] in mentor_names
    ]


@staff_required
def round_detail(request, pk):
    """The round: its progress while it runs; then the proposals (best first) with explanation bars,
    what matched (shared interests, wishes met, age gap), the constraints they meet and the
    alternatives, the unmatched youth with their reasons, and the programme's locked and excluded
    pairs."""
    match_round = get_visible_or_404(
        match_rounds_visible_to(request.user).select_related("programme", "started_by", "previous"), pk
    )
    context: dict = {"round": match_round, **_progress_context(match_round)}
    if match_round.finished:
        proposals = list(
            match_round.proposals.select_related("youth", "match")
            .prefetch_related("mentors")
            .order_by("rank")
        )
        alternative_ids = {a["mentor"] for p in proposals for a in p.alternatives}
        mentor_names = {
            m.pk: m.full_name
            for m in staff_mentors(request.user)
            .filter(pk__in=alternative_ids)
            .only("first_name", "last_name", "erased_at")
        }
        rules = {
            (r.youth_id, r.mentor_id): r
            for r in pair_rules_visible_to(request.user).filter(programme=match_round.programme)
        }
        weights = match_round.parameters.get("weights") or {}
        min_age_gap = int(match_round.parameters.get("min_age_gap", 2))
        names = interest_names(d for p in proposals for d in p.details)
        objective = match_round.parameters.get("objective")
        newer = match_round.reruns.order_by("-id").first()
        already_matched = set(
            Match.objects.filter(
                programme=match_round.programme,
                state__in=OPEN_STATES,
                youth_id__in=[p.youth_id for p in proposals],
            ).values_list("youth_id", flat=True)
        )
        unmatched = list(match_round.unmatched.select_related("youth").order_by("youth__last_name", "id"))
        n_mentors = len(match_round.mentor_ids)
        context.update(
            proposals=[
                {
                    "proposal": p,
                    "bars": factor_rows(p.factors, weights),
                    "alternatives": _alternative_rows(p, mentor_names),
                    "mentors": _mentor_rows(p, rules, names, min_age_gap),
                    "excluded": any(
                        (r := rules.get((p.youth_id, m.pk))) is not None and r.kind == PairRuleKind.EXCLUDE
                        for m in p.mentors.all()
                    ),
                    "already_matched": p.decision == Decision.OPEN and p.youth_id in already_matched,
                }
                for p in proposals
            ],
            unmatched=[
                {
                    "row": u,
                    "text": unmatched_text(u.reason, u.codes, u.params, u.counts, n_mentors),
                    "rules": sorted({RULE_OF[c] for c in u.codes if c in RULE_OF}),
                }
                for u in unmatched
            ],
            pair_rules=sorted(
                pair_rules_visible_to(request.user)
                .filter(programme=match_round.programme)
                .select_related("youth", "mentor"),
                key=lambda r: (r.kind, r.youth.last_name, r.mentor.last_name),
            ),
            met=met_constraints(),
            objective=MatchingObjective(objective).label if objective in MatchingObjective.values else "",
            newer=newer,
            summary=rounds.summary_of(match_round),
        )
    return render(request, "staff/matching/round_detail.html", context)


@staff_required
def round_progress(request, pk):
    """The progress bar, polled by HTMX; once the round is finished the whole page reloads."""
    match_round = get_visible_or_404(match_rounds_visible_to(request.user), pk)
    if match_round.finished:
        return HttpResponseClientRefresh()
    return render(
        request,
        "staff/matching/round_detail.html#progress",
        {"round": match_round, **_progress_context(match_round)},
    )


def _progress_context(match_round) -> dict:
    # A round whose worker went quiet says so and may be run again at once (rounds.rerun_round);
    # the periodic command would otherwise queue it again within minutes.
    return {"stage": stage_label(match_round.stage), "stalled": is_stalled(match_round)}


@staff_required
@require_POST
def round_rerun(request, pk):
    match_round = get_visible_or_404(match_rounds_visible_to(request.user).select_related("programme"), pk)
    with show_refusal(request) as outcome:
        new = rounds.rerun_round(match_round, by=request.user)
    if not outcome.ok:
        return redirect("staff:match_round_detail", pk=match_round.pk)
    messages.success(request, _("The round runs again with your locks and exclusions."))
    return redirect("staff:match_round_detail", pk=new.pk)


@staff_required
@require_POST
def proposal_decide(request, pk, action):
    proposal = get_visible_or_404(proposals_visible_to(request.user).select_related("youth", "round"), pk)
    if action not in ("accept", "reject"):
        raise Http404
    with show_refusal(request):
        if action == "accept":
            rounds.accept_proposal(proposal, by=request.user)
            messages.success(
                request,
                _("The match of %(name)s was created in the proposed state.")
                % {"name": proposal.youth.full_name},
            )
        else:
            rounds.reject_proposal(proposal, by=request.user)
            messages.success(
                request, _("The proposal for %(name)s was rejected.") % {"name": proposal.youth.full_name}
            )
    return redirect(f"{_round_url(proposal.round_id)}#proposal-{proposal.pk}")


def _round_url(round_id: int) -> str:
    return reverse("staff:match_round_detail", args=[round_id])


@staff_required
@require_POST
def pair_rule_set(request, pk, mentor_pk, kind):
    """Lock (keep on a re-run) or exclude (never propose again) a proposed or alternative pair."""
    proposal = get_visible_or_404(
        proposals_visible_to(request.user).select_related("youth", "round__programme"), pk
    )
    if kind not in PairRuleKind.values:
        raise Http404
    allowed = {m.pk for m in proposal.mentors.all()} | {a["mentor"] for a in proposal.alternatives}
    if mentor_pk not in allowed:
        raise Http404
    mentor = get_visible_or_404(staff_mentors(request.user), mentor_pk)
    with show_refusal(request) as outcome:
        rounds.set_pair_rule(proposal.round.programme, proposal.youth, mentor, kind, by=request.user)
    if outcome.ok:
        text = (
            _("%(youth)s and %(mentor)s are locked: a re-run keeps this pair.")
            if kind == PairRuleKind.LOCK
            else _("%(youth)s and %(mentor)s are excluded: they will not be proposed again.")
        )
        messages.success(request, text % {"youth": proposal.youth.full_name, "mentor": mentor.full_name})
    return redirect(f"{_round_url(proposal.round_id)}#proposal-{proposal.pk}")


@staff_required
@require_POST
def pair_rule_release(request, pk):
    rule = get_visible_or_404(pair_rules_visible_to(request.user).select_related("programme"), pk)
    rounds.remove_pair_rule(rule, by=request.user)
    messages.success(request, _("The lock or exclusion was removed."))
    back = request.POST.get("round", "")
    if back.isdigit() and match_rounds_visible_to(request.user).filter(pk=int(back)).exists():
        return redirect("staff:match_round_detail", pk=int(back))
    return redirect("staff:match_rounds")
