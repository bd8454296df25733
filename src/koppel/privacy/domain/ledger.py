"""The keyed hash that names an erased person in the erasure ledger.

The hash is an HMAC-SHA256 of the person's kind and primary key under ERASURE_LEDGER_KEY, which must
never change once people were erased: a restored backup finds the people to erase again by computing
the same hash over its own rows."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models


def _key() -> bytes:
    key = settings.ERASURE_LEDGER_KEY or ("koppel-erasure-ledger:" + settings.SECRET_KEY)
    return key.encode()


def subject_hash(person: models.Model) -> str:
    """The ledger's name for a mentor, youth or guardian: same person, same hash, on any copy of the
    database."""
    label = f"{person._meta.label_lower}:{person.pk}"
    return hmac.new(_key(), label.encode(), hashlib.sha256).hexdigest()
