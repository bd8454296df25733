from koppel.common.models.base import KoppelModel
from koppel.common.models.jobs import ClaimedJob
from koppel.common.models.logs import AccessLog, ActivityLog
from koppel.common.models.ratelimit import RateLimitWindow
from koppel.common.models.reminders import Reminder, ReminderKind, ReminderStatus

__all__ = [
    "AccessLog",
    "ActivityLog",
    "ClaimedJob",
    "KoppelModel",
    "RateLimitWindow",
    "Reminder",
    "ReminderKind",
    "ReminderStatus",
]
