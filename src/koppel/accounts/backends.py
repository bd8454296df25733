from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from koppel.accounts.domain.logins import users_by_login_address


class AuthenticationBackend(AllauthBackend):
    """allauth's log-in by e-mail, but only with the account's address or a verified one."""

    def _authenticate_by_email(self, email: str, password: str):
        for user in users_by_login_address(email):
            if self._check_password(user, password):
                return user
        return None
