"""Delivering surveys: planning assignments from the schedules, closing them when their window ends,
and the personal signed link through which a respondent answers without an account.

`plan_assignments`, `expire_assignments` and `cancel_outdated_assignments` run from `koppel
send_reminders` on every run; the
invitations and weekly reminders are proposed there too (`common/domain/reminders.py`).

Dates (OUT-2, OUT-4):
- baseline: the day the youth's intake was complete (`waiting_since`; a youth matched without a
  waiting period: the day the match started);
- during: `months` after the match started (31 January + 1 month = 28/29 February), for a match
  that has started and not ended before that day;
- closure: the match's last day (`ended_on`) of a match that had started;
- follow-up: the closure's `follow_up_due`, else `months` after the last day.
An assignment is created only once it is due and while its window is still open
(`due_on <= today <= due_on + window_days`), once per schedule, youth, match and respondent.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koppel.accounts.models import User
from koppel.common.dates import add_months
from koppel.common.domain import attempts
from koppel.common.domain.audit import log_action, log_actions_bulk
from koppel.common.domain.errors import DomainError
from koppel.matches.enums import STARTED_STATES, MatchState
from koppel.matches.models import Match, MatchMentor
from koppel.people.enums import MentorStatus, YouthStatus
from koppel.people.models import Guardian, Guardianship, Mentor, Youth
from koppel.people.models.people import age_on
from koppel.surveys.domain.responses import is_answerable
from koppel.surveys.enums import ANSWERABLE, AssignmentStatus, InstrumentKind, Moment, Respondent
from koppel.surveys.models import Answer, Assignment, SurveySchedule

LINK_SALT = "koppel.surveys.link"


@dataclass(frozen=True)
class Due:
    """One subject of a schedule that is due: the youth, the match (if any) and the day."""

    youth: Youth
    match: Match | None
    due_on: date


# --- Planning -------------------------------------------------------------------------------------


def _starts_between(first: date, last: date, months: int) -> tuple[date, date]:
    """A range of start days that holds every start whose `add_months(start, months)` lies between
    `first` and `last`, with three days to spare for month ends (31 January + 1 month = 28
    February, so 28 February - 1 month = 28 January would miss it). Callers check exactly."""
    return add_months(first, -months) - timedelta(days=3), add_months(last, -months) + timedelta(days=3)


def _guardianships() -> Prefetch:
    return Prefetch(
        "guardianships",
        queryset=Guardianship.objects.filter(has_parental_authority=True).select_related("guardian__user"),
        to_attr="authority",
    )


def _baseline(schedule: SurveySchedule, first: date, today: date, *, guardians: bool) -> list[Due]:
    waiting = Youth.objects.filter(
        programme_id=schedule.programme_id, waiting_since__range=(first, today)
    ).select_related("user")
    # Matched without a waiting period: the intake was complete when the match started.
    started = (
        Match.objects.filter(
            programme_id=schedule.programme_id,
            started_on__range=(first, today),
            youth__waiting_since__isnull=True,
        )
        .select_related("youth__user")
        .order_by("started_on", "id")
    )
    if guardians:
        waiting = waiting.prefetch_related(_guardianships())
        started = started.prefetch_related(_youth_guardianships())
    # A baseline is measured before mentoring: a youth back on the waiting list after a match
    # (a rematch) answers the ended match's closure survey, not a "baseline" the same day.
    earlier_match = Match.objects.filter(youth_id=OuterRef("youth_id"), started_on__isnull=False)
    waiting = waiting.exclude(
        Exists(Match.objects.filter(youth_id=OuterRef("pk"), started_on__lt=OuterRef("waiting_since")))
    )
    started = started.exclude(Exists(earlier_match.filter(started_on__lt=OuterRef("started_on"))))
    found = [Due(y, None, y.waiting_since) for y in waiting if y.waiting_since is not None]
    seen = {d.youth.pk for d in found}
    for match in started:
        if match.youth_id not in seen and match.started_on is not None:
            seen.add(match.youth_id)
            found.append(Due(match.youth, None, match.started_on))
    return found


def _youth_guardianships() -> Prefetch:
    return Prefetch("youth__guardianships", queryset=_guardianships().queryset, to_attr="authority")


def _matches(schedule: SurveySchedule, *, mentors: bool, guardians: bool) -> QuerySet[Match]:
    queryset = Match.objects.filter(
        programme_id=schedule.programme_id, started_on__isnull=False
    ).select_related("youth__user")
    if mentors:
        queryset = queryset.prefetch_related(
            Prefetch("match_mentors", queryset=MatchMentor.objects.select_related("mentor__user"))
        )
    if guardians:
        queryset = queryset.prefetch_related(_youth_guardianships())
    return queryset


def _during(schedule: SurveySchedule, first: date, today: date, **kw: bool) -> list[Due]:
    months = schedule.months or 0
    candidates = _matches(schedule, **kw).filter(
        state__in=[*STARTED_STATES, MatchState.CLOSED],
        started_on__range=_starts_between(first, today, months),
    )
    found = []
    for match in candidates:
        due_on = add_months(cast(date, match.started_on), months)  # _matches: started matches only
        # Still running on that day: not ended before it.
        if first <= due_on <= today and (match.ended_on is None or match.ended_on >= due_on):
            found.append(Due(match.youth, match, due_on))
    return found


def _closure(schedule: SurveySchedule, first: date, today: date, **kw: bool) -> list[Due]:
    candidates = _matches(schedule, **kw).filter(state=MatchState.CLOSED, ended_on__range=(first, today))
    return [Due(match.youth, match, cast(date, match.ended_on)) for match in candidates]


def _follow_up(schedule: SurveySchedule, first: date, today: date, **kw: bool) -> list[Due]:
    months = schedule.months or 0
    candidates = (
        _matches(schedule, **kw)
        .filter(state=MatchState.CLOSED, ended_on__isnull=False)
        .filter(
            Q(closure__follow_up_due__range=(first, today))
            | Q(
                closure__follow_up_due__isnull=True,
                ended_on__range=_starts_between(first, today, months),
            )
        )
        .select_related("closure")
    )
    found = []
    for match in candidates:
        closure = getattr(match, "closure", None)
        due_on = (closure.follow_up_due if closure else None) or add_months(
            cast(date, match.ended_on), months
        )
        if first <= due_on <= today:
            found.append(Due(match.youth, match, due_on))
    return found


FINDERS: dict[str, Callable[..., list[Due]]] = {
    Moment.DURING: _during,
    Moment.CLOSURE: _closure,
    Moment.FOLLOW_UP: _follow_up,
}


def _language(person: Youth | Mentor | Guardian) -> str:
    user = person.user if person.user_id else None
    return person.preferred_language or (user.language if user is not None else "") or settings.LANGUAGE_CODE


def _guardians_of(due: Due) -> list:
    return [link.guardian for link in getattr(due.youth, "authority", [])]


def assignments_for(schedule: SurveySchedule, due: Due) -> list[Assignment]:
    """One (unsaved) assignment per respondent of the schedule for this subject."""
    instrument = schedule.instrument
    young_age = instrument.young_age
    age = age_on(due.youth.date_of_birth, due.due_on)
    common = {
        "programme_id": schedule.programme_id,
        "schedule": schedule,
        "instrument": instrument,
        "youth": due.youth,
        "match": due.match,
        "respondent": schedule.respondent,
        "moment": schedule.moment,
        "months": schedule.months,
        "due_on": due.due_on,
        "closes_on": due.due_on + timedelta(days=schedule.window_days),
        "young": bool(young_age and age is not None and age < young_age),
    }
    match_part = due.match.pk if due.match is not None else 0
    base = f"s{schedule.pk}:y{due.youth.pk}:m{match_part}:{schedule.moment}"
    if schedule.respondent == Respondent.YOUTH:
        return [Assignment(**common, language=_language(due.youth), key=f"{base}:youth")]
    if schedule.respondent == Respondent.MENTOR:
        if due.match is None:
            return []
        return [
            Assignment(
                **common, mentor=link.mentor, language=_language(link.mentor), key=f"{base}:p{link.mentor_id}"
            )
            for link in due.match.match_mentors.all()
        ]
    return [
        Assignment(**common, guardian=guardian, language=_language(guardian), key=f"{base}:g{guardian.pk}")
        for guardian in _guardians_of(due)
    ]


def due_for(schedule: SurveySchedule, *, today: date, since: date | None = None) -> list[Due]:
    """The subjects for which `schedule` is due today and still within its window (or, with
    `since`, every one that fell due from that day on: the demo's history)."""
    first = since or today - timedelta(days=schedule.window_days)
    kw = {
        "mentors": schedule.respondent == Respondent.MENTOR,
        "guardians": schedule.respondent == Respondent.GUARDIAN,
    }
    if schedule.moment == Moment.BASELINE:
        return _baseline(schedule, first, today, guardians=kw["guardians"])
    return FINDERS[schedule.moment](schedule, first, today, **kw)


def plan_assignments(*, today: date, programme_ids: list[int] | None = None) -> int:
    """Create the assignments due today from every active schedule of the active programmes.

    Idempotent: `Assignment.key` (schedule, youth, match, moment, respondent person) is unique, so
    running it again creates nothing new. A constant number of queries per schedule, whatever the
    number of youth. Side effects: one activity-log entry "surveys.assignment.planned" per new
    assignment (bulk). Returns the number created.
    """
    schedules = SurveySchedule.objects.filter(active=True, programme__is_active=True, instrument__active=True)
    if programme_ids is not None:
        schedules = schedules.filter(programme_id__in=programme_ids)
    created = 0
    for schedule in schedules.select_related("instrument").order_by("id"):
        if schedule.respondent not in (schedule.instrument.respondents or []):
            continue  # the form refuses this; a schedule changed in the admin is skipped, not failed
        planned = [
            a
            for due in due_for(schedule, today=today)
            if due.youth.erased_at is None  # GDPR art. 17: nobody asks an erased person anything
            for a in assignments_for(schedule, due)
            if not _erased_respondent(a)
        ]
        if not planned:
            continue
        with transaction.atomic():
            existing = set(
                Assignment.objects.filter(key__in=[a.key for a in planned]).values_list("key", flat=True)
            )
            new = [a for a in planned if a.key not in existing]
            Assignment.objects.bulk_create(new, ignore_conflicts=True)
            saved = list(Assignment.objects.filter(key__in=[a.key for a in new]).only("id"))
            log_actions_bulk(saved, "surveys.assignment.planned", by=None, fields=["status"])
        created += len(new)
    return created


def _erased_respondent(assignment: Assignment) -> bool:
    person = assignment.mentor or assignment.guardian
    return person is not None and person.erased_at is not None


def _close_open(condition: Q, status: str, action: str) -> int:
    """Give every open survey that meets `condition` the closed `status`, each row locked first so a
    respondent sending it in at that moment either wins or finds it closed; one activity-log entry
    `action` per survey (bulk). Returns how many."""
    with transaction.atomic():
        found = list(
            Assignment.objects.select_for_update(of=("self",))
            .filter(status__in=ANSWERABLE)
            .filter(condition)
            .only("id")
        )
        if not found:
            return 0
        Assignment.objects.filter(pk__in=[a.pk for a in found], status__in=ANSWERABLE).update(
            status=status, updated_at=timezone.now()
        )
        log_actions_bulk(found, action, by=None, fields=["status"])
    return len(found)


def expire_assignments(*, today: date) -> int:
    """Surveys not submitted by the end of their window are closed ("expired").

    Side effects: one activity-log entry "surveys.assignment.expired" per assignment (bulk).
    Returns the number expired.
    """
    return _close_open(Q(closes_on__lt=today), AssignmentStatus.EXPIRED, "surveys.assignment.expired")


def cancel_outdated_assignments() -> int:
    """Open surveys that no longer apply are cancelled, so no reminder goes out for them: every open
    survey about a youth withdrawn from the programme, the relationship-quality surveys (OUT-4) of a
    match that has ended (early or not, or cancelled before it started), and every survey a
    disqualified mentor would answer (SCR-3). Outcome surveys
    (OUT-1) keep their window: a youth's answers 12 months in still count after an early closure,
    and the closure and follow-up surveys (OUT-2) are planned for an ended match.

    Side effects: status "cancelled" and one activity-log entry "surveys.assignment.cancelled" per
    assignment (bulk). Returns the number cancelled.
    """
    outdated = (
        Q(youth__status=YouthStatus.WITHDRAWN)
        | Q(
            moment=Moment.DURING, instrument__kind=InstrumentKind.RELATIONSHIP, match__state=MatchState.CLOSED
        )
        | Q(mentor__status=MentorStatus.DISQUALIFIED)
    )
    return _close_open(outdated, AssignmentStatus.CANCELLED, "surveys.assignment.cancelled")


def cancel_surveys_of_disqualified_mentor(mentor: Mentor, *, by: User) -> None:
    """SCR-3: a disqualified mentor answers no more surveys about a youth: their open surveys are
    cancelled at once (registered in `AFTER_DISQUALIFICATION`; the periodic command's
    `cancel_outdated_assignments` holds the same rule). Side effects: as `cancel_outdated_assignments`."""
    _close_open(Q(mentor=mentor), AssignmentStatus.CANCELLED, "surveys.assignment.cancelled")


def answerable(assignment: Assignment, *, today: date | None = None) -> bool:
    """Whether the survey can still be answered (one rule, in responses.is_answerable)."""
    return is_answerable(assignment, today=today)


# --- The personal link ----------------------------------------------------------------------------


class LinkInvalid(DomainError):
    """A forged, damaged or unknown survey link."""


class LinkExpired(DomainError):
    """A survey link whose window has closed (or whose survey was cancelled)."""


def _signer() -> signing.Signer:
    # No timestamp: the link stays the same in every reminder; it works while the survey is open.
    return signing.Signer(salt=LINK_SALT)


def survey_token(assignment: Assignment) -> str:
    """The token of the assignment's current link: its id and, once re-issued, its link version."""
    payload = {"a": assignment.pk}
    if assignment.link_version:
        payload["v"] = assignment.link_version
    return _signer().sign_object(payload, compress=True)


def survey_link(assignment: Assignment) -> str:
    """The respondent's personal link (absolute). It holds the assignment's id, signed; it works
    while the survey is open (until `closes_on`), and shows a clear page after that. The reminders
    call it when they are sent, so they carry the current link after staff re-issued it."""
    return settings.SITE_URL + reverse("links:survey", args=[survey_token(assignment)])


def assignment_from_token(token: str, *, today: date | None = None) -> Assignment:
    """The assignment of a personal link. Raises LinkInvalid for a forged or unknown token, or one
    that staff replaced by re-issuing the link, and LinkExpired once the window closed or the
    survey was cancelled. A submitted survey is returned (the page thanks the respondent again)."""
    try:
        payload = _signer().unsign_object(token)
        assignment = Assignment.objects.select_related(
            "instrument", "programme", "youth", "mentor", "guardian"
        ).get(pk=int(payload["a"]), link_version=int(payload.get("v", 0)))
    except (signing.BadSignature, AttributeError, KeyError, TypeError, ValueError, Assignment.DoesNotExist):
        raise LinkInvalid(_("This link is not valid. Check that you copied the whole address.")) from None
    if assignment.status == AssignmentStatus.SUBMITTED:
        return assignment
    today = today or timezone.localdate()
    if (
        assignment.status in (AssignmentStatus.EXPIRED, AssignmentStatus.CANCELLED)
        or assignment.closes_on < today
    ):
        raise LinkExpired(_("This questionnaire is closed. Thank you for your time all the same."))
    return assignment


def reissue_survey_link(assignment: Assignment, *, by: User) -> Assignment:
    """Staff replace a survey's personal link (it was forwarded, or someone else may hold it): the
    old link answers "not valid" (404) at once, and the next reminder carries the new one. The
    saved answers stay; whoever opens the new link still passes the second check to see them.

    Refused for a survey that cannot be answered any more. Side effects: `link_version` + 1, the
    wrong answers counted for the old link forgotten, `surveys.assignment.link_reissued` in the
    activity log. Returns the assignment with its new version."""
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if not is_answerable(locked):
            raise DomainError(_("This survey is closed: its link opens no questionnaire any more."))
        attempts.forget_failures(check_key(locked))
        locked.link_version += 1
        locked.version += 1
        locked.save(update_fields=["link_version", "version", "updated_at"])
        log_action(locked, "surveys.assignment.link_reissued", by=by, fields=["link_version"])
    return locked


# --- The second check before saved answers are shown again ----------------------------------------


def has_saved_answers(assignment: Assignment) -> bool:
    """Whether the link would show answers saved earlier (then it asks the second check first)."""
    return assignment.status in ANSWERABLE and Answer.objects.filter(assignment=assignment).exists()


def expected_birth_date(assignment: Assignment) -> date:
    """The date of birth the second check asks for: the respondent's own (a youth, a mentor); a
    parent's is not recorded, so a parent gives their child's, which the survey is about."""
    if assignment.respondent == Respondent.MENTOR and assignment.mentor is not None:
        return assignment.mentor.date_of_birth
    return assignment.youth.date_of_birth


def check_key(assignment: Assignment) -> str:
    """The key that counts wrong answers to the check, per link (a re-issued link starts again)."""
    return f"survey:{assignment.pk}:v{assignment.link_version}"


def check_respondent(assignment: Assignment, *, date_of_birth: date) -> bool:
    """The second check of a personal link: the respondent gives the date of birth
    `expected_birth_date` names. True when it is right. At most `attempts.LIMIT` wrong answers per
    link in `attempts.WINDOW`; after that every answer is refused with TooManyAttempts, also a
    right one, until the hour has passed.

    Side effects: a wrong answer is counted (`FailedAttempt`, never the date given); the limit
    reached is written in the activity log (`surveys.assignment.link_locked`)."""
    key = check_key(assignment)
    with transaction.atomic():
        # The survey's row lock makes the count and the check one step (two requests queue).
        locked = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("youth", "mentor")
            .get(pk=assignment.pk)
        )
        attempts.refuse_when_locked(key)
        if date_of_birth == expected_birth_date(locked):
            attempts.forget_failures(key)
            return True
        attempts.record_failure(key)
        try:
            attempts.refuse_when_locked(key)
        except attempts.TooManyAttempts:
            log_action(locked, "surveys.assignment.link_locked", by=None)
    return False
