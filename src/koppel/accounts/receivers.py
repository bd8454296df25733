"""allauth's signals, written to the activity log (koppel.accounts.domain.security_log)."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_out

from koppel.accounts.domain import security_log


def _logged_in(sender, request, user, **kwargs):
    security_log.record_login(user)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        security_log.record_logout(user)


def _password_reset(sender, request, user, **kwargs):
    security_log.record_password_reset(user)


def _password_changed(sender, request, user, **kwargs):
    security_log.record_password_change(user)


def _email_added(sender, request, user, email_address, **kwargs):
    if not email_address.verified:
        security_log.record_email_added(email_address.user)


def _email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    security_log.record_email_change(to_email_address.user)


def _mfa(action):
    def receiver(sender, request, user, authenticator, **kwargs):
        by = request.user if request is not None else None
        security_log.record_mfa_change(user, action, kind=authenticator.type, by=by)

    return receiver


def _mfa_failed(sender, request, user, **kwargs):
    security_log.record_mfa_failure(user)


def connect() -> None:
    account_signals.user_logged_in.connect(_logged_in, dispatch_uid="koppel-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="koppel-audit-logout")
    account_signals.password_reset.connect(_password_reset, dispatch_uid="koppel-audit-reset")
    account_signals.password_changed.connect(_password_changed, dispatch_uid="koppel-audit-password")
    account_signals.email_added.connect(_email_added, dispatch_uid="koppel-audit-email-added")
    account_signals.email_changed.connect(_email_changed, dispatch_uid="koppel-audit-email")
    for action, signal in (
        ("added", mfa_signals.authenticator_added),
        ("removed", mfa_signals.authenticator_removed),
        ("reset", mfa_signals.authenticator_reset),
    ):
        signal.connect(_mfa(action), dispatch_uid=f"koppel-audit-mfa-{action}", weak=False)
    mfa_signals.authentication_failed.connect(_mfa_failed, dispatch_uid="koppel-audit-mfa-failed")
