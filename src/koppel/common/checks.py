from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning

from koppel.common.crypto import encrypts_with_derived_key


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    """`koppel check --deploy` refuses what `koppel serve` refuses."""
    errors = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the development key.",
                hint="Set a long random SECRET_KEY.",
                id="koppel.E001",
            )
        )
    if settings.KOPPEL_DEMO:
        errors.append(Error("KOPPEL_DEMO is on; it switches off MFA for staff.", id="koppel.E002"))
    if encrypts_with_derived_key():
        errors.append(
            CheckWarning(
                "MFA secrets and encrypted fields are encrypted with a key derived from SECRET_KEY.",
                hint="Set FIELD_ENCRYPTION_KEY (or FIELD_ENCRYPTION_KEYS, first key) to a Fernet key "
                "kept apart from the database and from SECRET_KEY, then run "
                "`koppel rotate_encryption_key`.",
                id="koppel.W001",
            )
        )
    if not settings.BACKUP_ENCRYPTION_KEY:
        errors.append(
            CheckWarning(
                "BACKUP_ENCRYPTION_KEY is not set; `koppel backup` refuses to make a backup.",
                hint="Set BACKUP_ENCRYPTION_KEY to a long random passphrase kept apart from the backups.",
                id="koppel.W020",
            )
        )
    return errors
