from decimal import Decimal

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.training.enums import Audience, CurriculumRule


class Module(KoppelModel):
    """A curriculum module (TRN-3 mentors, TRN-4 youth, TRN-5 parents and guardians), in both languages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    rule = models.CharField(_("practice rule"), max_length=10, choices=CurriculumRule.choices)
    default_hours = models.DecimalField(
        _("default hours"), max_digits=4, decimal_places=1, default=Decimal("1")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        ordering = ["audience", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "nl").startswith("en") else self.title_nl

    @property
    def description(self) -> str:
        return self.description_en if (get_language() or "nl").startswith("en") else self.description_nl
