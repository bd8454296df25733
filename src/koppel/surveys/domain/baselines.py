"""The baseline each later score is compared with (OUT-1, OUT-3), copied onto the score.

A later score (during the match, at closure, at follow-up) is paired with the youth's latest baseline
score of the same instrument and subscale (by key, so a new revision still pairs) from the same
respondent (the youth, the same mentor or the same guardian), submitted on or before it: `pair_key`. The
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
            pair_key=OuterRef("pair_key"),
            moment=Moment.BASELINE,
            value__isnull=False,
            submitted_on__lte=OuterRef("submitted_on"),
        )
        .order_by("-submitted_on", "-id")
        .values("value")[:1]
    )


def pair_key(*, instrument_key: str, subscale_key: str, respondent: str, person_id: int | None) -> str:
    """What a later score and its baseline share (see the module docstring)."""
    return f"{instrument_key}/{subscale_key}/{respondent}/{person_id or ''}"


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
