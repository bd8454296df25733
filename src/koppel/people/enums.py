from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", pgettext_lazy("gender", "Other")
    UNSPECIFIED = "unspecified", _("Prefers not to say")


class UILanguage(models.TextChoices):
    NL = "nl", "Nederlands"
    EN = "en", "English"


class SpokenLanguage(models.TextChoices):
    """Languages people speak, for matching on a shared language."""

    NL = "nl", _("Dutch")
    EN = "en", _("English")
    AR = "ar", _("Arabic")
    TR = "tr", _("Turkish")
    ZGH = "zgh", _("Tamazight (Berber)")
    PAP = "pap", _("Papiamento")
    SRN = "srn", _("Sranantongo")
    PL = "pl", _("Polish")
    SO = "so", _("Somali")
    TI = "ti", _("Tigrinya")
    UK = "uk", _("Ukrainian")
    FR = "fr", _("French")
    DE = "de", _("German")
    ES = "es", _("Spanish")
    PT = "pt", _("Portuguese")
    FA = "fa", _("Persian")


class SchoolType(models.TextChoices):
    """Dutch school types, ordered by level, for MAT-3's 'mentor at a next school level'."""

    PRIMARY = "primary", _("Primary school (basisonderwijs)")
    PRACTICAL = "practical", _("Practical education (praktijkonderwijs)")
    VMBO = "vmbo", _("VMBO")
    HAVO = "havo", _("HAVO")
    VWO = "vwo", _("VWO")
    MBO = "mbo", _("MBO")
    HBO = "hbo", _("HBO")
    WO = "wo", _("University (WO)")
    GRADUATED = "graduated", _("Finished school / working")
    NONE = "none", _("Not in school")


# Rank of each school type for MAT-3 ("the mentor at a next school level").
SCHOOL_STAGE = {
    SchoolType.PRIMARY: 1,
    SchoolType.PRACTICAL: 2,
    SchoolType.VMBO: 2,
    SchoolType.HAVO: 2,
    SchoolType.VWO: 2,
    SchoolType.MBO: 3,
    SchoolType.HBO: 3,
    SchoolType.WO: 3,
    SchoolType.GRADUATED: 4,
}


class Weekday(models.TextChoices):
    MON = "mon", _("Monday")
    TUE = "tue", _("Tuesday")
    WED = "wed", _("Wednesday")
    THU = "thu", _("Thursday")
    FRI = "fri", _("Friday")
    SAT = "sat", _("Saturday")
    SUN = "sun", _("Sunday")


class DayPart(models.TextChoices):
    MORNING = "am", _("morning")
    AFTERNOON = "pm", _("afternoon")
    EVENING = "ev", _("evening")


AVAILABILITY_SLOTS = [f"{day}-{part}" for day in Weekday.values for part in DayPart.values]


def availability_label(slot: str) -> str:
    day, part = slot.split("-")
    return f"{Weekday(day).label} {DayPart(part).label}"


class PersonalityTrait(models.TextChoices):
    """A short self-report: each trait answered on a 1-5 scale (MAT-2: perceived similarity)."""

    OUTGOING = "outgoing", _("I like to be among people")
    CALM = "calm", _("I stay calm when things get difficult")
    STRUCTURED = "structured", _("I like to plan things in advance")
    CURIOUS = "curious", _("I like to try new things")
    ACTIVE = "active", _("I prefer doing things to talking")


class MentorMotive(models.TextChoices):
    """REC-2: why someone wants to become a mentor."""

    CAREER = "career", _("Career development")
    PERSONAL = "personal", _("Personal development")
    ALTRUISM = "altruism", _("Helping others (altruism)")


class MentorStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    INTERVIEW_PLANNED = "interview_planned", _("Interview planned")
    IN_SCREENING = "in_screening", _("In screening")
    APPROVED = "approved", _("Approved")
    READY = "ready", _("Ready to match")
    MATCHED = "matched", pgettext_lazy("mentor state", "Matched")
    PAUSED = "paused", _("Paused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")
    DISQUALIFIED = "disqualified", _("Disqualified")


class YouthStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    WAITING = "waiting", _("Waiting for a mentor")
    MATCHED = "matched", pgettext_lazy("youth state", "Matched")
    CLOSED = "closed", _("Finished")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GenderWish(models.TextChoices):
    ANY = "", _("No preference")
    FEMALE = "female", _("A female mentor")
    MALE = "male", _("A male mentor")


class Importance(models.TextChoices):
    """MAT-5: how important the youth and family find a shared cultural background."""

    NOT = "not", _("Not important")
    NICE = "nice", _("Nice to have")
    REQUIRED = "required", pgettext_lazy("importance", "Required")


class GuardianRelation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    CARER = "carer", _("Carer or foster parent")
    GUARDIAN = "guardian", _("Legal guardian")
    OTHER = "other", pgettext_lazy("relation", "Other")
