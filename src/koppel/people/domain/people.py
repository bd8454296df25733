"""State changes of mentors, youth and guardians. Every change is audited with its field names."""

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.versioning import changed_fields, save_versioned_and_log
from koppel.people.domain.disqualification import refuse_identity_change
from koppel.people.models import Guardian, Guardianship, Mentor, Youth
from koppel.programmes.models import Organisation, Programme


def _action(obj: models.Model, verb: str) -> str:
    return f"people.{obj._meta.model_name}.{verb}"


def _split(model: type[models.Model], values: dict) -> tuple[dict, dict]:
    plain: dict = {}
    many: dict = {}
    for name, value in values.items():
        (many if model._meta.get_field(name).many_to_many else plain)[name] = value
    return plain, many


def create_person[P: (Mentor, Youth)](
    model: type[P],
    programme: Programme,
    *,
    by: User | None,
    values: dict,
    action: str = "",
    data: dict[str, Any] | None = None,
) -> P:
    """Create a mentor or youth with its many-to-many values; audited as `action` (default: created)."""
    plain, many = _split(model, values)
    person = model.objects.create(programme=programme, **plain)
    for name, value in many.items():
        getattr(person, name).set(value)
    log_action(person, action or _action(person, "created"), by=by, fields=values.keys(), data=data)
    return person


# A new person starts at the beginning: the pipeline and the youth's status table move them on.
_SET_BY_TRANSITIONS = ("status", "disqualification_reason", "waiting_since")


def _without_status(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in _SET_BY_TRANSITIONS}


@transaction.atomic
def create_mentor(programme: Programme, *, by: User, values: dict) -> Mentor:
    """Register a mentor in a programme, as an applicant. Side effect: an activity-log entry."""
    return create_person(Mentor, programme, by=by, values=_without_status(values))


@transaction.atomic
def create_youth(programme: Programme, *, by: User, values: dict) -> Youth:
    """Register a youth in a programme, in intake. Side effect: an activity-log entry."""
    return create_person(Youth, programme, by=by, values=_without_status(values))


@transaction.atomic
def create_guardian(organisation: Organisation, *, by: User, values: dict) -> Guardian:
    """Register a parent or guardian. Side effect: an activity-log entry."""
    guardian = Guardian.objects.create(organisation=organisation, **values)
    log_action(guardian, _action(guardian, "created"), by=by, fields=values.keys())
    return guardian


@transaction.atomic
def update_person(
    person: Mentor | Youth | Guardian, *, by: User, values: dict, expected_version: int
) -> list[str]:
    """Change a person's profile; refused with ConflictError when someone else saved first.

    Side effect: an activity-log entry naming the changed fields (never their values).
    """
    if isinstance(person, Mentor):
        stored = Mentor.objects.get(pk=person.pk)
        refuse_identity_change(stored, changed_fields(stored, values))
    return save_versioned_and_log(
        person, values, expected_version=expected_version, by=by, action=_action(person, "changed")
    )


@transaction.atomic
def link_guardian(
    youth: Youth, guardian: Guardian, *, by: User, relation: str, has_parental_authority: bool
) -> Guardianship:
    """Record that `guardian` is a parent or guardian of `youth`. Audited on the youth."""
    if guardian.organisation_id != youth.programme.organisation_id:
        raise DomainError(_("This parent or guardian belongs to another organisation."))
    if Guardianship.objects.filter(youth=youth, guardian=guardian).exists():
        raise DomainError(_("This parent or guardian is already linked to this youth."))
    link = Guardianship.objects.create(
        youth=youth,
        guardian=guardian,
        relation=relation,
        has_parental_authority=has_parental_authority,
    )
    log_action(
        youth,
        "people.youth.guardian_linked",
        by=by,
        fields=["guardians"],
        data={"guardian_id": guardian.pk},
    )
    return link
