import warnings

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_shipped_instruments(sender, using="default", plan=None, **kwargs):
    """After every migrate, load (or update to a new revision) the instruments that ship with Koppel.
    Idempotent: an unchanged definition writes nothing."""
    from django.db import connections

    # Imported here: apps.py is loaded before the models are ready.
    from koppel.common.domain.errors import DomainError
    from koppel.surveys.domain.instruments import install_shipped_instruments

    # `migrate surveys zero` or a partial migrate: nothing to load into.
    tables = connections[using].introspection.table_names()
    if not {"surveys_instrument", "surveys_subscale", "surveys_item", "common_activitylog"} <= set(tables):
        return
    try:
        install_shipped_instruments()
    except DomainError as e:
        # A shipped file changed without a higher revision: say so, but never stop a migrate.
        warnings.warn(f"Koppel's shipped survey instruments were not all loaded: {e.message}", stacklevel=1)


class SurveysConfig(AppConfig):
    name = "koppel.surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        # Imported here: apps.py is loaded before the models are ready.
        from koppel.common.domain.reminders import register_reminder_kinds
        from koppel.people.domain.pipeline import AFTER_DISQUALIFICATION
        from koppel.surveys.domain.delivery import cancel_surveys_of_disqualified_mentor
        from koppel.surveys.domain.reminders import REMINDERS

        register_reminder_kinds(*REMINDERS)
        post_migrate.connect(_install_shipped_instruments, sender=self)
        if cancel_surveys_of_disqualified_mentor not in AFTER_DISQUALIFICATION:
            AFTER_DISQUALIFICATION.append(cancel_surveys_of_disqualified_mentor)
