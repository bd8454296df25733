from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koppel.common.models import KoppelModel
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.models import Programme
from koppel.training.enums import Audience
from koppel.training.models.curriculum import Module


class Session(KoppelModel):
    """A training session, youth orientation or guardians' information meeting (TRN-3..5)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="training_sessions"
    )
    modules = models.ManyToManyField(Module, verbose_name=_("modules"), blank=True, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    trainer_name = models.CharField(
        _("trainer (name)"), max_length=150, blank=True, help_text=_("For a trainer without a login.")
    )
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.CharField(_("online link"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["programme", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def trainer_display(self) -> str:
        if self.trainer_id is not None:
            return str(self.trainer)
        return self.trainer_name


class Registration(KoppelModel):
    """One person's place in a session and, afterwards, whether they attended and the hours credited."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="registrations"
    )
    mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("mentor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_registrations",
    )
    youth = models.ForeignKey(
        Youth,
        verbose_name=pgettext_lazy("one person", "youth"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_registrations",
    )
    guardian = models.ForeignKey(
        Guardian,
        verbose_name=_("parent or guardian"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_registrations",
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    hours_credited = models.DecimalField(
        _("hours credited"), max_digits=4, decimal_places=1, default=Decimal("0")
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["session", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(mentor__isnull=False, youth__isnull=True, guardian__isnull=True)
                    | models.Q(mentor__isnull=True, youth__isnull=False, guardian__isnull=True)
                    | models.Q(mentor__isnull=True, youth__isnull=True, guardian__isnull=False)
                ),
                name="registration_exactly_one_person",
            ),
            models.UniqueConstraint(fields=["session", "mentor"], name="unique_registration_mentor"),
            models.UniqueConstraint(fields=["session", "youth"], name="unique_registration_youth"),
            models.UniqueConstraint(fields=["session", "guardian"], name="unique_registration_guardian"),
        ]

    def __str__(self) -> str:
        return f"{self.person} - {self.session}"

    @property
    def person(self):
        return self.mentor or self.youth or self.guardian
