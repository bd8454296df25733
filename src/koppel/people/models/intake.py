"""Youth intake (YTH-1..3, MAT-5): what must be in place before a youth joins the waiting list."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.common.fields import EncryptedTextField
from koppel.common.models import KoppelModel
from koppel.people.models.people import Guardian, Interest, Youth


class Intake(KoppelModel):
    youth = models.OneToOneField(
        Youth, verbose_name=_("youth"), on_delete=models.CASCADE, related_name="intake"
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    informed_benefits_challenges = models.BooleanField(
        _("told about the programme's benefits and challenges"), default=False, help_text="YTH-1"
    )
    informed_volunteer = models.BooleanField(
        _("told that the mentor is a volunteer"), default=False, help_text="YTH-1"
    )
    motivation = EncryptedTextField(
        _("motivation"), blank=True, help_text=_("YTH-2: why the youth wants a mentor.")
    )
    committed = models.BooleanField(
        _("commits to invest, be reliable, open up and own the goal"), default=False, help_text="YTH-2"
    )
    wish_interests = models.ManyToManyField(
        Interest, verbose_name=_("interests the mentor should share"), blank=True, related_name="+"
    )
    wish_kind_of_person = EncryptedTextField(
        _("kind of person the youth wishes for"), blank=True, help_text="YTH-3"
    )
    wish_age_min = models.PositiveSmallIntegerField(
        _("mentor at least ... years old"), null=True, blank=True, validators=[MinValueValidator(14)]
    )
    wish_age_max = models.PositiveSmallIntegerField(
        _("mentor at most ... years old"), null=True, blank=True, validators=[MaxValueValidator(99)]
    )
    wish_location = models.CharField(_("where to meet"), max_length=150, blank=True)
    guardian_consent = models.BooleanField(_("a parent or guardian consents to taking part"), default=False)
    consent_by = models.ForeignKey(
        Guardian,
        verbose_name=_("consent given by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")

    def __str__(self) -> str:
        return f"{self.youth}"
