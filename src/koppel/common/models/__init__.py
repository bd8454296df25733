from koppel.common.models.attempts import FailedAttempt
from koppel.common.models.base import KoppelModel
from koppel.common.models.jobs import ClaimedJob
from koppel.common.models.logs import AccessLog, ActivityLog, LogPurge, LogRedaction
from koppel.common.models.outbox import MailStatus, OutgoingMail
from koppel.common.models.ratelimit import RateLimitWindow
from koppel.common.models.reminders import Reminder, ReminderKind, ReminderStatus

__all__ = [
    "AccessLog",
    "ActivityLog",
    "ClaimedJob",
    "FailedAttempt",
    "KoppelModel",
    "LogPurge",
    "LogRedaction",
    "MailStatus",
    "OutgoingMail",
    "RateLimitWindow",
    "Reminder",
    "ReminderKind",
    "ReminderStatus",
]
