"""The retention schedule: how long each kind of personal data is kept, what starts its clock, and
what applying the rule does; the preview of what goes next and the purge.

Each rule has a default period with a one-line reason (`SCHEDULE`); an organisation's administrators
may set their own period with a reason (`set_retention_period`, a `RetentionOverride`). Two periods
are set elsewhere, so there is one source for each: the survey rule's per programme
(`ProgrammeSettings.survey_reporting_months`) and the logs' for the whole installation
(`settings.LOG_RETENTION_DAYS`, purged by common/domain/retention.py). A disqualification record is
never purged (SCR-3).

Purging goes in two steps. `preview_retention` lists what qualifies today and keeps each item with
the day it first appeared; `apply_retention` applies a rule only to items that have been in the
preview for `settings.RETENTION_NOTICE_DAYS`, after checking again that they still qualify: an item
that stopped qualifying (the person came back, a new match) leaves the preview and is kept.
`koppel send_reminders` runs both for every organisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.dates import add_months
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import ConflictError, DomainError
from koppel.common.domain.versioning import changed_fields, save_versioned
from koppel.common.fields import EncryptedTextField
from koppel.matches.enums import MatchState
from koppel.matches.models import (
    Closure,
    ClosureConversation,
    Match,
    MatchEvent,
    MatchMentor,
    MeetingLog,
    SupportContact,
)
from koppel.people.domain.disqualification import disqualified_q
from koppel.people.enums import MentorStatus, YouthStatus
from koppel.people.models import (
    Guardian,
    Guardianship,
    Interview,
    Mentor,
    PipelineEvent,
    Reference,
    SelfDisclosure,
    Youth,
)
from koppel.privacy.domain.erasure import erase_person
from koppel.privacy.enums import RetentionRule
from koppel.privacy.models import RetentionOverride, RetentionPreviewItem, RetentionRun
from koppel.programmes.models import Administrator, Coordinator, Organisation, ProgrammeSettings
from koppel.surveys.enums import AssignmentStatus
from koppel.surveys.models import Answer, Assignment

# --- The schedule ----------------------------------------------------------------------------------

EDITABLE = "organisation"  # an administrator may set the organisation's own period
PER_PROGRAMME = "programme"  # ProgrammeSettings.survey_reporting_months
INSTALLATION = "installation"  # settings.LOG_RETENTION_DAYS
KEPT = "kept"  # never purged by the schedule


@dataclass(frozen=True)
class Rule:
    code: RetentionRule
    default_months: int | None
    clock: Promise  # what starts the clock
    effect: Promise  # what applying the rule does
    reason: Promise  # why the default is what it is (the page and the docs show it)
    set_by: str = EDITABLE
    # The shortest period an organisation may set. No Dutch law sets a minimum for these data; one
    # month keeps a period from being zero (purged the day it is recorded).
    minimum_months: int = 1

    @property
    def editable(self) -> bool:
        return self.set_by == EDITABLE

    @property
    def label(self) -> str:
        return str(self.code.label)


SCHEDULE: dict[RetentionRule, Rule] = {
    rule.code: rule
    for rule in [
        Rule(
            RetentionRule.APPLICANT_NOT_MATCHED,
            6,
            gettext_lazy("the rejection or withdrawal of an applicant who never started a match"),
            gettext_lazy("the person is erased"),
            gettext_lazy(
                "6 months: time to answer a question or complaint about the decision; after that "
                "there is no reason to keep someone who never took part"
            ),
        ),
        Rule(
            RetentionRule.VOG_FACTS,
            6,
            gettext_lazy("the end of the mentor's role (withdrawn or rejected)"),
            gettext_lazy(
                "only the minimal facts stay (certificate received or not and its dates, each "
                "decision); interview notes, the references' details, the disclosure's text and the "
                "reasons of pipeline steps are wiped. A disqualified mentor is left as recorded (SCR-3)"
            ),
            gettext_lazy(
                "6 months: the screening's details served the decision; the facts stay so that the "
                "screening can still be shown to have happened"
            ),
        ),
        Rule(
            RetentionRule.MATCH_RECORDS,
            24,
            gettext_lazy("the end of the last match of the match's youth and mentors"),
            gettext_lazy(
                "the notes of a closed match are wiped (meeting notes, support contacts' notes, the "
                "closure's notes); dates and counts stay, so reports still count the meetings"
            ),
            gettext_lazy(
                "2 years: the follow-up about a year after the match (OUT-2) and a year to answer "
                "questions about it"
            ),
        ),
        Rule(
            RetentionRule.PERSON_RECORD,
            24,
            gettext_lazy("the end of the person's last match, once they left the programme"),
            gettext_lazy("the person is erased"),
            gettext_lazy("2 years: the same period as the match's notes, so a file is never kept longer"),
        ),
        Rule(
            RetentionRule.SURVEYS,
            24,
            gettext_lazy("the survey's submission (or the end of its window)"),
            gettext_lazy(
                "the answers are removed and the personal link stops; the scores stay, so reports "
                "keep their figures"
            ),
            gettext_lazy("the programme's reporting period: set per programme in its settings"),
            set_by=PER_PROGRAMME,
        ),
        Rule(
            RetentionRule.LOGS,
            None,
            gettext_lazy("the day the log row was written"),
            gettext_lazy("the activity-log and access-log rows are deleted; the purge itself is logged"),
            gettext_lazy(
                "5 years: long enough to answer who looked at or changed a file, for a complaint or "
                "an incident that comes to light late; set for the whole installation"
            ),
            set_by=INSTALLATION,
        ),
        Rule(
            RetentionRule.DISQUALIFICATION,
            None,
            gettext_lazy("the disqualification"),
            gettext_lazy("nothing: the record is kept"),
            gettext_lazy(
                "SCR-3: a disqualified person is found again when they apply anew, so the record "
                "that identifies them is never purged"
            ),
            set_by=KEPT,
        ),
        Rule(
            RetentionRule.ACCOUNT,
            3,
            gettext_lazy("the end of the person's role (or their file's erasure, which deletes it too)"),
            gettext_lazy("the login is deleted; the person's file stays under its own rule"),
            gettext_lazy(
                "3 months: time to see the last messages; a login nobody uses is a door nobody watches"
            ),
        ),
    ]
}

# Rules whose items the preview lists and the purge applies (logs are purged for the installation).
PREVIEWED = [
    RetentionRule.APPLICANT_NOT_MATCHED,
    RetentionRule.VOG_FACTS,
    RetentionRule.MATCH_RECORDS,
    RetentionRule.PERSON_RECORD,
    RetentionRule.SURVEYS,
    RetentionRule.ACCOUNT,
]


def log_retention_days() -> int:
    """The logs' period in days: settings.LOG_RETENTION_DAYS, the same value the purge uses."""
    return settings.LOG_RETENTION_DAYS


def notice_days() -> int:
    return settings.RETENTION_NOTICE_DAYS


def overrides_of(organisation: Organisation) -> dict[str, RetentionOverride]:
    return {
        o.rule: o
        for o in RetentionOverride.objects.filter(organisation=organisation).select_related("changed_by")
    }


def period_months(
    rule: Rule, organisation: Organisation, *, overrides: dict[str, RetentionOverride] | None = None
) -> int | None:
    """The organisation's period for `rule` in months: its own, else the default."""
    if rule.editable:
        found = (overrides if overrides is not None else overrides_of(organisation)).get(rule.code)
        if found is not None:
            return found.months
    return rule.default_months


def period_ended(since: date, months: int, *, today: date) -> bool:
    """A period of `months` that started on `since` has ended on `today` (it ends on since + months)."""
    return add_months(since, months) <= today


def due_on(item: RetentionPreviewItem) -> date:
    """The day a preview item is purged: the day it first appeared plus the notice period."""
    return item.first_previewed_on + timedelta(days=notice_days())


def months_text(n: int) -> str:
    return ngettext("%(n)s month", "%(n)s months", n) % {"n": n}


def period_text(rule: Rule, months: int | None) -> str:
    """A rule's period as the pages say it: "6 months", "1825 days", "kept"."""
    if rule.set_by == INSTALLATION:
        days = log_retention_days()
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    if rule.set_by == PER_PROGRAMME:
        return gettext("set per programme (default %(period)s)") % {
            "period": months_text(rule.default_months or 0)
        }
    if rule.set_by == KEPT or months is None:
        return gettext("kept")
    return months_text(months)


def retention_texts(organisation: Organisation) -> dict[RetentionRule, str]:
    """Each rule's period for the organisation and what starts its clock, in the current language:
    what the register of processing and the privacy statement say (one query)."""
    overrides = overrides_of(organisation)
    texts = {}
    for code, rule in SCHEDULE.items():
        period = period_text(rule, period_months(rule, organisation, overrides=overrides))
        if rule.set_by == KEPT:
            texts[code] = gettext("%(rule)s: %(period)s") % {"rule": rule.label, "period": period}
        else:
            texts[code] = gettext("%(period)s after %(clock)s") % {"period": period, "clock": rule.clock}
    return texts


# --- Changing a period -----------------------------------------------------------------------------


def too_short(minimum: int) -> str:
    """The refusal of a period under a rule's minimum (zero included)."""
    return ngettext(
        "The period must be at least %(months)s month.",
        "The period must be at least %(months)s months.",
        minimum,
    ) % {"months": minimum}


@transaction.atomic
def set_retention_period(
    organisation: Organisation, *, rule: str, by: User, values: dict, expected_version: int
) -> list[str]:
    """Set the organisation's own period for `rule` with a reason; returns the changed field names.

    Refused for a rule whose period is set elsewhere, a period under the rule's minimum, an empty
    reason, or a stale version (someone saved meanwhile; 0: the form was loaded before any override).
    Side effects: creates or updates the `RetentionOverride` (version + 1) and logs
    "privacy.retention.period_changed" with the rule and the months (never the reason's text).
    """
    entry = SCHEDULE.get(rule)  # type: ignore[call-overload]
    if entry is None or not entry.editable:
        raise DomainError(_("This retention period cannot be changed here."))
    months = values.get("months")
    reason = (values.get("reason") or "").strip()
    if months is None or months < entry.minimum_months:
        raise DomainError(too_short(entry.minimum_months))
    if not reason:
        raise DomainError(_("Say why the organisation keeps these data for a different period."))
    values = {"months": months, "reason": reason, "changed_by": by}
    current = (
        RetentionOverride.objects.select_for_update().filter(organisation=organisation, rule=rule).first()
    )
    if current is None:
        if expected_version != 0:
            raise ConflictError()
        try:
            with transaction.atomic():
                current = RetentionOverride.objects.create(organisation=organisation, rule=rule, **values)
        except IntegrityError:
            raise ConflictError() from None  # someone else set it first
        changed = ["months", "reason"]
    elif not changed_fields(current, {"months": months, "reason": reason}):
        return []  # the same period and reason: no new version, no log row
    else:
        changed = [
            name
            for name in save_versioned(current, values, expected_version=expected_version)
            if name != "changed_by"
        ]
    if changed:
        log_action(
            current,
            "privacy.retention.period_changed",
            by=by,
            fields=changed,
            data={"rule": rule, "months": months, "default_months": entry.default_months},
        )
    return changed


# --- What qualifies --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    model: type[models.Model]
    pk: int
    since: date


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)


def _mentor_role_ended(organisation: Organisation, statuses: Iterable[str]) -> dict[int, date]:
    """Mentors of the organisation in one of `statuses`: the day of their latest step to it."""
    last_step = (
        PipelineEvent.objects.filter(mentor_id=OuterRef("pk"), to_status=OuterRef("status"))
        .order_by("-at")
        .values("at")[:1]
    )
    rows = (
        Mentor.objects.filter(
            programme__organisation=organisation, status__in=statuses, erased_at__isnull=True
        )
        .annotate(ended_at=models.Subquery(last_step))
        .values_list("pk", "ended_at", "updated_at")
    )
    return {pk: _local(ended_at or updated_at) for pk, ended_at, updated_at in rows}


# Per person id: (the latest end of a closed match, whether a match is open).
type MatchEnds = dict[int, tuple[date | None, bool]]


def _last_match_ends(organisation: Organisation) -> tuple[MatchEnds, MatchEnds]:
    """Per youth and per mentor of the organisation's matches: (the latest end of a closed match,
    whether a match is open). Two queries."""
    youth: dict[int, tuple[date | None, bool]] = {}
    for row in (
        Match.objects.filter(programme__organisation=organisation)
        .values("youth_id")
        .annotate(last=Max("ended_on"), open=models.Count("pk", filter=~Q(state=MatchState.CLOSED)))
        .order_by()
    ):
        youth[row["youth_id"]] = (row["last"], row["open"] > 0)
    mentors: dict[int, tuple[date | None, bool]] = {}
    for mrow in (
        MatchMentor.objects.filter(match__programme__organisation=organisation)
        .values("mentor_id")
        .annotate(
            last=Max("match__ended_on"), open=models.Count("pk", filter=~Q(match__state=MatchState.CLOSED))
        )
        .order_by()
    ):
        mentors[mrow["mentor_id"]] = (mrow["last"], mrow["open"] > 0)
    return youth, mentors


def _started_match_mentor_ids(organisation: Organisation) -> set[int]:
    return set(
        MatchMentor.objects.filter(
            match__programme__organisation=organisation, match__started_on__isnull=False
        ).values_list("mentor_id", flat=True)
    )


def _disqualified_ids(organisation: Organisation) -> set[int]:
    return set(
        Mentor.objects.filter(programme__organisation=organisation)
        .filter(disqualified_q())
        .values_list("pk", flat=True)
    )


def _applicants(organisation: Organisation, months: int, today: date) -> list[Candidate]:
    """Mentors rejected or withdrawn without ever starting a match; youth withdrawn without one.
    Never a mentor with any fact of a disqualification (SCR-3)."""
    started = _started_match_mentor_ids(organisation)
    disqualified = _disqualified_ids(organisation)
    found = [
        Candidate(Mentor, pk, since)
        for pk, since in _mentor_role_ended(
            organisation, [MentorStatus.REJECTED, MentorStatus.WITHDRAWN]
        ).items()
        if pk not in started and pk not in disqualified and period_ended(since, months, today=today)
    ]
    youth = (
        Youth.objects.filter(
            programme__organisation=organisation, status=YouthStatus.WITHDRAWN, erased_at__isnull=True
        )
        .exclude(Exists(Match.objects.filter(youth_id=OuterRef("pk"), started_on__isnull=False)))
        .values_list("pk", "updated_at")
    )
    found += [
        Candidate(Youth, pk, _local(updated_at))
        for pk, updated_at in youth
        if period_ended(_local(updated_at), months, today=today)
    ]
    return found


def _has_text(
    model: type[models.Model], link: str, names: Iterable[str], *, empty_json: Iterable[str] = ()
) -> Exists:
    condition = Q()
    for name in names:
        condition |= ~Q(**{name: ""})
    for name in empty_json:
        # An encrypted JSON field stores empty as the empty text (koppel.common.fields).
        empty = "" if isinstance(model._meta.get_field(name), EncryptedTextField) else {}
        condition |= ~Q(**{name: empty})
    return Exists(model.objects.filter(condition, **{link: OuterRef("pk")}))  # type: ignore[attr-defined]


# What the VOG rule wipes, per model: text fields (to "") and JSON fields (to {}).
SCREENING_TEXT = {
    Interview: (["motivation", "attitude_ideas"], ["qualities"]),
    Reference: (["name", "relation", "email", "phone", "notes"], []),
    SelfDisclosure: (["other_details", "review_notes"], []),
    PipelineEvent: (["reason"], []),
}


def _screening(organisation: Organisation, months: int, today: date) -> list[Candidate]:
    """Mentors whose role ended (withdrawn, rejected) with screening details still on record."""
    ended = _mentor_role_ended(organisation, [MentorStatus.REJECTED, MentorStatus.WITHDRAWN])
    disqualified = _disqualified_ids(organisation)
    due = [
        pk
        for pk, since in ended.items()
        if pk not in disqualified and period_ended(since, months, today=today)
    ]
    detail = Q()
    for model, (texts, jsons) in SCREENING_TEXT.items():
        detail |= Q(_has_text(model, "mentor_id", texts, empty_json=jsons))
    with_detail = set(Mentor.objects.filter(pk__in=due).filter(detail).values_list("pk", flat=True))
    return [Candidate(Mentor, pk, ended[pk]) for pk in due if pk in with_detail]


# What the match-records rule wipes: the free text of a match and of everything under it.
MATCH_TEXT: dict[type[models.Model], tuple[str, list[str]]] = {
    Match: ("pk", ["origin_note", "introduction_note", "pause_reason"]),
    MeetingLog: ("match_id", ["note"]),
    SupportContact: ("match_id", ["notes", "follow_up"]),
    MatchEvent: ("match_id", ["note"]),
    Closure: ("match_id", ["reason_note", "contact_after_note"]),
    ClosureConversation: ("closure__match_id", ["notes", "went_well", "could_be_better"]),
}


def _people_done_since(
    youth_id: int, mentor_ids: list[int], youth_ends: MatchEnds, mentor_ends: MatchEnds
) -> date | None:
    """The day the last match of everyone in a closed match ended, or None while one has an open match."""
    last: date | None = None
    for end, is_open in [youth_ends.get(youth_id, (None, False))] + [
        mentor_ends.get(pk, (None, False)) for pk in mentor_ids
    ]:
        if is_open:
            return None
        if end is not None and (last is None or end > last):
            last = end
    return last


def _match_notes(organisation: Organisation, months: int, today: date) -> list[Candidate]:
    youth_ends, mentor_ends = _last_match_ends(organisation)
    detail = Q()
    for model, (link, names) in MATCH_TEXT.items():
        if model is Match:
            for name in names:
                detail |= ~Q(**{name: ""})
        else:
            detail |= Q(_has_text(model, link, names))
    rows = list(
        Match.objects.filter(programme__organisation=organisation, state=MatchState.CLOSED)
        .filter(detail)
        .values("pk", "youth_id", "ended_on")
    )
    mentors_of = defaultdict(list)
    for match_id, mentor_id in MatchMentor.objects.filter(match_id__in=[r["pk"] for r in rows]).values_list(
        "match_id", "mentor_id"
    ):
        mentors_of[match_id].append(mentor_id)
    found = []
    for row in rows:
        since = _people_done_since(row["youth_id"], mentors_of[row["pk"]], youth_ends, mentor_ends)
        if since is not None and period_ended(since, months, today=today):
            found.append(Candidate(Match, row["pk"], since))
    return found


def _person_files(organisation: Organisation, months: int, today: date) -> list[Candidate]:
    """Youth who finished or withdrew and mentors who withdrew, whose last match ended `months` ago
    and who have no open match; parents whose every child goes. Never a disqualified mentor (SCR-3)."""
    youth_ends, mentor_ends = _last_match_ends(organisation)
    found = []
    youth_going: dict[int, date] = {}
    for pk, updated_at in Youth.objects.filter(
        programme__organisation=organisation,
        status__in=[YouthStatus.CLOSED, YouthStatus.WITHDRAWN],
        erased_at__isnull=True,
    ).values_list("pk", "updated_at"):
        end, is_open = youth_ends.get(pk, (None, False))
        if end is None or is_open:
            continue  # never matched: the applicants' rule
        since = max(end, _local(updated_at))
        if period_ended(since, months, today=today):
            youth_going[pk] = since
            found.append(Candidate(Youth, pk, since))
    disqualified = _disqualified_ids(organisation)
    for pk, withdrawn_on in _mentor_role_ended(
        organisation, [MentorStatus.WITHDRAWN, MentorStatus.REJECTED]
    ).items():
        end, is_open = mentor_ends.get(pk, (None, False))
        if end is None or is_open or pk in disqualified:
            continue
        since = max(end, withdrawn_on)
        if period_ended(since, months, today=today):
            found.append(Candidate(Mentor, pk, since))
    children = defaultdict(list)
    for guardian_id, youth_id in Guardianship.objects.filter(guardian__organisation=organisation).values_list(
        "guardian_id", "youth_id"
    ):
        children[guardian_id].append(youth_id)
    for pk in (
        Guardian.objects.filter(
            organisation=organisation, guardianships__isnull=False, erased_at__isnull=True
        )
        .distinct()
        .values_list("pk", flat=True)
    ):
        if all(child in youth_going for child in children[pk]):
            found.append(Candidate(Guardian, pk, max(youth_going[child] for child in children[pk])))
    return found


def _surveys(organisation: Organisation, months: int | None, today: date) -> list[Candidate]:
    """Finished surveys with answers, past their programme's reporting period."""
    periods = dict(
        ProgrammeSettings.objects.filter(programme__organisation=organisation).values_list(
            "programme_id", "survey_reporting_months"
        )
    )
    rows = (
        Assignment.objects.filter(
            programme__organisation=organisation,
            status__in=[AssignmentStatus.SUBMITTED, AssignmentStatus.EXPIRED, AssignmentStatus.CANCELLED],
        )
        .filter(Exists(Answer.objects.filter(assignment_id=OuterRef("pk"))))
        .values_list("pk", "programme_id", "submitted_at", "closes_on")
    )
    default = SCHEDULE[RetentionRule.SURVEYS].default_months or 24
    found = []
    for pk, programme_id, submitted_at, closes_on in rows:
        since = _local(submitted_at) if submitted_at else closes_on
        if period_ended(since, periods.get(programme_id, default), today=today):
            found.append(Candidate(Assignment, pk, since))
    return found


def _accounts(organisation: Organisation, months: int, today: date) -> list[Candidate]:
    """Logins of people whose every role here ended `months` ago; never a staff member's login."""
    ended: dict[int, date] = {}  # user id -> the latest end among their profiles
    live: set[int] = set()
    mentor_end = _mentor_role_ended(
        organisation, [MentorStatus.WITHDRAWN, MentorStatus.REJECTED, MentorStatus.DISQUALIFIED]
    )
    for pk, user_id in Mentor.objects.filter(
        programme__organisation=organisation, user__isnull=False
    ).values_list("pk", "user_id"):
        if pk in mentor_end:
            ended[user_id] = max(ended.get(user_id, mentor_end[pk]), mentor_end[pk])
        else:
            live.add(user_id)
    youth_ends, _mentor_ends = _last_match_ends(organisation)
    youth_end: dict[int, date] = {}
    for pk, user_id, status, updated_at in Youth.objects.filter(
        programme__organisation=organisation
    ).values_list("pk", "user_id", "status", "updated_at"):
        end, is_open = youth_ends.get(pk, (None, False))
        if status in (YouthStatus.CLOSED, YouthStatus.WITHDRAWN) and not is_open:
            youth_end[pk] = max(end or _local(updated_at), _local(updated_at))
            if user_id:
                ended[user_id] = max(ended.get(user_id, youth_end[pk]), youth_end[pk])
        elif user_id:
            live.add(user_id)
    children = defaultdict(list)
    for user_id, youth_id in Guardianship.objects.filter(
        guardian__organisation=organisation, guardian__user__isnull=False
    ).values_list("guardian__user_id", "youth_id"):
        children[user_id].append(youth_id)
    for user_id, kids in children.items():
        if all(kid in youth_end for kid in kids):
            end = max(youth_end[kid] for kid in kids)
            ended[user_id] = max(ended.get(user_id, end), end)
        else:
            live.add(user_id)
    ids = [pk for pk, since in ended.items() if pk not in live and period_ended(since, months, today=today)]
    # A login that is still someone elsewhere: staff, Django-admin user, another organisation's person.
    keep = set(
        User.objects.filter(pk__in=ids)
        .filter(
            Q(is_staff=True)
            | Q(is_superuser=True)
            | Q(Exists(Coordinator.objects.filter(user_id=OuterRef("pk"))))
            | Q(Exists(Administrator.objects.filter(user_id=OuterRef("pk"))))
            | Q(
                Exists(
                    Mentor.objects.filter(user_id=OuterRef("pk")).exclude(
                        programme__organisation=organisation
                    )
                )
            )
            | Q(
                Exists(
                    Youth.objects.filter(user_id=OuterRef("pk")).exclude(programme__organisation=organisation)
                )
            )
            | Q(Exists(Guardian.objects.filter(user_id=OuterRef("pk")).exclude(organisation=organisation)))
        )
        .values_list("pk", flat=True)
    )
    return [Candidate(User, pk, ended[pk]) for pk in ids if pk not in keep]


FINDERS: dict[RetentionRule, Callable[[Organisation, int, date], list[Candidate]]] = {
    RetentionRule.APPLICANT_NOT_MATCHED: _applicants,
    RetentionRule.VOG_FACTS: _screening,
    RetentionRule.MATCH_RECORDS: _match_notes,
    RetentionRule.PERSON_RECORD: _person_files,
    RetentionRule.SURVEYS: _surveys,  # type: ignore[dict-item]
    RetentionRule.ACCOUNT: _accounts,
}


def qualifying(organisation: Organisation, *, today: date) -> dict[RetentionRule, list[Candidate]]:
    """What each previewed rule applies to today, by the organisation's periods."""
    overrides = overrides_of(organisation)
    found = {}
    for code in PREVIEWED:
        months = period_months(SCHEDULE[code], organisation, overrides=overrides)
        found[code] = FINDERS[code](organisation, months or 0, today)
    return found


# --- Preview ---------------------------------------------------------------------------------------


@dataclass
class RetentionPreview:
    """What the schedule will purge: per rule the count, and the items (objects named by id only)."""

    run: RetentionRun
    counts: dict[str, int] = field(default_factory=dict)
    items: dict[str, list[RetentionPreviewItem]] = field(default_factory=dict)

    def due(self, *, today: date) -> list[RetentionPreviewItem]:
        return [item for items in self.items.values() for item in items if due_on(item) <= today]


def _refresh(organisation: Organisation, *, today: date) -> dict[str, list[RetentionPreviewItem]]:
    """Bring the stored preview in line with what qualifies today: new items start their notice
    period today, items that stopped qualifying leave, the rest keep the day they first appeared."""
    found = qualifying(organisation, today=today)
    types = ContentType.objects.get_for_models(User, Mentor, Youth, Guardian, Match, Assignment)
    stored = {
        (item.rule, item.content_type_id, item.object_id): item
        for item in RetentionPreviewItem.objects.filter(organisation=organisation)
    }
    keep: dict[str, list[RetentionPreviewItem]] = {code: [] for code in PREVIEWED}
    new: list[RetentionPreviewItem] = []
    restarted: list[RetentionPreviewItem] = []
    for code, candidates in found.items():
        for candidate in candidates:
            key = (code.value, types[candidate.model].pk, candidate.pk)
            item = stored.pop(key, None)
            if item is None:
                item = RetentionPreviewItem(
                    organisation=organisation,
                    rule=code,
                    content_type=types[candidate.model],
                    object_id=candidate.pk,
                    since=candidate.since,
                    first_previewed_on=today,
                    last_previewed_on=today,
                )
                new.append(item)
            elif item.since != candidate.since:
                # The clock started again (the person came back and left again since the last
                # preview): a new notice period too.
                item.since, item.first_previewed_on = candidate.since, today
                restarted.append(item)
            keep[code].append(item)
    if stored:
        RetentionPreviewItem.objects.filter(pk__in=[item.pk for item in stored.values()]).delete()
    RetentionPreviewItem.objects.bulk_create(new)
    RetentionPreviewItem.objects.bulk_update(restarted, ["since", "first_previewed_on"])
    RetentionPreviewItem.objects.filter(organisation=organisation).update(last_previewed_on=today)
    return keep


@transaction.atomic
def preview_retention(organisation: Organisation, *, today: date, by: User | None = None) -> RetentionPreview:
    """List what the schedule applies to on `today` and keep it as the organisation's preview.

    Side effects: adds new items (first previewed today), drops the items that no longer qualify,
    stores a `RetentionRun` (kind preview) with the counts per rule and logs
    "privacy.retention.previewed" with the counts (never a name).
    """
    items = _refresh(organisation, today=today)
    counts = {code: len(found) for code, found in items.items()}
    run = RetentionRun.objects.create(
        organisation=organisation, kind=RetentionRun.Kind.PREVIEW, today=today, by=by, counts=counts
    )
    log_action(run, "privacy.retention.previewed", by=by, data={"counts": counts, "today": today.isoformat()})
    return RetentionPreview(run=run, counts=counts, items=items)


# --- Applying the rules ----------------------------------------------------------------------------


def _wipe(queryset: models.QuerySet[models.Model], texts: Iterable[str], jsons: Iterable[str] = ()) -> int:
    values: dict = dict.fromkeys(texts, "")
    values.update({name: {} for name in jsons})
    if any(f.name == "version" for f in queryset.model._meta.concrete_fields):
        # A form opened before the wipe must not save the text back.
        values["version"] = F("version") + 1
    return queryset.update(**values)


def _trim_screening(mentor: Mentor, *, by: User) -> None:
    for model, (texts, jsons) in SCREENING_TEXT.items():
        _wipe(model.objects.filter(mentor=mentor), texts, jsons)  # type: ignore[attr-defined]
    log_action(
        mentor,
        "privacy.retention.screening_trimmed",
        by=by,
        fields=sorted(
            f"{m._meta.model_name}.{name}" for m, (t, j) in SCREENING_TEXT.items() for name in [*t, *j]
        ),
    )


def _wipe_match_notes(match: Match, *, by: User) -> None:
    for model, (link, names) in MATCH_TEXT.items():
        _wipe(model.objects.filter(**{link: match.pk}), names)  # type: ignore[attr-defined]
    log_action(
        match,
        "privacy.retention.notes_wiped",
        by=by,
        fields=sorted(
            f"{m._meta.model_name}.{name}" for m, (_link, names) in MATCH_TEXT.items() for name in names
        ),
    )


def _pseudonymise_survey(assignment: Assignment, *, by: User) -> None:
    removed, _detail = Answer.objects.filter(assignment=assignment).delete()
    # The personal link carries link_version: raising it stops every link sent for this survey.
    Assignment.objects.filter(pk=assignment.pk).update(
        link_version=F("link_version") + 1, version=F("version") + 1
    )
    log_action(assignment, "privacy.retention.survey_pseudonymised", by=by, data={"answers": removed})


def _delete_account(user: User, *, by: User) -> None:
    log_action(user, "privacy.retention.account_deleted", by=by)
    user.delete()


def _erase(person: Mentor | Youth | Guardian, *, by: User) -> None:
    # Whole-person erasure is the erasure module's: the ledger, the cascade, the login.

    erase_person(person, by=by, reason=_("Retention period ended"))


APPLY: dict[str, Callable[..., None]] = {
    RetentionRule.APPLICANT_NOT_MATCHED: _erase,
    RetentionRule.VOG_FACTS: _trim_screening,
    RetentionRule.MATCH_RECORDS: _wipe_match_notes,
    RetentionRule.PERSON_RECORD: _erase,
    RetentionRule.SURVEYS: _pseudonymise_survey,
    RetentionRule.ACCOUNT: _delete_account,
}


def _still_there(obj: models.Model) -> bool:
    """The row is there and, for a person, not erased (by an earlier rule of the same run, say)."""
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    if any(f.name == "erased_at" for f in obj._meta.concrete_fields):
        rows = rows.filter(erased_at__isnull=True)
    return rows.exists()


ORDER: dict[type[models.Model] | None, int] = {Youth: 0, Mentor: 1, Guardian: 2}


def _objects_of(items: list[RetentionPreviewItem]) -> dict[tuple[int, int], models.Model]:
    """The items' objects by (content type id, object id): one query per kind of object."""
    ids: dict[int, list[int]] = defaultdict(list)
    for item in items:
        ids[item.content_type_id].append(item.object_id)
    found: dict[tuple[int, int], models.Model] = {}
    for type_id, pks in ids.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is not None:
            for pk, obj in model._default_manager.in_bulk(pks).items():
                found[(type_id, pk)] = obj
    return found


@transaction.atomic
def apply_retention(organisation: Organisation, *, today: date, by: User | None = None) -> dict[str, int]:
    """Apply the schedule to the preview items whose notice period has passed; returns the counts
    per rule (and "refused": items a rule could not be applied to, kept for a person to look at).

    Checks the preview again first, so an item that stopped qualifying is dropped, not purged. Each
    item is claimed (its preview row deleted) before it is applied, in a savepoint of its own, so a
    second run never applies it twice and one refusal leaves the others going. Side effects: the
    rule's effect per item, with its own activity-log row (ids and field names only); a
    `RetentionRun` (kind purge) and "privacy.retention.applied" with the counts.
    """
    items = _refresh(organisation, today=today)
    counts: dict[str, int] = {}
    refused = 0
    for code, found in items.items():
        due = [item for item in found if due_on(item) <= today]
        # A person's youth before their parents, whose erasure may wait on the children's.
        due.sort(key=lambda item: (ORDER.get(item.content_type.model_class(), 9), item.pk))
        objects = _objects_of(due)
        for item in due:
            obj = objects.get((item.content_type_id, item.object_id))
            try:
                with transaction.atomic():
                    if RetentionPreviewItem.objects.filter(pk=item.pk).delete()[0] != 1:
                        continue  # another run took it
                    if obj is None or not _still_there(obj):
                        continue  # gone meanwhile (an earlier rule of this run erased the person)
                    APPLY[code](obj, by=by)
            except (DomainError, models.ProtectedError, models.RestrictedError):
                # The savepoint puts the item back in the preview: the next run tries again.
                refused += 1
                continue
            counts[code] = counts.get(code, 0) + 1
    data = {**counts, "refused": refused} if refused else counts
    run = RetentionRun.objects.create(
        organisation=organisation, kind=RetentionRun.Kind.PURGE, today=today, by=by, counts=data
    )
    log_action(run, "privacy.retention.applied", by=by, data={"counts": data, "today": today.isoformat()})
    return data
