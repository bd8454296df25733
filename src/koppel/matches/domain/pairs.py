"""A pair proposed by hand (MAT-6): a natural "click", a mentor the youth suggests, or the
coordinator's own judgement, next to the computed proposals of a match round.

`propose_pair` re-checks what `pair_check.check_pair` shows beforehand and creates the match in the
proposed state.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.matches.domain import rounds
from koppel.matches.domain.pair_check import check_pair
from koppel.matches.enums import MatchOrigin
from koppel.matches.models import Match
from koppel.people.models import Mentor, Youth
from koppel.programmes.models import Programme

# The origins a pair by hand may have (MAT-6); a match round's own origin is not one of them.
PAIR_ORIGINS = [o for o in MatchOrigin.values if o != MatchOrigin.ROUND]


def _check_team(programme: Programme, youth: Youth, mentors: list[Mentor]) -> None:
    if youth.programme_id != programme.pk or any(m.programme_id != programme.pk for m in mentors):
        raise DomainError(_("The youth and the mentors must all belong to this programme."))
    if len({m.pk for m in mentors}) != len(mentors):
        raise DomainError(_("Choose each mentor only once."))
    low, high = (programme.team_size_min, programme.team_size_max) if programme.is_team else (1, 1)
    if not low <= len(mentors) <= high:
        if low == high:
            raise DomainError(_("Choose exactly one mentor."))
        # REL-3: a team of 2 to 4 mentors around one youth.
        raise DomainError(
            _("Choose between %(low)s and %(high)s mentors for a team (REL-3).") % {"low": low, "high": high}
        )


@transaction.atomic
def propose_pair(
    programme: Programme, youth: Youth, mentors: Iterable[Mentor], *, by: User, origin: str, note: str = ""
) -> Match:
    """Propose a pair by hand (MAT-6): a match in the proposed state.

    Re-checks everything itself: youth and mentors of this programme, the team size (REL-3), every
    hard constraint (a broken one refuses with its reason, including a coordinator's exclusion), and,
    through `rounds.create_proposed_match`, that the youth is waiting without an open match and each
    mentor has room. Side effects: the match and its mentors, the youth's status "matched" (a mentor's
    follows once the match starts), activity-log entries (the origin is logged, the note's text is not).
    """
    mentors = list(mentors)
    if origin not in PAIR_ORIGINS:
        raise DomainError(_("Say where this pair comes from."))
    _check_team(programme, youth, mentors)
    check = check_pair(programme, youth, mentors)
    if check.broken:
        raise DomainError(
            _("This pair cannot be proposed: %(problems)s")
            % {"problems": " ".join(f"{p.text} ({p.rule})" if p.rule else p.text for p in check.broken)}
        )
    match = rounds.create_proposed_match(programme, youth, mentors, by=by, origin=origin, note=note)
    log_action(
        match,
        "matches.pair.proposed_by_hand",
        by=by,
        data={
            "origin": origin,
            "mentors": [m.pk for m in mentors],
            "score": round(check.score, 3),
            "has_note": bool(note.strip()),
        },
    )
    return match
