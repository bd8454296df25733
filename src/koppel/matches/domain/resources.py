"""The resource library (SUP-3): publications, web links, agencies to refer to and the knowledge of
experienced mentors, each for mentors, youth and/or parents and guardians, organisation-wide or for
one programme. Administrators keep the organisation-wide items; coordinators their programmes'."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.versioning import save_versioned_and_log
from koppel.matches.enums import ResourceTopic
from koppel.matches.models import Resource
from koppel.people.domain.roles import AnyUser, roles_of
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.models import Organisation, Programme

TOPIC_ORDER = {value: index for index, value in enumerate(ResourceTopic.values)}


# --- Selectors ------------------------------------------------------------------------------------


def resources_editable_by(user: AnyUser) -> QuerySet[Resource]:
    """Coordinators change their programmes' items; administrators also organisation-wide ones."""
    r = roles_of(user)
    return Resource.objects.filter(
        Q(programme_id__in=r.staff_programme_ids) | Q(programme=None, organisation_id__in=r.admin_org_ids)
    )


def _for_audience(flag: str, programme_ids: QuerySet) -> Q:
    organisation_ids = Programme.objects.filter(id__in=programme_ids).values("organisation_id")
    return Q(**{flag: True}) & (
        Q(programme_id__in=programme_ids) | Q(programme=None, organisation_id__in=organisation_ids)
    )


def portal_resources(user: AnyUser) -> QuerySet[Resource]:
    """The items for the user's portal role(s) in their programme(s) (SUP-3): a youth never sees an
    item only for mentors, nobody sees another organisation's items."""
    r = roles_of(user)
    q = Q(pk__in=[])
    if r.mentor_ids:
        q |= _for_audience("for_mentors", Mentor.objects.filter(id__in=r.mentor_ids).values("programme_id"))
    if r.youth_ids:
        q |= _for_audience("for_youth", Youth.objects.filter(id__in=r.youth_ids).values("programme_id"))
    if r.guardian_id is not None:
        children = Youth.objects.filter(guardianships__guardian_id=r.guardian_id).values("programme_id")
        q |= _for_audience("for_guardians", children)
        # Organisation-wide items reach a guardian whose children are not registered yet too.
        q |= Q(
            for_guardians=True,
            programme=None,
            organisation_id__in=Guardian.objects.filter(id=r.guardian_id).values("organisation_id"),
        )
    return Resource.objects.filter(q)


def by_topic(resources: Iterable[Resource]) -> list[tuple[str, list[Resource]]]:
    """(topic label, items) in the order of ResourceTopic, each topic's items by title."""
    groups: dict[str, list[Resource]] = {}
    for resource in sorted(resources, key=lambda x: (TOPIC_ORDER.get(x.topic, 99), x.title.lower(), x.pk)):
        groups.setdefault(resource.topic, []).append(resource)
    return [(str(ResourceTopic(topic).label), items) for topic, items in groups.items()]


# --- State changes --------------------------------------------------------------------------------


def _check_audience(values: dict) -> None:
    if not (values.get("for_mentors") or values.get("for_youth") or values.get("for_guardians")):
        raise DomainError(_("Choose who the item is for: mentors, youth and/or parents and guardians."))


@transaction.atomic
def create_resource(organisation: Organisation, *, by: User, values: dict) -> Resource:
    """Add an item to the library of `organisation` (for one of its programmes when `values` names
    one). Side effect: an activity-log entry with the field names."""
    _check_audience(values)
    programme = values.get("programme")
    if programme is not None and programme.organisation_id != organisation.pk:
        raise DomainError(_("The programme is not part of this organisation."))
    resource = Resource.objects.create(organisation=organisation, **values)
    log_action(resource, "matches.resource.created", by=by, fields=values.keys())
    return resource


@transaction.atomic
def update_resource(resource: Resource, *, by: User, values: dict, expected_version: int) -> list[str]:
    """Change an item (optimistic locking: ConflictError when someone saved it meanwhile). Audited."""
    _check_audience(values)
    programme = values.get("programme")
    if programme is not None and programme.organisation_id != resource.organisation_id:
        raise DomainError(_("The programme is not part of this organisation."))
    return save_versioned_and_log(
        resource, values, expected_version=expected_version, by=by, action="matches.resource.changed"
    )


@transaction.atomic
def delete_resource(resource: Resource, *, by: User) -> None:
    """Remove an item from the library. The activity-log entry keeps its id (no copy of its content)."""
    log_action(
        resource,
        "matches.resource.deleted",
        by=by,
        data={"programme_id": resource.programme_id, "organisation_id": resource.organisation_id},
    )
    resource.delete()
