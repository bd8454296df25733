"""Who sees which programmes, mentors, youth and guardians, as far as the people app can tell
(koppel.policy holds every selector; those the apps below the policy need live with their app)."""

from django.db.models import Q, QuerySet

from koppel.accounts.models import User
from koppel.people.domain.roles import AnyUser, roles_of
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.models import Programme


def programmes_visible_to(user: AnyUser) -> QuerySet[Programme]:
    r = roles_of(user)
    return Programme.objects.filter(id__in=r.staff_programme_ids).select_related("organisation")


def mentors_visible_to(user: AnyUser) -> QuerySet[Mentor]:
    """Staff see their programmes' mentors; a mentor sees themselves."""
    r = roles_of(user)
    return Mentor.objects.filter(Q(programme_id__in=r.staff_programme_ids) | Q(id__in=r.mentor_ids))


def coordinators_of_programmes_of(user: AnyUser) -> QuerySet[User]:
    """The users who coordinate one of the user's programmes (for coordinator and trainer choices)."""
    return User.objects.filter(
        coordinator_roles__programme_id__in=roles_of(user).staff_programme_ids
    ).distinct()


def staff_mentors(user: AnyUser) -> QuerySet[Mentor]:
    """Mentors as staff pages show them: those of the user's programmes, never the user's own row."""
    return Mentor.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def staff_youth(user: AnyUser) -> QuerySet[Youth]:
    """Youth as staff pages show them: those of the user's programmes, never a portal row."""
    return Youth.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def guardians_visible_to(user: AnyUser) -> QuerySet[Guardian]:
    """Staff see the guardians of youth in their programmes (and guardians of their organisation
    without children yet, when they administer it); a guardian sees themselves."""
    r = roles_of(user)
    q = Q(id=r.guardian_id) if r.guardian_id is not None else Q(pk__in=[])
    if r.staff_programme_ids:
        q |= Q(
            id__in=Youth.objects.filter(programme_id__in=r.staff_programme_ids).values(
                "guardianships__guardian_id"
            )
        )
    if r.admin_org_ids:
        q |= Q(organisation_id__in=r.admin_org_ids)
    return Guardian.objects.filter(q)
