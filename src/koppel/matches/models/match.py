from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koppel.common.models import KoppelModel
from koppel.matches.enums import OPEN_STATES, MatchOrigin, MatchState
from koppel.people.models import Mentor, Youth
from koppel.programmes.models import Programme


class Match(KoppelModel):
    """A youth and their mentor (or team of 2-4 mentors: REL-3) in one programme."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="matches"
    )
    youth = models.ForeignKey(
        Youth, verbose_name=_("youth"), on_delete=models.PROTECT, related_name="matches"
    )
    mentors = models.ManyToManyField(
        Mentor, verbose_name=_("mentors"), through="matches.MatchMentor", related_name="matches"
    )
    state = models.CharField(
        pgettext_lazy("match", "state"),
        max_length=20,
        choices=MatchState.choices,
        default=MatchState.PROPOSED,
    )
    origin = models.CharField(
        _("origin"),
        max_length=20,
        choices=MatchOrigin.choices,
        default=MatchOrigin.ROUND,
        help_text=_("MAT-6: a match round, or a pair proposed by hand."),
    )
    origin_note = models.CharField(_("why this pair"), max_length=300, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("noun", "match")
        verbose_name_plural = pgettext_lazy("noun", "matches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["youth", "programme"],
                condition=models.Q(state__in=OPEN_STATES),
                name="one_open_match_per_youth_and_programme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.youth} ({self.get_state_display()})"


class MatchMentor(KoppelModel):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="match_mentors")
    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="match_mentors"
    )

    class Meta:
        verbose_name = _("match mentor")
        verbose_name_plural = _("match mentors")
        constraints = [models.UniqueConstraint(fields=["match", "mentor"], name="unique_match_mentor")]

    def __str__(self) -> str:
        return f"{self.mentor} - {self.match_id}"
