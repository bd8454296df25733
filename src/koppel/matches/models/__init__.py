from koppel.matches.models.match import Match, MatchMentor
from koppel.matches.models.places import PostcodeArea
from koppel.matches.models.rounds import MatchingSettings, MatchRound, PairRule, RoundProposal, RoundUnmatched

__all__ = [
    "Match",
    "MatchMentor",
    "MatchRound",
    "MatchingSettings",
    "PairRule",
    "PostcodeArea",
    "RoundProposal",
    "RoundUnmatched",
]
