from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.programmes.models import Programme
from koppel.surveys.enums import Moment, Respondent
from koppel.surveys.models.instruments import Instrument


class SurveySchedule(KoppelModel):
    """When a programme asks whom to fill in which instrument: baseline at intake, `months` after the
    match started, at closure, or `months` after it ended (OUT-2)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="survey_schedules"
    )
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="schedules"
    )
    respondent = models.CharField(_("respondent"), max_length=10, choices=Respondent.choices)
    moment = models.CharField(_("moment"), max_length=10, choices=Moment.choices)
    months = models.PositiveSmallIntegerField(
        _("months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("After the start (during the match) or after the end (follow-up, OUT-2)."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("open for ... days"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("survey schedule")
        verbose_name_plural = _("survey schedules")
        ordering = ["programme", "moment", "months", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "instrument", "respondent", "moment", "months"],
                name="survey_schedule_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(moment__in=["during", "follow_up"], months__isnull=False)
                | models.Q(moment__in=["baseline", "closure"], months__isnull=True),
                name="survey_schedule_months_with_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.key} {self.respondent} {self.moment} {self.months or ''}".strip()
