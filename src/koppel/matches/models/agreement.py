"""The written agreement of a match and the consent of each party (AGR-1, REL-3, REL-4)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.matches.enums import ConsentVia, ContactAfterClosure, Party
from koppel.matches.models.match import Match
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.enums import Approach, Location


class Agreement(KoppelModel):
    """One version of a match's agreement. A change makes a new version, which asks every party for
    consent again; the match's agreement is its latest version."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="agreements")
    number = models.PositiveSmallIntegerField(_("version"))
    start_date = models.DateField(_("start date"))
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("AGR-1, REL-2: at least the programme's minimum, by default 12 months."),
    )
    meeting_interval_days = models.PositiveSmallIntegerField(
        _("meet at least every ... days"),
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("AGR-1, REL-1: by default weekly."),
    )
    place = models.CharField(_("where to meet"), max_length=20, choices=Location.choices)
    place_detail = models.CharField(_("the place itself"), max_length=200, blank=True)
    approach = models.CharField(_("approach"), max_length=20, choices=Approach.choices)
    goals = models.TextField(_("what the youth wants to work on"), blank=True)
    holiday_expectations = models.TextField(
        _("expectations for the holidays"),
        blank=True,
        help_text=_("REL-4: school-based programmes agree in advance what happens in the holiday months."),
    )
    contact_after = models.CharField(
        _("contact after the match ends"), max_length=20, choices=ContactAfterClosure.choices
    )
    contact_after_note = models.CharField(_("about contact afterwards"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["match", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["match", "number"], name="one_agreement_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.match_id} v{self.number}"


class Consent(KoppelModel):
    """One party's consent to one version of the agreement: pending until `given_at` is set.

    One row per party that must consent: every mentor of the match, every guardian with parental
    authority, and the youth (AGR-1). The typed name, date and time are the written consent; deleting
    a person does not delete it (PROTECT).
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="consents")
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    typed_name = models.CharField(_("name typed as signature"), max_length=200, blank=True)
    via = models.CharField(_("given"), max_length=10, choices=ConsentVia.choices, blank=True)
    link_sent_at = models.DateTimeField(_("link sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["agreement", "party", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        party=Party.MENTOR, mentor__isnull=False, guardian__isnull=True, youth__isnull=True
                    )
                    | models.Q(
                        party=Party.GUARDIAN, mentor__isnull=True, guardian__isnull=False, youth__isnull=True
                    )
                    | models.Q(
                        party=Party.YOUTH, mentor__isnull=True, guardian__isnull=True, youth__isnull=False
                    )
                ),
                name="consent_names_exactly_its_party",
            ),
            models.CheckConstraint(
                condition=models.Q(given_at__isnull=True) | ~models.Q(typed_name=""),
                name="given_consent_has_typed_name",
            ),
            models.UniqueConstraint(fields=["agreement", "mentor"], name="one_consent_per_mentor"),
            models.UniqueConstraint(fields=["agreement", "guardian"], name="one_consent_per_guardian"),
            models.UniqueConstraint(fields=["agreement", "youth"], name="one_consent_per_youth"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.party}"

    @property
    def given(self) -> bool:
        return self.given_at is not None
