"""Migration operations that encrypt the existing values of fields becoming EncryptedTextField.

Place `encrypt_existing(...)` just before the AlterField that turns a TextField into an
EncryptedTextField (a state-only change: the column stays text). It reads and writes the columns
as stored (the text, the token), whatever class the field has in the migration's state; reversed,
it writes the text back. Rows go in batches of BATCH_SIZE, pk order. A value that is already a
token under one of the keys is left alone, so running forwards twice never encrypts twice.
"""

from django.db import migrations, models
from django.db.models.functions import Cast

from koppel.common import crypto

BATCH_SIZE = 500


def _is_token(value: str) -> bool:
    try:
        crypto.decrypt(value)
    except crypto.InvalidToken:
        return False
    return True


def _rewrite(model, fields: list[str], using: str, change) -> None:
    last = None
    while True:
        rows = model._default_manager.using(using).order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        # The columns as stored and written back as given, whatever class the field has in this state.
        raw = {f"_raw_{f}": Cast(f, output_field=models.TextField()) for f in fields}
        batch = list(rows.annotate(**raw).values_list("pk", *raw)[:BATCH_SIZE])
        if not batch:
            return
        for pk, *values in batch:
            new = {}
            for field, value in zip(fields, values, strict=True):
                changed = change(field, value)
                if changed != value:
                    new[field] = changed
            if new:
                values = {f: models.Value(v, output_field=models.TextField()) for f, v in new.items()}
                model._default_manager.using(using).filter(pk=pk).update(**values)
        last = batch[-1][0]


def encrypt_rows(model, fields: list[str], using: str = "default") -> None:
    def seal(field: str, value):
        if not value or _is_token(value):
            return value
        return crypto.encrypt(value)

    _rewrite(model, fields, using, seal)


def decrypt_rows(model, fields: list[str], using: str = "default") -> None:
    label = model._meta.label

    def unseal(field: str, value):
        if not value:
            return value
        try:
            return crypto.decrypt(value)
        except crypto.InvalidToken:
            raise RuntimeError(f"{label}.{field}: no field encryption key decrypts a stored value") from None

    _rewrite(model, fields, using, unseal)


def encrypt_existing(app_label: str, model_name: str, fields: list[str]) -> migrations.RunPython:
    """A RunPython that encrypts the fields' values (and, reversed, decrypts them)."""

    def forwards(apps, schema_editor):
        encrypt_rows(apps.get_model(app_label, model_name), fields, schema_editor.connection.alias)

    def backwards(apps, schema_editor):
        decrypt_rows(apps.get_model(app_label, model_name), fields, schema_editor.connection.alias)

    return migrations.RunPython(forwards, backwards)
