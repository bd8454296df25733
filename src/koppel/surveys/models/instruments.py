"""Survey instruments as data: items, answer scales, subscales with their scoring rules and
thresholds, and licence metadata. Loaded from a definition file (surveys/domain/instruments.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.programmes.models import Organisation
from koppel.surveys.enums import InstrumentKind, OutcomeDomain, ScoreMethod


def _in_language(obj, field: str, language: str | None = None) -> str:
    language = (language or get_language() or "nl")[:2]
    value = getattr(obj, f"{field}_{language}", "") if language in ("nl", "en") else ""
    return value or getattr(obj, f"{field}_nl", "") or getattr(obj, f"{field}_en", "")


class Instrument(KoppelModel):
    """One questionnaire, one revision. Shipped instruments have no organisation; an organisation
    loads its own (for instruments it holds a licence for) from a definition file."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the instruments that ship with Koppel."),
    )
    key = models.SlugField(_("key"), max_length=60)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # Which respondents the instrument is written for: a list of Respondent values.
    respondents = models.JSONField(_("respondents"), default=list)
    young_age = models.PositiveSmallIntegerField(
        _("young version below age"),
        null=True,
        blank=True,
        help_text=_("Youth younger than this see the items' young wording where an item has one."),
    )
    # {"agree5": {"min": 1, "max": 5, "options": [{"value": 1, "nl": "...", "en": "..."}, ...]}}
    scales = models.JSONField(_("answer scales"), default=dict)
    licence_name = models.CharField(_("licence"), max_length=200, blank=True)
    licence_url = models.URLField(_("licence address"), blank=True)
    licence_holder = models.CharField(_("licence holder"), max_length=200, blank=True)
    redistributable = models.BooleanField(_("text may be redistributed"), default=False)
    follows = models.TextField(_("follows these published instruments"), blank=True)
    definition = models.JSONField(_("definition as loaded"), default=dict)
    active = models.BooleanField(_("active"), default=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["key", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "revision"],
                condition=models.Q(organisation__isnull=True),
                name="shipped_instrument_key_revision_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "key", "revision"],
                condition=models.Q(organisation__isnull=False),
                name="organisation_instrument_key_revision_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key} r{self.revision})"

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    @property
    def description(self) -> str:
        return _in_language(self, "description")


class Subscale(models.Model):
    """A group of items scored together, and what the score means for the reports and alerts."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="subscales")
    key = models.SlugField(_("key"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_nl = models.CharField(_("name (Dutch)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    domain = models.CharField(_("outcome domain"), max_length=30, choices=OutcomeDomain.choices)
    method = models.CharField(
        _("scoring"), max_length=10, choices=ScoreMethod.choices, default=ScoreMethod.MEAN
    )
    min_answered = models.PositiveSmallIntegerField(
        _("least answered items for a score"),
        default=1,
        help_text=_("With fewer answered items the subscale has no score."),
    )
    higher_is_better = models.BooleanField(_("a higher score is better"), default=True)
    threshold = models.FloatField(
        _("alert below"),
        null=True,
        blank=True,
        help_text=_("OUT-4: a score below this puts an extra support contact on the worklist."),
    )
    drop = models.FloatField(
        _("alert on a drop of"),
        null=True,
        blank=True,
        help_text=_(
            "OUT-4: a fall of at least this much since the previous score "
            "puts an extra support contact on the worklist."
        ),
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Only coordinators and administrators see these answers; every read is logged."),
    )

    class Meta:
        verbose_name = _("subscale")
        verbose_name_plural = _("subscales")
        ordering = ["instrument", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["instrument", "key"], name="subscale_key_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self, "name")


class Item(models.Model):
    """One question. `scale` names one of the instrument's answer scales; a reverse-scored item
    counts as (min + max - answer)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    subscale = models.ForeignKey(
        Subscale, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    key = models.SlugField(_("key"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    scale = models.CharField(_("answer scale"), max_length=60)
    text_nl = models.TextField(_("text (Dutch)"))
    text_en = models.TextField(_("text (English)"))
    young_text_nl = models.TextField(_("young wording (Dutch)"), blank=True)
    young_text_en = models.TextField(_("young wording (English)"), blank=True)
    reverse = models.BooleanField(_("reverse-scored"), default=False)
    sensitive = models.BooleanField(_("sensitive"), default=False)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["instrument", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["instrument", "key"], name="item_key_unique")]

    def __str__(self) -> str:
        return self.key

    def text_for(self, language: str, *, young: bool = False) -> str:
        if young:
            text = _in_language(self, "young_text", language)
            if text:
                return text
        return _in_language(self, "text", language)
