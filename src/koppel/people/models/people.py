"""Mentors, youth and guardians. Minimal by design: no national ID number, no identity documents."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from koppel.common.models import KoppelModel
from koppel.common.validators import validate_phone
from koppel.people.enums import (
    Channel,
    DisqualificationReason,
    Gender,
    GenderWish,
    GuardianRelation,
    Importance,
    MentorRoute,
    MentorStatus,
    NaturalMentorRelation,
    SchoolType,
    UILanguage,
    YouthReferral,
    YouthStatus,
)
from koppel.programmes.models import Organisation, Programme


class Interest(models.Model):
    """The managed list of interests (free text goes in `interests_other`)."""

    slug = models.SlugField(unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


def age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Person(KoppelModel):
    """What mentors and youth share: the profile matching and monitoring need."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="%(class)s_set",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(class)s_profile",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The coordinator whose caseload this person is on."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, default=Gender.UNSPECIFIED)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True, validators=[validate_phone])
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=UILanguage.choices, default=UILanguage.NL
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    cultural_background = models.CharField(
        _("cultural background"),
        max_length=150,
        blank=True,
        help_text=_("Self-described and optional. Used only when the family asks for it (MAT-5)."),
    )
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=100, blank=True)
    school_type = models.CharField(_("school type"), max_length=20, choices=SchoolType.choices, blank=True)
    school_year = models.PositiveSmallIntegerField(_("school year"), null=True, blank=True)
    interests = models.ManyToManyField(Interest, verbose_name=_("interests"), blank=True, related_name="+")
    interests_other = models.CharField(_("other interests"), max_length=250, blank=True)
    personality = models.JSONField(
        _("personality (self-report)"),
        default=dict,
        blank=True,
        help_text=_("MAT-2: a short self-report, each statement on a scale of 1 to 5."),
    )
    values_beliefs = models.TextField(_("values and beliefs"), blank=True)
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    # Set once by koppel.privacy.domain.erasure.erase_person (GDPR art. 17), never by a form: the row
    # stays for the reports, its personal data is gone and its name shows as a neutral label.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    # The neutral name of an erased person, in the reader's language: "Erased mentor #12".
    ERASED_LABEL: Any = _("Erased person #%(number)s")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.erased_at is not None:
            return str(self.ERASED_LABEL) % {"number": self.pk}
        return f"{self.first_name} {self.last_name}"

    @property
    def age(self) -> int | None:
        return age_on(self.date_of_birth, timezone.localdate())


class Mentor(Person):
    ERASED_LABEL = _("Erased mentor #%(number)s")

    status = models.CharField(
        _("status"), max_length=20, choices=MentorStatus.choices, default=MentorStatus.APPLIED
    )
    motives = models.JSONField(
        _("motives"),
        default=list,
        blank=True,
        help_text=_("REC-2: career, personal development, altruism."),
    )
    occupation = models.CharField(_("occupation or study"), max_length=150, blank=True)
    adult_supervisor = models.CharField(
        _("adult supervisor"),
        max_length=150,
        blank=True,
        help_text=_("MAT-4: a mentor under 18 can be matched only when an adult supervises them."),
    )
    travel_neighbourhoods = models.JSONField(
        _("neighbourhoods the mentor will travel to"),
        default=list,
        blank=True,
        help_text=_("Youth living there can be matched with this mentor whatever the distance."),
    )
    campaign = models.ForeignKey(
        "people.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicants",
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, blank=True, help_text="REC-2"
    )
    route = models.CharField(
        _("route"),
        max_length=10,
        choices=MentorRoute.choices,
        default=MentorRoute.CAMPAIGN,
        help_text="REC-1",
    )
    proposed_for = models.ForeignKey(
        "people.Youth",
        verbose_name=_("proposed as natural mentor for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_mentors",
        help_text=_("REC-1: the youth whose own network this mentor comes from."),
    )
    proposed_relation = models.CharField(
        _("relation to the youth"),
        max_length=20,
        choices=NaturalMentorRelation.choices,
        blank=True,
        help_text="REC-1",
    )
    motivation = models.TextField(
        _("motivation"),
        blank=True,
        help_text=_("The applicant's own words on why they want to become a mentor."),
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    disqualification_reason = models.CharField(
        _("reason for disqualification"),
        max_length=20,
        choices=DisqualificationReason.choices,
        blank=True,
        help_text=_("SCR-3: disqualification is final for matching."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("number of youth at once"),
        default=1,
        help_text=_("How many youth this mentor can mentor at the same time."),
    )

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["last_name", "first_name"]),
        ]
        constraints = [
            # SCR-3: the status and the reason record a disqualification together, so neither can be
            # set back alone (a trigger in people/guards.py keeps both from changing once set).
            models.CheckConstraint(
                condition=(models.Q(status=MentorStatus.DISQUALIFIED) & ~models.Q(disqualification_reason=""))
                | (~models.Q(status=MentorStatus.DISQUALIFIED) & models.Q(disqualification_reason="")),
                name="mentor_disqualified_with_reason",
            ),
            # One mentor per e-mail address in a programme, whatever its case: a second application
            # with the same address is kept apart as a RepeatApplication, never a second mentor.
            models.UniqueConstraint(
                Lower("email"),
                "programme",
                condition=~models.Q(email=""),
                name="unique_mentor_email_per_programme",
                violation_error_message=_("A mentor with this e-mail address is already in this programme."),
            ),
        ]


class Youth(Person):
    ERASED_LABEL = pgettext_lazy("one person", "Erased youth #%(number)s")

    status = models.CharField(
        _("status"), max_length=20, choices=YouthStatus.choices, default=YouthStatus.INTAKE
    )
    goals = models.TextField(_("goals"), blank=True, help_text=_("YTH-2: what the youth wants to work on."))
    goal_areas = models.JSONField(
        _("goal areas"),
        default=list,
        blank=True,
        help_text=_("YTH-2, MAT-1: the areas of the goals, to meet them with the mentor's motives."),
    )
    wishes = models.TextField(
        _("wishes"),
        blank=True,
        help_text=_("YTH-3: the youth's own wishes, the starting point of matching and of the relationship."),
    )
    wish_mentor_gender = models.CharField(
        _("wished gender of the mentor"),
        max_length=10,
        choices=GenderWish.choices,
        blank=True,
        default="",
    )
    wish_language = models.CharField(_("wished language of the mentor"), max_length=8, blank=True)
    cultural_match = models.CharField(
        _("shared cultural background"),
        max_length=10,
        choices=Importance.choices,
        default=Importance.NOT,
        help_text=_("MAT-5: ask how important the youth and family find this, and honour it."),
    )
    waiting_since = models.DateField(_("waiting since"), null=True, blank=True)
    referral = models.CharField(
        _("registered through"), max_length=20, choices=YouthReferral.choices, default=YouthReferral.GUARDIAN
    )
    referrer_name = models.CharField(_("referrer's name"), max_length=150, blank=True)
    referrer_organisation = models.CharField(_("referrer's organisation"), max_length=150, blank=True)
    guardians = models.ManyToManyField(
        "people.Guardian",
        verbose_name=_("parents and guardians"),
        through="people.Guardianship",
        related_name="children",
    )

    class Meta:
        verbose_name = pgettext_lazy("one person", "youth")
        verbose_name_plural = pgettext_lazy("several people", "youth")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["last_name", "first_name"]),
        ]


class Guardian(KoppelModel):
    """A parent or guardian (ouder/verzorger); may have several children in the organisation."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guardian_profile",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True, validators=[validate_phone])
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=UILanguage.choices, default=UILanguage.NL
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    # Set once by koppel.privacy.domain.erasure.erase_person, as on Person.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("parent or guardian")
        verbose_name_plural = _("parents and guardians")
        ordering = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.erased_at is not None:
            return _("Erased parent or guardian #%(number)s") % {"number": self.pk}
        return f"{self.first_name} {self.last_name}"


class Guardianship(KoppelModel):
    youth = models.ForeignKey(
        Youth, verbose_name=_("youth"), on_delete=models.CASCADE, related_name="guardianships"
    )
    guardian = models.ForeignKey(
        Guardian,
        verbose_name=_("parent or guardian"),
        on_delete=models.CASCADE,
        related_name="guardianships",
    )
    relation = models.CharField(_("relation"), max_length=20, choices=GuardianRelation.choices)
    has_parental_authority = models.BooleanField(_("has parental authority"), default=True)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [models.UniqueConstraint(fields=["youth", "guardian"], name="unique_guardianship")]

    def __str__(self) -> str:
        return f"{self.guardian} - {self.youth}"
