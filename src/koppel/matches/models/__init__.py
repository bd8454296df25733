from koppel.matches.models.match import Match, MatchMentor

__all__ = ["Match", "MatchMentor"]
