import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.people.enums import Channel, MentorMotive, MentorRoute, NaturalMentorRelation
from koppel.programmes.models import Programme


def new_campaign_token() -> str:
    return secrets.token_urlsafe(9)


class Campaign(KoppelModel):
    """A recruitment campaign (REC-2): a channel, a target group and a message for one motive.

    Its public link (`token`) leads to the mentor application form, so every application records
    the campaign and the channel it came through (REC-3 reports on them).
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField(_("name"), max_length=150)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    target_group = models.CharField(_("target group"), max_length=200, blank=True)
    motive = models.CharField(
        _("message motive"),
        max_length=20,
        choices=MentorMotive.choices,
        help_text=_("REC-2: the motive the campaign message speaks to."),
    )
    message = models.TextField(_("message"), blank=True)
    token = models.CharField(
        _("link code"), max_length=20, unique=True, default=new_campaign_token, editable=False
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("open for applications"), default=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class RepeatApplication(KoppelModel):
    """A second application or natural-mentor proposal with the e-mail address of a known mentor.

    A public form (and a proposal from the portal) never changes an existing mentor: what was
    submitted is kept here, apart, until a coordinator reviews it and copies chosen values into the
    mentor by hand (`merge_repeat_application`). `values` holds only the submitted values that
    differ from the mentor's at the time, in JSON form (dates as ISO text, interests as ids).
    """

    mentor = models.ForeignKey(
        "people.Mentor",
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="repeat_applications",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeat_applications",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    route = models.CharField(_("route"), max_length=10, choices=MentorRoute.choices)
    proposed_for = models.ForeignKey(
        "people.Youth",
        verbose_name=_("proposed as natural mentor for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_relation = models.CharField(
        _("relation to the youth"), max_length=20, choices=NaturalMentorRelation.choices, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    values = models.JSONField(_("submitted values that differ"), default=dict, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_fields = models.JSONField(_("fields copied into the mentor"), default=list, blank=True)

    class Meta:
        verbose_name = _("second application")
        verbose_name_plural = _("second applications")
        ordering = ["-applied_at", "-id"]
        indexes = [models.Index(fields=["mentor", "reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.mentor} ({self.applied_at:%Y-%m-%d})"
