"""SCR-3: whether a mentor is disqualified, or not clear to be matched, read from every fact that
records it.

The status says so, but a status is one field; the facts behind it are the recorded reason, a
refused certificate of conduct (VOG), a disclosed offence involving children and the disqualification
step in the mentor's pipeline. A disclosed conviction that waits for review or was refused does not
disqualify, but it keeps the mentor out of matching until a coordinator accepts it (SCR-3), also when
it was disclosed after approval. Matching, the pair check, a round, a new match, a match's start and
the pipeline's steps towards matching all ask this module, so a mentor with any of these facts is
never matched, whatever their status field says.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from koppel.common.domain.errors import DomainError
from koppel.people.enums import DisclosureDecision, MentorStatus, VogOutcome
from koppel.people.models import ConductCertificate, Mentor, PipelineEvent, SelfDisclosure

# Disclosure decisions that keep a mentor from approval and from matching: not reviewed yet, refused,
# or (an offence involving children) disqualifying.
UNSETTLED_DISCLOSURES = frozenset(
    {DisclosureDecision.PENDING, DisclosureDecision.REJECTED, DisclosureDecision.DISQUALIFIED}
)


# What identifies a disqualified mentor stays as recorded, so they are found again when they apply
# anew (`earlier_disqualifications`); the database holds the same (people/guards.py).
FROZEN_WHEN_DISQUALIFIED = ("first_name", "last_name", "date_of_birth", "email", "programme")


def refuse_identity_change(mentor: Mentor, changed: Iterable[str]) -> None:
    """SCR-3: refuse a change of a disqualified mentor's name, date of birth, e-mail or programme."""
    if mentor.status == MentorStatus.DISQUALIFIED and set(changed) & set(FROZEN_WHEN_DISQUALIFIED):
        raise DomainError(
            _(
                "SCR-3: the name, date of birth, e-mail address and programme of a disqualified mentor "
                "stay as recorded."
            )
        )


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


def unsettled_disclosure_q() -> Q:
    """A filter for mentors with a disclosed conviction that waits for review or was refused."""
    return Q(
        Exists(SelfDisclosure.objects.filter(mentor_id=OuterRef("pk"), decision__in=UNSETTLED_DISCLOSURES))
    )


def not_clear_q() -> Q:
    """Mentors who may not be matched now for SCR-3: disqualified, or a disclosure not settled."""
    return disqualified_q() | unsettled_disclosure_q()


def disqualified_mentor_ids(mentor_ids: Iterable[int]) -> set[int]:
    """The ids among `mentor_ids` of mentors with any fact of a disqualification (one query)."""
    ids = list(mentor_ids)
    if not ids:
        return set()
    return set(Mentor.objects.filter(pk__in=ids).filter(disqualified_q()).values_list("pk", flat=True))


def unsettled_mentor_ids(mentor_ids: Iterable[int]) -> set[int]:
    """The ids among `mentor_ids` of mentors with a disclosed conviction not (yet) accepted (one query)."""
    ids = list(mentor_ids)
    if not ids:
        return set()
    return set(
        Mentor.objects.filter(pk__in=ids).filter(unsettled_disclosure_q()).values_list("pk", flat=True)
    )


def earlier_disqualifications(mentor: Mentor) -> QuerySet[Mentor]:
    """Disqualified mentors of the same organisation who may be this person: the same e-mail address,
    or the same name and date of birth (SCR-3: a disqualified person does not come back as a new
    applicant, in another programme or under another address)."""
    same = Q(
        first_name__iexact=mentor.first_name.strip(),
        last_name__iexact=mentor.last_name.strip(),
        date_of_birth=mentor.date_of_birth,
    )
    if mentor.email:
        same |= Q(email__iexact=mentor.email.strip())
    return (
        Mentor.objects.filter(programme__organisation_id=mentor.programme.organisation_id)
        .filter(status=MentorStatus.DISQUALIFIED)
        .exclude(pk=mentor.pk)
        .filter(same)
    )


def is_disqualified(mentor: Mentor) -> bool:
    """SCR-3 for one mentor (one query)."""
    return bool(disqualified_mentor_ids([mentor.pk]))


def refuse_unless_clear_to_match(mentors: Iterable[Mentor], *, doing: str) -> None:
    """SCR-3 for the mentors of a step towards a match (`doing` says which, for the message): refused
    for a disqualified mentor and for one whose disclosed conviction is not accepted. Two queries."""
    mentors = list(mentors)
    ids = [m.pk for m in mentors]
    disqualified, unsettled = disqualified_mentor_ids(ids), unsettled_mentor_ids(ids)
    for mentor in mentors:
        if mentor.pk in disqualified:
            raise DomainError(
                _("SCR-3: %(name)s is disqualified; %(doing)s is not possible.")
                % {"name": mentor.full_name, "doing": doing}
            )
        if mentor.pk in unsettled:
            raise DomainError(
                _(
                    "SCR-3: a conviction %(name)s disclosed waits for review or was not accepted; "
                    "%(doing)s is not possible."
                )
                % {"name": mentor.full_name, "doing": doing}
            )
