from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    MENTOR = "mentor", _("Mentors")
    YOUTH = "youth", _("Youth")
    GUARDIAN = "guardian", _("Parents and guardians")


class CurriculumRule(models.TextChoices):
    """The practice rule a curriculum module comes from (the practice rules, e.g. TRN-3)."""

    TRN_3 = "TRN-3", _("TRN-3: mentor curriculum")
    TRN_4 = "TRN-4", _("TRN-4: youth training")
    TRN_5 = "TRN-5", _("TRN-5: information for parents and guardians")


class HoursKind(models.TextChoices):
    EXTERNAL = "external", _("External course")
    SELF_STUDY = "self_study", _("Self-study")
