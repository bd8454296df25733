"""State changes of training: sessions, registrations, attendance, external hours, peer supervision.

Every function runs in one transaction, writes the activity log (ids and field names only) and
raises DomainError with a translated message naming the rule when it refuses.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.models import Programme
from koppel.training.enums import Audience
from koppel.training.models import ExternalHours, Module, PeerGroup, PeerSession, Registration, Session

ZERO = Decimal("0")


def _check_modules(modules: Iterable[Module], audience: str) -> None:
    wrong = [m for m in modules if m.audience != audience]
    if wrong:
        raise DomainError(
            _("The module %(module)s is for another audience than this session (TRN-3, TRN-4, TRN-5).")
            % {"module": wrong[0].title}
        )


@transaction.atomic
def create_session(programme: Programme, *, by: User, values: dict) -> Session:
    """Plan a training session, youth orientation or guardians' meeting.
    Side effect: an activity-log entry."""
    values = dict(values)
    modules = list(values.pop("modules", []))
    _check_modules(modules, values["audience"])
    if values.get("online") and not values.get("link"):
        raise DomainError(_("An online session needs a link."))
    session = Session.objects.create(programme=programme, **values)
    session.modules.set(modules)
    log_action(session, "training.session.created", by=by, fields=[*values.keys(), "modules"])
    return session


def _person_field(person: Mentor | Youth | Guardian) -> str:
    if isinstance(person, Mentor):
        return Audience.MENTOR
    if isinstance(person, Youth):
        return Audience.YOUTH
    return Audience.GUARDIAN


def _belongs_to_programme(person: Mentor | Youth | Guardian, programme: Programme) -> bool:
    if isinstance(person, Guardian):
        return person.guardianships.filter(youth__programme=programme).exists()
    return person.programme_id == programme.pk


@transaction.atomic
def register_for_session(session: Session, person: Mentor | Youth | Guardian, *, by: User) -> Registration:
    """Give a mentor, youth or guardian a place in a session.

    Refused when the session is for another audience or programme, the person is already registered,
    or every place is taken. Side effect: an activity-log entry on the session.
    """
    # Lock the session row, so two registrations at once cannot both take the last place.
    session = Session.objects.select_for_update().get(pk=session.pk)
    field = _person_field(person)
    if field != session.audience:
        raise DomainError(
            _("This session is for %(audience)s only (TRN-3, TRN-4, TRN-5).")
            % {"audience": session.get_audience_display().lower()}
        )
    if not _belongs_to_programme(person, session.programme):
        raise DomainError(_("%(name)s does not take part in this programme.") % {"name": person.full_name})
    registrations = Registration.objects.filter(session=session)
    if registrations.filter(**{field: person}).exists():
        raise DomainError(_("%(name)s is already registered for this session.") % {"name": person.full_name})
    if session.capacity is not None and registrations.count() >= session.capacity:
        raise DomainError(
            _("This session is full: all %(capacity)s places are taken.") % {"capacity": session.capacity}
        )
    registration = Registration.objects.create(session=session, **{field: person})
    log_action(
        session,
        "training.session.registered",
        by=by,
        fields=["registrations"],
        data={"registration_id": registration.pk, field: person.pk},
    )
    return registration


@transaction.atomic
def record_attendance(session: Session, *, by: User, attendance: dict[int, bool | None]) -> int:
    """Record who attended a session that has started; an attendee is credited the session's hours,
    which feed the hours ledger (TRN-1, TRN-2). `attendance` maps registration ids to True (attended),
    False (absent) or None (not known yet). Returns the number of registrations changed.
    Side effect: one activity-log entry on the session.
    """
    if session.starts_at > timezone.now():
        raise DomainError(_("Attendance can be recorded once the session has started."))
    changed = []
    for registration in Registration.objects.filter(session=session, pk__in=attendance.keys()):
        attended = attendance[registration.pk]
        hours = session.duration_hours if attended else ZERO
        if registration.attended != attended or registration.hours_credited != hours:
            registration.attended = attended
            registration.hours_credited = hours
            changed.append(registration)
    Registration.objects.bulk_update(changed, ["attended", "hours_credited"])
    if changed:
        log_action(
            session,
            "training.session.attendance_recorded",
            by=by,
            fields=["attended", "hours_credited"],
            data={"registration_ids": [r.pk for r in changed]},
        )
    return len(changed)


@transaction.atomic
def record_external_hours(mentor: Mentor, *, by: User, values: dict) -> ExternalHours:
    """Record a mentor's training outside the programme (a course elsewhere or self-study); the hours
    count in the ledger (TRN-1, TRN-2). Side effect: an activity-log entry on the mentor."""
    if values["date"] > timezone.localdate():
        raise DomainError(_("Training hours can only be recorded for a day that has passed."))
    entry = ExternalHours.objects.create(mentor=mentor, recorded_by=by, **values)
    log_action(
        mentor,
        "training.external_hours.recorded",
        by=by,
        fields=values.keys(),
        data={"external_hours_id": entry.pk},
    )
    return entry


def _check_members(programme: Programme, mentors: Iterable[Mentor]) -> None:
    outside = [m for m in mentors if m.programme_id != programme.pk]
    if outside:
        raise DomainError(
            _("%(name)s is not a mentor in this programme (SUP-4).") % {"name": outside[0].full_name}
        )


@transaction.atomic
def create_peer_group(programme: Programme, *, by: User, values: dict) -> PeerGroup:
    """Start a peer-supervision (intervisie) group of the programme's mentors (SUP-4).
    Side effect: an activity-log entry."""
    values = dict(values)
    members = list(values.pop("members", []))
    _check_members(programme, members)
    group = PeerGroup.objects.create(programme=programme, **values)
    group.members.set(members)
    log_action(group, "training.peer_group.created", by=by, fields=[*values.keys(), "members"])
    return group


@transaction.atomic
def record_peer_session_attendance(
    group: PeerGroup, *, by: User, values: dict, attendees: Iterable[Mentor]
) -> PeerSession:
    """Record one meeting of a peer-supervision group and who attended it (SUP-4).
    Only the group's members can attend. Side effect: an activity-log entry on the group."""
    if values["date"] > timezone.localdate():
        raise DomainError(_("A peer-supervision session can be recorded once it has taken place (SUP-4)."))
    attendees = list(attendees)
    member_ids = set(group.members.values_list("pk", flat=True))
    outside = [m for m in attendees if m.pk not in member_ids]
    if outside:
        raise DomainError(
            _("%(name)s is not a member of this peer-supervision group (SUP-4).")
            % {"name": outside[0].full_name}
        )
    peer_session = PeerSession.objects.create(group=group, **values)
    peer_session.attendees.set(attendees)
    log_action(
        group,
        "training.peer_session.recorded",
        by=by,
        fields=[*values.keys(), "attendees"],
        data={"peer_session_id": peer_session.pk},
    )
    return peer_session
