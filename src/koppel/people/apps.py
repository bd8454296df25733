from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "koppel.people"
    verbose_name = _("People")

    def ready(self) -> None:
        # Imported here: apps.py is loaded before the models are ready.
        from koppel.common.domain.reminders import register_reminder_kinds
        from koppel.common.guards import register
        from koppel.people.domain.reminders import REMINDERS
        from koppel.people.guards import GUARDS

        register(*GUARDS)
        register_reminder_kinds(*REMINDERS)
