"""The surveys app's reminders: a questionnaire due (OUT-1, OUT-2, OUT-4), registered in
SurveysConfig.ready."""

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koppel.common.domain.reminders import ReminderSpec, iso_week, new_reminder
from koppel.common.models.reminders import Reminder, ReminderKind
from koppel.people.domain.recipients import person_recipient
from koppel.people.models import Guardianship
from koppel.programmes.domain.queries import active_programmes
from koppel.surveys.domain.delivery import survey_link
from koppel.surveys.domain.responses import is_answerable
from koppel.surveys.enums import ANSWERABLE, Respondent
from koppel.surveys.models import Assignment

K = ReminderKind


def survey_reminders(programme_ids: list[int] | None = None, *, today: date, now: datetime) -> list[Reminder]:
    """Surveys (OUT-1, OUT-2, OUT-4): an invitation in the week a survey opens and a reminder each
    following week while it is open, to the respondent with their personal link. For a youth without
    an e-mail address of their own, the guardians with parental authority get a notice without the
    link (never the youth's answers)."""
    if programme_ids is None:
        programme_ids = list(active_programmes().values_list("id", flat=True))
    assignments = list(
        Assignment.objects.filter(
            programme_id__in=programme_ids,
            status__in=ANSWERABLE,
            due_on__lte=today,
            closes_on__gte=today,
        )
        .select_related("youth__user", "mentor__user", "guardian__user")
        .prefetch_related(
            Prefetch(
                "youth__guardianships",
                queryset=Guardianship.objects.filter(has_parental_authority=True).select_related(
                    "guardian__user"
                ),
                to_attr="authority",
            )
        )
    )
    week = iso_week(today)
    found = []
    for assignment in assignments:
        context = {"invitation": iso_week(timezone.localdate(assignment.created_at)) == week}
        youth = assignment.youth
        person = assignment.mentor or assignment.guardian or youth
        to = person_recipient(person)
        if to is not None:
            found.append(
                new_reminder(
                    K.SURVEY_DUE,
                    f"survey:{assignment.pk}:{week}",
                    to,
                    assignment,
                    programme_id=assignment.programme_id,
                    now=now,
                    **context,
                )
            )
        elif assignment.respondent == Respondent.YOUTH:
            # A youth without an e-mail address of their own: the guardians with parental authority
            # hear that a questionnaire is waiting, WITHOUT the link. The youth's answers (substance
            # use, delinquency, the relationship with the parents) are the youth's own: a parent never
            # holds the link that shows them. The youth answers in the portal, or the coordinator hands
            # over the personal link.
            for link in youth.authority:  # type: ignore[attr-defined]
                to = person_recipient(link.guardian)
                if to is not None:
                    found.append(
                        new_reminder(
                            K.SURVEY_DUE,
                            f"survey:{assignment.pk}:g{link.guardian_id}:{week}",
                            to,
                            assignment,
                            programme_id=assignment.programme_id,
                            now=now,
                            via="guardian",
                            **context,
                        )
                    )
    return found


def _find_survey(*, today: date, now: datetime) -> list[Reminder]:
    return survey_reminders(today=today, now=now)


def _survey_context(reminder: Reminder, assignment: Assignment) -> dict[str, Any]:
    return {
        "youth_first_name": assignment.youth.first_name,
        "about_child": reminder.context.get("via") == "guardian",
        "invitation": bool(reminder.context.get("invitation")),
        "instrument": assignment.instrument,
        "closes_on": assignment.closes_on,
        # The personal link goes to the respondent only, never to a parent (see survey_reminders).
        "link": "" if reminder.context.get("via") == "guardian" else survey_link(assignment),
    }


def _survey_still_needed(reminder: Reminder, assignment: Assignment) -> bool:
    """A survey that can still be answered."""
    return is_answerable(assignment)


REMINDERS = [
    ReminderSpec(
        kind=K.SURVEY_DUE,
        subject=_("A questionnaire is waiting for you"),
        find=_find_survey,
        context=_survey_context,
        related=("youth", "instrument"),
        still_needed=_survey_still_needed,
    ),
]
