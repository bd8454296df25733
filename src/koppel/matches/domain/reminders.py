"""The matches app's reminders, registered in MatchesConfig.ready: consent pending (AGR-1), no
meeting logged (REL-1, REL-4) and the coordinators' digest of support contacts due (SUP-1)."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from koppel.accounts.models import User
from koppel.common.domain.reminders import ReminderSpec, iso_week, new_reminder
from koppel.common.models.reminders import Reminder, ReminderKind
from koppel.matches.domain.agreement import (  # younger youth: via the guardians
    CONSENT_STATES,
    OWN_LINK_FROM_AGE,
    consent_link,
)
from koppel.matches.domain.meetings import matches_without_recent_meeting
from koppel.matches.domain.support import overdue_contacts
from koppel.matches.enums import STARTED_STATES
from koppel.matches.models import Agreement, Consent, Match
from koppel.people.domain.recipients import person_recipient, user_recipient
from koppel.people.enums import MentorStatus
from koppel.people.models import Guardian, Guardianship, Mentor
from koppel.people.models.people import age_on
from koppel.programmes.domain.queries import active_programmes
from koppel.programmes.models import Coordinator, Programme

K = ReminderKind

# A consent still pending after this long is reminded of, once per ISO week.
CONSENT_PENDING_AFTER = timedelta(days=3)


# --- Consent pending (AGR-1) ----------------------------------------------------------------------


def consent_reminders(programme_ids: list[int], *, today: date, now: datetime) -> list[Reminder]:
    """AGR-1: each party whose consent to the match's latest agreement has been pending for more than
    three days, once a week. A youth under 16 is not written to: their guardians with parental
    authority are, about the youth's consent."""
    latest = Agreement.objects.filter(match_id=OuterRef("agreement__match_id")).order_by("-number")
    consents: list[Consent] = list(
        Consent.objects.filter(
            agreement__match__programme_id__in=programme_ids,
            given_at__isnull=True,
            created_at__lte=now - CONSENT_PENDING_AFTER,
        )
        .filter(agreement__match__state__in=CONSENT_STATES)
        .filter(agreement_id=Subquery(latest.values("id")[:1]))
        .select_related(
            "agreement__match", "mentor__user", "guardian__user", "youth__user", "agreement__match__youth"
        )
    )
    young: set[int] = {
        c.youth.pk
        for c in consents
        if c.youth is not None and (age_on(c.youth.date_of_birth, today) or 0) < OWN_LINK_FROM_AGE
    }
    guardians_of: dict[int, list[Guardian]] = {}
    for link in Guardianship.objects.filter(youth_id__in=young, has_parental_authority=True).select_related(
        "guardian__user"
    ):
        guardians_of.setdefault(link.youth_id, []).append(link.guardian)
    week = iso_week(today)
    found = []
    for consent in consents:
        programme_id = consent.agreement.match.programme_id
        if consent.youth is not None and consent.youth.pk in young:
            for guardian in guardians_of.get(consent.youth.pk, []):
                to = person_recipient(guardian)
                if to is not None:
                    key = f"consent:{consent.pk}:g{guardian.pk}:{week}"
                    found.append(
                        new_reminder(
                            K.CONSENT_PENDING,
                            key,
                            to,
                            consent,
                            programme_id=programme_id,
                            now=now,
                            via="guardian",
                        )
                    )
            continue
        person = consent.mentor or consent.guardian or consent.youth
        to = person_recipient(person) if person is not None else None
        if to is not None:
            key = f"consent:{consent.pk}:{week}"
            found.append(
                new_reminder(K.CONSENT_PENDING, key, to, consent, programme_id=programme_id, now=now)
            )
    return found


def _find_consent(*, today: date, now: datetime) -> list[Reminder]:
    return consent_reminders(list(active_programmes().values_list("id", flat=True)), today=today, now=now)


def _has_login(user_id: int | None) -> bool:
    return user_id is not None and User.objects.filter(pk=user_id, is_active=True).exists()


def _consent_context(reminder: Reminder, consent: Consent) -> dict[str, Any]:
    match = consent.agreement.match
    about_child = reminder.context.get("via") == "guardian"
    # AGR-1: a parent giving their child's consent, or anyone without a login, gets their
    # personal signed link (made now, so it is valid for the programme's days from this mail;
    # never stored); a person with a login consents in the portal.
    personal = about_child or not _has_login(reminder.recipient_id)
    return {
        "youth_first_name": match.youth.first_name,
        "about_child": about_child,
        "started": match.state in STARTED_STATES,
        "personal": personal,
        "days": match.programme.settings.consent_link_days,
        "link": consent_link(consent, language=reminder.language)
        if personal
        else settings.SITE_URL + reverse("portal:agreement", args=[match.pk]),
    }


def _consent_still_needed(reminder: Reminder, consent: Consent) -> bool:
    """A consent still pending on a match that still asks for it, never for a mentor disqualified
    since (SCR-3)."""
    return (
        consent.given_at is None
        and consent.agreement.match.state in CONSENT_STATES
        and (consent.mentor is None or consent.mentor.status != MentorStatus.DISQUALIFIED)
    )


# --- No meeting logged (REL-1, REL-4) -------------------------------------------------------------


def meeting_reminders(programme_ids: list[int], *, today: date, now: datetime) -> list[Reminder]:
    """REL-1: the mentors of a match with no meeting logged for longer than agreed (the REL-1 alert,
    holidays of school-based programmes excepted: REL-4), once a week."""
    week = iso_week(today)
    late = (
        matches_without_recent_meeting(programme_ids, today)
        .select_related("youth")
        .prefetch_related("match_mentors__mentor__user")
    )
    found = []
    for match in late:
        for link in match.match_mentors.all():
            to = person_recipient(link.mentor)
            if to is None:
                continue
            key = f"meeting:{match.pk}:m{link.mentor_id}:{week}"
            found.append(
                new_reminder(
                    K.MEETING_NOT_LOGGED,
                    key,
                    to,
                    match,
                    programme_id=match.programme_id,
                    now=now,
                    since=match.counted_from.isoformat(),  # type: ignore[attr-defined]
                    mentor=link.mentor_id,
                )
            )
    return found


def _find_meeting(*, today: date, now: datetime) -> list[Reminder]:
    return meeting_reminders(list(active_programmes().values_list("id", flat=True)), today=today, now=now)


def _meeting_context(reminder: Reminder, match: Match) -> dict[str, Any]:
    return {
        "youth_first_name": match.youth.first_name,
        "since": date.fromisoformat(reminder.context["since"]),
        "link": settings.SITE_URL + reverse("portal:meeting_log", args=[match.pk]),
    }


def _meeting_still_needed(reminder: Reminder, match: Match) -> bool:
    """A meeting on a match that runs, never for a mentor disqualified since (SCR-3)."""
    mentor_id = reminder.context.get("mentor")
    disqualified = Mentor.objects.filter(pk=mentor_id, status=MentorStatus.DISQUALIFIED).exists()
    return match.state in STARTED_STATES and not disqualified


# --- Support contacts due (SUP-1) -----------------------------------------------------------------


def support_reminders(programmes: Iterable[Programme], *, today: date, now: datetime) -> list[Reminder]:
    """SUP-1: a weekly digest per coordinator with the number of matches with a support contact due."""
    week = iso_week(today)
    found = []
    for programme in programmes:
        due = overdue_contacts([programme.pk], today)
        n_matches = len({row.match.pk for row in due})
        if not n_matches:
            continue
        for coordinator in Coordinator.objects.filter(programme=programme).select_related("user"):
            to = user_recipient(coordinator.user)
            if to is not None:
                key = f"support:{coordinator.pk}:{week}"
                found.append(
                    new_reminder(
                        K.SUPPORT_DUE,
                        key,
                        to,
                        coordinator,
                        programme_id=programme.pk,
                        now=now,
                        matches=n_matches,
                    )
                )
    return found


def _find_support(*, today: date, now: datetime) -> list[Reminder]:
    return support_reminders(active_programmes(), today=today, now=now)


def _support_context(reminder: Reminder, coordinator: Coordinator) -> dict[str, Any]:
    return {"programme": coordinator.programme, "link": settings.SITE_URL + reverse("staff:worklist")}


REMINDERS = [
    ReminderSpec(
        kind=K.CONSENT_PENDING,
        subject=_("Your consent to the mentoring agreement is still needed"),
        find=_find_consent,
        context=_consent_context,
        related=("agreement__match__youth", "agreement__match__programme__settings", "mentor"),
        still_needed=_consent_still_needed,
    ),
    ReminderSpec(
        kind=K.MEETING_NOT_LOGGED,
        subject=_("No meeting logged for a while"),
        find=_find_meeting,
        context=_meeting_context,
        related=("youth",),
        still_needed=_meeting_still_needed,
    ),
    ReminderSpec(
        kind=K.SUPPORT_DUE,
        subject=_("Support contacts are due"),
        find=_find_support,
        context=_support_context,
        related=("programme",),
    ),
]
