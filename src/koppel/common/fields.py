"""Model fields encrypted at rest.

`EncryptedTextField` keeps a Fernet token (koppel.common.crypto) in a text column: the model, its
forms and the Django admin see the text, the database only the token. An empty text stays empty
(so `blank=True` and checks against "" work); a stored value that no key decrypts raises
`UndecryptableValue` naming the model and field: never an empty text, never the token as text.

The database cannot compare or sort what it cannot read, so only `isnull` and a comparison with
the empty text are allowed as lookups; anything else raises FieldError instead of silently finding
nothing. Search and reports use other fields. `EncryptedJSONField` does the same for a JSON value.
"""

import json

from django import forms
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from koppel.common import crypto


class UndecryptableValue(Exception):
    """A stored token that none of the field encryption keys decrypts (fail closed)."""

    def __init__(self, label: str):
        self.label = label
        super().__init__(
            f"{label}: no field encryption key decrypts the stored value; was FIELD_ENCRYPTION_KEYS "
            "changed without keeping the old key?"
        )


class EncryptedExact(Exact):
    """Only "is empty" can be asked of an encrypted column: a token never equals another."""

    def get_prep_lookup(self):
        if self.rhs != "" and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                f"An encrypted field can only be compared with the empty text, not {self.rhs!r}."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest (a Fernet token)"

    def label(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else str(self.name)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return crypto.decrypt(value)
        except crypto.InvalidToken:
            raise UndecryptableValue(self.label()) from None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_transform(self, lookup_name):
        return None


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (a dict of ratings with remarks, say) kept as the token of its JSON text."""

    description = "JSON encrypted at rest (a Fernet token)"

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        if text is None:
            return None
        if text == "":
            return self.get_default() if self.has_default() else None
        return json.loads(text)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        if value in ({}, []):
            # Empty is stored as the empty text, like an empty encrypted text: "has it any content?"
            # stays a question the database can answer (field="").
            return ""
        return crypto.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False, sort_keys=True)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})
