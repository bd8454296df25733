from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _speak_the_users_language(sender, request, user, **kwargs):
    """Switch to the person's language at login, before the welcome message is written."""
    if user.language and request is not None:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


class AccountsConfig(AppConfig):
    name = "koppel.accounts"
    verbose_name = _("Users")

    def ready(self) -> None:
        user_logged_in.connect(_speak_the_users_language, dispatch_uid="koppel-login-language")
        # Imported here: apps.py is loaded before the models are ready.
        from koppel.accounts import receivers
        from koppel.common.middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="koppel-session-clock")

        receivers.connect()
