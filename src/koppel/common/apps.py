from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender, using="default", **kwargs):
    """The database cache holds sessions and throttling; make sure its table exists after migrate."""
    from django.conf import settings
    from django.core.management import call_command

    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)


class CommonConfig(AppConfig):
    name = "koppel.common"
    verbose_name = _("Common")

    def ready(self) -> None:
        # Imported here: apps.py is loaded before the models are ready.
        from koppel.common import checks  # noqa: F401  (registers the deploy checks)
        from koppel.common.forms import install_id_range_check
        from koppel.common.guards import GUARDS, install_after_migrate, register

        register(*GUARDS)
        install_id_range_check()

        post_migrate.connect(_create_cache_table, sender=self)
        post_migrate.connect(install_after_migrate, sender=self)
