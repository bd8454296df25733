"""Which account an e-mail address opens: the one rule the log-in and the password reset share."""

from koppel.accounts.models import User


def users_by_login_address(email: str, *, is_active: bool | None = None) -> list[User]:
    """The accounts whose login address is `email`: `User.email`, and nothing else.

    allauth would also accept any address row of the account, verified or not. An address someone
    added but did not verify (a change of address waiting for its verification mail) must open
    nothing: whoever typed it into an open session could otherwise take the account over with a
    password reset to it. Nor does an old address that staff replaced in the Django admin. allauth
    makes a new address `User.email` only once it is verified (ACCOUNT_CHANGE_EMAIL).
    """
    email = email.strip()
    if not email:
        return []
    users = User.objects.filter(email__iexact=email)
    if is_active is not None:
        users = users.filter(is_active=is_active)
    return list(users)
