from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

from koppel.accounts import crypto


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are made by coordinators and administrators, never by self-registration.
        return False


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and the recovery-code seed are stored encrypted, never in the clear."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)

    def get_totp_issuer(self) -> str:
        return settings.SITE_NAME
