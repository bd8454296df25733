from koppel.matches.models.agreement import Agreement, Consent
from koppel.matches.models.match import Match, MatchEvent, MatchMentor
from koppel.matches.models.places import PostcodeArea
from koppel.matches.models.relationship import (
    Closure,
    ClosureConversation,
    Concern,
    HolidayPeriod,
    MeetingLog,
    Resource,
    SupportContact,
)
from koppel.matches.models.rounds import MatchingSettings, MatchRound, PairRule, RoundProposal, RoundUnmatched

__all__ = [
    "Agreement",
    "Closure",
    "ClosureConversation",
    "Concern",
    "Consent",
    "HolidayPeriod",
    "Match",
    "MatchEvent",
    "MatchMentor",
    "MatchRound",
    "MatchingSettings",
    "MeetingLog",
    "PairRule",
    "PostcodeArea",
    "Resource",
    "RoundProposal",
    "RoundUnmatched",
    "SupportContact",
]
