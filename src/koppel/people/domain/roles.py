"""The user's roles, the facts every permission is built on (koppel.policy).

Roles are relationships: a user is an administrator because an Administrator row links them to an
organisation, a coordinator through Coordinator rows, a mentor/youth because a Mentor/Youth row
points at them, a guardian through a Guardian row. They are read here, in the lowest app that holds
them all, so that the apps above (their forms and selectors) can ask them too.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet

from koppel.accounts.models import User
from koppel.people.enums import MentorStatus
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.models import Administrator, Coordinator, Programme

# request.user: a login or the anonymous user.
AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Roles:
    admin_org_ids: frozenset[int] = frozenset()
    coordinated_programme_ids: frozenset[int] = frozenset()
    mentor_ids: frozenset[int] = frozenset()
    youth_ids: frozenset[int] = frozenset()
    guardian_id: int | None = None
    staff_programme_ids: frozenset[int] = field(default=frozenset())

    @property
    def is_admin(self) -> bool:
        return bool(self.admin_org_ids)

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinated_programme_ids)

    @property
    def is_staff_member(self) -> bool:
        return self.is_admin or self.is_coordinator

    @property
    def is_mentor(self) -> bool:
        return bool(self.mentor_ids)

    @property
    def is_youth(self) -> bool:
        return bool(self.youth_ids)

    @property
    def is_guardian(self) -> bool:
        return self.guardian_id is not None


NO_ROLES = Roles()


def roles_of(user: AnyUser | None) -> Roles:
    """The user's roles, read once per request and kept on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_koppel_roles", None)
    if cached is not None:
        return cached
    admin_orgs = frozenset(Administrator.objects.filter(user=user).values_list("organisation_id", flat=True))
    coordinated = frozenset(Coordinator.objects.filter(user=user).values_list("programme_id", flat=True))
    staff_programmes = coordinated
    if admin_orgs:
        staff_programmes = staff_programmes | frozenset(
            Programme.objects.filter(organisation_id__in=admin_orgs).values_list("id", flat=True)
        )
    guardian_id = Guardian.objects.filter(user=user).values_list("id", flat=True).first()
    roles = Roles(
        admin_org_ids=admin_orgs,
        coordinated_programme_ids=coordinated,
        # SCR-3: a disqualified mentor loses the mentor's role at once: no youth, match or meeting
        # of theirs is visible to them any more.
        mentor_ids=frozenset(
            Mentor.objects.filter(user=user)
            .exclude(status=MentorStatus.DISQUALIFIED)
            .values_list("id", flat=True)
        ),
        youth_ids=frozenset(Youth.objects.filter(user=user).values_list("id", flat=True)),
        guardian_id=guardian_id,
        staff_programme_ids=staff_programmes,
    )
    user._koppel_roles = roles  # type: ignore[union-attr,attr-defined]
    return roles


def forget_roles(user: AnyUser) -> None:
    if hasattr(user, "_koppel_roles"):
        del user._koppel_roles  # type: ignore[union-attr,attr-defined]


def of_staff_programmes[M: Model](model: type[M], user: AnyUser, *, via: str = "programme") -> QuerySet[M]:
    """The rows of `model` in the programmes the user coordinates or administers (none for anyone
    else); `via` is the path from a row to its programme, e.g. "mentor__programme"."""
    return model._default_manager.filter(**{f"{via}_id__in": roles_of(user).staff_programme_ids})
