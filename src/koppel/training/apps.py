from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "koppel.training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Imported here: apps.py is loaded before the models are ready.
        from koppel.common.domain.reminders import register_reminder_kinds
        from koppel.people.domain.pipeline import give_hours_missing
        from koppel.training.domain.ledger import pre_match_hours_missing
        from koppel.training.domain.reminders import REMINDERS

        register_reminder_kinds(*REMINDERS)
        give_hours_missing(pre_match_hours_missing)
