from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgrammeKind(models.TextChoices):
    COMMUNITY = "community", _("Community-based")
    SCHOOL = "school", _("School-based")
    WORKPLACE = "workplace", _("Workplace")
    ONLINE = "online", _("Online")


class ProgrammeForm(models.TextChoices):
    """REL-3: individual mentoring, or a team of 2 to 4 mentors around one youth."""

    INDIVIDUAL = "individual", _("Individual mentoring")
    TEAM = "team", _("Team mentoring")


class Location(models.TextChoices):
    """REL-3: where mentor and youth meet."""

    SCHOOL = "school", pgettext_lazy("meeting place", "School")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    WORKPLACE = "workplace", _("Mentor's workplace")
    FREE = "free", _("Free choice")


class Approach(models.TextChoices):
    """REL-5: relationship first, goal first, or both."""

    DEVELOPMENTAL = "developmental", _("Developmental (relationship first)")
    INSTRUMENTAL = "instrumental", _("Instrumental (goal first)")
    COMBINED = "combined", _("Combined")


class AccessibilityStatus(models.TextChoices):
    """The compliance status of the accessibility statement, as digitoegankelijk.nl names them."""

    A = "A", _("A: fully compliant")
    B = "B", _("B: partially compliant")
    C = "C", _("C: first measures taken")
    D = "D", _("D: no measures taken")
    E = "E", _("E: not evaluated yet")
