"""Encryption at rest for MFA secrets: the one implementation lives in koppel.common.crypto."""

from koppel.common.crypto import decrypt, encrypt

__all__ = ["decrypt", "encrypt"]
