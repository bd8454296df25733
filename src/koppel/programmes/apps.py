from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "koppel.programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        # Imported here: apps.py is loaded before the models are ready.
        from koppel.common.templatetags.koppel import FIELDS_OF, SETTINGS_ACTION
        from koppel.programmes.models import ProgrammeSettings

        FIELDS_OF[SETTINGS_ACTION] = ProgrammeSettings
