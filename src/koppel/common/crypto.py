"""Encryption at rest (Fernet: AES-128-CBC + HMAC-SHA256) for MFA secrets and encrypted fields.

The keys come from settings: FIELD_ENCRYPTION_KEYS (comma-separated; the first encrypts, all
decrypt) and FIELD_ENCRYPTION_KEY (one key: the encrypting key when FIELD_ENCRYPTION_KEYS is empty,
an older decrypting key otherwise). The word "derived" in the list stands for the key derived from
SECRET_KEY, which is also the key when neither setting is given. `koppel rotate_encryption_key`
moves every stored value onto the first key.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

DERIVED = "derived"

__all__ = ["DERIVED", "InvalidToken", "decrypt", "encrypt", "field_keys", "is_current", "rotate"]


def _derived_key(secret_key: str) -> str:
    digest = hashlib.sha256(("koppel-field-encryption:" + secret_key).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def configured_keys() -> list[str]:
    """The keys as configured, first the encrypting one; "derived" not yet replaced."""
    keys = [k for k in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or [] if k]
    single = settings.FIELD_ENCRYPTION_KEY
    if single and single not in keys:
        keys.append(single)
    return keys or [DERIVED]


def field_keys() -> tuple[str, ...]:
    """The Fernet keys in use, first the encrypting one."""
    derived = _derived_key(settings.SECRET_KEY)
    keys = [derived if k == DERIVED else k for k in configured_keys()]
    return tuple(dict.fromkeys(keys))


def encrypts_with_derived_key() -> bool:
    return configured_keys()[0] == DERIVED


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, MultiFernet]:
    fernets = [Fernet(k.encode()) for k in keys]
    return fernets[0], MultiFernet(fernets)


def _current() -> tuple[Fernet, MultiFernet]:
    return _fernets(field_keys())


def encrypt(text: str) -> str:
    """A token of `text` under the first key."""
    return _current()[1].encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The text of a token under any of the keys; InvalidToken when none decrypts it."""
    return _current()[1].decrypt(token.encode()).decode()


def is_current(token: str) -> bool:
    """Whether the first key alone decrypts the token (nothing to rotate)."""
    try:
        _current()[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """The same text under the first key; InvalidToken when no key decrypts it."""
    return _current()[1].rotate(token.encode()).decode()
