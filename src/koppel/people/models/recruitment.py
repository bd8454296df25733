import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.people.enums import Channel, MentorMotive
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
