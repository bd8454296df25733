"""Match rounds (MAT-1..6): a programme's matching settings and weights, the rounds a coordinator runs,
their proposals and unmatched youth, and the pairs a coordinator locked or excluded."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koppel.common.models import ClaimedJob, KoppelModel
from koppel.matches.enums import Decision, MatchingObjective, PairRuleKind, RoundStatus
from koppel.people.models import Mentor, Youth
from koppel.programmes.models import Programme


def _weight(label, default: str, help_text):
    return models.DecimalField(
        label,
        max_digits=3,
        decimal_places=1,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text=help_text,
    )


class MatchingSettings(KoppelModel):
    """What a programme's match rounds check (hard constraints) and weigh (the soft score).

    The weights' defaults follow the factsheet: the youth's own wishes first (MAT-1, YTH-3), perceived
    similarity above demographic similarity (MAT-2). `RULES` names the rule behind each setting.
    """

    programme = models.OneToOneField(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="matching_settings"
    )
    max_travel_km = models.DecimalField(
        _("maximum travel distance (km)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
        help_text=_(
            "A pair further apart is not proposed, unless the youth's neighbourhood is one the "
            "mentor will travel to."
        ),
    )
    online = models.BooleanField(
        _("meetings are online"), default=False, help_text=_("Then the travel distance does not apply.")
    )
    min_availability_overlap = models.PositiveSmallIntegerField(
        _("minimum shared weekly time slots"),
        default=1,
        validators=[MaxValueValidator(21)],
        help_text=_(
            "A pair needs at least this many shared parts of the week (morning, afternoon, evening)."
        ),
    )
    min_score = models.DecimalField(
        _("minimum score"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Below this score (0 to 1) a youth is better left waiting than matched."),
    )
    objective = models.CharField(
        _("what a round aims for"),
        max_length=20,
        choices=MatchingObjective.choices,
        default=MatchingObjective.YOUTH_FIRST,
        help_text=_(
            "MAT-1, REL-3: youth first. A round first matches as many youth as it can (in a team "
            "programme: with a complete team), then picks the best total score among those matchings. "
            "With the best total score alone a round may leave a youth waiting, for example to give "
            "other youth larger teams."
        ),
    )
    weight_wishes = _weight(_("the youth's own wishes"), "3.0", _("MAT-1, YTH-3: the youth's wishes first."))
    weight_interests = _weight(_("shared interests"), "2.0", _("MAT-2: perceived similarity."))
    weight_personality = _weight(_("similar personality"), "1.5", _("MAT-2: perceived similarity."))
    weight_values = _weight(_("shared values and beliefs"), "1.5", _("MAT-2: perceived similarity."))
    weight_age_gap = _weight(_("age gap"), "1.0", _("MAT-3: a gap above the preferred age gap works better."))
    weight_mutual_benefit = _weight(
        _("mutual benefit"), "1.0", _("MAT-1: the mentor's motives meet the youth's goals.")
    )
    weight_culture = _weight(
        _("shared cultural background"), "1.0", _("MAT-5: only as much as the family asked for.")
    )
    weight_demographics = _weight(
        _("same gender and language"), "0.5", _("MAT-2: demographic similarity counts less.")
    )
    weight_availability = _weight(_("shared availability"), "1.0", _("More shared time slots."))
    weight_distance = _weight(_("short journey"), "1.0", _("A shorter journey between the two."))
    weight_waiting = _weight(
        _("time on the waiting list"), "1.0", _("The longest-waiting youth are not passed over.")
    )

    WEIGHTS = (
        "wishes",
        "interests",
        "personality",
        "values",
        "age_gap",
        "mutual_benefit",
        "culture",
        "demographics",
        "availability",
        "distance",
        "waiting",
    )
    RULES = {
        "objective": "MAT-1",
        "weight_wishes": "MAT-1",
        "weight_interests": "MAT-2",
        "weight_personality": "MAT-2",
        "weight_values": "MAT-2",
        "weight_age_gap": "MAT-3",
        "weight_mutual_benefit": "MAT-1",
        "weight_culture": "MAT-5",
        "weight_demographics": "MAT-2",
    }

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")

    def __str__(self) -> str:
        return str(self.programme)

    def weights(self) -> dict[str, float]:
        """Factor name -> weight."""
        return {name: float(getattr(self, f"weight_{name}")) for name in self.WEIGHTS}


class MatchRound(ClaimedJob, KoppelModel):
    """One run of the matching engine over a programme's waiting youth and available mentors. A
    worker claims it (ClaimedJob: the claim, its heartbeat, the attempts)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="match_rounds"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("re-run of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reruns",
    )
    status = models.CharField(
        pgettext_lazy("round", "status"),
        max_length=10,
        choices=RoundStatus.choices,
        default=RoundStatus.QUEUED,
    )
    progress = models.FloatField(_("progress"), default=0)
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    # What the round was asked for (filters as submitted) and what it used (settings snapshot).
    youth_filter = models.JSONField(_("youth filter"), default=dict, blank=True)
    mentor_filter = models.JSONField(_("mentor filter"), default=dict, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    youth_ids = models.JSONField(_("youth in the round"), default=list, blank=True)
    mentor_ids = models.JSONField(_("mentors in the round"), default=list, blank=True)
    total_score = models.FloatField(_("total score"), null=True, blank=True)
    optimal = models.BooleanField(_("proven optimal"), default=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("match round")
        verbose_name_plural = _("match rounds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.programme} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (RoundStatus.DONE, RoundStatus.FAILED)


class RoundProposal(KoppelModel):
    """A youth with the mentor (or team) the round proposes, its score and explanation."""

    round = models.ForeignKey(
        MatchRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="proposals"
    )
    youth = models.ForeignKey(Youth, verbose_name=_("youth"), on_delete=models.CASCADE, related_name="+")
    mentors = models.ManyToManyField(Mentor, verbose_name=_("mentors"), related_name="+")
    rank = models.PositiveIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    # Factor -> weighted contribution (they add up to the score); factor -> raw value 0..1.
    factors = models.JSONField(_("contributions"), default=dict)
    values = models.JSONField(_("factor values"), default=dict)
    # Per mentor, what the pair has in common and which wishes the mentor meets
    # (matchmaker.types.PairDetails.as_dict()); interests as slugs or the people's own words.
    details = models.JSONField(_("what matched"), default=list, blank=True)
    locked_mentor_ids = models.JSONField(_("locked mentors"), default=list, blank=True)
    # [{"mentor": id, "score": float}], the next-best mentors for this youth.
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    match = models.ForeignKey(
        "matches.Match",
        verbose_name=pgettext_lazy("noun", "match"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["round", "rank"]
        constraints = [models.UniqueConstraint(fields=["round", "youth"], name="one_proposal_per_youth")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.youth_id}"


class RoundUnmatched(KoppelModel):
    """A youth the round left unmatched, with the constraint(s) that kept them so."""

    round = models.ForeignKey(
        MatchRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="unmatched"
    )
    youth = models.ForeignKey(Youth, verbose_name=_("youth"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=40)
    codes = models.JSONField(_("constraints"), default=list, blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)
    counts = models.JSONField(_("mentors ruled out per constraint"), default=dict, blank=True)

    class Meta:
        verbose_name = _("unmatched youth")
        verbose_name_plural = _("unmatched youth")
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.youth_id} ({self.reason})"


class PairRule(KoppelModel):
    """A coordinator's decision about one pair that later rounds respect: keep it (lock) or never
    propose it again (exclude)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="pair_rules"
    )
    youth = models.ForeignKey(Youth, verbose_name=_("youth"), on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Mentor, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=PairRuleKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("locked or excluded pair")
        verbose_name_plural = _("locked and excluded pairs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "youth", "mentor"], name="one_rule_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.youth_id} - {self.mentor_id}"
