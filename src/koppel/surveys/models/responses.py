"""A survey due for one respondent (an assignment), their answers as they go, and the scores
computed on submission; relationship-quality alerts (OUT-4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from koppel.common.fields import EncryptedTextField
from koppel.common.models import KoppelModel
from koppel.matches.models import Match
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.models import Programme
from koppel.surveys.enums import AlertReason, AssignmentStatus, Moment, OutcomeDomain, Respondent
from koppel.surveys.models.instruments import Instrument, Item, Subscale
from koppel.surveys.models.schedules import SurveySchedule


class Assignment(KoppelModel):
    """One respondent asked to fill in one instrument about one youth at one moment.

    The youth is the subject (and the respondent when `respondent` is youth); `mentor` or `guardian`
    is the respondent otherwise. `key` makes planning idempotent: schedule, subject, match,
    respondent person and moment.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="survey_assignments"
    )
    schedule = models.ForeignKey(
        SurveySchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="assignments"
    )
    youth = models.ForeignKey(
        Youth, verbose_name=_("youth"), on_delete=models.CASCADE, related_name="survey_assignments"
    )
    match = models.ForeignKey(
        Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_assignments"
    )
    respondent = models.CharField(_("respondent"), max_length=10, choices=Respondent.choices)
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    moment = models.CharField(_("moment"), max_length=10, choices=Moment.choices)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    closes_on = models.DateField(_("open until"))
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    young = models.BooleanField(_("young wording"), default=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    key = models.CharField(_("key"), max_length=120, unique=True)
    # Part of the signed personal link: staff re-issuing the link raise it, so every older link stops.
    link_version = models.PositiveIntegerField(_("link version"), default=0, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-due_on", "-id"]
        indexes = [
            # Covers the dashboard's surveys-due figure (grouped by instrument, moment and respondent).
            models.Index(
                fields=["programme", "status", "due_on", "instrument", "moment", "months", "respondent"],
                name="assignment_report_idx",
            ),
            models.Index(fields=["youth", "instrument", "respondent"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(respondent="youth", mentor__isnull=True, guardian__isnull=True)
                | models.Q(respondent="mentor", mentor__isnull=False, guardian__isnull=True)
                | models.Q(respondent="guardian", mentor__isnull=True, guardian__isnull=False),
                name="assignment_respondent_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="submitted") | models.Q(submitted_at__isnull=False),
                name="submitted_assignment_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.key} {self.respondent} {self.moment} #{self.pk}"


class Answer(models.Model):
    """One answer, saved as the respondent goes. No row: not answered.

    An answer to a sensitive item (alcohol, drugs, delinquency: a special category of personal
    data) is stored encrypted in `sealed_value`, `value` left empty; any other answer in `value`.
    Read it as `given`, or many at once with `given_answers`. Scores are computed from these on
    submission and stay plain, so the reports read scores, never the answers."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(_("answer"), null=True, blank=True)
    sealed_value = EncryptedTextField(_("answer (encrypted)"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="one_answer_per_item"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=False, sealed_value="")
                | (models.Q(value__isnull=True) & ~models.Q(sealed_value="")),
                name="answer_stored_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}"

    def save(self, *args, **kwargs):
        # Every path (domain, factories, shell) seals an answer to a sensitive item.
        if self.value is not None:
            columns = answer_columns(self.item, self.value)
            self.value, self.sealed_value = columns["value"], columns["sealed_value"]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"value", "sealed_value"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "value", "sealed_value"}
        super().save(*args, **kwargs)

    @property
    def given(self) -> int:
        """The answer, decrypted when it is sealed."""
        return self.value if self.value is not None else int(self.sealed_value)


def answer_columns(item: Item, value: int) -> dict:
    """The columns that store `value` as the answer to `item`: sealed when the item is sensitive."""
    if item.sensitive:
        return {"value": None, "sealed_value": str(value)}
    return {"value": value, "sealed_value": ""}


def given_answers(answers) -> dict[int, int]:
    """Item id -> answer of a queryset of answers, sealed ones decrypted."""
    return {
        item_id: value if value is not None else int(sealed)
        for item_id, value, sealed in answers.values_list("item_id", "value", "sealed_value")
    }


class Score(models.Model):
    """A subscale's score for one submitted assignment. `value` is empty when too few items were
    answered. The assignment's facts are copied here so that reports aggregate in the database on
    one table (programme, domain, moment, respondent)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    subscale = models.ForeignKey(Subscale, on_delete=models.PROTECT, related_name="scores")
    value = models.FloatField(_("score"), null=True, blank=True)
    answered = models.PositiveSmallIntegerField(_("items answered"))
    items = models.PositiveSmallIntegerField(_("items"))
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    respondent = models.CharField(_("respondent"), max_length=10, choices=Respondent.choices)
    moment = models.CharField(_("moment"), max_length=10, choices=Moment.choices)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    domain = models.CharField(_("outcome domain"), max_length=30, choices=OutcomeDomain.choices)
    submitted_on = models.DateField(_("submitted on"))
    # What a baseline must share with this score to be its baseline: instrument key, subscale key,
    # respondent kind and the respondent person (mentor or guardian id; the youth is `youth`).
    pair_key = models.CharField(max_length=150, blank=True)
    # The youth's latest baseline score with the same pair_key, submitted on or before this one: copied
    # (surveys/domain/baselines.py) so that the outcomes report sums the change from baseline in one
    # pass instead of a subquery per row (OUT-1, OUT-3).
    baseline = models.FloatField(_("baseline score"), null=True, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "subscale"], name="one_score_per_subscale")
        ]
        indexes = [
            # Covers the outcomes report's change and relationship queries (OUT-1..4): the period is a
            # range in it, and the rest of what they read is in the index, so no table row is read.
            models.Index(
                fields=[
                    "programme",
                    "domain",
                    "moment",
                    "respondent",
                    "submitted_on",
                    "months",
                    "youth",
                    "match",
                    "value",
                    "baseline",
                    "subscale",
                ],
                name="score_report_cover",
            ),
            models.Index(fields=["youth", "pair_key", "moment", "submitted_on"]),
            # Covers the dashboard's relationship-quality means (OUT-4) without reading table rows.
            models.Index(
                fields=["programme", "domain", "respondent", "submitted_on", "youth", "value", "subscale"],
                name="score_quality_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscale_id}: {self.value}"


class QualityAlert(KoppelModel):
    """OUT-4: a relationship-quality score below the subscale's threshold, or a sharp drop since the
    respondent's previous score, asks the coordinator for an extra support contact."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="quality_alerts")
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="alerts")
    reason = models.CharField(_("reason"), max_length=20, choices=AlertReason.choices)
    value = models.FloatField(_("score"))
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    previous = models.FloatField(_("previous score"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("relationship-quality alert")
        verbose_name_plural = _("relationship-quality alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["score", "reason"], name="one_alert_per_score_and_reason")
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.match_id}"
