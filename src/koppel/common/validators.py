"""Validators shared by the models, the forms and the import: one rule for each kind of value."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Digits with the usual separators: spaces, hyphens, parentheses, and a plus only in front.
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]+$")
PHONE_DIGITS = (6, 15)  # 15: the longest international number (E.164)


def validate_phone(value: str) -> None:
    """A phone number as people write it: 06-12345678, 010 123 45 67, +31 (0)10 1234567."""
    if not value:
        return
    digits = sum(c.isdigit() for c in value)
    if not PHONE_RE.match(value) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError(
            _(
                "Enter a phone number of 6 to 15 digits; spaces, hyphens, parentheses and a leading + "
                "are allowed, such as 06 12345678 or +31 10 123 4567."
            ),
            code="invalid_phone",
        )
