from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PostcodeArea(models.Model):
    """The centre of a four-digit postcode area, so the matching engine can tell travel distances.

    Loaded from open data (CBS/PDOK publish the centres of all Dutch postcode areas) with
    `koppel load_postcode_areas`; the demo holds the areas of its own neighbourhoods. A person whose
    area is unknown gets no distance: the travel constraint then passes and scores neutrally.
    """

    postcode = models.CharField(
        _("postcode area"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[1-9][0-9]{3}$", _("Enter the four digits of a postcode."))],
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        ordering = ["postcode"]

    def __str__(self) -> str:
        return f"{self.postcode} {self.name}".strip()
