from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchesConfig(AppConfig):
    name = "koppel.matches"
    verbose_name = _("Matches")

    def ready(self) -> None:
        from koppel.common.guards import register
        from koppel.matches.guards import GUARDS

        register(*GUARDS)
