"""Youth intake (YTH-1..3, MAT-5) and the waiting list.

A youth is registered in status "intake"; the intake record says what they were told (YTH-1), their
motivation and commitment (YTH-2), their wishes for a mentor (YTH-3, MAT-5) and the guardian's
consent. Only when all of that is recorded may they join the waiting list.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import ConflictError, DomainError
from koppel.common.domain.versioning import save_versioned
from koppel.people.domain.youth_status import move_youth, today
from koppel.people.enums import YouthStatus
from koppel.people.models import Intake, Youth

# The youth's own fields edited on the intake page (YTH-2 goals, YTH-3 wishes, MAT-5).
YOUTH_INTAKE_FIELDS = (
    "goals",
    "goal_areas",
    "wishes",
    "wish_mentor_gender",
    "wish_language",
    "cultural_match",
)

ADULT_AGE = 18


def intake_of(youth: Youth) -> Intake | None:
    return Intake.objects.filter(youth=youth).first()


@transaction.atomic
def record_intake(
    youth: Youth, *, by: User, values: dict[str, dict], expected_version: dict[str, int | None]
) -> list[str]:
    """Create or change the youth's intake record and the youth's goals and wishes, together.

    `values` holds {"youth": {...}, "intake": {...}}; `expected_version` the versions both were loaded
    with ({"youth": 3, "intake": 0} or None when there was no intake yet). Refused with ConflictError when
    someone else saved either first. Side effect: one activity-log entry on the youth naming the
    changed fields (intake fields prefixed "intake."), never their values. Returns those names.
    The youth's version goes up on every save, so the page's two forms are locked together.
    """
    youth_values = values.get("youth", {})
    intake_values = dict(values.get("intake", {}))
    youth_version, intake_version = expected_version.get("youth"), expected_version.get("intake")
    if youth_version is None:
        raise ConflictError()
    changed = save_versioned(youth, youth_values, expected_version=youth_version)
    intake = intake_of(youth)
    if intake is None:
        if intake_version:
            raise ConflictError()
        plain = {k: v for k, v in intake_values.items() if not Intake._meta.get_field(k).many_to_many}
        intake = Intake.objects.create(youth=youth, held_by=by, **plain)
        for name, value in intake_values.items():
            if Intake._meta.get_field(name).many_to_many:
                getattr(intake, name).set(value)
        intake_changed = [*intake_values, "held_by"]
    else:
        if not intake_version:
            # The page was loaded before this intake existed: someone else recorded it meanwhile.
            raise ConflictError()
        intake_changed = save_versioned(intake, intake_values, expected_version=intake_version)
    all_changed = changed + [f"intake.{name}" for name in intake_changed]
    if all_changed:
        log_action(youth, "people.youth.intake_recorded", by=by, fields=all_changed)
    return all_changed


def missing_for_waiting_list(youth: Youth, intake: Intake | None) -> list[str]:
    """What is still missing before the youth may join the waiting list, each naming its rule."""
    missing = []
    if intake is None or not intake.informed_benefits_challenges:
        missing.append(_("the youth was told about the programme's benefits and challenges (YTH-1)"))
    if intake is None or not intake.informed_volunteer:
        missing.append(_("the youth was told that the mentor is a volunteer (YTH-1)"))
    if intake is None or not intake.motivation.strip():
        missing.append(_("the youth's motivation (YTH-2)"))
    if not youth.goals.strip():
        missing.append(_("a goal the youth wants to work on (YTH-2)"))
    if intake is None or not intake.committed:
        missing.append(_("the youth's commitment to invest, be reliable, open up and own the goal (YTH-2)"))
    # A parent or guardian consents for a minor; an adult youth decides for themselves.
    age = youth.age
    if (age is None or age < ADULT_AGE) and (intake is None or not intake.guardian_consent):
        missing.append(_("the consent of a parent or guardian to take part"))
    return missing


@transaction.atomic
def add_to_waiting_list(youth: Youth, *, by: User) -> Youth:
    """Put a youth whose intake is complete on the programme's waiting list.

    Gate YTH-1 and YTH-2 (and the guardian's consent): refused with a DomainError listing every
    missing item. Side effects: status "waiting", waiting since today, an activity-log entry.
    """
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    if youth.status not in (YouthStatus.INTAKE, YouthStatus.WITHDRAWN):
        raise DomainError(
            _("Only a youth in intake or withdrawn can join the waiting list; this youth is: %(status)s.")
            % {"status": youth.get_status_display()}
        )
    missing = missing_for_waiting_list(youth, intake_of(youth))
    if missing:
        raise DomainError(
            _("This youth cannot join the waiting list yet. Still missing: %(items)s.")
            % {"items": "; ".join(missing)}
        )
    return move_youth(
        youth,
        YouthStatus.WAITING,
        by=by,
        action="people.youth.added_to_waiting_list",
        values={"waiting_since": today()},
    )


@transaction.atomic
def withdraw_youth(youth: Youth, *, by: User) -> Youth:
    """Take a youth in intake or on the waiting list out of the programme.

    Side effects: status "withdrawn", off the waiting list, an activity-log entry.
    """
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    if youth.status not in (YouthStatus.INTAKE, YouthStatus.WAITING):
        raise DomainError(
            _("Only a youth in intake or on the waiting list can be withdrawn; this youth is: %(status)s.")
            % {"status": youth.get_status_display()}
        )
    return move_youth(
        youth, YouthStatus.WITHDRAWN, by=by, action="people.youth.withdrawn", values={"waiting_since": None}
    )
