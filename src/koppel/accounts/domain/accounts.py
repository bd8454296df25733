from allauth.account.models import EmailAddress
from django.db import transaction

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action


@transaction.atomic
def create_account(
    email: str, *, by: User | None, name: str = "", language: str = "", password: str | None = None
) -> User:
    """Create a login for a person or staff member.

    Side effects: a verified e-mail address row (allauth needs one before MFA can be set up) and an
    activity-log entry. Without a password the account can only be entered after a password reset.
    """
    user = User.objects.create_user(email=email, password=password, name=name, language=language)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    log_action(user, "accounts.user.created", by=by)
    return user
