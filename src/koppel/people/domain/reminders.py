"""The people app's reminders: VOG renewals (SCR-2), registered in PeopleConfig.ready."""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from koppel.accounts.models import User
from koppel.common.domain.reminders import ReminderSpec, new_reminder
from koppel.common.models.reminders import Reminder, ReminderKind
from koppel.people.domain.queries.screening import vog_renewals_due
from koppel.people.domain.recipients import user_recipient
from koppel.people.models import ConductCertificate
from koppel.programmes.domain.queries import active_programmes
from koppel.programmes.models import Coordinator

K = ReminderKind


def vog_reminders(programme_ids: list[int], *, today: date, now: datetime) -> list[Reminder]:
    """SCR-2: a VOG of a mentor in the pool that expires within 60 days, to the mentor's coordinator
    (else every coordinator of the programme), once a month."""
    certificates = list(vog_renewals_due(programme_ids, today=today).select_related("mentor__coordinator"))
    coordinators: dict[int, list[User]] = {}
    for row in Coordinator.objects.filter(
        programme_id__in={c.mentor.programme_id for c in certificates}
    ).select_related("user"):
        coordinators.setdefault(row.programme_id, []).append(row.user)
    month = today.strftime("%Y-%m")
    found = []
    for certificate in certificates:
        mentor = certificate.mentor
        users = [mentor.coordinator] if mentor.coordinator_id else coordinators.get(mentor.programme_id, [])
        for user in users:
            to = user_recipient(user)
            if user is not None and to is not None:
                key = f"vog:{certificate.pk}:u{user.pk}:{month}"
                found.append(
                    new_reminder(
                        K.VOG_RENEWAL, key, to, certificate, programme_id=mentor.programme_id, now=now
                    )
                )
    return found


def _find_vog(*, today: date, now: datetime) -> list[Reminder]:
    return vog_reminders(list(active_programmes().values_list("id", flat=True)), today=today, now=now)


def _vog_context(reminder: Reminder, certificate: ConductCertificate) -> dict[str, Any]:
    return {
        "mentor": certificate.mentor,
        "certificate": certificate,
        "link": settings.SITE_URL + reverse("staff:mentor_detail", args=[certificate.mentor_id]),
    }


REMINDERS = [
    ReminderSpec(
        kind=K.VOG_RENEWAL,
        subject=_("A certificate of conduct (VOG) needs renewing"),
        find=_find_vog,
        context=_vog_context,
        related=("mentor",),
    ),
]
