"""The demo's writes that no domain function owns, in one place, each saying why.

Everything a user can do goes through the domain function the pages call. What is left here is of two
kinds: setting up what has no page to create it (the organisation, its staff roles, postcode areas),
and dating history back. A domain function stamps what it records with the moment it runs; the demo
tells a story of the past months, so after the function has checked and recorded a step, the step's
own date is set to when it happened in the story.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import F

from koppel.accounts.models import User
from koppel.common.models import OutgoingMail
from koppel.matches.models import (
    Agreement,
    Closure,
    Concern,
    Consent,
    Match,
    MatchEvent,
    MatchRound,
    MeetingLog,
    PostcodeArea,
    SupportContact,
)
from koppel.people.models import Mentor, PipelineEvent, SelfDisclosure, Youth
from koppel.programmes.models import Administrator, Coordinator, Organisation, Programme

# Bookkeeping fields the database or the domain functions fill in; never part of a plan's values.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "version"})


def values_of(obj: models.Model, *, exclude: set[str] = frozenset()) -> dict:
    """The field values of a planned (unsaved) row, as a domain function's `values`."""
    return {
        f.name: getattr(obj, f.name)
        for f in obj._meta.concrete_fields
        if f.name not in BOOKKEEPING and f.name not in exclude
    }


def adopt(plan: models.Model, row: models.Model) -> None:
    """Let the planned object stand for the row a domain function saved from it: the demo's plans
    (timelines, families, records) refer to the planned objects."""
    plan.__dict__.update(row.__dict__)


# --- Set-up that has no page ----------------------------------------------------------------------


def create_organisation(**values) -> Organisation:
    """The organisation is there before anyone can log in; no page or domain function creates one."""
    return Organisation.objects.create(**values)


def make_superuser(user: User) -> None:
    """The demo administrator may open the Django admin; accounts are made staff by hand, not by a page."""
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])


def appoint_administrator(user: User, organisation: Organisation) -> Administrator:
    """Staff roles are given in the Django admin; no domain function owns them yet."""
    return Administrator.objects.create(user=user, organisation=organisation)


def appoint_coordinator(user: User, programme: Programme, *, caseload_limit: int) -> Coordinator:
    """Staff roles are given in the Django admin; no domain function owns them yet."""
    return Coordinator.objects.create(user=user, programme=programme, caseload_limit=caseload_limit)


# --- Dating history back --------------------------------------------------------------------------


def backdate_event(event: PipelineEvent, at: datetime, *, reason: str = "") -> None:
    """A pipeline event happened at `at` in the demo's story (the transition stamps `now`). `reason`:
    the story's note, for a move its function records without one (`activate_match` makes the
    mentors matched)."""
    PipelineEvent.objects.filter(pk=event.pk).update(at=at, **({"reason": reason} if reason else {}))


def backdate_review(disclosure: SelfDisclosure, reviewed_on: date | None) -> None:
    """The self-disclosure was reviewed at the interview (the review stamps today)."""
    SelfDisclosure.objects.filter(pk=disclosure.pk).update(reviewed_on=reviewed_on)


def backdate_waiting_since(youth: Youth, waiting_since: date | None) -> None:
    """The youth joined the waiting list on the story's day (joining stamps today). Youth whose match
    started long ago keep no date, as the demo has always shown them."""
    Youth.objects.filter(pk=youth.pk).update(waiting_since=waiting_since)


def backdate_concern(concern: Concern, *, raised_at: datetime, closed_at: datetime | None = None) -> None:
    """A concern was raised (and closed) on the story's days (raising and closing stamp `now`)."""
    values: dict = {"created_at": raised_at}
    if closed_at is not None:
        values["closed_at"] = closed_at
    Concern.objects.filter(pk=concern.pk).update(**values)


def backdate_match(
    match: Match, *, proposed_at: datetime | None = None, agreed_on: date | None = None
) -> None:
    """A match was proposed and agreed on the story's days (proposing and writing the agreement
    stamp now and today)."""
    values: dict = {}
    if proposed_at is not None:
        values["created_at"] = proposed_at
    if agreed_on is not None:
        values["agreed_on"] = agreed_on
    Match.objects.filter(pk=match.pk).update(**values)


def backdate_match_event(match: Match, to_state: str, at: datetime) -> None:
    """The match's latest move to `to_state` happened at `at` (the move stamps `now`)."""
    event = MatchEvent.objects.filter(match=match, to_state=to_state).latest("id")
    MatchEvent.objects.filter(pk=event.pk).update(at=at)


def backdate_closure(closure: Closure, *, closed_at: datetime) -> None:
    """The match closed on its last day (closing stamps `now`)."""
    Closure.objects.filter(pk=closure.pk).update(closed_at=closed_at)


def backdate_agreement(agreement: Agreement, written_at: datetime) -> None:
    """The agreement was written a week before the start (writing stamps `now`)."""
    Agreement.objects.filter(pk=agreement.pk).update(created_at=written_at)


def backdate_consent(
    consent: Consent, *, asked_at: datetime, link_sent_at: datetime, given_at: datetime | None = None
) -> None:
    """A consent was asked for when its agreement was written, its link sent the next day, and (when
    given) given a few days before the start: the functions stamp `now` for each."""
    values: dict = {"created_at": asked_at, "link_sent_at": link_sent_at}
    if given_at is not None:
        values["given_at"] = given_at
    Consent.objects.filter(pk=consent.pk).update(**values)


def backdate_application(mentor: Mentor, days: int) -> None:
    """Move an applicant's application and pipeline events `days` further into the past (the retention
    schedule then has something to show)."""
    shift = timedelta(days=days)
    PipelineEvent.objects.filter(mentor=mentor).update(at=F("at") - shift)
    Mentor.objects.filter(pk=mentor.pk).update(applied_at=F("applied_at") - shift)


def create_postcode_areas(areas: Iterable[PostcodeArea]) -> None:
    """Reference data, as `koppel load_postcode_areas` loads it; nobody enters it on a page."""
    PostcodeArea.objects.bulk_create(areas)


def record_meeting_history(meetings: list[MeetingLog], contacts: list[SupportContact]) -> None:
    """Two years of weekly meetings and support contacts: about 1,000 and 400 rows. `log_meeting` and
    `log_contact` refuse what they should (a date in the future or before the start, a mentor or
    guardian not of the match) and the demo draws none of those; one call per row (a lock, checks and
    an activity-log entry each) would double the time `koppel demo` takes, so they are saved in bulk."""
    MeetingLog.objects.bulk_create(meetings)
    SupportContact.objects.bulk_create(contacts)


def forget_story_mail() -> None:
    """The mail the story's steps queued (status mails to applicants, concern notices) went out when
    the story happened: the demo starts with an empty outbox. Runs on the demo's own, new database."""
    OutgoingMail.objects.all().delete()


def create_match_round(programme: Programme, *, by) -> MatchRound:
    """A round to run at once: `start_round` would queue the background run after the commit, and the
    demo runs it here, before its own commit."""
    return MatchRound.objects.create(programme=programme, started_by=by)
