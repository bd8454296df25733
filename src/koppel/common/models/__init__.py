from koppel.common.models.base import KoppelModel
from koppel.common.models.jobs import ClaimedJob
from koppel.common.models.logs import AccessLog, ActivityLog, LogPurge
from koppel.common.models.reminders import Reminder, ReminderKind, ReminderStatus

__all__ = [
    "AccessLog",
    "ActivityLog",
    "ClaimedJob",
    "KoppelModel",
    "LogPurge",
    "Reminder",
    "ReminderKind",
    "ReminderStatus",
]
