"""Key rotation of everything encrypted at rest: every EncryptedTextField of every model and the
MFA secrets (a TOTP secret, the recovery-code seed).

`rotate_target` walks one target in pk order, a batch per transaction: a value the first key
alone decrypts is already current and left alone; any other is decrypted with the older keys and
written again under the first key. Rotation is therefore idempotent and resumable: an interrupted
run leaves whole batches done or not done, and the next run skips what is current. Nothing is
decrypted twice into a token of a token, and no text is ever logged or printed.

`survey_target` counts without writing (`koppel rotate_encryption_key --check`).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.functions import Cast

from koppel.common import crypto
from koppel.common.fields import EncryptedTextField

BATCH_SIZE = 500

# The key in an allauth authenticator's data that holds a secret encrypted by MFAAdapter.encrypt.
MFA_SECRETS = {Authenticator.Type.TOTP: "secret", Authenticator.Type.RECOVERY_CODES: "seed"}


@dataclass
class Progress:
    """What one target held: values already on the first key, rotated now, and undecryptable."""

    label: str
    total: int = 0
    current: int = 0
    rotated: int = 0
    undecryptable: int = 0
    seen: int = 0

    @property
    def old(self) -> int:
        """Values on an older key (only meaningful for a check, before any rotation)."""
        return self.total - self.current - self.undecryptable


# An MFA secret's row: its authenticator kind and its whole data, to write the new token back into.
type MfaContext = tuple[str, dict[str, Any]] | None


@dataclass(frozen=True)
class Target:
    """One place that holds tokens: a model's encrypted column, or the MFA secrets."""

    label: str
    model: type[models.Model]
    field_name: str | None  # None: the MFA secrets in Authenticator.data

    def rows(self) -> QuerySet[models.Model]:
        manager = self.model._base_manager
        if self.field_name is None:
            return manager.filter(type__in=list(MFA_SECRETS))
        return manager.exclude(**{self.field_name: ""}).exclude(**{f"{self.field_name}__isnull": True})

    def tokens(self, rows: QuerySet[models.Model]) -> Iterator[tuple[object, str, MfaContext]]:
        """(pk, token, context) of each row; the raw column, never decrypted by the field."""
        if self.field_name is None:
            for pk, kind, data in rows.values_list("pk", "type", "data"):
                secret = (data or {}).get(MFA_SECRETS[kind])
                if secret:
                    yield pk, secret, (kind, data)
            return
        raw = rows.annotate(_token=Cast(self.field_name, output_field=models.TextField()))
        for pk, token in raw.values_list("pk", "_token"):
            yield pk, token, None

    def write(self, pk: object, token: str, context: MfaContext) -> None:
        manager = self.model._base_manager
        if self.field_name is None:
            kind, data = cast(tuple[str, dict[str, Any]], context)
            manager.filter(pk=pk).update(data={**data, MFA_SECRETS[kind]: token})
            return
        # The token as it is: a Value with a plain TextField is not encrypted again by the field.
        manager.filter(pk=pk).update(
            **{self.field_name: models.Value(token, output_field=models.TextField())}
        )


def encryption_targets() -> list[Target]:
    """Every encrypted column of every installed model, then the MFA secrets."""
    targets = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedTextField):
                targets.append(Target(f"{model._meta.label}.{f.name}", model, f.name))
    targets.sort(key=lambda t: t.label)
    targets.append(Target("mfa.Authenticator (secrets)", Authenticator, None))
    return targets


def _batch_done(target: Target, progress: Progress) -> None:
    """Called inside each batch's transaction once its rows are written (a hook for tests)."""


def rotate_target(
    target: Target, *, batch_size: int = BATCH_SIZE, report: Callable[[Progress], None] | None = None
) -> Progress:
    """Re-encrypt every value of `target` that is not on the first key, a batch per transaction.

    Side effects: rewrites tokens in place (not audited as an edit: the text does not change);
    `report` is called after each committed batch. Values no key decrypts are counted, not touched."""
    progress = Progress(target.label, total=target.rows().count())
    last = None
    while True:
        with transaction.atomic():
            rows = target.rows().order_by("pk")
            if last is not None:
                rows = rows.filter(pk__gt=last)
            page = list(rows.select_for_update().values_list("pk", flat=True)[:batch_size])
            if not page:
                break
            for pk, token, context in target.tokens(target.rows().filter(pk__in=page).order_by("pk")):
                if crypto.is_current(token):
                    progress.current += 1
                    continue
                try:
                    rotated = crypto.rotate(token)
                except crypto.InvalidToken:
                    progress.undecryptable += 1
                    continue
                target.write(pk, rotated, context)
                progress.rotated += 1
            progress.seen += len(page)
            last = page[-1]
            _batch_done(target, progress)
        if report is not None:
            report(progress)
    return progress


def survey_target(target: Target) -> Progress:
    """How many values of `target` are on the first key, on an older one, or on none."""
    progress = Progress(target.label)
    for _pk, token, _context in target.tokens(target.rows()):
        progress.total += 1
        if crypto.is_current(token):
            progress.current += 1
        else:
            try:
                crypto.decrypt(token)
            except crypto.InvalidToken:
                progress.undecryptable += 1
    return progress
