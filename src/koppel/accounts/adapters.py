import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.utils import translation

from koppel.accounts import crypto
from koppel.accounts.domain import security_log
from koppel.common.domain.mail import queue_rendered_mail


def _typed_login(credentials) -> str:
    return credentials.get("email") or credentials.get("username") or ""


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are made by coordinators and administrators, never by self-registration.
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security_log.record_lockout(_typed_login(credentials))
            raise

    def authentication_failed(self, request, **credentials) -> None:
        super().authentication_failed(request, **credentials)
        security_log.record_failed_login(_typed_login(credentials))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (password reset and the like) go through the outbox like every other
        mail: rendered now, in the language of the request, and delivered by the worker."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        queue_rendered_mail(
            email,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            subject=message.subject,
            body=message.body,
            log_ref=f"account mail {template_prefix.rsplit('/', 1)[-1]}",
        )

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A staff member made to enrol in MFA right after logging in is not asked for the password
        again; changing an existing second factor still asks for it."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = getattr(self, "request", None)
        if not required or app != "allauth.mfa" or request is None or not request.user.is_authenticated:
            return required
        if Authenticator.objects.filter(user=request.user).exists():
            return True
        records = get_authentication_records(request, request.user)
        return not (records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT)


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and the recovery-code seed are stored encrypted, never in the clear."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)

    def get_totp_issuer(self) -> str:
        return settings.SITE_NAME
