"""Who may see what: the one policy module.

Roles are relationships: a user is an administrator because an Administrator row links them to an
organisation, a coordinator through Coordinator rows, a mentor/youth because a Mentor/Youth row
points at them, a guardian through a Guardian row and its guardianships.

Every list goes through a `*_visible_to(user)` selector here (those that the apps below the policy
ask too live with their app: koppel.people.domain.roles, koppel.people.domain.queries.visible,
koppel.matches.domain.queries.visible, and are named here again), and every fetch goes through
`get_visible_or_404`, so an object a user may not see answers 404. The django-rules predicates at the
bottom are built on the same facts; templates and views ask them with `user.has_perm(...)`.
"""

from datetime import date

import rules
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from koppel.accounts.models import User
from koppel.matches.domain.queries.visible import matches_visible_to as matches_visible_to
from koppel.matches.domain.queries.visible import portal_matches as portal_matches
from koppel.matches.domain.queries.visible import staff_matches as staff_matches
from koppel.matches.domain.queries.visible import youth_visible_to as youth_visible_to
from koppel.matches.models import Concern, MatchRound, PairRule, Resource, RoundProposal
from koppel.people.domain.queries.visible import (
    coordinators_of_programmes_of as coordinators_of_programmes_of,
)
from koppel.people.domain.queries.visible import guardians_visible_to as guardians_visible_to
from koppel.people.domain.queries.visible import mentors_visible_to as mentors_visible_to
from koppel.people.domain.queries.visible import programmes_visible_to as programmes_visible_to
from koppel.people.domain.queries.visible import staff_mentors as staff_mentors
from koppel.people.domain.queries.visible import staff_youth as staff_youth
from koppel.people.domain.roles import NO_ROLES as NO_ROLES
from koppel.people.domain.roles import AnyUser as AnyUser
from koppel.people.domain.roles import Roles as Roles
from koppel.people.domain.roles import forget_roles as forget_roles
from koppel.people.domain.roles import of_staff_programmes
from koppel.people.domain.roles import roles_of as roles_of
from koppel.people.models import Guardian, Mentor, Youth
from koppel.privacy.domain.coming_of_age import latest_birth_date
from koppel.privacy.models import AccessRequest
from koppel.programmes.models import Organisation, Programme
from koppel.reports.models import ExportJob
from koppel.surveys.domain.queries.assignments import portal_assignments as portal_assignments
from koppel.surveys.models import Assignment, Instrument, QualityAlert, Score, SurveySchedule


def must_use_second_factor(user: AnyUser | None) -> bool:
    """Staff (administrators, coordinators, Django-admin users) always; a mentor when their programme
    asks it of its mentors (`mentor_mfa_required`)."""
    if user is None or not user.is_authenticated:
        return False
    roles = roles_of(user)
    if user.is_staff or user.is_superuser or roles.is_staff_member:
        return True
    return (
        roles.is_mentor
        and Mentor.objects.filter(
            id__in=roles.mentor_ids, programme__settings__mentor_mfa_required=True
        ).exists()
    )


# --- Selectors ------------------------------------------------------------------------------------


def match_rounds_visible_to(user: AnyUser) -> QuerySet[MatchRound]:
    """Match rounds (MAT-1..6) of the programmes the user coordinates or administers."""
    return of_staff_programmes(MatchRound, user)


def proposals_visible_to(user: AnyUser) -> QuerySet[RoundProposal]:
    return of_staff_programmes(RoundProposal, user, via="round__programme")


def pair_rules_visible_to(user: AnyUser) -> QuerySet[PairRule]:
    return of_staff_programmes(PairRule, user)


def concerns_visible_to(user: AnyUser) -> QuerySet[Concern]:
    """Concerns of the programmes the user coordinates or administers (staff pages only)."""
    return of_staff_programmes(Concern, user)


def resources_visible_to(user: AnyUser) -> QuerySet[Resource]:
    """The resource library (SUP-3) on the staff pages: their programmes' items and their
    organisations' organisation-wide items."""
    programme_ids = roles_of(user).staff_programme_ids
    return Resource.objects.filter(
        Q(programme_id__in=programme_ids)
        | Q(
            programme=None,
            organisation_id__in=Programme.objects.filter(id__in=programme_ids).values("organisation_id"),
        )
    )


def instruments_visible_to(user: AnyUser) -> QuerySet[Instrument]:
    """The instruments shipped with Koppel and those loaded by the user's organisations (staff only)."""
    r = roles_of(user)
    if not r.is_staff_member:
        return Instrument.objects.none()
    org_ids = Programme.objects.filter(id__in=r.staff_programme_ids).values("organisation_id")
    return Instrument.objects.filter(Q(organisation__isnull=True) | Q(organisation_id__in=org_ids))


def survey_schedules_visible_to(user: AnyUser) -> QuerySet[SurveySchedule]:
    return of_staff_programmes(SurveySchedule, user)


def staff_assignments(user: AnyUser) -> QuerySet[Assignment]:
    """Surveys of the programmes the user coordinates or administers, answers included: coordinators
    and administrators are the only ones who see sensitive answers (substance use, delinquency)."""
    return of_staff_programmes(Assignment, user)


def staff_scores(user: AnyUser) -> QuerySet[Score]:
    return of_staff_programmes(Score, user)


def quality_alerts_visible_to(user: AnyUser) -> QuerySet[QualityAlert]:
    return of_staff_programmes(QualityAlert, user, via="match__programme")


def export_jobs_visible_to(user: AnyUser) -> QuerySet[ExportJob]:
    """Exports are personal: only the staff member who asked for one sees and downloads it."""
    if not isinstance(user, User) or not roles_of(user).is_staff_member:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user)


def staff_access_requests(user: AnyUser) -> QuerySet[AccessRequest]:
    """Subject access requests (GDPR art. 15) of the organisations the user administers: whoever
    asked, on a staff page or in the portal. Coordinators see none."""
    return AccessRequest.objects.filter(organisation_id__in=roles_of(user).admin_org_ids)


def portal_access_requests(user: AnyUser) -> QuerySet[AccessRequest]:
    """The access requests the user made in the portal: only the requester downloads them there."""
    r = roles_of(user)
    if not isinstance(user, User) or not (r.is_mentor or r.is_youth or r.is_guardian):
        return AccessRequest.objects.none()
    return AccessRequest.objects.filter(requested_by=user, from_portal=True)


def accounts_visible_to(user: AnyUser) -> QuerySet[User]:
    """The logins an administrator may look up (which files did this account read): their
    organisations' staff and the mentors, youth and guardians of their organisations. Nobody else
    gets any."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    r = roles_of(user)
    if not r.is_admin:
        return User.objects.none()
    orgs = r.admin_org_ids
    ids = (
        Q(administrator_roles__organisation_id__in=orgs)
        | Q(coordinator_roles__programme__organisation_id__in=orgs)
        | Q(mentor_profile__programme__organisation_id__in=orgs)
        | Q(youth_profile__programme__organisation_id__in=orgs)
        | Q(guardian_profile__organisation_id__in=orgs)
    )
    return User.objects.filter(pk__in=User.objects.filter(ids).values("pk"))


def own_file_logs_visible_to(
    user: AnyUser, kind: str, *, today: date
) -> QuerySet[Mentor] | QuerySet[Guardian] | QuerySet[Youth]:
    """The files whose "who looked" page the user may read in the portal: their own mentor file,
    their own file as a youth of 16 or older, their own file as a guardian, and the file of a child
    under 16 for whom they have parental authority (UAVG art. 5; privacy/domain/coming_of_age.py)."""

    r = roles_of(user)
    if kind == "mentor":
        return Mentor.objects.filter(id__in=r.mentor_ids)
    if kind == "guardian":
        return (
            Guardian.objects.filter(id=r.guardian_id)
            if r.guardian_id is not None
            else Guardian.objects.none()
        )
    if kind != "youth":
        raise Http404
    born_by = latest_birth_date(today)
    q = Q(id__in=r.youth_ids, date_of_birth__lte=born_by)
    if r.guardian_id is not None:
        q |= Q(
            id__in=Youth.objects.filter(
                guardianships__guardian_id=r.guardian_id,
                guardianships__has_parental_authority=True,
                date_of_birth__gt=born_by,
            ).values("id")
        )
    return Youth.objects.filter(q)


def organisations_administered_by(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations the user administers: the privacy officer's pages (the register of
    processing) are theirs, not the coordinators'."""
    return Organisation.objects.filter(pk__in=roles_of(user).admin_org_ids).order_by("name", "pk")


def organisations_with_statements() -> QuerySet[Organisation]:
    """Every organisation: its privacy and accessibility statements are public pages."""
    return Organisation.objects.order_by("name", "pk")


def own_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations the user belongs to in any role (staff, mentor, youth, parent)."""
    r = roles_of(user)
    programme_ids = {
        *r.staff_programme_ids,
        *Mentor.objects.filter(pk__in=r.mentor_ids).values_list("programme_id", flat=True),
        *Youth.objects.filter(pk__in=r.youth_ids).values_list("programme_id", flat=True),
    }
    q = Q(pk__in=r.admin_org_ids) | Q(programmes__id__in=programme_ids)
    if r.guardian_id is not None:
        q |= Q(pk__in=Guardian.objects.filter(pk=r.guardian_id).values("organisation_id"))
    return Organisation.objects.filter(q).distinct().order_by("name", "pk")


def get_visible_or_404[M: Model](queryset: QuerySet[M], pk: int | str) -> M:
    """Fetch one object from an already permission-filtered queryset; 404 when it is not there."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Predicates (django-rules) --------------------------------------------------------------------


@rules.predicate
def is_staff_member(user: AnyUser) -> bool:
    return roles_of(user).is_staff_member


@rules.predicate
def is_administrator(user: AnyUser) -> bool:
    return roles_of(user).is_admin


@rules.predicate
def is_coordinator(user: AnyUser) -> bool:
    return roles_of(user).is_coordinator


@rules.predicate
def is_mentor(user: AnyUser) -> bool:
    return roles_of(user).is_mentor


@rules.predicate
def is_youth(user: AnyUser) -> bool:
    return roles_of(user).is_youth


@rules.predicate
def is_guardian(user: AnyUser) -> bool:
    return roles_of(user).is_guardian


@rules.predicate
def is_programme_staff(user: AnyUser, obj: Model | None) -> bool:
    """Staff of the object's programme (coordinator of it, or administrator of its organisation)."""
    if obj is None:
        return False
    programme_id = obj.pk if isinstance(obj, Programme) else getattr(obj, "programme_id", None)
    return programme_id in roles_of(user).staff_programme_ids


@rules.predicate
def is_organisation_admin(user: AnyUser, obj: Model | None) -> bool:
    if obj is None:
        return False
    if isinstance(obj, Programme):
        return obj.organisation_id in roles_of(user).admin_org_ids
    if isinstance(obj, Guardian):
        return obj.organisation_id in roles_of(user).admin_org_ids
    programme = getattr(obj, "programme", None)
    return programme is not None and programme.organisation_id in roles_of(user).admin_org_ids


@rules.predicate
def is_instrument_admin(user: AnyUser, instrument: Instrument | None) -> bool:
    """An administrator of the organisation that loaded the instrument: switching it off stops its
    surveys in every programme of the organisation, so no single programme's coordinator may."""
    return (
        instrument is not None
        and instrument.organisation_id is not None
        and instrument.organisation_id in roles_of(user).admin_org_ids
    )


@rules.predicate
def guardian_is_visible_staff(user: AnyUser, guardian: Guardian | None) -> bool:
    return (
        guardian is not None
        and guardians_visible_to(user).filter(pk=guardian.pk).exists()
        and roles_of(user).is_staff_member
    )


rules.add_perm("koppel.use_staff_pages", is_staff_member)
rules.add_perm("koppel.use_portal", is_mentor | is_youth | is_guardian)
rules.add_perm("koppel.view_access_log", is_administrator)
rules.add_perm("surveys.switch_instrument", is_instrument_admin)
rules.add_perm("programmes.view_programme", is_programme_staff)
rules.add_perm("programmes.change_settings", is_programme_staff)
rules.add_perm("people.add_person", is_staff_member)
rules.add_perm("people.change_person", is_programme_staff)
rules.add_perm("people.view_person_staff", is_programme_staff)
rules.add_perm("people.view_access_log", is_organisation_admin)
rules.add_perm("privacy.erase_person", is_organisation_admin)
rules.add_perm("people.change_guardian", guardian_is_visible_staff)
