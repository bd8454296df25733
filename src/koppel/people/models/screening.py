"""Screening records (SCR-1..4). Visible only to the programme's coordinators and administrators."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.common.fields import EncryptedJSONField, EncryptedTextField
from koppel.common.models import KoppelModel
from koppel.common.validators import validate_phone
from koppel.people.enums import (
    DisclosureDecision,
    InterviewKind,
    MentorStatus,
    Recommendation,
    ReferenceOutcome,
    ScreeningProfile,
    VogOutcome,
)
from koppel.people.models.people import Mentor


class PipelineEvent(models.Model):
    """One step of a mentor's pipeline, with the coordinator's reason (staff-only)."""

    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="pipeline_events")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=MentorStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=MentorStatus.choices)
    reason = EncryptedTextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("pipeline step")
        verbose_name_plural = _("pipeline steps")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class Interview(KoppelModel):
    """SCR-1: a personal interview, preferably a home visit; SCR-4: the qualities rated 1-5."""

    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="interviews"
    )
    planned_for = models.DateTimeField(_("planned for"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=InterviewKind.choices,
        default=InterviewKind.HOME_VISIT,
        help_text=_("SCR-1: a home visit is preferred."),
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responsibilities_explained = models.BooleanField(
        _("responsibilities and obligations explained"),
        default=False,
        help_text=_("SCR-1: the interview covers the mentor's responsibilities and obligations."),
    )
    motivation = EncryptedTextField(_("motivation"), blank=True)
    attitude_ideas = EncryptedTextField(_("attitude and ideas"), blank=True)
    qualities = EncryptedJSONField(
        _("qualities"),
        default=dict,
        blank=True,
        help_text=_("SCR-4: each quality rated 1-5, with an optional remark."),
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-held_on", "-planned_for", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on or self.planned_for or ''}"

    @property
    def is_done(self) -> bool:
        return self.held_on is not None and self.responsibilities_explained


class Reference(KoppelModel):
    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="references"
    )
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation to the applicant"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True, validators=[validate_phone])
    contacted_on = models.DateField(_("contacted on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ReferenceOutcome.choices, default=ReferenceOutcome.PENDING
    )
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ConductCertificate(KoppelModel):
    """SCR-2: the certificate of conduct (VOG). Only facts about it; never an upload or a copy."""

    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="conduct_certificates"
    )
    requested_on = models.DateField(_("requested on"))
    # A known profile is stored as its code (ScreeningProfile) and named in the reader's language
    # (`screening_profile_label`); another profile as the text typed.
    screening_profile = models.CharField(
        _("screening profile"),
        max_length=150,
        default=ScreeningProfile.MINORS,
        help_text=_("The screening profile asked for, e.g. working with minors."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=VogOutcome.choices, default=VogOutcome.REQUESTED
    )
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Issue date + 3 years.")
    )
    original_seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("original seen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    original_seen_on = models.DateField(_("original seen on"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate of conduct (VOG)")
        verbose_name_plural = _("certificates of conduct (VOG)")
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"VOG {self.requested_on}"

    @property
    def screening_profile_label(self) -> str:
        """The profile in the active language: a known code's name, else the text as stored."""
        if self.screening_profile in ScreeningProfile.values:
            return str(ScreeningProfile(self.screening_profile).label)
        return self.screening_profile


class SelfDisclosure(KoppelModel):
    """The applicant's own answers about convictions; SCR-3 disqualifies on offences against children."""

    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="disclosures"
    )
    submitted_on = models.DateField(_("submitted on"))
    child_sexual_offence = models.BooleanField(_("ever sexually abused a child"), default=False)
    child_offence = models.BooleanField(_("ever convicted of a crime involving children"), default=False)
    other_conviction = models.BooleanField(_("any other conviction"), default=False)
    other_details = EncryptedTextField(_("details of other convictions"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=15, choices=DisclosureDecision.choices, default=DisclosureDecision.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_notes = EncryptedTextField(_("review notes"), blank=True)

    class Meta:
        verbose_name = _("self-disclosure")
        verbose_name_plural = _("self-disclosures")
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.submitted_on}"

    @property
    def involves_children(self) -> bool:
        return self.child_sexual_offence or self.child_offence
