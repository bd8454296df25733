from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.people.models import Mentor
from koppel.programmes.models import Programme


class PeerGroup(KoppelModel):
    """A peer-supervision (intervisie) group of mentors (SUP-4)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="peer_groups"
    )
    name = models.CharField(_("name"), max_length=150)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.ManyToManyField(
        Mentor, verbose_name=_("members"), blank=True, related_name="peer_groups"
    )

    class Meta:
        verbose_name = _("peer-supervision group")
        verbose_name_plural = _("peer-supervision groups")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class PeerSession(KoppelModel):
    """One meeting of a peer-supervision group, with who attended (SUP-4)."""

    group = models.ForeignKey(
        PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("date"))
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("1.5"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    topic = models.CharField(_("topic"), max_length=250, blank=True)
    attendees = models.ManyToManyField(
        Mentor, verbose_name=_("attended"), blank=True, related_name="peer_sessions_attended"
    )

    class Meta:
        verbose_name = _("peer-supervision session")
        verbose_name_plural = _("peer-supervision sessions")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.group} {self.date}"
