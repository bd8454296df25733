"""A youth's status, in one table: intake -> waiting -> matched -> closed, and back on the waiting
list for a new match; withdrawn from intake or the waiting list, and back once the intake is complete.

Every change of status goes through `move_youth`, which checks the table, saves under a row lock with
the version bumped, and writes the activity log. The callers (intake, a new match, a cancelled or
closed match, a rematch) check their own gates first and say which action to log.
"""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.versioning import save_versioned
from koppel.people.enums import YouthStatus
from koppel.people.models import Youth

S = YouthStatus

ALLOWED: dict[str, frozenset[str]] = {
    S.INTAKE: frozenset({S.WAITING, S.WITHDRAWN}),
    S.WAITING: frozenset({S.MATCHED, S.WITHDRAWN}),
    # A match that never started is cancelled: back on the waiting list; a finished one: closed.
    S.MATCHED: frozenset({S.WAITING, S.CLOSED}),
    S.CLOSED: frozenset({S.WAITING}),
    S.WITHDRAWN: frozenset({S.WAITING}),
}


def today() -> date:
    """The day in Koppel's time zone (TIME_ZONE, not the server clock's): the one "today" for
    waiting lists."""
    return timezone.localdate()


def check_youth_transition(youth: Youth, to: str) -> None:
    if to not in ALLOWED[youth.status]:
        raise DomainError(
            _("A youth cannot go from '%(from)s' to '%(to)s'.")
            % {"from": S(youth.status).label, "to": S(to).label}
        )


def move_youth(
    youth: Youth,
    to: str,
    *,
    by: User | None,
    action: str,
    values: dict | None = None,
    data: dict[str, Any] | None = None,
) -> Youth:
    """Move a youth to status `to` (refused when the table does not allow it), saving `values` with it.

    Must run inside a transaction. Re-reads the youth under a row lock, so two people never move them
    at once. Side effects: the version goes up (open edit forms conflict), an activity-log entry
    `action` with the changed field names and the two statuses. Returns the saved youth.
    """
    locked = Youth.objects.select_for_update().get(pk=youth.pk)
    check_youth_transition(locked, to)
    previous = locked.status
    changed = save_versioned(locked, {**(values or {}), "status": to}, expected_version=locked.version)
    log_action(locked, action, by=by, fields=changed, data={"from": previous, "to": to, **(data or {})})
    for name in ("status", "version", "waiting_since", "updated_at"):
        setattr(youth, name, getattr(locked, name))
    return locked
