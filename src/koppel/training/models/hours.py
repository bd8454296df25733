from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.people.models import Mentor
from koppel.training.enums import HoursKind


class ExternalHours(KoppelModel):
    """Training hours a mentor did outside the programme's sessions: a course elsewhere or self-study."""

    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="external_hours"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=HoursKind.choices)
    description = models.CharField(_("description"), max_length=250)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("external training hours")
        verbose_name_plural = _("external training hours")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="external_hours_positive")
        ]

    def __str__(self) -> str:
        return f"{self.mentor} {self.date} {self.hours}"
