from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "koppel.people"
    verbose_name = _("People")

    def ready(self) -> None:
        from koppel.common.guards import register
        from koppel.people.guards import GUARDS

        register(*GUARDS)
