from koppel.training.models.curriculum import Module
from koppel.training.models.hours import ExternalHours
from koppel.training.models.peer import PeerGroup, PeerSession
from koppel.training.models.sessions import Registration, Session

__all__ = ["ExternalHours", "Module", "PeerGroup", "PeerSession", "Registration", "Session"]
