"""Match rounds (MAT-1..6): start one, run it in the background, decide on its proposals.

A coordinator starts a round for a programme (filters narrow the waiting youth and the available
mentors); a background task runs the engine (`matchmaker.solver.match`) with the programme's rules,
weights, locked and excluded pairs, and stores the proposals, their explanations and alternatives,
and the unmatched youth with their reasons. The coordinator then accepts (a match in the proposed
state), rejects, locks or excludes pairs, and re-runs. Every round and every decision is audited.

A round is a job a worker claims (koppel.common.domain.jobs): its progress doubles as the worker's
heartbeat, and a round whose worker stopped is queued again by the periodic command
(`release_stale_rounds`), or given up after a few attempts, or given up at once by a re-run.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from koppel.accounts.models import User
from koppel.common.domain import jobs
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.matches.domain import adapter
from koppel.matches.domain.pair_check import check_pair
from koppel.matches.enums import OPEN_STATES, Decision, MatchOrigin, MatchState, PairRuleKind, RoundStatus
from koppel.matches.models import Match, MatchMentor, MatchRound, PairRule, RoundProposal, RoundUnmatched
from koppel.people.domain.disqualification import refuse_unless_clear_to_match
from koppel.people.domain.youth_status import move_youth
from koppel.people.enums import MentorStatus, YouthStatus
from koppel.people.models import Mentor, Youth
from koppel.programmes.models import Programme
from matchmaker.solver import match as run_engine
from matchmaker.types import Result, Rules

logger = logging.getLogger(__name__)

# Progress is written to the database at most this often (as a fraction of the whole round), and at
# least every jobs.HEARTBEAT_EVERY seconds.
PROGRESS_STEP = 0.04

# Stored in English and translated when shown: the worker and the periodic command have no user
# language. Never personal data.
FAILED_ERROR = gettext_noop(
    "The round stopped with an error; try again, or ask the administrator to look at the log."
)
WORKER_LOST_ERROR = gettext_noop(
    "The background worker stopped each time it ran this round, so the round was given up. Run it "
    "again, or ask the administrator to check that the background worker is running."
)
RERUN_ERROR = gettext_noop("The background worker stopped while running this round; it was run again.")


# --- The pool --------------------------------------------------------------------------------------


def filtered_pool(programme: Programme, youth_filter: dict, mentor_filter: dict) -> tuple[QuerySet, QuerySet]:
    """The waiting youth and available mentors of the programme, narrowed by a round's filters.

    Filters (all optional): youth `neighbourhood` (contains), `school_type`, `min_waiting_days`;
    mentors `neighbourhood` (contains), `gender`.
    """
    youth = adapter.waiting_youth(programme)
    if youth_filter.get("neighbourhood"):
        youth = youth.filter(neighbourhood__icontains=youth_filter["neighbourhood"])
    if youth_filter.get("school_type"):
        youth = youth.filter(school_type=youth_filter["school_type"])
    if youth_filter.get("min_waiting_days"):
        since = timezone.localdate() - timedelta(days=int(youth_filter["min_waiting_days"]))
        youth = youth.filter(waiting_since__lte=since)
    mentors = adapter.available_mentors(programme)
    if mentor_filter.get("neighbourhood"):
        mentors = mentors.filter(neighbourhood__icontains=mentor_filter["neighbourhood"])
    if mentor_filter.get("gender"):
        mentors = mentors.filter(gender=mentor_filter["gender"])
    return youth.order_by("pk"), mentors.order_by("pk")


# --- Starting and running ----------------------------------------------------------------------------


@transaction.atomic
def start_round(
    programme: Programme,
    *,
    by: User,
    youth_filter: dict | None = None,
    mentor_filter: dict | None = None,
    previous: MatchRound | None = None,
) -> MatchRound:
    """Queue a match round; the background task `run_match_round` runs it after the commit.

    Side effects: an activity-log entry on the round.
    """
    # A cycle: koppel.matches.tasks imports this module (run_round).
    from koppel.matches.tasks import run_match_round

    match_round = MatchRound.objects.create(
        programme=programme,
        started_by=by,
        previous=previous,
        youth_filter=youth_filter or {},
        mentor_filter=mentor_filter or {},
    )
    log_action(
        match_round,
        "matches.round.started",
        by=by,
        data={"previous": previous.pk if previous else None},
    )
    transaction.on_commit(partial(run_match_round.enqueue, match_round.pk))
    return match_round


@transaction.atomic
def rerun_round(previous: MatchRound, *, by: User) -> MatchRound:
    """A new round with the same filters; locked pairs are kept, excluded and rejected ones avoided.

    A round whose worker stopped (no sign of life for jobs.STALE_AFTER) is given up first, with
    RERUN_ERROR, rather than left to the periodic command. Refused while a round runs or waits for
    a worker. Side effects: activity-log entries on both rounds.
    """
    # A cycle: koppel.matches.tasks imports this module (run_round).
    from koppel.matches.tasks import run_match_round

    if not previous.finished:
        if not jobs.give_up_stalled_job(MatchRound, previous, task=run_match_round, error=RERUN_ERROR):
            raise DomainError(
                _("This round is still running; wait until it is done before running it again.")
            )
        log_action(previous, "matches.round.worker_lost", by=by, data={"attempts": previous.attempts})
    return start_round(
        previous.programme,
        by=by,
        youth_filter=previous.youth_filter,
        mentor_filter=previous.mentor_filter,
        previous=previous,
    )


def rejected_pairs(match_round: MatchRound) -> frozenset[tuple[int, int]]:
    """Pairs rejected in the rounds this one re-runs: a re-run looks for something else."""
    pairs: set[tuple[int, int]] = set()
    previous = match_round.previous
    seen = 0
    while previous is not None and seen < 50:
        for proposal in previous.proposals.filter(decision=Decision.REJECTED).prefetch_related("mentors"):
            pairs.update((proposal.youth_id, m.pk) for m in proposal.mentors.all())
        previous, seen = previous.previous, seen + 1
    return frozenset(pairs)


class _Progress:
    """Writes the engine's progress to the round when it moved PROGRESS_STEP or the stage changed,
    and at least every jobs.HEARTBEAT_EVERY seconds (the worker's heartbeat). Raises jobs.ClaimLost
    when the round was taken from this run, which stops the engine."""

    def __init__(self, beat: jobs.Heartbeat, start: float, end: float):
        self.beat, self.start, self.end = beat, start, end
        self.last = -1.0
        self.stage = ""

    def __call__(self, fraction: float, stage: str) -> None:
        overall = self.start + (self.end - self.start) * fraction
        if stage != self.stage or overall - self.last >= PROGRESS_STEP or self.beat.due:
            self.last, self.stage = overall, stage
            self.beat.write(progress=round(overall, 3), stage=stage)


def run_round(round_id: int, *, run: str | None = None) -> MatchRound:
    """Run a queued round (called by the background task). Never raises: a failure is stored on the
    round (status "failed") with a short error for the coordinator; details go to the log by id only.

    The round is claimed for `run` (a new run id by default) with one conditional UPDATE, so of two
    workers only one runs it; a round that is not queued is left alone. A run whose round was taken
    from it as stale (its worker seemed gone) stops at its next write and stores nothing.
    """
    run = run or jobs.new_run_id()
    claimed = jobs.claim_job(MatchRound, round_id, run=run, stage="loading", progress=0.02)
    match_round = MatchRound.objects.select_related("programme__settings").get(pk=round_id)
    if not claimed:
        return match_round
    try:
        _run(match_round, jobs.Heartbeat(MatchRound, round_id, run))
    except jobs.ClaimLost:
        logger.warning("match round %s was released from run %s; its result is not stored", round_id, run)
    except Exception:
        logger.exception("match round %s failed", round_id)
        # A run that lost its round leaves the failure to the run that holds it now.
        with contextlib.suppress(jobs.ClaimLost):
            jobs.write_claimed(
                MatchRound,
                round_id,
                run=run,
                status=RoundStatus.FAILED,
                error=FAILED_ERROR,
                finished_at=timezone.now(),
            )
    match_round.refresh_from_db()
    return match_round


def release_stale_rounds(*, now: datetime | None = None) -> jobs.Released:
    """Rounds whose worker stopped: queued again (their task too), or after jobs.MAX_ATTEMPTS failed
    with WORKER_LOST_ERROR (the periodic command calls this). Side effects: an activity-log entry
    "matches.round.worker_lost" on each round it changed; the stopped workers' task rows failed."""
    # A cycle: koppel.matches.tasks imports this module (run_round).
    from koppel.matches.tasks import run_match_round

    return jobs.release_stale_jobs(
        MatchRound,
        task=run_match_round,
        error=WORKER_LOST_ERROR,
        reset={"stage": "", "progress": 0},
        action="matches.round.worker_lost",
        now=now,
    )


def _run(match_round: MatchRound, beat: jobs.Heartbeat) -> None:
    programme = match_round.programme
    today = timezone.localdate()
    youth_qs, mentor_qs = filtered_pool(programme, match_round.youth_filter, match_round.mentor_filter)
    youths = adapter.youth_profiles(youth_qs, today=today)
    mentors = adapter.mentor_profiles(mentor_qs, programme, today=today)
    settings = adapter.matching_settings_of(programme)
    locked, excluded = adapter.pair_rules(programme)
    rules = adapter.engine_rules(
        programme, settings, locked=locked, excluded=excluded | rejected_pairs(match_round)
    )
    beat.write(progress=0.1, stage="encoding")
    result = run_engine(youths, mentors, rules, progress=_Progress(beat, 0.1, 0.9))
    with transaction.atomic():
        # First the claim: a run that lost it stores nothing (ClaimLost rolls back).
        beat.write(
            status=RoundStatus.DONE,
            stage="done",
            progress=1.0,
            parameters=_parameters(rules),
            youth_ids=[y.id for y in youths],
            mentor_ids=[m.id for m in mentors],
            total_score=result.total_score,
            optimal=getattr(result, "optimal", True),
            finished_at=timezone.now(),
        )
        _store(match_round, result)
        log_action(
            match_round,
            "matches.round.finished",
            by=None,
            data={
                "youth": len(youths),
                "mentors": len(mentors),
                "proposals": len(result.proposals),
                "unmatched": len(result.unmatched),
            },
        )


def _parameters(rules: Rules) -> dict[str, object]:
    return {
        "min_age_gap": rules.min_age_gap,
        "preferred_age_gap": rules.preferred_age_gap,
        "min_availability_overlap": rules.min_availability_overlap,
        "max_travel_km": rules.max_travel_km,
        "online": rules.online,
        "team_min": rules.team_min,
        "team_max": rules.team_max,
        "min_score": rules.min_score,
        "objective": rules.objective,
        "weights": rules.weights.as_dict(),
        "locked": sorted(map(list, rules.locked)),
        "excluded": sorted(map(list, rules.excluded)),
    }


def _store(match_round: MatchRound, result: Result) -> None:
    proposals = RoundProposal.objects.bulk_create(
        RoundProposal(
            round=match_round,
            youth_id=p.youth_id,
            rank=rank,
            score=p.score,
            factors=p.factors,
            details=[d.as_dict() for d in p.details],
            locked_mentor_ids=list(p.locked),
            alternatives=[
                {"mentor": a.mentor_id, "score": a.score} for a in result.alternatives.get(p.youth_id, ())
            ],
        )
        for rank, p in enumerate(result.proposals, start=1)
    )
    through = RoundProposal.mentors.through
    through.objects.bulk_create(
        through(roundproposal_id=row.pk, mentor_id=mentor_id)
        for row, p in zip(proposals, result.proposals, strict=True)
        for mentor_id in p.mentor_ids
    )
    RoundUnmatched.objects.bulk_create(
        RoundUnmatched(
            round=match_round,
            youth_id=u.youth_id,
            reason=u.reason,
            codes=list(getattr(u, "codes", ()) or (u.reason,)),
            params=dict(getattr(u, "params", {}) or {}),
            counts=u.counts,
        )
        for u in result.unmatched
    )


# --- Decisions ---------------------------------------------------------------------------------------


def _lock_proposal(proposal: RoundProposal) -> RoundProposal:
    fresh = RoundProposal.objects.select_for_update().select_related("round__programme").get(pk=proposal.pk)
    if fresh.decision != Decision.OPEN:
        raise DomainError(
            _("This proposal was already decided: %(decision)s.") % {"decision": fresh.get_decision_display()}
        )
    return fresh


@transaction.atomic
def accept_proposal(proposal: RoundProposal, *, by: User) -> Match:
    """Accept a proposal: the match is created in the proposed state.

    Refused when the round was re-run since, when the pair now breaks a hard constraint or was
    excluded, when the youth already has an open match, or a mentor has no room left. Side effects: the
    youth's status becomes "matched" (a mentor's follows once the match starts), activity-log entries.
    """
    proposal = _lock_proposal(proposal)
    if MatchRound.objects.filter(previous_id=proposal.round_id).exists():
        raise DomainError(_("This round was run again; decide on the proposals of the newer round."))
    mentors = list(proposal.mentors.all())
    # The same checks as a pair by hand: an exclusion or a change since the round blocks it.
    check = check_pair(proposal.round.programme, proposal.youth, mentors)
    if check.broken:
        raise DomainError(
            _("This pair can no longer be accepted: %(problems)s")
            % {"problems": " ".join(p.text for p in check.broken)}
        )
    match = create_proposed_match(proposal.round.programme, proposal.youth, mentors, by=by)
    RoundProposal.objects.filter(pk=proposal.pk).update(
        decision=Decision.ACCEPTED, decided_by=by, decided_at=timezone.now(), match=match
    )
    log_action(proposal.round, "matches.proposal.accepted", by=by, data={"youth": proposal.youth_id})
    return match


@transaction.atomic
def reject_proposal(proposal: RoundProposal, *, by: User) -> None:
    """Reject a proposal; a re-run of the round will not propose the same pair again."""
    proposal = _lock_proposal(proposal)
    RoundProposal.objects.filter(pk=proposal.pk).update(
        decision=Decision.REJECTED, decided_by=by, decided_at=timezone.now()
    )
    log_action(proposal.round, "matches.proposal.rejected", by=by, data={"youth": proposal.youth_id})


@transaction.atomic
def set_pair_rule(programme: Programme, youth: Youth, mentor: Mentor, kind: str, *, by: User) -> PairRule:
    """Lock a pair (later rounds keep it) or exclude it (never proposed again). Replaces an earlier
    rule for the same pair. Side effects: an activity-log entry on the programme."""
    if youth.programme_id != programme.pk or mentor.programme_id != programme.pk:
        raise DomainError(_("The youth and the mentor must both belong to this programme."))
    rule, _created = PairRule.objects.update_or_create(
        programme=programme, youth=youth, mentor=mentor, defaults={"kind": kind, "created_by": by}
    )
    action = "matches.pair.locked" if kind == PairRuleKind.LOCK else "matches.pair.excluded"
    log_action(programme, action, by=by, data={"youth": youth.pk, "mentor": mentor.pk})
    return rule


@transaction.atomic
def remove_pair_rule(rule: PairRule, *, by: User) -> None:
    """Undo a lock or an exclusion. Side effects: an activity-log entry on the programme."""
    log_action(
        rule.programme,
        "matches.pair.released",
        by=by,
        data={"youth": rule.youth_id, "mentor": rule.mentor_id, "kind": rule.kind},
    )
    rule.delete()


def create_proposed_match(
    programme: Programme,
    youth: Youth,
    mentors: list[Mentor],
    *,
    by: User,
    origin: str = MatchOrigin.ROUND,
    note: str = "",
) -> Match:
    """A match in the proposed state, for a round's proposal or a pair by hand (MAT-6).

    Must run inside a transaction. Refused when the youth is not waiting or already has an open match,
    a mentor has any fact of a disqualification or a disclosed conviction not accepted (SCR-3,
    whatever their status says), or a mentor is
    not available or has no room left.
    """
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    # Re-read the mentors under a lock: their status may have changed since the caller loaded them.
    mentors = list(Mentor.objects.select_for_update().filter(pk__in=[m.pk for m in mentors]).order_by("pk"))
    refuse_unless_clear_to_match(mentors, doing=_("a new match"))
    if youth.status != YouthStatus.WAITING:
        raise DomainError(
            _("%(name)s is not on the waiting list (status: %(status)s).")
            % {"name": youth.full_name, "status": youth.get_status_display()}
        )
    if Match.objects.filter(youth=youth, programme=programme, state__in=OPEN_STATES).exists():
        raise DomainError(_("%(name)s already has an open match.") % {"name": youth.full_name})
    for mentor in mentors:
        open_matches = MatchMentor.objects.filter(mentor=mentor, match__state__in=OPEN_STATES).count()
        if mentor.status not in (MentorStatus.READY, MentorStatus.MATCHED) or open_matches >= mentor.capacity:
            raise DomainError(_("%(name)s has no room for another youth.") % {"name": mentor.full_name})
    match = Match.objects.create(
        programme=programme, youth=youth, state=MatchState.PROPOSED, origin=origin, origin_note=note
    )
    MatchMentor.objects.bulk_create(MatchMentor(match=match, mentor=m) for m in mentors)
    log_action(
        match, "matches.match.proposed", by=by, data={"mentors": [m.pk for m in mentors], "origin": origin}
    )
    move_youth(youth, YouthStatus.MATCHED, by=by, action="people.youth.matched", data={"match": match.pk})
    return match


@dataclass(frozen=True)
class RoundSummary:
    proposals: int
    open: int
    accepted: int
    rejected: int
    unmatched: int


def summary_of(match_round: MatchRound) -> RoundSummary:
    """Counts for the round's page, in two queries."""
    counts = match_round.proposals.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(decision=Decision.OPEN)),
        accepted=Count("id", filter=Q(decision=Decision.ACCEPTED)),
        rejected=Count("id", filter=Q(decision=Decision.REJECTED)),
    )
    return RoundSummary(
        proposals=counts["total"],
        open=counts["open"],
        accepted=counts["accepted"],
        rejected=counts["rejected"],
        unmatched=match_round.unmatched.count(),
    )
