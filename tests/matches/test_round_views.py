"""The match-round pages: start a round, follow it, read proposals and reasons, decide."""

import pytest
from django.urls import reverse

from koppel.matches.enums import Decision, MatchState, PairRuleKind, RoundStatus
from koppel.matches.models import Match, MatchRound, PairRule
from tests.factories.matching import (
    MatchRoundFactory,
    RoundProposalFactory,
    RoundUnmatchedFactory,
    TrainedMentorFactory,
    WaitingYouthFactory,
)

pytestmark = pytest.mark.django_db


def test_a_coordinator_starts_a_round_and_reads_the_proposals(
    cast, client_for, django_capture_on_commit_callbacks
):
    programme = cast.programme
    youth = WaitingYouthFactory(programme=programme, first_name="Amira", wish_language="ar")
    mentor = TrainedMentorFactory(programme=programme, first_name="Xena", languages=["ar", "nl"])
    WaitingYouthFactory(programme=programme, first_name="Tarik", last_name="Turksma", wish_language="tr")
    client = client_for(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:match_round_create"), {"programme": programme.pk})
    match_round = MatchRound.objects.get(programme=programme)
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:match_round_detail", args=[match_round.pk])
    page = client.get(response["Location"], headers={"accept-language": "en"}).content.decode()
    assert match_round.proposals.get().youth == youth
    assert "Amira" in page and "Xena" in page
    assert '<meter min="0" max="100"' in page  # the explanation bars
    assert "The youth&#x27;s own wishes" in page or "The youth's own wishes" in page
    assert "Tarik Turksma" in page
    assert "No available mentor speaks Turkish." in page
    assert f"matching/proposals/{match_round.proposals.get().pk}/mentors/{mentor.pk}/lock/" in page


def test_start_form_refuses_another_coordinators_programme(cast, client_for):
    client = client_for(cast.coordinator)
    response = client.post(
        reverse("staff:match_round_create"),
        {"programme": cast.other_programme.pk, "youth_neighbourhood": "Bloemhof"},
    )
    assert response.status_code == 200
    assert not MatchRound.objects.exists()
    assert 'value="Bloemhof"' in response.content.decode()


def test_progress_polls_while_running_and_reloads_when_done(cast, client_for):
    client = client_for(cast.coordinator)
    running = MatchRoundFactory(
        programme=cast.programme, status=RoundStatus.RUNNING, progress=0.42, stage="scoring"
    )
    response = client.get(
        reverse("staff:match_round_progress", args=[running.pk]), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'value="42"' in body
    assert 'hx-trigger="every 1s"' in body
    assert "<h1>" not in body  # only the partial
    done = MatchRoundFactory(programme=cast.programme)
    response = client.get(reverse("staff:match_round_progress", args=[done.pk]))
    assert response["HX-Refresh"] == "true"


def test_accept_from_the_page_creates_the_match(cast, client_for):
    proposal = RoundProposalFactory(round=MatchRoundFactory(programme=cast.programme))
    client = client_for(cast.coordinator)
    response = client.post(reverse("staff:match_proposal_decide", args=[proposal.pk, "accept"]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#proposal-{proposal.pk}")
    match = Match.objects.get(youth=proposal.youth)
    assert match.state == MatchState.PROPOSED
    proposal.refresh_from_db()
    assert proposal.decision == Decision.ACCEPTED


def test_a_second_accept_shows_an_error_and_changes_nothing(cast, client_for):
    proposal = RoundProposalFactory(round=MatchRoundFactory(programme=cast.programme))
    client = client_for(cast.coordinator)
    client.post(reverse("staff:match_proposal_decide", args=[proposal.pk, "accept"]))
    response = client.post(reverse("staff:match_proposal_decide", args=[proposal.pk, "accept"]), follow=True)
    assert Match.objects.filter(youth=proposal.youth).count() == 1
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_lock_and_exclude_from_the_page(cast, client_for):
    proposal = RoundProposalFactory(round=MatchRoundFactory(programme=cast.programme))
    mentor = proposal.mentors.get()
    client = client_for(cast.coordinator)
    client.post(reverse("staff:match_pair_rule_set", args=[proposal.pk, mentor.pk, "lock"]))
    assert PairRule.objects.get(youth=proposal.youth, mentor=mentor).kind == PairRuleKind.LOCK
    client.post(reverse("staff:match_pair_rule_set", args=[proposal.pk, mentor.pk, "exclude"]))
    rule = PairRule.objects.get(youth=proposal.youth, mentor=mentor)
    assert rule.kind == PairRuleKind.EXCLUDE
    client.post(reverse("staff:match_pair_rule_release", args=[rule.pk]), {"round": proposal.round_id})
    assert not PairRule.objects.exists()


def test_only_proposed_or_alternative_mentors_can_be_locked(cast, client_for):
    proposal = RoundProposalFactory(round=MatchRoundFactory(programme=cast.programme))
    stranger = TrainedMentorFactory(programme=cast.programme)
    client = client_for(cast.coordinator)
    response = client.post(reverse("staff:match_pair_rule_set", args=[proposal.pk, stranger.pk, "lock"]))
    assert response.status_code == 404
    response = client.post(reverse("staff:match_pair_rule_set", args=[proposal.pk, stranger.pk, "marry"]))
    assert response.status_code == 404
    assert not PairRule.objects.exists()


def _detail_queries(client, match_round) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("staff:match_round_detail", args=[match_round.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_round_page_runs_a_constant_number_of_queries(cast, client_for):
    client = client_for(cast.coordinator)
    small, large = MatchRoundFactory(programme=cast.programme), MatchRoundFactory(programme=cast.programme)
    alternative = TrainedMentorFactory(programme=cast.programme)
    matched = [{"mentor_id": alternative.pk, "shared_interests": ["voetbal", "muziek"], "age_gap": 16}]
    RoundProposalFactory(
        round=small, alternatives=[{"mentor": alternative.pk, "score": 0.5}], details=matched
    )
    RoundUnmatchedFactory(round=small)
    for _ in range(12):
        RoundProposalFactory(
            round=large, alternatives=[{"mentor": alternative.pk, "score": 0.5}], details=matched
        )
        RoundUnmatchedFactory(round=large)
    assert _detail_queries(client, small) == _detail_queries(client, large)


def test_the_round_list_runs_a_constant_number_of_queries(cast, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.coordinator)
    MatchRoundFactory(programme=cast.programme)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("staff:match_rounds"))
    for _ in range(10):
        RoundProposalFactory(round=MatchRoundFactory(programme=cast.programme))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("staff:match_rounds"))
    assert len(one.captured_queries) == len(many.captured_queries)
    assert response.context["page"].paginator.count == 11


def _page(client, match_round) -> str:
    return client.get(reverse("staff:match_round_detail", args=[match_round.pk])).content.decode()


def test_the_explanation_says_what_matched_in_the_viewers_language__MAT_1(cast, client_for):
    """Not only "the youth's own wishes 100 %": the football both like, the wish it meets, the age gap."""
    match_round = MatchRoundFactory(programme=cast.programme, parameters={"min_age_gap": 2})
    mentor = TrainedMentorFactory(programme=cast.programme)
    details = {
        "mentor_id": mentor.pk,
        "shared_interests": ["voetbal", "kitesurfen"],
        "wished_interests_met": ["voetbal"],
        "wish_language": "ar",
        "wish_language_met": True,
        "age_gap": 16,
    }
    RoundProposalFactory(round=match_round, mentors=[mentor], details=[details])
    cast.coordinator.language = "en"
    cast.coordinator.save()
    client = client_for(cast.coordinator)
    page = _page(client, match_round)
    assert "What matched:" in page
    assert "Both like football and kitesurfen." in page  # a managed interest by name, an own word as written
    assert "Wish met: a mentor who likes football." in page
    assert "Wish met: a mentor who speaks Arabic." in page
    assert "The mentor is 16 years older than the youth." in page
    cast.coordinator.language = "nl"
    cast.coordinator.save()
    page = _page(client, match_round)
    assert "voetbal" in page and "football" not in page


def test_the_round_page_says_what_the_round_aimed_for_and_why_a_youth_missed_a_team__REL_3(cast, client_for):
    match_round = MatchRoundFactory(programme=cast.programme, parameters={"objective": "best_total"})
    RoundUnmatchedFactory(
        round=match_round,
        reason="taken_for_best_total",
        codes=["taken_for_best_total"],
        params={"mentors": "35", "suitable": "35", "team_min": "2"},
    )
    cast.coordinator.language = "en"
    cast.coordinator.save()
    page = _page(client_for(cast.coordinator), match_round)
    assert "The round aimed for: The best total score." in page
    assert "The suitable mentors went to larger teams: the programme aims for the best total score." in page
    assert "Too few suitable mentors" not in page
