from koppel.common.models.base import KoppelModel
from koppel.common.models.logs import AccessLog, ActivityLog

__all__ = ["AccessLog", "ActivityLog", "KoppelModel"]
