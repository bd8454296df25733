"""Turning 16 (UAVG art. 5): from 16 a youth gives their own consent and sees their own file.

`ComingOfAge` records, once per youth, that the daily run saw them turn 16 (its unique youth makes the
run idempotent). `OwnConfirmation` asks the youth to confirm, themselves, a consent a parent or
guardian gave before they turned 16; it records when it was asked and when the youth confirmed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.matches.models import Consent
from koppel.people.models import Youth


class ComingOfAge(models.Model):
    youth = models.OneToOneField(
        Youth, verbose_name=_("youth"), on_delete=models.CASCADE, related_name="coming_of_age"
    )
    turned_on = models.DateField(_("turned 16 on"))
    flagged_at = models.DateTimeField(_("seen by the daily run at"))

    class Meta:
        verbose_name = _("youth turned 16")
        verbose_name_plural = _("youth turned 16")
        ordering = ["-turned_on", "id"]

    def __str__(self) -> str:
        return f"youth #{self.youth_id} turned 16 on {self.turned_on:%Y-%m-%d}"


class OwnConfirmation(models.Model):
    """A parent's consent to an agreement, waiting for the youth's own confirmation from 16 on."""

    consent = models.OneToOneField(
        Consent, verbose_name=_("consent"), on_delete=models.CASCADE, related_name="own_confirmation"
    )
    youth = models.ForeignKey(
        Youth, verbose_name=_("youth"), on_delete=models.CASCADE, related_name="own_confirmations"
    )
    flagged_at = models.DateTimeField(_("asked at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    typed_name = models.CharField(_("name typed as signature"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("own confirmation of a parent's consent")
        verbose_name_plural = _("own confirmations of parents' consents")
        ordering = ["youth", "consent"]
        indexes = [models.Index(fields=["youth", "confirmed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | ~models.Q(typed_name=""),
                name="own_confirmation_has_typed_name",
            ),
        ]

    def __str__(self) -> str:
        return f"consent #{self.consent_id} for youth #{self.youth_id}"
