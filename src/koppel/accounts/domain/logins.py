"""Which account an e-mail address opens: the one rule the log-in and the password reset share."""

from allauth.account.models import EmailAddress
from django.db.models import Q

from koppel.accounts.models import User


def users_by_login_address(email: str, *, is_active: bool | None = None) -> list[User]:
    """The accounts whose login address is `email`: the account's own address, or an address the
    account verified. An address someone added but did not verify (a change of address waiting for
    its verification mail, a row added in the Django admin) opens nothing: whoever typed it into a
    session could otherwise take the account over with a password reset to it."""
    email = email.strip().lower()
    if not email:
        return []
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    users = User.objects.filter(Q(email__iexact=email) | Q(pk__in=verified))
    if is_active is not None:
        users = users.filter(is_active=is_active)
    return list(users)
