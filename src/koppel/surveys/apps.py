from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_shipped_instruments(sender, using="default", plan=None, **kwargs):
    """After every migrate, load (or update to a new revision) the instruments that ship with Koppel.
    Idempotent: an unchanged definition writes nothing."""
    from django.db import connections

    from koppel.surveys.domain.instruments import install_shipped_instruments

    # `migrate surveys zero` or a partial migrate: nothing to load into.
    tables = connections[using].introspection.table_names()
    if not {"surveys_instrument", "surveys_subscale", "surveys_item", "common_activitylog"} <= set(tables):
        return
    install_shipped_instruments()


class SurveysConfig(AppConfig):
    name = "koppel.surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        post_migrate.connect(_install_shipped_instruments, sender=self)
