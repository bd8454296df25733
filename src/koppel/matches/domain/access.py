"""Who a page about a person or a match shows, so the page logs an access for each of them
(koppel.common.domain.audit.log_access_all)."""

from koppel.matches.models import Match
from koppel.people.models import Guardian, Guardianship, Mentor, Youth


def people_around(person: Youth | Mentor | Guardian) -> list[Youth | Mentor | Guardian]:
    """A person and the people their page names: a youth's guardians and mentors, a mentor's youth,
    a guardian's children."""
    if isinstance(person, Youth):
        return [
            person,
            *Guardian.objects.filter(guardianships__youth=person).only("pk"),
            *Mentor.objects.filter(matches__youth=person).distinct().only("pk"),
        ]
    if isinstance(person, Guardian):
        return [person, *Youth.objects.filter(guardianships__guardian=person).only("pk")]
    if isinstance(person, Mentor):
        return [person, *Youth.objects.filter(matches__mentors=person).distinct().only("pk")]
    return [person]


def people_of_match(match: Match) -> list:
    """The youth, mentors and the youth's guardians of a match."""
    guardians = Guardian.objects.filter(
        pk__in=Guardianship.objects.filter(youth_id=match.youth_id).values("guardian_id")
    )
    return [
        Youth(pk=match.youth_id),
        *Mentor.objects.filter(matches=match).only("pk"),
        *guardians.only("pk"),
    ]
