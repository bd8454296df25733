"""The activity log of what happens to a login: log-ins, failed log-ins, lock-outs, password resets
and changes, address changes and second factors.

Each entry hangs on the account (the user row), so `history_of(user)` is the account's security
history. It holds ids, the kind of authenticator and nothing typed: never the address someone typed,
the old or new address, a code or a password.

A failed log-in or lock-out for an address that is no account's login address is written to no
activity log: there is no account to hang it on, and what was typed may be somebody else's address
(a typo) whom Koppel has no business recording. The server log gets one line without the address;
the throttle counts these attempts all the same.
"""

import logging

from koppel.accounts.domain.logins import users_by_login_address
from koppel.accounts.models import User
from koppel.common.domain.audit import log_action

logger = logging.getLogger("koppel.accounts")


def _account_of(typed_login: str) -> User | None:
    users = users_by_login_address(typed_login or "")
    return users[0] if len(users) == 1 else None


def _record_typed(typed_login: str, action: str, *, unknown: str) -> None:
    """`action` on the account whose login address was typed; for an address that is no account's,
    the line `unknown` in the server log only (see the module)."""
    user = _account_of(typed_login)
    if user is None:
        logger.info(unknown)
        return
    log_action(user, action, by=None)


def record_login(user: User) -> None:
    log_action(user, "accounts.login", by=user)


def record_logout(user: User) -> None:
    log_action(user, "accounts.logout", by=user)


def record_failed_login(typed_login: str) -> None:
    """A wrong password (or an inactive account) for what was typed as the login."""
    _record_typed(
        typed_login, "accounts.login.failed", unknown="Failed log-in for an address that is no account's"
    )


def record_lockout(typed_login: str) -> None:
    """The throttle refused a log-in attempt (too many failures for this address or client)."""
    _record_typed(
        typed_login,
        "accounts.login.locked",
        unknown="Log-in refused by the throttle for an address that is no account's",
    )


def record_password_reset(user: User) -> None:
    log_action(user, "accounts.password.reset", by=None, fields=["password"])


def record_password_change(user: User) -> None:
    log_action(user, "accounts.password.changed", by=user, fields=["password"])


def record_email_added(user: User) -> None:
    """A new address waits for its verification (it is no login address yet)."""
    log_action(user, "accounts.email.added", by=user)


def record_email_change(user: User) -> None:
    log_action(user, "accounts.email.changed", by=user, fields=["email"])


def record_mfa_change(user: User, action: str, *, kind: str, by: User | None) -> None:
    """`action`: added, removed or reset; `kind`: totp, webauthn or recovery_codes."""
    log_action(user, f"accounts.mfa.{action}", by=by, data={"type": kind})


def record_mfa_failure(user: User) -> None:
    log_action(user, "accounts.mfa.failed", by=None)
