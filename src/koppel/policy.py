"""Who may see what: the one policy module.

Roles are relationships: a user is an administrator because an Administrator row links them to an
organisation, a coordinator through Coordinator rows, a mentor/youth because a Mentor/Youth row
points at them, a guardian through a Guardian row and its guardianships.

Every list goes through a `*_visible_to(user)` selector here, and every fetch goes through
`get_visible_or_404`, so an object a user may not see answers 404. The django-rules predicates at the
bottom are built on the same facts; templates and views ask them with `user.has_perm(...)`.
"""

from dataclasses import dataclass, field

import rules
from django.db.models import Q, QuerySet
from django.http import Http404

from koppel.matches.enums import KNOWN_TO_MENTOR, MatchState
from koppel.matches.models import Concern, Match, MatchRound, PairRule, Resource, RoundProposal
from koppel.people.enums import MentorStatus
from koppel.people.models import Guardian, Mentor, Youth
from koppel.privacy.models import AccessRequest
from koppel.programmes.models import Administrator, Coordinator, Organisation, Programme
from koppel.reports.models import ExportJob
from koppel.surveys.models import Assignment, Instrument, QualityAlert, Score, SurveySchedule


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


def roles_of(user) -> Roles:
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
    user._koppel_roles = roles
    return roles


def must_use_second_factor(user) -> bool:
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


def forget_roles(user) -> None:
    if hasattr(user, "_koppel_roles"):
        del user._koppel_roles


# --- Selectors ------------------------------------------------------------------------------------


def programmes_visible_to(user) -> QuerySet[Programme]:
    r = roles_of(user)
    return Programme.objects.filter(id__in=r.staff_programme_ids).select_related("organisation")


def mentors_visible_to(user) -> QuerySet[Mentor]:
    """Staff see their programmes' mentors; a mentor sees themselves."""
    r = roles_of(user)
    return Mentor.objects.filter(Q(programme_id__in=r.staff_programme_ids) | Q(id__in=r.mentor_ids))


def _matched_youth_ids(mentor_ids) -> QuerySet:
    return Match.objects.filter(match_mentors__mentor_id__in=mentor_ids, state__in=KNOWN_TO_MENTOR).values(
        "youth_id"
    )


def youth_visible_to(user) -> QuerySet[Youth]:
    """Staff see their programmes' youth; a mentor only their own matches' youth; a guardian their
    own children; a youth only themselves."""
    r = roles_of(user)
    q = Q(programme_id__in=r.staff_programme_ids) | Q(id__in=r.youth_ids)
    if r.mentor_ids:
        q |= Q(id__in=_matched_youth_ids(r.mentor_ids))
    if r.guardian_id is not None:
        q |= Q(guardianships__guardian_id=r.guardian_id)
    return Youth.objects.filter(q).distinct() if r.guardian_id is not None else Youth.objects.filter(q)


def coordinators_of_programmes_of(user):
    """The users who coordinate one of the user's programmes (for coordinator and trainer choices)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(coordinator_roles__programme_id__in=roles_of(user).staff_programme_ids)
        .distinct()
    )


def staff_mentors(user) -> QuerySet[Mentor]:
    """Mentors as staff pages show them: those of the user's programmes, never the user's own row."""
    return Mentor.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def staff_youth(user) -> QuerySet[Youth]:
    """Youth as staff pages show them: those of the user's programmes, never a portal row."""
    return Youth.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def guardians_visible_to(user) -> QuerySet[Guardian]:
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


def matches_visible_to(user) -> QuerySet[Match]:
    r = roles_of(user)
    q = Q(programme_id__in=r.staff_programme_ids)
    if r.mentor_ids:
        q |= Q(id__in=Match.objects.filter(match_mentors__mentor_id__in=r.mentor_ids).values("id"))
    if r.youth_ids:
        q |= Q(youth_id__in=r.youth_ids)
    if r.guardian_id is not None:
        q |= Q(youth__guardianships__guardian_id=r.guardian_id)
    return Match.objects.filter(q)


def staff_matches(user) -> QuerySet[Match]:
    """Matches of the programmes the user coordinates or administers."""
    return Match.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def portal_matches(user) -> QuerySet[Match]:
    """The matches a mentor, youth or guardian takes part in, once introduced (a proposal is the
    programme's business until the first meeting)."""
    r = roles_of(user)
    q = Q(pk__in=[])
    if r.mentor_ids:
        q |= Q(id__in=Match.objects.filter(match_mentors__mentor_id__in=r.mentor_ids).values("id"))
    if r.youth_ids:
        q |= Q(youth_id__in=r.youth_ids)
    if r.guardian_id is not None:
        q |= Q(youth__guardianships__guardian_id=r.guardian_id)
    return Match.objects.filter(q).exclude(state=MatchState.PROPOSED).distinct()


def match_rounds_visible_to(user) -> QuerySet[MatchRound]:
    """Match rounds (MAT-1..6) of the programmes the user coordinates or administers."""
    return MatchRound.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def proposals_visible_to(user) -> QuerySet[RoundProposal]:
    return RoundProposal.objects.filter(round__programme_id__in=roles_of(user).staff_programme_ids)


def pair_rules_visible_to(user) -> QuerySet[PairRule]:
    return PairRule.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def concerns_visible_to(user) -> QuerySet[Concern]:
    """Concerns of the programmes the user coordinates or administers (staff pages only)."""
    return Concern.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def resources_visible_to(user) -> QuerySet[Resource]:
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


def instruments_visible_to(user) -> QuerySet[Instrument]:
    """The instruments shipped with Koppel and those loaded by the user's organisations (staff only)."""
    r = roles_of(user)
    if not r.is_staff_member:
        return Instrument.objects.none()
    org_ids = Programme.objects.filter(id__in=r.staff_programme_ids).values("organisation_id")
    return Instrument.objects.filter(Q(organisation__isnull=True) | Q(organisation_id__in=org_ids))


def survey_schedules_visible_to(user) -> QuerySet[SurveySchedule]:
    return SurveySchedule.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def staff_assignments(user) -> QuerySet[Assignment]:
    """Surveys of the programmes the user coordinates or administers, answers included: coordinators
    and administrators are the only ones who see sensitive answers (substance use, delinquency)."""
    return Assignment.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def staff_scores(user) -> QuerySet[Score]:
    return Score.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def quality_alerts_visible_to(user) -> QuerySet[QualityAlert]:
    return QualityAlert.objects.filter(match__programme_id__in=roles_of(user).staff_programme_ids)


def portal_assignments(user) -> QuerySet[Assignment]:
    """The surveys the user is asked to answer themselves: as the youth, as the mentor, or as the
    guardian. Never another respondent's survey, so a mentor or guardian never sees a youth's answers."""
    r = roles_of(user)
    q = Q(pk__in=[])
    if r.youth_ids:
        q |= Q(respondent="youth", youth_id__in=r.youth_ids)
    if r.mentor_ids:
        q |= Q(respondent="mentor", mentor_id__in=r.mentor_ids)
    if r.guardian_id is not None:
        q |= Q(respondent="guardian", guardian_id=r.guardian_id)
    return Assignment.objects.filter(q)


def export_jobs_visible_to(user) -> QuerySet[ExportJob]:
    """Exports are personal: only the staff member who asked for one sees and downloads it."""
    if not roles_of(user).is_staff_member:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user)


def staff_access_requests(user) -> QuerySet[AccessRequest]:
    """Subject access requests (GDPR art. 15) of the organisations the user administers: whoever
    asked, on a staff page or in the portal. Coordinators see none."""
    return AccessRequest.objects.filter(organisation_id__in=roles_of(user).admin_org_ids)


def portal_access_requests(user) -> QuerySet[AccessRequest]:
    """The access requests the user made in the portal: only the requester downloads them there."""
    r = roles_of(user)
    if not (r.is_mentor or r.is_youth or r.is_guardian):
        return AccessRequest.objects.none()
    return AccessRequest.objects.filter(requested_by=user, from_portal=True)


def accounts_visible_to(user):
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


def own_file_logs_visible_to(user, kind: str, *, today) -> QuerySet:
    """The files whose "who looked" page the user may read in the portal: their own mentor file,
    their own file as a youth of 16 or older, their own file as a guardian, and the file of a child
    under 16 for whom they have parental authority (UAVG art. 5; privacy/domain/coming_of_age.py)."""
    from koppel.privacy.domain.coming_of_age import latest_birth_date

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


def organisations_administered_by(user) -> QuerySet[Organisation]:
    """The organisations the user administers: the privacy officer's pages (the register of
    processing) are theirs, not the coordinators'."""
    return Organisation.objects.filter(pk__in=roles_of(user).admin_org_ids).order_by("name", "pk")


def organisations_with_statements() -> QuerySet[Organisation]:
    """Every organisation: its privacy and accessibility statements are public pages."""
    return Organisation.objects.order_by("name", "pk")


def own_organisations(user) -> QuerySet[Organisation]:
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


def get_visible_or_404(queryset: QuerySet, pk):
    """Fetch one object from an already permission-filtered queryset; 404 when it is not there."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Predicates (django-rules) --------------------------------------------------------------------


@rules.predicate
def is_staff_member(user) -> bool:
    return roles_of(user).is_staff_member


@rules.predicate
def is_administrator(user) -> bool:
    return roles_of(user).is_admin


@rules.predicate
def is_coordinator(user) -> bool:
    return roles_of(user).is_coordinator


@rules.predicate
def is_mentor(user) -> bool:
    return roles_of(user).is_mentor


@rules.predicate
def is_youth(user) -> bool:
    return roles_of(user).is_youth


@rules.predicate
def is_guardian(user) -> bool:
    return roles_of(user).is_guardian


@rules.predicate
def is_programme_staff(user, obj) -> bool:
    """Staff of the object's programme (coordinator of it, or administrator of its organisation)."""
    if obj is None:
        return False
    programme_id = obj.pk if isinstance(obj, Programme) else getattr(obj, "programme_id", None)
    return programme_id in roles_of(user).staff_programme_ids


@rules.predicate
def is_organisation_admin(user, obj) -> bool:
    if obj is None:
        return False
    if isinstance(obj, Programme):
        return obj.organisation_id in roles_of(user).admin_org_ids
    if isinstance(obj, Guardian):
        return obj.organisation_id in roles_of(user).admin_org_ids
    return (
        getattr(obj, "programme", None) is not None
        and obj.programme.organisation_id in roles_of(user).admin_org_ids
    )


@rules.predicate
def is_instrument_admin(user, instrument) -> bool:
    """An administrator of the organisation that loaded the instrument: switching it off stops its
    surveys in every programme of the organisation, so no single programme's coordinator may."""
    return (
        instrument is not None
        and instrument.organisation_id is not None
        and instrument.organisation_id in roles_of(user).admin_org_ids
    )


@rules.predicate
def guardian_is_visible_staff(user, guardian) -> bool:
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
