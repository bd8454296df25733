from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm

from koppel.accounts.domain.logins import users_by_login_address


class ResetPasswordForm(AllauthResetPasswordForm):
    """A reset link goes only to an account's own or verified address (never a pending new one)."""

    def clean_email(self) -> str:
        email = get_adapter().clean_email(self.cleaned_data["email"].lower())
        self.users = users_by_login_address(email, is_active=True)
        if not self.users and not app_settings.PREVENT_ENUMERATION:
            raise get_adapter().validation_error("unknown_email")
        return self.cleaned_data["email"]
