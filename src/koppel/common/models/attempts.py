from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedAttempt(models.Model):
    """One wrong answer to a check behind a personal link (a typed name, a date of birth), counted
    to limit guessing (common/domain/attempts.py). `key` names the link's subject by kind and id
    (e.g. "consent:12"); never the answer given, nor anything else personal."""

    key = models.CharField(_("key"), max_length=100)
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("failed attempt")
        verbose_name_plural = _("failed attempts")
        indexes = [models.Index(fields=["key", "at"])]

    def __str__(self) -> str:
        return self.key
