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


class GoalArea(models.TextChoices):
    """YTH-2: what the youth wants to work on, as areas the mentor's motives can meet (MAT-1)."""

    SCHOOL = "school", _("School and homework")
    WORK = "work", _("Work, internship or study choice")
    CONFIDENCE = "confidence", _("Self-confidence")
    SOCIAL = "social", _("Friends and social skills")
    EMOTIONS = "emotions", _("Dealing with feelings")
    LEISURE = "leisure", _("Leisure and hobbies")
    FAMILY = "family", _("Relationships at home")


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
    IMPORTANT = "important", pgettext_lazy("importance", "Important")
    REQUIRED = "required", pgettext_lazy("importance", "Required")


class GuardianRelation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    CARER = "carer", _("Carer or foster parent")
    GUARDIAN = "guardian", _("Legal guardian")
    OTHER = "other", pgettext_lazy("relation", "Other")


# --- Recruitment (REC-1..3) -------------------------------------------------------------------------


class Channel(models.TextChoices):
    """REC-2: where a campaign reaches people."""

    SOCIAL_MEDIA = "social_media", _("Social media")
    SCHOOL = "school", pgettext_lazy("channel", "School or college")
    EMPLOYER = "employer", _("Employer")
    RELIGIOUS = "religious", _("Religious organisation")
    COMMUNITY = "community", _("Community organisation")
    VOLUNTEER_CENTRE = "volunteer_centre", _("Volunteer centre")
    WORD_OF_MOUTH = "word_of_mouth", _("Word of mouth")
    WEBSITE = "website", _("Website")
    OTHER = "other", pgettext_lazy("channel", "Other")


class MentorRoute(models.TextChoices):
    """REC-1: a mentor from the youth's own network, or a volunteer recruited for the programme."""

    CAMPAIGN = "campaign", _("Recruited volunteer")
    NATURAL = "natural", _("Natural mentor (from the youth's own network)")


class NaturalMentorRelation(models.TextChoices):
    """How a proposed natural mentor knows the youth (REC-1)."""

    FAMILY = "family", _("Family")
    FAMILY_FRIEND = "family_friend", _("Friend of the family")
    NEIGHBOUR = "neighbour", _("Neighbour")
    SCHOOL = "school", _("Someone from school")
    CLUB = "club", _("Someone from a club or association")
    FAITH = "faith", _("Someone from a religious community")
    OTHER = "other", _("Someone else the youth knows")


class YouthReferral(models.TextChoices):
    GUARDIAN = "guardian", _("Registered by a parent or guardian")
    SCHOOL = "school", _("Referred by a school")
    YOUTH_WORK = "youth_work", _("Referred by a youth worker")
    OTHER_PROFESSIONAL = "professional", _("Referred by another professional")
    SELF = "self", _("Signed up themselves")


# --- Screening (SCR-1..4) ---------------------------------------------------------------------------


class InterviewKind(models.TextChoices):
    """SCR-1: at least one personal interview, preferably a home visit."""

    HOME_VISIT = "home_visit", _("Home visit (preferred)")
    OFFICE = "office", _("At the office")
    ONLINE = "online", _("Online")


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    DOUBT = "doubt", _("Doubts: discuss in the team")
    REJECT = "reject", pgettext_lazy("recommendation", "Reject")


class MentorQuality(models.TextChoices):
    """SCR-4: the qualities of an effective mentor, each rated 1-5 at the interview."""

    MOTIVATED = "motivated", _("Motivated and enthusiastic")
    EMPATHIC = "empathic", _("Empathic but not over-involved")
    TIME = "time", _("Willing to invest enough time")
    LISTENER = "listener", _("A good and active listener")
    CREATIVE = "creative", _("Creative")
    RELIABLE = "reliable", _("Reliable")
    TRUST = "trust", _("Able to build trust")
    OPEN = "open", _("Open to the youth")
    RESPECTFUL = "respectful", _("Respectful")
    NON_JUDGEMENTAL = "non_judgemental", _("Non-judgemental")
    ENTERPRISING = "enterprising", _("Enterprising")
    FUN = "fun", _("Values having fun")
    ROLE_MODEL = "role_model", _("Models and encourages skills and positive behaviour")
    SOLUTIONS = "solutions", _("Sees solutions and offers problem-solving strategies")
    DISCOURAGES_NEGATIVE = "discourages_negative", _("Discourages negative behaviour")
    EXPERIENCE = "experience", _("Experience in a helping profession or life experience")


class ReferenceOutcome(models.TextChoices):
    PENDING = "pending", _("Not yet contacted")
    POSITIVE = "positive", _("Positive")
    DOUBTS = "doubts", _("Doubts")
    NEGATIVE = "negative", _("Negative")


class ScreeningProfile(models.TextChoices):
    """SCR-2: the screening profile a VOG is asked for, stored as a code and named in the reader's
    language. Another profile is stored as the text typed."""

    MINORS = "minors", pgettext_lazy("VOG profile", "Working with minors")


class VogOutcome(models.TextChoices):
    """SCR-2, SCR-3: a refused VOG disqualifies for good."""

    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")


class DisclosureDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    NO_CONCERN = "no_concern", _("No concern")
    ACCEPTED_WITH_CONDITIONS = "conditions", _("Accepted with conditions")
    REJECTED = "rejected", pgettext_lazy("disclosure decision", "Rejected")
    DISQUALIFIED = "disqualified", _("Disqualified (SCR-3)")


class DisqualificationReason(models.TextChoices):
    """SCR-3: automatic and final."""

    VOG_REFUSED = "vog_refused", _("The certificate of conduct (VOG) was refused")
    CHILD_OFFENCE = "child_offence", _("A disclosed offence involving children")
    # Only for a disqualification recorded before Koppel kept its reason: never chosen.
    NOT_RECORDED = "not_recorded", _("Disqualified before the reason was recorded")
