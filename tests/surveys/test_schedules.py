"""A programme's survey schedules: the defaults (OUT-1, OUT-2, OUT-4) and staff changes."""

import pytest

from koppel.common.domain.errors import ConflictError, DomainError
from koppel.common.models import ActivityLog
from koppel.surveys.domain import schedules
from koppel.surveys.enums import Moment, Respondent
from koppel.surveys.models import SurveySchedule
from tests.factories import ProgrammeFactory
from tests.factories.survey import ScheduleFactory, small_instrument

pytestmark = pytest.mark.django_db


def _rows(programme):
    return {
        (s.instrument.key, s.respondent, s.moment, s.months)
        for s in SurveySchedule.objects.filter(programme=programme).select_related("instrument")
    }


def test_default_schedules_follow_out_1_out_2_out_4():
    programme = ProgrammeFactory()
    programme.settings.follow_up_months = 11
    programme.settings.save()
    created = schedules.ensure_default_schedules(programme, by=None)
    assert len(created) == 12
    assert _rows(programme) == {
        ("koppel-outcomes-youth", "youth", "baseline", None),
        ("koppel-outcomes-youth", "youth", "during", 12),
        ("koppel-outcomes-youth", "youth", "closure", None),
        ("koppel-outcomes-youth", "youth", "follow_up", 11),  # OUT-2: the programme's follow-up months
        ("koppel-outcomes-guardian", "guardian", "baseline", None),
        ("koppel-outcomes-guardian", "guardian", "closure", None),
        ("koppel-relationship-youth", "youth", "during", 3),
        ("koppel-relationship-youth", "youth", "during", 6),
        ("koppel-relationship-youth", "youth", "during", 12),
        ("koppel-relationship-mentor", "mentor", "during", 3),
        ("koppel-relationship-mentor", "mentor", "during", 6),
        ("koppel-relationship-mentor", "mentor", "during", 12),
    }
    assert ActivityLog.objects.filter(action="surveys.schedule.created").count() == 12


def test_defaults_leave_a_programme_with_schedules_alone():
    schedule = ScheduleFactory(active=False)
    assert schedules.ensure_default_schedules(schedule.programme) == []
    assert SurveySchedule.objects.filter(programme=schedule.programme).count() == 1


def test_add_schedule_refuses_an_instrument_not_for_the_respondent(cast):
    instrument = small_instrument(respondents=["youth"])
    values = {"instrument": instrument, "respondent": Respondent.MENTOR, "moment": Moment.DURING, "months": 3}
    with pytest.raises(DomainError):
        schedules.add_schedule(cast.programme, by=cast.coordinator, values=values)
    values["respondent"] = Respondent.YOUTH
    schedule = schedules.add_schedule(cast.programme, by=cast.coordinator, values=values)
    assert (schedule.months, schedule.window_days) == (3, 30)
    with pytest.raises(DomainError):
        schedules.add_schedule(cast.programme, by=cast.coordinator, values=values)


def test_add_schedule_needs_months_that_fit_the_moment(cast):
    instrument = small_instrument(respondents=["youth"])
    base = {"instrument": instrument, "respondent": "youth"}
    with pytest.raises(DomainError):
        schedules.add_schedule(cast.programme, by=None, values={**base, "moment": "during", "months": None})
    with pytest.raises(DomainError):
        schedules.add_schedule(cast.programme, by=None, values={**base, "moment": "closure", "months": 3})


def test_update_schedule_is_versioned_and_audited(cast):
    schedule = ScheduleFactory(programme=cast.programme)
    changed = schedules.update_schedule(
        schedule, by=cast.coordinator, values={"window_days": 14}, expected_version=schedule.version
    )
    assert changed == ["window_days"]
    with pytest.raises(ConflictError):
        schedules.update_schedule(
            schedule, by=cast.coordinator, values={"window_days": 20}, expected_version=1
        )
    schedule.refresh_from_db()
    assert schedule.window_days == 14
    assert ActivityLog.objects.filter(action="surveys.schedule.changed", object_id=schedule.pk).exists()


def test_deactivate_schedule(cast):
    schedule = ScheduleFactory(programme=cast.programme)
    schedules.deactivate_schedule(schedule, by=cast.coordinator)
    schedule.refresh_from_db()
    assert not schedule.active
    with pytest.raises(DomainError):
        schedules.deactivate_schedule(schedule, by=cast.coordinator)


def test_add_schedule_refuses_another_organisations_instrument(cast):
    from tests.factories import OrganisationFactory

    theirs = small_instrument(respondents=["youth"], organisation=OrganisationFactory())
    values = {"instrument": theirs, "respondent": Respondent.YOUTH, "moment": Moment.BASELINE, "months": None}
    with pytest.raises(DomainError, match="another organisation"):
        schedules.add_schedule(cast.programme, by=cast.coordinator, values=values)
    ours = small_instrument(respondents=["youth"], organisation=cast.programme.organisation)
    values["instrument"] = ours
    assert schedules.add_schedule(cast.programme, by=cast.coordinator, values=values).instrument == ours
