"""Match rounds (MAT-1..6): running the engine on the models, storing proposals and reasons, and the
coordinator's decisions (accept, reject, lock, exclude, re-run)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.matches.domain import adapter, rounds
from koppel.matches.domain.reasons import unmatched_text
from koppel.matches.enums import Decision, MatchingObjective, MatchState, PairRuleKind, RoundStatus
from koppel.matches.models import Match, MatchRound
from koppel.people.models import Interest
from tests.factories import MatchFactory, ProgrammeFactory, UserFactory
from tests.factories.intake import IntakeFactory
from tests.factories.matching import TrainedMentorFactory, WaitingYouthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory()


@pytest.fixture
def pool():
    """Two waiting youth and two trained mentors; Amira asks for an Arabic-speaking mentor."""
    programme = ProgrammeFactory()
    amira = WaitingYouthFactory(programme=programme, first_name="Amira", wish_language="ar")
    bram = WaitingYouthFactory(programme=programme, first_name="Bram")
    xena = TrainedMentorFactory(programme=programme, first_name="Xena", languages=["nl", "ar"])
    yusuf = TrainedMentorFactory(programme=programme, first_name="Yusuf")
    return programme, amira, bram, xena, yusuf


def _run(programme, by, django_capture_on_commit_callbacks, **kwargs) -> MatchRound:
    with django_capture_on_commit_callbacks(execute=True):
        match_round = rounds.start_round(programme, by=by, **kwargs)
    match_round.refresh_from_db()
    return match_round


def _pairs(match_round) -> dict[int, set[int]]:
    return {p.youth_id: {m.pk for m in p.mentors.all()} for p in match_round.proposals.all()}


def test_a_round_runs_in_the_background_and_stores_proposals(
    pool, coordinator, django_capture_on_commit_callbacks
):
    programme, amira, bram, xena, yusuf = pool
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    assert match_round.status == RoundStatus.DONE
    assert match_round.progress == 1.0
    # MAT-5: only Xena speaks Arabic, so the best total gives her to Amira and Yusuf to Bram.
    assert _pairs(match_round) == {amira.pk: {xena.pk}, bram.pk: {yusuf.pk}}
    assert sorted(match_round.youth_ids) == sorted([amira.pk, bram.pk])
    proposal = match_round.proposals.get(youth=amira)
    assert proposal.score == pytest.approx(sum(proposal.factors.values()), abs=1e-6)
    assert proposal.decision == Decision.OPEN
    # Bram's alternative is the other mentor.
    assert [a["mentor"] for a in match_round.proposals.get(youth=bram).alternatives] == [xena.pk]
    actions = set(ActivityLog.objects.filter(object_id=match_round.pk).values_list("action", flat=True))
    assert {"matches.round.started", "matches.round.finished"} <= actions


def test_unmatched_youth_get_the_constraint_that_kept_them_unmatched(
    pool, coordinator, django_capture_on_commit_callbacks
):
    programme, *_ = pool
    turkish = WaitingYouthFactory(programme=programme, wish_language="tr")
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    row = match_round.unmatched.get()
    assert row.youth == turkish
    assert row.reason == "required_language"
    assert row.counts["required_language"] == 2
    text = unmatched_text(row.reason, row.codes, row.params, row.counts, 2)
    assert text == "No available mentor speaks Turkish."


def test_a_mentor_short_of_training_is_not_proposed__TRN_1(coordinator, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    youth = WaitingYouthFactory(programme=programme)
    TrainedMentorFactory(programme=programme, hours=1)  # 1 of the 2 hours
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    assert match_round.proposals.count() == 0
    assert match_round.unmatched.get().youth == youth
    assert match_round.unmatched.get().reason == "mentor_not_trained"


def test_filters_narrow_the_pool(pool, coordinator, django_capture_on_commit_callbacks):
    programme, _amira, bram, *_ = pool
    bram.neighbourhood = "Charlois"
    bram.save()
    match_round = _run(
        programme, coordinator, django_capture_on_commit_callbacks, youth_filter={"neighbourhood": "charl"}
    )
    assert match_round.youth_ids == [bram.pk]


def test_a_mentor_at_capacity_is_not_in_the_pool_and_one_with_room_is(
    pool, coordinator, django_capture_on_commit_callbacks
):
    programme, amira, _bram, xena, yusuf = pool
    MatchFactory(youth=WaitingYouthFactory(programme=programme, status="matched"), mentors=[yusuf])
    xena.capacity = 2
    xena.save()
    MatchFactory(youth=WaitingYouthFactory(programme=programme, status="matched"), mentors=[xena])
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    assert match_round.mentor_ids == [xena.pk]
    assert _pairs(match_round) == {amira.pk: {xena.pk}}


def test_accepting_creates_the_match_in_the_proposed_state(
    pool, coordinator, django_capture_on_commit_callbacks
):
    programme, amira, _bram, xena, _yusuf = pool
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    proposal = match_round.proposals.get(youth=amira)
    match = rounds.accept_proposal(proposal, by=coordinator)
    assert match.state == MatchState.PROPOSED
    assert list(match.mentors.all()) == [xena]
    amira.refresh_from_db()
    xena.refresh_from_db()
    assert amira.status == "matched"
    assert xena.status == "ready"  # "matched" follows once the match starts
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.match, proposal.decided_by) == (Decision.ACCEPTED, match, coordinator)
    assert ActivityLog.objects.filter(action="matches.proposal.accepted", object_id=match_round.pk).exists()
    with pytest.raises(DomainError, match="already decided"):
        rounds.accept_proposal(proposal, by=coordinator)


def test_accepting_is_refused_when_the_youth_got_a_match_meanwhile(
    pool, coordinator, django_capture_on_commit_callbacks
):
    programme, amira, _bram, _xena, yusuf = pool
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    MatchFactory(youth=amira, mentors=[yusuf], state=MatchState.PROPOSED)
    with pytest.raises(DomainError, match="already has an open match"):
        rounds.accept_proposal(match_round.proposals.get(youth=amira), by=coordinator)
    assert Match.objects.filter(youth=amira).count() == 1


def test_a_rerun_does_not_propose_a_rejected_pair_again(
    pool, coordinator, django_capture_on_commit_callbacks
):
    programme, amira, bram, xena, _yusuf = pool
    first = _run(programme, coordinator, django_capture_on_commit_callbacks)
    rounds.reject_proposal(first.proposals.get(youth=bram), by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        second = rounds.rerun_round(first, by=coordinator)
    second.refresh_from_db()
    assert second.previous == first
    # Bram-Yusuf is rejected and Xena must stay with Amira (the only Arabic speaker).
    assert _pairs(second) == {amira.pk: {xena.pk}}
    assert second.unmatched.get().youth == bram


def test_a_locked_pair_is_kept_and_an_excluded_pair_avoided_on_a_rerun(
    pool, coordinator, django_capture_on_commit_callbacks
):
    programme, amira, bram, xena, yusuf = pool
    first = _run(programme, coordinator, django_capture_on_commit_callbacks)
    assert _pairs(first)[bram.pk] == {yusuf.pk}
    rounds.set_pair_rule(programme, bram, xena, PairRuleKind.LOCK, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        second = rounds.rerun_round(first, by=coordinator)
    second.refresh_from_db()
    # The lock wins over Amira's wish: Bram keeps Xena, and Amira (Arabic) is left unmatched.
    assert _pairs(second) == {bram.pk: {xena.pk}}
    assert second.proposals.get(youth=bram).locked_mentor_ids == [xena.pk]
    rounds.set_pair_rule(programme, bram, xena, PairRuleKind.EXCLUDE, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        third = rounds.rerun_round(second, by=coordinator)
    third.refresh_from_db()
    assert _pairs(third) == {amira.pk: {xena.pk}, bram.pk: {yusuf.pk}}
    actions = list(
        ActivityLog.objects.filter(object_id=programme.pk, action__startswith="matches.pair.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["matches.pair.excluded", "matches.pair.locked"]


def test_a_pair_rule_needs_people_of_the_programme(pool, coordinator):
    programme, amira, *_ = pool
    stranger = TrainedMentorFactory()
    with pytest.raises(DomainError, match="must both belong"):
        rounds.set_pair_rule(programme, amira, stranger, PairRuleKind.LOCK, by=coordinator)


def test_a_failing_round_is_marked_failed_with_a_readable_error(
    pool, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    programme, *_ = pool

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(rounds, "run_engine", broken)
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    assert match_round.status == RoundStatus.FAILED
    assert "error" in match_round.error
    assert "exploded" not in match_round.error


def test_a_round_is_not_rerun_while_it_runs(pool, coordinator):
    programme, *_ = pool
    running = MatchRound.objects.create(programme=programme, status=RoundStatus.RUNNING)
    with pytest.raises(DomainError, match="still running"):
        rounds.rerun_round(running, by=coordinator)


def test_an_excluded_pair_cannot_be_accepted(pool, coordinator, django_capture_on_commit_callbacks):
    programme, amira, _bram, xena, _yusuf = pool
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    rounds.set_pair_rule(programme, amira, xena, PairRuleKind.EXCLUDE, by=coordinator)
    with pytest.raises(DomainError, match=r"can no longer be accepted: A coordinator excluded this pair\."):
        rounds.accept_proposal(match_round.proposals.get(youth=amira), by=coordinator)
    assert not Match.objects.filter(youth=amira).exists()


def test_a_proposal_of_a_round_that_was_run_again_cannot_be_accepted(
    pool, coordinator, django_capture_on_commit_callbacks
):
    programme, amira, *_ = pool
    first = _run(programme, coordinator, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        rounds.rerun_round(first, by=coordinator)
    with pytest.raises(DomainError, match="run again"):
        rounds.accept_proposal(first.proposals.get(youth=amira), by=coordinator)


# --- What a round aims for (MAT-1 youth first, REL-3) and what matched --------------------------------


@pytest.fixture
def team_pool():
    """A team programme (2 to 4 mentors) with 3 waiting youth and 8 places. Two youth waited a year
    and like football as the mentors do, so each of their pairs scores higher than any of the third's:
    the best total alone would make two teams of 4."""
    programme = ProgrammeFactory(form="team", team_size_min=2, team_size_max=4)
    football = Interest.objects.get(slug="voetbal")
    long_ago = timezone.localdate() - timedelta(days=365)
    youths = []
    for name in ("Amira", "Bram"):
        youth = WaitingYouthFactory(programme=programme, first_name=name, waiting_since=long_ago)
        youth.interests.add(football)
        youths.append(youth)
    youths.append(
        WaitingYouthFactory(programme=programme, first_name="Chris", waiting_since=timezone.localdate())
    )
    for _ in range(8):
        TrainedMentorFactory(programme=programme).interests.add(football)
    return programme, youths


def test_a_team_round_gives_every_youth_a_team_when_places_allow__REL_3(
    team_pool, coordinator, django_capture_on_commit_callbacks
):
    programme, youths = team_pool
    assert adapter.matching_settings_of(programme).objective == MatchingObjective.YOUTH_FIRST
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    assert set(_pairs(match_round)) == {y.pk for y in youths}
    assert all(2 <= len(mentors) <= 4 for mentors in _pairs(match_round).values())
    assert not match_round.unmatched.exists()
    assert match_round.parameters["objective"] == "youth_first"


def test_a_round_for_the_best_total_says_the_mentors_went_to_larger_teams__REL_3(
    team_pool, coordinator, django_capture_on_commit_callbacks
):
    programme, (amira, bram, chris) = team_pool
    settings = adapter.matching_settings_of(programme)
    settings.objective = MatchingObjective.BEST_TOTAL
    settings.save()
    assert adapter.engine_rules(programme, settings).objective == "best_total"
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    assert match_round.parameters["objective"] == "best_total"
    assert {youth: len(mentors) for youth, mentors in _pairs(match_round).items()} == {
        amira.pk: 4,
        bram.pk: 4,
    }
    row = match_round.unmatched.get()
    assert (row.youth, row.reason) == (chris, "taken_for_best_total")
    with translation.override("en"):
        text = unmatched_text(row.reason, row.codes, row.params, row.counts, 8)
    assert text.startswith("The suitable mentors went to larger teams: the programme aims for the best total")


def test_a_round_stores_what_matched_with_each_mentor__MAT_1(coordinator, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    football = Interest.objects.get(slug="voetbal")
    youth = WaitingYouthFactory(programme=programme, interests_other="schaken")
    youth.interests.add(football)
    IntakeFactory(youth=youth).wish_interests.add(football)
    mentor = TrainedMentorFactory(programme=programme, interests_other="Schaken, koken")
    mentor.interests.add(football)
    match_round = _run(programme, coordinator, django_capture_on_commit_callbacks)
    (details,) = match_round.proposals.get(youth=youth).details
    assert details["mentor_id"] == mentor.pk
    assert details["shared_interests"] == ["schaken", "voetbal"]
    assert details["wished_interests_met"] == ["voetbal"]
    assert details["age_gap"] == mentor.age - youth.age


UNMATCHED_TEXTS = [
    (
        "team_incomplete",
        {"mentors": "3", "suitable": "3", "team_min": "2", "free": "1"},
        (
            "Too few suitable mentors were free to form a team of 2 (REL-3): 1 of the 3 had room left, "
            "and other teams could not spare enough of the others."
        ),
    ),
    # A round stored before the count of free mentors was kept.
    (
        "team_incomplete",
        {"suitable": "3", "team_min": "2"},
        "Too few suitable mentors were free to form a team (REL-3).",
    ),
    (
        "taken_for_best_total",
        {"mentors": "35", "suitable": "35", "team_min": "2"},
        (
            "The suitable mentors went to larger teams: the programme aims for the best total score. "
            "Matching as many youth as possible first could give this youth a team as well (REL-3)."
        ),
    ),
    (
        "taken_for_best_total",
        {"mentors": "2", "suitable": "1"},
        (
            "The suitable mentors went to other youth: the programme aims for the best total score. "
            "Matching as many youth as possible first could give this youth a mentor as well, without "
            "another youth losing theirs."
        ),
    ),
    (
        "not_found_in_time",
        {"suitable": "4", "team_min": "2"},
        (
            "The round stopped at its time limit before it found a team for this youth, although suitable "
            "mentors could still have formed one (REL-3)."
        ),
    ),
    (
        "outside_candidates",
        {"suitable": "3", "k": "100"},
        (
            "Suitable mentors who could still take this youth were not among the pairs the round compares "
            "(each youth's best 100 mentors and each mentor's best 100 youth)."
        ),
    ),
]


@pytest.mark.parametrize(("reason", "params", "text"), UNMATCHED_TEXTS)
def test_unmatched_texts_say_only_what_is_true__REL_3(reason, params, text):
    with translation.override("en"):
        assert unmatched_text(reason, [reason], params, {}, 35) == text
