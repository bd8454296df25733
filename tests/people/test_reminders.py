"""Reminders of the people app: VOG renewals (SCR-2)."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from koppel.common.domain import reminders as r
from koppel.common.models.reminders import Reminder, ReminderKind
from tests import factories as f
from tests.factories.screening import ConductCertificateFactory
from tests.reminder_helpers import send_only
from tests.reminder_helpers import subject_in as _subject

K = ReminderKind


def test_vog_renewal_goes_to_the_mentors_coordinator_or_else_all_coordinators__SCR_2(cast):
    today = timezone.localdate()
    soon = today - timedelta(days=3 * 365 - 30)
    ConductCertificateFactory(mentor=cast.mentor_row, issued_on=soon)  # mentor_row's coordinator: coordinator
    ConductCertificateFactory(mentor=cast.other_mentor_row, issued_on=soon)  # no coordinator of their own
    second = f.CoordinatorFactory(programme=cast.programme, user__email="second@example.org").user
    second.language = "en"
    second.save()
    ConductCertificateFactory(mentor=f.MentorFactory(programme=cast.programme), issued_on=today)  # valid long
    r.propose_reminders(today=today)
    rows = sorted(Reminder.objects.filter(kind=K.VOG_RENEWAL).values_list("email", "language"))
    assert rows == [
        ("coordinator@example.org", "nl"),
        ("coordinator@example.org", "nl"),
        ("second@example.org", "en"),
    ]
    send_only(K.VOG_RENEWAL)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["second@example.org"] == _subject(K.VOG_RENEWAL, "en")
    assert subjects["coordinator@example.org"] == _subject(K.VOG_RENEWAL, "nl")
