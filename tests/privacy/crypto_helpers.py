"""Shared by the field-encryption tests: two keys and a raw look at a column."""

from cryptography.fernet import Fernet
from django.db import connection

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def raw_column(obj, field_name: str):
    """The column as the database holds it, read with plain SQL (no field conversion)."""
    meta = type(obj)._meta
    column = meta.get_field(field_name).column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s",  # noqa: S608
            [obj.pk],
        )
        return cursor.fetchone()[0]


def is_token_under(token: str, key: str) -> bool:
    try:
        Fernet(key.encode()).decrypt(token.encode())
    except Exception:
        return False
    return True
