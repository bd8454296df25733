"""Reminders of the surveys app: a questionnaire due."""

from django.utils import timezone

from koppel.common.domain import reminders as r
from koppel.common.models.reminders import ReminderKind
from koppel.surveys.domain.reminders import survey_reminders

K = ReminderKind


def test_no_survey_reminders_are_proposed_while_there_are_no_surveys(cast):
    assert survey_reminders(today=timezone.localdate(), now=timezone.now()) == []
    assert K.SURVEY_DUE in r.KINDS
