"""Role-matrix rows for the match-round pages (MAT-1..6)."""

from django.urls import reverse

from tests.factories.matching import MatchRoundFactory, PairRuleFactory, RoundProposalFactory
from tests.matrix import LOGIN, NOT_STAFF, STAFF_OBJECT, STAFF_PAGE, Row, expect, url

STAFF_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=404, **NOT_STAFF)


def _round(name):
    return lambda cast: reverse(name, args=[MatchRoundFactory(programme=cast.programme).pk])


def _proposal_decide(cast):
    proposal = RoundProposalFactory(round=MatchRoundFactory(programme=cast.programme))
    return reverse("staff:match_proposal_decide", args=[proposal.pk, "reject"])


def _pair_rule_set(cast):
    proposal = RoundProposalFactory(round=MatchRoundFactory(programme=cast.programme))
    mentor = proposal.mentors.get()
    return reverse("staff:match_pair_rule_set", args=[proposal.pk, mentor.pk, "exclude"])


def _pair_rule_release(cast):
    return reverse("staff:match_pair_rule_release", args=[PairRuleFactory(programme=cast.programme).pk])


ROWS: dict[str, Row] = {
    "staff:match_rounds": Row(url("staff:match_rounds"), STAFF_PAGE),
    "staff:match_round_create": Row(url("staff:match_round_create"), STAFF_PAGE),
    "staff:match_round_detail": Row(_round("staff:match_round_detail"), STAFF_OBJECT),
    "staff:match_round_progress": Row(_round("staff:match_round_progress"), STAFF_OBJECT),
    "staff:match_round_rerun": Row(_round("staff:match_round_rerun"), STAFF_POST, method="post"),
    "staff:match_proposal_decide": Row(_proposal_decide, STAFF_POST, method="post"),
    "staff:match_pair_rule_set": Row(_pair_rule_set, STAFF_POST, method="post"),
    "staff:match_pair_rule_release": Row(_pair_rule_release, STAFF_POST, method="post"),
}
