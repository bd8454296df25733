"""Survey schedules per programme: which instrument whom to ask when (OUT-1, OUT-2, OUT-4).

A programme starts from the defaults (`ensure_default_schedules`); staff then change a schedule's
window or switch it off. Planning the assignments from the schedules is in `delivery.py`.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.versioning import save_versioned_and_log
from koppel.programmes.models import Programme
from koppel.surveys.domain.instruments import install_shipped_instruments
from koppel.surveys.enums import Moment, Respondent
from koppel.surveys.models import Instrument, SurveySchedule

OUTCOMES_YOUTH = "koppel-outcomes-youth"
OUTCOMES_GUARDIAN = "koppel-outcomes-guardian"
RELATIONSHIP_YOUTH = "koppel-relationship-youth"
RELATIONSHIP_MENTOR = "koppel-relationship-mentor"
# OUT-4: relationship quality from both sides early, midway and after a year of the match.
RELATIONSHIP_MONTHS = (3, 6, 12)
# OUT-1: youth outcomes once during the match, after a year.
DURING_OUTCOME_MONTHS = 12


@dataclass(frozen=True)
class DefaultSchedule:
    instrument_key: str
    respondent: str
    moment: str
    months: int | None = None


def default_schedules(programme: Programme) -> list[DefaultSchedule]:
    """The schedules a programme starts with: youth outcomes at baseline, after 12 months, at
    closure and at the follow-up (OUT-1, OUT-2: `follow_up_months` after the end); guardian
    outcomes at baseline and closure; relationship quality from youth and mentor at 3, 6 and 12
    months (OUT-4)."""
    follow_up = programme.settings.follow_up_months
    rows = [
        DefaultSchedule(OUTCOMES_YOUTH, Respondent.YOUTH, Moment.BASELINE),
        DefaultSchedule(OUTCOMES_YOUTH, Respondent.YOUTH, Moment.DURING, DURING_OUTCOME_MONTHS),
        DefaultSchedule(OUTCOMES_YOUTH, Respondent.YOUTH, Moment.CLOSURE),
        DefaultSchedule(OUTCOMES_YOUTH, Respondent.YOUTH, Moment.FOLLOW_UP, follow_up),
        DefaultSchedule(OUTCOMES_GUARDIAN, Respondent.GUARDIAN, Moment.BASELINE),
        DefaultSchedule(OUTCOMES_GUARDIAN, Respondent.GUARDIAN, Moment.CLOSURE),
    ]
    for months in RELATIONSHIP_MONTHS:
        rows.append(DefaultSchedule(RELATIONSHIP_YOUTH, Respondent.YOUTH, Moment.DURING, months))
        rows.append(DefaultSchedule(RELATIONSHIP_MENTOR, Respondent.MENTOR, Moment.DURING, months))
    return rows


def shipped_instrument(key: str) -> Instrument | None:
    """The newest active revision of a shipped instrument."""
    return (
        Instrument.objects.filter(organisation__isnull=True, key=key, active=True)
        .order_by("-revision")
        .first()
    )


def _shipped_instruments(keys: set[str]) -> dict[str, Instrument]:
    found = {key: shipped_instrument(key) for key in keys}
    if any(instrument is None for instrument in found.values()):
        install_shipped_instruments()
        found = {key: shipped_instrument(key) for key in keys}
    missing = sorted(key for key, instrument in found.items() if instrument is None)
    if missing:
        raise DomainError(_("These instruments are not installed: %(keys)s.") % {"keys": ", ".join(missing)})
    return {key: instrument for key, instrument in found.items() if instrument is not None}


@transaction.atomic
def ensure_default_schedules(programme: Programme, *, by: User | None = None) -> list[SurveySchedule]:
    """Give a programme without schedules the default ones (see `default_schedules`).

    Does nothing for a programme that has any schedule (active or not): staff choices stand.
    Side effects: installs the shipped instruments when they are missing; one activity-log entry
    "surveys.schedule.created" per schedule. Returns the schedules created.
    """
    if SurveySchedule.objects.filter(programme=programme).exists():
        return []
    rows = default_schedules(programme)
    instruments = _shipped_instruments({row.instrument_key for row in rows})
    created = [
        SurveySchedule.objects.create(
            programme=programme,
            instrument=instruments[row.instrument_key],
            respondent=row.respondent,
            moment=row.moment,
            months=row.months,
        )
        for row in rows
    ]
    for schedule in created:
        log_action(
            schedule,
            "surveys.schedule.created",
            by=by,
            fields=["instrument", "respondent", "moment", "months", "window_days"],
            data={"programme": programme.pk, "default": True},
        )
    return created


def _check(values: dict, programme: Programme) -> None:
    instrument = values.get("instrument")
    respondent = values.get("respondent")
    if instrument is not None and instrument.organisation_id not in (None, programme.organisation_id):
        # An organisation's own (licensed) instrument is for that organisation's programmes only.
        raise DomainError(_("This instrument belongs to another organisation."))
    if instrument is not None and respondent and respondent not in (instrument.respondents or []):
        raise DomainError(_("This instrument is not written for this respondent."))
    moment, months = values.get("moment"), values.get("months")
    if moment in (Moment.DURING, Moment.FOLLOW_UP) and not months:
        raise DomainError(_("Say after how many months this survey is due."))
    if moment in (Moment.BASELINE, Moment.CLOSURE) and months:
        raise DomainError(_("A survey at baseline or at closure has no number of months."))


def _duplicate(programme: Programme, values: dict, *, exclude: int | None = None) -> bool:
    same = SurveySchedule.objects.filter(
        programme=programme,
        instrument=values["instrument"],
        respondent=values["respondent"],
        moment=values["moment"],
        months=values.get("months"),
    )
    if exclude is not None:
        same = same.exclude(pk=exclude)
    return same.exists()


@transaction.atomic
def add_schedule(programme: Programme, *, by: User, values: dict) -> SurveySchedule:
    """Add a schedule to a programme. `values`: instrument, respondent, moment, months, window_days.

    Refused when the instrument is not written for the respondent, the months do not fit the
    moment, or the programme has this schedule already. Side effects: "surveys.schedule.created".
    """
    _check(values, programme)
    if _duplicate(programme, values):
        raise DomainError(_("The programme has this schedule already."))
    schedule = SurveySchedule.objects.create(programme=programme, **values)
    log_action(schedule, "surveys.schedule.created", by=by, fields=sorted(values))
    return schedule


@transaction.atomic
def update_schedule(schedule: SurveySchedule, *, by: User, values: dict, expected_version: int) -> list[str]:
    """Change a schedule (window days, active, ...) unless someone saved it since it was loaded.

    Side effects: "surveys.schedule.changed" with the changed field names. Assignments already
    planned keep their dates; the change applies to the ones planned from now on.
    """
    merged = {
        "instrument": schedule.instrument,
        "respondent": schedule.respondent,
        "moment": schedule.moment,
        "months": schedule.months,
        **values,
    }
    _check(merged, schedule.programme)
    if _duplicate(schedule.programme, merged, exclude=schedule.pk):
        raise DomainError(_("The programme has this schedule already."))
    return save_versioned_and_log(
        schedule, values, expected_version=expected_version, by=by, action="surveys.schedule.changed"
    )


@transaction.atomic
def deactivate_schedule(schedule: SurveySchedule, *, by: User) -> SurveySchedule:
    """Stop planning surveys from a schedule; surveys already sent stay open until they close.

    Side effects: "surveys.schedule.deactivated".
    """
    changed = SurveySchedule.objects.filter(pk=schedule.pk, active=True).update(
        active=False, version=F("version") + 1, updated_at=timezone.now()
    )
    if changed != 1:
        raise DomainError(_("This schedule is not active."))
    schedule.refresh_from_db()
    log_action(schedule, "surveys.schedule.deactivated", by=by, fields=["active"])
    return schedule
