from koppel.common.models.base import KoppelModel
from koppel.common.models.logs import AccessLog, ActivityLog
from koppel.common.models.reminders import Reminder, ReminderKind, ReminderStatus

__all__ = ["AccessLog", "ActivityLog", "KoppelModel", "Reminder", "ReminderKind", "ReminderStatus"]
