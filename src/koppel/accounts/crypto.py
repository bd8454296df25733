"""Encryption at rest for MFA secrets (Fernet: AES-128-CBC + HMAC-SHA256)."""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings


@cache
def _fernet() -> Fernet:
    key = settings.FIELD_ENCRYPTION_KEY
    if not key:
        digest = hashlib.sha256(("koppel-field-encryption:" + settings.SECRET_KEY).encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()
