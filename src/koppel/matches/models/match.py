from django.conf import settings
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
    introduced_on = models.DateField(_("introduced on"), null=True, blank=True)
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member present"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    introduction_note = models.CharField(_("how the first meeting went"), max_length=500, blank=True)
    agreed_on = models.DateField(_("agreement written on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    paused_since = models.DateField(_("paused since"), null=True, blank=True)
    pause_reason = models.CharField(_("why the match is paused"), max_length=300, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("noun", "match")
        verbose_name_plural = pgettext_lazy("noun", "matches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["youth", "programme"],
                condition=models.Q(state__in=OPEN_STATES),
                name="one_open_match_per_youth_and_programme",
            ),
            # A started match has a start date; a closed one that started has an end date too.
            models.CheckConstraint(
                condition=~models.Q(state__in=[MatchState.ACTIVE, MatchState.CLOSING])
                | models.Q(started_on__isnull=False),
                name="started_match_has_start_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=MatchState.CLOSED) | models.Q(ended_on__isnull=False),
                name="closed_match_has_end_date",
            ),
            models.CheckConstraint(
                condition=models.Q(paused_since__isnull=True)
                | models.Q(state__in=[MatchState.ACTIVE, MatchState.CLOSING]),
                name="only_started_matches_pause",
            ),
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


class MatchEvent(models.Model):
    """One step of a match through its states, for its timeline (append-only)."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=MatchState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=MatchState.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("match event")
        verbose_name_plural = _("match events")
        ordering = ["match", "at", "id"]

    def __str__(self) -> str:
        return f"{self.match_id}: {self.from_state} -> {self.to_state}"
