"""The erasure ledger: which people were erased and when, so that a restored backup forgets them again.

A row holds only a keyed hash of the erased person (koppel.privacy.domain.ledger.subject_hash), never
a name, an address or a primary key in the clear."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasureLedgerEntry(models.Model):
    subject_hash = models.CharField(_("keyed hash of the person"), max_length=64, unique=True, editable=False)
    erased_at = models.DateTimeField(_("erased at"), editable=False)

    class Meta:
        verbose_name = _("erasure ledger entry")
        verbose_name_plural = _("erasure ledger")
        ordering = ["erased_at", "id"]

    def __str__(self) -> str:
        return f"{self.subject_hash[:12]}… {self.erased_at:%Y-%m-%d}"
