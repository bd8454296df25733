"""The baseline each later score is compared with (OUT-1, OUT-3), copied onto the score.

A later score (during the match, at closure, at follow-up) is paired with the youth's latest baseline
score in the same outcome domain from the same kind of respondent, submitted on or before it. The
pairing is copied into `Score.baseline` whenever a score of the youth is written, so a baseline that
arrives late still reaches the scores before it was known, and reports never need a subquery per row.
"""

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from koppel.surveys.enums import Moment
from koppel.surveys.models import Score


def baseline_subquery() -> Subquery:
    """The value of the latest baseline for the outer score (see the module docstring)."""
    return Subquery(
        Score.objects.filter(
            youth_id=OuterRef("youth_id"),
            domain=OuterRef("domain"),
            respondent=OuterRef("respondent"),
            moment=Moment.BASELINE,
            value__isnull=False,
            submitted_on__lte=OuterRef("submitted_on"),
        )
        .order_by("-submitted_on", "-id")
        .values("value")[:1]
    )


def refresh_baselines(youth_ids: Iterable[int]) -> int:
    """Copy the paired baseline onto every later score of these youth. One UPDATE; returns the
    number of scores written. Side effects: only `Score.baseline`."""
    ids = list(youth_ids)
    if not ids:
        return 0
    return (
        Score.objects.filter(youth_id__in=ids)
        .exclude(moment=Moment.BASELINE)
        .update(baseline=baseline_subquery())
    )
