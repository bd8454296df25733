"""SCR-3: whether a mentor is disqualified, read from every fact that records it.

The status says so, but a status is one field; the facts behind it are the recorded reason, a
refused certificate of conduct (VOG), a disclosed offence involving children and the disqualification
step in the mentor's pipeline. Matching, the pair check, a round, a new match and a match's start all
ask `disqualified_q` / `is_disqualified`, so a mentor with any of these facts is never matched, whatever
their status field says.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from koppel.people.enums import MentorStatus, VogOutcome
from koppel.people.models import ConductCertificate, Mentor, PipelineEvent, SelfDisclosure


def disqualified_q() -> Q:
    """A filter for mentors with any fact of a disqualification."""
    pk = OuterRef("pk")
    return (
        Q(status=MentorStatus.DISQUALIFIED)
        | ~Q(disqualification_reason="")
        | Q(Exists(ConductCertificate.objects.filter(mentor_id=pk, outcome=VogOutcome.REFUSED)))
        | Q(
            Exists(
                SelfDisclosure.objects.filter(mentor_id=pk).filter(
                    Q(child_sexual_offence=True) | Q(child_offence=True)
                )
            )
        )
        | Q(Exists(PipelineEvent.objects.filter(mentor_id=pk, to_status=MentorStatus.DISQUALIFIED)))
    )


def disqualified_mentor_ids(mentor_ids: Iterable[int]) -> set[int]:
    """The ids among `mentor_ids` of mentors with any fact of a disqualification (one query)."""
    ids = list(mentor_ids)
    if not ids:
        return set()
    return set(Mentor.objects.filter(pk__in=ids).filter(disqualified_q()).values_list("pk", flat=True))


def is_disqualified(mentor: Mentor) -> bool:
    """SCR-3 for one mentor (one query)."""
    return bool(disqualified_mentor_ids([mentor.pk]))
