from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.programmes.enums import AccessibilityStatus, Approach, Location, ProgrammeForm, ProgrammeKind


class Organisation(KoppelModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    # What the privacy statement and the accessibility statement (/privacy/, /accessibility/) say.
    privacy_email = models.EmailField(
        _("privacy contact e-mail"),
        blank=True,
        help_text=_(
            "Where people send questions and requests about their data (shown in the privacy statement)."
        ),
    )
    privacy_officer = models.CharField(
        _("data protection officer"),
        max_length=200,
        blank=True,
        help_text=_(
            "Name of the data protection officer (functionaris gegevensbescherming), if you have one."
        ),
    )
    postal_address = models.CharField(
        _("postal address"), max_length=200, blank=True, help_text=_("Street and number, and postcode.")
    )
    town = models.CharField(_("town"), max_length=100, blank=True)
    accessibility_email = models.EmailField(
        _("accessibility contact e-mail"),
        blank=True,
        help_text=_(
            "Where people report a part of the site they cannot use (shown in the accessibility statement)."
        ),
    )
    accessibility_evaluated_on = models.DateField(
        _("date of the accessibility evaluation"),
        null=True,
        blank=True,
        help_text=_("When the site was last evaluated against WCAG 2.1 level AA."),
    )
    accessibility_status = models.CharField(
        _("accessibility status"),
        max_length=1,
        choices=AccessibilityStatus.choices,
        default=AccessibilityStatus.E,
        help_text=_("The compliance status as digitoegankelijk.nl defines it (A to E)."),
    )
    accessibility_limitations = models.TextField(
        _("known accessibility limitations"),
        blank=True,
        help_text=_(
            "Parts that do not meet WCAG 2.1 AA yet, besides those Koppel itself lists, and when they will."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(KoppelModel):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ProgrammeKind.choices)
    form = models.CharField(
        _("form"),
        max_length=20,
        choices=ProgrammeForm.choices,
        default=ProgrammeForm.INDIVIDUAL,
        help_text=_("REL-3: individual, or a team of 2 to 4 mentors around one youth."),
    )
    team_size_min = models.PositiveSmallIntegerField(
        _("minimum team size"), default=2, validators=[MinValueValidator(2), MaxValueValidator(4)]
    )
    team_size_max = models.PositiveSmallIntegerField(
        _("maximum team size"), default=4, validators=[MinValueValidator(2), MaxValueValidator(4)]
    )
    locations = models.JSONField(
        _("locations allowed"),
        default=list,
        blank=True,
        help_text=_("REL-3: school, community centre, mentor's workplace or free choice."),
    )
    approach = models.CharField(
        _("approach"),
        max_length=20,
        choices=Approach.choices,
        default=Approach.COMBINED,
        help_text=_("REL-5: the most effective mix alternates fun and learning."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    team_size_min__gte=2,
                    team_size_max__lte=4,
                    team_size_min__lte=models.F("team_size_max"),
                ),
                name="programme_team_size_2_to_4",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_team(self) -> bool:
        return self.form == ProgrammeForm.TEAM

    def get_locations_display(self) -> list[str]:
        labels = dict(Location.choices)
        return [str(labels.get(code, code)) for code in self.locations]


class ProgrammeSettings(KoppelModel):
    """The practice rules' defaults, per programme. Each field's help text names its rule.

    `RULES` maps each setting to its rule ID and the factsheet's value, for display beside the
    setting, or None for a setting the factsheet says nothing about: `OWN_DEFAULTS` says why Koppel
    chose its default instead (`source_text`); `FACTSHEET_DEFAULTS` is what a new programme starts
    with.
    """

    programme = models.OneToOneField(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="settings"
    )
    pre_match_training_hours = models.DecimalField(
        _("training hours before matching"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("TRN-1: at least 2 hours (6 recommended) before a mentor is matched."),
    )
    monthly_training_hours = models.DecimalField(
        _("training hours per month after matching"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("TRN-2: 2 hours of training per month after matching."),
    )
    min_duration_months = models.PositiveSmallIntegerField(
        _("minimum duration of a match (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("AGR-1, REL-2: a relationship of at least one year; shorter for instrumental support."),
    )
    meeting_interval_days = models.PositiveSmallIntegerField(
        _("meet at least every ... days"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("AGR-1, REL-1: at least one meeting per week."),
    )
    meeting_alert_grace_days = models.PositiveSmallIntegerField(
        _("days of grace before the meeting alert"),
        default=2,
        validators=[MaxValueValidator(14)],
        help_text=_(
            "REL-1: the worklist alerts this many days after a missed meeting (one moved by a day or two); "
            "the match's page says at once that the agreed rhythm was missed."
        ),
    )
    support_intensive_months = models.PositiveSmallIntegerField(
        _("months of intensive support"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
        help_text=_("SUP-1: 'the first months'; Koppel starts with 3."),
    )
    support_intensive_per_month = models.PositiveSmallIntegerField(
        _("support contacts per month in the first months"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("SUP-1: twice a month in the first months."),
    )
    support_regular_per_month = models.PositiveSmallIntegerField(
        _("support contacts per month until the first year"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("SUP-1: then once a month."),
    )
    support_after_year_interval_months = models.PositiveSmallIntegerField(
        _("after the first year, one support contact every ... months"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("SUP-1: after the first year, if it goes well, once every three months."),
    )
    support_guardians = models.BooleanField(
        _("the same support schedule with parents or guardians"),
        default=True,
        help_text=_("SUP-1: the same frequency with the parents or guardians."),
    )
    vog_required = models.BooleanField(
        _("certificate of conduct (VOG) required"),
        default=True,
        help_text=_("SCR-2: decide per programme; when required, no approval without it."),
    )
    self_disclosure_required = models.BooleanField(
        _("self-disclosure required before approval"),
        default=True,
        help_text=_(
            "SCR-3: the applicant's own answers about convictions are on record, and any conviction "
            "reviewed, before approval."
        ),
    )
    mentor_mfa_required = models.BooleanField(
        _("mentors must use a second factor"),
        default=False,
        help_text=_(
            "Mentors meet minors: with this on, a mentor of this programme sets up an authenticator app "
            "or a passkey before using the portal, so a stolen password alone does not open their "
            "account."
        ),
    )
    references_required = models.PositiveSmallIntegerField(
        _("number of references required"),
        default=2,
        validators=[MaxValueValidator(5)],
        help_text=_("SCR-2: decide per programme; when required, no approval without them."),
    )
    min_age_gap_years = models.PositiveSmallIntegerField(
        _("minimum age gap (years)"),
        default=2,
        validators=[MaxValueValidator(30)],
        help_text=_("MAT-3: at least 2 years, or the mentor at a next school level."),
    )
    preferred_age_gap_years = models.PositiveSmallIntegerField(
        _("preferred age gap (years)"),
        default=10,
        validators=[MaxValueValidator(40)],
        help_text=_("MAT-3: more than 10 years' difference usually works better."),
    )
    holiday_expectations_required = models.BooleanField(
        _("holiday expectations recorded in advance"),
        default=False,
        help_text=_("REL-4: school-based programmes record expectations about holiday months in advance."),
    )

    consent_link_days = models.PositiveSmallIntegerField(
        _("a personal consent link works for ... days"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("AGR-1: mentor, parents and youth consent in writing, in the portal or through a link."),
    )
    guardians_see_meeting_notes = models.BooleanField(
        _("parents and guardians see the mentor's meeting notes"),
        default=False,
        help_text=_("Off: parents see that meetings took place, not what the mentor wrote about them."),
    )
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up ... months after the match ends"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("OUT-2: effects last about a year; measure again about 12 months after closure."),
    )

    report_min_group = models.PositiveSmallIntegerField(
        _("smallest group shown in reports"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text=_(
            "OUT-3: a report hides any figure about fewer people than this, so no youth can be recognised."
        ),
    )
    survey_reporting_months = models.PositiveSmallIntegerField(
        _("survey answers kept whole for ... months"),
        default=24,
        validators=[MinValueValidator(6), MaxValueValidator(60)],
        help_text=_(
            "The reporting period: after it, a survey's answers are removed and only its scores stay, "
            "for the reports (retention rule 'surveys')."
        ),
    )

    RULES = {
        "pre_match_training_hours": ("TRN-1", _("2 hours (6 recommended)")),
        "monthly_training_hours": ("TRN-2", _("2 hours per month")),
        "min_duration_months": ("AGR-1", _("12 months")),
        "meeting_interval_days": ("AGR-1", _("weekly")),
        "meeting_alert_grace_days": ("REL-1", None),
        "support_intensive_months": ("SUP-1", _("the first months")),
        "support_intensive_per_month": ("SUP-1", _("twice a month")),
        "support_regular_per_month": ("SUP-1", _("monthly")),
        "support_after_year_interval_months": ("SUP-1", _("every three months")),
        "support_guardians": ("SUP-1", _("yes, the same frequency")),
        "vog_required": ("SCR-2", _("decide per programme")),
        "references_required": ("SCR-2", _("decide per programme")),
        "self_disclosure_required": ("SCR-3", None),
        "min_age_gap_years": ("MAT-3", _("2 years")),
        "preferred_age_gap_years": ("MAT-3", _("more than 10 years")),
        "holiday_expectations_required": ("REL-4", _("school-based programmes")),
        "consent_link_days": ("AGR-1", _("written consent of all three")),
        "guardians_see_meeting_notes": ("REL-1", None),
        "follow_up_months": ("OUT-2", _("about 12 months")),
        "report_min_group": ("OUT-3", None),
        "survey_reporting_months": ("", None),
        "mentor_mfa_required": ("", None),
    }
    # Settings the factsheet says nothing about: why Koppel chose the default (never announced as
    # the factsheet's).
    OWN_DEFAULTS = {
        "self_disclosure_required": _("on, so that there is something for SCR-3's disqualification to check"),
        "meeting_alert_grace_days": _("2 days, for a meeting moved by a day or two"),
        "guardians_see_meeting_notes": _(
            "off, so that what the mentor writes stays between mentor and youth"
        ),
        "report_min_group": _("5, so that no youth can be recognised in a report"),
        "survey_reporting_months": _(
            "24 months: two yearly reports, and the follow-up about a year after a match ends (OUT-2) "
            "is scored long before that; the scores stay for later reports"
        ),
        "mentor_mfa_required": _(
            "off, so that a volunteer can start without an authenticator app; switch it on once the "
            "programme's mentors can set one up"
        ),
    }

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_age_gap_years__gte=models.F("min_age_gap_years")),
                name="settings_preferred_gap_at_least_minimum",
            )
        ]

    def __str__(self) -> str:
        return str(self.programme)

    @classmethod
    def source_text(cls, name: str) -> str:
        """Where a setting's default comes from, as the settings page says it: "Factsheet: 12
        months", or "Not in the factsheet; Koppel's default: ..." for a setting the factsheet says
        nothing about."""
        factsheet = cls.RULES[name][1]
        if factsheet is not None:
            return _("Factsheet: %(factsheet)s") % {"factsheet": factsheet}
        return _("Not in the factsheet; Koppel's default: %(default)s") % {"default": cls.OWN_DEFAULTS[name]}


class Coordinator(KoppelModel):
    """A staff member coordinating a programme (one row per programme)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="coordinator_roles",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="coordinators",
    )
    caseload_limit = models.PositiveSmallIntegerField(
        _("caseload limit (matches)"),
        null=True,
        blank=True,
        help_text=_("Optional: how many matches this coordinator can support."),
    )

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        constraints = [models.UniqueConstraint(fields=["user", "programme"], name="unique_coordinator")]

    def __str__(self) -> str:
        return f"{self.user} ({self.programme})"


class Administrator(KoppelModel):
    """A staff member administering the whole organisation: every programme, the access log, the admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="administrator_roles",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="administrators",
    )

    class Meta:
        verbose_name = _("administrator")
        verbose_name_plural = _("administrators")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_administrator")]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"
